"""PDF/A-1b output (TCVN 14159-1:2024): born-digital, scanned, mixed and image inputs.

Validation is pikepdf's PDF/A validator (pikepdf.pdfa: an allowlist over the veraPDF rule
catalogue, which approves only what it recognises as conforming) plus ``qpdf --check``;
the text must still come out of ``pdftotext``.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from reportlab.pdfgen import canvas

import ocr
from normalize.fold import fold
from ocr.pdfa import PdfaInfo, check_pdfa, write_pdfa
from samples.synth import render_text
from service import archive
from service.config import Settings
from service.pipeline import Pipeline
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path):
    data = tmp_path_factory.mktemp("pdfa-data")
    settings = dataclasses.replace(Settings.from_env(data), cache_root=ocr_cache)
    pipe = Pipeline(settings)
    yield pipe
    pipe.close()


def _qpdf_ok(path: Path) -> None:
    res = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    "name",
    ["bc-12-quy-i-2025.pdf", "bc-12-quy-i-2025-scan.pdf", "kh-31-cong-dan-hoc-tap-2025-mixed.pdf"],
)
def test_searchable_pdf_is_valid_pdfa_with_record_metadata(
    pipeline: Pipeline, name: str, tmp_path: Path
) -> None:
    src = SAMPLES / name
    outcome = pipeline.process(src)
    assert outcome.error is None
    head = outcome.record.doc.model_dump(mode="json")
    out = tmp_path / "out.pdf"
    archive.write_pdf(src, "application/pdf", outcome.document.pages, head, out)

    assert check_pdfa(out) == []
    _qpdf_ok(out)
    with pikepdf.open(out) as pdf:
        assert pdf.pdf_version == "1.4"
        assert len(pdf.pages) == outcome.document.source.pages
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "1" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == head["title"]
        assert meta["dc:identifier"] == head["number"]
        assert meta["dc:creator"] == [head["issuer"]]
        assert "vi" in meta["dc:language"]
        assert str(pdf.docinfo["/Title"]) == head["title"]
    # the text layer survives: every word of the trích yếu is found by pdftotext
    text = fold(_text(out))
    assert all(fold(w) in text for w in head["title"].split())


def test_image_input_becomes_pdfa(pipeline: Pipeline, tmp_path: Path) -> None:
    png = tmp_path / "page.png"
    images, _ = render_text("QUYẾT ĐỊNH\nVề việc khen thưởng tập thể")
    images[0].crop((0, 0, 2480, 900)).save(png, dpi=(300, 300))
    outcome = pipeline.process(png)
    assert outcome.error is None
    out = tmp_path / "img.pdf"
    archive.write_pdf(png, "image/png", outcome.document.pages, {"title": "Khen thưởng"}, out)
    assert check_pdfa(out) == []
    _qpdf_ok(out)
    assert "thưởng" in _text(out)


def test_the_validator_rejects_a_plain_searchable_pdf(pipeline: Pipeline, tmp_path: Path) -> None:
    """The check is not vacuous: the PDF we wrote before this feature is not PDF/A."""
    src = SAMPLES / "bc-12-quy-i-2025-scan.pdf"
    outcome = pipeline.process(src)
    plain = tmp_path / "plain.pdf"
    ocr.write_searchable_pdf(str(src), "application/pdf", outcome.document.pages, plain)
    assert check_pdfa(plain)


def test_unembedded_fonts_fall_back_to_page_images_and_keep_the_text(tmp_path: Path) -> None:
    """A born-digital page that cannot conform (Helvetica not embedded) is written as its
    image, its own words kept as invisible text."""
    src = tmp_path / "helvetica.pdf"
    c = canvas.Canvas(str(src), pagesize=(595, 842))
    c.setFont("Helvetica", 14)
    c.drawString(72, 760, "Bao cao tong ket cong tac khuyen hoc nam 2024")
    c.showPage()
    c.save()
    from pikepdf.pdfa import PdfaError, save

    with pikepdf.open(src) as pdf, pytest.raises(PdfaError):
        save(pdf, tmp_path / "direct.pdf", "1b")
    out = tmp_path / "out.pdf"
    write_pdfa(str(src), "application/pdf", [], out, PdfaInfo(title="Báo cáo tổng kết"))
    assert check_pdfa(out) == []
    with pikepdf.open(out) as pdf:
        fonts = [str(f.get("/BaseFont")) for f in pdf.pages[0].Resources.Font.values()]
        assert fonts and not any("Helvetica" in f for f in fonts)
    assert "khuyen hoc nam 2024" in " ".join(_text(out).split())


def test_scan_properties_warn_on_low_resolution_grey_scans(tmp_path: Path) -> None:
    from ingest.scanprops import BILEVEL, COLOUR, GREY, page_scans

    grey = tmp_path / "grey.png"
    Image.new("L", (850, 1100), 255).save(grey, dpi=(100, 100))
    colour = tmp_path / "colour.png"
    Image.new("RGB", (1700, 2200), (250, 250, 240)).save(colour, dpi=(200, 200))
    assert [(s.dpi, s.colour) for s in page_scans(grey, "image/png")] == [(100, GREY)]
    assert [(s.dpi, s.colour) for s in page_scans(colour, "image/png")] == [(200, COLOUR)]
    bilevel = tmp_path / "bw.pdf"
    Image.new("1", (1275, 1650), 1).save(bilevel, resolution=150)
    assert [(s.dpi, s.colour) for s in page_scans(bilevel, "application/pdf")] == [(150, BILEVEL)]


def test_sohoa_ocr_writes_a_validated_pdfa(tmp_path: Path, ocr_cache: Path) -> None:
    env = {**os.environ, "SOHOA_DATA": str(tmp_path / "d"), "SOHOA_CACHE_DIR": str(ocr_cache)}
    out = tmp_path / "o.pdf"
    res = subprocess.run(
        [sys.executable, "-m", "service", "ocr", str(SAMPLES / "qd-08-hoc-bong-to-hieu.pdf"),
         "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert check_pdfa(out) == []
    with pikepdf.open(out) as pdf:
        assert pdf.open_metadata()["dc:identifier"]  # số và ký hiệu from the record
    text_file = subprocess.run(
        [sys.executable, "-m", "service", "ocr", str(SAMPLES / "qd-08-hoc-bong-to-hieu.txt"),
         "-o", str(tmp_path / "t.pdf")],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert text_file.returncode == 2 and "no page images" in text_file.stderr


def test_conforming_pdf_pages_are_kept_with_the_words_laid_over(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """A scan saved as PDF (no fonts) and a born-digital page with its font embedded stay as
    they are: the scan's own image, the page's own vector text; no re-rendering."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    images, _ = render_text("QUYẾT ĐỊNH\nVề việc khen thưởng tập thể lao động")
    scan = tmp_path / "scan.pdf"
    images[0].convert("RGB").crop((0, 0, 2480, 900)).save(scan, resolution=300)
    outcome = pipeline.process(scan)
    assert outcome.error is None and any(p.words for p in outcome.document.pages)
    out = tmp_path / "scan-a.pdf"
    archive.write_pdf(scan, "application/pdf", outcome.document.pages, {"title": "Khen"}, out)
    assert check_pdfa(out) == []
    with pikepdf.open(scan) as src, pikepdf.open(out) as pdf:
        (before,) = src.pages[0].get_images().values()
        after = [i for i in pdf.pages[0].get_images().values() if i.Width == before.Width]
        assert after and after[0].read_raw_bytes() == before.read_raw_bytes()
    assert "thưởng" in _text(out)

    pdfmetrics.registerFont(TTFont("LibSans", "/usr/share/fonts/truetype/liberation2/"
                                   "LiberationSans-Regular.ttf"))  # fmt: skip
    born = tmp_path / "born.pdf"
    # the generator's default font is the embedded one too (reportlab's would be Helvetica,
    # not embedded: such pages go the page-image way, tested above)
    c = canvas.Canvas(str(born), pagesize=(595, 842), initialFontName="LibSans")
    c.setFont("LibSans", 14)
    c.drawString(72, 760, "Báo cáo tổng kết công tác khuyến học")
    c.save()
    outcome = pipeline.process(born)
    out = tmp_path / "born-a.pdf"
    archive.write_pdf(born, "application/pdf", outcome.document.pages, {"title": "Báo cáo"}, out)
    assert check_pdfa(out) == []
    with pikepdf.open(out) as pdf:
        assert not pdf.pages[0].get_images()  # not rendered to an image
        fonts = [str(f.get("/BaseFont")) for f in pdf.pages[0].Resources.Font.values()]
        assert any("LiberationSans" in f for f in fonts)
    assert "khuyến học" in _text(out)
