"""Delete and reprocess documents.

Deleting removes the row, its citations, corrections, index entries (FTS triggers / the
stored tsvector) and derived files, and moves the original into ``<data>/trash/<sha256>/``
with a JSON note of what was deleted, by whom and when. The trash keeps it for
``SOHOA_TRASH_DAYS`` days (default 30) until ``sohoa trash purge``.

Reprocessing runs stored originals through the current pipeline again. The OCR cache is
keyed by ``ocr.OCR_VERSION``: pages are re-OCRed only when the OCR stage changed; human
corrections are re-applied by ``repo.write_document``. Both store through
``service.outcome.store``, as batches do.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import extract
from schemas import ErrorKind, SohoaError
from schemas.files import write_atomic
from service import PIPELINE_VERSION, feed, rescans, review
from service.config import Settings
from service.outcome import store
from service.pipeline import Outcome, Pipeline
from service.storage import repo
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import CorrectionRow, DocumentRow

_NOTE = "deleted.json"


def trash_dir(settings: Settings) -> Path:
    return settings.data_dir / "trash"


def _derived_files(settings: Settings, sha256: str) -> list[Path]:
    folder = settings.derived_dir / sha256[:2]
    return sorted(folder.glob(f"{sha256}-*")) if folder.exists() else []


def _note(doc: DocumentRow, corrections: list[CorrectionRow], who: str) -> dict:
    return {
        "document_id": doc.id,
        "sha256": doc.sha256,
        "filename": doc.filename,
        "number": doc.number,
        "deleted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "deleted_by": who,
        "record": doc.record,
        "corrections": [
            {"field": c.field, "value": c.value, "author": c.author,
             "created_at": c.created_at.isoformat()}
            for c in corrections
        ],
    }  # fmt: skip


def delete(settings: Settings, db: Database, doc_id: int, who: str) -> dict:
    """Delete one document; its original goes to the trash. Returns the trash note.

    The original (with its note) is moved before the commit and moved back if the database
    change fails, so the archive never holds a row without its original nor loses an
    original it still names."""
    blobs = BlobStore(settings.blobs_dir)
    moved: tuple[Path, Path] | None = None
    try:
        with db.session() as s:
            doc = s.get(DocumentRow, doc_id)
            if doc is None:
                raise SohoaError(ErrorKind.BAD_INPUT, f"no document {doc_id}")
            corrections = s.scalars(
                select(CorrectionRow).where(CorrectionRow.document_id == doc_id)
            )
            note = _note(doc, list(corrections), who)
            note["promoted_rescan"] = rescans.unlink_group(s, doc)
            feed.record(s, doc, "deleted", {"by": who, "number": doc.number})
            s.delete(doc)
            s.flush()
            dest = trash_dir(settings) / doc.sha256
            write_atomic(dest / _NOTE, json.dumps(note, ensure_ascii=False, indent=1).encode())
            original = blobs.path(doc.sha256)
            if original.exists():
                os.replace(original, dest / "original")
                moved = (original, dest / "original")
    except BaseException:
        if moved:
            os.replace(moved[1], moved[0])
        raise
    for path in _derived_files(settings, note["sha256"]):
        path.unlink(missing_ok=True)
    return note


@dataclass
class TrashEntry:
    sha256: str
    filename: str
    deleted_at: datetime
    deleted_by: str
    path: Path


def trash_list(settings: Settings) -> list[TrashEntry]:
    """What the trash holds, oldest deletion first."""
    root = trash_dir(settings)
    out = []
    for note_path in sorted(root.glob(f"*/{_NOTE}")) if root.exists() else []:
        note = json.loads(note_path.read_text(encoding="utf-8"))
        out.append(
            TrashEntry(
                note["sha256"], note["filename"], datetime.fromisoformat(note["deleted_at"]),
                note.get("deleted_by", ""), note_path.parent,
            )
        )  # fmt: skip
    return sorted(out, key=lambda e: e.deleted_at)


def trash_purge(
    settings: Settings, days: float | None = None, now: datetime | None = None
) -> list[TrashEntry]:
    """Remove trashed originals older than ``days`` (default: ``settings.trash_days``), with the
    document's OCR cache when the cache belongs to this data dir."""
    keep = timedelta(days=settings.trash_days if days is None else days)
    now = now or datetime.now(UTC)
    gone = []
    for entry in trash_list(settings):
        if now - entry.deleted_at >= keep:
            shutil.rmtree(entry.path, ignore_errors=True)
            if settings.cache_dir.is_relative_to(settings.data_dir):
                shutil.rmtree(settings.cache_dir / "ocr" / entry.sha256, ignore_errors=True)
            gone.append(entry)
    return gone


def trash_restore(settings: Settings, db: Database, pipeline: Pipeline, sha_prefix: str) -> int:
    """Undo a deletion: the original goes back to the store and through the pipeline, and
    the human corrections recorded in the trash note are applied again. Returns the id."""
    found = [e for e in trash_list(settings) if e.sha256.startswith(sha_prefix.lower())]
    if len(found) != 1 or not sha_prefix:
        what = "several trashed originals match" if found else "nothing in the trash matches"
        raise SohoaError(ErrorKind.BAD_INPUT, f"{what} {sha_prefix!r}")
    entry = found[0]
    original = entry.path / "original"
    if not original.exists():
        raise SohoaError(ErrorKind.FILE_ACCESS, f"{entry.filename}: the original was purged")
    note = json.loads((entry.path / _NOTE).read_text(encoding="utf-8"))
    path = BlobStore(settings.blobs_dir).put_file(original, entry.sha256)
    document, record = pipeline.process(path).result()

    def reapply(s: Session, row: DocumentRow, created: bool) -> None:
        for c in note.get("corrections", []) if created else []:
            review.add_correction(s, row, c["field"], c["value"], c["author"])

    stored = store(db, entry.filename, document, record, settings.models_dir, reapply)
    shutil.rmtree(entry.path, ignore_errors=True)
    return stored.document_id


# --- reprocess ---------------------------------------------------------------------------------


@dataclass
class ReprocessSummary:
    updated: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)


def select_ids(
    db: Database,
    ids: list[int] | None = None,
    every: bool = False,
    doc_type: str | None = None,
    outdated: bool = False,
) -> list[int]:
    """Which documents to reprocess: given ids, all, a type, or those made by older stages."""
    with db.session() as s:
        if ids:
            found = set(s.scalars(select(DocumentRow.id).where(DocumentRow.id.in_(ids))))
            missing = [i for i in ids if i not in found]
            if missing:
                raise SohoaError(ErrorKind.BAD_INPUT, f"no document {missing[0]}")
            return list(ids)
        if not (every or doc_type or outdated):
            raise SohoaError(ErrorKind.BAD_INPUT, "give document ids, --all, --type or --outdated")
        stmt = select(DocumentRow.id).order_by(DocumentRow.id)
        if doc_type:
            types = repo._values_like(s, DocumentRow.doc_type, doc_type, whole=True)
            stmt = stmt.where(DocumentRow.doc_type.in_(types))
        chosen = list(s.scalars(stmt))
        if outdated:
            chosen = [i for i in chosen if _is_outdated(s.get(DocumentRow, i))]
        return chosen


def _is_outdated(doc: DocumentRow | None) -> bool:
    if doc is None:  # deleted meanwhile
        return False
    prov = (doc.record or {}).get("provenance") or {}
    return (
        doc.pipeline_version != PIPELINE_VERSION
        or prov.get("extractor_version") != extract.EXTRACTOR_VERSION
    )


class _Gone(Exception):
    """The document was deleted while its original was being reprocessed."""


def _still_there(_s: Session, _row: DocumentRow, created: bool) -> None:
    if created:  # the row was deleted meanwhile: do not bring it back (rolled back)
        raise _Gone


def reprocess(
    settings: Settings, db: Database, pipeline: Pipeline, ids: list[int]
) -> ReprocessSummary:
    """Run the documents' originals through the pipeline again and store the new records
    (corrections re-applied; an ``updated`` event each). One pool task stream for all."""
    blobs = BlobStore(settings.blobs_dir)
    summary = ReprocessSummary()
    with db.session() as s:
        found = {i: s.get(DocumentRow, i) for i in ids}
    rows = {i: doc for i, doc in found.items() if doc is not None}
    paths = {}
    for i in ids:
        path = blobs.path(rows[i].sha256) if i in rows else None
        if path is None or not path.exists():
            summary.failed[i] = "the original is missing from the store"
        else:
            paths[path] = i
    for outcome in pipeline.process_many(list(paths), spooled=True):
        doc_id = paths[outcome.path]
        try:
            error = _store_again(db, rows[doc_id].filename, outcome, settings.models_dir)
        finally:
            outcome.close()
        if error is None:
            summary.updated.append(doc_id)
        else:
            summary.failed[doc_id] = error
    return summary


def _store_again(db: Database, filename: str, outcome: Outcome, models_dir: Path) -> str | None:
    """Store a reprocessed document over its row; the reason it failed, None when stored."""
    try:
        document, record = outcome.result()
    except SohoaError as err:
        return f"{err.kind.value}: {err.message}"
    try:
        store(db, filename, document, record, models_dir, _still_there, outcome.stored_pages)
    except _Gone:
        return "deleted while reprocessing"
    return None
