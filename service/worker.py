"""Runners for batch items: which one is chosen by configuration, the work is the same.

Embedded (default): this process's page pool takes due items from the database.
Celery (``Settings.broker_url`` set): items are sent as tasks; `sohoa worker` processes
them on any number of machines that share the database and the blob directory. Every
worker (and the server, and `sohoa ingest` while it waits) takes back the items of a
runner that stopped beating its lease and sends them again, whatever the broker does
with the lost worker's message.
"""

from __future__ import annotations

import fcntl
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import click
from celery import Celery

from service import batches
from service.batches import queue
from service.config import Settings
from service.pipeline import Pipeline
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import BatchItemRow

log = logging.getLogger(__name__)


class NoWorker(RuntimeError):
    """Items were sent to a queue that no live worker consumes."""


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


# -- one OCR pool per machine ------------------------------------------------------------


_slots: list[IO[bytes]] = []  # held for the life of the process; the kernel frees them on exit


def claim_cores(wanted: int = 0) -> int:
    """OCR processes for this worker: ``wanted``, or else the cores no other sohoa worker
    on this machine holds (so two workers on one host share its cores, not double them).

    Cores are lock files in the temp dir, held with flock: a worker killed with -9 frees
    its cores at once. At least one process is always taken."""
    if wanted > 0:
        return wanted
    cores = os.cpu_count() or 1
    folder = Path(tempfile.gettempdir()) / f"sohoa-cores-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    for n in range(cores):
        f = open(folder / f"{n}.lock", "wb")  # noqa: SIM115 -- held open on purpose
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.close()
            continue
        _slots.append(f)
    if not _slots:
        log.warning("every core of this machine is held by another sohoa worker: using one")
        return 1
    return len(_slots)


# -- the Celery worker -------------------------------------------------------------------


def run_celery_worker(
    settings: Settings, concurrency: int = 0, loglevel: str = "INFO", name: str = ""
) -> int:
    """Run a Celery worker in this process (blocks); return its exit code (0: stopped
    cleanly, non-zero: a fatal error such as a lost broker). Task threads feed one pool
    of ``concurrency`` OCR processes (default: the machine's free cores)."""
    from service import celery_app

    global _settings
    settings.workers = claim_cores(concurrency)
    _settings = settings
    app = celery_app.configure(settings)
    threads = 2 * settings.workers
    reclaimer = Reclaimer(settings, Database(settings.database_url))
    reclaimer.start()
    log.info("worker: %d OCR process(es), %d task threads", settings.workers, threads)
    try:
        code = _celery_main(
            app,
            [
                "worker",
                "--pool=threads",
                f"--concurrency={threads}",
                f"--queues={celery_app.queue_name()}",
                f"--loglevel={loglevel}",
                f"--hostname={name or f'sohoa-{os.getpid()}@%h'}",  # two on one host: unique
                "--without-gossip",
                "--without-mingle",
            ],
        )
    finally:
        reclaimer.stop()
    return code


def _celery_main(app: Celery, argv: list[str]) -> int:
    """``app.start`` keeps the worker's exit code to itself (a worker that fails at start,
    e.g. its node name taken on RabbitMQ, would exit 0): run the same command, keep it."""
    from celery.bin.celery import celery as command

    command.params[0].default = app
    try:
        code = command.main(args=argv, standalone_mode=False)
    except click.exceptions.Exit as e:
        code = e.exit_code
    finally:
        command.params[0].default = None
    return int(code or 0)


class Reclaimer:
    """Every few seconds, items of a runner that stopped beating go back to the queue and,
    with a broker, are sent again, as are queued items whose message the broker lost
    (``queue.unsent``); batches whose creator died while receiving are closed."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings, self.db = settings, db
        self.every = max(0.5, settings.lease_s / 4)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sohoa-reclaimer", daemon=True)

    def start(self) -> Reclaimer:
        self._thread.start()
        return self

    def pass_once(self) -> int:
        """One look; return how many items were sent again."""
        st = self.settings
        ids = batches.requeue_orphans(self.db, None, st.lease_s)
        for batch_id in batches.recover_receiving(self.db, st.lease_s):
            ids += batches.open_item_ids(self.db, batch_id)  # its creator never sent them
        if not st.broker_url:
            return len(ids)
        ids += queue.unsent(self.db, st.resend_s, st.retry_backoff_s)  # lost by the broker
        if ids:
            dispatch(st, self.db, sorted(set(ids)))
        return len(set(ids))

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.pass_once()
            except Exception:  # the database or broker is down for a moment: try again
                log.warning("reclaiming stranded items failed", exc_info=True)

    def stop(self) -> None:
        self._stop.set()


def dispatch(settings: Settings, db: Database, item_ids: list[int]) -> int:
    """Send one task per item to the broker and record when (a message lost later is sent
    again from that time on). Sending twice is harmless (claims are CAS)."""
    from service import celery_app

    app = celery_app.configure(settings)
    with app.connection_for_write() as conn:
        for item_id in item_ids:
            app.send_task(
                "sohoa.process_item",
                args=[item_id],
                queue=celery_app.queue_name(),
                connection=conn,
            )
    if item_ids:
        queue.mark_sent(db, item_ids)
    return len(item_ids)


def consumers(settings: Settings, timeout_s: float = 2.0) -> list[str]:
    """Names of the live workers that consume this queue (asked over the broker)."""
    from service import celery_app

    app = celery_app.configure(settings)
    replies = app.control.inspect(timeout=timeout_s).active_queues() or {}
    name = celery_app.queue_name()
    return sorted(w for w, qs in replies.items() if any(q.get("name") == name for q in qs))


def submit(settings: Settings, db: Database, batch_id: int | None = None) -> int:
    """Hand a batch's open items to Celery (no-op in embedded mode, where the pool polls)."""
    batches.requeue_orphans(db, batch_id, settings.lease_s)
    if not settings.broker_url:
        return 0
    return dispatch(settings, db, batches.open_item_ids(db, batch_id))


Watch = Callable[[list[BatchItemRow]], None]


def wait(
    db: Database,
    item_ids: list[int],
    on_change: Watch | None = None,
    poll_s: float = 0.5,
    timeout_s: float | None = None,
    settings: Settings | None = None,
) -> list[BatchItemRow]:
    """Wait for items other processes work on; report them as they change.

    With ``settings`` (broker mode) it also reclaims stranded items, and raises NoWorker
    when nothing moved for a few seconds and no live worker consumes the queue.
    """
    last: tuple = ()
    deadline = time.monotonic() + timeout_s if timeout_s else None
    reclaim = Reclaimer(settings, db) if settings else None
    still_since, next_reclaim = time.monotonic(), 0.0
    while True:
        if deadline and time.monotonic() > deadline:
            raise TimeoutError(f"{len(item_ids)} item(s) not finished after {timeout_s} s")
        items = queue.items(db, item_ids)
        snapshot = tuple((i.state, i.pages_done) for i in items)
        if snapshot != last:
            still_since = time.monotonic()
            if on_change:
                on_change(items)
        last = snapshot
        if batches.is_finished(items):
            return items
        if reclaim and time.monotonic() >= next_reclaim:
            reclaim.pass_once()
            next_reclaim = time.monotonic() + reclaim.every
        if settings and time.monotonic() - still_since > NO_WORKER_PROBE_S:
            if not consumers(settings):
                raise NoWorker(f"no live worker consumes queue {_queue()!r}")
            still_since = time.monotonic() + 25  # a worker is there, busy: ask again later
        time.sleep(poll_s)


NO_WORKER_PROBE_S = 5.0  # nothing moved this long: is any worker there at all?


def _queue() -> str:
    from service import celery_app

    return celery_app.queue_name()
