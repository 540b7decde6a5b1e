"""Batches in-process: sha256 idempotence, safe zips, compare-and-set claims, retries, orphans."""

from __future__ import annotations

import csv
import io
import multiprocessing
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from schemas import ErrorKind, ExitCode, SohoaError
from service import batches
from service.batches import intake, queue
from service.config import Settings
from service.pipeline import Outcome, Pipeline
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import BatchItemRow, DocumentRow
from tests.jobs_support import write_texts


class Env:
    def __init__(self, data: Path, url: str, backoff: float = 60.0) -> None:
        self.settings = Settings(data_dir=data, database_url=url, workers=1,
                                 retry_backoff_s=backoff)  # fmt: skip
        self.db = Database(self.settings.database_url)
        self.blobs = BlobStore(self.settings.blobs_dir)
        self.pipeline = Pipeline(self.settings)

    def batch(self, files: list[Path], names: list[str] | None = None, cap: int | None = None):
        return batches.create_batch(self.db, self.blobs, files, "test", names, max_file_bytes=cap)

    def run(self, batch_id: int | None = None, **kw) -> batches.Summary:
        return batches.run_queued(self.db, self.pipeline, self.blobs, batch_id, **kw)

    def documents(self) -> int:
        with self.db.session() as s:
            return s.scalar(select(func.count(DocumentRow.id)))

    def close(self) -> None:
        self.pipeline.close()
        self.db.close()


@pytest.fixture
def env(data_dir: Path, db_url: str) -> Iterator[Env]:
    e = Env(data_dir, db_url)
    yield e
    e.close()


@pytest.fixture
def lite(data_dir: Path) -> Iterator[Env]:
    e = Env(data_dir, "")
    yield e
    e.close()


def test_same_content_is_one_document_within_and_across_batches(env: Env, tmp_path: Path):
    files = write_texts(tmp_path / "in", 3)
    dup = tmp_path / "in" / "copy of first.txt"
    dup.write_bytes(files[0].read_bytes())
    first = env.batch(batches.iter_files([tmp_path / "in"]))
    assert len(batches.batch_items(env.db, first)) == 4  # every file keeps its line ...
    summary = env.run(first)
    assert (summary.done, summary.failed) == (3, 0)  # ... the copy costs no work
    rows = {Path(r.file).name: r for r in batches.report(env.db, first)}
    assert rows["copy of first.txt"].state == "known"
    assert rows["copy of first.txt"].document_id == rows[files[0].name].document_id
    second = env.batch(batches.iter_files([tmp_path / "in"]))
    items = batches.batch_items(env.db, second)
    assert {(i.state, i.outcome) for i in items} == {("done", "known")}
    assert all(i.document_id for i in items)
    assert env.run(second).done == 0
    assert env.documents() == 3
    for i in batches.batch_items(env.db, first):
        assert env.blobs.path(i.sha256).read_bytes() in {f.read_bytes() for f in files}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_slip_members_are_refused_and_the_rest_processed(lite: Env, tmp_path: Path):
    texts = write_texts(tmp_path / "t", 4)
    archive = _zip(tmp_path / "lô 1.zip", {
        "../../escaped.txt": texts[0].read_bytes(),
        "/etc/abs.txt": texts[1].read_bytes(),
        "C:/win.txt": texts[1].read_bytes(),
        "thư mục/văn bản (1).txt": texts[2].read_bytes(),
        "a/..b/ok..txt": texts[3].read_bytes(),
        "empty-dir/": b"",
    })  # fmt: skip
    batch = lite.batch([archive], ["lô 1.zip"])
    rows = batches.report(lite.db, batch)
    assert [r.file for r in rows] == [
        "lô 1.zip/escaped.txt",  # display names: '..' and empty parts dropped
        "lô 1.zip/etc/abs.txt",
        "lô 1.zip/C:/win.txt",
        "lô 1.zip/thư mục/văn bản (1).txt",
        "lô 1.zip/a/..b/ok..txt",
    ]
    assert [r.error_kind for r in rows] == ["bad_input"] * 3 + [""] * 2
    assert all("unsafe path" in r.error for r in rows[:3])
    assert not list(tmp_path.parent.rglob("escaped.txt"))
    assert not list((lite.settings.data_dir / "incoming").iterdir())  # scratch cleaned up
    assert lite.run(batch).done == 2


def test_zip_bombs_and_damaged_archives_fail_their_members_only(lite: Env, tmp_path: Path):
    good = write_texts(tmp_path / "t", 1)[0].read_bytes()
    bomb = _zip(tmp_path / "bomb.zip", {"zeros.txt": b"\0" * (4 << 20), "ok.txt": good})
    assert bomb.stat().st_size < 100_000
    batch = lite.batch([bomb], cap=1 << 20)
    rows = {r.file.split("/")[-1]: r for r in batches.report(lite.db, batch)}
    assert rows["zeros.txt"].state == "failed"
    assert rows["zeros.txt"].error_kind == "limits"
    assert "zip bomb" in rows["zeros.txt"].error
    assert rows["zeros.txt"].exit_code == ExitCode.LIMITS
    assert not rows["zeros.txt"].retryable
    assert rows["ok.txt"].state == "queued"

    many = _zip(tmp_path / "many.zip", {f"{n}.txt": b"x" for n in range(5)})
    entries = list(intake.expand_zip(many, "many.zip", tmp_path, 100, max_members=4))
    assert len(entries) == 1 and entries[0].error.kind == ErrorKind.LIMITS

    total = list(intake.expand_zip(many, "many.zip", tmp_path, 100, batches.ZipCaps(total_bytes=2)))
    assert [e.error is None for e in total] == [True, True, False, False, False]

    damaged = bytearray(_zip(tmp_path / "d.zip", {"a.txt": good * 20}).read_bytes())
    damaged[60:400] = bytes(340)  # inside the deflate stream; the directory stays intact
    (tmp_path / "d.zip").write_bytes(bytes(damaged))
    [entry] = intake.expand_zip(tmp_path / "d.zip", "d.zip", tmp_path, 1 << 20)
    assert entry.error is not None and entry.error.kind == ErrorKind.BAD_INPUT


def test_a_claim_is_taken_once(env: Env, tmp_path: Path):
    batch = env.batch(write_texts(tmp_path / "in", 2))
    first = queue.claim(env.db, batch, 5, 60)
    assert len(first) == 2
    assert queue.claim(env.db, batch, 5, 60) == []
    assert queue.claim_item(env.db, first[0], 60) == "no"
    item = batches.get_item(env.db, first[0])
    assert (item.state, item.attempts, item.claimed_by) == ("processing", 1, queue.runner_id())
    assert queue.release(env.db, first) == 2
    assert queue.claim_item(env.db, first[0], 60) == "claimed"


def _failing(kind: ErrorKind):
    def process_many(paths, progress=None, spooled=False):
        for p in paths:
            yield Outcome(Path(p), error=SohoaError(kind, f"simulated {kind.value}"))

    return process_many


def test_transient_failures_back_off_then_give_up(env: Env, tmp_path: Path, monkeypatch):
    batch = env.batch(write_texts(tmp_path / "in", 1))
    monkeypatch.setattr(env.pipeline, "process_many", _failing(ErrorKind.TIMEOUT))
    assert env.run(batch).failed == 1
    [item] = batches.batch_items(env.db, batch)
    assert (item.state, item.retryable, item.attempts) == ("failed", True, 1)
    assert env.run(batch).failed == 0  # not due: backing off 60 s
    assert 0 < queue.next_retry_in(env.db, batch, 60) <= 60
    assert not batches.is_finished([item])
    for attempt in (2, 3):
        with env.db.session() as s:  # pretend the backoff has passed
            row = s.get(BatchItemRow, item.id)
            row.updated_at = row.updated_at.replace(year=2000)
        assert env.run(batch).failed == 1
        item = batches.get_item(env.db, item.id)
        assert item.attempts == attempt
    assert (item.state, item.retryable) == ("failed", False)
    assert "gave up after 3 attempts" in item.error
    assert queue.next_retry_in(env.db, batch, 60) is None


def test_permanent_failures_are_not_retried(env: Env, tmp_path: Path, monkeypatch):
    batch = env.batch(write_texts(tmp_path / "in", 1))
    monkeypatch.setattr(env.pipeline, "process_many", _failing(ErrorKind.ENCRYPTED))
    env.run(batch, wait_retries=True)
    [row] = batches.report(env.db, batch)
    assert (row.state, row.retryable, row.attempts) == ("failed", False, 1)
    assert row.exit_code == ExitCode.ENCRYPTED
    csv = "".join(batches.report_csv(batches.report(env.db, batch), failed_only=True))
    assert csv.startswith("\ufefffile,state,error_kind")
    assert "encrypted,simulated encrypted,False,1,8" in csv


def test_a_flaky_file_succeeds_on_retry(data_dir: Path, tmp_path: Path, monkeypatch):
    e = Env(data_dir, "", backoff=0.05)
    try:
        batch = e.batch(write_texts(tmp_path / "in", 2))
        real = e.pipeline.process_many
        calls = []

        def flaky(paths, progress=None, spooled=False):
            paths = list(paths)
            calls.append(len(paths))
            if len(calls) == 1:
                yield Outcome(paths[0], error=SohoaError(ErrorKind.INTERNAL, "worker lost"))
                paths = paths[1:]
            yield from real(paths, progress, spooled)

        monkeypatch.setattr(e.pipeline, "process_many", flaky)
        summary = e.run(batch, wait_retries=True)
        assert (summary.done, summary.failed) == (2, 1)
        items = batches.batch_items(e.db, batch)
        assert [(i.state, i.attempts) for i in items] == [("done", 2), ("done", 1)]
        assert items[0].error is None and batches.is_finished(items)
        assert e.documents() == 2
    finally:
        e.close()


def _dead_pid() -> int:
    p = multiprocessing.get_context("spawn").Process(target=int)
    p.start()
    p.join()
    return p.pid


def test_items_of_a_dead_runner_are_requeued(env: Env, tmp_path: Path):
    batch = env.batch(write_texts(tmp_path / "in", 2))
    ids = queue.claim(env.db, batch, 5, 60)
    assert batches.requeue_orphans(env.db) == []  # we are alive
    with env.db.session() as s:
        s.get(BatchItemRow, ids[0]).claimed_by = f"{socket.gethostname()}:{_dead_pid()}"
        s.get(BatchItemRow, ids[1]).claimed_by = "another-host:1"  # lease still valid
    assert batches.requeue_orphans(env.db) == [ids[0]]
    assert batches.get_item(env.db, ids[0]).state == "queued"
    assert queue.claim_item(env.db, ids[1], 60) == "no"
    assert env.run(batch).done == 1  # the other one waits for its runner or its lease


def test_unreadable_files_fail_at_once_and_the_rest_go_on(lite: Env, tmp_path: Path):
    files = write_texts(tmp_path / "in", 2)
    ghost = tmp_path / "in" / "gone.txt"
    batch = lite.batch([*files, ghost])
    rows = batches.report(lite.db, batch)
    assert rows[-1].state == "failed" and rows[-1].error_kind == "file_access"
    assert lite.run(batch).done == 2
    assert [r.state for r in batches.report(lite.db, batch)] == ["stored", "stored", "failed"]
    assert batches.retry_failed(lite.db, batch) == 0  # nothing kept to retry from


def test_progress_reports_pages_into_the_item(lite: Env, tmp_path: Path):
    batch = lite.batch(write_texts(tmp_path / "in", 2))
    seen: list[tuple[int, int]] = []
    lite.run(batch, progress=lambda path, done, total: seen.append((done, total)))
    assert seen and all(0 < d <= t for d, t in seen)
    assert all(i.pages_done == i.pages_total > 0 for i in batches.batch_items(lite.db, batch))


def test_report_csv_quotes_awkward_names(lite: Env, tmp_path: Path):
    text = write_texts(tmp_path / "t", 1)[0].read_bytes()
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr('báo cáo, "quý I".txt', text)
    batch = lite.batch([archive], ["a.zip"])
    csv_text = "".join(batches.report_csv(batches.report(lite.db, batch)))
    rows = list(csv.DictReader(io.StringIO(csv_text.removeprefix("\ufeff"))))
    assert rows[0]["file"] == 'a.zip/báo cáo, "quý I".txt'


def test_copies_of_a_content_in_progress_wait_then_are_known(env: Env, tmp_path: Path):
    [text] = write_texts(tmp_path / "in", 1)
    copy = tmp_path / "in" / "bản sao.txt"
    copy.write_bytes(text.read_bytes())
    batch = env.batch([text, copy])
    other = env.batch([copy])
    first, second = (i.id for i in batches.batch_items(env.db, batch))
    [third] = (i.id for i in batches.batch_items(env.db, other))
    assert queue.claim(env.db, None, 5, 60) == [first]  # one at a time per content
    assert queue.claim_item(env.db, third, 60) == "busy"
    queue.release(env.db, [first])
    summary = env.run()
    assert (summary.done, summary.known) == (1, 0)  # the copies needed no processing
    items = [batches.get_item(env.db, i) for i in (first, second, third)]
    assert [i.outcome for i in items] == ["stored", "known", "known"]
    assert len({i.document_id for i in items}) == 1
    assert env.documents() == 1
