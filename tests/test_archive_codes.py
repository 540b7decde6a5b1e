"""The archive teaches the key lexicon its own codes (issue 15): a rare valid code that
clean documents use is never "repaired" afterwards, in this process or another one; one
document alone (it may be damaged) teaches nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from extract import build_record
from normalize import codes
from schemas import Document, Page, PageRoute, Record, Source, SourceKind
from service import outcome
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
        codes.learn_archive_codes(tmp_path, ["7/KH-SIP"], source="7/KH-SIP@2024-01-05")
        once = _keys(CITING)
        codes.learn_archive_codes(tmp_path, ["9/TB-SIP"], source="9/TB-SIP@2024-02-01")
        after = _keys(CITING)
    finally:
        codes.load_archive_codes(tmp_path / "none")
    assert before == once == [("15/TTr-STP", ["key_repaired"])]
    assert after == [("15/TTr-SIP", [])]
    assert (tmp_path / codes.ARCHIVE_CODES_FILE).read_text().split() == ["SIP"]


def test_one_damaged_document_teaches_nothing(tmp_path: Path) -> None:
    """A "clean" text whose own number OCR damaged (``QĐ1``: a stray stroke after the
    type) stored once, even re-stored as the same document, leaves the damaged key of
    another document flagged."""
    damaged = "Căn cứ Quyết định số 1373/QĐ1-TTg ngày 10/5/2023 của Thủ tướng Chính phủ;"
    try:
        for _ in range(2):
            codes.learn_archive_codes(tmp_path, ["12/QĐ1-UBND"], source="12/QĐ1-UBND@2024-03-01")
        got = _keys(damaged)
    finally:
        codes.load_archive_codes(tmp_path / "none")
    assert not (tmp_path / codes.ARCHIVE_CODES_FILE).exists()
    assert len(got) == 1 and got[0][1], got
    evidence = (tmp_path / codes.EVIDENCE_FILE).read_text().split("\n")
    assert evidence[0] == "QĐ1\t12/QĐ1-UBND@2024-03-01"


def test_codes_the_repo_knows_need_no_evidence(tmp_path: Path) -> None:
    codes.learn_archive_codes(tmp_path, ["7/KH-UBND", "5/QĐ-TTg"], source="a")
    codes.load_archive_codes(tmp_path / "none")
    assert not (tmp_path / codes.EVIDENCE_FILE).exists()


def test_another_process_reads_the_learned_codes(tmp_path: Path) -> None:
    for n, source in enumerate(("a" * 64, "b" * 64)):
        codes.learn_archive_codes(tmp_path, [f"{n + 1}/KH-SIP"], source=source)
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


def _record(text: str, sha: str = "0" * 64) -> tuple[Document, Record]:
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    doc = Document(
        source=Source(file="t.txt", sha256=sha, pages=1, kind=SourceKind.TEXT), pages=[page]
    )
    return doc, build_record(doc)


def test_identity_is_the_documents_number_and_date() -> None:
    """Two files of one document (its .txt and its PDF) are one piece of evidence; a
    document without a number is its content."""
    head = "UBND TỈNH SƠN LA\nSố: 12/KH-SIP\nSơn La, ngày 05 tháng 01 năm 2024\nKẾ HOẠCH\n"
    a, b = _record(head, "a" * 64), _record(head + "\n", "b" * 64)
    assert outcome.identity(*a) == outcome.identity(*b) == "12/KH-SIP@2024-01-05"
    c = _record("Một văn bản không số.", "c" * 64)
    assert outcome.identity(*c) == "c" * 64
