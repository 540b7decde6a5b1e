"""What every `sohoa` command module shares: the consoles, the settings of this run, the
database, and the wrapper that turns expected failures into one line and an exit code.

cli.py and ops_cli.py both stand on this module, so neither imports the other's internals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from schemas import ExitCode, SohoaError
from service.config import Settings
from service.storage.db import Database

log = logging.getLogger(__name__)
err = Console(stderr=True, soft_wrap=True)  # progress, messages, logs
out = Console(highlight=False, soft_wrap=True)  # results

P = ParamSpec("P")
R = TypeVar("R")


class State:
    """This run's settings, set by the main callback from flags and SOHOA_* variables."""

    settings: Settings


state = State()


def open_db() -> Database:
    state.settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Database(state.settings.database_url)


def handled(fn: Callable[P, R]) -> Callable[P, R]:
    """Expected failures print one clear line on stderr and exit with their typed code."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except SohoaError as e:
            err.print(f"[red]sohoa: {e.kind.value}:[/red] {e.message}")
            raise typer.Exit(int(e.exit_code)) from None
        except FileNotFoundError as e:
            err.print(f"[red]sohoa: file access:[/red] {e.filename}: no such file")
            raise typer.Exit(int(ExitCode.FILE_ACCESS)) from None
        except PermissionError as e:
            err.print(f"[red]sohoa: file access:[/red] {e.filename}: permission denied")
            raise typer.Exit(int(ExitCode.FILE_ACCESS)) from None
        except (typer.Exit, KeyboardInterrupt):
            raise
        except Exception as e:  # a bug: one line for the user, the traceback with -v
            log.info("internal error", exc_info=True)
            err.print(f"[red]sohoa: internal error:[/red] {type(e).__name__}: {e} (run with -v)")
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper


def require(file: Path) -> Path:
    """The file, or the error that maps to exit 5 before any work starts."""
    if not file.exists():
        raise FileNotFoundError(2, "no such file", str(file))
    return file
