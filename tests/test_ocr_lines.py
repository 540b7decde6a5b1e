"""Name lines read a second time (ocr/lines.py): which runs of words are taken for a
printed name, and a bold name under a red seal read again on its own."""

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.lines import LINES_STAGE, key_lines, lines_to_read, name_lines, read_lines
from schemas import Box, Word

BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"


def _row(texts: list[str], y0: int, x0: int = 1500, block: int = 1, line: int = 1) -> list[Word]:
    return [
        Word(
            text=t,
            box=Box(x0=x0 + 160 * k, y0=y0, x1=x0 + 160 * k + 140, y1=y0 + 40),
            conf=95,
            block=block,
            line=line,
        )
        for k, t in enumerate(texts)
    ]


def _texts(words: list[Word]) -> list[list[str]]:
    return [[w.text for w in run] for run in name_lines(words)]


def test_a_printed_name_in_the_right_column_is_a_name_line() -> None:
    left = _row(["-", "UBND", "huyện", "Tư", "Nghĩa;"], 3120, x0=320)
    name = _row(["Trân", "Phước", "Hiên"], 3130)
    # Tesseract numbers lines within paragraphs: both rows can carry block 14, line 2
    for w in left + name:
        w.block, w.line = 14, 2
    assert _texts(left + name) == [["Trân", "Phước", "Hiên"]]


def test_stray_marks_at_the_ends_are_left_out() -> None:
    assert _texts(_row(["“", "Trần", "Hoàng", "Tuấn", "_"], 3000)) == [["Trần", "Hoàng", "Tuấn"]]


def test_rows_that_are_not_names() -> None:
    for texts in (
        ["-", "Như", "Điều", "3;"],  # a digit: a reference, not a name
        ["PHÓ", "CHỦ", "TỊCH"],  # a title in capitals
        ["Căn", "cứ", "Luật", "Tổ", "chức"],  # lower-case words
        ["Nguyễn"],  # one word
        ["Ủy", "Ban", "Nhân", "Dân", "Tỉnh", "Sơn"],  # more than five
        ["Nơi", "Nhận:"],  # a label
    ):
        assert _texts(_row(texts, 500)) == [], texts


def test_a_bold_name_under_a_red_seal_is_read_again() -> None:
    img = Image.new("RGB", (1400, 300), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(BOLD, 58)
    words, x = [], 200
    for t in ("Trần", "Phước", "Hiền"):
        draw.text((x, 120), t, fill="black", font=font)
        x0, y0, x1, y1 = draw.textbbox((x, 120), t, font=font)
        words.append(Word(text=t, box=Box(x0=x0, y0=y0, x1=x1, y1=y1), conf=90))
        x = x1 + 25
    draw.ellipse((60, -260, 520, 200), outline=(220, 30, 40), width=14)  # the seal's ring
    readings = read_lines(np.array(img), lines_to_read(words), 300)
    assert len(readings) == 1 and readings[0].model == LINES_STAGE
    assert [w.text.strip(".,") for w in readings[0].words] == ["Trần", "Phước", "Hiền"]
    box = readings[0].box
    assert all(box.x0 <= w.box.x0 and w.box.x1 <= box.x1 for w in readings[0].words)


def test_a_page_without_name_lines_is_not_read_again() -> None:
    assert lines_to_read(_row(["PHÓ", "CHỦ"], 5)) == []
    assert read_lines(np.zeros((10, 10, 3), np.uint8), [], 300) == []


def _conf(words: list[Word], text: str, conf: float) -> list[Word]:
    for w in words:
        if w.text == text:
            w.conf = conf
    return words


def test_an_unsure_key_has_its_column_line_read_again() -> None:
    body = _conf(_row(["Tờ", "trình", "số", "373/TTr-SNY", "ngày"], 900, x0=300), "373/TTr-SNY", 40)
    beside = _row(["Nơi", "khác"], 900, x0=1600)  # another column of the same row
    assert [[w.text for w in run] for run in key_lines(body + beside)] == [
        ["Tờ", "trình", "số", "373/TTr-SNY", "ngày"]
    ]


def test_keys_read_surely_and_unsure_words_that_are_not_keys_are_left() -> None:
    sure = _row(["Quyết", "định", "số", "1368/QĐ-UBND"], 900, x0=300)
    unsure_word = _conf(_row(["được", "giao", "30/12/2024"], 1000, x0=300), "giao", 20)
    unsure_date = _conf(_row(["ngày", "30/12/2024."], 1100, x0=300), "30/12/2024.", 36)
    assert key_lines(sure + unsure_word + unsure_date) == []
