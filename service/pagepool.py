"""What each process of the OCR page pool runs first: kept in a module that imports little.

Pool workers are spawned: unpickling the initializer imports its module in every worker.
Living in ``service.pipeline`` it imported the whole pipeline (extract, normalize, spaCy
and friends: ~2 s of CPU per worker before the first page); here it imports Pillow and
the limits, and the initializer imports the OCR stack that every page needs.
"""

from __future__ import annotations

import logging
import os
import resource
import threading
import time
from pathlib import Path

from PIL import Image

from schemas import Limits
from schemas.files import use_artefact_cache
from service import logs

log = logging.getLogger(__name__)


def image_limits(max_image_pixels: int) -> None:
    """Let sohoa's own limits decide, not Pillow's default (~179 MP): a 225 MP scan is read
    and downscaled to SOHOA_MAX_PAGE_PIXELS; an image declaring more than
    ``max_image_pixels`` is refused by its header, with sohoa's message. Pillow's own bomb
    check (twice this) stays as the last guard."""
    Image.MAX_IMAGE_PIXELS = max_image_pixels


def exit_with_parent(poll_s: float = 1.0) -> None:
    """A pool worker whose parent died (kill -9, the OOM killer) exits instead of waiting
    on its task queue forever, holding its memory: a daemon thread watches the parent."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)

    threading.Thread(target=watch, name="sohoa-parent-watch", daemon=True).start()


def worker_init(
    memory_mb: int = 0,
    max_image_pixels: int = Limits().max_image_pixels,
    log_level: int = logging.WARNING,
    artefact_cache: Path | None = None,
) -> None:
    """Tesseract's OpenMP threads slow a page ~5x on this hardware: one thread per process
    (set before the worker loads libtesseract, which reads it once).

    ``memory_mb`` caps the worker's address space (Tesseract runs inside it): a hostile
    page then fails one file, not the machine. The OCR stack is imported first, so that
    the cap bites on a page (MemoryError: a limits failure) rather than on mapping a
    library at import (a dead worker). A spawned worker starts with no logging set up: it
    gets the parent's level (``-v``), and the artefact cache the digit classifier is in.
    """
    logs.configure(log_level)
    if artefact_cache is not None:
        use_artefact_cache(artefact_cache)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    exit_with_parent()
    image_limits(max_image_pixels)
    import ocr  # noqa: F401  its libraries mapped before the cap below

    if memory_mb > 0:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    log.debug("page worker %d ready", os.getpid())


def ready() -> int:
    """A no-op task: submitting one per worker makes the pool start every worker at once
    (it otherwise spawns one per submitted task), so all of them load the OCR stack while
    the parent is still inspecting the first file."""
    return os.getpid()
