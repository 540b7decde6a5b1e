"""The files a command was given: kept apart from the batch code, which imports the
database layer, so the early start (``service.earlystart``) can list them before it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files under folders named (recursively, sorted, hidden ones skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(p)
    return out
