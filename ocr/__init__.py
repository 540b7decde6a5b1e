"""OCR: rasterize a page, clean it up with OpenCV, read it with Tesseract ``vie``.

Public API: :data:`OCR_VERSION`, :func:`check_dependencies`, :func:`ocr_page`,
:func:`render_page_png`, :func:`write_searchable_pdf`. Functions are top-level and
picklable: the service runs them in its one process pool (no pools in here).
"""

from __future__ import annotations

import cv2

from ocr import engine
from ocr.handdigits import DIGITS_MODEL
from ocr.page import ocr_page
from ocr.pdfout import write_searchable_pdf
from ocr.raster import load_page
from schemas import ErrorKind, SohoaError

# bump whenever OCR output can change (results are cached by it)
OCR_VERSION = f"ocr-6+{DIGITS_MODEL}"


def check_dependencies() -> None:
    """Raise SohoaError(MISSING_DEPENDENCY) when tesseract or its 'vie' data is missing."""
    engine.check()


def render_page_png(path: str, page_number: int, mime: str, dpi: int = 110) -> bytes:
    """The page as a PNG for the UI (bounded size, original colours)."""
    raster = load_page(path, page_number, mime, dpi, max_pixels=8_000_000)
    ok, buf = cv2.imencode(".png", cv2.cvtColor(raster.rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise SohoaError(ErrorKind.INTERNAL, "cannot encode page image")
    return buf.tobytes()


__all__ = [
    "OCR_VERSION",
    "check_dependencies",
    "ocr_page",
    "render_page_png",
    "write_searchable_pdf",
]
