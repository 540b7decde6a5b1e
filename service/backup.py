"""Backup and restore of a whole archive: database, originals, learned models, trash, OCR cache.

Safe while the service runs: SQLite is copied with its online backup API (a consistent
snapshot even with writers in WAL mode), PostgreSQL with pg_dump. The database is
snapshotted *before* the originals are copied; since an original is always stored
before the row that names it, every original the snapshot refers to is in the copy.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from schemas import ErrorKind, SohoaError
from service import PIPELINE_VERSION
from service.batches import intake, queue
from service.config import Settings
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import CitationRow, DocumentRow

FORMAT = 1
_TREES = ("originals", "models", "trash", "cache")


_sha256 = BlobStore.sha256_of


def _counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {
            "documents": s.scalar(select(func.count(DocumentRow.id))) or 0,
            "citations": s.scalar(select(func.count(CitationRow.id))) or 0,
        }


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    env = {"PGPASSWORD": u.password} if u.password else {}
    return [*args, "-d", u.database or "postgres"], env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, **env})
    except FileNotFoundError:
        raise SohoaError(ErrorKind.MISSING_DEPENDENCY, f"{cmd[0]} is not installed") from None
    except subprocess.CalledProcessError as e:
        raise SohoaError(
            ErrorKind.INTERNAL, f"{cmd[0]} failed: {e.stderr.decode()[-300:]}"
        ) from None


def _snapshot_db(settings: Settings, dest: Path) -> str:
    """Write a consistent copy of the database into ``dest``; return its file name."""
    url = settings.database_url
    if url.startswith("sqlite"):
        src = sqlite3.connect(url.removeprefix("sqlite:///"))
        dst = sqlite3.connect(dest / "db.sqlite")
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        return "db.sqlite"
    args, env = _pg_args(url)
    _run(["pg_dump", "-Fc", "--no-owner", "-f", str(dest / "db.pgdump"), *args], env)
    return "db.pgdump"


def backup(settings: Settings, dest: Path) -> dict:
    """Back the archive up into a new folder ``dest``; return the manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise SohoaError(ErrorKind.FILE_ACCESS, f"{dest} is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    counts = _counts(db)
    db.close()
    db_file = _snapshot_db(settings, dest)
    if db_file == "db.sqlite":  # exact counts of the snapshot itself
        snap = sqlite3.connect(dest / db_file)
        counts = {t: snap.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in counts}
        snap.close()
    files: dict[str, str] = {}
    for tree in _TREES:
        src_root = settings.data_dir / tree
        if not src_root.exists() or (tree == "cache" and settings.cache_root):
            continue  # an external OCR cache is shared, not this archive's own
        for f in sorted(
            p for p in src_root.rglob("*") if p.is_file() and not p.name.startswith(".tmp")
        ):
            rel = f"{tree}/{f.relative_to(src_root)}"
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest / rel)
            files[rel] = _sha256(dest / rel)
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "pipeline_version": PIPELINE_VERSION,
        "database": db_file,
        "database_sha256": _sha256(dest / db_file),
        "counts": counts,
        "counts_exact": db_file == "db.sqlite",  # pg_dump's snapshot may hold more rows
        "files": files,
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def verify(src: Path) -> dict:
    """Check a backup against its manifest; raise if anything is missing or altered."""
    src = Path(src)
    try:
        manifest = json.loads((src / "manifest.json").read_text())
    except (OSError, ValueError):
        raise SohoaError(ErrorKind.BAD_INPUT, f"{src} has no readable manifest.json") from None
    bad = [
        rel
        for rel, sha in manifest["files"].items()
        if not (src / rel).is_file() or _sha256(src / rel) != sha
    ]
    if _sha256(src / manifest["database"]) != manifest["database_sha256"]:
        bad.append(manifest["database"])
    if bad:
        raise SohoaError(ErrorKind.BAD_INPUT, f"backup damaged: {len(bad)} file(s), e.g. {bad[0]}")
    return manifest


def restore(src: Path, settings: Settings) -> dict:
    """Restore a verified backup into an empty data dir (and database); return the manifest."""
    manifest = verify(src)
    data = settings.data_dir
    if data.exists() and any(p for p in data.iterdir() if p.name != "admin-token"):
        raise SohoaError(
            ErrorKind.FILE_ACCESS, f"{data} is not empty: restore needs an empty data dir"
        )
    data.mkdir(parents=True, exist_ok=True)
    for rel in manifest["files"]:
        tree, _, rest = rel.partition("/")
        (data / tree / rest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(src) / rel, data / tree / rest)
    if manifest["database"] == "db.sqlite":
        if not settings.database_url.startswith("sqlite"):
            raise SohoaError(ErrorKind.BAD_INPUT, "a SQLite backup restores into a SQLite data dir")
        shutil.copy2(Path(src) / "db.sqlite", settings.database_url.removeprefix("sqlite:///"))
    else:
        args, env = _pg_args(settings.database_url)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--clean",
                "--if-exists",
                *args,
                str(Path(src) / "db.pgdump"),
            ],
            env,
        )
    db = Database(settings.database_url)  # migrates a backup made by an older version
    counts = _counts(db)
    # Items in progress at backup time: their runners are not this archive's; queue them.
    queue.reset_claims(db)
    intake.recover_receiving(db, lease_s=0)
    db.close()
    exact = manifest.get("counts_exact", True)
    if any(counts[k] < n or (exact and counts[k] != n) for k, n in manifest["counts"].items()):
        raise SohoaError(
            ErrorKind.INTERNAL, f"restored counts {counts} != backup {manifest['counts']}"
        )
    return manifest
