"""Per-page routing on the real scans: stamp-only layers go to OCR, born-digital stays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest import inspect
from schemas import PageRoute, SourceKind

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-scans"
FILES = sorted(REAL.glob("*.pdf"))
pytestmark = pytest.mark.skipif(not FILES, reason="shared/real-scans not present")


def _gold(path: Path) -> dict:
    return json.loads((REAL / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def intakes() -> dict[str, object]:
    return {p.name: inspect(p) for p in FILES}


def test_every_page_is_routed_with_a_reason(intakes: dict) -> None:
    for name, intake in intakes.items():
        assert intake.source.pages == len(intake.pages) == _gold(REAL / name)["pages"]
        for page in intake.pages:
            assert page.route_reason, (name, page.number)
            if page.route == PageRoute.OCR:
                assert page.text == ""


def test_stamp_only_layers_go_to_ocr_and_keep_the_stamp_apart(intakes: dict) -> None:
    scanned = [i for i in intakes.values() if i.source.kind == SourceKind.SCANNED]
    # an archival scan without a digital signature has no text layer at all
    stamped = [i for i in scanned if "no text layer" not in i.pages[0].route_reason]
    assert len(stamped) >= 6
    for intake in scanned:
        first = intake.pages[0]
        assert first.route == PageRoute.OCR
        if intake not in stamped:
            assert first.stamp_text is None and "signed_at" not in intake.metadata
            continue
        assert first.stamp_text, intake.source.file
        assert "signed_at" in intake.metadata
        assert "stamp" in first.route_reason


def test_born_digital_pages_use_the_text_layer_without_the_stamp(intakes: dict) -> None:
    born = [i for i in intakes.values() if i.source.kind == SourceKind.BORN_DIGITAL]
    assert len(born) == 2
    for intake in born:
        gold = _gold(REAL / intake.source.file)["doc"]
        first = intake.pages[0]
        assert all(p.route == PageRoute.TEXT_LAYER for p in intake.pages)
        assert "ttcbth@" in (first.stamp_text or "")
        body = "\n".join(p.text for p in intake.pages)
        assert "ttcbth@" not in body and "+07:00" not in body
        # the number is a signature-widget fill-in: it must be merged into the body line
        number_line = next(ln for ln in first.text.splitlines() if ln.startswith("Số"))
        assert gold["number"].split("/")[0] in number_line
        day = gold["date"][-2:]
        date_line = next(ln for ln in first.text.splitlines() if "tháng" in ln)
        assert f"ngày {day}" in date_line


def test_stamp_metadata_is_parsed(intakes: dict) -> None:
    meta = intakes[FILES[0].name].metadata
    assert meta["stamp_email"].endswith("gov.vn")
    assert meta["signed_at"][:4].isdigit()
