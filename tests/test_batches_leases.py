"""Leases, crash leftovers and restores, in-process: a holder that stops beating loses its
items, a batch half received is finished or cleaned, a restore frees in-flight claims,
and OCR pool workers do not outlive their parent."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from schemas import ErrorKind, SohoaError
from service import backup, batches, celery_app, worker
from service.batches import intake, queue
from service.batches.queue import BatchState, Heartbeat
from service.config import Settings
from service.pipeline import Pipeline
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import BatchItemRow, BatchRow, utcnow
from tests.jobs_support import write_texts


class Env:
    def __init__(self, data: Path, url: str) -> None:
        self.settings = Settings(data_dir=data, database_url=url, workers=1, lease_s=2.0)
        self.db = Database(self.settings.database_url)
        self.blobs = BlobStore(self.settings.blobs_dir)

    def batch(self, files: list[Path]) -> int:
        return batches.create_batch(self.db, self.blobs, files, "test", lease_s=2.0)

    def age(self, ids: list[int], seconds: float, holder: str = "another-host:1") -> None:
        """Pretend another runner claimed these items and last beat ``seconds`` ago."""
        then = utcnow() - timedelta(seconds=seconds)
        with self.db.session() as s:
            s.execute(
                update(BatchItemRow)
                .where(BatchItemRow.id.in_(ids))
                .values(claimed_by=holder, heartbeat_at=then, claimed_at=then)
            )


@pytest.fixture
def env(data_dir: Path, db_url: str) -> Iterator[Env]:
    e = Env(data_dir, db_url)
    yield e
    e.db.close()


def test_a_holder_that_stops_beating_loses_its_items(env: Env, tmp_path: Path) -> None:
    batch = env.batch(write_texts(tmp_path / "in", 3))
    ids = queue.claim(env.db, batch, 5, 60, lease_s=2.0)
    env.age(ids[:1], 10)  # silent for 10 s, lease 2 s: gone
    env.age(ids[1:2], 0.5)  # another host, beating: still its own
    assert queue.requeue_orphans(env.db, batch, lease_s=2.0) == ids[:1]
    assert queue.claim_item(env.db, ids[1], 60, lease_s=2.0) == queue.Claim.NO
    assert batches.list_batches(env.db, lease_s=2.0)[0]["processing"] == 2
    env.age(ids[1:2], 10)  # it stopped too: the listing no longer calls it processing ...
    listed = batches.list_batches(env.db, lease_s=2.0)[0]
    assert (listed["processing"], listed["queued"]) == (1, 2)
    # ... and a redelivered task takes the orphan over (attempts counted)
    assert queue.claim_item(env.db, ids[1], 60, lease_s=2.0) == queue.Claim.CLAIMED
    assert batches.get_item(env.db, ids[1]).attempts == 2


def test_the_heartbeat_renews_this_process_leases(env: Env, tmp_path: Path) -> None:
    batch = env.batch(write_texts(tmp_path / "in", 2))
    ids = queue.claim(env.db, batch, 5, 60, lease_s=2.0)
    env.age(ids, 10, holder=queue.runner_id())  # as if the beats had missed ...
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # ... the thread beats every lease / 4
        beats = [i.heartbeat_at for i in batches.batch_items(env.db, batch)]
        if all(queue.aware(t) > utcnow() - timedelta(seconds=2) for t in beats):
            break
        time.sleep(0.1)
    assert queue.requeue_orphans(env.db, batch, lease_s=2.0) == []  # renewed: still ours
    assert Heartbeat.ensure(env.db, 2.0).beat() == 2
    queue.release(env.db, ids)
    assert Heartbeat.ensure(env.db, 2.0).beat() == 0  # holds nothing: the thread ends


def test_a_batch_half_received_is_kept_or_removed(env: Env, tmp_path: Path) -> None:
    files = write_texts(tmp_path / "in", 3)
    with env.db.session() as s:
        half = BatchRow(source="crashed", state=BatchState.RECEIVING, runner="gone-host:1")
        empty = BatchRow(source="crashed early", state=BatchState.RECEIVING, runner="gone-host:2")
        live = BatchRow(source="receiving", state=BatchState.RECEIVING, runner=queue.runner_id())
        s.add_all([half, empty, live])
        s.flush()
        old = utcnow() - timedelta(seconds=30)
        half.updated_at = empty.updated_at = old
        live.updated_at = utcnow()
        s.add(BatchItemRow(batch_id=half.id, filename="a.txt", sha256="0" * 64))
    assert batches.recover_receiving(env.db, lease_s=2.0) == [half.id]
    states = {b["id"]: b["state"] for b in batches.list_batches(env.db, lease_s=2.0)}
    assert states == {half.id: "interrupted", live.id: "receiving"}
    assert "interrupted while its files arrived" in batches.interrupted_note(env.db, half.id)
    done = env.batch(files)  # a batch that finished receiving is simply received
    assert queue.get_batch(env.db, done).state == BatchState.RECEIVED


def test_the_sweep_removes_crash_leftovers_only(env: Env, tmp_path: Path) -> None:
    [kept_file] = write_texts(tmp_path / "in", 1)
    batch = env.batch([kept_file])
    [item] = batches.batch_items(env.db, batch)
    stray = env.blobs.put_bytes(b"an original stored just before a crash")
    young = env.blobs.put_bytes(b"an original being attached right now")
    partial = env.blobs.path(stray).parent / ".tmp-abc"
    partial.write_bytes(b"half")
    leftover = intake.scratch(env.blobs) / "tmp-crashed"
    (leftover / "zip00000").mkdir(parents=True)
    (leftover / "zip00000" / "000001").write_bytes(b"member")
    old = time.time() - 7200
    for p in (env.blobs.path(stray), env.blobs.path(item.sha256), partial, leftover,
              leftover / "zip00000", leftover / "zip00000" / "000001"):  # fmt: skip
        os.utime(p, (old, old))
    gone = batches.sweep(env.db, env.blobs, grace_s=3600)
    assert gone == {"incoming": 1, "partial": 1, "spool": 0, "unreferenced": 1}
    assert not env.blobs.path(stray).exists() and not partial.exists() and not leftover.exists()
    assert env.blobs.path(item.sha256).exists()  # an item names it
    assert env.blobs.path(young).exists()  # too young to judge


def test_a_restored_in_flight_backup_finishes(data_dir: Path, tmp_path: Path) -> None:
    e = Env(data_dir, "")
    batch = e.batch(write_texts(tmp_path / "in", 3))
    held = queue.claim(e.db, batch, 2, 60)  # in flight, held by this (living) process
    backup.backup(e.settings, tmp_path / "bk")
    queue.release(e.db, held)
    e.db.close()
    target = Settings(data_dir=tmp_path / "restored", workers=1, cache_root=e.settings.cache_dir)
    backup.restore(tmp_path / "bk", target)
    db = Database(target.database_url)
    items = batches.batch_items(db, batch)
    assert [i.state for i in items] == ["queued"] * 3 and not any(i.claimed_by for i in items)
    pipeline = Pipeline(target)
    try:
        summary = batches.run_queued(db, pipeline, BlobStore(target.blobs_dir), wait_retries=True)
    finally:
        pipeline.close()
    assert summary.done == 3
    assert batches.is_finished(batches.batch_items(db, batch))
    db.close()


def _pool_parent(ready: str) -> None:
    """A process with a real OCR pool (the pipeline's initializer), then it waits to die."""
    from service.config import Settings as S
    from service.pipeline import Pipeline as P

    pipe = P(S(data_dir=Path(ready).parent / "d", workers=1))
    pid = pipe.pool().submit(os.getpid).result()
    Path(ready).write_text(str(pid))
    time.sleep(600)


def test_ocr_pool_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    ready = tmp_path / "child.pid"
    code = (
        "import sys; sys.path.insert(0, '.');"
        f"from tests.test_batches_leases import _pool_parent; _pool_parent({str(ready)!r})"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).parent.parent)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() or not ready.read_text():
            assert parent.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        child = int(ready.read_text())
        os.kill(parent.pid, signal.SIGKILL)  # what the OOM killer does: the parent only
        parent.wait()
        deadline = time.monotonic() + 10
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child), "the pool worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_workers_on_one_machine_share_its_cores(tmp_path: Path) -> None:
    """`sohoa worker`'s default: the cores no other worker here holds; a killed one's
    cores are free at once. (TMPDIR keeps these locks apart from other runs.)"""
    code = (
        "import time; from service.worker import claim_cores;"
        "print(claim_cores(0), flush=True); time.sleep(120)"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    procs: list[subprocess.Popen] = []

    def start() -> int:
        root = Path(__file__).parent.parent
        cmd = [sys.executable, "-c", code]
        procs.append(subprocess.Popen(cmd, env=env, text=True, stdout=subprocess.PIPE, cwd=root))
        return int(procs[-1].stdout.readline())

    try:
        cores = os.cpu_count() or 1
        assert start() == cores
        assert start() == 1  # all held: one process, not a second full pool
        procs[0].kill()
        procs[0].wait()
        assert start() == cores
    finally:
        for p in procs:
            p.kill()
            p.wait()


class _DroppingBroker:
    """A Celery app stand-in whose broker loses every message it is sent."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    def connection_for_write(self) -> contextlib.nullcontext:
        return contextlib.nullcontext()

    def send_task(self, name: str, args: list[int], **_: object) -> None:
        self.sent.append(args[0])


def test_a_message_the_broker_lost_is_sent_again(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = _DroppingBroker()
    monkeypatch.setattr(celery_app, "configure", lambda _settings: broker)
    settings = dataclasses.replace(env.settings, broker_url="redis://lost", resend_s=1.0)
    batch = env.batch(write_texts(tmp_path / "in", 3))
    first, second, third = ids = batches.open_item_ids(env.db, batch)
    assert worker.submit(settings, env.db, batch) == 3 and broker.sent == ids  # all dropped
    reclaimer = worker.Reclaimer(settings, env.db)
    assert reclaimer.pass_once() == 0  # just sent: not lost yet
    time.sleep(1.1)  # all three waited past the threshold, but a runner takes one now:
    assert queue.claim_item(env.db, first, 60, lease_s=2.0) == queue.Claim.CLAIMED
    assert reclaimer.pass_once() == 0  # the queue is moving, its backlog is not sent again
    assert queue.claim_item(env.db, first, 60, lease_s=2.0) == queue.Claim.NO  # a duplicate
    time.sleep(1.1)  # nothing taken for the threshold: the two still queued go again
    assert reclaimer.pass_once() == 2 and broker.sent[3:] == [second, third]
    assert reclaimer.pass_once() == 0  # sent again just now: not before the threshold
    # The re-sent message is taken; the lost original, if it ever came, is a no-op ...
    assert queue.claim_item(env.db, second, 60, lease_s=2.0) == queue.Claim.CLAIMED
    assert queue.claim_item(env.db, second, 60, lease_s=2.0) == queue.Claim.NO
    with env.db.session() as s:  # ... and so is one for an item that is done
        s.execute(update(BatchItemRow).where(BatchItemRow.id == first).values(state="done"))
    assert queue.claim_item(env.db, first, 60, lease_s=2.0) == queue.Claim.NO
    assert queue.held_item(env.db, second).attempts == 1
    queue.release(env.db, [second])


def test_a_lost_retry_is_sent_again_after_its_backoff(
    env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = _DroppingBroker()
    monkeypatch.setattr(celery_app, "configure", lambda _settings: broker)
    settings = dataclasses.replace(
        env.settings, broker_url="redis://lost", resend_s=0.5, retry_backoff_s=1.0
    )
    batch = env.batch(write_texts(tmp_path / "in", 1))
    (item,) = queue.claim(env.db, batch, 1, 1.0, lease_s=2.0)
    with env.db.session() as s:  # a transient failure: its retry message is then lost
        queue.fail(queue.item_row(s, item), SohoaError(ErrorKind.TIMEOUT, "slow page"))
    assert queue.held_item(env.db, item).retryable
    time.sleep(0.7)  # past the threshold, not past the backoff: not lost yet
    assert worker.Reclaimer(settings, env.db).pass_once() == 0
    time.sleep(0.9)  # past the backoff and the threshold after it
    assert worker.Reclaimer(settings, env.db).pass_once() == 1 and broker.sent == [item]
    assert queue.claim_item(env.db, item, 1.0, lease_s=2.0) == queue.Claim.CLAIMED
    queue.release(env.db, [item])


def test_items_their_creator_or_a_copy_will_send_are_not_sent_again(
    env: Env, tmp_path: Path
) -> None:
    files = write_texts(tmp_path / "in", 2)
    batch = env.batch([files[0], files[0], files[1]])  # two items of one content
    copy_a, copy_b, other = batches.open_item_ids(env.db, batch)
    with env.db.session() as s:
        live = BatchRow(source="receiving", state=BatchState.RECEIVING, runner=queue.runner_id())
        s.add(live)
        s.flush()
        s.add(BatchItemRow(batch_id=live.id, filename="c.txt", sha256="0" * 64))
    time.sleep(0.6)
    assert queue.unsent(env.db, 0.5, 60) == [copy_a, copy_b, other]  # not the receiving one
    assert queue.claim_item(env.db, copy_a, 60, lease_s=2.0) == queue.Claim.CLAIMED
    env.age([copy_a], 1, holder=queue.runner_id())  # taken a while ago, still processing
    assert queue.unsent(env.db, 0.5, 60) == [other]  # its copy comes back by itself
    queue.release(env.db, [copy_a])
