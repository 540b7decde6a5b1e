"""Backup of a live archive restores into an empty data dir with the same contents."""

from __future__ import annotations

import json
import os
from pathlib import Path

from service.storage.blobs import BlobStore
from tests.conftest import SAMPLES
from tests.test_service_cli import sohoa


def _citing(data: Path) -> list[str]:
    res = sohoa("--data", str(data), "search", "--cites", "QĐ 677", "--json")
    assert res.returncode == 0, res.stderr.decode()
    return sorted(r["file"] for r in json.loads(res.stdout)["results"])


def _originals(data: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in (data / "originals").rglob("*") if p.is_file()}


def test_backup_restore_roundtrip(tmp_path: Path, data_dir: Path) -> None:
    texts = sorted(SAMPLES.glob("*.txt"))
    assert sohoa("ingest", *map(str, texts)).returncode == 0
    before = _citing(data_dir)
    assert before, "the samples cite QĐ 677"

    dest = tmp_path / "backup"
    res = sohoa("backup", str(dest))
    assert res.returncode == 0, res.stderr.decode()

    restored = tmp_path / "restored"
    res = sohoa("--data", str(restored), "restore", str(dest))
    assert res.returncode == 0, res.stderr.decode()
    assert _citing(restored) == before
    assert _originals(restored) == _originals(data_dir)
    store = BlobStore(restored / "originals")
    for sha in _originals(restored):
        assert BlobStore.sha256_of(store.path(sha)) == sha


def test_damaged_backup_is_refused(tmp_path: Path, data_dir: Path) -> None:
    assert sohoa("ingest", str(sorted(SAMPLES.glob("*.txt"))[0])).returncode == 0
    dest = tmp_path / "backup"
    assert sohoa("backup", str(dest)).returncode == 0
    victim = next(p for p in (dest / "originals").rglob("*") if p.is_file())
    os.chmod(victim, 0o644)
    victim.write_bytes(b"tampered")
    res = sohoa("--data", str(tmp_path / "r"), "restore", str(dest))
    assert res.returncode == 2
    assert "damaged" in res.stderr.decode()


def test_restore_refuses_a_non_empty_data_dir(tmp_path: Path, data_dir: Path) -> None:
    assert sohoa("ingest", str(sorted(SAMPLES.glob("*.txt"))[0])).returncode == 0
    dest = tmp_path / "backup"
    assert sohoa("backup", str(dest)).returncode == 0
    res = sohoa("restore", str(dest))  # into the live data dir itself
    assert res.returncode == 5
