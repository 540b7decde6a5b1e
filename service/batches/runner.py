"""Runners: the embedded one (this process's page pool takes due items) and the body of
the Celery task (one item by id). Both claim with the queue's compare-and-set, process
with the pipeline and store through ``service.outcome.store``, which writes the document
and the item's final state in one transaction: a crash leaves either both or neither.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from service.batches import queue
from service.batches.queue import Claim, ItemOutcome, ItemState
from service.outcome import store
from service.pipeline import Outcome, Pipeline
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import BatchItemRow, DocumentRow, utcnow

log = logging.getLogger(__name__)

BUSY_RETRY_S = 5.0  # a Celery task whose content another item is processing comes back
POLL_S = 1.0  # waiting on items another runner holds


@dataclass
class Summary:
    """Counts of one run, for the CLI table and the API."""

    done: int = 0
    known: int = 0
    failed: int = 0


ItemFn = Callable[[BatchItemRow, str], None]
ProgressFn = Callable[[str, int, int], None]


def record_outcome(db: Database, item_id: int, out: Outcome, models_dir: Path) -> str:
    """Write the document and the item's final state in one transaction; return
    'done' (a new document), 'known' (already stored) or 'failed'."""
    try:
        return _record(db, item_id, out, models_dir)
    finally:
        out.close()


def _record(db: Database, item_id: int, out: Outcome, models_dir: Path) -> str:
    if out.error is not None:
        with db.session() as s:
            queue.fail(queue.item_row(s, item_id), out.error)
        return ItemState.FAILED.value
    item = queue.held_item(db, item_id)
    document, record = out.result()

    def finish(s: Session, row: DocumentRow, created: bool) -> None:
        it = queue.item_row(s, item_id)
        it.state = ItemState.DONE
        it.outcome = ItemOutcome.STORED if created else ItemOutcome.KNOWN
        it.error_kind = it.error = None
        it.retryable = False
        it.document_id, it.updated_at = row.id, utcnow()
        it.pages_total = it.pages_done = document.source.pages

    name = Path(item.filename).name
    stored = store(db, name, document, record, models_dir, finish, out.stored_pages)
    return "done" if stored.created else ItemOutcome.KNOWN.value


def process_item(
    db: Database, pipeline: Pipeline, blobs: BlobStore, item_id: int
) -> tuple[str, float | None]:
    """One item by id, start to finish: the Celery task's body.

    Returns the item's new state ('done', 'known', 'failed'; 'skipped' when another
    runner has it or it is done; 'waiting' when the same content is being processed
    under another item) and, if it must come back, the seconds to wait before that.
    """
    settings = pipeline.settings
    backoff = settings.retry_backoff_s
    got = queue.claim_item(db, item_id, backoff, settings.lease_s)
    if got == Claim.BUSY:
        return "waiting", BUSY_RETRY_S
    if got != Claim.CLAIMED:
        return "skipped", None
    item = queue.held_item(db, item_id)
    pages = lambda _path, done, total: queue.set_pages(db, item_id, done, total)  # noqa: E731
    try:
        out = next(pipeline.process_many([blobs.path(item.sha256)], pages, spooled=True))
        state = record_outcome(db, item_id, out, settings.models_dir)
    except BaseException:  # a bug or a shutdown: hand the item back, the message comes back
        queue.release(db, [item_id])
        raise
    item = queue.held_item(db, item_id)
    if state == ItemState.FAILED and item.retryable:
        return state, queue.backoff_s(item.attempts, backoff)
    return state, None


def run_queued(
    db: Database,
    pipeline: Pipeline,
    blobs: BlobStore,
    batch_id: int | None = None,
    progress: ProgressFn | None = None,
    on_item: ItemFn | None = None,
    wait_retries: bool = False,
) -> Summary:
    """Process every due item (of one batch, or all) with the embedded pool.

    Items a stopped runner held are taken back first. With ``wait_retries`` it also
    sleeps through the backoff of transient failures and waits on items another live
    runner holds (a server sharing the data dir), until every item is done or failed for
    good: what `sohoa ingest` and `resume` want. The server's loop instead comes back
    every few seconds.
    """
    summary = Summary()
    settings = pipeline.settings
    while True:
        queue.requeue_orphans(db, batch_id, settings.lease_s)
        if _run_stream(db, pipeline, blobs, batch_id, summary, progress, on_item):
            continue
        if not wait_retries:
            return summary
        wait = _wait_for_others(db, batch_id, settings.retry_backoff_s, settings.lease_s)
        if wait is None:
            return summary
        time.sleep(wait)


def _wait_for_others(
    db: Database, batch_id: int | None, backoff: float, lease_s: float
) -> float | None:
    """Seconds to sleep before looking again, None when nothing is left to wait for."""
    retry = queue.next_retry_in(db, batch_id, backoff)
    if queue.held_elsewhere(db, batch_id, lease_s):
        return min(POLL_S, retry) if retry is not None else POLL_S
    return None if retry is None else min(retry, 60.0)


def _run_stream(
    db: Database,
    pipeline: Pipeline,
    blobs: BlobStore,
    batch_id: int | None,
    summary: Summary,
    progress: ProgressFn | None,
    on_item: ItemFn | None,
) -> bool:
    """Process due items until none is left to claim; False when there was none.

    Items are claimed a few at a time as the pipeline asks for its next file, not chunk by
    chunk: the pool then always has the next files' pages queued, so no core waits while
    the last file of a chunk is finished and stored and the next chunk is inspected.
    """
    settings = pipeline.settings
    held: deque[BatchItemRow] = deque()  # given to the pipeline, outcome not yet stored
    by_path: dict[str, int] = {}  # one item per content at a time (the claim sees to it)

    def paths() -> Iterator[Path]:
        while ids := queue.claim(
            db, batch_id, 2 * settings.workers, settings.retry_backoff_s, settings.lease_s
        ):
            for item in queue.items(db, ids):
                held.append(item)
                path = blobs.path(item.sha256)
                by_path[str(path)] = item.id
                yield path

    def report(path: str, done: int, total: int) -> None:
        queue.set_pages(db, by_path[path], done, total)
        if progress:
            progress(path, done, total)

    ran = False
    try:
        for out in pipeline.process_many(paths(), report, spooled=True):
            item = held[0]
            state = record_outcome(db, item.id, out, settings.models_dir)
            held.popleft()
            ran = True
            setattr(summary, state, getattr(summary, state) + 1)
            if on_item:
                on_item(queue.held_item(db, item.id), state)
    finally:
        if held:  # interrupted (Ctrl-C, a bug): give the claimed items back at once
            queue.release(db, [i.id for i in held])
    return ran
