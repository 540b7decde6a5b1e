"""Searchable PDF: the original pages (or the images) under an invisible text layer.

PDF pages are imported untouched; image files become one page per frame. Each OCR
word is written as invisible text (render mode 3) in Liberation Serif, stretched to
its box, so viewers select and ``pdftotext`` finds the words where they stand.
No second OCR pass: the words of ``ocr_page`` are reused.
"""

from __future__ import annotations

import ctypes
import io
from pathlib import Path

import cv2
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ocr.raster import load_page
from schemas import Box, ErrorKind, Page, PageRoute, SohoaError, Word
from schemas.pdfium import PDFIUM_LOCK

FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")


def _load_font(doc: pdfium.PdfDocument) -> tuple[object, object]:
    try:
        data = FONT.read_bytes()
    except OSError as exc:
        raise SohoaError(
            ErrorKind.MISSING_DEPENDENCY, "font missing (Debian: apt-get install fonts-liberation2)"
        ) from exc
    buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
    font = pdfium_c.FPDFText_LoadFont(doc.raw, buf, len(data), pdfium_c.FPDF_FONT_TRUETYPE, 1)
    if not font:
        raise SohoaError(ErrorKind.INTERNAL, "cannot load the text-layer font")
    return font, buf


def _add_word(
    doc: pdfium.PdfDocument,
    page: pdfium.PdfPage,
    font: object,
    text: str,
    box: tuple[float, float, float, float],
) -> None:
    """Invisible ``text`` filling ``box`` = (left, bottom, right, top) in points."""
    left, bottom, right, top = box
    size = max(top - bottom, 1.0)
    obj = pdfium_c.FPDFPageObj_CreateTextObj(doc.raw, font, ctypes.c_float(size))
    wide = ctypes.create_string_buffer((text + "\x00").encode("utf-16-le"))
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(wide, pdfium_c.FPDF_WIDESTRING))
    pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
    l_, b_, r_, t_ = (ctypes.c_float() for _ in range(4))
    pdfium_c.FPDFPageObj_GetBounds(obj, l_, b_, r_, t_)
    natural = max(r_.value - l_.value, 1e-3)
    sx = (right - left) / natural
    pdfium_c.FPDFPageObj_Transform(obj, sx, 0, 0, 1, left - l_.value * sx, bottom + 0.2 * size)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)


def _text_layer(doc: pdfium.PdfDocument, page: pdfium.PdfPage, font: object, ocr: Page) -> None:
    if not ocr.words or not ocr.width or not ocr.height:
        return
    width, height = page.get_size()
    sx, sy = width / ocr.width, height / ocr.height
    for w in ocr.words:
        b = w.box
        _add_word(
            doc, page, font, w.text, (b.x0 * sx, height - b.y1 * sy, b.x1 * sx, height - b.y0 * sy)
        )
    page.gen_content()


def _image_page(
    doc: pdfium.PdfDocument, path: str, mime: str, number: int, index: int | None = None
) -> pdfium.PdfPage:
    """A new page holding the rendered page image (at ``index``, default at the end)."""
    raster = load_page(path, number, mime, dpi=300)
    ok, jpeg = cv2.imencode(
        ".jpg", cv2.cvtColor(raster.rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 85]
    )
    if not ok:
        raise SohoaError(ErrorKind.INTERNAL, "cannot encode page image")
    h, w = raster.rgb.shape[:2]
    width, height = w * 72 / raster.dpi, h * 72 / raster.dpi
    page = doc.new_page(width, height, index=index)
    image = pdfium.PdfImage.new(doc)
    image.load_jpeg(io.BytesIO(jpeg.tobytes()), inline=True)
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    return page


def write_searchable_pdf(
    path: str, mime: str, pages: list[Page], out: Path, *, images_only: bool = False
) -> None:
    """Write ``out``: every page of the source with the OCR words as invisible text.

    ``images_only`` renders every PDF page as an image, the words of its own text layer
    becoming the invisible text: the PDF/A fallback for pages whose content cannot conform.
    """
    with PDFIUM_LOCK:  # PDFium is not thread-safe (see schemas.pdfium)
        _write(path, mime, pages, out, images_only)


def write_text_layer(path: str, pages: list[Page], out: Path) -> None:
    """Write ``out``: blank pages the size of the source PDF's, holding only the OCR words
    as invisible text, to be laid over the untouched source pages (ocr/pdfa.py)."""
    with PDFIUM_LOCK:
        src = pdfium.PdfDocument(path)
        doc = pdfium.PdfDocument.new()
        try:
            font, _keep = _load_font(doc)
            by_number = {p.number: p for p in pages}
            for n in range(1, len(src) + 1):
                width, height = src[n - 1].get_size()
                page = doc.new_page(width, height)
                if n in by_number:
                    _text_layer(doc, page, font, by_number[n])
            doc.save(str(out))
        finally:
            doc.close()
            src.close()


def _layer_words(src: pdfium.PdfDocument, number: int) -> Page:
    """The words of a PDF page's own text layer, boxed in 72-dpi pixels (top-left origin)."""
    page = src[number - 1]
    width, height = page.get_size()
    textpage = page.get_textpage()
    words: list[Word] = []
    text = textpage.get_text_range()
    count = textpage.count_chars()  # offsets in the text are character indices
    start = 0
    for chunk in text.split():
        at = text.index(chunk, start)
        start = at + len(chunk)
        if start > count:
            break
        boxes = [textpage.get_charbox(i, loose=True) for i in range(at, start)]
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
        box = Box(
            x0=int(left), y0=int(height - top), x1=int(right) + 1, y1=int(height - bottom) + 1
        )
        words.append(Word(text=chunk, box=box, conf=100))
    return Page(
        number=number, route=PageRoute.TEXT_LAYER, width=int(width), height=int(height), words=words
    )


def _write(path: str, mime: str, pages: list[Page], out: Path, images_only: bool = False) -> None:
    doc = pdfium.PdfDocument.new()
    font, _keep = _load_font(doc)
    by_number = {p.number: p for p in pages}
    if mime == "application/pdf":
        src = pdfium.PdfDocument(path)
        if images_only:
            for n in range(1, len(src) + 1):
                if not (n in by_number and by_number[n].words):
                    by_number[n] = _layer_words(src, n)
        else:
            doc.import_pages(src)
        count = len(src)
        src.close()
    else:
        count = max(by_number, default=0)
    try:
        for n in range(1, count + 1):
            if mime != "application/pdf" or images_only:
                page = _image_page(doc, path, mime, n)
            else:
                page = doc[n - 1]
                if page.get_rotation() and n in by_number and by_number[n].words:
                    # OCR boxes are in the displayed (rotated) frame: use the page image
                    doc.del_page(n - 1)
                    page = _image_page(doc, path, mime, n, index=n - 1)
            if n in by_number:
                _text_layer(doc, page, font, by_number[n])
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        doc.save(str(out))
    except OSError as exc:
        raise SohoaError(ErrorKind.FILE_ACCESS, f"cannot write {out}: {exc.strerror}") from exc
    finally:
        doc.close()
