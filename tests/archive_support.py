"""`make run`'s archive for tests: the samples ingested by the CLI, as `make run` does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from service import auth
from service.config import Settings
from service.storage.db import Database
from tests.conftest import ROOT, SAMPLES


def ingest_samples(data: Path, ocr_cache: Path) -> None:
    """Run `sohoa --data DATA ingest samples/documents` (OCR results shared via the cache)."""
    ingest_file(data, ocr_cache, SAMPLES)


def ingest_file(data: Path, ocr_cache: Path, path: Path) -> None:
    """Run `sohoa --data DATA ingest PATH` (OCR results shared via the cache)."""
    env = {**os.environ, "SOHOA_CACHE_DIR": str(ocr_cache), "OMP_THREAD_LIMIT": "1"}
    env.pop("SOHOA_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "service", "--data", str(data), "ingest", str(path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


def samples_with_tokens(data: Path, ocr_cache: Path, archivist: str) -> tuple[Settings, str, str]:
    """`make run`'s archive in ``data`` with an archivist's token and an admin's."""
    ingest_samples(data, ocr_cache)
    settings = Settings.from_env(data)
    db = Database(settings.database_url)
    try:
        token = auth.create_token(db, archivist, "archivist")
        return settings, token, auth.create_token(db, "quản trị@test", "admin")
    finally:
        db.close()
