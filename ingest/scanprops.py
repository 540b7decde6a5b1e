"""Resolution and colour mode of the page images in a source file, as scanned.

The archival checks (service/archive.py) need the scan's own figures, not the 300 dpi the
OCR stage renders at: for a PDF, the largest image drawn on each page and the size it is
drawn at; for an image file, its pixels and the resolution it declares.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image

log = logging.getLogger(__name__)

COLOUR, GREY, BILEVEL = "màu", "đa cấp xám", "đen trắng"


@dataclass(frozen=True)
class PageScan:
    """One page's largest image: effective dpi (None if unknown) and colour mode."""

    page: int
    dpi: int | None
    colour: str | None


def _pdf_colour(image: pikepdf.PdfImage) -> str | None:
    if image.bits_per_component == 1:
        return BILEVEL
    try:
        mode = image.mode
    except (NotImplementedError, ValueError, pikepdf.PdfError):
        return None
    if mode in ("L", "LA"):
        return GREY
    if mode == "1":
        return BILEVEL
    return COLOUR


def _pdf_scans(path: Path) -> list[PageScan]:
    result = []
    with pikepdf.open(path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            best: tuple[int, int | None, str | None] | None = None
            width_pt = float(page.mediabox[2]) - float(page.mediabox[0])
            for raw in page.get_images().values():
                if not isinstance(raw, pikepdf.Stream):
                    continue
                try:
                    image = pikepdf.PdfImage(raw)
                except (pikepdf.PdfError, NotImplementedError, ValueError):
                    continue
                pixels = image.width * image.height
                dpi = round(image.width * 72 / width_pt) if width_pt > 0 else None
                if best is None or pixels > best[0]:
                    best = (pixels, dpi, _pdf_colour(image))
            result.append(PageScan(n, best[1], best[2]) if best else PageScan(n, None, None))
    return result


def _image_scans(path: Path) -> list[PageScan]:
    result = []
    with Image.open(path) as im:
        for n in range(getattr(im, "n_frames", 1)):
            im.seek(n)
            declared = im.info.get("dpi")
            dpi = round(float(declared[0])) if declared and declared[0] else None
            mode = {"1": BILEVEL, "L": GREY, "LA": GREY, "I;16": GREY}.get(im.mode, COLOUR)
            result.append(PageScan(n + 1, dpi, mode))
    return result


def page_scans(path: Path, mime: str) -> list[PageScan]:
    """Per page of the source: the resolution and colour mode of its scan, where it has one.

    A page with no image (born-digital) has ``dpi`` and ``colour`` None. Unreadable files
    give an empty list: these are checks that warn, never a reason to fail an export.
    """
    try:
        if mime == "application/pdf":
            return _pdf_scans(Path(path))
        if mime.startswith("image/"):
            return _image_scans(Path(path))
    except (OSError, pikepdf.PdfError, ValueError) as exc:
        log.warning("cannot read the page images of %s: %s", path, exc)
    return []
