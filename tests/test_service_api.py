"""The API through a real HTTP server (uvicorn on a free port) and an httpx client."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.conftest import SAMPLES, Server, sample_files_citing

__all__ = ["Server"]  # other API tests import it from here


def _wait_batch(client: httpx.Client, batch_id: int, timeout: float = 300) -> dict:
    deadline = time.time() + timeout
    while True:
        batch = client.get(f"/api/v1/batches/{batch_id}").json()
        if batch["queued"] + batch["processing"] == 0:
            return batch
        assert time.time() < deadline, f"batch not finished: {batch}"
        time.sleep(0.5)


def test_every_call_needs_a_token_and_errors_are_problem_details(server) -> None:
    srv, tokens = server
    r = httpx.get(f"{srv.url}/api/v1/documents")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 401
    reader = httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {tokens['reader']}"})
    files = {"files": ("x.txt", b"abc", "text/plain")}
    assert reader.post("/api/v1/documents", files=files).status_code == 403
    assert reader.get("/api/v1/tokens").status_code == 403
    assert reader.get("/api/v1/documents/999").json()["title"] == "Not Found"


def test_upload_search_detail_correct(server) -> None:
    srv, tokens = server
    client = httpx.Client(base_url=srv.url, timeout=60,
                          headers={"Authorization": f"Bearer {tokens['archivist']}"})  # fmt: skip
    texts = sorted(SAMPLES.glob("*.txt"))
    assert texts, "the samples have text documents"
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in texts]
    r = client.post("/api/v1/documents", files=files)
    assert r.status_code == 202, r.text
    batch = _wait_batch(client, r.json()["id"])
    assert batch["failed"] == 0 and batch["done"] == len(texts)

    # Uploading the same files again stores nothing new.
    again = _wait_batch(client, client.post("/api/v1/documents", files=files).json()["id"])
    assert {i["outcome"] for i in again["items"]} == {"known"}

    found = client.get("/api/v1/documents", params={"cites": "QĐ 677"}).json()
    expected = {f for f in sample_files_citing("677/QĐ-TTg") if f.endswith(".txt")}
    # other scans of one document are listed under it (issue 9: rescans)
    listed = [d for hit in found["results"] for d in (hit, *hit["rescans"])]
    assert {Path(d["file"]).name for d in listed} == expected

    doc_id = found["results"][0]["id"]
    detail = client.get(f"/api/v1/documents/{doc_id}").json()
    assert detail["record"]["schema_version"]
    assert any(c["key"] == "677/QĐ-TTg" for c in detail["record"]["citations"])
    r = client.post(f"/api/v1/documents/{doc_id}/corrections",
                    json={"field": "signer", "value": "Nguyễn Văn Test"})  # fmt: skip
    assert r.status_code == 201
    assert (
        client.get(f"/api/v1/documents/{doc_id}").json()["record"]["doc"]["signer"]
        == "Nguyễn Văn Test"
    )
    history = client.get(f"/api/v1/documents/{doc_id}/corrections").json()
    assert history[0]["author"] == "archivist@test"
    # a signer a person typed is trusted as spelt by the next extraction
    known = srv.settings.models_dir / "known-names.txt"
    assert known.read_text(encoding="utf-8").splitlines() == ["Nguyễn Văn Test"]

    csv_text = client.get("/api/v1/export/citations.csv").text
    assert csv_text.startswith("\ufeff") and "677/QĐ-TTg" in csv_text
