"""A document's finished pages on disk while the rest of it is processed.

A scanned page's OCR words (boxes, confidences) weigh about a hundred times its text;
held for every page until the document is stored, they made the runner's memory grow
with the page count. Each finished page is appended here instead; the document keeps
its pages' text (not their text before repair, their words or their second readings),
extraction fetches the rest page by page (``page``), and storage reads
the pages back one at a time (``stored``) and writes one row a page (migration 0020).

The spool is scratch: the document is stored from it in one transaction, and a crash
before that leaves the item to be redone from its original. The file is removed once the
document is stored or failed (``close``, by whoever stores the outcome); one a crash left
behind is removed by the start-up sweep.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from schemas import Page

log = logging.getLogger(__name__)

SPOOL_DIR = "spool"
# what a spooled page in memory goes without (lists left empty, the others None)
_LISTS = ("words", "hand_digits", "line_readings")
_LEFT_OUT = (*_LISTS, "original_text", "heading")


class PageSpool:
    """Pages of one document in an append-only NDJSON file, readable page by page."""

    def __init__(self, data_dir: Path, sha256: str) -> None:
        folder = data_dir / SPOOL_DIR
        folder.mkdir(parents=True, exist_ok=True)
        # unique per run: a redo never appends to a dead run's file
        self.path = folder / f"{sha256}-{os.getpid()}-{secrets.token_hex(4)}.ndjson"
        self._file: IO[bytes] | None = self.path.open("wb")
        self._offsets: dict[int, int] = {}

    def add(self, page: Page) -> Page:
        """Write the page out; return it with only what extraction reads of every page
        (its text, route and repairs): memory keeps that. Its OCR words and second readings
        (lines read alone, the heading block, the header's digits: ~3 KB of JSON a page,
        ~6 MB as objects at 288 pages) are fetched back by :meth:`page` when needed; its
        text before repair only its stored row needs (issue #22)."""
        assert self._file is not None, "a closed spool takes no pages"
        self._offsets[page.number] = self._file.tell()
        self._file.write(page.model_dump_json().encode() + b"\n")
        if not any(getattr(page, k) for k in _LEFT_OUT):
            return page
        return page.model_copy(update={k: [] if k in _LISTS else None for k in _LEFT_OUT})

    def page(self, number: int) -> Page | None:
        """One page as it was added (OCR words and all), read back from disk."""
        offset = self._offsets.get(number)
        if offset is None:
            return None
        if self._file is not None:
            self._file.flush()
        with self.path.open("rb") as f:
            f.seek(offset)
            return Page.model_validate_json(f.readline())

    def stored(self) -> StoredPages:
        """The pages in their stored form, for storage: read from the file when iterated."""
        return StoredPages(self)

    def stored_rows(self) -> Iterator[dict]:
        """Each page as its row stores it (``service.storage.repo.stored_page``: all but
        its text), one page in memory at a time. The spool's line is the page's JSON, so
        parsing it gives what dumping the page would, without building the model."""
        if self._file is not None:
            self._file.flush()
        with self.path.open("rb") as f:
            for line in f:
                item = json.loads(line)
                item.pop("text", None)
                yield item

    def close(self) -> None:
        """Remove the file: the document is stored, or failed and will be redone."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


class StoredPages:
    """A spooled document's pages in their stored form, iterable more than once (a lost
    insert race is stored again); ``close`` removes the spool once the document is stored."""

    def __init__(self, spool: PageSpool) -> None:
        self._spool = spool

    def __iter__(self) -> Iterator[dict]:
        return self._spool.stored_rows()

    def close(self) -> None:
        self._spool.close()


def sweep(data_dir: Path, grace_s: float) -> int:
    """Remove spool files a crashed run left, once older than ``grace_s`` (a live run
    appends to its file with every page); returns how many."""
    folder = data_dir / SPOOL_DIR
    cutoff = time.time() - grace_s
    gone = 0
    for p in folder.glob("*.ndjson") if folder.is_dir() else ():
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
                gone += 1
        except FileNotFoundError:
            continue
    if gone:
        log.warning("removed %d page spool file(s) a stopped run left", gone)
    return gone
