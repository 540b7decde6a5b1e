"""`sohoa extract` on every real scan: exit 0, a valid record, body text from OCR on every
page (not only the digital-signature stamp), and the header fields the gold names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas import Record
from service.config import Settings
from service.pipeline import Pipeline
from tests.conftest import REAL_SCANS
from tests.test_service_cli import sohoa

SCANS = sorted(REAL_SCANS.glob("*.pdf"))


@pytest.fixture(scope="module")
def documents(ocr_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """OCR all scans once (all pages go to one pool at once); later tests read the cache."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("scans"), cache_root=ocr_cache)
    pipe = Pipeline(settings)
    try:
        return {o.path.name: o for o in pipe.process_many(SCANS)}
    finally:
        pipe.close()


@pytest.mark.parametrize("scan", SCANS, ids=lambda p: p.name[:12])
def test_every_page_yields_body_text(scan: Path, documents: dict) -> None:
    out = documents[scan.name]
    assert out.error is None, out.error
    for page in out.document.pages:
        body = page.text
        if page.stamp_text:
            assert page.stamp_text.strip() not in body
        assert page.kind != "content" or len(body.split()) >= 40, (page.number, page.route)


@pytest.mark.parametrize("scan", SCANS, ids=lambda p: p.name[:12])
def test_sohoa_extract_on_real_scan(scan: Path, data_dir: Path, documents: dict) -> None:
    res = sohoa("extract", str(scan))
    assert res.returncode == 0, res.stderr.decode()
    record = Record.model_validate_json(res.stdout)
    gold = json.loads((REAL_SCANS / "gold" / (scan.stem + ".json")).read_text())
    assert record.source.pages == gold["pages"]
    assert record.doc.doc_type == gold["doc"]["doc_type"]
    gold_keys = {c["key"] for c in gold["citations"]}
    found = {c.key for c in record.citations}
    assert len(found & gold_keys) >= len(gold_keys) / 2, (sorted(found), sorted(gold_keys))
