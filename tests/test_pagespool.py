"""Pages go to a spool on disk as they finish; what is stored is what was stored before;
a crash mid-document leaves the item to redo and its spool to the sweep."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from schemas import Box, HeadingReading, LineReading, Page, PageRoute, Word
from service import readmodel
from service.batches import intake
from service.batches.queue import ItemState
from service.pagespool import SPOOL_DIR, PageSpool
from service.storage import repo
from service.storage.models import BatchItemRow, DocumentRow
from tests.conftest import SAMPLES
from tests.test_jobs_batches import Env

SCAN = SAMPLES / "bc-12-quy-i-2025-scan.pdf"  # two scanned pages (OCR cached for tests)


def _spooled(data: Path) -> list[Path]:
    return sorted((data / SPOOL_DIR).glob("*.ndjson"))


def _page(n: int, words: int) -> Page:
    ws = [Word(text=f"Quyết{i}", box=Box(x0=i, y0=0, x1=i + 1, y1=1), conf=90.0, start=7 * i)
          for i in range(words)]  # fmt: skip
    return Page(number=n, text=" ".join(w.text for w in ws), route=PageRoute.OCR, words=ws)


def test_spool_keeps_words_on_disk(tmp_path: Path) -> None:
    spool = PageSpool(tmp_path, "a" * 64)
    pages = [_page(1, 3), _page(2, 0), _page(3, 5)]
    pages[0] = pages[0].model_copy(update={"original_text": "Quyet0 Quyet1 Quyet2"})
    box = Box(x0=0, y0=0, x1=9, y1=1)
    pages[2] = pages[2].model_copy(  # second readings: memory goes without them too
        update={
            "line_readings": [LineReading(box=box, words=pages[2].words[:2], model="t")],
            "heading": HeadingReading(box=box, dpi=400, text="Quyết0", words=pages[2].words[:1]),
        }
    )
    light = [spool.add(p) for p in pages]
    assert [p.words for p in light] == [[], [], []]
    assert (light[2].line_readings, light[2].heading) == ([], None)
    assert [p.text for p in light] == [p.text for p in pages]
    assert [p.original_text for p in light] == [None, None, None]  # only its row needs it
    assert light[1] is pages[1]  # nothing to leave out: the page itself, no copy
    assert spool.page(3) == pages[2] and spool.page(9) is None  # read back whole
    stored = spool.stored()
    unspooled = [repo.stored_page(p) for p in pages]
    assert list(stored) == unspooled  # what an unspooled document stores, page for page
    assert list(stored) == unspooled  # read again from disk: a retried insert gets them all
    assert [d["number"] for d in stored] == [1, 2, 3] and "text" not in unspooled[0]
    assert [d["original_text"] for d in stored] == ["Quyet0 Quyet1 Quyet2", None, None]
    spool.close()
    assert _spooled(tmp_path) == []


def test_pages_are_spooled_as_they_finish(data_dir: Path) -> None:
    env = Env(data_dir, "")
    lines_seen: list[int] = []

    def progress(_path: str, done: int, _total: int) -> None:
        [spool] = _spooled(data_dir)
        lines_seen.append(len(spool.read_bytes().splitlines()))
        assert lines_seen[-1] == done  # this page is on disk before the next one is read

    try:
        [out] = env.pipeline.process_many([SCAN], progress, spooled=True)
        [whole] = env.pipeline.process_many([SCAN])
    finally:
        env.close()
    assert lines_seen == [1, 2]
    document, record = out.result()
    assert all(not p.words and not p.line_readings and p.heading is None for p in document.pages)
    full, full_record = whole.result()
    assert any(p.words for p in full.pages) and full.pages[0].heading is not None
    assert any(p.line_readings for p in full.pages) and full.pages[0].hand_digits
    assert record == full_record  # extraction read the same words back from the spool
    assert out.stored_pages is not None
    assert list(out.stored_pages) == [repo.stored_page(p) for p in full.pages]
    assert len(_spooled(data_dir)) == 1  # kept for storage, until the outcome is closed
    out.close()
    assert _spooled(data_dir) == []


def test_stored_pages_match_unspooled_storage(data_dir: Path, db_url: str) -> None:
    env = Env(data_dir, db_url)
    try:
        [whole] = env.pipeline.process_many([SCAN])
        env.batch([SCAN])
        assert env.run().done == 1
        document, _ = whole.result()
        with env.db.session() as s:
            row = s.scalars(select(DocumentRow)).one()
            pages = [repo.stored_page(p) for p in document.pages]
            assert readmodel.page_infos(s, row.id) == pages and row.text == document.text
            assert any(p["words"] for p in pages)
    finally:
        env.close()
    assert _spooled(data_dir) == []  # the stored outcome's spool is gone


class Crash(BaseException):
    """What a kill looks like from inside: nothing after it runs in this process."""


def test_crash_mid_document_leaves_it_to_redo(data_dir: Path) -> None:
    env = Env(data_dir, "")
    try:
        env.batch([SCAN])

        def die_after_first_page(_path: str, done: int, _total: int) -> None:
            if done == 1:
                leftover = _spooled(data_dir)[0]  # what a kill -9 would leave behind
                (data_dir / "left.ndjson").write_bytes(leftover.read_bytes())
                raise Crash

        with pytest.raises(Crash):
            env.run(progress=die_after_first_page)
        assert env.documents() == 0  # nothing half-written
        with env.db.session() as s:
            [item] = s.scalars(select(BatchItemRow)).all()
            assert item.state == ItemState.QUEUED  # handed back: the next run redoes it
        stale = data_dir / SPOOL_DIR / f"{'b' * 64}-1-dead.ndjson"
        (data_dir / "left.ndjson").rename(stale)
        old = time.time() - 7200
        os.utime(stale, (old, old))
        summary = env.run()
        assert summary.done == 1 and env.documents() == 1
        assert stale.exists()  # the sweep, not the run, removes crash leftovers
        fresh = data_dir / SPOOL_DIR / f"{'c' * 64}-2-live.ndjson"
        fresh.write_text("")
        gone = intake.sweep(env.db, env.blobs, grace_s=3600)
        assert gone["spool"] == 1 and not stale.exists() and fresh.exists()
    finally:
        env.close()
