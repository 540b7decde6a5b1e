"""The API through a real server: problem details for every error (unknown route, wrong
method, too large, invalid), configurable upload limits, search and the citation graph."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service import auth
from service.config import Settings
from service.storage.db import Database
from tests.test_service_api import Server

HEADER = (
    "{issuer}\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
    "Số: {number}\n\nHà Nội, ngày 18 tháng 5 năm {year}\n\n{kind}\n{body}\n"
)
DOCS = {
    "qd677.txt": HEADER.format(issuer="THỦ TƯỚNG CHÍNH PHỦ", number="677/QĐ-TTg", year=2011,
                               kind="QUYẾT ĐỊNH", body="Phê duyệt Đề án xây dựng xã hội học tập."),
    "bc16.txt": HEADER.format(issuer="HỘI KHUYẾN HỌC", number="16/BC-HKH", year=2023,
                              kind="BÁO CÁO",
                              body="Thực hiện Quyết định số 677/QĐ-TTg về khuyến học."),
    "bc17.txt": HEADER.format(issuer="HỘI KHUYẾN HỌC", number="17/BC-HKH", year=2024,
                              kind="BÁO CÁO",
                              body="Căn cứ Quyết định số 677/QĐ-UBND về khuyến tài."),
}  # fmt: skip


@pytest.fixture
def api(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:
    monkeypatch.setenv("SOHOA_MAX_FILE_BYTES", "2000")
    monkeypatch.setenv("SOHOA_MAX_PAGES", "2")
    settings = Settings.from_env(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    token = auth.create_token(db, "archivist@test", "archivist")
    db.close()
    with Server(settings) as srv:
        headers = {"Authorization": f"Bearer {token}"}
        yield httpx.Client(base_url=srv.url, headers=headers, timeout=60)


def _problem(r: httpx.Response, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["title"]
    return body


def _upload(api: httpx.Client, files: dict[str, bytes]) -> dict:
    r = api.post(
        "/api/v1/documents", files=[("files", (n, b, "text/plain")) for n, b in files.items()]
    )
    assert r.status_code == 202, r.text
    deadline = time.time() + 120
    while True:
        batch = api.get(f"/api/v1/batches/{r.json()['id']}").json()
        if batch["queued"] + batch["processing"] == 0:
            return batch
        assert time.time() < deadline, batch
        time.sleep(0.3)


def test_unknown_route_wrong_method_and_invalid_input_are_problems(api) -> None:
    _problem(api.get("/api/v1/no-such-thing"), 404)
    assert "allow" in {k.lower() for k in _problem_headers(api.put("/api/v1/me"), 405)}
    assert "type" in _problem(api.get("/api/v1/documents", params={"from": "last year"}), 422)
    _problem(api.get("/api/v1/documents/0"), 422)
    _problem(api.get("/api/v1/documents/12345"), 404)
    _problem(api.post("/api/v1/documents/1/corrections", content=b"{not json"), 422)


def _problem_headers(r: httpx.Response, status: int) -> httpx.Headers:
    _problem(r, status)
    return r.headers


def test_upload_limits_come_from_settings(api) -> None:
    body = _problem(api.post("/api/v1/documents", files={"files": ("big.txt", b"x" * 2001)}), 413)
    assert "2,000 byte limit" in body["detail"]
    batch = _upload(api, {"pages.txt": "một\ftrang\fba trang".encode()})
    assert batch["failed"] == 1 and batch["items"][0]["error_kind"] == "limits"


def test_ambiguous_citing_query_graph_and_links(api) -> None:
    batch = _upload(api, {n: t.encode() for n, t in DOCS.items()})
    assert batch["done"] == 3, batch
    ids = {i["filename"]: i["document_id"] for i in batch["items"]}

    found = api.get("/api/v1/documents", params={"cites": "qd 677"}).json()
    assert found["keys"] == ["677/QĐ-TTg", "677/QĐ-UBND"]
    links = {c["key"]: c["document_id"] for c in found["candidates"]}
    assert links == {"677/QĐ-TTg": ids["qd677.txt"], "677/QĐ-UBND": None}
    assert {r["file"] for r in found["results"]} == {"bc16.txt", "bc17.txt"}

    cites = api.get(f"/api/v1/documents/{ids['bc16.txt']}/cites").json()
    assert [(c["key"], c["document_id"]) for c in cites] == [("677/QĐ-TTg", ids["qd677.txt"])]
    cited_by = api.get(f"/api/v1/documents/{ids['qd677.txt']}/cited-by").json()
    assert [d["file"] for d in cited_by] == ["bc16.txt"]
    top = api.get("/api/v1/citations/top").json()
    assert {"key": "677/QĐ-TTg", "documents": 1, "document_id": ids["qd677.txt"]} in top

    graph = api.get("/api/v1/citations/graph").json()
    edges = {(e["from"], e["to"]) for e in graph["edges"]}
    assert (f"doc:{ids['bc16.txt']}", f"doc:{ids['qd677.txt']}") in edges
    assert (f"doc:{ids['bc17.txt']}", "key:677/QĐ-UBND") in edges

    text = api.get("/api/v1/documents", params={"q": "khuyen hoc"}).json()
    hit = text["results"][0]
    assert hit["file"] == "bc16.txt"
    marked = [hit["snippet"][a:b] for a, b in hit["highlights"]]
    assert "KHUYẾN HỌC" in marked and "khuyến học" in marked
