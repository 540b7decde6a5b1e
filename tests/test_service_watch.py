"""The watched folder takes settled files once, moves them, and lists failures."""

from __future__ import annotations

import os
import time
from pathlib import Path

from service.config import Settings
from service.pipeline import Pipeline
from service.storage import repo
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.watch import Watcher, consume
from tests.conftest import SAMPLES


def test_half_copied_file_waits_until_it_settles(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("x")
    w = Watcher(tmp_path, settle=5)
    now = time.time()
    assert w.ready(now) == []  # first sight: not settled yet
    assert w.ready(now + 6) == [f]
    f.write_text("xy")  # still being written
    assert w.ready(now + 7) == []


def test_consume_ingests_once_and_moves_files(data_dir: Path, tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    sample = sorted(SAMPLES.glob("*.txt"))[0]
    (drop / "báo cáo (1).txt").write_bytes(sample.read_bytes())
    (drop / "bản sao.txt").write_bytes(sample.read_bytes())  # same content, other name
    (drop / "rỗng.pdf").write_bytes(b"")
    settings = Settings.from_env(data_dir)
    db, pipe = Database(settings.database_url), Pipeline(settings)
    blobs = BlobStore(settings.blobs_dir)
    w = Watcher(drop, settle=0)
    summary = consume(db, pipe, blobs, w)
    assert (summary.done, summary.failed) == (1, 1)
    assert {p.name for p in (drop / ".done").iterdir()} == {"bản sao.txt", "báo cáo (1).txt"}
    reason = (drop / ".failed" / "rỗng.pdf.reason.txt").read_text()
    assert reason.startswith("bad_input")
    assert [p for p in drop.iterdir() if not p.name.startswith(".")] == []

    # Dropped again later: recognised by content, not stored twice.
    (drop / "lại.txt").write_bytes(sample.read_bytes())
    os.utime(drop / "lại.txt", (time.time() - 60, time.time() - 60))
    again = consume(db, pipe, blobs, Watcher(drop, settle=0))
    assert (again.done, again.known) == (0, 1)
    with db.session() as s:
        assert repo.count_documents(s) == 1
    pipe.close()
    db.close()
