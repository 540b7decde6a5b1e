"""The `sohoa` command as a user runs it: real processes, real files, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from schemas import ExitCode, Record
from tests.conftest import ROOT, SAMPLES, SEEDS, sample_files_citing


def sohoa(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service", *args], capture_output=True,
                          input=stdin, timeout=900)  # fmt: skip


def test_ingest_twice_stores_once_and_search_cites(data_dir: Path) -> None:
    first = sohoa("ingest", str(SAMPLES))
    assert first.returncode == 0, first.stderr.decode()
    second = sohoa("ingest", str(SAMPLES))
    assert second.returncode == 0
    out = second.stdout.decode()
    n = len([p for p in SAMPLES.iterdir() if p.is_file()])
    assert f"done: 0  already known: {n}  failed: 0" in out

    res = sohoa("search", "--cites", "QĐ 677", "--json")
    assert res.returncode == 0, res.stderr.decode()
    hits = json.loads(res.stdout)["results"]  # other scans of a document listed under it
    found = {Path(r["file"]).name for hit in hits for r in (hit, *hit["rescans"])}
    assert found == sample_files_citing("677/QĐ-TTg")

    words = json.loads(sohoa("search", "--q", "khuyen hoc", "--json").stdout)["results"]
    assert words and all(r["snippet"] for r in words)
    bare = sohoa("search")  # no query at all: bad arguments, as the README's table says
    assert bare.returncode == ExitCode.BAD_ARGS and b"--cites" in bare.stderr


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_extract_each_seed_gives_a_valid_record(seed: Path, data_dir: Path) -> None:
    res = sohoa("extract", str(seed))
    assert res.returncode == 0, res.stderr.decode()
    record = Record.model_validate_json(res.stdout)
    assert record.source.kind == "text"
    assert record.doc.doc_type in {"Báo cáo", "Kế hoạch"}
    has_number_line = re.search(r"^\s*S[ốo6]'?\s*:?\s*\d", seed.read_text(), re.M)
    assert bool(record.doc.number) == bool(has_number_line)


def test_bad_input_gets_one_line_and_its_exit_code(tmp_path: Path, data_dir: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.7\n")
    res = sohoa("extract", str(junk))
    assert res.returncode == ExitCode.INPUT_FILE
    assert len(res.stderr.decode().strip().splitlines()) == 1
    assert "Traceback" not in res.stderr.decode()
    missing = sohoa("text", str(tmp_path / "nope.pdf"))
    assert missing.returncode == ExitCode.FILE_ACCESS


def test_batch_with_a_bad_file_finishes_the_rest(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    good = sorted(SAMPLES.glob("*.txt"))[0]
    (folder / good.name).write_bytes(good.read_bytes())
    res = sohoa("ingest", str(folder))
    assert res.returncode == ExitCode.PARTIAL
    assert "done: 1  already known: 0  failed: 1" in res.stdout.decode()


def test_repair_is_line_preserving_on_stdin(data_dir: Path) -> None:
    damaged = b"Hoi Khuyen hoc tinh Son La\n\nS6: 16 /BC-HKH\n"
    res = sohoa("repair", "-", stdin=damaged)
    assert res.returncode == 0, res.stderr.decode()
    assert len(res.stdout.decode().splitlines()) == len(damaged.decode().splitlines())


def test_logs_go_to_stderr_at_the_level_asked(data_dir: Path) -> None:
    """-v: what happened to the document; -vv: each page; never on stdout. (Without -v
    stderr holds only errors: see test_bad_input_gets_one_line_and_its_exit_code.)"""
    sample = SAMPLES / "bc-09-mai-son-2024.txt"
    info, debug = (sohoa(v, "extract", str(sample)) for v in ("-v", "-vv"))
    for res in (info, debug):
        assert res.returncode == 0, res.stderr.decode()
        Record.model_validate_json(res.stdout)  # logs never mix into the result
    err = info.stderr.decode()
    assert f"INFO ingest.intake: {sample.name}: text/plain" in err
    assert f"INFO extract.record: {sample.name}: Báo cáo 09/BC-HKH" in err
    assert "DEBUG" not in err
    assert f"DEBUG ingest.intake: {sample.name} p1: text_file" in debug.stderr.decode()
    stored = sohoa("-v", "ingest", str(sample))  # the service's own loggers follow -v too
    assert stored.returncode == 0, stored.stderr.decode()
    assert f"INFO service.outcome: stored {sample.name} as document 1" in stored.stderr.decode()


def test_every_module_logs_under_its_own_name() -> None:
    """-v sets the loggers of the packages (service.logs.PACKAGES): a logger named otherwise
    ("sohoa.storage") stays at WARNING whatever -v asks, and its INFO lines never show."""
    from service.logs import PACKAGES

    sources = [p for folder in PACKAGES for p in (ROOT / folder).rglob("*.py")]
    assert len(sources) > 100  # the packages' modules are read
    named = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for path in sources
        for m in re.finditer(r"getLogger\(\s*[\"'](\w+)[^)]*\)", path.read_text(encoding="utf-8"))
        if m.group(1) not in PACKAGES
    ]
    assert not named, named


@pytest.mark.parametrize(
    "args",
    [("--bogus",), ("nosuchcommand",), ("ingest",), ("search", "--limit", "many", "--q", "x")],
    ids=["unknown option", "unknown command", "missing argument", "malformed value"],
)
def test_the_parser_refusing_a_command_line_is_bad_arguments(args: tuple[str, ...]) -> None:
    res = sohoa(*args)
    assert res.returncode == ExitCode.BAD_ARGS, res.stderr.decode()
    assert res.stderr and not res.stdout


def test_a_bad_input_file_keeps_its_own_code(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    res = sohoa("text", str(empty))
    assert res.returncode == ExitCode.INPUT_FILE, res.stderr.decode()
