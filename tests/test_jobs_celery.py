"""Scale-out for real: Celery workers on Redis and RabbitMQ, PostgreSQL as the store.

A worker is killed with SIGKILL mid-batch; a second worker and `resume`'s re-dispatch
finish the batch, every file stored exactly once. Redis and PostgreSQL are required under
CI=true (skipped locally when down); RabbitMQ is tested wherever it runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service import jobs, worker
from service.config import Settings
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import DocumentRow
from tests.conftest import need
from tests.jobs_support import ROOT, sohoa_cmd, write_pdfs, write_texts

BROKERS = {
    "redis": "redis://127.0.0.1:6379/0",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
}


def _reachable(url: str) -> bool:
    port = 6379 if url.startswith("redis") else 5672
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


class Workers:
    """`sohoa worker` subprocesses sharing one data dir, database and queue."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.procs = env, log, []

    def start(self) -> subprocess.Popen:
        with open(self.log, "ab") as log:
            proc = subprocess.Popen(sohoa_cmd("worker", "--concurrency", "2"), cwd=ROOT,
                                    env=self.env, stdout=log, stderr=log,
                                    start_new_session=True)  # fmt: skip
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill(proc)


def _delete_queue(settings: Settings, queue: str) -> None:
    from service import celery_app

    celery_app.app.conf.broker_url = settings.broker_url
    with celery_app.app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


@pytest.mark.services
@pytest.mark.parametrize("broker", sorted(BROKERS))
def test_celery_workers_finish_a_batch_after_one_is_killed(
    broker: str, pg_url: str, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = BROKERS[broker]
    if broker == "redis":  # what CI provides; RabbitMQ is tested where it runs
        need(_reachable(url), f"{broker} not reachable at {url}")
    elif not _reachable(url):
        pytest.skip(f"{broker} not reachable at {url}")
    queue = f"sohoa-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("SOHOA_QUEUE", queue)
    monkeypatch.setenv("SOHOA_BROKER_URL", url)
    monkeypatch.setenv("SOHOA_DATABASE_URL", pg_url)
    monkeypatch.setenv("SOHOA_WORKERS", "1")
    monkeypatch.setenv("SOHOA_RETRY_BACKOFF_S", "1")  # a transient failure must not stall the wait
    settings = Settings.from_env(data_dir)
    data_dir.mkdir(parents=True)
    db = Database(settings.database_url)
    folder = tmp_path / "in"
    files = write_texts(folder, 16) + write_pdfs(folder, 2)
    junk = folder / "hỏng.pdf"
    junk.write_bytes(b"%PDF-1.7\n")
    batch = jobs.create_batch(db, BlobStore(settings.blobs_dir), [*files, junk], "celery")
    workers = Workers({**os.environ}, tmp_path / "worker.log")
    try:
        first = workers.start()
        assert worker.submit(settings, db, batch) == len(files) + 1
        worker.submit(settings, db, batch)  # duplicate messages are harmless
        deadline = time.time() + 120
        while sum(i.state == "done" for i in jobs.batch_items(db, batch)) < 3:
            assert first.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            assert time.time() < deadline, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.1)
        workers.kill(first)  # worker lost, mid-batch
        workers.start()
        worker.submit(settings, db, batch)  # what `sohoa resume` does
        try:
            items = worker.wait(db, batch, timeout_s=240)
        except TimeoutError:
            items = jobs.batch_items(db, batch)
            states = [(Path(i.filename).name, i.state, i.error) for i in items]
            log = (tmp_path / "worker.log").read_text()[-3000:]
            pytest.fail(f"batch not finished: {states}\n{log}")
    finally:
        workers.stop()
        _delete_queue(settings, queue)
    rows = {Path(r.file).name: r for r in jobs.report(db, batch)}
    assert rows.pop("hỏng.pdf").error_kind == "bad_input"
    assert {r.state for r in rows.values()} == {"stored"}, rows
    assert all(i.attempts <= 2 for i in items)
    with db.session() as s:
        assert s.scalar(select(func.count(DocumentRow.id))) == len(files)
        assert s.scalar(select(func.count(func.distinct(DocumentRow.sha256)))) == len(files)
    db.close()
