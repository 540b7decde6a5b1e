"""The archive teaches the key lexicon its own codes (issue 15): a rare valid code that a
clean document uses is never "repaired" afterwards, in this process or another one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from extract import build_record
from normalize import codes
from schemas import Document, Page, PageRoute, Source, SourceKind
from tests.conftest import ROOT

# "SIP" is one OCR confusion (I for T) off the Sở Tư pháp's STP, and not in the lexicon
CITING = "Căn cứ Tờ trình số 15/TTr-SIP ngày 02/3/2024 của Sở Tư pháp tỉnh; UBND tỉnh"


def _keys(text: str) -> list[tuple[str, list[str]]]:
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    src = Source(file="t.txt", sha256="0" * 64, pages=1, kind=SourceKind.TEXT)
    rec = build_record(Document(source=src, pages=[page]))
    return [(c.key, c.flags) for c in rec.citations]


def test_learned_code_is_kept_as_read(tmp_path: Path) -> None:
    codes.load_archive_codes(tmp_path)  # an empty archive: the repo's lexicon only
    try:
        before = _keys(CITING)
        codes.learn_archive_codes(tmp_path, ["7/KH-SIP"])
        after = _keys(CITING)
    finally:
        codes.load_archive_codes(tmp_path / "none")
    assert before == [("15/TTr-STP", ["key_repaired"])]
    assert after == [("15/TTr-SIP", [])]
    assert (tmp_path / codes.ARCHIVE_CODES_FILE).read_text().split() == ["KH", "SIP"]


def test_another_process_reads_the_learned_codes(tmp_path: Path) -> None:
    codes.learn_archive_codes(tmp_path, ["7/KH-SIP"])
    codes.load_archive_codes(tmp_path / "none")
    probe = (
        "import sys; from normalize import codes; "
        "print(codes.load_archive_codes(sys.argv[1]).knows('SIP'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert out.stdout.strip() == "True"
