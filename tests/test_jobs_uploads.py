"""50 concurrent uploads through a real API server: 50 documents, each stored once."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from service import auth
from service.api.app import create_app
from service.config import Settings
from service.storage.db import Database
from service.storage.models import DocumentRow
from tests.jobs_support import write_texts

N = 50


@pytest.fixture
def api(data_dir: Path) -> Iterator[tuple[str, str, Database]]:
    """A uvicorn server on a free port with its embedded worker; an archivist token."""
    settings = Settings.from_env(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    token = auth.create_token(db, "uploader", "archivist")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", token, db
    server.should_exit = True
    thread.join(timeout=30)
    db.close()


def _upload_all(url: str, token: str, files: list[Path]) -> list[int]:
    """Each file in its own request, all at once; returns the batch ids."""
    barrier = threading.Barrier(len(files))

    def upload(path: Path) -> int:
        with httpx.Client(base_url=url, timeout=120,
                          headers={"Authorization": f"Bearer {token}"}) as c:  # fmt: skip
            barrier.wait()
            r = c.post("/api/v1/documents", files={"files": (path.name, path.read_bytes())})
            assert r.status_code == 202, r.text
            return r.json()["id"]

    with ThreadPoolExecutor(len(files)) as pool:
        return list(pool.map(upload, files))


def _wait(url: str, token: str, batch_ids: list[int], timeout: float = 120) -> list[dict]:
    deadline = time.time() + timeout
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as c:
        while True:
            items = [i for b in batch_ids for i in c.get(f"/api/v1/batches/{b}").json()["items"]]
            if all(i["state"] in ("done", "failed") for i in items):
                return items
            assert time.time() < deadline, [i["state"] for i in items]
            time.sleep(0.3)


def _documents(db: Database) -> tuple[int, int]:
    with db.session() as s:
        return (
            s.scalar(select(func.count(DocumentRow.id))),
            s.scalar(select(func.count(func.distinct(DocumentRow.sha256)))),
        )


def test_fifty_concurrent_uploads_store_fifty_documents_once(api, tmp_path: Path) -> None:
    url, token, db = api
    files = write_texts(tmp_path / "in", N)
    batches = _upload_all(url, token, files)
    assert len(set(batches)) == N
    items = _wait(url, token, batches)
    assert [i["state"] for i in items] == ["done"] * N
    assert {i["outcome"] for i in items} == {"stored"}
    assert _documents(db) == (N, N)

    again = _wait(url, token, _upload_all(url, token, files))  # the same files, at once again
    assert {(i["state"], i["outcome"]) for i in again} == {("done", "known")}
    assert _documents(db) == (N, N)
    assert {i["document_id"] for i in again} == {i["document_id"] for i in items}
