"""Memory per worker and a dead OCR worker: one file fails, with the right kind, and the
pool comes back for the next file."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from schemas import ErrorKind, ExitCode
from service.config import Settings
from service.pipeline import Pipeline
from tests.conftest import ROOT, SAMPLES
from tests.jobs_support import run_sohoa

SCAN = SAMPLES / "qd-08-hoc-bong-to-hieu-scan.pdf"
SMALL_IMAGE = ROOT / "tests" / "corpus" / "files" / "png-named.pdf"


@pytest.mark.slow
def test_over_the_memory_cap_is_a_limits_failure_not_retried(data_dir: Path, tmp_path: Path):
    env = {"SOHOA_WORKER_MEMORY_MB": "250", "SOHOA_CACHE_DIR": str(tmp_path / "cold-cache")}
    res = run_sohoa("ingest", str(SCAN), env=env)
    assert res.returncode == ExitCode.LIMITS, res.stdout.decode()[-800:]
    csv = run_sohoa("batch", "show", "1", "--csv").stdout.decode()
    assert "limits,needs more memory than the 250 MB per worker" in csv
    assert ",False,1,9," in csv  # not retryable, one attempt, exit code 9


@pytest.mark.slow
def test_a_killed_ocr_worker_fails_one_file_as_retryable(tmp_path: Path):
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", workers=1, cache_root=tmp_path / "c"))
    try:
        pending = pipe._start(SCAN)
        assert pending.futures, "the scan needs OCR"
        for pid in list(pipe._pool._processes):
            os.kill(pid, signal.SIGKILL)
        out = pipe._finish(pending, None, spooled=False)
        assert out.error is not None and out.error.kind == ErrorKind.INTERNAL
        assert out.error.retryable and "worker process died" in out.error.message
        if SMALL_IMAGE.exists():  # the pool is replaced: the next file is OCRed
            assert pipe.process(SMALL_IMAGE).error is None
    finally:
        pipe.close()


def test_a_reader_bug_on_one_file_fails_that_file_not_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception no reader foresaw (a library's RuntimeError on an odd PDF) becomes that
    file's failure record; the next file of the batch is still read."""
    import ingest

    real = ingest.inspect
    odd, fine = tmp_path / "odd.txt", tmp_path / "fine.txt"
    odd.write_text("Quyết định số 677/QĐ-TTg", encoding="utf-8")
    fine.write_text("Quyết định số 677/QĐ-TTg ngày 18/5/2017", encoding="utf-8")

    def inspect(path: Path, limits: object) -> object:
        if Path(path).name == "odd.txt":
            raise RuntimeError("page.flatten() requires prior pdf.init_forms()")
        return real(path, limits)

    monkeypatch.setattr(ingest, "inspect", inspect)
    pipe = Pipeline(Settings(data_dir=tmp_path / "data", workers=1, cache_root=tmp_path / "c"))
    try:
        first, second = pipe.process_many([odd, fine])
    finally:
        pipe.close()
    assert first.error is not None and first.error.kind == ErrorKind.INTERNAL
    assert "RuntimeError: page.flatten()" in first.error.message
    assert second.error is None and [c.key for c in second.record.citations] == ["677/QĐ-TTg"]
