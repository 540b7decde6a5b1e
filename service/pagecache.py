"""Rendered page images: a few fixed sizes, kept in a bounded cache.

Any dpi from 50 to 200 used to be rendered and kept for ever (~2.7 MB per page per dpi):
a reader could fill the disk by asking for every size of every page. Now only the sizes
the UI uses exist, and past ``SOHOA_PAGE_CACHE_MB`` the least recently served images go.
They live beside the other derived files of the document (deleted with it).

The UI reads WebP (~8x smaller than PNG, text as legible) and a small first-page thumbnail
in lists; the PNG stays for API clients that ask for it. All are made from the original,
which is only ever read.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from schemas.files import write_atomic

log = logging.getLogger(__name__)

SIZES = (80, 110, 150)  # dpi: a small view, the document page, a closer look
# One of SIZES, an enum in the OpenAPI schema; a type checker sees the int it is (a Literal
# built from a tuple is valid at run time only).
if TYPE_CHECKING:
    Dpi = int
else:
    Dpi = Literal[SIZES]
FORMATS = ("png", "webp")
THUMB_DPI = 40  # rendered this coarse, then shrunk to THUMB_WIDTH: cheap on a miss
THUMB_WIDTH = 160  # pixels: twice the 80 px a list shows, sharp on a phone's screen
PATTERN = "*/*-p[0-9][0-9][0-9][0-9]-*.*"  # every cached image, any size and format


def page_image(
    derived: Path,
    sha256: str,
    page: int,
    dpi: int,
    max_bytes: int,
    render: Callable[[], bytes],
    fmt: str = "png",
) -> Path:
    """The cached image of one page at one of the fixed sizes, rendered on a miss."""
    if dpi not in SIZES:
        raise ValueError(f"page images come in {SIZES} dpi, not {dpi}")
    return _cached(derived / sha256[:2] / f"{sha256}-p{page:04d}-{dpi}.{fmt}", max_bytes, render)


def thumbnail(derived: Path, sha256: str, max_bytes: int, render: Callable[[], bytes]) -> Path:
    """The cached WebP thumbnail of a document's first page, rendered on a miss."""
    return _cached(derived / sha256[:2] / f"{sha256}-p0001-thumb.webp", max_bytes, render)


def _cached(dest: Path, max_bytes: int, render: Callable[[], bytes]) -> Path:
    if dest.suffix[1:] not in FORMATS:
        raise ValueError(f"page images come as {FORMATS}, not {dest.suffix}")
    derived = dest.parent.parent
    if dest.exists():
        os.utime(dest)  # recently served: evicted last
        return dest
    write_atomic(dest, render())
    evict(derived, max_bytes, keep=dest)
    return dest


def evict(derived: Path, max_bytes: int, keep: Path | None = None) -> int:
    """Delete the least recently served page images until they fit in ``max_bytes``;
    return how many went."""
    files = []
    for path in derived.glob(PATTERN):
        if path.suffix[1:] not in FORMATS:  # not an image of ours
            continue
        try:
            st = path.stat()
        except FileNotFoundError:  # another request evicted it a moment ago
            continue
        files.append((st.st_mtime, st.st_size, path))
    total = sum(size for _, size, _ in files)
    gone = 0
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        if path == keep:
            continue
        path.unlink(missing_ok=True)
        total -= size
        gone += 1
    if gone:
        log.info("page image cache: %d image(s) evicted, %d bytes kept", gone, total)
    return gone
