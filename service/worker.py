"""Runners for batch items: which one is chosen by configuration, the work is the same.

Embedded (default): this process's page pool takes due items from the database.
Celery (``Settings.broker_url`` set): items are sent as tasks; `sohoa worker` processes
them on any number of machines that share the database and the blob directory.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from service import jobs
from service.config import Settings
from service.pipeline import Pipeline
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import BatchItemRow

log = logging.getLogger(__name__)


@dataclass
class Context:
    """What a Celery worker process shares between its task threads."""

    settings: Settings
    db: Database
    blobs: BlobStore
    pipeline: Pipeline


_ctx: Context | None = None
_settings: Settings | None = None
_lock = threading.Lock()


def context() -> Context:
    """The worker's context, built once (from `sohoa worker`'s settings, else SOHOA_*)."""
    global _ctx
    with _lock:
        if _ctx is None:
            settings = _settings or Settings.from_env()
            settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            db = Database(settings.database_url)
            pipeline = Pipeline(settings)
            pipeline.pool()  # made here, under the lock: task threads share one pool
            pipeline.repair_model()
            _ctx = Context(settings, db, BlobStore(settings.blobs_dir), pipeline)
        return _ctx


def run_celery_worker(settings: Settings, concurrency: int = 0, loglevel: str = "INFO") -> None:
    """Run a Celery worker in this process (blocks). Threads feed the one page pool."""
    from service import celery_app

    global _settings
    _settings = settings
    celery_app.app.conf.broker_url = settings.broker_url
    threads = concurrency or 2 * settings.workers
    celery_app.app.worker_main(
        [
            "worker",
            "--pool=threads",
            f"--concurrency={threads}",
            f"--queues={celery_app.queue_name()}",
            f"--loglevel={loglevel}",
            f"--hostname=sohoa-%h-{threads}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


def dispatch(settings: Settings, item_ids: list[int]) -> int:
    """Send one task per item to the broker. Sending twice is harmless (claims are CAS)."""
    from service import celery_app

    app = celery_app.app
    app.conf.broker_url = settings.broker_url
    with app.connection_for_write() as conn:
        for item_id in item_ids:
            app.send_task(
                "sohoa.process_item",
                args=[item_id],
                queue=celery_app.queue_name(),
                connection=conn,
            )
    return len(item_ids)


def submit(settings: Settings, db: Database, batch_id: int | None = None) -> int:
    """Hand a batch's open items to Celery (no-op in embedded mode, where the pool polls)."""
    jobs.requeue_orphans(db, batch_id)
    if not settings.broker_url:
        return 0
    return dispatch(settings, jobs.open_item_ids(db, batch_id))


Watch = Callable[[list[BatchItemRow]], None]


def wait(
    db: Database,
    batch_id: int,
    on_change: Watch | None = None,
    poll_s: float = 0.5,
    timeout_s: float | None = None,
) -> list[BatchItemRow]:
    """Wait for a batch that other processes work on; report its items as they change."""
    last: tuple = ()
    deadline = time.monotonic() + timeout_s if timeout_s else None
    while True:
        if deadline and time.monotonic() > deadline:
            raise TimeoutError(f"batch {batch_id} not finished after {timeout_s} s")
        items = jobs.batch_items(db, batch_id)
        snapshot = tuple((i.state, i.pages_done) for i in items)
        if on_change and snapshot != last:
            on_change(items)
        last = snapshot
        if jobs.is_finished(items):
            return items
        time.sleep(poll_s)
