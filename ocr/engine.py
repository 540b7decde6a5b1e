"""The one module that runs Tesseract: words through its C++ API (tesserocr), OSD via the CLI.

Reading a page in process through ``tesserocr`` built against the system's libtesseract
(Debian's 5.3, the same library the ``tesseract`` CLI uses, so the same words, boxes and
confidences) saves what a CLI call costs per page: writing the image, starting a process,
loading the ``vie`` model (~0.2-0.7 s a page). The API is made once per process.

OpenMP threads inside Tesseract make a page ~5x slower on a busy machine. libgomp reads
``OMP_THREAD_LIMIT`` once, when it is loaded, so the limit is put in the environment just
before ``tesserocr`` is first imported (in the worker process that reads pages) and is
passed to every CLI call; parallelism comes from processes.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from schemas import ErrorKind, SohoaError

log = logging.getLogger(__name__)
LANG = "vie"
T = TypeVar("T")
_ONE_THREAD = "1"
_LOCK = threading.Lock()  # one TessBaseAPI per process; callers on threads take turns
_INSTALL = (
    "tesserocr is missing or broken (Debian: apt-get install libtesseract-dev "
    "libleptonica-dev g++ pkg-config; pip install --no-binary tesserocr tesserocr)"
)


@dataclass
class TessWord:
    """One word of Tesseract's TSV output."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    block: int
    par: int
    line: int


def _tesserocr() -> Any:
    """The tesserocr module, imported with one OpenMP thread (see the module docstring)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", _ONE_THREAD)
    try:
        import tesserocr
    except ImportError as exc:
        raise SohoaError(ErrorKind.MISSING_DEPENDENCY, _INSTALL) from exc
    return tesserocr


def _cli() -> str:
    """The tesseract command pytesseract runs (pytesseract, and pandas with it, is imported
    only here and for OSD: ~0.5 s of every worker's start-up otherwise)."""
    import pytesseract

    return str(pytesseract.pytesseract.tesseract_cmd)


@functools.cache
def check() -> str:
    """Tesseract version, or MISSING_DEPENDENCY when it, its binding or 'vie' is absent.

    Cached once per process on success (a failure raises and is asked again next time):
    the pipeline asks before queueing each page. A binding on another libtesseract than
    the CLI's (the PyPI wheel bundles its own) reads differently from what the extraction
    rules were measured on: that is logged as a warning.
    """
    tesserocr = _tesserocr()
    cli = shutil.which(_cli())
    if cli is None:  # the CLI still reads a page's orientation (OSD)
        raise SohoaError(ErrorKind.MISSING_DEPENDENCY, "tesseract is not installed")
    _, langs = tesserocr.get_languages()
    if LANG not in langs:
        raise SohoaError(
            ErrorKind.MISSING_DEPENDENCY,
            "tesseract language 'vie' is missing (Debian: apt-get install tesseract-ocr-vie)",
        )
    version = str(tesserocr.tesseract_version()).split()[1]
    shown = subprocess.run([cli, "--version"], capture_output=True, text=True, check=False)
    if version not in shown.stdout.split("\n", 1)[0]:
        log.warning(
            "tesserocr runs libtesseract %s, the tesseract CLI is %s: readings differ from "
            "the CLI's (build it from source: pip install --no-binary tesserocr tesserocr)",
            version,
            shown.stdout.split("\n", 1)[0],
        )
    return version


@functools.cache
def _api() -> Any:
    """The process's TessBaseAPI with 'vie' loaded, LSTM engine (as ``--oem 1``)."""
    tesserocr = _tesserocr()
    try:
        return tesserocr.PyTessBaseAPI(lang=LANG, oem=tesserocr.OEM.LSTM_ONLY)
    except RuntimeError as exc:
        raise SohoaError(ErrorKind.MISSING_DEPENDENCY, f"tesseract cannot load '{LANG}'") from exc


def _tsv(image: np.ndarray, psm: int, dpi: int, timeout: float) -> str:
    """Tesseract's TSV of a grayscale page, as ``tesseract page.pgm - --psm N --dpi D tsv``."""
    gray = np.ascontiguousarray(image if image.ndim == 2 else image.mean(axis=2).astype(np.uint8))
    h, w = gray.shape
    with _LOCK:
        api = _api()
        api.SetPageSegMode(psm)
        api.SetImageBytes(gray.tobytes(), w, h, 1, w)
        api.SetSourceResolution(dpi)
        try:
            if not api.Recognize(timeout=max(1, int(timeout * 1000))):
                raise SohoaError(ErrorKind.TIMEOUT, "OCR of the page timed out")
            return api.GetTSVText(0) or ""
        finally:
            api.Clear()


def words(
    image: np.ndarray, psm: int = 3, dpi: int = 300, timeout: float = 180.0
) -> list[TessWord]:
    """Words with boxes and confidences (LSTM engine, language 'vie')."""
    out = []
    for row in _tsv(image, psm, dpi, timeout).splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue  # level 5 rows are words; the others are pages, blocks and lines
        _, _, block, par, line, _, left, top, width, height, conf, text = cols[:12]
        out.append(
            TessWord(
                text.strip(),
                int(left),
                int(top),
                int(width),
                int(height),
                float(int(float(conf))),  # whole numbers, as the pytesseract readings were
                int(block),
                int(par),
                int(line),
            )
        )
    return out


def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call the tesseract CLI through pytesseract with one OpenMP thread; map its failures."""
    from pytesseract import TesseractError, TesseractNotFoundError

    os.environ["OMP_THREAD_LIMIT"] = _ONE_THREAD  # the CLI inherits the environment
    try:
        return fn(*args, **kwargs)
    except TesseractNotFoundError as exc:
        raise SohoaError(ErrorKind.MISSING_DEPENDENCY, "tesseract is not installed") from exc
    except TesseractError as exc:  # a RuntimeError too: catch it first
        raise SohoaError(ErrorKind.INTERNAL, f"tesseract failed: {exc.message}") from exc
    except RuntimeError as exc:  # pytesseract's timeout
        if "timeout" in str(exc).lower():
            raise SohoaError(ErrorKind.TIMEOUT, "OCR of the page timed out") from exc
        raise SohoaError(ErrorKind.INTERNAL, f"tesseract failed: {exc}") from exc


def orientation(image: np.ndarray, timeout: float = 60.0) -> tuple[int, float]:
    """Page rotation (0/90/180/270, clockwise to correct) and OSD confidence."""
    import pytesseract
    from pytesseract import Output

    try:
        osd = _run(
            pytesseract.image_to_osd,
            image,
            config="--psm 0",
            output_type=Output.DICT,
            timeout=max(1, int(timeout)),
        )
    except SohoaError as exc:
        if exc.kind is ErrorKind.INTERNAL:  # too little text for OSD
            return 0, 0.0
        raise
    return int(osd.get("rotate", 0)), float(osd.get("orientation_conf", 0.0))
