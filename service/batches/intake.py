"""Intake: files, folders and zips become a batch, one stored original per item.

The batch row is written first (state ``receiving``) and each file is attached in its
own transaction once its original is in the blob store, so no accepted file can be lost
and a crash while receiving leaves a batch that `sohoa resume` can finish: the files
attached are processed, the batch is marked ``interrupted``. What a crash leaves on disk
(a partial extraction folder, a half-copied original, an original stored just before
the crash but never attached) is swept at start-up once older than a grace period.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import delete, select, update

import ingest
from schemas import ErrorKind, Limits, SohoaError
from service import pagespool
from service.batches.queue import (
    LEASE_S,
    BatchState,
    Heartbeat,
    ItemOutcome,
    ItemState,
    fail,
    holder_alive,
    runner_id,
)
from service.config import Settings
from service.safetext import scrub_paths, zip_member_name
from service.storage import repo
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import BatchItemRow, BatchRow, DocumentRow, utcnow

log = logging.getLogger(__name__)

ZIP_MAX_MEMBERS = 10_000
ZIP_RATIO_FLOOR = 1 << 20  # below 1 MiB expanded, any compression ratio is harmless
ZIP_MAGIC = b"PK\x03\x04"
SWEEP_GRACE_S = 3600.0  # what a crash left is swept once this old (a live intake is younger)


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
class Entry:
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


def copy_capped(src: IO[bytes], dest: Path, cap: int, ratio_cap: int) -> int:
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
) -> Iterator[Entry]:
    """The files of a zip, extracted one at a time under numbered names (member paths
    never touch the disk); the caller attaches each before the next is extracted.

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
        yield Entry(name, error=SohoaError(ErrorKind.BAD_INPUT, msg))
        return
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > max_members:
            msg = f"zip archive has {len(members)} files; the limit is {max_members}"
            yield Entry(name, error=SohoaError(ErrorKind.LIMITS, msg))
            return
        for n, m in enumerate(members):
            entry = Entry(zip_member_name(name, m.filename), error=_refused(m, caps))
            if entry.error is None:
                dest = workdir / f"{n:06d}"
                entry.error, size = _extract_member(zf, m, dest, max_file_bytes, caps)
                caps.used += max(size, 0)
                entry.path = None if entry.error else dest
            yield entry


def _refused(m: zipfile.ZipInfo, caps: ZipCaps) -> SohoaError | None:
    """Why a member is not extracted at all, if it is not."""
    if _unsafe_name(m.filename):
        msg = "unsafe path in zip (absolute or '..'): not extracted"
        return SohoaError(ErrorKind.BAD_INPUT, msg)
    if stat.S_ISLNK(m.external_attr >> 16):
        return SohoaError(ErrorKind.BAD_INPUT, "symbolic link in zip not followed")
    if m.flag_bits & 0x1:
        return SohoaError(ErrorKind.ENCRYPTED, "password-protected zip member")
    if caps.left() <= 0:
        msg = f"the zips of this upload expand past {caps.total_bytes:,} bytes"
        return SohoaError(ErrorKind.LIMITS, msg + " (SOHOA_MAX_BATCH_BYTES)")
    return None


def _unsafe_name(name: str) -> bool:
    """A member that would land outside the folder if unpacked naively (zip slip)."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]


def _extract_member(
    zf: zipfile.ZipFile, m: zipfile.ZipInfo, dest: Path, cap: int, caps: ZipCaps
) -> tuple[SohoaError | None, int]:
    try:
        with zf.open(m) as src:
            size = copy_capped(src, dest, min(cap, caps.left()), caps.max_ratio * m.compress_size)
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
) -> Iterator[Entry]:
    for n, (f, name) in enumerate(zip(files, names, strict=True)):
        if f.is_file() and is_archive(f):
            sub = workdir / f"zip{n:05d}"
            sub.mkdir()
            yield from expand_zip(f, name, sub, max_bytes, caps)
            shutil.rmtree(sub, ignore_errors=True)
        else:
            yield Entry(name, f)


# -- the batch, file by file -----------------------------------------------------------


def create_batch(
    db: Database,
    blobs: BlobStore,
    files: list[Path],
    source: str = "",
    names: list[str] | None = None,
    max_file_bytes: int | None = None,
    caps: ZipCaps | None = None,
    lease_s: float = LEASE_S,
) -> int:
    """Store each original and queue it; zips are expanded; unreadable files fail at once.

    ``names`` are the names users know the files by (uploads arrive as temp files).
    A file whose content is already in the archive is done at once ("known"); a file
    twice in the batch has two items, and the second copy ends "known".
    """
    names = names or [str(f) for f in files]
    cap = max_file_bytes or Limits().max_file_bytes  # zip members are capped, never trusted
    batch_id = _open_batch(db, source, lease_s)
    state = BatchState.INTERRUPTED  # unless every file is attached
    try:
        with tempfile.TemporaryDirectory(dir=scratch(blobs)) as tmp:
            entries = _entries([Path(f) for f in files], names, Path(tmp), cap, caps or ZipCaps())
            for n, entry in enumerate(entries):
                _attach(db, blobs, batch_id, entry, n)
                if entry.path is not None and entry.path.is_relative_to(tmp):
                    entry.path.unlink(missing_ok=True)  # a zip member: its copy is stored
        state = BatchState.RECEIVED
    finally:
        _close_batch(db, batch_id, state)
    return batch_id


def _open_batch(db: Database, source: str, lease_s: float) -> int:
    with db.session() as s:
        batch = BatchRow(source=source[:1024], state=BatchState.RECEIVING, runner=runner_id())
        s.add(batch)
        s.flush()
    Heartbeat.ensure(db, lease_s)  # keeps the batch's updated_at fresh while files arrive
    return batch.id


def _close_batch(db: Database, batch_id: int, state: BatchState) -> None:
    with db.session() as s:
        s.execute(
            update(BatchRow)
            .where(BatchRow.id == batch_id)
            .values(state=state, runner=None, updated_at=utcnow())
        )


def scratch(blobs: BlobStore) -> Path:
    """Extraction space on the blob store's file system (cheap copies, same quota)."""
    path = blobs.root.parent / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _attach(db: Database, blobs: BlobStore, batch_id: int, entry: Entry, n: int) -> None:
    """Store one original, then its item, in a transaction of its own."""
    item = BatchItemRow(batch_id=batch_id, filename=entry.name[:1024], sha256="")
    if entry.error is None and entry.path is not None:
        try:
            item.sha256 = ingest.sha256_file(entry.path)
            blobs.put_file(entry.path, item.sha256)
        except SohoaError as err:
            entry.error = err
        except OSError as err:
            entry.error = SohoaError(ErrorKind.FILE_ACCESS, f"cannot read file: {err.strerror}")
    with db.session() as s:
        if entry.error is not None:
            item.sha256 = f"unreadable:{n}"
            fail(item, entry.error)
        elif (known := repo.find_by_sha(s, item.sha256)) is not None:
            item.state, item.outcome, item.document_id = (
                ItemState.DONE, ItemOutcome.KNOWN, known.id
            )  # fmt: skip
        s.add(item)
        s.execute(update(BatchRow).where(BatchRow.id == batch_id).values(updated_at=utcnow()))


# -- after a crash ---------------------------------------------------------------------


def recover_receiving(db: Database, lease_s: float = LEASE_S) -> list[int]:
    """Batches whose creator died while receiving: with files attached they are marked
    interrupted (their files are processed as usual), without any they are removed.
    Returns the ids of the batches marked interrupted."""
    with db.session() as s:
        stmt = select(BatchRow).where(BatchRow.state == BatchState.RECEIVING)
        dead = [b for b in s.scalars(stmt) if not holder_alive(b.runner, b.updated_at, lease_s)]
        kept: list[int] = []
        for b in dead:
            if s.scalar(select(BatchItemRow.id).where(BatchItemRow.batch_id == b.id).limit(1)):
                b.state, b.runner = BatchState.INTERRUPTED, None
                kept.append(b.id)
            else:
                s.execute(delete(BatchRow).where(BatchRow.id == b.id))
    if dead:
        log.warning(
            "%d batch(es) interrupted while receiving: %d kept with the files attached",
            len(dead),
            len(kept),
        )
    return kept


def sweep(db: Database, blobs: BlobStore, grace_s: float = SWEEP_GRACE_S) -> dict[str, int]:
    """Remove what a crash left behind, once older than ``grace_s``: extraction folders,
    page spools, half-written originals, and originals no document or batch item names."""
    cutoff = time.time() - grace_s
    gone = {"incoming": 0, "spool": 0, "partial": 0, "unreferenced": 0}
    gone["spool"] = pagespool.sweep(blobs.root.parent, grace_s)
    incoming = blobs.root.parent / "incoming"
    for d in incoming.iterdir() if incoming.is_dir() else ():
        if _newest_mtime(d) < cutoff:
            shutil.rmtree(d, ignore_errors=True) if d.is_dir() else d.unlink(missing_ok=True)
            gone["incoming"] += 1
    stored = [p for p in blobs.root.glob("??/*") if p.is_file()] if blobs.root.is_dir() else []
    old = [p for p in stored if p.stat().st_mtime < cutoff]
    for p in [p for p in old if p.name.startswith(".tmp-")]:
        p.unlink(missing_ok=True)
        gone["partial"] += 1
    candidates = {p.name for p in old if not p.name.startswith(".")}
    for sha in candidates - _referenced(db, candidates):
        if _mtime(blobs.path(sha)) < cutoff:  # not attached again meanwhile (put_file touches)
            gone["unreferenced"] += blobs.delete(sha)
    if any(gone.values()):
        log.warning("start-up sweep removed %s", gone)
    return gone


def _referenced(db: Database, shas: set[str]) -> set[str]:
    found: set[str] = set()
    todo = sorted(shas)
    with db.session() as s:
        for i in range(0, len(todo), 500):
            chunk = todo[i : i + 500]
            found.update(s.scalars(select(DocumentRow.sha256).where(DocumentRow.sha256.in_(chunk))))
            found.update(
                s.scalars(select(BatchItemRow.sha256).where(BatchItemRow.sha256.in_(chunk)))
            )
    return found


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def _newest_mtime(path: Path) -> float:
    """The latest change under a folder: a live extraction keeps touching it."""
    newest = path.lstat().st_mtime
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                try:
                    newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
                except FileNotFoundError:
                    continue
    return newest
