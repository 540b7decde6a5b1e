"""A document's finished pages on disk while the rest of it is processed.

A scanned page's OCR words (boxes, confidences) weigh about a hundred times its text;
held for every page until the document is stored, they made the runner's memory grow
with the page count. Each finished page is appended here instead; the document keeps
its pages' text, extraction fetches words page by page (``words``), and storage gets
the pages' JSON built one page at a time (``stored_pages``).

The spool is scratch: the document is stored from it in one transaction, and a crash
before that leaves the item to be redone from its original. The file is removed when the
document is done (``close``); one a crash left behind is removed by the start-up sweep.
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

from schemas import Page, Word
from service.storage.db import PreSerialized

log = logging.getLogger(__name__)

SPOOL_DIR = "spool"


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
        """Write the page out; return it without its OCR words (what memory keeps)."""
        assert self._file is not None, "a closed spool takes no pages"
        self._offsets[page.number] = self._file.tell()
        self._file.write(page.model_dump_json().encode() + b"\n")
        return page.model_copy(update={"words": []}) if page.words else page

    def _pages(self) -> Iterator[Page]:
        if self._file is not None:
            self._file.flush()
        with self.path.open("rb") as f:
            for line in f:
                yield Page.model_validate_json(line)

    def words(self, number: int) -> list[Word]:
        """One page's OCR words, read back from disk."""
        offset = self._offsets.get(number)
        if offset is None:
            return []
        if self._file is not None:
            self._file.flush()
        with self.path.open("rb") as f:
            f.seek(offset)
            return Page.model_validate_json(f.readline()).words

    def stored_pages(self) -> PreSerialized:
        """The pages as the archive stores them (without their text, which is stored
        whole), serialised page by page: never every page's words as objects at once.

        Each page is written as ``json.dumps`` writes it (ASCII, ``\\u`` escapes), so the
        text is the one an unspooled document stores, and Python keeps it at one byte a
        character: pydantic's UTF-8 JSON of Vietnamese words decodes to two bytes a
        character and the driver then encodes a UTF-8 copy; ASCII needs neither."""
        parts: list[str] = []
        light: list[dict[str, object]] = []
        for page in self._pages():
            item = page.model_dump(mode="json", exclude={"text"})
            parts.append(json.dumps(item))
            del item["words"]
            light.append(item)
        return PreSerialized(light, "[" + ", ".join(parts) + "]")

    def close(self) -> None:
        """Remove the file: the document is stored, or failed and will be redone."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


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
