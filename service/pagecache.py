"""Rendered page images: a few fixed sizes, kept in a bounded cache.

Any dpi from 50 to 200 used to be rendered and kept for ever (~2.7 MB per page per dpi):
a reader could fill the disk by asking for every size of every page. Now only the sizes
the UI uses exist, and past ``SOHOA_PAGE_CACHE_MB`` the least recently served images go.
They live beside the other derived files of the document (deleted with it).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from schemas.files import write_atomic

log = logging.getLogger(__name__)

SIZES = (80, 110, 150)  # dpi: thumbnail, the document page, a closer look
# One of SIZES, an enum in the OpenAPI schema; a type checker sees the int it is (a Literal
# built from a tuple is valid at run time only).
if TYPE_CHECKING:
    Dpi = int
else:
    Dpi = Literal[SIZES]
PATTERN = "*/*-p[0-9][0-9][0-9][0-9]-*.png"


def page_png(
    derived: Path, sha256: str, page: int, dpi: int, max_bytes: int, render: Callable[[], bytes]
) -> Path:
    """The cached PNG of one page at one of the fixed sizes, rendered on a miss."""
    if dpi not in SIZES:
        raise ValueError(f"page images come in {SIZES} dpi, not {dpi}")
    dest = derived / sha256[:2] / f"{sha256}-p{page:04d}-{dpi}.png"
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
