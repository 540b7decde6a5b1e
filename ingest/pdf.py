"""PDF pages: read the text layer, keep signature stamps apart, route each page.

A scanned archive PDF often carries text that is not its content: the signing
system's stamp, a handful of words over a full-page image, an old OCR layer made
with an English model, or TCVN3/VNI font codes that extract as mojibake. Each page
gets a route (text layer, OCR, converted) and the reason for it.

Signing tools also write fill-ins (the number, the day) as signature-widget
appearances; those are flattened and merged into the body text at their position,
while widget appearances that read as a stamp go to ``Page.stamp_text``.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest.legacy import best_reading, diacritic_share, odd_share, vietnamese_score
from ingest.stamp import looks_like_stamp
from schemas import Box, ErrorKind, Limits, Page, PageRoute, SohoaError, Word
from schemas.pdfium import PDFIUM_LOCK

FULL_PAGE_IMAGE = 0.6  # share of the page area one image must cover to count as a scan
FEW_WORDS = 40  # fewer words than this over a full-page image is not the page's text
MIN_DIACRITICS = 0.10  # Vietnamese prose has ~0.3; English-model OCR of it ~0.05
MIN_VIETNAMESE = 0.45  # share of well-formed syllables below which a layer may be garbled
MAX_ODD = 0.03  # ... when unexplained characters (not ASCII, not Vietnamese) exceed this
STAMP_BAND = 0.15  # stamps embedded in page content sit in the top/bottom band
PAGES_PER_OPEN = 16  # pages read through one open document (its caches grow with them)


@dataclass
class _Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open with PDFium; map its failures to clear errors (password -> ENCRYPTED)."""
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if needs_password(path):
            raise SohoaError(ErrorKind.ENCRYPTED, "PDF is password-protected") from exc
        raise SohoaError(ErrorKind.BAD_INPUT, "PDF is corrupt, truncated or has no pages") from exc


def needs_password(path: Path) -> bool:
    """Ask qpdf (pikepdf) whether a PDF that PDFium refused is password-protected:
    PDFium's last-error code can be stale from an earlier document."""
    try:
        pikepdf.open(path).close()
    except pikepdf.PasswordError:
        return True
    except (pikepdf.PdfError, OSError, ValueError):
        return False
    return False


def _words(textpage: pdfium.PdfTextPage, height: float) -> list[_Word]:
    """Whitespace-separated words with their loose boxes, top-left origin in points."""
    out: list[_Word] = []
    chars: list[str] = []
    box: list[float] = []

    def flush() -> None:
        if chars:
            out.append(_Word("".join(chars), box[0], height - box[3], box[2], height - box[1]))
            chars.clear()
            box.clear()

    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        if not ch or ch.isspace() or ch == "\x00":
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        if box:
            box[:] = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
        else:
            box[:] = [left, bottom, right, top]
        chars.append(ch)
    flush()
    return out


def _key(w: _Word) -> tuple[str, int, int]:
    return (w.text, round(w.x0), round(w.top))


def _lines(words: list[_Word]) -> list[list[_Word]]:
    """Group words into visual lines by vertical overlap, each sorted left to right."""
    lines: list[list[_Word]] = []
    spans: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        h = max(w.bottom - w.top, 1e-3)
        for k in range(len(lines) - 1, max(len(lines) - 4, -1), -1):
            top, bottom = spans[k]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.5 * min(h, bottom - top):
                lines[k].append(w)
                spans[k] = (min(top, w.top), max(bottom, w.bottom))
                break
        else:
            lines.append([w])
            spans.append((w.top, w.bottom))
    order = sorted(range(len(lines)), key=lambda k: spans[k][0])
    return [sorted(lines[k], key=lambda w: w.x0) for k in order]


def line_text(line: list[_Word]) -> str:
    """Join a line's words; a gap wider than two line heights becomes a column break."""
    return _placed_line(line)[0]


def _placed_line(line: list[_Word]) -> tuple[str, list[int]]:
    """A line's text (as :func:`line_text`) and where each of its words starts in it."""
    height = max(w.bottom - w.top for w in line)
    parts, starts, pos = [line[0].text], [0], len(line[0].text)
    for prev, w in itertools.pairwise(line):
        gap = "    " if w.x0 - prev.x1 > 2 * height else " "
        parts += [gap, w.text]
        starts.append(pos + len(gap))
        pos += len(gap) + len(w.text)
    return "".join(parts), starts


@dataclass
class _Layer:
    body: list[_Word]
    stamps: list[str]
    image_cover: float
    invisible: bool


def _annotation_rects(page: pdfium.PdfPage) -> list[tuple[float, float, float, float]]:
    rects = []
    for k in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, k)
        rect = pdfium_c.FS_RECTF()
        if pdfium_c.FPDFAnnot_GetRect(annot, rect):
            rects.append((rect.left, rect.bottom, rect.right, rect.top))
        pdfium_c.FPDFPage_CloseAnnot(annot)
    return rects


def _image_cover_and_render(page: pdfium.PdfPage) -> tuple[float, bool]:
    """Largest image's share of the page, and whether all text is invisible (OCR layer)."""
    width, height = page.get_size()
    area = max(width * height, 1.0)
    cover = 0.0
    modes: Counter[int] = Counter()
    for obj in page.get_objects(max_depth=4):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            w = min(right, width) - max(left, 0)
            h = min(top, height) - max(bottom, 0)
            cover = max(cover, max(w, 0) * max(h, 0) / area)
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            modes[pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)] += 1
    invisible = bool(modes) and set(modes) == {pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE}
    return cover, invisible


def _check_images(path: Path, indexes: range, limits: Limits) -> None:
    """Refuse a page whose images declare more pixels than allowed, before anything
    decodes them (a small PDF can hold a flate-compressed 50000x50000 image)."""
    pdf = open_pdf(path)
    try:
        for i in indexes:
            for obj in pdf[i].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
                w, h = obj.get_px_size()
                if w * h > limits.max_image_pixels:
                    limit = limits.max_image_pixels
                    raise SohoaError(
                        ErrorKind.LIMITS,
                        f"page {i + 1} holds a {w}x{h} image (limit {limit} pixels)",
                    )
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        raise SohoaError(ErrorKind.BAD_INPUT, f"PDF page unreadable ({exc})") from exc
    finally:
        pdf.close()


def _inside(w: _Word, rect: tuple[float, float, float, float], height: float) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, height - (w.top + w.bottom) / 2
    return rect[0] - 1 <= cx <= rect[2] + 1 and rect[1] - 1 <= cy <= rect[3] + 1


def _read_layer(plain: pdfium.PdfDocument, forms: pdfium.PdfDocument, index: int) -> _Layer:
    """Body words (content + non-stamp widget fill-ins) and the stamp texts of one page."""
    page = plain[index]
    height = page.get_height()
    content = _words(page.get_textpage(), height)
    cover, invisible = _image_cover_and_render(page)
    fpage = forms[index]
    rects = _annotation_rects(fpage)
    stamps: list[str] = []
    extra: list[_Word] = []
    if rects and _flatten(fpage):
        fpage = forms[index]
        seen = Counter(_key(w) for w in content)
        for w in _words(fpage.get_textpage(), height):
            if seen[_key(w)]:
                seen[_key(w)] -= 1
            else:
                extra.append(w)
    for group in _group_by_annotation(extra, rects, height):
        text = _stream_text(group)
        if looks_like_stamp(text):
            stamps.append(text)
        else:
            content.extend(group)
    return _Layer(content, stamps, cover, invisible)


def _flatten(page: pdfium.PdfPage) -> bool:
    """Draw the page's annotations into its content; False when PDFium could not.

    Widgets that no /AcroForm lists (a page copied out of a signed PDF) give the document
    no form environment, and pypdfium2's ``flatten`` refuses to run without one; PDFium's
    own flattening needs none, so it is called directly. Their appearance streams are what
    a reader sees: a signature's text is there."""
    rc = pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY)
    return bool(rc != pdfium_c.FLATTEN_FAIL)


def _group_by_annotation(
    words: list[_Word], rects: list[tuple[float, float, float, float]], height: float
) -> list[list[_Word]]:
    """Split flattened widget words by annotation, in content-stream order.

    Appearance streams are appended one after another when flattened, so a word
    stays with the previous word's annotation while it lies inside its rectangle.
    """
    groups: dict[int, list[_Word]] = {}
    current = -1
    for w in words:
        if current < 0 or not _inside(w, rects[current], height):
            current = next((k for k, r in enumerate(rects) if _inside(w, r, height)), -1)
        if current >= 0:
            groups.setdefault(current, []).append(w)
    return list(groups.values())


def _stream_text(words: list[_Word]) -> str:
    """Words in stream order; a new line where the next word starts lower or to the left."""
    parts = [words[0].text]
    for prev, w in itertools.pairwise(words):
        new_line = w.top > prev.top + 0.5 * (prev.bottom - prev.top) or w.x0 < prev.x0
        parts.append("\n" if new_line else " ")
        parts.append(w.text)
    return "".join(parts)


def _split_embedded_stamps(
    lines: list[list[_Word]], height: float
) -> tuple[list[list[_Word]], list[str]]:
    """Move stamp lines written into the page content (top/bottom band) out of the body."""
    body: list[list[_Word]] = []
    stamp: list[str] = []
    for ln in lines:
        text = line_text(ln)
        mid = (ln[0].top + ln[0].bottom) / 2
        in_band = mid < STAMP_BAND * height or mid > (1 - STAMP_BAND) * height
        if in_band and looks_like_stamp(text):
            stamp.append(text)
        else:
            body.append(ln)
    return body, stamp


def _body_words(body: list[list[_Word]]) -> tuple[str, list[Word]]:
    """The body text as ingest joins it, and its words boxed (72-dpi points, top-left
    origin) at their offsets in that text."""
    words: list[Word] = []
    texts: list[str] = []
    at = 0
    for ln in body:
        text, starts = _placed_line(ln)
        for w, start in zip(ln, starts, strict=True):
            box = Box(x0=int(w.x0), y0=int(w.top), x1=int(w.x1) + 1, y1=int(w.bottom) + 1)
            words.append(Word(text=w.text, box=box, conf=100, start=at + start))
        texts.append(text)
        at += len(text) + 1
    return "\n".join(texts), words


def _route(text: str, layer: _Layer, stamp_found: bool) -> tuple[PageRoute, str, str]:
    """Decide how the page's text is obtained: (route, reason, text)."""
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    if not words:
        why = "text layer holds only a signature stamp" if stamp_found else "no text layer"
        return PageRoute.OCR, why, ""
    converted, encoding = best_reading(text)
    if encoding != "unicode":
        return PageRoute.CONVERTED, f"legacy {encoding.upper()} font encoding converted", converted
    scan = layer.image_cover >= FULL_PAGE_IMAGE
    if scan and len(words) < FEW_WORDS:
        return PageRoute.OCR, f"only {len(words)} words over a full-page image", ""
    if len(words) >= 10 and vietnamese_score(text) < MIN_VIETNAMESE and odd_share(text) > MAX_ODD:
        return PageRoute.OCR, "text layer does not read as Vietnamese (garbled font encoding)", ""
    if scan and diacritic_share(text) < MIN_DIACRITICS:
        return PageRoute.OCR, "old OCR layer without Vietnamese diacritics (wrong model)", ""
    if scan or layer.invisible:
        return PageRoute.TEXT_LAYER, "existing OCR layer over the page image is Vietnamese", text
    return PageRoute.TEXT_LAYER, "text layer", text


def layer_words(path: Path) -> list[tuple[str, list[Word]]]:
    """Per page, the text ingest reads from the PDF's text layer and its words with their
    boxes and offsets in it. Pages keep no words from their layer (extraction treats words
    as OCR's), so the document page asks for them here to box a born-digital page's
    values; the caller keeps them only where this text is the stored page text as is."""
    with PDFIUM_LOCK:
        plain = open_pdf(path)
        forms = open_pdf(path)
        try:
            forms.init_forms()
            out = []
            for i in range(len(plain)):
                layer = _read_layer(plain, forms, i)
                body, _ = _split_embedded_stamps(_lines(layer.body), plain[i].get_height())
                out.append(_body_words(body))
            return out
        except (pdfium.PdfiumError, ValueError, OSError) as exc:
            raise SohoaError(ErrorKind.BAD_INPUT, f"PDF page unreadable ({exc})") from exc
        finally:
            forms.close()
            plain.close()


def read_pdf(path: Path, limits: Limits) -> list[Page]:
    """Route every page of a PDF; text-layer pages come with their NFC text."""
    with PDFIUM_LOCK:  # PDFium is not thread-safe (see schemas.pdfium)
        return _read_pdf(path, limits)


def _read_pdf(path: Path, limits: Limits) -> list[Page]:
    plain = open_pdf(path)
    count = len(plain)
    plain.close()
    if count == 0:
        raise SohoaError(ErrorKind.BAD_INPUT, "PDF has no pages")
    if count > limits.max_pages:
        raise SohoaError(ErrorKind.LIMITS, f"PDF has {count} pages (limit {limits.max_pages})")
    for first in range(0, count, PAGES_PER_OPEN):
        _check_images(path, range(first, min(first + PAGES_PER_OPEN, count)), limits)
    pages: list[Page] = []
    for first in range(0, count, PAGES_PER_OPEN):
        pages += _read_pages(path, range(first, min(first + PAGES_PER_OPEN, count)))
    return pages


def _read_pages(path: Path, indexes: range) -> list[Page]:
    """Some pages of a PDF, from documents opened for them alone: PDFium keeps what it
    parsed of every page it read until its document closes, so reading a long PDF through
    one open document held memory in proportion to its page count."""
    plain, forms = open_pdf(path), open_pdf(path)
    try:
        forms.init_forms()
        return [_read_page(plain, forms, i) for i in indexes]
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        raise SohoaError(ErrorKind.BAD_INPUT, f"PDF page unreadable ({exc})") from exc
    finally:
        forms.close()
        plain.close()


def _read_page(plain: pdfium.PdfDocument, forms: pdfium.PdfDocument, i: int) -> Page:
    layer = _read_layer(plain, forms, i)
    width, height = plain[i].get_size()
    body, embedded = _split_embedded_stamps(_lines(layer.body), height)
    stamps = layer.stamps + embedded
    text = unicodedata.normalize("NFC", "\n".join(line_text(ln) for ln in body))
    route, reason, text = _route(text, layer, bool(stamps))
    return Page(
        number=i + 1,
        text=unicodedata.normalize("NFC", text),
        route=route,
        route_reason=reason,
        width=round(width),
        height=round(height),
        dpi=72,
        stamp_text=unicodedata.normalize("NFC", "\n".join(stamps)) or None,
    )
