"""OCR of a real scan page, a synthetic page, searchable PDF, bounded renders."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

import ocr
from ocr.engine import TessWord
from ocr.layout import compose, fix_word
from ocr.raster import load_page
from samples.synth import degrade, render_text
from schemas import ErrorKind, Page, PageKind, PageRoute, SohoaError

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-scans"
SCAN = REAL / "01_TTr.signed_20250513_144607.pdf"
PDF = "application/pdf"
TEXT = (
    "Căn cứ Quyết định số 677/QĐ-TTg ngày 03/6/2022 của Thủ tướng Chính phủ,\n"
    "Hội Khuyến học tỉnh Sơn La báo cáo kết quả hoạt động năm 2024."
)


@pytest.fixture(scope="module")
def real_page() -> Page:
    if not SCAN.exists():
        pytest.skip("shared/real-scans not present")
    return ocr.ocr_page(str(SCAN), 1, PDF)


@pytest.fixture(scope="module")
def synth_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    images, _ = render_text(TEXT)
    page = degrade(images[0], "scan", seed=7).crop((0, 0, 2480, 700))
    path = tmp_path_factory.mktemp("synth") / "page.png"
    page.save(path, dpi=(300, 300))
    return path


def test_dependencies_present() -> None:
    ocr.check_dependencies()


@pytest.mark.parametrize("missing", ["cli", "vie"])
def test_missing_tesseract_is_reported(monkeypatch: pytest.MonkeyPatch, missing: str) -> None:
    import pytesseract

    from ocr import engine

    if missing == "cli":  # the CLI still reads orientation
        monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    else:
        monkeypatch.setattr(engine, "LANG", "xyz")
    engine.check.cache_clear()  # a success is cached per process; this must ask again
    try:
        with pytest.raises(SohoaError) as exc:
            ocr.check_dependencies()
    finally:
        engine.check.cache_clear()
    assert exc.value.kind == ErrorKind.MISSING_DEPENDENCY


def test_in_process_reading_is_the_clis(synth_png: Path, tmp_path: Path) -> None:
    """tesserocr on the system's libtesseract reads exactly as the tesseract CLI: the same
    words, boxes and confidences (the extraction rules were built on the CLI's readings)."""
    import cv2
    import pytesseract

    from ocr import engine

    gray = cv2.cvtColor(load_page(str(synth_png), 1, "image/png").rgb, cv2.COLOR_RGB2GRAY)
    pgm = tmp_path / "page.pgm"
    cv2.imwrite(str(pgm), gray)
    cli = pytesseract.image_to_data(
        str(pgm), lang="vie", config="--oem 1 --psm 3 --dpi 300", output_type="dict"
    )
    expected = [
        (t.strip(), cli["left"][i], cli["top"][i], cli["width"][i], float(cli["conf"][i]))
        for i, t in enumerate(cli["text"])
        if str(t).strip()
    ]
    got = [(w.text, w.left, w.top, w.width, w.conf) for w in engine.words(gray)]
    assert len(got) > 20 and got == expected


def test_real_scan_page_yields_body_text_and_header_lines(real_page: Page) -> None:
    page = real_page
    assert page.route == PageRoute.OCR and page.kind == PageKind.CONTENT
    assert page.dpi == 300 and page.width and page.height
    text = page.text
    assert "TỜ TRÌNH" in text
    assert "ttcbth@" not in text and "Ký bởi" not in text  # the stamp is not OCRed
    assert len(text.split()) > 250  # the body, not only a header
    number_line = next(ln for ln in text.splitlines() if "/TTr-UBND" in ln)
    assert number_line.startswith("Số")
    assert "Quảng Ngãi, ngày" in number_line  # two-column row kept together
    assert page.confidence and page.confidence > 70
    for w in page.words:
        assert text[w.start : w.start + len(w.text)] == w.text
        assert 0 <= w.box.x0 <= w.box.x1 <= page.width
        assert 0 <= w.box.y0 <= w.box.y1 <= page.height


def test_real_scan_heading_block_is_read_again(real_page: Page) -> None:
    """The issuer's block, read again closer, holds the issuer and the number line and
    not the motto; its words stand where the page's own reading put them."""
    heading = real_page.heading
    assert heading is not None and heading.dpi == 400
    assert "QUẢNG NGÃI" in heading.text and "/TTr-UBND" in heading.text
    assert "CỘNG HÒA" not in heading.text and "Quảng Ngãi, ngày" not in heading.text
    symbol = next(w for w in real_page.words if "/TTr" in w.text).box
    again = next(w for w in heading.words if "/TTr" in w.text).box
    assert abs(symbol.x0 - again.x0) < 15 and abs(symbol.y0 - again.y0) < 15
    for w in heading.words:
        assert heading.text[w.start : w.start + len(w.text)] == w.text
        assert heading.box.x0 <= w.box.x0 <= w.box.x1 <= heading.box.x1 + 1


def test_searchable_pdf_keeps_the_page_and_adds_text(real_page: Page, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    ocr.write_searchable_pdf(str(SCAN), PDF, [real_page], out)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "TỜ TRÌNH" in text and "Kính gửi" in text
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 1


def test_synthetic_image_page_and_its_searchable_pdf(synth_png: Path, tmp_path: Path) -> None:
    page = ocr.ocr_page(str(synth_png), 1, "image/png")
    assert "677/QĐ-TTg" in page.text
    assert "Khuyến học" in page.text
    out = tmp_path / "img.pdf"
    ocr.write_searchable_pdf(str(synth_png), "image/png", [page], out)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Khuyến" in text


def test_timeout_is_reported(synth_png: Path) -> None:
    images, _ = render_text(TEXT * 12)
    path = synth_png.parent / "long.png"
    images[0].save(path)
    with pytest.raises(SohoaError) as exc:
        ocr.ocr_page(str(path), 1, "image/png", timeout=0.5)
    assert exc.value.kind == ErrorKind.TIMEOUT


def test_blank_page_is_a_kind(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("RGB", (1240, 1754), "white").save(path, dpi=(150, 150))
    page = ocr.ocr_page(str(path), 1, "image/png")
    assert page.kind == PageKind.BLANK and page.text == ""


def test_a_seal_read_as_garbage_words_is_a_seal_only_page() -> None:
    """The corpus's seal-only page: Tesseract reads its ring as dozens of unsure words."""
    seal = Path(__file__).parent / "corpus" / "files" / "seal-only-page.pdf"
    assert ocr.ocr_page(str(seal), 1, PDF).kind == PageKind.SEAL_ONLY


def test_a_page_of_one_short_printed_line_is_content(tmp_path: Path) -> None:
    path = tmp_path / "line.png"
    degrade(render_text("Nơi nhận: Văn phòng Ủy ban nhân dân tỉnh")[0][0], "bad").save(path)
    page = ocr.ocr_page(str(path), 1, "image/png")
    assert page.kind == PageKind.CONTENT and "nhận" in page.text


def test_huge_pdf_page_renders_bounded(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14400, 14400))  # 200 x 200 inches
    path = tmp_path / "poster.pdf"
    pdf.save(path)
    raster = load_page(str(path), 1, PDF, dpi=300, max_pixels=4_000_000)
    h, w = raster.rgb.shape[:2]
    assert w * h <= 4_000_000 and raster.dpi < 300
    png = ocr.render_page_png(str(path), 1, PDF)
    assert Image.open(io.BytesIO(png)).size[0] <= 3000


def test_rows_join_two_column_header() -> None:
    words = [
        TessWord("Số:", 100, 500, 60, 40, 95, 1, 1, 1),
        TessWord("01/TTr-UBND", 170, 502, 200, 40, 90, 1, 1, 1),
        TessWord("CỘNG", 1000, 100, 120, 40, 95, 2, 1, 1),
        TessWord("Quảng", 1000, 498, 120, 42, 93, 2, 1, 2),
        TessWord("Ngãi,", 1130, 498, 90, 42, 93, 2, 1, 2),
        TessWord("QĐÐ", 100, 700, 60, 40, 80, 3, 1, 1),
    ]
    text, placed = compose(words)
    lines = [ln for ln in text.splitlines() if ln]
    assert lines[0] == "CỘNG"
    assert lines[1].startswith("Số: 01/TTr-UBND") and lines[1].endswith("Quảng Ngãi,")
    assert lines[-1] == "QĐ"
    for _, t, start in placed:
        assert text[start : start + len(t)] == t


def test_fix_word() -> None:
    assert fix_word("QĐÐ-TTg") == "QĐ-TTg"
    assert fix_word("Ðiều") == "Điều"
    assert fix_word("đ") == "đ"


def test_sideways_page_is_turned_upright(synth_png: Path, tmp_path: Path) -> None:
    path = tmp_path / "sideways.png"
    Image.open(synth_png).rotate(90, expand=True).save(path, dpi=(300, 300))
    page = ocr.ocr_page(str(path), 1, "image/png")
    assert "Khuyến học" in page.text
    w = next(w for w in page.words if w.text.startswith("Khuyến"))
    assert w.box.y1 - w.box.y0 > w.box.x1 - w.box.x0  # box in the original (sideways) frame


def test_searchable_pdf_of_a_rotated_pdf_page(synth_png: Path, tmp_path: Path) -> None:
    src = tmp_path / "rot.pdf"
    Image.open(synth_png).rotate(90, expand=True).convert("RGB").save(src, "PDF", resolution=300)
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        pdf.pages[0].Rotate = 90  # displayed upright
        pdf.save(src)
    page = ocr.ocr_page(str(src), 1, PDF)
    assert "Khuyến học" in page.text
    out = tmp_path / "rot-ocr.pdf"
    ocr.write_searchable_pdf(str(src), PDF, [page], out)
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Khuyến học tỉnh Sơn La" in text


def test_high_dpi_and_exif_images_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "2400dpi.tif"
    Image.new("1", (8000, 6000), 1).save(path, dpi=(2400, 2400))
    raster = load_page(str(path), 1, "image/tiff")
    assert raster.dpi == 300 and raster.rgb.shape[:2] == (750, 1000)
    img = Image.new("RGB", (300, 200), "white")
    exif = img.getexif()
    exif[0x0112] = 6  # camera held sideways
    img.save(tmp_path / "cam.jpg", exif=exif, dpi=(300, 300))
    assert load_page(str(tmp_path / "cam.jpg"), 1, "image/jpeg").rgb.shape[:2] == (300, 200)


def _fake_words(
    binary_conf: float, gray_conf: float, calls: list[str]
) -> Callable[..., list[TessWord]]:
    """A stand-in for Tesseract that says which page it read and how sure it is."""

    def words(image: np.ndarray, **_: object) -> list[TessWord]:
        binary = bool(np.isin(image, (0, 255)).all())
        calls.append("binary" if binary else "gray")
        text, conf = ("nhịphân", binary_conf) if binary else ("xámmịn", gray_conf)
        return [TessWord(text, 10 + 90 * i, 10, 80, 30, conf, 1, 1, 1) for i in range(25)]

    return words


@pytest.mark.parametrize(
    ("binary_conf", "gray_conf", "kept"),
    [(80, 90, "xámmịn"), (90, 80, "nhịphân"), (90, 91, "nhịphân")],
)
def test_poor_page_keeps_the_surer_of_two_readings(
    monkeypatch: pytest.MonkeyPatch, binary_conf: float, gray_conf: float, kept: str
) -> None:
    """A binarised page is read twice (binary, smoothed gray); the gray reading is kept
    only when it is clearly surer."""
    from ocr import engine, page

    image = render_text("Căn cứ Quyết định số 677/QĐ-TTg ngày 03/6/2022.\n" * 20)[0][0]
    gray = np.asarray(image.convert("L"), np.float32)
    faint = 225 - (255 - gray) / 255 * 55 + np.random.default_rng(5).normal(0, 12, gray.shape)
    rgb = np.dstack([np.clip(faint, 0, 255).astype(np.uint8)] * 3)
    calls: list[str] = []
    monkeypatch.setattr(engine, "words", _fake_words(binary_conf, gray_conf, calls))
    text, _, conf, _ = page.ocr_image(rgb, 300)
    assert calls == ["binary", "gray"]
    assert kept in text and conf == (gray_conf if kept == "xámmịn" else binary_conf)


def test_clean_page_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from ocr import engine, page

    image = render_text("Căn cứ Quyết định số 677/QĐ-TTg ngày 03/6/2022.\n" * 20)[0][0]
    calls: list[str] = []
    monkeypatch.setattr(engine, "words", _fake_words(90, 90, calls))
    page.ocr_image(np.asarray(image.convert("RGB")).copy(), 300)
    assert calls == ["gray"]  # not binarised: one reading of the flattened page


def test_print_crossed_by_a_red_seal_is_read_and_the_seal_is_not() -> None:
    """A red seal laid over a page of numbers (samples/synth.py's seal: ring, star, ring
    letters 'X', 65 % over the print): every number under it is read whole, as one word,
    and no seal letter is read as text. An end-to-end guard: main's rule (seal left light
    gray) passes it too, and so does fading every red pixel on this page, whose seal cuts
    strokes only thinly; that the print's pixels under a seal stay dark is pinned in
    tests/test_ocr_cleanup.py."""
    import random

    from ocr import page
    from samples.synth import _seal

    line = "Số 418/QĐ-UBND ngày 31/01/2024 của Ủy ban nhân dân tỉnh Quảng Ngãi."
    image = render_text("\n".join([line] * 36))[0][0]
    bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    stamped = _seal(bgr, random.Random(4))
    rgb = np.ascontiguousarray(stamped[:, :, ::-1])
    crossed = (stamped != bgr).any(axis=2) & (bgr[:, :, 0] < 100)
    assert crossed.sum() > 2000  # the seal does lie on print
    text, _, _, _ = page.ocr_image(rgb, 300)
    lines = [t for t in text.splitlines() if "UBND" in t]
    assert len(lines) >= 30
    assert all("418/QĐ-UBND" in t for t in lines), [t for t in lines if "418/QĐ" not in t]
    assert not [w for w in text.split() if w.strip(".,;:").upper() in ("X", "XX", "K")]


def _seal_page() -> np.ndarray:
    import random

    from samples.synth import _seal

    image = render_text("Căn cứ Quyết định số 677/QĐ-TTg ngày 03/6/2022.\n" * 20)[0][0]
    bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    return np.ascontiguousarray(_seal(bgr, random.Random(4))[:, :, ::-1])


@pytest.mark.parametrize(
    ("plain", "faded", "unsure", "kept"),
    [
        (25, 27, 2, "faded"),
        (27, 25, 2, "plain"),
        (100, 101, 2, "plain"),
        (25, 25, 2, "plain"),
        (25, 27, 1, "plain"),  # one unsure word on the seal: the twin is not read
    ],
)
def test_a_seal_page_keeps_the_faded_reading_only_when_it_reads_more(
    monkeypatch: pytest.MonkeyPatch, plain: int, faded: int, unsure: int, kept: str
) -> None:
    """A page with a red seal whose first reading has unsure words on the seal is read
    again with the seal faded; that reading replaces the first only with more than 1 %
    more confident characters (a line the seal hid, given back), not for a word or two.
    With fewer than two unsure words on the seal the twin is not read at all."""
    from ocr import engine, page
    from ocr.cleanup import clean

    rgb = _seal_page()
    box = clean(rgb).seal_box
    assert box is not None
    x0, y0 = box[0] + 50, (box[1] + box[3]) // 2
    calls: list[int] = []

    def words(image: np.ndarray, **_: object) -> list[TessWord]:
        calls.append(len(calls))
        n, text = (plain, "plain") if len(calls) == 1 else (faded, "faded")
        out = [TessWord(text, 10 + 9 * i, 10, 8, 30, 90, 1, 1, 1) for i in range(n)]
        if len(calls) == 1:  # words the seal made unsure, on it
            out += [TessWord("xX", x0 + 60 * i, y0, 50, 30, 40, 2, 1, 1) for i in range(unsure)]
        return out

    monkeypatch.setattr(engine, "words", words)
    text, _, _, _ = page.ocr_image(rgb, 300)
    assert calls == ([0, 1] if unsure >= 2 else [0])
    assert kept in text and ("faded" if kept == "plain" else "plain") not in text


def test_a_page_without_a_seal_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few red pixels (a red pen tick) are no seal: no second reading."""
    from ocr import engine, page

    image = render_text("Căn cứ Quyết định số 677/QĐ-TTg ngày 03/6/2022.\n" * 20)[0][0]
    rgb = np.asarray(image.convert("RGB")).copy()
    rgb[100:110, 100:140] = (220, 30, 40)
    calls: list[str] = []
    monkeypatch.setattr(engine, "words", _fake_words(90, 90, calls))
    page.ocr_image(rgb, 300)
    assert calls == ["gray"]
