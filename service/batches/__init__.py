"""Batches: every accepted file is kept (content-addressed) and ends done or failed.

- ``intake``: files, folders and zips become a batch, file by file (crash-safe), and the
  start-up sweep of what a crash left;
- ``queue``: item states, the compare-and-set claim, leases (heartbeats), retries;
- ``runner``: the embedded runner and the Celery task's body;
- ``report``: what became of each file (CLI table and CSV, the API's failures.csv).
"""

from service.batches.intake import ZipCaps, create_batch, recover_receiving, sweep
from service.batches.queue import (
    BatchState,
    ItemState,
    batch_items,
    discard_failed,
    get_item,
    is_finished,
    list_batches,
    open_item_ids,
    requeue_orphans,
    reset_claims,
    retry_failed,
)
from service.batches.report import ReportRow, interrupted_note, report, report_csv, rows_of
from service.batches.runner import Summary, process_item, run_queued
from service.inputs import iter_files

__all__ = [
    "BatchState",
    "ItemState",
    "ReportRow",
    "Summary",
    "ZipCaps",
    "batch_items",
    "create_batch",
    "discard_failed",
    "get_item",
    "interrupted_note",
    "is_finished",
    "iter_files",
    "list_batches",
    "open_item_ids",
    "process_item",
    "recover_receiving",
    "report",
    "report_csv",
    "requeue_orphans",
    "reset_claims",
    "retry_failed",
    "rows_of",
    "run_queued",
    "sweep",
]
