"""One issuer numbers its documents of a kind in order through the year: the archive's prior.

Each office keeps one register per year for each symbol (``/TB-UBND``, ``/QĐ-UBND``): a
document dated later carries a higher number. The numbers and dates of the documents an
archive already holds, read surely (printed, or confirmed by a person), bound the number a
new document of the same series can have: above every number dated before it that year,
below every number dated after it. A handwritten number is then read among the
alternatives the bounds allow, and a number outside them (printed or not) is flagged
``number_order``: one of the two documents is misread or misdated.

The archive's numbers live in a file of its models dir, as the known names do, re-read
when it changed, since several processes store documents.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from normalize.fold import fold
from normalize.keys import parse_key
from schemas.files import write_atomic

__all__ = [
    "ARCHIVE_NUMBERS_FILE",
    "NUMBER_ORDER",
    "Bounds",
    "bounds",
    "learn_number",
    "load_archive_numbers",
    "series",
    "set_archive_numbers",
]

log = logging.getLogger(__name__)

ARCHIVE_NUMBERS_FILE = "archive-numbers.tsv"  # series, ISO date, number: one document a line
NUMBER_ORDER = "number_order"  # the flag of a number its series' order disputes


class Bounds(NamedTuple):
    """The numbers a document of a series dated so can have: ``low < n < high`` (``None``:
    unbounded on that side)."""

    low: int | None
    high: int | None

    def allows(self, number: int) -> bool:
        return (self.low is None or number > self.low) and (self.high is None or number < self.high)


_numbers: dict[str, list[tuple[str, int]]] = {}
_loaded: tuple[Path, float] | None = None


def series(key: str, issuer: str | None) -> str | None:
    """The register a document's number belongs to: its symbol (``TB-UBND``, ``QĐ-BCĐ138``)
    and its issuer (two provinces' UBND number apart); ``None`` when the key has no plain
    number or the issuer is unknown."""
    parts = parse_key(key)
    if parts is None or not parts.number.isdigit() or not issuer or not issuer.strip():
        return None
    symbol = parts.key.split("/", 1)[1] if "/" in parts.key else None
    return f"{symbol}|{fold(' '.join(issuer.split()))}" if symbol else None


def set_archive_numbers(rows: Iterable[tuple[str, str, int]]) -> None:
    """The archive's sure numbers: (series, ISO date, number); the file is read again at
    the next :func:`load_archive_numbers`."""
    global _numbers, _loaded
    _loaded = None
    out: dict[str, list[tuple[str, int]]] = {}
    for name, date, number in rows:
        if len(date) >= 10:
            out.setdefault(name, []).append((date[:10], number))
    _numbers = out
    log.info("archive numbers: %d series", len(out))


def load_archive_numbers(models_dir: Path) -> None:
    """The numbers the archive's documents were stored with, from its file; re-read only
    when it changed (another process may have stored documents since)."""
    global _loaded
    path = Path(models_dir) / ARCHIVE_NUMBERS_FILE
    mtime = path.stat().st_mtime if path.exists() else 0.0
    if _loaded != (path, mtime):
        text = path.read_text(encoding="utf-8") if mtime else ""
        set_archive_numbers(_rows(text))
        _loaded = (path, mtime)


def _rows(text: str) -> Iterable[tuple[str, str, int]]:
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) == 3 and cells[2].isdigit():
            yield cells[0], cells[1], int(cells[2])


def learn_number(models_dir: Path, key: str, issuer: str | None, date: str | None) -> None:
    """Keep a stored document's number and date (the caller passes only sure ones). Under a
    lock, since processes store in parallel; a document stored twice counts once."""
    name = series(key, issuer)
    parts = parse_key(key)
    if name is None or parts is None or not date or len(date) < 10:
        return
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    line = f"{name}\t{date[:10]}\t{int(parts.number)}"
    with (models_dir / ".archive-numbers.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = models_dir / ARCHIVE_NUMBERS_FILE
        old = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        if line not in old:
            write_atomic(path, "\n".join([*old, line]).encode("utf-8") + b"\n")
    load_archive_numbers(models_dir)


def bounds(name: str | None, date: str | None) -> Bounds | None:
    """What the archive's numbers of the series say of a number dated ``date`` (ISO day, or
    ``YYYY-MM`` when the day is not known: the whole month is then "the same time"); ``None``
    when the archive holds no other number of that series that year."""
    if name is None or not date or len(date) < 7:
        return None
    year = date[:4]
    first, last = (
        (date[:10], date[:10]) if len(date) >= 10 else (date[:7] + "-01", date[:7] + "-31")
    )
    same_year = [(d, n) for d, n in _numbers.get(name, []) if d[:4] == year]
    before = [n for d, n in same_year if d < first]
    after = [n for d, n in same_year if d > last]
    if not before and not after:
        return None
    return Bounds(max(before) if before else None, min(after) if after else None)
