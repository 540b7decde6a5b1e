"""The OCR stage's re-reading of handwritten header digits (number and day blanks).

Plumbing and geometry on a synthetic header drawn with the machine's fonts (the digits in a
slanted bold face, as a clerk's pen); how well real handwriting is read is measured by
``bench/extract`` on the real scans, not here.
"""

import itertools

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.handdigits import DIGITS_MODEL, _combined, _digits, _split_wide, read_header_digits
from schemas import Box, Word

SERIF = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
PEN = "/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf"


def _header(number: str, day: str, lower_so: bool = False) -> tuple[np.ndarray, list[Word]]:
    """A 300-dpi-like header: 'Số: <number> /TTr-UBND    Lào Cai, ngày <day> tháng 01 năm 2025'."""
    img = Image.new("RGB", (2400, 900), "white")
    draw = ImageDraw.Draw(img)
    serif, pen = ImageFont.truetype(SERIF, 50), ImageFont.truetype(PEN, 64)
    words: list[Word] = []
    x = 200

    def put(text: str, font, y: int = 300, word: bool = True) -> None:
        nonlocal x
        draw.text((x, y), text, fill="black", font=font)
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=font)
        if word:
            words.append(Word(text=text, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), conf=95))
        x = x1 + 30

    put("số:" if lower_so else "Số:", serif)
    put(number, pen, 290, word=False)
    put("/TTr-UBND", serif)
    x = 1200
    for w in ("Lào", "Cai,", "ngày"):
        put(w, serif)
    put(day, pen, 290, word=False)
    for w in ("tháng", "01", "năm", "2025"):
        put(w, serif)
    return np.array(img), words


@pytest.mark.parametrize(("number", "day"), [("23", "24"), ("87", "16"), ("05", "30")])
def test_reads_number_and_day_blanks(number: str, day: str) -> None:
    rgb, words = _header(number, day)
    got = {r.field: r for r in read_header_digits(rgb, words)}
    assert got["number"].text == number and got["day"].text == day
    assert got["number"].model == DIGITS_MODEL
    assert 0 < got["day"].confidence <= 1
    alts = got["day"].alternatives
    assert alts[0].text == day and all(a.p >= b.p for a, b in itertools.pairwise(alts))
    assert got["number"].box.x1 <= next(w.box.x0 for w in words if w.text.startswith("/"))


def test_empty_blanks_give_no_reading() -> None:
    rgb, words = _header("", "")
    assert read_header_digits(rgb, words) == []


def test_only_the_header_number_line_counts() -> None:
    rgb, words = _header("23", "24", lower_so=True)  # "số 23/…" in running text
    assert [r.field for r in read_header_digits(rgb, words)] == ["day"]


def test_no_anchor_words_no_reading() -> None:
    rgb = np.full((600, 800, 3), 255, np.uint8)
    assert read_header_digits(rgb, []) == []


def _touching(pair: str, overlap: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Two digits in the pen face, the second drawn ``overlap`` px into the first's box, and
    each digit's own ink."""
    font = ImageFont.truetype(PEN, 120)
    alone = []
    x = 20
    for ch in pair:
        img = Image.new("L", (400, 200), 0)
        draw = ImageDraw.Draw(img)
        draw.text((x, 20), ch, fill=255, font=font, stroke_width=2, stroke_fill=255)
        x = draw.textbbox((x, 20), ch, font=font, stroke_width=2)[2] - overlap
        alone.append(np.array(img))
    return np.maximum(*alone), alone


@pytest.mark.parametrize("pair", ["06", "13", "24", "16"])
def test_touching_digits_are_split_between_them(pair: str) -> None:
    whole, alone = _touching(pair, 20)
    assert cv2.connectedComponents(whole)[0] == 2  # one stroke: the digits touch
    halves = _split_wide(whole, int(whole.any(axis=1).sum()))
    assert len(halves) == 2
    for half, own in zip(halves, alone, strict=True):  # each half is mostly its own digit
        assert np.count_nonzero(half & own) > 0.85 * np.count_nonzero(half)
        assert np.count_nonzero(half & own) > 0.8 * np.count_nonzero(own)


def _pen_digit(ch: str, x: int, canvas: Image.Image) -> None:
    draw = ImageDraw.Draw(canvas)
    draw.text((x, 40), ch, fill=255, font=ImageFont.truetype(PEN, 120), stroke_width=2)


def test_a_piece_split_off_left_of_the_blank_is_not_a_digit() -> None:
    """The descender of the printed "ngày" touching the first digit: the stroke they make
    together is split, and the piece left of the blank is print, not a digit."""
    canvas = Image.new("L", (420, 220), 0)
    _pen_digit("1", 190, canvas)
    alone = np.array(canvas)
    ys, xs = np.nonzero(alone)
    tail = alone.copy()
    foot = (int(xs.min()) + 4, int(ys.max()) - 4)
    cv2.line(tail, (95, 70), foot, 255, 9)  # a slanting tail from the left into the digit
    assert cv2.connectedComponents(tail)[0] == 2  # one stroke
    h = int(ys.max() - ys.min())
    got = _digits(tail, 160, 320, h)
    assert len(got) == 1 and np.count_nonzero(got[0] & alone) > 0.8 * np.count_nonzero(alone)
    # the digit alone is cut as itself, and one written across the blank's start is kept
    assert len(_digits(alone, 160, 320, h)) == 1
    assert len(_digits(alone, 200, 320, h)) == 1


def test_readings_are_the_mean_over_the_binarisations() -> None:
    canvas = Image.new("L", (420, 220), 0)
    _pen_digit("2", 40, canvas)
    two = np.array(canvas)
    canvas = Image.new("L", (420, 220), 0)
    _pen_digit("7", 40, canvas)
    seven = np.array(canvas)
    alone = dict(_combined([[two]]))
    assert dict(_combined([[two], [two], [two]])) == pytest.approx(alone, abs=1e-3)
    mixed = dict(_combined([[two], [seven], []]))  # one binarisation found nothing
    assert mixed["2"] == pytest.approx(alone["2"] / 3, abs=0.02)
    assert max(mixed.values()) < 0.6  # disagreement is never sure
