"""Crash safety for real: kill -9 `sohoa ingest` mid-batch, restart, every file exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from schemas import Record
from tests.jobs_support import ROOT, run_sohoa, sohoa_cmd, write_pdfs, write_texts


def _counts(db: Path) -> dict[str, int]:
    """Item states as the running process committed them (read-only, no migration race)."""
    if not db.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
            return dict(c.execute("select state, count(*) from batch_items group by state"))
    except sqlite3.OperationalError:  # schema not created yet
        return {}


def _kill_mid_batch(db: Path, total: int, env: dict) -> dict[str, int]:
    proc = subprocess.Popen(sohoa_cmd("ingest", str(env["IN"])), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip
    deadline = time.time() + 180
    try:
        while (counts := _counts(db)).get("done", 0) < 5:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.time() < deadline, f"no progress: {counts}"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the process and its page workers, like a crash
        proc.wait()
    counts = _counts(db)
    assert counts.get("done", 0) < total, "the batch finished before the kill: make it bigger"
    return counts


def test_kill_9_mid_batch_then_resume_stores_every_file_once(data_dir: Path, tmp_path: Path):
    folder = tmp_path / "in"
    texts = write_texts(folder, 40)
    pdfs = write_pdfs(folder, 4)
    total = len(texts) + len(pdfs)
    db = data_dir / "sohoa.db"
    env = {**os.environ, "IN": str(folder), "SOHOA_WORKERS": "2"}

    before = _kill_mid_batch(db, total, env)
    assert sum(before.values()) == total  # every file was queued before work started

    res = run_sohoa("resume")
    assert res.returncode == 0, res.stderr.decode()
    after = _counts(db)
    assert after == {"done": total}, after

    with sqlite3.connect(db) as c:
        docs = c.execute("select sha256, text, record from documents").fetchall()
        items = c.execute(
            "select i.sha256, d.sha256, i.outcome, i.attempts from batch_items i "
            "left join documents d on d.id = i.document_id"
        ).fetchall()
    assert len(docs) == total == len({sha for sha, _, _ in docs})  # no duplicate, none lost
    assert all(item_sha == doc_sha for item_sha, doc_sha, _, _ in items)
    assert {outcome for _, _, outcome, _ in items} == {"stored"}
    assert max(attempts for *_, attempts in items) <= 2  # re-run at most once
    texts_seen = "\n".join(text for _, text, _ in docs)
    for i in range(len(texts)):
        assert f"Bản sao số {i}." in texts_seen
    for _, _, record in docs:  # each record whole, none half-written
        Record.model_validate_json(record)

    again = run_sohoa("ingest", str(folder))
    assert again.returncode == 0, again.stderr.decode()
    assert f"done: 0  already known: {total}  failed: 0" in again.stdout.decode()


def _receiving(db: Path) -> int:
    """Items attached so far to a batch still receiving its files (0: none yet)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
            row = c.execute(
                "select count(i.id) from batches b join batch_items i on i.batch_id = b.id "
                "where b.state = 'receiving'"
            ).fetchone()
            return row[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0


def test_kill_9_while_a_batch_is_received_then_resume_and_ingest_again(
    data_dir: Path, tmp_path: Path
):
    folder = tmp_path / "in"
    total = len(write_texts(folder, 200))
    db = data_dir / "sohoa.db"
    env = {**os.environ, "SOHOA_WORKERS": "1", "SOHOA_SWEEP_GRACE_S": "0"}
    proc = subprocess.Popen(sohoa_cmd("ingest", str(folder)), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip
    deadline = time.time() + 120
    try:
        while _receiving(db) < 10:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.time() < deadline, "the batch was never seen receiving"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # while files are still being attached
        proc.wait()
    with sqlite3.connect(db) as c:
        [(state, attached)] = c.execute(
            "select b.state, count(i.id) from batches b join batch_items i on i.batch_id = b.id"
        ).fetchall()
    assert state == "receiving" and 10 <= attached < total, (state, attached)

    res = run_sohoa("resume", env=env)  # the files attached are finished, the rest swept
    assert res.returncode == 0, res.stderr.decode()
    assert "interrupted while its files arrived" in res.stderr.decode()
    with sqlite3.connect(db) as c:
        assert c.execute("select state from batches").fetchall() == [("interrupted",)]
        states = dict(c.execute("select state, count(*) from batch_items group by state"))
        shas = {sha for (sha,) in c.execute("select sha256 from documents")}
    assert states == {"done": attached}
    originals = {p.name for p in (data_dir / "originals").glob("??/*")}
    assert originals == shas  # no partial copy, no original that nothing names
    assert not any((data_dir / "incoming").iterdir())  # the extraction space is clean

    again = run_sohoa("ingest", str(folder), env=env)  # send the whole folder again
    assert again.returncode == 0, again.stderr.decode()
    assert f"done: {total - attached}  already known: {attached}  failed: 0" in (
        again.stdout.decode()
    )
    with sqlite3.connect(db) as c:
        sql = "select count(*), count(distinct sha256) from documents"
        count, distinct = c.execute(sql).fetchone()
    assert count == distinct == total
