"""Batches: every accepted file is kept (content-addressed) and ends done or failed.

A batch item moves queued -> processing -> done | failed(reason, retryable). The
original is stored in the blob store *before* the item is queued, so no accepted file
can be lost; the document row and the item's final state are written in one
transaction, so a crash leaves either both or neither. Every state change is a
compare-and-set on (state, attempts), so two runners (embedded pool, Celery workers,
a restarted process) can never both take an item. Items left 'processing' by a dead
runner are re-queued; transient failures (timeout, worker lost) come back after an
exponential backoff, permanent ones (corrupt, encrypted, over limits) do not.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import socket
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

import ingest
from normalize import codes, repair
from schemas import ErrorKind, Limits, PageRoute, SohoaError
from service import PIPELINE_VERSION
from service.config import Settings
from service.pipeline import Outcome, Pipeline
from service.safetext import csv_row, scrub_paths, zip_member_name
from service.storage import repo
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import BatchItemRow, BatchRow, DocumentRow, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BUSY_RETRY_S = 5.0  # a Celery task whose content another item is processing comes back
LEASE_S = 6 * 3600  # a claim older than this is presumed lost even on another host
ZIP_MAX_MEMBERS = 10_000
ZIP_RATIO_FLOOR = 1 << 20  # below 1 MiB expanded, any compression ratio is harmless
ZIP_MAGIC = b"PK\x03\x04"
OPEN = ("queued", "processing")


@dataclass
class Summary:
    """Counts of one run, for the CLI table and the API."""

    done: int = 0
    known: int = 0
    failed: int = 0


# -- creating batches ------------------------------------------------------------------


def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files under folders named (recursively, sorted, hidden ones skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(p)
    return out


@dataclass
class ZipCaps:
    """What the zips of one batch may expand to: in all, and per member relative to its
    compressed size (a 1 MB zip must not become a gigabyte of originals)."""

    total_bytes: int = 2 * 1024**3
    max_ratio: int = 200
    used: int = 0

    def left(self) -> int:
        return self.total_bytes - self.used

    @classmethod
    def of(cls, settings: Settings) -> ZipCaps:
        """Fresh caps for one batch (SOHOA_MAX_BATCH_BYTES, SOHOA_ZIP_MAX_RATIO)."""
        return cls(settings.max_batch_bytes, settings.zip_max_ratio)


@dataclass
class _Entry:
    """One file to queue: a path on disk, or the reason it cannot be read."""

    name: str
    path: Path | None = None
    error: SohoaError | None = None


def is_archive(path: Path) -> bool:
    """A .zip that is a zip, or was one: a truncated zip (no central directory) still
    starts with a member header, and fails as a zip, not as an unknown file type."""
    if path.suffix.lower() != ".zip":
        return False
    with open(path, "rb") as f:
        return f.read(4) == ZIP_MAGIC or zipfile.is_zipfile(path)


def _copy_capped(src, dest: Path, cap: int, ratio_cap: int) -> int:
    """Copy at most ``cap`` bytes and at most ``ratio_cap`` bytes (once past 1 MiB); return
    bytes written, -1 past the cap, -2 past the ratio.

    Sizes declared in a zip's directory are not trusted: only decompressed bytes count.
    """
    written = 0
    with open(dest, "wb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > cap:
                return -1
            if written > max(ratio_cap, ZIP_RATIO_FLOOR):
                return -2
            out.write(chunk)
    return written


def expand_zip(
    archive: Path,
    name: str,
    workdir: Path,
    max_file_bytes: int,
    caps: ZipCaps | None = None,
    max_members: int = ZIP_MAX_MEMBERS,
) -> list[_Entry]:
    """The files of a zip, extracted under numbered names (member paths never touch the disk).

    A member's path is only its display name, so nothing can land outside ``workdir``;
    members with absolute or '..' paths are refused all the same, as the hostile files
    they are. Zip bombs are bounded by counting decompressed bytes per member (against the
    file limit and the compression ratio) and per batch.
    """
    caps = caps or ZipCaps()
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as e:
        msg = f"truncated or corrupt zip archive ({scrub_paths(str(e))})"
        return [_Entry(name, error=SohoaError(ErrorKind.BAD_INPUT, msg))]
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > max_members:
            msg = f"zip archive has {len(members)} files; the limit is {max_members}"
            return [_Entry(name, error=SohoaError(ErrorKind.LIMITS, msg))]
        entries: list[_Entry] = []
        for n, m in enumerate(members):
            entry = _Entry(zip_member_name(name, m.filename))
            entries.append(entry)
            if _unsafe_name(m.filename):
                entry.error = SohoaError(
                    ErrorKind.BAD_INPUT, "unsafe path in zip (absolute or '..'): not extracted"
                )
            elif stat.S_ISLNK(m.external_attr >> 16):
                entry.error = SohoaError(ErrorKind.BAD_INPUT, "symbolic link in zip not followed")
            elif m.flag_bits & 0x1:
                entry.error = SohoaError(ErrorKind.ENCRYPTED, "password-protected zip member")
            elif caps.left() <= 0:
                entry.error = SohoaError(
                    ErrorKind.LIMITS,
                    f"the zips of this upload expand past {caps.total_bytes:,} bytes "
                    "(SOHOA_MAX_BATCH_BYTES)",
                )
            else:
                dest = workdir / f"{n:06d}"
                entry.error, size = _extract_member(zf, m, dest, max_file_bytes, caps)
                caps.used += max(size, 0)
                entry.path = None if entry.error else dest
        return entries


def _unsafe_name(name: str) -> bool:
    """A member that would land outside the folder if unpacked naively (zip slip)."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]


def _extract_member(
    zf: zipfile.ZipFile, m: zipfile.ZipInfo, dest: Path, cap: int, caps: ZipCaps
) -> tuple[SohoaError | None, int]:
    try:
        with zf.open(m) as src:
            size = _copy_capped(src, dest, min(cap, caps.left()), caps.max_ratio * m.compress_size)
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError) as e:
        dest.unlink(missing_ok=True)
        return SohoaError(ErrorKind.BAD_INPUT, f"cannot extract from zip: {e}"), 0
    except Exception as e:  # zlib.error and friends from a damaged stream
        dest.unlink(missing_ok=True)
        return SohoaError(ErrorKind.BAD_INPUT, f"damaged zip member: {e}"), 0
    if size == -2:
        dest.unlink(missing_ok=True)
        msg = f"expands more than {caps.max_ratio} times (zip bomb?; SOHOA_ZIP_MAX_RATIO)"
        return SohoaError(ErrorKind.LIMITS, msg), 0
    if size < 0:
        dest.unlink(missing_ok=True)
        limit = min(cap, caps.left())
        msg = f"expands to more than {limit:,} bytes (zip bomb?; the file or batch limit)"
        return SohoaError(ErrorKind.LIMITS, msg), 0
    return None, size


def _entries(
    files: list[Path], names: list[str], workdir: Path, max_bytes: int, caps: ZipCaps
) -> list[_Entry]:
    out: list[_Entry] = []
    for n, (f, name) in enumerate(zip(files, names, strict=True)):
        if f.is_file() and is_archive(f):
            sub = workdir / f"zip{n:05d}"
            sub.mkdir()
            out.extend(expand_zip(f, name, sub, max_bytes, caps))
        else:
            out.append(_Entry(name, f))
    return out


def create_batch(
    db: Database,
    blobs: BlobStore,
    files: list[Path],
    source: str = "",
    names: list[str] | None = None,
    max_file_bytes: int | None = None,
    caps: ZipCaps | None = None,
) -> int:
    """Store each original and queue it; zips are expanded; unreadable files fail at once.

    ``names`` are the names users know the files by (uploads arrive as temp files).
    A file whose content is already in the archive is done at once ("known"); a file
    twice in the batch has two items, and the second copy ends "known".
    """
    names = names or [str(f) for f in files]
    cap = max_file_bytes or Limits().max_file_bytes  # zip members are capped, never trusted
    with tempfile.TemporaryDirectory(dir=_scratch(blobs)) as tmp:
        entries = _entries([Path(f) for f in files], names, Path(tmp), cap, caps or ZipCaps())
        with db.session() as s:
            batch = BatchRow(source=source[:1024])
            s.add(batch)
            s.flush()
            for n, entry in enumerate(entries):
                s.add(_new_item(s, batch.id, entry, blobs, n))
            return batch.id


def _scratch(blobs: BlobStore) -> Path:
    """Extraction space on the blob store's file system (cheap copies, same quota)."""
    path = blobs.root.parent / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_item(s, batch_id: int, entry: _Entry, blobs: BlobStore, n: int) -> BatchItemRow:
    item = BatchItemRow(batch_id=batch_id, filename=entry.name[:1024], sha256="")
    if entry.error is None:
        try:
            item.sha256 = ingest.sha256_file(entry.path)
            blobs.put_file(entry.path, item.sha256)
        except SohoaError as err:
            entry.error = err
        except OSError as err:
            entry.error = SohoaError(ErrorKind.FILE_ACCESS, f"cannot read file: {err.strerror}")
    if entry.error is not None:
        item.sha256 = f"unreadable:{n}"
        _fail(item, entry.error)
    elif (known := repo.find_by_sha(s, item.sha256)) is not None:
        item.state, item.outcome, item.document_id = "done", "known", known.id
    return item


# -- claiming and recording ------------------------------------------------------------


def backoff_s(attempts: int, base: float) -> float:
    """Wait before retry number ``attempts``: base, 2x base, 4x base ..."""
    return base * 2 ** max(0, attempts - 1)


def _aware(dt: datetime | None) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    if dt is None:
        return datetime.min.replace(tzinfo=UTC)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _due(item: BatchItemRow, base: float, now: datetime) -> bool:
    if item.state == "queued":
        return True
    wait = timedelta(seconds=backoff_s(item.attempts, base))
    return item.state == "failed" and item.retryable and _aware(item.updated_at) + wait <= now


def _fail(item: BatchItemRow, err: SohoaError) -> None:
    item.state = "failed"
    item.error_kind = err.kind.value
    item.retryable = err.retryable and item.attempts < MAX_ATTEMPTS
    gave_up = err.retryable and not item.retryable and item.attempts > 1
    message = scrub_paths(err.message)  # readers see errors; the server's paths are not theirs
    item.error = message + (f" (gave up after {item.attempts} attempts)" if gave_up else "")
    item.updated_at = utcnow()


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(claimed_by: str | None, claimed_at: datetime | None) -> bool:
    """Is the runner that claimed an item still running? By pid on this host, else by lease."""
    host, _, pid = (claimed_by or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return _aware(claimed_at) > datetime.now(UTC) - timedelta(seconds=LEASE_S)
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cas(s, item: BatchItemRow, **values) -> bool:
    """Move an item on only if nobody else moved it since we read it."""
    stmt = update(BatchItemRow).where(
        BatchItemRow.id == item.id,
        BatchItemRow.state == item.state,
        BatchItemRow.attempts == item.attempts,
    )
    return s.execute(stmt.values(**values)).rowcount == 1


def requeue_orphans(db: Database, batch_id: int | None = None) -> int:
    """Items left 'processing' by a runner that died (kill -9, reboot) go back to the queue."""
    n = 0
    with db.session() as s:
        stmt = select(BatchItemRow).where(BatchItemRow.state == "processing")
        if batch_id is not None:
            stmt = stmt.where(BatchItemRow.batch_id == batch_id)
        for item in list(s.scalars(stmt)):
            if not _alive(item.claimed_by, item.claimed_at):
                n += _cas(s, item, state="queued", claimed_by=None, updated_at=utcnow())
    if n:
        log.warning("re-queued %d item(s) left behind by a runner that stopped", n)
    return n


def _claim_one(s, item: BatchItemRow) -> bool:
    return _cas(
        s,
        item,
        state="processing",
        claimed_at=utcnow(),
        claimed_by=runner_id(),
        attempts=item.attempts + 1,
        pages_done=0,
        updated_at=utcnow(),
    )


_RETRY = (BatchItemRow.state == "failed") & BatchItemRow.retryable.is_(True)


def _candidates(batch_id: int | None, retries_only: bool = False):
    where = _RETRY if retries_only else or_(BatchItemRow.state == "queued", _RETRY)
    stmt = select(BatchItemRow).where(where)
    if batch_id is not None:
        stmt = stmt.where(BatchItemRow.batch_id == batch_id)
    return stmt.order_by(BatchItemRow.id)


def _busy(s) -> set[str]:
    """Contents some runner is processing now: a copy of one waits, then is "known"."""
    stmt = select(BatchItemRow.sha256).where(BatchItemRow.state == "processing").distinct()
    return set(s.scalars(stmt))


def _known(s, item: BatchItemRow) -> bool:
    """An item whose content is stored by now (a copy, or a retry after a crash) is done."""
    doc = repo.find_by_sha(s, item.sha256)
    if doc is None:
        return False
    return _cas(s, item, state="done", outcome="known", document_id=doc.id, error_kind=None,
                error=None, retryable=False, updated_at=utcnow())  # fmt: skip


def claim(db: Database, batch_id: int | None, limit: int, backoff: float) -> list[int]:
    """Take up to ``limit`` due items (queued, or failed-retryable past their backoff).

    Copies of a content being processed are left for later; copies of a stored content
    are marked known without any work.
    """
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
    return got


def claim_item(db: Database, item_id: int, backoff: float) -> str:
    """Take one item by id (a Celery task's): 'claimed', 'busy' (its content is being
    processed under another item: try again soon) or 'no' (done, taken, or not due)."""
    with db.session() as s:
        item = s.get(BatchItemRow, item_id)
        if item is None:
            return "no"
        # A task redelivered after its worker died takes the orphaned item over.
        orphan = item.state == "processing" and not _alive(item.claimed_by, item.claimed_at)
        if not orphan and not _due(item, backoff, datetime.now(UTC)):
            return "no"
        if _known(s, item):
            return "no"
        if not orphan and item.sha256 in _busy(s):
            return "busy"
        return "claimed" if _claim_one(s, item) else "no"


def record_outcome(db: Database, item_id: int, out: Outcome, models_dir: Path) -> str:
    """Write the document and the item's final state in one transaction."""
    try:
        state, learn = _record(db, item_id, out)
    except IntegrityError:
        # Another runner stored the same content a moment ago: this copy is "known".
        state, learn = _record(db, item_id, out)
    if learn:
        repair.learn_clean_text(models_dir, out.document.text)
        codes.learn_archive_codes(models_dir, _sure_keys(out))
    return state


def _sure_keys(out: Outcome) -> list[str]:
    """A clean document's own number and the citations nobody needs to check: the codes
    they use are valid, however rare, and the key repair must leave them alone."""
    keys = [out.record.doc.number] if out.record.doc.number else []
    return keys + [c.key for c in out.record.citations if not c.needs_review and c.number]


def _record(db: Database, item_id: int, out: Outcome) -> tuple[str, bool]:
    with db.session() as s:
        item = s.get(BatchItemRow, item_id)
        if out.error is not None:
            _fail(item, out.error)
            return "failed", False
        name = Path(item.filename).name
        row, created = repo.save_document(s, name, out.document, out.record, PIPELINE_VERSION)
        item.state, item.outcome = "done", "stored" if created else "known"
        item.error_kind = item.error = None
        item.retryable = False
        item.document_id, item.updated_at = row.id, utcnow()
        item.pages_total = item.pages_done = out.document.source.pages
    return ("done" if created else "known"), created and _is_clean_text(out)


def _is_clean_text(out: Outcome) -> bool:
    """Born-digital or clean text teaches the in-domain repair model; OCR text does not."""
    pages = out.document.pages
    return bool(pages) and all(
        p.route in (PageRoute.TEXT_LAYER, PageRoute.TEXT_FILE) and not p.repairs for p in pages
    )


def _set_pages(db: Database, item_id: int, done: int, total: int) -> None:
    with db.session() as s:
        s.execute(
            update(BatchItemRow)
            .where(BatchItemRow.id == item_id)
            .values(pages_done=done, pages_total=total)
        )


# -- running ---------------------------------------------------------------------------


ItemFn = Callable[[BatchItemRow, str], None]
ProgressFn = Callable[[str, int, int], None]


def process_item(
    db: Database, pipeline: Pipeline, blobs: BlobStore, item_id: int
) -> tuple[str, float | None]:
    """One item by id, start to finish: the Celery task's body.

    Returns the item's new state ('done', 'known', 'failed'; 'skipped' when another
    runner has it or it is done; 'waiting' when the same content is being processed
    under another item) and, if it must come back, the seconds to wait before that.
    """
    backoff = pipeline.settings.retry_backoff_s
    got = claim_item(db, item_id, backoff)
    if got == "busy":
        return "waiting", BUSY_RETRY_S
    if got != "claimed":
        return "skipped", None
    item = get_item(db, item_id)
    pages = lambda _path, done, total: _set_pages(db, item_id, done, total)  # noqa: E731
    try:
        out = next(pipeline.process_many([blobs.path(item.sha256)], pages))
        state = record_outcome(db, item_id, out, pipeline.settings.models_dir)
    except BaseException:  # a bug or a shutdown: hand the item back, the message comes back
        release(db, [item_id])
        raise
    item = get_item(db, item_id)
    if state == "failed" and item.retryable:
        return state, backoff_s(item.attempts, backoff)
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

    With ``wait_retries`` it also sleeps through the backoff of transient failures until
    every item is done or failed for good (what `sohoa ingest` wants; the server's worker
    loop instead comes back every few seconds).
    """
    summary = Summary()
    chunk = 2 * pipeline.settings.workers
    backoff = pipeline.settings.retry_backoff_s
    while True:
        ids = claim(db, batch_id, chunk, backoff)
        if not ids:
            wait = next_retry_in(db, batch_id, backoff) if wait_retries else None
            if wait is None:
                return summary
            time.sleep(min(wait, 60.0))
            continue
        _run_chunk(db, pipeline, blobs, ids, summary, progress, on_item)


def _run_chunk(db, pipeline, blobs, ids, summary, progress, on_item) -> None:
    items = [get_item(db, i) for i in ids]
    by_path = {str(blobs.path(i.sha256)): i.id for i in items}

    def report(path: str, done: int, total: int) -> None:
        _set_pages(db, by_path[path], done, total)
        if progress:
            progress(path, done, total)

    outcomes = pipeline.process_many([blobs.path(i.sha256) for i in items], report)
    pending = {i.id for i in items}
    try:
        for item, out in zip(items, outcomes, strict=True):
            state = record_outcome(db, item.id, out, pipeline.settings.models_dir)
            pending.discard(item.id)
            setattr(summary, state, getattr(summary, state) + 1)
            if on_item:
                on_item(get_item(db, item.id), state)
    finally:
        if pending:  # interrupted (Ctrl-C, a bug): give the claimed items back at once
            release(db, pending)


def release(db: Database, item_ids: Iterable[int]) -> int:
    """Put items this runner claimed but did not finish back in the queue."""
    n = 0
    with db.session() as s:
        for item in [s.get(BatchItemRow, i) for i in item_ids]:
            if item is not None and item.state == "processing" and item.claimed_by == runner_id():
                n += _cas(s, item, state="queued", claimed_by=None, updated_at=utcnow())
    return n


def next_retry_in(db: Database, batch_id: int | None, backoff: float) -> float | None:
    """Seconds until the earliest pending retry (None: nothing is waiting to be retried)."""
    now = datetime.now(UTC)
    waits = [
        (
            _aware(i.updated_at) + timedelta(seconds=backoff_s(i.attempts, backoff)) - now
        ).total_seconds()
        for i in _load(db, _candidates(batch_id, retries_only=True))
    ]
    return max(0.0, min(waits)) if waits else None


# -- reading batches -------------------------------------------------------------------


def _load(db: Database, stmt) -> list[BatchItemRow]:
    with db.session() as s:
        return list(s.scalars(stmt))


def get_item(db: Database, item_id: int) -> BatchItemRow:
    with db.session() as s:
        return s.get(BatchItemRow, item_id)


def batch_items(db: Database, batch_id: int) -> list[BatchItemRow]:
    stmt = select(BatchItemRow).where(BatchItemRow.batch_id == batch_id)
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
    return all(i.state == "done" or (i.state == "failed" and not i.retryable) for i in items)


def retry_failed(db: Database, batch_id: int) -> int:
    """Queue a batch's failed items again (after the user fixed a limit, a dependency ...)."""
    with db.session() as s:
        stmt = select(BatchItemRow).where(
            BatchItemRow.batch_id == batch_id,
            BatchItemRow.state == "failed",
            ~BatchItemRow.sha256.contains(":"),  # unreadable:/discarded: hold no original
        )
        n = 0
        for item in list(s.scalars(stmt)):
            n += _cas(s, item, state="queued", retryable=False, attempts=0, updated_at=utcnow())
        return n


def discard_failed(db: Database, blobs: BlobStore, batch_id: int) -> int:
    """Delete the stored originals of a batch's files that failed for good (corrupt,
    over a limit ...): no document holds them, so nothing else could ever delete them.
    A content still referenced (a document, another item) stays. Returns how many went."""
    with db.session() as s:
        stmt = select(BatchItemRow).where(
            BatchItemRow.batch_id == batch_id,
            BatchItemRow.state == "failed",
            BatchItemRow.retryable.is_(False),
            ~BatchItemRow.sha256.contains(":"),  # unreadable:/discarded: hold no original
        )
        items = list(s.scalars(stmt))
        ids = [i.id for i in items]
        gone = 0
        for item in items:
            others = select(func.count(BatchItemRow.id)).where(
                BatchItemRow.sha256 == item.sha256, BatchItemRow.id.not_in(ids)
            )
            shared = s.scalar(others) or repo.find_by_sha(s, item.sha256) is not None
            if not shared:
                gone += blobs.delete(item.sha256)
            item.sha256 = f"discarded:{item.id}"
            item.error = f"{item.error or ''} (original deleted)".strip()
    return gone


def list_batches(db: Database, limit: int = 50) -> list[dict]:
    """Recent batches with their per-state counts."""
    with db.session() as s:
        batches = list(s.scalars(select(BatchRow).order_by(BatchRow.id.desc()).limit(limit)))
        rows = s.execute(
            select(BatchItemRow.batch_id, BatchItemRow.state, func.count())
            .where(BatchItemRow.batch_id.in_([b.id for b in batches]))
            .group_by(BatchItemRow.batch_id, BatchItemRow.state)
        ).all()
    counts: dict[int, dict[str, int]] = {}
    for bid, st, n in rows:
        counts.setdefault(bid, {})[st] = n
    return [
        {"id": b.id, "source": b.source, "created_at": b.created_at, **counts.get(b.id, {})}
        for b in batches
    ]


@dataclass
class ReportRow:
    """One line of a batch report: what became of a file, and the exit class if it failed."""

    file: str
    state: str
    error_kind: str = ""
    error: str = ""
    retryable: bool = False
    attempts: int = 0
    exit_code: int = 0
    document_id: int | None = None
    number: str = ""

    @property
    def label(self) -> str:
        if self.state == "failed":
            return "failed, will retry" if self.retryable else "failed"
        return self.state


REPORT_COLUMNS = ("file", "state", "error_kind", "error", "retryable", "attempts", "exit_code",
                  "document_id", "number")  # fmt: skip


def report(db: Database, batch_id: int) -> list[ReportRow]:
    """The batch's files with their outcome; failures carry their kind and exit code."""
    items = batch_items(db, batch_id)
    doc_ids = [i.document_id for i in items if i.document_id]
    with db.session() as s:
        stmt = select(DocumentRow.id, DocumentRow.number).where(DocumentRow.id.in_(doc_ids))
        numbers = {doc_id: number for doc_id, number in s.execute(stmt)}
    return [_report_row(i, numbers) for i in items]


def _report_row(i: BatchItemRow, numbers: dict) -> ReportRow:
    state = i.outcome if i.state == "done" else i.state
    code = int(SohoaError(ErrorKind(i.error_kind), "").exit_code) if i.error_kind else 0
    return ReportRow(
        file=i.filename,
        state=state or i.state,
        error_kind=i.error_kind or "",
        error=i.error or "",
        retryable=i.retryable,
        attempts=i.attempts,
        exit_code=code,
        document_id=i.document_id,
        number=numbers.get(i.document_id) or "",
    )


def report_csv(rows: list[ReportRow], failed_only: bool = False) -> Iterator[str]:
    """CSV lines (UTF-8 BOM first, for spreadsheet programs) of a batch report."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(REPORT_COLUMNS)
    yield "\ufeff" + buf.getvalue()
    for r in rows:
        if failed_only and r.state != "failed":
            continue
        buf.seek(0)
        buf.truncate()
        writer.writerow(
            csv_row(["" if getattr(r, c) is None else getattr(r, c) for c in REPORT_COLUMNS])
        )
        yield buf.getvalue()
