"""Batches: every accepted file is kept (content-addressed) and ends done or failed.

A batch item moves queued -> processing -> done | failed. The original is stored in
the blob store *before* the item is queued, so no accepted file can be lost; the
document row and the item's final state are written in one transaction, so a crash
leaves either both or neither. Items found 'processing' by a new runner are re-queued.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

import ingest
from normalize import repair
from schemas import ErrorKind, PageRoute, SohoaError
from service import PIPELINE_VERSION
from service.pipeline import Outcome, Pipeline
from service.storage import repo
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import BatchItemRow, BatchRow, utcnow

log = logging.getLogger("sohoa.jobs")

MAX_ATTEMPTS = 3


@dataclass
class Summary:
    """Counts of one run, for the CLI table and the API."""

    done: int = 0
    known: int = 0
    failed: int = 0


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


def create_batch(
    db: Database,
    blobs: BlobStore,
    files: list[Path],
    source: str = "",
    names: list[str] | None = None,
) -> int:
    """Store each original and queue it; unreadable files become failed items at once.

    ``names`` are the names users know the files by (uploads arrive as temp files).
    """
    with db.session() as s:
        batch = BatchRow(source=source)
        s.add(batch)
        s.flush()
        seen: set[str] = set()
        for f, name in zip(files, names or [str(f) for f in files], strict=True):
            item = BatchItemRow(batch_id=batch.id, filename=name, sha256="")
            try:
                item.sha256 = ingest.sha256_file(f)
                blobs.put_file(f, item.sha256)
            except OSError as err:
                item.sha256 = f"unreadable:{len(seen)}"
                _fail(item, SohoaError(ErrorKind.FILE_ACCESS, f"cannot read file: {err.strerror}"))
            if item.sha256 in seen:
                continue  # the same content twice in one batch is one document
            seen.add(item.sha256)
            if item.state == "queued" and repo.find_by_sha(s, item.sha256) is not None:
                item.state, item.outcome = "done", "known"
            s.add(item)
        return batch.id


def _fail(item: BatchItemRow, err: SohoaError) -> None:
    item.state = "failed"
    item.error_kind = err.kind.value
    item.error = err.message
    item.retryable = err.retryable and item.attempts < MAX_ATTEMPTS
    item.updated_at = utcnow()


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(claimed_by: str | None) -> bool:
    """Is the runner that claimed an item still running? (Only decidable on this host.)"""
    host, _, pid = (claimed_by or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def requeue_orphans(db: Database) -> int:
    """Items left 'processing' by a runner that died (kill -9, reboot) go back to the queue."""
    with db.session() as s:
        items = s.scalars(select(BatchItemRow).where(BatchItemRow.state == "processing"))
        orphans = [i for i in items if not _alive(i.claimed_by)]
        for item in orphans:
            item.state, item.claimed_by = "queued", None
        return len(orphans)


def _claim(db: Database, batch_id: int | None, limit: int) -> list[BatchItemRow]:
    """Take up to ``limit`` queued items (FOR UPDATE SKIP LOCKED where the database has it)."""
    with db.session() as s:
        stmt = select(BatchItemRow).where(BatchItemRow.state == "queued")
        if batch_id is not None:
            stmt = stmt.where(BatchItemRow.batch_id == batch_id)
        stmt = stmt.order_by(BatchItemRow.id).limit(limit)
        if not db.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True)
        items = list(s.scalars(stmt))
        for item in items:
            item.state, item.claimed_at, item.claimed_by = "processing", utcnow(), runner_id()
            item.attempts += 1
        return items


def _record_outcome(db: Database, item_id: int, out: Outcome, models_dir: Path) -> str:
    """Write the document and the item's final state in one transaction."""
    with db.session() as s:
        item = s.get(BatchItemRow, item_id)
        if out.error is not None:
            _fail(item, out.error)
            return "failed"
        row, created = repo.save_document(
            s, Path(item.filename).name, out.document, out.record, PIPELINE_VERSION
        )
        item.state, item.outcome = "done", "stored" if created else "known"
        item.document_id, item.updated_at = row.id, utcnow()
        item.pages_total = item.pages_done = out.document.source.pages
    if created and _is_clean_text(out):
        repair.learn_clean_text(models_dir, out.document.text)
    return "done" if created else "known"


def _is_clean_text(out: Outcome) -> bool:
    """Born-digital or clean text teaches the in-domain repair model; OCR text does not."""
    pages = out.document.pages
    return bool(pages) and all(
        p.route in (PageRoute.TEXT_LAYER, PageRoute.TEXT_FILE) and not p.repairs for p in pages
    )


def run_queued(
    db: Database,
    pipeline: Pipeline,
    blobs: BlobStore,
    batch_id: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    on_item: Callable[[BatchItemRow, str], None] | None = None,
) -> Summary:
    """Process every queued item (of one batch, or all) with the embedded pool."""
    summary = Summary()
    chunk = 2 * pipeline.settings.workers
    while items := _claim(db, batch_id, chunk):
        paths = [blobs.path(i.sha256) for i in items]
        for item, out in zip(items, pipeline.process_many(paths, progress), strict=True):
            state = _record_outcome(db, item.id, out, pipeline.settings.models_dir)
            setattr(summary, state, getattr(summary, state) + 1)
            if on_item:
                on_item(item, state)
    return summary


def batch_items(db: Database, batch_id: int) -> list[BatchItemRow]:
    stmt = select(BatchItemRow).where(BatchItemRow.batch_id == batch_id)
    with db.session() as s:
        return list(s.scalars(stmt.order_by(BatchItemRow.id)))
