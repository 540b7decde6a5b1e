"""The hard-input corpus as ONE batch through the CLI: each file ends in its class, the
rest of the batch is untouched, and a lone bad file exits with its own code."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
import unicodedata
from pathlib import Path

import pytest

from schemas import ErrorKind, ExitCode, SohoaError
from service.safetext import zip_member_name
from tests.conftest import ROOT, need
from tests.jobs_support import run_sohoa, write_texts

CORPUS = ROOT / "tests" / "corpus"
BUDGET_S = 240  # the whole corpus, OCR included, on 2 cores


def _manifest() -> list[dict]:
    need((CORPUS / "MANIFEST.json").exists(), "the hard-input corpus (tests/corpus) is missing")
    from tests.corpus import make_corpus

    return make_corpus.load_manifest()


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _exit_code(kind: str) -> int:
    return int(SohoaError(ErrorKind(kind), "").exit_code)


def _build(folder: Path, tmp: Path, records: list[dict]) -> dict[str, set[str]]:
    """Put every corpus file in one folder; return the outcomes allowed per batch entry."""
    from tests.corpus import make_corpus

    folder.mkdir(parents=True)
    allowed: dict[str, set[str]] = {}
    for rec in records:
        src = make_corpus.materialise(rec, tmp)
        dest = folder / Path(rec["name"]).name
        shutil.copyfile(src, dest)
        if rec["members"]:
            for m in rec["members"]:
                # members are reported by their display name ('..' and empty parts dropped)
                allowed[_key(zip_member_name(str(dest), m["name"]))] = {m["expected"]}
        else:
            allowed[_key(str(dest))] = {rec["expected"], *rec["also_acceptable"]}
    return allowed


def _ingest(folder: Path, data_dir: Path) -> subprocess.CompletedProcess:
    """`sohoa ingest` within a time budget; past it, name the files the batch is stuck on."""
    try:
        return run_sohoa("ingest", str(folder), timeout=BUDGET_S)
    except subprocess.TimeoutExpired:
        with sqlite3.connect(data_dir / "sohoa.db") as c:
            open_items = c.execute(
                "select filename from batch_items where state in ('queued', 'processing') "
                "order by id"
            ).fetchall()
        # Files finish in order: the first open one is what the batch is waiting for.
        names = [Path(name).name for (name,) in open_items]
        pytest.fail(f"batch not finished in {BUDGET_S} s: stuck on {names[:1]}, open: {names}")


def _outcome(row: dict) -> str:
    return "ok" if row["state"] in ("stored", "known") else row["error_kind"]


@pytest.mark.slow
def test_the_corpus_as_one_batch(data_dir: Path, tmp_path: Path) -> None:
    records = _manifest()
    folder = tmp_path / "lô hồ sơ"
    allowed = _build(folder, tmp_path, records)
    normal = write_texts(folder, 3)  # ordinary documents sharing the batch

    res = _ingest(folder, data_dir)
    stderr = res.stderr.decode()
    assert "Traceback" not in stderr
    assert res.returncode == ExitCode.PARTIAL, stderr

    show = run_sohoa("batch", "show", "1", "--csv")
    assert show.returncode == 0, show.stderr.decode()
    rows = {_key(r["file"]): r for r in csv.DictReader(io.StringIO(show.stdout.decode()[1:]))}
    assert set(rows) == set(allowed) | {_key(str(p)) for p in normal}

    wrong = {
        Path(name).name: (_outcome(rows[name]), rows[name]["error"], sorted(ok))
        for name, ok in allowed.items()
        if _outcome(rows[name]) not in ok
    }
    assert not wrong, wrong
    for row in rows.values():
        if row["state"] == "failed":
            assert row["error"] and "\n" not in row["error"]
            assert int(row["exit_code"]) == _exit_code(row["error_kind"]), row
            assert row["retryable"] == "False", row  # none of these is worth retrying

    with sqlite3.connect(data_dir / "sohoa.db") as c:
        texts = [t for (t,) in c.execute("select text from documents")]
    assert len(texts) == sum(r["state"] == "stored" for r in rows.values())
    for i, path in enumerate(normal):
        assert rows[_key(str(path))]["state"] == "stored"
        assert sum(f"Bản sao số {i}." in t for t in texts) == 1
    with sqlite3.connect(data_dir / "sohoa.db") as c:
        by_name = {_key(n): t for n, t in c.execute("select filename, text from documents")}
    read = [r for r in records if r["expected"] == "ok" and r["text_contains"] and not r["members"]]
    for rec in read:  # what the pages say, read: legacy encodings, OCR of odd images
        name = _key(Path(rec["name"]).name)
        assert name in by_name, (name, sorted(by_name))
        folded = " ".join(by_name[name].split())
        assert all(s in folded for s in rec["text_contains"]), (name, folded[:300])


@pytest.mark.slow
def test_a_lone_bad_file_exits_with_its_class(data_dir: Path, tmp_path: Path) -> None:
    from tests.corpus import make_corpus

    firsts: dict[str, dict] = {}
    for rec in _manifest():
        if rec["expected"] != "ok" and not rec["also_acceptable"] and not rec["members"]:
            firsts.setdefault(rec["expected"], rec)
    assert {"bad_input", "encrypted", "limits"} <= set(firsts)
    for kind, rec in sorted(firsts.items()):
        res = run_sohoa("ingest", str(make_corpus.materialise(rec, tmp_path)))
        assert res.returncode == _exit_code(kind), (rec["name"], res.stdout.decode()[-500:])


def test_mostly_utf8_file_keeps_its_citations_and_warns(tmp_path: Path) -> None:
    """UTF-8 with a few invalid bytes is read as UTF-8 (never a legacy code page): the
    citations survive and the record says the text was damaged."""
    from service.config import Settings
    from service.pipeline import Pipeline

    pipe = Pipeline(Settings(data_dir=tmp_path / "data", workers=1, cache_root=tmp_path / "c"))
    try:
        out = pipe.process(CORPUS / "files" / "invalid-utf8.txt")
    finally:
        pipe.close()
    assert out.error is None and out.record is not None
    assert "677/QĐ-TTg" in [c.key for c in out.record.citations]
    assert [w.code for w in out.record.warnings if w.code == "encoding_damaged"] == [
        "encoding_damaged"
    ]
    assert out.document.metadata["encoding"].startswith("utf-8, damaged (")
