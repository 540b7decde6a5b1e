"""The early start: the page pool and the first pages are queued before the CLI imports,
and the pipeline takes those pages instead of reading them twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from service import earlystart, pagepool
from service.config import Settings
from service.pipeline import Pipeline
from tests.conftest import ROOT

TIFF = ROOT / "tests" / "corpus" / "files" / "scan-2pages.tif"


@pytest.mark.parametrize(
    ("argv", "parsed"),
    [
        (["--data", "d", "-vv", "ingest", "a.pdf", "b"], ("d", 2, "ingest", ["a.pdf", "b"])),
        (["--data=d", "-v", "--verbose", "text", "f.pdf"], ("d", 2, "text", ["f.pdf"])),
        (["extract", "f.pdf"], (None, 0, "extract", ["f.pdf"])),
        (["ingest", "--help"], None),  # the CLI's own business
        (["--unknown", "ingest", "a.pdf"], None),
        (["-vx", "ingest", "a.pdf"], None),
        ([], None),
    ],
)
def test_command_line_read_before_the_cli(argv: list[str], parsed: object) -> None:
    assert earlystart._parse(argv) == parsed


def test_nothing_starts_for_commands_without_files(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text("Quyết định số 12", encoding="utf-8")
    for argv in (["search", "x"], ["ingest", str(text)], ["ingest", str(tmp_path / "none.pdf")]):
        earlystart.begin(["--data", str(tmp_path / "d"), *argv])
        assert pagepool._early is None, argv


@pytest.fixture
def cold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir and OCR cache: the early start only reads pages nobody has read."""
    monkeypatch.setenv("SOHOA_CACHE_DIR", str(tmp_path / "cold-cache"))
    monkeypatch.setenv("SOHOA_WORKERS", "1")
    monkeypatch.delenv("SOHOA_BROKER_URL", raising=False)
    return tmp_path / "data"


@pytest.mark.slow
def test_pages_queued_early_are_taken_not_read_again(
    cold: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlystart.begin(["--data", str(cold), "text", str(TIFF)])
    assert pagepool._early is not None and len(pagepool._early.pages) == 2
    pipe = Pipeline(Settings.from_env(cold))
    submitted: list[object] = []
    real_submit = pipe._submit
    monkeypatch.setattr(pipe, "_submit", lambda *a: submitted.append(a) or real_submit(*a))
    try:
        doc = pipe.load_document(TIFF)
        assert pipe._pool is not None and pagepool._early is not None
        assert pipe._pool is pagepool._early.pool  # adopted, not a second pool
    finally:
        pipe.close()
        earlystart.end()
    assert submitted == []  # both pages came from the early start
    assert [p.number for p in doc.pages] == [1, 2]
    assert all(p.words for p in doc.pages)
    assert pagepool._early is None


@pytest.mark.slow
def test_other_settings_drop_the_early_pool(cold: Path) -> None:
    earlystart.begin(["--data", str(cold), "text", str(TIFF)])
    early = pagepool._early
    assert early is not None
    settings = Settings.from_env(cold)
    settings.workers = 2  # not what the pool was started with
    pipe = Pipeline(settings)
    try:
        doc = pipe.load_document(TIFF)
        assert pipe._pool is not early.pool
    finally:
        pipe.close()
        earlystart.end()
    with pytest.raises(RuntimeError):  # shut down: its workers stop
        early.pool.submit(int)
    assert all(p.words for p in doc.pages)
