"""Issue 18's done-when check, over `make run`'s archive (samples/documents, ingested by the
CLI as `make run` does): every stored number found first by its own-number search, figures
once per document, confirmations leaving GET /api/v1/review.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient

from extract.counts import UNIT_NAMES
from normalize.keys import parse_key
from service import auth
from service.api.app import create_app
from service.config import Settings
from service.storage.db import Database
from tests.archive_support import ROOT, ingest_file, ingest_samples

SAME_ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path) -> Iterator[TestClient]:
    """The samples ingested by `sohoa ingest` (as `make run` does), served to an archivist."""
    data = tmp_path_factory.mktemp("archive") / "data"
    ingest_samples(data, ocr_cache)
    settings = Settings.from_env(data)
    db = Database(settings.database_url)
    token = auth.create_token(db, "soát@test", "archivist")
    db.close()
    headers = {"Authorization": f"Bearer {token}", **SAME_ORIGIN}
    with TestClient(create_app(settings, run_worker=False), headers=headers) as client:
        assert client.post("/login", data={"token": token}).status_code == 200  # UI pages too
        yield client


def _documents(c: TestClient) -> list[dict]:
    """Every stored file, copies included (export of documents)."""
    text = c.get("/api/v1/export/documents.csv").text.lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def _forms(key: str) -> list[str]:
    """How people type a number: the key itself, "TB 46" and "46 TB" (when it has a type)."""
    parts = parse_key(key)
    assert parts is not None, key
    forms = [key]
    if parts.type_code:
        forms += [f"{parts.type_code} {parts.number}", f"{parts.number} {parts.type_code}"]
    return forms


def test_own_number_search_finds_the_bearer_first(archive: TestClient) -> None:
    keys = {d["key"] for d in _documents(archive) if d["key"]}
    assert len(keys) >= 5, keys
    for key in sorted(keys):
        for q in _forms(key):
            found = archive.get("/api/v1/documents", params={"q": q}).json()
            assert found["results"], q
            first = found["results"][0]
            assert first["bears_number"] and first["key"] == key, (q, first["key"])
            bearers = [h for h in found["results"] if h["bears_number"]]
            assert len(bearers) == 1, (q, [h["id"] for h in bearers])  # copies listed once
            seen = [h["bears_number"] for h in found["results"]]
            assert seen == sorted(seen, reverse=True), q  # bearer, then those citing it


def test_figures_once_per_document_in_canonical_units(archive: TestClient) -> None:
    docs = _documents(archive)
    groups: dict[str, set[str]] = defaultdict(set)  # listed copy -> its files
    for d in docs:
        groups[d["copy_of"] or d["id"]].add(d["id"])
    assert any(len(files) > 1 for files in groups.values()), "the samples hold copies"
    text = archive.get("/api/v1/export/figures.csv").text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    counted = [r for r in rows if not r["copy_of"]]
    assert counted and len(counted) < len(rows)
    for files in groups.values():
        stating = {r["document_id"] for r in counted if r["document_id"] in files}
        assert len(stating) <= 1, files  # one file of each document states its figures
    known = set(UNIT_NAMES.values()) | {"%", "đồng"}
    for r in rows:
        assert all(u in known for u in r["unit"].split(", ")), r["unit"]
        assert r["measure"] in ("total", "change", "target")
    # the UI's table and the feed agree: same figures, same units, copies left out
    ui = archive.get("/figures.csv", params={"unit": "đồng"}).text.lstrip("\ufeff")
    ui_rows = list(csv.DictReader(io.StringIO(ui)))
    feed = sorted((r["document_id"], r["value"]) for r in counted if r["unit"] == "đồng")
    assert sorted((r["document_id"], r["value"]) for r in ui_rows) == feed


def test_confirmations_leave_the_review_queue(archive: TestClient) -> None:
    queue = archive.get("/api/v1/review", params={"per_page": 500}).json()
    assert queue["total"] == len(queue["items"]) > 0
    # the samples' queue holds header fields (citations and figures: test_ui_pages)
    confirmable = [i for i in queue["items"] if i["value"]][:12]
    assert any(i["field"] for i in confirmable)
    for i in confirmable:
        body = {"field": i["field"] or i["ref"], "value": i["value"]}
        r = archive.post(f"/api/v1/documents/{i['document_id']}/corrections", json=body)
        assert r.status_code == 201, (body, r.text)
    after = archive.get("/api/v1/review", params={"per_page": 500}).json()
    left = {(i["document_id"], i["ref"]) for i in after["items"]}
    assert not left & {(i["document_id"], i["ref"]) for i in confirmable}
    assert after["total"] == queue["total"] - len(confirmable)
    for i in confirmable:  # the document says so too
        detail = archive.get(f"/api/v1/documents/{i['document_id']}").json()
        assert detail["confirmed"][i["ref"]] == "soát@test"
    field = next(i for i in confirmable if i["field"])
    page = archive.get(f"/documents/{field['document_id']}").text
    assert f'name="field" value="{field["field"]}"><input type="hidden" name="value"' not in page


def _scan_without_signature(out: Path) -> Path:
    """A sample scan's first page as a photo whose lower half (the signature block) is
    blank: a scan on which the signer cannot be read, whatever the OCR of the day."""
    pdf = pdfium.PdfDocument(str(ROOT / "samples/documents/qd-08-hoc-bong-to-hieu-scan.pdf"))
    try:
        image = pdf[0].render(scale=200 / 72).to_pil().convert("L")
    finally:
        pdf.close()
    width, height = image.size
    image.paste(255, (0, height // 2, width, height))
    image.save(out, dpi=(200, 200))
    return out


def test_an_empty_field_confirmed_empty_leaves_the_queue(
    archive: TestClient, tmp_path: Path, ocr_cache: Path
) -> None:
    data = archive.app.state.sohoa.settings.data_dir
    ingest_file(data, ocr_cache, _scan_without_signature(tmp_path / "qd-08-khong-ky.png"))
    queue = archive.get("/api/v1/review", params={"per_page": 500}).json()
    empty = next(i for i in queue["items"] if "missing" in i["reasons"])
    assert empty["value"] == "" and empty["field"] in ("date", "place", "signer")
    body = {"field": empty["field"], "value": None}  # the document has none: said so
    r = archive.post(f"/api/v1/documents/{empty['document_id']}/corrections", json=body)
    assert r.status_code == 201
    left = archive.get("/api/v1/review", params={"document": empty["document_id"]}).json()
    assert empty["ref"] not in {i["ref"] for i in left["items"]}


def test_values_are_validated_by_type(archive: TestClient) -> None:
    assert archive.get("/api/v1/documents", params={"from": "2024-13-45"}).status_code == 422
    assert archive.get("/api/v1/documents", params={"to": "2024-02-30"}).status_code == 422
    assert archive.get("/api/v1/documents", params={"from": "2024-02"}).status_code == 200
    doc = _documents(archive)[0]["id"]
    for value in ("next tuesday", "hôm qua", "2024-13-45"):
        body = {"field": "date", "value": value}
        assert archive.post(f"/api/v1/documents/{doc}/corrections", json=body).status_code == 422
    wrong = {"field": "cit.0", "value": "not the key it holds"}
    assert archive.post(f"/api/v1/documents/{doc}/corrections", json=wrong).status_code == 422
