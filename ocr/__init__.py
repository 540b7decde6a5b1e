"""OCR: rasterize a page, clean it up with OpenCV, read it with Tesseract ``vie``.

Public API: :data:`OCR_VERSION`, :data:`TESSERACT_STAGE`, :func:`check_dependencies`,
:func:`ocr_page`, :func:`reread_extras`, :func:`render_page_png`, :func:`render_page_webp`,
:func:`write_searchable_pdf`.
Functions are top-level and picklable: the service runs them in its one process pool (no
pools in here).
"""

from __future__ import annotations

import cv2

from ocr import engine
from ocr.handdigits import DIGITS_MODEL
from ocr.heading import HEADING_STAGE
from ocr.lines import LINES_STAGE
from ocr.page import ocr_page, reread_extras
from ocr.pdfout import write_searchable_pdf
from ocr.raster import load_page
from schemas import ErrorKind, SohoaError

# bump whenever Tesseract's output can change (text, words, boxes); ocr-8: a poor page is
# also read as a stretched grey page and the surer reading kept; ocr-9: a page with a red
# seal is also read with the seal faded (kept when it reads clearly more), a speckled page
# loses its small blobs instead of being median-filtered; ocr-10: an image's transparent
# ground is white paper (it was black: text on a transparent PNG read as nothing)
TESSERACT_STAGE = "ocr-10"
# results are cached by it: a change of a second reader alone (the digit reader, the
# heading's reading at 400 dpi, the lines read again alone) redoes only its readings of a
# cached page (:func:`reread_extras`), never the page's
OCR_VERSION = f"{TESSERACT_STAGE}+{DIGITS_MODEL}+{HEADING_STAGE}+{LINES_STAGE}"
# the stage of each reading of :data:`EXTRAS`, as OCR_VERSION names it
EXTRA_STAGES = {"digits": DIGITS_MODEL, "heading": HEADING_STAGE, "lines": LINES_STAGE}


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


# WebP quality for what the UI shows: at 80 a 110 dpi scan is ~8x smaller than its PNG
# (~120 KB, not ~1 MB) and diacritics and handwritten digits stay sharp; below ~70 the
# ringing around strokes starts to show on thin marks (dấu hỏi, dấu ngã).
WEBP_QUALITY = 80


def render_page_webp(
    path: str, page_number: int, mime: str, dpi: int = 110, width: int | None = None
) -> bytes:
    """The page as a WebP for the UI: ``width`` (pixels) shrinks it further, for a
    thumbnail. The original file is only read."""
    raster = load_page(path, page_number, mime, dpi, max_pixels=8_000_000)
    bgr = cv2.cvtColor(raster.rgb, cv2.COLOR_RGB2BGR)
    if width is not None and bgr.shape[1] > width:
        height = max(1, round(bgr.shape[0] * width / bgr.shape[1]))
        bgr = cv2.resize(bgr, (width, height), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".webp", bgr, [cv2.IMWRITE_WEBP_QUALITY, WEBP_QUALITY])
    if not ok:
        raise SohoaError(ErrorKind.INTERNAL, "cannot encode page image")
    return buf.tobytes()


__all__ = [
    "DIGITS_MODEL",
    "EXTRA_STAGES",
    "HEADING_STAGE",
    "OCR_VERSION",
    "TESSERACT_STAGE",
    "check_dependencies",
    "ocr_page",
    "render_page_png",
    "render_page_webp",
    "reread_extras",
    "write_searchable_pdf",
]
