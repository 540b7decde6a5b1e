"""The bundled samples are what their README and facts.json say they are.

Every fact listed for a document must be stated in its clean text; the born-digital PDF
must carry that text; the scans must carry none of it (only a signature stamp, if any);
the English-OCR text must have lost most diacritics (it keeps Latin look-alikes: é, ô)
but kept the digits. The generator must reproduce the committed clean text and PDF text
from its sources.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DOCS_DIR = SAMPLES / "documents"
FACTS = json.loads((SAMPLES / "facts.json").read_text(encoding="utf-8"))
VIET_LETTERS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ]|[\u0300-\u0323]")


def _clean(slug: str) -> str:
    return (DOCS_DIR / f"{slug}.txt").read_text(encoding="utf-8")


def _pdf_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _date_forms(iso: str) -> set[str]:
    y, m, d = (int(x) for x in iso.split("-"))
    return {f"{dd}/{mm}/{y}" for dd in (str(d), f"{d:02d}") for mm in (str(m), f"{m:02d}")}


FILES = [(slug, f) for slug, facts in FACTS.items() for f in facts["files"]]
PDF_FILES = [(slug, f) for slug, f in FILES if f["name"].endswith(".pdf")]


def test_every_listed_file_exists_and_total_size_is_small() -> None:
    listed = {f["name"] for _, f in FILES}
    assert listed == {p.name for p in DOCS_DIR.iterdir()}
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < 3_000_000


def test_several_documents_cite_qd_677_and_one_does_not() -> None:
    citing = [s for s, f in FACTS.items() if any(c["key"] == "677/QĐ-TTg" for c in f["citations"])]
    assert 3 <= len(citing) < len(FACTS)


@pytest.mark.parametrize("slug", sorted(FACTS))
def test_facts_are_stated_in_the_clean_text(slug: str) -> None:
    facts, text = FACTS[slug], _flat(_clean(slug))
    head = facts["doc"]
    assert f"Số: {head['number']}" in text
    assert head["title"] in text and head["signer"] in text
    for issuer in (head["issuer"], head["parent_issuer"]):
        assert issuer is None or issuer.upper() in text  # printed in capitals
    y, m, d = head["date"].split("-")
    assert f"{head['place']}, ngày {d} tháng {m} năm {y}" in text
    for cite in facts["citations"]:
        assert cite["key"] in text
        if cite["date"]:
            after = text[text.index(cite["key"]) :][:40]
            assert any(f in after for f in _date_forms(cite["date"])), cite
    for iso in facts["dates"]:
        assert any(f in text for f in _date_forms(iso)), iso
    for vnd in facts["amounts"]:
        assert f"{_dotted(vnd)} đồng" in text
    for count in facts["counts"]:
        assert f"{_dotted(count['value'])} {count['unit']}" in text


@pytest.mark.parametrize("slug", sorted(FACTS))
def test_born_digital_pdf_carries_the_text(slug: str) -> None:
    pages = _pdf_text(DOCS_DIR / f"{slug}.pdf")
    assert len(pages) == FACTS[slug]["pages"]
    text = _flat(" ".join(pages))
    words = _flat(_clean(slug)).split()
    missing = [w for w in set(words) if w not in text]
    assert not missing
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0].splitlines()[0]


@pytest.mark.parametrize(("slug", "file"), PDF_FILES, ids=[f["name"] for _, f in PDF_FILES])
def test_pdf_pages_are_as_described(slug: str, file: dict) -> None:
    """Each page's text layer is what facts.json says: the text, a signature stamp only,
    damaged English OCR, or nothing; blank pages are blank."""
    number = FACTS[slug]["doc"]["number"]
    path = DOCS_DIR / file["name"]
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == len(file["pages"])
        for page, want in zip(pdf.pages, file["pages"], strict=True):
            text = page.extract_text() or ""
            layer = want["layer"]
            assert (len(page.images) == 0) == (layer == "text")
            if layer == "text":
                words = {w for w in _flat(text).split() if not w.isdigit()}  # page numbers
                assert words and words <= set(_flat(_clean(slug)).split())
            elif layer == "stamp":
                assert text.startswith("Ký bởi:") and "Thời gian ký:" in text
                assert number not in text
            elif layer == "none":
                assert not text
            else:
                assert layer == "eng_ocr" and file["damaged"]
    pdf_doc = pdfium.PdfDocument(path)
    for page, want in zip(pdf_doc, file["pages"], strict=True):
        ink = np.asarray(page.render(scale=50 / 72, grayscale=True).to_pil()) < 128
        assert (ink.mean() < 0.001) == (want["kind"] == "blank")


def test_scans_include_stamp_only_and_layerless_and_blank_pages() -> None:
    pages = [p for _, f in FILES if f["kind"] == "scanned" for p in f["pages"]]
    assert {"stamp", "none", "eng_ocr"} <= {p["layer"] for p in pages}
    assert any(p["kind"] == "blank" for p in pages)
    assert any(f["kind"] == "mixed" for _, f in FILES)


@pytest.mark.parametrize("path", sorted(DOCS_DIR.glob("*-eng-ocr.txt")), ids=lambda p: p.name)
def test_english_ocr_text_lost_the_diacritics_but_kept_the_numbers(path: Path) -> None:
    damaged = path.read_text(encoding="utf-8")
    clean = _clean(path.name.removesuffix("-eng-ocr.txt"))
    assert len(VIET_LETTERS.findall(unicodedata.normalize("NFD", damaged))) < 0.25 * len(
        VIET_LETTERS.findall(unicodedata.normalize("NFD", clean))
    )
    digits = re.findall(r"\d[\d.]{3,}\d", clean)
    kept = [n for n in digits if n in damaged]
    assert len(kept) >= 0.8 * len(digits)


@pytest.mark.parametrize(
    "path", sorted(DOCS_DIR.glob("*-scan-eng-layer.pdf")), ids=lambda p: p.name
)
def test_english_ocr_layer_over_a_scan_is_damaged_text(path: Path) -> None:
    slug = path.name.removesuffix("-scan-eng-layer.pdf")
    clean = _clean(slug)
    with pdfplumber.open(path) as pdf:
        assert all(len(page.images) == 1 for page in pdf.pages)
        layer = "\n".join(page.extract_text() or "" for page in pdf.pages)
    viet = len(VIET_LETTERS.findall(unicodedata.normalize("NFD", layer)))
    assert 0 < viet < 0.25 * len(VIET_LETTERS.findall(unicodedata.normalize("NFD", clean)))
    assert FACTS[slug]["doc"]["number"] in layer  # digits and ASCII survive


def test_generator_reproduces_the_committed_text_and_pdfs(tmp_path: Path) -> None:
    pytest.importorskip("reportlab")
    from samples.generate import build_pdf, configure
    from samples.texts import DOCS

    configure()
    for doc in DOCS:
        assert doc.plain_text() == _clean(doc.slug)
        fresh = tmp_path / f"{doc.slug}.pdf"
        fresh.write_bytes(build_pdf(doc))
        assert _pdf_text(fresh) == _pdf_text(DOCS_DIR / f"{doc.slug}.pdf")
