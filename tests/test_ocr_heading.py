"""The heading block's second reading: where the block is (from the first reading's words),
its words put back in the page's pixels, and a page cached before it getting only that
reading, never a new OCR of the page."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

import ocr
from ocr.heading import HEADING_STAGE, heading_box, to_page
from schemas import Box, Page, PageKind, PageRoute, Word
from service.config import Settings
from service.pipeline import Pipeline

SERIF = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"
WIDTH, HEIGHT = 2480, 1200


def _heading() -> tuple[np.ndarray, list[Word]]:
    """A first page's top at 300 dpi: the issuer's block on the left, the motto and the
    place-date on the right, and the words a first reading would give (printed boxes)."""
    img = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(img)
    words: list[Word] = []

    def line(text: str, x: int, y: int, bold: bool = False) -> None:
        font = ImageFont.truetype(SERIF_BOLD if bold else SERIF, 46)
        for w in text.split():
            draw.text((x, y), w, fill="black", font=font)
            x0, y0, x1, y1 = draw.textbbox((x, y), w, font=font)
            words.append(Word(text=w, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), conf=90))
            x = x1 + 16

    line("ỦY BAN NHÂN DÂN", 260, 120)
    line("TỈNH QUẢNG NGÃI", 270, 185, bold=True)
    line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1150, 120, bold=True)
    line("Độc lập - Tự do - Hạnh phúc", 1380, 185, bold=True)
    line("Số: 23/BC-UBND", 330, 290)
    line("Quảng Ngãi, ngày 23 tháng 01 năm 2025", 1250, 290)
    line("BÁO CÁO", 1150, 420, bold=True)
    return np.array(img), words


def test_the_block_ends_under_the_number_and_before_the_right_column() -> None:
    _, words = _heading()
    box = heading_box(words, WIDTH, HEIGHT)
    assert box is not None
    number = next(w for w in words if w.text == "Số:")
    motto = next(w for w in words if w.text == "CỘNG")
    place = next(w for w in words if w.text == "Quảng")
    issuer = [w for w in words if w.box.y1 < number.box.y0 and w.box.x0 < motto.box.x0]
    assert box.y0 == 0 and number.box.y1 < box.y1 < next(w for w in words if w.text == "BÁO").box.y0
    assert all(w.box.x1 <= box.x1 for w in issuer)  # the issuer's lines inside
    assert box.x1 < min(motto.box.x0, place.box.x0)  # the right column outside


def test_no_number_line_at_the_top_no_block() -> None:
    _, words = _heading()
    assert heading_box([w for w in words if w.text != "Số:"], WIDTH, HEIGHT) is None
    # a "Số:" further down the page is a body's (a table, a citation), not the heading's
    low = [
        w.model_copy(
            update={"box": Box(x0=w.box.x0, y0=w.box.y0 + 900, x1=w.box.x1, y1=w.box.y1 + 900)}
        )
        for w in words
    ]
    assert heading_box(low, WIDTH, HEIGHT * 2) is None
    # nor one with no symbol after it on its line ("Số: ..." of a form's field)
    bare = [w for w in words if "/" not in w.text]
    assert heading_box(bare, WIDTH, HEIGHT) is None


def test_words_of_the_block_are_put_back_in_the_page_pixels() -> None:
    box = Box(x0=0, y0=40, x1=1100, y1=400)
    read = [Word(text="TỈNH", box=Box(x0=400, y0=300, x1=560, y1=360), conf=91)]
    (moved,) = to_page(read, 400 / 300, box)
    assert moved.box == Box(x0=300, y0=265, x1=420, y1=310)
    assert (moved.text, moved.conf) == ("TỈNH", 91)


def test_a_page_is_read_with_its_heading_block_again(tmp_path: Path) -> None:
    rgb, _ = _heading()
    png = tmp_path / "head.png"
    Image.fromarray(rgb).save(png, dpi=(300, 300))
    page = ocr.ocr_page(str(png), 1, "image/png")
    assert page.heading is not None and page.heading.dpi >= 400
    assert "QUẢNG NGÃI" in page.heading.text and "CỘNG" not in page.heading.text
    first = {w.text: w.box for w in page.words}
    again = {w.text: w.box for w in page.heading.words}
    for text in ("NHÂN", "Số:"):  # the same word stands in the same place in both readings
        a, b = first[text], again[text]
        assert abs(a.x0 - b.x0) <= 4 and abs(a.y0 - b.y0) <= 4 and abs(a.x1 - b.x1) <= 4


def _cached(settings: Settings, sha: str, version: str, page: Page) -> None:
    path = settings.cache_dir / "ocr" / sha / version / "0001.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page.model_dump_json())


def test_a_page_cached_before_the_heading_reading_gets_it_without_ocr(tmp_path: Path) -> None:
    rgb, words = _heading()
    png = tmp_path / "head.png"
    Image.fromarray(rgb).save(png, dpi=(300, 300))
    sha = hashlib.sha256(png.read_bytes()).hexdigest()
    settings = Settings(data_dir=tmp_path / "data")
    text = "the cached OCR text"
    old = Page(
        number=1, text=text, route=PageRoute.OCR, width=WIDTH, height=HEIGHT, dpi=300, words=words
    )
    _cached(settings, sha, f"{ocr.TESSERACT_STAGE}+{ocr.DIGITS_MODEL}", old)
    pipe = Pipeline(settings)
    try:
        # the heading and the lines only, not the digits
        assert pipe._stale(sha, 1) == (old, frozenset({"heading", "lines"}))
        page = pipe.load_document(png).pages[0]
    finally:
        pipe.close()
    assert page.text == text  # not OCRed again
    assert page.heading is not None and "ỦY BAN" in page.heading.text
    fresh = settings.cache_dir / "ocr" / sha / ocr.OCR_VERSION / "0001.json"
    assert HEADING_STAGE in ocr.OCR_VERSION
    assert Page.model_validate_json(fresh.read_text()).heading == page.heading


def test_a_page_without_a_heading_block_keeps_none(tmp_path: Path) -> None:
    png = tmp_path / "blank.png"
    Image.new("RGB", (WIDTH, HEIGHT), "white").save(png, dpi=(300, 300))
    page = Page(number=1, route=PageRoute.OCR, kind=PageKind.BLANK, width=WIDTH, height=HEIGHT)
    heading = frozenset({"heading"})
    assert ocr.reread_extras(str(png), "image/png", page, redo=heading).heading is None
    body = Page(number=1, route=PageRoute.OCR, width=WIDTH, height=HEIGHT, words=[])
    assert ocr.reread_extras(str(png), "image/png", body, redo=heading).heading is None
    # an old cached page loads: the field is new and empty by default
    assert Page.model_validate_json('{"number": 1, "route": "ocr"}').heading is None
