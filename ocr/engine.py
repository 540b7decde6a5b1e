"""The one module that runs Tesseract (through pytesseract).

OpenMP threads inside Tesseract make a page ~5x slower on a busy machine, so every
call runs with ``OMP_THREAD_LIMIT=1``; parallelism comes from processes.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import cv2
import numpy as np
import pytesseract
from pytesseract import Output, TesseractError, TesseractNotFoundError

from schemas import ErrorKind, SohoaError

LANG = "vie"
T = TypeVar("T")
os.environ["OMP_THREAD_LIMIT"] = "1"


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


def _version() -> str:
    try:
        return str(pytesseract.get_tesseract_version())
    except (TesseractNotFoundError, OSError) as exc:
        raise SohoaError(ErrorKind.MISSING_DEPENDENCY, "tesseract is not installed") from exc


def check() -> str:
    """Tesseract version, or MISSING_DEPENDENCY when it or its 'vie' data is absent."""
    version = _version()
    try:
        langs = pytesseract.get_languages(config="")
    except (TesseractError, OSError, subprocess.SubprocessError) as exc:
        raise SohoaError(ErrorKind.MISSING_DEPENDENCY, "tesseract cannot list languages") from exc
    if LANG not in langs:
        raise SohoaError(
            ErrorKind.MISSING_DEPENDENCY,
            "tesseract language 'vie' is missing (Debian: apt-get install tesseract-ocr-vie)",
        )
    return version


def _run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call pytesseract with one OpenMP thread; map its failures to SohoaError kinds."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
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


def words(
    image: np.ndarray, psm: int = 3, dpi: int = 300, timeout: float = 180.0
) -> list[TessWord]:
    """Words with boxes and confidences (LSTM engine, language 'vie')."""
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        # an uncompressed PGM/PPM is written in milliseconds; pytesseract's PNG takes ~1 s
        path = os.path.join(tmp, "page.pgm" if image.ndim == 2 else "page.ppm")
        cv2.imwrite(path, image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        data = _run(
            pytesseract.image_to_data,
            path,
            lang=LANG,
            config=f"--oem 1 --psm {psm} --dpi {dpi}",
            output_type=Output.DICT,
            timeout=max(1, int(timeout)),
        )
    out = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        if not text:
            continue
        out.append(
            TessWord(
                text,
                int(data["left"][i]),
                int(data["top"][i]),
                int(data["width"][i]),
                int(data["height"][i]),
                float(data["conf"][i]),
                int(data["block_num"][i]),
                int(data["par_num"][i]),
                int(data["line_num"][i]),
            )
        )
    return out


def orientation(image: np.ndarray, timeout: float = 60.0) -> tuple[int, float]:
    """Page rotation (0/90/180/270, clockwise to correct) and OSD confidence."""
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
