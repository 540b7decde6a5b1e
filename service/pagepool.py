"""What each process of the OCR page pool runs first: kept in a module that imports little.

Pool workers are spawned: unpickling the initializer imports its module in every worker.
Living in ``service.pipeline`` it imported the whole pipeline (extract, normalize, spaCy
and friends: ~2 s of CPU per worker before the first page); here it imports Pillow and
the limits, and the initializer imports the OCR stack that every page needs.

The pool may be started before the CLI is imported (``service.earlystart``), with the first
pages already submitted: it waits here, with those pages' futures, until a pipeline with the
same settings adopts it (:func:`adopt_early`, :func:`early_page`) or it is dropped.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import resource
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from schemas import Limits
from schemas.files import use_artefact_cache
from service import logs
from service.config import Settings

log = logging.getLogger(__name__)
OCR_DPI = 300  # pages are rendered at this resolution for Tesseract


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


def _exit_now() -> None:
    """Leave without the interpreter's teardown. A worker told to stop has nothing left to
    save (results went back through the pool's queue, logs are flushed per line), yet
    unloading numpy, OpenCV and Tesseract's model took ~0.65 s of wall time on the busy
    test machine (0.06 s this way), during which the command waited in the pool's
    shutdown before printing its table. The exit status is 0 even after an error escaped
    the worker's loop: the pool learns of a dead worker by its process, not its status."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


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
    atexit.register(_exit_now)  # handlers registered before it (logging's) do not run
    log.debug("page worker %d ready", os.getpid())


def ready() -> int:
    """A no-op task: submitting one per worker makes the pool start every worker at once
    (it otherwise spawns one per submitted task), so all of them load the OCR stack while
    the parent is still inspecting the first file."""
    return os.getpid()


def _initargs(settings: Settings, log_level: int) -> tuple[Any, ...]:
    return (
        settings.worker_memory_mb,
        settings.limits.max_image_pixels,
        log_level,
        settings.artefact_cache,
    )


def make_pool(settings: Settings, log_level: int) -> ProcessPoolExecutor:
    """The page pool: spawned workers (no copy of the parent's state), every one started
    at once (one :func:`ready` task each)."""
    pool = ProcessPoolExecutor(
        settings.workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_init,
        initargs=_initargs(settings, log_level),
    )
    for _ in range(settings.workers):
        pool.submit(ready)
    return pool


def read_page(path: str, page_number: int, mime: str, dpi: int, timeout: float) -> Any:
    """``ocr.ocr_page`` for a caller that has not imported ``ocr`` (the early start: cv2
    and the OCR stack cost the CLI process ~0.3 s before its first page is queued)."""
    from ocr import ocr_page

    return ocr_page(path, page_number, mime, dpi, timeout)


PageKey = tuple[str, int]  # (sha256 of the file, page number)


@dataclass
class _Early:
    """A pool started before the pipeline, and the pages it was given."""

    initargs: tuple[Any, ...]
    workers: int
    pool: ProcessPoolExecutor
    pages: dict[PageKey, tuple[tuple[Any, ...], Future[Any]]] = field(default_factory=dict)
    adopted: bool = False  # a pipeline owns the pool now: it shuts it down


_early: _Early | None = None
_early_lock = threading.Lock()


def start_early(settings: Settings, log_level: int) -> None:
    """Start the page pool now, to be adopted by the first pipeline with these settings."""
    global _early
    with _early_lock:
        if _early is None:
            pool = make_pool(settings, log_level)
            _early = _Early(_initargs(settings, log_level), settings.workers, pool)


def submit_early(sha256: str, page_number: int, path: str, args: tuple[Any, ...]) -> None:
    """Queue one page on the early pool; ``args`` are (mime, dpi, timeout)."""
    with _early_lock:
        if _early is not None and (sha256, page_number) not in _early.pages:
            future = _early.pool.submit(read_page, path, page_number, *args)
            _early.pages[(sha256, page_number)] = (args, future)


def adopt_early(settings: Settings, log_level: int) -> ProcessPoolExecutor | None:
    """The early pool when it was started with these settings; otherwise it is dropped
    (its pages were read for nothing) and None is returned."""
    with _early_lock:
        early = _early
    if early is None:
        return None
    if early.initargs == _initargs(settings, log_level) and early.workers == settings.workers:
        early.adopted = True
        return early.pool
    log.debug("early page pool not adopted: other settings")
    drop_early()
    return None


def early_page(sha256: str, page_number: int, args: tuple[Any, ...]) -> Future[Any] | None:
    """The future of a page the early pool was given with the same (mime, dpi, timeout);
    each is handed out once."""
    with _early_lock:
        if _early is None:
            return None
        got = _early.pages.pop((sha256, page_number), None)
    if got is None or got[0] != args:
        if got is not None:
            got[1].cancel()
        return None
    return got[1]


def drop_early() -> None:
    """Forget the early pool: its pages not taken are cancelled and, when no pipeline
    adopted it, its workers stop."""
    global _early
    with _early_lock:
        early, _early = _early, None
    if early is None:
        return
    for _, future in early.pages.values():
        future.cancel()
    if not early.adopted:
        early.pool.shutdown(wait=False, cancel_futures=True)
