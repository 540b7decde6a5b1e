"""`sohoa batch show/list/retry` and `sohoa resume` as a user runs them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from schemas import ExitCode
from tests.jobs_support import run_sohoa, write_texts


def _failed_csv() -> str:
    return run_sohoa("batch", "show", "1", "--csv", "--failed").stdout.decode()


def test_batch_report_retry_and_resume(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "hồ sơ"
    write_texts(folder, 2)
    (folder / "hỏng (1).pdf").write_bytes(b"%PDF-1.7\n")
    first = run_sohoa("ingest", str(folder))
    assert first.returncode == ExitCode.PARTIAL, first.stderr.decode()
    assert "done: 2  already known: 0  failed: 1" in first.stdout.decode()

    table = run_sohoa("batch", "show", "1").stdout.decode()
    assert table.startswith("batch 1") and "done: 2  already known: 0  failed: 1" in table
    only_failed = run_sohoa("batch", "show", "1", "--failed").stdout.decode()
    assert "hỏng" in only_failed and "bản-0000" not in only_failed  # rows: the failed one
    assert "done: 2  already known: 0  failed: 1" in only_failed  # counts: the whole batch
    failed = _failed_csv()
    assert failed.startswith("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(failed[1:])))
    assert (Path(row["file"]).name, row["error_kind"], row["exit_code"]) == (
        "hỏng (1).pdf", "bad_input", str(int(ExitCode.INPUT_FILE)))  # fmt: skip

    retry = run_sohoa("batch", "retry", "1")  # the file is still broken: fails again
    assert retry.returncode == ExitCode.PARTIAL
    assert "1 failed file(s) queued again" in retry.stderr.decode()
    [row] = list(csv.DictReader(io.StringIO(_failed_csv()[1:])))
    assert row["attempts"] == "1"  # a user's retry starts the count again

    resume = run_sohoa("resume")
    assert resume.returncode == 0 and "0 file(s) to finish" in resume.stderr.decode()
    listing = run_sohoa("batch", "list").stdout.decode()
    assert "hồ sơ" in listing
    missing = run_sohoa("batch", "show", "99")
    assert missing.returncode == ExitCode.BAD_ARGS and "no batch 99" in missing.stderr.decode()
