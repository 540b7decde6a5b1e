"""OCR of one page: rasterize, clean up, Tesseract, words mapped back to the page."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import cv2
import numpy as np

from ocr import engine
from ocr.cleanup import DEFAULT_STEPS, Cleaned, clean
from ocr.handdigits import has_blanks, read_header_digits
from ocr.heading import HEADING_DPI, crop, heading_box, reading
from ocr.layout import compose
from ocr.lines import lines_to_read, read_lines
from ocr.raster import load_page
from schemas import (
    Box,
    ErrorKind,
    HeadingReading,
    Page,
    PageKind,
    PageRoute,
    SohoaError,
    Word,
)

log = logging.getLogger(__name__)

# the readings made after Tesseract's page reading, each with its own stage in OCR_VERSION:
# a cached page gets only those whose stage changed (:func:`reread_extras`)
EXTRAS = frozenset({"digits", "heading", "lines"})

_MIN_WORDS = 3
# ... words of two letters or digits read at least this sure: Tesseract reads a seal's ring
# and stars as a few dozen garbage words, nearly all under 40 (the corpus's seal-only page:
# 2 of 38 at 54-67), while a page of print has dozens of words above it
_MIN_WORD_CONF = 60
# the gray reading of a poor page replaces the binarised one only when its mean word
# confidence is higher by more than this: Tesseract is as sure of some worse gray
# readings (bench/ocr level bad: 2.31% -> 2.72% CER with no margin, 2.31% with 1.5-3;
# family mixed 7.06% -> 1.32% with none, 1.43% with 1.5-3)
_GRAY_MARGIN = 2.0
# the page with its red seal faded (ocr/cleanup.py fade_seal) replaces the page as cleaned
# when it reads more confident characters by more than this share: a seal that hid a line
# gives it back (bench/ocr red stamp, one page of four: +3.4%, the line returned), while
# the mean confidence barely moves (< 0.5 point on every red stamp page); on the design
# real scans no page gains that much, so their readings stay (a faded seal had moved
# Tesseract's threshold and read '418/QĐ-UBND' far from it as '41 8/QĐ-UBND')
_SEAL_MARGIN = 0.01
# ... and it is read only when the first reading has at least this many unsure words (conf
# < 70) on the seal: on the design real scans 12 of 15 seal pages have 0-1 (the seal lies
# on a signature, or clear of print), the 3 red stamp pages that lose words to it 2-8 (one
# of four has none); a second Tesseract reading costs as much as the first
_SEAL_UNSURE_WORDS = 2
_SEAL_COLOUR = 0.0003  # red pixels (0.03% of the page) that mark a seal on an empty page


def _to_original(inv: np.ndarray, w: engine.TessWord, width: int, height: int) -> Box:
    """A word's box in the original page's pixels; ``inv`` maps cleaned to original (the
    inverse of the clean-up's affine map, inverted once a page, not once a word)."""
    x0, y0, x1, y1 = w.left, w.top, w.left + w.width, w.top + w.height
    pts = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float32)
    mapped = pts @ inv[:, :2].T + inv[:, 2]
    xs, ys = mapped[:, 0], mapped[:, 1]
    return Box(
        x0=max(0, int(xs.min())),
        y0=max(0, int(ys.min())),
        x1=min(width, round(xs.max())),
        y1=min(height, round(ys.max())),
    )


def _real(words: list[engine.TessWord]) -> list[engine.TessWord]:
    """Words that are text, not noise: confident, or long enough to mean something."""
    return [w for w in words if w.conf >= 0 and (w.conf >= 30 or len(w.text) >= 3)]


def _oriented(cleaned: Cleaned, timeout: float) -> Cleaned:
    """Turn a sideways or upside-down page upright when Tesseract's OSD is sure of it."""
    rotate, conf = engine.orientation(cleaned.gray, timeout=timeout)
    if rotate not in (90, 180, 270) or conf < 2.0:
        return cleaned
    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}[
        rotate
    ]
    h, w = cleaned.gray.shape
    turned = cv2.rotate(cleaned.gray, code)
    centre = (w / 2, h / 2)
    m = cv2.getRotationMatrix2D(centre, -rotate, 1.0)
    nh, nw = turned.shape
    m[0, 2] += nw / 2 - centre[0]
    m[1, 2] += nh / 2 - centre[1]
    full = np.vstack([m, [0, 0, 1]]) @ np.vstack([cleaned.matrix, [0, 0, 1]])
    return Cleaned(
        turned, full[:2].astype(np.float32), cleaned.angle, cleaned.colour_share, cleaned.binarised
    )


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 1:
        raise SohoaError(ErrorKind.TIMEOUT, "OCR of the page timed out")
    return left


def _read(cleaned: Cleaned, dpi: int, psm: int, deadline: float) -> list[engine.TessWord]:
    return _real(engine.words(cleaned.gray, psm=psm, dpi=dpi, timeout=_left(deadline)))


def _score(words: list[engine.TessWord]) -> float:
    """Confident characters read: compares two readings of the same page."""
    return sum(w.conf * len(w.text) for w in words)


def _ink(gray: np.ndarray) -> float:
    """Share of dark pixels: ~0 on a blank page, a few percent on a page of text."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    return float((small < 128).mean())


def _reading(
    cleaned: Cleaned, dpi: int, ink: float, deadline: float, label: str
) -> tuple[Cleaned, list[engine.TessWord]]:
    """Read a cleaned page: automatic layout (psm 3); a page that reads poorly is turned
    upright by OSD if needed and also read as one block (psm 6), the surer reading kept.
    Returns the page as read (turned or not) and its words."""
    real = _read(cleaned, dpi, 3, deadline) if ink > 0.0001 else []
    if ink > 0.002 and (len(real) < 20 or _mean_conf(real) < 50):
        turned = _oriented(cleaned, min(_left(deadline), 60.0))
        if turned is not cleaned:
            log.debug("%s: turned upright by orientation detection", label)
            cleaned, real = turned, _read(turned, dpi, 3, deadline)
        if _mean_conf(real) < 60:
            alt = _read(cleaned, dpi, 6, deadline)
            if _score(alt) > _score(real):
                log.debug("%s: read as one block (psm 6): more confident characters", label)
                real = alt
    return cleaned, real


def ocr_image(
    rgb: np.ndarray,
    dpi: int,
    timeout: float = 180.0,
    steps: tuple[str, ...] = DEFAULT_STEPS,
    label: str = "page",
) -> tuple[str, list[Word], float, PageKind]:
    """OCR an RGB page: (NFC text, words with boxes in ``rgb`` pixels, confidence, kind).

    Page segmentation is chosen per page (:func:`_reading`). A poor page, binarised by the
    clean-up, is also read as a smoothed gray page, kept when its mean word confidence is
    clearly higher (``_GRAY_MARGIN``): a second reading only where the page measures poor. ``label``
    names the page in log messages ("file.pdf p3").
    """
    deadline = time.monotonic() + timeout
    cleaned = clean(rgb, steps)
    ink = _ink(cleaned.gray)
    log.debug(
        "%s: deskewed %.1f°, colour %.4f, binarised %s, ink %.4f",
        label,
        cleaned.angle,
        cleaned.colour_share,
        cleaned.binarised,
        ink,
    )
    first = cleaned
    cleaned, real = _reading(first, dpi, ink, deadline, label)
    if first.alternative is not None and (
        first.binarised or cleaned is not first or _seal_cost(real, first.seal_box)
    ):  # read as is: OSD may turn it on its own
        gray = Cleaned(first.alternative, first.matrix, first.angle, first.colour_share)
        gray, alt = _reading(gray, dpi, ink, deadline, label)
        if first.binarised:
            surer = _mean_conf(alt) > _mean_conf(real) + _GRAY_MARGIN
        else:  # the page with its seal faded
            surer = _score(alt) > _score(real) * (1 + _SEAL_MARGIN)
        if surer:
            log.debug(
                "%s: the %s page read surer",
                label,
                "smoothed gray" if first.binarised else "seal-faded",
            )
            cleaned, real = gray, alt
    mean = _mean_conf(real)
    text, placed = compose(real)
    h, w = rgb.shape[:2]
    inv = cv2.invertAffineTransform(cleaned.matrix)
    words = [
        Word(
            text=t,
            box=_to_original(inv, tw, w, h),
            conf=tw.conf,
            block=tw.block,
            line=tw.line,
            start=start,
        )
        for tw, t, start in placed
    ]
    kind = PageKind.CONTENT
    printed = [x for x in real if x.conf >= _MIN_WORD_CONF and sum(map(str.isalnum, x.text)) >= 2]
    if len(printed) < _MIN_WORDS:
        kind = PageKind.SEAL_ONLY if cleaned.colour_share > _SEAL_COLOUR else PageKind.BLANK
    return text, words, mean, kind


def _seal_cost(words: list[engine.TessWord], box: tuple[int, int, int, int] | None) -> bool:
    """Whether the seal seems to have cost the reading words: enough unsure words on it."""
    if box is None:
        return False
    x0, y0, x1, y1 = box
    unsure = [
        w
        for w in words
        if w.conf < 70
        and w.left < x1
        and w.left + w.width > x0
        and w.top < y1
        and w.top + w.height > y0
    ]
    return len(unsure) >= _SEAL_UNSURE_WORDS


def _mean_conf(words: list[engine.TessWord]) -> float:
    total = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / total if total else 0.0


def ocr_page(
    path: str, page_number: int, mime: str, dpi: int = 300, timeout: float = 180.0
) -> Page:
    """OCR page ``page_number`` (1-based) of a PDF or image file into a :class:`Page`."""
    label = f"{Path(path).name} p{page_number}"
    started = time.monotonic()
    raster = load_page(path, page_number, mime, dpi, annots=False)
    text, words, conf, kind = ocr_image(raster.rgb, raster.dpi, timeout, label=label)
    h, w = raster.rgb.shape[:2]
    content = kind == PageKind.CONTENT
    hand = read_header_digits(raster.rgb, words) if content else []
    again = read_lines(raster.rgb, lines_to_read(words), raster.dpi) if content else []
    page_dpi = raster.dpi
    del raster  # the heading's rendering is larger: one page image at a time
    heading = read_heading(path, page_number, mime, words, w, h, timeout) if content else None
    log.debug(
        "%s: OCR %d words at %d dpi, confidence %.0f, %s, %d handwritten digit(s), "
        "%d line(s) read again, %.1f s",
        label,
        len(words),
        page_dpi,
        conf,
        kind.value,
        len(hand),
        len(again),
        time.monotonic() - started,
    )
    return Page(
        number=page_number,
        text=text,
        route=PageRoute.OCR,
        route_reason="OCR (tesseract vie)",
        kind=kind,
        width=w,
        height=h,
        dpi=page_dpi,
        words=words,
        confidence=round(conf, 1),
        hand_digits=hand,
        line_readings=again,
        heading=heading,
    )


def read_heading(
    path: str,
    page_number: int,
    mime: str,
    words: list[Word],
    width: int,
    height: int,
    timeout: float = 60.0,
) -> HeadingReading | None:
    """The page's heading block (:func:`ocr.heading.heading_box`, from its first reading's
    ``words`` on a ``width`` x ``height`` page) read again at ``HEADING_DPI``; None when
    the page shows no heading block or the reading timed out (the page's reading stands).
    The page is rendered again at that resolution and only the block is read: Tesseract's
    time grows with the pixels it reads."""
    box = heading_box(words, width, height)
    if box is None:
        return None
    label = f"{Path(path).name} p{page_number} heading"
    started = time.monotonic()
    raster = load_page(path, page_number, mime, HEADING_DPI, annots=False)
    block, scale = crop(raster.rgb, width, box)
    dpi = raster.dpi
    del raster
    try:
        text, read, _, _ = ocr_image(block, dpi, timeout, label=label)
    except SohoaError as err:
        if err.kind != ErrorKind.TIMEOUT:
            raise
        log.warning("%s: %s", label, err.message)
        return None
    log.debug("%s: %d words, %.1f s", label, len(read), time.monotonic() - started)
    return reading(text, read, scale, box, dpi)


def reread_extras(
    path: str, mime: str, page: Page, dpi: int = 300, redo: frozenset[str] = EXTRAS
) -> Page:
    """A page OCRed with the same Tesseract stage by earlier second readers: those of
    ``redo`` (:data:`EXTRAS`: the header's digit blanks, the heading block, the lines of
    :func:`ocr.lines.lines_to_read`) made again from the image, the words and text kept as
    they are (re-rendering, two blanks, a few lines and the heading block take a second or
    two; Tesseract on the page takes a minute). ``dpi``: what :func:`ocr_page` was asked
    for, so the words' boxes fit the image."""
    update: dict[str, object] = {}
    content = page.kind == PageKind.CONTENT
    blanks = "digits" in redo and content and has_blanks(page.words, page.height or 0)
    lines = lines_to_read(page.words) if "lines" in redo and content else []
    if "digits" in redo:
        update["hand_digits"] = []
    if "lines" in redo:
        update["line_readings"] = []
    if blanks or lines:  # else no rendering
        raster = load_page(path, page.number, mime, dpi, annots=False)  # as ocr_page did
        if blanks:
            update["hand_digits"] = read_header_digits(raster.rgb, page.words)
        if lines:
            update["line_readings"] = read_lines(raster.rgb, lines, raster.dpi)
        del raster
    if "heading" in redo:
        width, height = page.width or 0, page.height or 0
        found = content and width > 0 and height > 0
        update["heading"] = (
            read_heading(path, page.number, mime, page.words, width, height) if found else None
        )
    log.debug("%s p%d: re-read %s", Path(path).name, page.number, " and ".join(sorted(redo)))
    return page.model_copy(update=update)
