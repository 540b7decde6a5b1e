"""Helpers of the ops tests: the `sohoa` command run in this process."""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner

from service import cli


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def sohoa(*args: str, env: dict | None = None) -> Run:
    """The `sohoa` command in this process (a fresh process costs seconds of imports);
    its settings come from the environment, as for the installed command."""
    res = CliRunner().invoke(cli.app, list(args), env=env)
    return Run(res.exit_code, res.stdout, res.stderr)


def ok(*args: str, env: dict | None = None) -> str:
    res = sohoa(*args, env=env)
    assert res.returncode == 0, res.stderr
    return res.stdout
