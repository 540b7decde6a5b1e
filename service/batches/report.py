"""What became of each file of a batch: the CLI's table and CSV, the API's failures.csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from schemas import ErrorKind, SohoaError
from service.batches.queue import BatchState, ItemState, batch_items, get_batch
from service.safetext import csv_row, scrub_paths
from service.storage.db import Database
from service.storage.models import BatchItemRow, DocumentRow


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
        if self.state == ItemState.FAILED:
            return "failed, will retry" if self.retryable else "failed"
        return self.state

    @property
    def finished(self) -> bool:
        """Stored, known, or failed with no retry pending."""
        return self.state not in (ItemState.QUEUED, ItemState.PROCESSING) and not (
            self.state == ItemState.FAILED and self.retryable
        )


REPORT_COLUMNS = ("file", "state", "error_kind", "error", "retryable", "attempts", "exit_code",
                  "document_id", "number")  # fmt: skip


def report(db: Database, batch_id: int) -> list[ReportRow]:
    """The batch's files with their outcome; failures carry their kind and exit code."""
    return rows_of(db, batch_items(db, batch_id))


def rows_of(db: Database, items: list[BatchItemRow]) -> list[ReportRow]:
    """Report rows for items (any batch), with the stored documents' numbers."""
    doc_ids = [i.document_id for i in items if i.document_id]
    with db.session() as s:
        stmt = select(DocumentRow.id, DocumentRow.number).where(DocumentRow.id.in_(doc_ids))
        numbers = {doc_id: number for doc_id, number in s.execute(stmt)}
    return [_report_row(i, numbers) for i in items]


def interrupted_note(db: Database, batch_id: int) -> str:
    """A line for a batch whose creator died while receiving (empty otherwise)."""
    batch = get_batch(db, batch_id)
    if batch is None or batch.state != BatchState.INTERRUPTED:
        return ""
    return (
        f"batch {batch_id} was interrupted while its files arrived: the files listed were "
        "kept; send the rest again (files already stored are recognised as known)"
    )


def _report_row(i: BatchItemRow, numbers: dict[int, str | None]) -> ReportRow:
    state = i.outcome if i.state == ItemState.DONE else i.state
    code = int(SohoaError(ErrorKind(i.error_kind), "").exit_code) if i.error_kind else 0
    return ReportRow(
        file=i.filename,
        state=str(state or i.state),
        error_kind=i.error_kind or "",
        error=scrub_paths(i.error or ""),
        retryable=i.retryable,
        attempts=i.attempts,
        exit_code=code,
        document_id=i.document_id,
        number=(numbers.get(i.document_id) if i.document_id else None) or "",
    )


def report_csv(rows: list[ReportRow], failed_only: bool = False) -> Iterator[str]:
    """CSV lines (UTF-8 BOM first, for spreadsheet programs) of a batch report."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(REPORT_COLUMNS)
    yield "\ufeff" + buf.getvalue()
    for r in rows:
        if failed_only and r.state != ItemState.FAILED:
            continue
        buf.seek(0)
        buf.truncate()
        writer.writerow(
            csv_row(["" if getattr(r, c) is None else getattr(r, c) for c in REPORT_COLUMNS])
        )
        yield buf.getvalue()
