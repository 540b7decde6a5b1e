"""Text layers that are not the page's content: wrong-model OCR, a few words, TCVN3."""

from __future__ import annotations

import os
import subprocess
import zlib
from pathlib import Path

import pikepdf
import pytest

from ingest import inspect, pdf
from samples.synth import render_text
from schemas import PageRoute
from tests.conftest import SAMPLES

VI = (
    "Hội Khuyến học tỉnh Sơn La tổng kết công tác khuyến học, khuyến tài năm 2024\n"
    "và triển khai nhiệm vụ trọng tâm năm 2025; các huyện, thành phố đã vận động\n"
    "được nhiều nguồn lực xã hội hóa để trao học bổng cho học sinh nghèo vượt khó.\n"
)


def _page_pdf(path: Path, content: bytes, with_image: bool) -> Path:
    """A one-page A4 PDF with an optional full-page gray image and a content stream."""
    pdf = pikepdf.new()
    resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(
            F1=pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name.Helvetica,
                Encoding=pikepdf.Name.WinAnsiEncoding,
            )
        )
    )
    prefix = b""
    if with_image:
        image = pikepdf.Stream(pdf, zlib.compress(bytes([235]) * (200 * 283)))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height, image.BitsPerComponent = 200, 283, 8
        image.ColorSpace, image.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.FlateDecode
        resources.XObject = pikepdf.Dictionary(Im0=image)
        prefix = b"q 595 0 0 842 0 0 cm /Im0 Do Q\n"
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 595, 842],
        Resources=resources,
        Contents=pikepdf.Stream(pdf, prefix + content),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def _text_ops(lines: list[str], encoding: str = "cp1252") -> bytes:
    ops = [b"BT /F1 12 Tf 72 760 Td 16 TL"]
    for line in lines:
        escaped = line.encode(encoding).replace(b"\\", b"\\\\").replace(b"(", b"\\(")
        ops.append(b"(" + escaped.replace(b")", b"\\)") + b") '")
    ops.append(b"ET")
    return b"\n".join(ops)


def test_few_words_over_a_full_page_image_go_to_ocr(tmp_path: Path) -> None:
    path = _page_pdf(tmp_path / "few.pdf", _text_ops(["Scanned by CamScanner"]), True)
    page = inspect(path).pages[0]
    assert page.route == PageRoute.OCR and "full-page image" in page.route_reason


def test_born_digital_text_is_kept(tmp_path: Path) -> None:
    lines = ["Annual report of the provincial association", "for the year 2024"] * 3
    page = inspect(_page_pdf(tmp_path / "bd.pdf", _text_ops(lines), False)).pages[0]
    assert page.route == PageRoute.TEXT_LAYER
    assert page.text.splitlines()[0] == lines[0]


def test_tcvn3_font_text_is_converted(tmp_path: Path) -> None:
    lines = ["Bé Gi¸o dôc vµ §µo t¹o", "Héi KhuyÕn häc tØnh S¬n La b¸o c¸o kÕt qu¶ n¨m häc"]
    page = inspect(_page_pdf(tmp_path / "tcvn.pdf", _text_ops(lines), False)).pages[0]
    assert page.route == PageRoute.CONVERTED
    assert page.text.splitlines()[0] == "Bộ Giáo dục và Đào tạo"
    assert "Hội Khuyến học tỉnh Sơn La" in page.text


@pytest.mark.parametrize(("lang", "route"), [("eng", PageRoute.OCR), ("vie", PageRoute.TEXT_LAYER)])
def test_existing_ocr_layer_is_judged_by_its_language(
    tmp_path: Path, lang: str, route: PageRoute
) -> None:
    images, _ = render_text(VI * 4)
    png = tmp_path / "page.png"
    images[0].crop((0, 0, 2480, 1400)).save(png, dpi=(300, 300))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    subprocess.run(
        ["tesseract", str(png), str(tmp_path / lang), "-l", lang, "pdf"],
        check=True,
        capture_output=True,
        env=env,
    )
    page = inspect(tmp_path / f"{lang}.pdf").pages[0]
    assert page.route == route, page.route_reason


def test_pdfs_read_and_rendered_from_many_threads_at_once() -> None:
    """PDFium is not thread-safe (a Celery worker's task threads, the API's thread pool):
    concurrent reads and renders give what one thread gives, and the process survives."""
    from concurrent.futures import ThreadPoolExecutor

    from ocr.raster import load_page
    from tests.conftest import SAMPLES

    pdfs = sorted(SAMPLES.glob("*.pdf"))

    def work(path: Path) -> tuple[list[str], tuple[int, ...]]:
        pages = inspect(path).pages
        raster = load_page(str(path), 1, "application/pdf", 200)
        return [p.text for p in pages], raster.rgb.shape

    alone = [work(p) for p in pdfs]
    with ThreadPoolExecutor(8) as pool:  # without the lock: "cannot open PDF", heap errors
        together = list(pool.map(work, pdfs * 10))
    assert together == alone * 10


@pytest.mark.parametrize("name", ["bc-12-quy-i-2025.pdf", "kh-31-cong-dan-hoc-tap-2025-mixed.pdf"])
def test_layer_words_stand_at_their_offsets_in_the_text_ingest_reads(name: str) -> None:
    """The document page boxes a born-digital page from these words: each must be the
    text at its offset, and the text the one ingest stored for the page."""
    path = SAMPLES / name
    pages = inspect(path).pages
    layer = pdf.layer_words(path)
    assert len(layer) == len(pages)
    for page, (text, words) in zip(pages, layer, strict=True):
        if page.route != PageRoute.TEXT_LAYER:
            continue
        assert text == page.text and len(words) > 20
        for w in words:
            assert text[w.start : w.start + len(w.text)] == w.text
            assert 0 <= w.box.x0 < w.box.x1 <= page.width + 1
            assert 0 <= w.box.y0 < w.box.y1 <= page.height + 1
