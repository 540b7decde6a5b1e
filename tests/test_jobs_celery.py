"""Scale-out for real: Celery workers on Redis and RabbitMQ, PostgreSQL as the store.

Two workers on one host both consume; one is killed with SIGKILL while it holds an item,
and the other takes the item back within its lease and finishes the batch with no help
(no `resume`), every file stored exactly once. `ingest` with no live worker says so within
seconds; a worker that cannot start exits non-zero. Redis, RabbitMQ and PostgreSQL are
required under CI=true (skipped locally when down). Every test uses its own queue.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from schemas import ExitCode
from service import batches, worker
from service.config import Settings
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import DocumentRow
from tests.conftest import need
from tests.jobs_support import ROOT, run_sohoa, sohoa_cmd, write_pdfs, write_texts

BROKERS = {
    "redis": "redis://127.0.0.1:6379/0",
    "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//",
}
LEASE_S = 5  # short leases: a killed worker's items come back within seconds


def _reachable(url: str) -> bool:
    port = 6379 if url.startswith("redis") else 5672
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _broker(name: str) -> str:
    url = BROKERS[name]
    need(_reachable(url), f"{name} not reachable at {url}")
    return url


class Workers:
    """`sohoa worker` subprocesses sharing one data dir, database and queue."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.procs = env, log, []

    def start(self, *args: str) -> subprocess.Popen:
        with open(self.log, "ab") as log:
            proc = subprocess.Popen(sohoa_cmd("worker", "--concurrency", "1", *args), cwd=ROOT,
                                    env=self.env, stdout=log, stderr=log,
                                    start_new_session=True)  # fmt: skip
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

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

    with celery_app.configure(settings).connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def celery_env(pg_url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """A queue of its own, PostgreSQL, short leases; yields a function taking the broker."""
    queue = f"sohoa-test-{uuid.uuid4().hex[:8]}"
    made: list[Settings] = []

    def setup(url: str) -> Settings:
        monkeypatch.setenv("SOHOA_QUEUE", queue)
        monkeypatch.setenv("SOHOA_BROKER_URL", url)
        monkeypatch.setenv("SOHOA_DATABASE_URL", pg_url)
        monkeypatch.setenv("SOHOA_LEASE_S", str(LEASE_S))
        monkeypatch.setenv("SOHOA_RETRY_BACKOFF_S", "1")  # a transient failure must not stall
        data_dir.mkdir(parents=True, exist_ok=True)
        made.append(Settings.from_env(data_dir))
        return made[-1]

    yield setup
    for settings in made:
        _delete_queue(settings, queue)


def _claimed_by(db: Database, batch: int, who: str) -> bool:
    return any(i.claimed_by == who for i in batches.batch_items(db, batch))


def _held(db: Database, batch: int, pid: int) -> list[int]:
    """Items the worker with this pid is processing now."""
    who = f"{socket.gethostname()}:{pid}"
    items = batches.batch_items(db, batch)
    return [i.id for i in items if i.state == "processing" and i.claimed_by == who]


@pytest.mark.services
@pytest.mark.parametrize("broker", sorted(BROKERS))
def test_a_killed_workers_items_are_redone_by_the_other_within_a_minute(
    broker: str, celery_env, tmp_path: Path
) -> None:
    settings = celery_env(_broker(broker))
    db = Database(settings.database_url)
    folder = tmp_path / "in"
    start = int(uuid.uuid4().int % 90_000) + 10_000  # new scan bytes: real OCR, slow enough
    files = write_texts(folder, 8) + write_pdfs(folder, 2, scans=True, start=start)
    junk = folder / "hỏng.pdf"
    junk.write_bytes(b"%PDF-1.7\n")
    batch = batches.create_batch(db, BlobStore(settings.blobs_dir), [*files, junk], "celery")
    workers = Workers({**os.environ}, tmp_path / "worker.log")
    try:
        first, second = workers.start(), workers.start()  # two on one host
        assert worker.submit(settings, db, batch) == len(files) + 1
        worker.submit(settings, db, batch)  # duplicate messages are harmless
        deadline = time.time() + 180
        other = f"{socket.gethostname()}:{second.pid}"
        # both consume; then the victim is killed while it holds an item, mid-task
        while not (victim := _held(db, batch, first.pid)) or not _claimed_by(db, batch, other):
            assert first.poll() is None and second.poll() is None, workers.tail()
            assert time.time() < deadline, workers.tail()
            time.sleep(0.05)
        workers.kill(first)
        killed_at = time.monotonic()
        while batches.get_item(db, victim[0]).claimed_by != other:
            assert time.monotonic() - killed_at < 60, f"not taken back\n{workers.tail()}"
            time.sleep(0.2)
        try:  # no resume, no re-dispatch from here: the other worker sees to it all
            worker.wait(db, batches.open_item_ids(db, batch), timeout_s=240)
        except TimeoutError:
            states = [(Path(i.filename).name, i.state) for i in batches.batch_items(db, batch)]
            pytest.fail(f"batch not finished: {states}\n{workers.tail()}")
    finally:
        workers.stop()
    items = batches.batch_items(db, batch)
    rows = {Path(r.file).name: r for r in batches.report(db, batch)}
    assert rows.pop("hỏng.pdf").error_kind == "bad_input"
    assert {r.state for r in rows.values()} == {"stored"}, rows
    assert max(i.attempts for i in items) == 2  # the killed item, once more
    with db.session() as s:
        assert s.scalar(select(func.count(DocumentRow.id))) == len(files)
        assert s.scalar(select(func.count(func.distinct(DocumentRow.sha256)))) == len(files)
    db.close()


@pytest.mark.services
def test_ingest_with_no_live_worker_says_so_then_resume_waits_for_one(
    celery_env, tmp_path: Path
) -> None:
    settings = celery_env(_broker("redis"))
    write_texts(tmp_path / "in", 2)
    began = time.monotonic()
    res = run_sohoa("ingest", str(tmp_path / "in"), timeout=120)
    took = time.monotonic() - began
    err = res.stderr.decode()
    assert res.returncode == ExitCode.UNFINISHED, err
    assert "no live worker" in err and "sohoa worker" in err
    assert "not finished: 2" in res.stdout.decode()
    assert took < 45, f"{took:.0f} s"  # ~5 s of silence, a 2 s ping, the CLI's start-up
    db = Database(settings.database_url)
    assert len(batches.open_item_ids(db)) == 2  # queued, not lost: a worker will take them
    from service import celery_app

    with celery_app.configure(settings).connection_for_write() as conn:
        conn.default_channel.queue_purge(os.environ["SOHOA_QUEUE"])  # a broker that forgot
    workers = Workers({**os.environ}, tmp_path / "worker.log")
    try:
        first = workers.start()
        deadline = time.monotonic() + 90
        while " ready." not in workers.tail():
            assert first.poll() is None and time.monotonic() < deadline, workers.tail()
            time.sleep(0.2)
        res = run_sohoa("resume", timeout=240)  # sends them again, waits, then reports
    finally:
        workers.stop()
    assert res.returncode == 0, res.stderr.decode() + workers.tail()
    assert "worker: 1 OCR process(es)" in workers.log.read_text(errors="replace")  # without -v
    assert "batch 1: done: 2  already known: 0  failed: 0" in res.stdout.decode()
    assert batches.open_item_ids(db) == []
    db.close()


@pytest.mark.services
def test_a_batch_whose_messages_the_broker_lost_still_finishes(
    celery_env: Callable[[str], Settings], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOHOA_RESEND_S", "3")
    settings = celery_env(_broker("redis"))
    db = Database(settings.database_url)
    files = write_texts(tmp_path / "in", 3)
    batch = batches.create_batch(db, BlobStore(settings.blobs_dir), files, "celery")
    assert worker.submit(settings, db, batch) == 3
    from service import celery_app

    with celery_app.configure(settings).connection_for_write() as conn:  # Redis forgot them
        assert conn.default_channel.queue_purge(os.environ["SOHOA_QUEUE"]) == 3
    workers = Workers({**os.environ}, tmp_path / "worker.log")
    try:
        workers.start()
        try:  # no resume, no re-dispatch from here: the worker's own sweep sends them again
            items = worker.wait(db, batches.open_item_ids(db, batch), timeout_s=120)
        except TimeoutError:
            states = [(Path(i.filename).name, i.state) for i in batches.batch_items(db, batch)]
            pytest.fail(f"batch not finished: {states}\n{workers.tail()}")
    finally:
        workers.stop()
    assert [i.state for i in items] == ["done"] * 3
    assert [i.attempts for i in items] == [1] * 3
    assert "sending them again" in workers.tail()
    db.close()


@pytest.mark.services
def test_a_worker_that_cannot_start_exits_non_zero(celery_env, tmp_path: Path) -> None:
    celery_env(_broker("rabbitmq"))
    workers = Workers({**os.environ}, tmp_path / "worker.log")
    name = f"sohoa-test-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    try:
        first = workers.start("--name", name)
        deadline = time.monotonic() + 90
        while " ready." not in workers.tail():  # it holds its node's exclusive pidbox queue
            assert first.poll() is None and time.monotonic() < deadline, workers.tail()
            time.sleep(0.2)
        second = workers.start("--name", name)  # the same node name: RabbitMQ refuses it
        assert second.wait(timeout=90) == ExitCode.WORKER_FAILED, workers.tail()
        assert first.poll() is None
    finally:
        workers.stop()
