"""The queue of batch items: states, the compare-and-set claim, leases, retries.

An item moves queued -> processing -> done | failed(reason, retryable). Every state
change is a compare-and-set on (state, attempts), so two runners (embedded pool, Celery
workers, a restarted process) can never both take an item. A runner holding items beats
a heartbeat on them every few seconds (its lease); an item whose holder stopped beating
(kill -9, a lost machine, a restored backup) is taken back by whoever looks next: any
runner, worker or the server. Transient failures come back after an exponential
backoff; permanent ones (corrupt, encrypted, over limits) do not.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, cast

from sqlalchemy import CursorResult, Executable, Select, func, or_, select, update
from sqlalchemy.orm import Session

from schemas import SohoaError
from service.safetext import scrub_paths
from service.storage import repo
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import BatchItemRow, BatchRow, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LEASE_S = 60.0  # a holder silent this long has stopped (SOHOA_LEASE_S)


class ItemState(StrEnum):
    """Where a batch item is; stored as its value."""

    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class ItemOutcome(StrEnum):
    """What a done item became: a new document, or one the archive already had."""

    STORED = "stored"
    KNOWN = "known"


class BatchState(StrEnum):
    """A batch is receiving while its files are attached one by one."""

    RECEIVING = "receiving"
    RECEIVED = "received"
    INTERRUPTED = "interrupted"  # its creator died while receiving: the files attached stay


class Claim(StrEnum):
    """The answer to a claim of one item by id."""

    CLAIMED = "claimed"
    BUSY = "busy"  # its content is being processed under another item: try again soon
    NO = "no"  # done, held by a live runner, or not due


OPEN = (ItemState.QUEUED, ItemState.PROCESSING)
NO_ORIGINAL = ":"  # sha256 of items with no stored original: "unreadable:N", "discarded:N"


def backoff_s(attempts: int, base: float) -> float:
    """Wait before retry number ``attempts``: base, 2x base, 4x base ..."""
    return base * 2 ** max(0, attempts - 1)


def aware(dt: datetime | None) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if dt is None:
        return datetime.min.replace(tzinfo=UTC)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _due(item: BatchItemRow, base: float, now: datetime) -> bool:
    if item.state == ItemState.QUEUED:
        return True
    wait = timedelta(seconds=backoff_s(item.attempts, base))
    failed = item.state == ItemState.FAILED and item.retryable
    return failed and aware(item.updated_at) + wait <= now


def fail(item: BatchItemRow, err: SohoaError) -> None:
    """Mark an item failed: retryable if the error is transient and attempts are left."""
    item.state = ItemState.FAILED
    item.error_kind = err.kind.value
    item.retryable = err.retryable and item.attempts < MAX_ATTEMPTS
    gave_up = err.retryable and not item.retryable and item.attempts > 1
    message = scrub_paths(err.message)  # readers see errors; the server's paths are not theirs
    item.error = message + (f" (gave up after {item.attempts} attempts)" if gave_up else "")
    item.updated_at = utcnow()


# -- leases ----------------------------------------------------------------------------


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_alive(holder: str | None, beat: datetime | None, lease_s: float) -> bool:
    """Is the runner that holds something still running? Its heartbeat is recent; on this
    host a dead pid is known at once (no need to wait for the lease to run out)."""
    if aware(beat) <= datetime.now(UTC) - timedelta(seconds=lease_s):
        return False
    host, _, pid = (holder or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _alive(item: BatchItemRow, lease_s: float) -> bool:
    return holder_alive(item.claimed_by, item.heartbeat_at or item.claimed_at, lease_s)


class Heartbeat:
    """Renews the lease of every item this process holds, from a daemon thread.

    One per process and database: items are found by ``claimed_by``, so the runner does
    not have to register them; a process that stops (kill -9, frozen machine) stops
    beating and its items are reclaimed by the next runner that looks. The thread ends
    when the process holds nothing; a claim calls ``ensure`` before and after it commits,
    so a claim racing with that end starts a new one.
    """

    _all: ClassVar[dict[str, Heartbeat]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, db: Database, lease_s: float) -> None:
        self.db, self.every = db, max(0.5, lease_s / 4)
        self.pid = os.getpid()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sohoa-heartbeat", daemon=True)
        self._thread.start()

    @classmethod
    def ensure(cls, db: Database, lease_s: float) -> Heartbeat:
        """The process's heartbeat for ``db`` (started on first use, again after a fork)."""
        with cls._lock:
            beat = cls._all.get(db.url)
            if beat is None or beat.pid != os.getpid() or not beat._thread.is_alive():
                beat = cls._all[db.url] = cls(db, lease_s)
            return beat

    def beat(self) -> int:
        """Renew now; return how many items (and batches receiving) this process holds."""
        with self.db.session() as s:
            stmt = update(BatchItemRow).where(
                BatchItemRow.claimed_by == runner_id(),
                BatchItemRow.state == ItemState.PROCESSING,
            )
            n = _rowcount(s, stmt.values(heartbeat_at=utcnow()))
            n += _rowcount(
                s,
                update(BatchRow)
                .where(BatchRow.runner == runner_id(), BatchRow.state == BatchState.RECEIVING)
                .values(updated_at=utcnow()),
            )
        return n

    def _run(self) -> None:
        held, failing_since = 1, 0.0
        while not self._stop.wait(self.every):
            try:
                with Heartbeat._lock:  # ``ensure`` waits while we decide to end
                    held, failing_since = self.beat(), 0.0
                    if not held:
                        Heartbeat._all.pop(self.db.url, None)
                        return
            except Exception as e:  # a database hiccup: the next beat tries again ...
                if not failing_since:
                    log.warning("heartbeat failed: %s", e)
                    failing_since = time.monotonic()
                # ... until our leases have run out anyway: other runners take the items
                if not held or time.monotonic() - failing_since > 4 * self.every:
                    return

    def stop(self) -> None:
        self._stop.set()


def _cas(s: Session, item: BatchItemRow, **values: object) -> bool:
    """Move an item on only if nobody else moved it since we read it."""
    stmt = update(BatchItemRow).where(
        BatchItemRow.id == item.id,
        BatchItemRow.state == item.state,
        BatchItemRow.attempts == item.attempts,
    )
    return _rowcount(s, stmt.values(**values)) == 1


def requeue_orphans(
    db: Database, batch_id: int | None = None, lease_s: float = LEASE_S
) -> list[int]:
    """Items held by a runner that stopped beating go back to the queue; return their ids."""
    ids: list[int] = []
    with db.session() as s:
        stmt = select(BatchItemRow).where(BatchItemRow.state == ItemState.PROCESSING)
        if batch_id is not None:
            stmt = stmt.where(BatchItemRow.batch_id == batch_id)
        for item in list(s.scalars(stmt)):
            if not _alive(item, lease_s) and _cas(
                s, item, state=ItemState.QUEUED, claimed_by=None, updated_at=utcnow()
            ):
                ids.append(item.id)
    if ids:
        log.warning("re-queued %d item(s) left behind by a runner that stopped", len(ids))
    return ids


# -- lost messages ----------------------------------------------------------------------


def mark_sent(db: Database, item_ids: list[int]) -> None:
    """Record that these items' messages went to the broker just now."""
    with db.session() as s:
        stmt = update(BatchItemRow).where(BatchItemRow.id.in_(item_ids))
        s.execute(stmt.values(sent_at=utcnow()))


def unsent(db: Database, resend_s: float, backoff: float) -> list[int]:
    """Items whose broker message looks lost: still waiting ``resend_s`` after their last
    send (queued, or a retry past its backoff), while no runner has taken any item for as
    long. The second condition keeps a long backlog that is being worked through from
    being sent again and again; a lost message waits at most until the queue goes quiet.
    Items of a batch still receiving (its creator sends them) and copies of a content
    being processed (their message comes back by itself) are left alone."""
    now = datetime.now(UTC)
    cutoff = now - timedelta(seconds=resend_s)
    with db.session() as s:
        if aware(s.scalar(select(func.max(BatchItemRow.claimed_at)))) > cutoff:
            return []  # the usual answer while work goes on: the backlog is not read
        stmt = (
            select(BatchItemRow)
            .join(BatchRow)
            .where(
                or_(BatchItemRow.state == ItemState.QUEUED, _RETRY),
                BatchRow.state != BatchState.RECEIVING,
            )
        )
        waiting = [
            i for i in s.scalars(stmt.order_by(BatchItemRow.id)) if _lost(i, cutoff, backoff)
        ]
        if not waiting:
            return []
        busy = _busy(s)
    ids = [i.id for i in waiting if i.sha256 not in busy]
    if ids:
        log.warning("%d queued item(s) not taken for %.0f s: sending them again", len(ids),
                    resend_s)  # fmt: skip
    return ids


def _lost(item: BatchItemRow, cutoff: datetime, backoff: float) -> bool:
    """Waiting since before ``cutoff``: its last send and its last change (a release puts
    the message back; a send that failed left no time) are older, and so is the end of a
    retry's backoff (its message is sent with that delay)."""
    since = max(aware(item.sent_at), aware(item.updated_at))
    if item.state == ItemState.FAILED:
        due = aware(item.updated_at) + timedelta(seconds=backoff_s(item.attempts, backoff))
        since = max(since, due)
    return since <= cutoff


def reset_claims(db: Database) -> int:
    """Every item in progress back to the queue (a restored backup: its holders are gone)."""
    with db.session() as s:
        stmt = update(BatchItemRow).where(BatchItemRow.state == ItemState.PROCESSING)
        n = _rowcount(s, stmt.values(state=ItemState.QUEUED, claimed_by=None, heartbeat_at=None))
    if n:
        log.warning("restore: %d item(s) in progress at backup time queued again", n)
    return n


def _claim_one(s: Session, item: BatchItemRow) -> bool:
    now = utcnow()
    return _cas(
        s,
        item,
        state=ItemState.PROCESSING,
        claimed_at=now,
        heartbeat_at=now,
        claimed_by=runner_id(),
        attempts=item.attempts + 1,
        pages_done=0,
        updated_at=now,
    )


_RETRY = (BatchItemRow.state == ItemState.FAILED) & BatchItemRow.retryable.is_(True)


def _candidates(batch_id: int | None, retries_only: bool = False) -> Select:
    where = _RETRY if retries_only else or_(BatchItemRow.state == ItemState.QUEUED, _RETRY)
    stmt = select(BatchItemRow).where(where)
    if batch_id is not None:
        stmt = stmt.where(BatchItemRow.batch_id == batch_id)
    return stmt.order_by(BatchItemRow.id)


def _busy(s: Session) -> set[str]:
    """Contents some runner is processing now: a copy of one waits, then is "known"."""
    stmt = select(BatchItemRow.sha256).where(BatchItemRow.state == ItemState.PROCESSING)
    return set(s.scalars(stmt.distinct()))


def _known(s: Session, item: BatchItemRow) -> bool:
    """An item whose content is stored by now (a copy, or a retry after a crash) is done."""
    doc = repo.find_by_sha(s, item.sha256)
    if doc is None:
        return False
    return _cas(s, item, state=ItemState.DONE, outcome=ItemOutcome.KNOWN, document_id=doc.id,
                error_kind=None, error=None, retryable=False, updated_at=utcnow())  # fmt: skip


def claim(
    db: Database, batch_id: int | None, limit: int, backoff: float, lease_s: float = LEASE_S
) -> list[int]:
    """Take up to ``limit`` due items (queued, or failed-retryable past their backoff).

    Copies of a content being processed are left for later; copies of a stored content
    are marked known without any work.
    """
    Heartbeat.ensure(db, lease_s)
    now = datetime.now(UTC)
    got: list[int] = []
    with db.session() as s:
        busy = _busy(s)
        for item in s.scalars(_candidates(batch_id).limit(limit * 20)):
            if len(got) >= limit:
                break
            if item.sha256 in busy or not _due(item, backoff, now) or _known(s, item):
                continue
            if _claim_one(s, item):
                got.append(item.id)
                busy.add(item.sha256)
    if got:
        Heartbeat.ensure(db, lease_s)
    return got


def claim_item(db: Database, item_id: int, backoff: float, lease_s: float = LEASE_S) -> Claim:
    """Take one item by id (a Celery task's)."""
    Heartbeat.ensure(db, lease_s)
    with db.session() as s:
        item = s.get(BatchItemRow, item_id)
        if item is None:
            return Claim.NO
        # A task redelivered after its worker died takes the orphaned item over.
        orphan = item.state == ItemState.PROCESSING and not _alive(item, lease_s)
        if not orphan and not _due(item, backoff, datetime.now(UTC)):
            return Claim.NO
        if _known(s, item):
            return Claim.NO
        if not orphan and item.sha256 in _busy(s):
            return Claim.BUSY
        got = _claim_one(s, item)
    if got:
        Heartbeat.ensure(db, lease_s)
    return Claim.CLAIMED if got else Claim.NO


def set_pages(db: Database, item_id: int, done: int, total: int) -> None:
    """Progress of the item being processed (pages done of total)."""
    with db.session() as s:
        s.execute(
            update(BatchItemRow)
            .where(BatchItemRow.id == item_id)
            .values(pages_done=done, pages_total=total)
        )


def release(db: Database, item_ids: Iterable[int]) -> int:
    """Put items this runner claimed but did not finish back in the queue."""
    n = 0
    with db.session() as s:
        for item in [s.get(BatchItemRow, i) for i in item_ids]:
            if item is None or item.claimed_by != runner_id():
                continue
            if item.state == ItemState.PROCESSING:
                n += _cas(s, item, state=ItemState.QUEUED, claimed_by=None, updated_at=utcnow())
    return n


def next_retry_in(db: Database, batch_id: int | None, backoff: float) -> float | None:
    """Seconds until the earliest pending retry (None: nothing is waiting to be retried)."""
    now = datetime.now(UTC)
    waits = [
        (
            aware(i.updated_at) + timedelta(seconds=backoff_s(i.attempts, backoff)) - now
        ).total_seconds()
        for i in _load(db, _candidates(batch_id, retries_only=True))
    ]
    return max(0.0, min(waits)) if waits else None


# -- reading ---------------------------------------------------------------------------


def _load(db: Database, stmt: Select) -> list[BatchItemRow]:
    with db.session() as s:
        return list(s.scalars(stmt))


def get_item(db: Database, item_id: int) -> BatchItemRow | None:
    with db.session() as s:
        return s.get(BatchItemRow, item_id)


def item_row(s: Session, item_id: int) -> BatchItemRow:
    """An item that must exist (items are never deleted while a runner holds them)."""
    item = s.get(BatchItemRow, item_id)
    if item is None:
        raise LookupError(f"batch item {item_id} does not exist")
    return item


def held_item(db: Database, item_id: int) -> BatchItemRow:
    """``item_row`` in a session of its own."""
    with db.session() as s:
        return item_row(s, item_id)


def _rowcount(s: Session, stmt: Executable) -> int:
    """Rows an UPDATE changed (the compare-and-set's answer)."""
    return cast(CursorResult[Any], s.execute(stmt)).rowcount


def get_batch(db: Database, batch_id: int) -> BatchRow | None:
    with db.session() as s:
        return s.get(BatchRow, batch_id)


def batch_items(db: Database, batch_id: int) -> list[BatchItemRow]:
    stmt = select(BatchItemRow).where(BatchItemRow.batch_id == batch_id)
    return _load(db, stmt.order_by(BatchItemRow.id))


def items(db: Database, item_ids: Iterable[int]) -> list[BatchItemRow]:
    """Items by id, in id order."""
    stmt = select(BatchItemRow).where(BatchItemRow.id.in_(list(item_ids)))
    return _load(db, stmt.order_by(BatchItemRow.id))


def open_item_ids(db: Database, batch_id: int | None = None) -> list[int]:
    """Items still to do: queued, processing, or failed with a retry pending."""
    stmt = select(BatchItemRow.id).where(or_(BatchItemRow.state.in_(OPEN), _RETRY))
    if batch_id is not None:
        stmt = stmt.where(BatchItemRow.batch_id == batch_id)
    with db.session() as s:
        return list(s.scalars(stmt.order_by(BatchItemRow.id)))


def is_finished(items: list[BatchItemRow]) -> bool:
    """Every file done, or failed with no retry pending."""
    return all(
        i.state == ItemState.DONE or (i.state == ItemState.FAILED and not i.retryable)
        for i in items
    )


def held_elsewhere(db: Database, batch_id: int | None, lease_s: float = LEASE_S) -> int:
    """Items of a batch (or all) that another live runner is processing now."""
    stmt = select(BatchItemRow).where(
        BatchItemRow.state == ItemState.PROCESSING, BatchItemRow.claimed_by != runner_id()
    )
    if batch_id is not None:
        stmt = stmt.where(BatchItemRow.batch_id == batch_id)
    return sum(_alive(i, lease_s) for i in _load(db, stmt))


def retry_failed(db: Database, batch_id: int) -> int:
    """Queue a batch's failed items again (after the user fixed a limit, a dependency ...)."""
    with db.session() as s:
        stmt = select(BatchItemRow).where(
            BatchItemRow.batch_id == batch_id,
            BatchItemRow.state == ItemState.FAILED,
            ~BatchItemRow.sha256.contains(NO_ORIGINAL),
        )
        n = 0
        for item in list(s.scalars(stmt)):
            n += _cas(s, item, state=ItemState.QUEUED, retryable=False, attempts=0,
                      updated_at=utcnow())  # fmt: skip
        return n


def discard_failed(db: Database, blobs: BlobStore, batch_id: int) -> int:
    """Delete the stored originals of a batch's files that failed for good (corrupt,
    over a limit ...): no document holds them, so nothing else could ever delete them.
    A content still referenced (a document, another item) stays. Returns how many went."""
    with db.session() as s:
        stmt = select(BatchItemRow).where(
            BatchItemRow.batch_id == batch_id,
            BatchItemRow.state == ItemState.FAILED,
            BatchItemRow.retryable.is_(False),
            ~BatchItemRow.sha256.contains(NO_ORIGINAL),
        )
        failed = list(s.scalars(stmt))
        ids = [i.id for i in failed]
        gone = 0
        for item in failed:
            others = select(func.count(BatchItemRow.id)).where(
                BatchItemRow.sha256 == item.sha256, BatchItemRow.id.not_in(ids)
            )
            shared = s.scalar(others) or repo.find_by_sha(s, item.sha256) is not None
            if not shared:
                gone += blobs.delete(item.sha256)
            item.sha256 = f"discarded:{item.id}"
            item.error = f"{item.error or ''} (original deleted)".strip()
    return gone


def list_batches(db: Database, limit: int = 50, lease_s: float = LEASE_S) -> list[dict]:
    """Recent batches with their per-state counts; items a dead runner held count as queued."""
    with db.session() as s:
        batches = list(s.scalars(select(BatchRow).order_by(BatchRow.id.desc()).limit(limit)))
        ids = [b.id for b in batches]
        rows = s.execute(
            select(BatchItemRow.batch_id, BatchItemRow.state, func.count())
            .where(BatchItemRow.batch_id.in_(ids))
            .group_by(BatchItemRow.batch_id, BatchItemRow.state)
        ).all()
        held = s.scalars(
            select(BatchItemRow).where(
                BatchItemRow.batch_id.in_(ids), BatchItemRow.state == ItemState.PROCESSING
            )
        )
        stranded = [i.batch_id for i in held if not _alive(i, lease_s)]
    counts: dict[int, dict[str, int]] = {}
    for bid, st, n in rows:
        counts.setdefault(bid, {})[st] = n
    for bid in stranded:
        counts[bid][ItemState.PROCESSING] -= 1
        counts[bid][ItemState.QUEUED] = counts[bid].get(ItemState.QUEUED, 0) + 1
    return [
        {"id": b.id, "source": b.source, "created_at": b.created_at, "state": b.state,
         **counts.get(b.id, {})}
        for b in batches
    ]  # fmt: skip
