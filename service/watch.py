"""A watched folder (like Paperless-ngx's consume folder): files dropped in are ingested once.

A file is taken only when its size and modification time have not changed for
``settle`` seconds, so a half-copied file is never read. After its batch item is
committed, the file moves to ``.done/`` or ``.failed/`` (with a ``.reason.txt``); if
the process dies between the two, the next scan finds the file again, sees its
sha256 is known, and moves it then: nothing is ingested twice or lost.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from service import batches
from service.batches.queue import ItemOutcome, ItemState
from service.pipeline import Pipeline
from service.storage.blobs import BlobStore
from service.storage.db import Database

log = logging.getLogger(__name__)
DONE, FAILED = ".done", ".failed"
_PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


@dataclass
class Watcher:
    """Remembers what each file looked like at the last scan, to see when it settles."""

    folder: Path
    settle: float = 5.0
    seen: dict[Path, tuple[int, float, float]] = field(default_factory=dict)

    def ready(self, now: float | None = None) -> list[Path]:
        """Files unchanged for ``settle`` seconds, oldest first."""
        now = time.time() if now is None else now
        current: dict[Path, tuple[int, float, float]] = {}
        for f in batches.iter_files([self.folder]):
            if f.name.endswith(_PARTIAL_SUFFIXES) or f.name.startswith("~$"):
                continue
            try:
                st = f.stat()
            except FileNotFoundError:
                continue
            prev = self.seen.get(f)
            since = prev[2] if prev and prev[:2] == (st.st_size, st.st_mtime) else now
            current[f] = (st.st_size, st.st_mtime, since)
        self.seen = current
        return sorted(
            (f for f, (_, _, since) in current.items() if now - since >= self.settle),
            key=lambda f: current[f][1],
        )


def _move(folder: Path, f: Path, sub: str, reason: str | None = None) -> None:
    try:
        _move_file(folder, f, sub, reason)
    except OSError as err:  # an unmovable file stays; it is known by sha256 next time
        log.warning("cannot move %s: %s", f, err)


def _move_file(folder: Path, f: Path, sub: str, reason: str | None) -> None:
    dest = folder / sub / f.relative_to(folder)
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        dest = dest.with_name(f"{dest.stem}-{int(time.time())}{dest.suffix}")
    shutil.move(str(f), dest)
    if reason:
        dest.with_name(dest.name + ".reason.txt").write_text(reason + "\n")


def consume(
    db: Database, pipeline: Pipeline, blobs: BlobStore, watcher: Watcher
) -> batches.Summary:
    """One scan: ingest the settled files as a batch, then move each to .done/.failed."""
    files = watcher.ready()
    if not files:
        return batches.Summary()
    batch_id = batches.create_batch(
        db, blobs, files, f"watch:{watcher.folder}", [str(f) for f in files],
        caps=batches.ZipCaps.of(pipeline.settings),
    )  # fmt: skip
    batches.run_queued(db, pipeline, blobs, batch_id, wait_retries=True)
    summary = batches.Summary()
    for item in batches.batch_items(db, batch_id):
        if item.state == ItemState.FAILED:
            summary.failed += 1
        elif item.outcome == ItemOutcome.KNOWN:
            summary.known += 1
        else:
            summary.done += 1
        path = Path(item.filename)
        if not path.exists():
            continue
        if item.state == ItemState.FAILED:
            _move(watcher.folder, path, FAILED, f"{item.error_kind}: {item.error}")
        elif item.state == ItemState.DONE:
            _move(watcher.folder, path, DONE)
    for f in files:  # the same content twice in one drop is one item; move the twins too
        if f.exists():
            _move(watcher.folder, f, DONE)
    log.info("watch %s: %s", watcher.folder, summary)
    return summary


def watch(
    db: Database,
    pipeline: Pipeline,
    blobs: BlobStore,
    folder: Path,
    interval: float = 2.0,
    settle: float = 5.0,
    once: bool = False,
) -> batches.Summary:
    """Consume the folder until interrupted (or one scan, after files settle, with once)."""
    watcher = Watcher(Path(folder), settle)
    total = batches.Summary()
    while True:
        s = consume(db, pipeline, blobs, watcher)
        total.done, total.known, total.failed = (
            total.done + s.done,
            total.known + s.known,
            total.failed + s.failed,
        )
        if once and not watcher.seen:
            return total
        time.sleep(interval)
