"""Page images: PDFs rendered with PDFium, image files decoded with Pillow, both bounded.

A page never becomes more than :data:`MAX_PIXELS` pixels: huge pages (a poster, a
2400-dpi scan) are rendered or decoded downscaled, so one worker's memory stays small.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, UnidentifiedImageError

from schemas import ErrorKind, Limits, SohoaError
from schemas.pdfium import PDFIUM_LOCK

MAX_PIXELS = 40_000_000  # ~A2 at 300 dpi; an RGB page of this size is 120 MB
_LIMITS = Limits()


@dataclass
class Raster:
    """An RGB page image and the resolution it stands at."""

    rgb: np.ndarray
    dpi: int


def _bounded_scale(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> float:
    scale = dpi / 72
    pixels = width_pt * height_pt * scale * scale
    if pixels > max_pixels:
        scale *= math.sqrt(max_pixels / pixels)
    return scale


def _pdf_page(path: str, index: int, dpi: int, max_pixels: int, annots: bool) -> Raster:
    with PDFIUM_LOCK:  # PDFium is not thread-safe (see schemas.pdfium)
        return _render(path, index, dpi, max_pixels, annots)


def _render(path: str, index: int, dpi: int, max_pixels: int, annots: bool) -> Raster:
    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise SohoaError(ErrorKind.BAD_INPUT, "cannot open PDF (corrupt or encrypted)") from exc
    try:
        if not 0 <= index < len(doc):
            raise SohoaError(ErrorKind.BAD_INPUT, f"PDF has no page {index + 1}")
        page = doc[index]
        width, height = page.get_size()
        scale = _bounded_scale(width, height, dpi, max_pixels)
        bitmap = page.render(scale=scale, draw_annots=annots)
        rgb = _rgb(bitmap.to_numpy(), bitmap.n_channels)
        return Raster(rgb, round(scale * 72))
    finally:
        doc.close()


def _rgb(pixels: np.ndarray, channels: int) -> np.ndarray:
    """PDFium's BGR(x) pixels as RGB: cv2 does in ~15 ms what a reversed numpy copy
    does in ~50 ms on a 300-dpi A4 page; the pixels are the same."""
    if channels == 4:
        return cv2.cvtColor(pixels, cv2.COLOR_BGRA2RGB)
    if channels == 3:
        return cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)
    return pixels[:, :, :3][:, :, ::-1].copy()  # any other layout: as before


_EXIF_TURN = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_GRAY_MODES = ("1", "L", "LA", "I", "I;16", "F")


def _image_frame(path: str, index: int, dpi: int, max_pixels: int) -> Raster:
    """Decode one frame, downscaled before colour conversion so memory stays bounded
    (JPEGs are even decoded downscaled); EXIF orientation applied."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                if index >= getattr(im, "n_frames", 1):
                    raise SohoaError(ErrorKind.BAD_INPUT, f"image has no frame {index + 1}")
                im.seek(index)
                w, h = im.size
                if w * h > _LIMITS.max_image_pixels:
                    raise SohoaError(ErrorKind.LIMITS, f"image is {w}x{h} pixels")
                src_dpi = _image_dpi(im, w)
                factor = min(dpi / src_dpi, math.sqrt(max_pixels / (w * h)))
                target = (max(1, round(w * factor)), max(1, round(h * factor)))
                if factor < 1 and im.format == "JPEG":
                    im.draft(im.mode, target)
                turn = _EXIF_TURN.get(im.getexif().get(0x0112, 1))
                frame = _opaque(im)
    except SohoaError:
        raise
    except Image.DecompressionBombError as exc:
        raise SohoaError(ErrorKind.LIMITS, f"image too large ({exc})") from exc
    except (UnidentifiedImageError, OSError, EOFError, ValueError, SyntaxError) as exc:
        raise SohoaError(ErrorKind.BAD_INPUT, f"image is corrupt or truncated ({exc})") from exc
    if frame.size != target:
        frame = frame.resize(target, Image.Resampling.LANCZOS)
    if turn is not None:
        frame = frame.transpose(turn)
    return Raster(np.asarray(frame.convert("RGB")), round(src_dpi * factor))


def _opaque(im: Image.Image) -> Image.Image:
    """The frame in L or RGB, laid on white paper where it is transparent: exports of
    scanning apps and signature images keep text on a transparent ground, which a plain
    conversion turns black (black text on black)."""
    if im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(paper, rgba).convert("RGB")
    return im.convert("L" if im.mode in _GRAY_MODES else "RGB")


def _image_dpi(im: Image.Image, width: int) -> float:
    """The image's own resolution when plausible, else 300 dpi (a typical scan).

    Many files carry a default 72 dpi tag: a tag that makes the page wider than 17
    inches is taken as wrong.
    """
    dpi = im.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if 70 <= value <= 2400 and width / value <= 17 else 300.0


def load_page(
    path: str,
    page_number: int,
    mime: str,
    dpi: int = 300,
    max_pixels: int = MAX_PIXELS,
    annots: bool = True,
) -> Raster:
    """Page ``page_number`` (1-based) of a PDF or image file as RGB at about ``dpi``.

    ``annots=False`` leaves out annotation appearances: the signing system's stamp
    (its text is kept apart by ingest) then never reaches OCR.
    """
    if mime == "application/pdf":
        return _pdf_page(path, page_number - 1, dpi, max_pixels, annots)
    if mime.startswith("image/"):
        return _image_frame(path, page_number - 1, dpi, max_pixels)
    raise SohoaError(ErrorKind.BAD_INPUT, f"cannot rasterize {mime or 'unknown type'}")
