"""Hand the heap that a finished phase freed back to the system (glibc's ``malloc_trim``).

Reading a long PDF's pages through PDFium, and extracting a long document, free far
more than they keep, but glibc keeps the freed chunks mapped: the main process's
resident memory then grows with the page count even though Python holds little of it
(issue #22; at 288 pages ~30 MB after the PDF inspection alone, of which Python held
under 1 MB). Trimming once between phases of a document costs a few milliseconds; per
page it would cost more than it saves. A C library without ``malloc_trim`` (musl,
macOS) keeps its own policy: then this does nothing.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int
    return fn


def release() -> bool:
    """Return freed heap to the system; True when some was (False: none, or no glibc)."""
    fn = _malloc_trim()
    return bool(fn(0)) if fn is not None else False
