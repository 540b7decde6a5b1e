"""The hard-input corpus is what MANIFEST.json says it is (no ingest code is called here).

Committed files match their recorded size, sha256 and magic bytes; generated ones are built
and checked the same way; the legacy-encoding files decode, with independent decoders
(glibc iconv, Python's cp1258 codec, published VNI examples), to the expected text; the
outcome classes agree with the configured limits.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from schemas.limits import Limits
from tests.corpus import make_corpus as mc

RECORDS = mc.load_manifest()
BY_NAME = {r["name"]: r for r in RECORDS}
COMMITTED = [r for r in RECORDS if not r["generated"]]
GENERATED = [r for r in RECORDS if r["generated"]]


def _ids(r: dict) -> str:
    return r["name"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("corpus")
    return {r["name"]: mc.materialise(r, tmp) for r in GENERATED}


def _check_bytes(record: dict, data: bytes) -> None:
    assert len(data) == record["size"]
    assert hashlib.sha256(data).hexdigest() == record["sha256"]
    assert data[:8].hex() == record["magic"]


def test_manifest_lists_exactly_the_committed_files() -> None:
    on_disk = {f"files/{p.name}" for p in mc.FILES.iterdir()}
    assert on_disk == {r["name"] for r in COMMITTED}


def test_outcome_classes_are_known_and_every_class_is_covered() -> None:
    for r in RECORDS:
        assert r["expected"] in mc.OUTCOMES
        assert set(r["also_acceptable"]) <= set(mc.OUTCOMES) - {r["expected"]}
    assert {r["expected"] for r in RECORDS} == set(mc.OUTCOMES)


@pytest.mark.parametrize("record", COMMITTED, ids=_ids)
def test_committed_file_matches_manifest(record: dict) -> None:
    _check_bytes(record, (mc.CORPUS / record["name"]).read_bytes())


@pytest.mark.parametrize("record", GENERATED, ids=_ids)
def test_generated_file_matches_manifest(record: dict, built: dict[str, Path]) -> None:
    _check_bytes(record, built[record["name"]].read_bytes())


def test_magic_bytes_say_what_the_name_does_not() -> None:
    assert BY_NAME["files/png-named.pdf"]["magic"] == b"\x89PNG\r\n\x1a\n".hex()
    assert BY_NAME["files/header-only.pdf"]["magic"] == b"%PDF-1.7".hex()
    assert BY_NAME["files/empty.pdf"]["size"] == 0


def test_file_names_keep_vietnamese_letters_spaces_and_nfd() -> None:
    names = [Path(r["name"]).name for r in COMMITTED]
    assert any(" " in n and "(" in n and n != n.encode("ascii", "ignore").decode() for n in names)
    nfd = [n for n in names if unicodedata.normalize("NFC", n) != n]
    assert nfd and all((mc.FILES / n).exists() for n in nfd)


def test_pixel_bombs_exceed_the_configured_limit(built: dict[str, Path]) -> None:
    limit = Limits().max_image_pixels
    png = built["generated/huge-60000x60000.png"].read_bytes()
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (60000, 60000) and width * height > limit
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(png))
    with pikepdf.open(built["generated/image-bomb.pdf"]) as pdf:
        images = list(pdf.pages[0].get_images().values())
        assert len(images) == 1
        assert images[0].Width * images[0].Height > limit


def test_single_line_text_is_ten_megabytes_within_the_text_limit(
    built: dict[str, Path],
) -> None:
    data = built["generated/single-line-10mb.txt"].read_bytes()
    assert b"\n" not in data and 10_000_000 < len(data) < Limits().max_text_bytes
    data.decode("utf-8")


def _magic(record: dict) -> bytes:
    return bytes.fromhex(record["magic"])


PDFS = [r for r in COMMITTED if _magic(r).startswith(b"%PDF") and r["pages"] is not None]
IMAGES = [r for r in COMMITTED if r["pages"] and not _magic(r).startswith(b"%PDF")]


@pytest.mark.parametrize("record", PDFS, ids=_ids)
def test_pdf_page_counts_and_text(record: dict) -> None:
    path = mc.CORPUS / record["name"]
    if record["expected"] == "encrypted":
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(path)
        pdf = pikepdf.open(path, password=record["password"])
    else:
        pdf = pikepdf.open(path)  # qpdf repairs truncated-tail.pdf on the way
    with pdf:
        assert len(pdf.pages) == record["pages"]
        repaired = io.BytesIO()
        pdf.save(repaired)
    if record["text_contains"] and record["expected"] != "encrypted" and not record["encoding"]:
        with pdfplumber.open(repaired) as doc:  # (a legacy-encoded layer: see below)
            text = "\n".join(p.extract_text() or "" for p in doc.pages)
        assert all(s in text for s in record["text_contains"])


@pytest.mark.parametrize("record", IMAGES, ids=_ids)
def test_images_open_with_their_page_count_and_upright_orientation(record: dict) -> None:
    with Image.open(mc.CORPUS / record["name"]) as img:
        assert getattr(img, "n_frames", 1) == record["pages"]
        upright = ImageOps.exif_transpose(img)
        assert upright.width > upright.height or upright.height > 3000  # lines or A4 page
        if "rotated" in record["name"]:
            assert img.getexif()[0x0112] == 6 and img.height > img.width


ZIPS = [r for r in COMMITTED if r["members"]]


@pytest.mark.parametrize("record", ZIPS, ids=_ids)
def test_zip_members_match_manifest(record: dict) -> None:
    with zipfile.ZipFile(mc.CORPUS / record["name"]) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == [m["name"] for m in record["members"]]
        assert zf.testzip() is None
    for info, member in zip(infos, record["members"], strict=True):
        unsafe = info.filename.startswith("/") or ".." in Path(info.filename).parts
        assert (member["expected"] == "bad_input") == unsafe
        if not info.filename.isascii():
            assert info.flag_bits & 0x800  # names flagged UTF-8


def test_broken_pdfs_do_not_open() -> None:
    for name in ("files/header-only.pdf", "files/truncated.pdf", "files/empty.pdf"):
        with pytest.raises(pikepdf.PdfError):
            pikepdf.open(mc.CORPUS / name)


TEXTS = [r for r in COMMITTED if r["encoding"] in ("utf-8", "utf-16")]


@pytest.mark.parametrize("record", TEXTS, ids=_ids)
def test_unicode_text_files_hold_their_phrases(record: dict) -> None:
    raw = (mc.CORPUS / record["name"]).read_bytes()
    text = raw.decode(record["encoding"], errors="replace").replace("\x00", "")
    assert all(s in text for s in record["text_contains"])


def test_invalid_utf8_is_invalid_and_nul_file_has_nuls() -> None:
    with pytest.raises(UnicodeDecodeError):
        (mc.CORPUS / "files/invalid-utf8.txt").read_bytes().decode("utf-8")
    assert b"\x00" in (mc.CORPUS / "files/nul-bytes.txt").read_bytes()


LEGACY = [r for r in COMMITTED if r["encoding"] in ("tcvn3", "vni", "cp1258")]


@pytest.mark.parametrize("record", LEGACY, ids=_ids)
def test_legacy_files_are_not_utf8_and_expected_text_holds_the_phrases(record: dict) -> None:
    raw = (mc.CORPUS / record["name"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    expected = (mc.CORPUS / record["expected_text"]).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", expected)
    assert all(s in expected for s in record["text_contains"])


def _iconv_tcvn(data: bytes) -> str:
    if shutil.which("iconv") is None:
        pytest.skip("iconv not installed")
    res = subprocess.run(
        ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data, capture_output=True, check=False
    )
    if res.returncode:
        pytest.skip("iconv has no TCVN5712-1")
    return unicodedata.normalize("NFC", res.stdout.decode("utf-8"))


def test_tcvn3_file_decodes_with_glibc_to_the_expected_text() -> None:
    rec = BY_NAME["files/tcvn3.txt"]
    got = _iconv_tcvn((mc.CORPUS / rec["name"]).read_bytes())
    assert got == (mc.CORPUS / rec["expected_text"]).read_text(encoding="utf-8")


def test_cp1258_file_decodes_with_python_codec_to_the_expected_text() -> None:
    rec = BY_NAME["files/cp1258.txt"]
    got = unicodedata.normalize("NFC", (mc.CORPUS / rec["name"]).read_bytes().decode("cp1258"))
    assert got == (mc.CORPUS / rec["expected_text"]).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "vni"),
    [
        ("Xin chào các bạn", "Xin chaøo caùc baïn"),  # vietnamese-conversion's README
        ("Ấ Ặ Ỵ Ĩ Đ Ự Ở", "AÁ AË Î Ó Ñ ÖÏ ÔÛ"),  # xvnkb's VNI table
        ("Hội Khuyến học tỉnh", "Hoäi Khuyeán hoïc tænh"),
    ],
)
def test_vni_encoder_matches_published_examples(text: str, vni: str) -> None:
    assert mc.encode_vni(text) == vni.encode("cp1252")


def test_vni_file_is_the_expected_text_encoded() -> None:
    rec = BY_NAME["files/vni.txt"]
    expected = (mc.CORPUS / rec["expected_text"]).read_text(encoding="utf-8")
    assert (mc.CORPUS / rec["name"]).read_bytes() == mc.encode_vni(expected)


_VOWELS = "aăâeêioôơuưy"
_TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
_LETTERS = sorted(
    {
        unicodedata.normalize("NFC", unicodedata.normalize("NFD", v) + t)
        for v in _VOWELS
        for t in _TONE_MARKS
    }
    | {"đ"}
)
_viet = st.text(
    st.sampled_from([*_LETTERS, *(c.upper() for c in _LETTERS), " ", "b", "N"]), max_size=40
)


@given(_viet)
def test_cp1258_encoder_round_trips(text: str) -> None:
    assert unicodedata.normalize("NFC", mc.encode_cp1258(text).decode("cp1258")) == text


@settings(max_examples=25, deadline=None)
@given(
    st.text(
        st.sampled_from([*_LETTERS, " ", "b", "N", "Ă", "Â", "Đ", "Ê", "Ô", "Ơ", "Ư"]), max_size=40
    )
)
def test_tcvn3_encoder_agrees_with_glibc(text: str) -> None:
    assert _iconv_tcvn(mc.encode_tcvn3(text)) == text


def test_tcvn3_refuses_capitals_it_has_no_code_for() -> None:
    with pytest.raises(ValueError, match="TCVN3"):
        mc.encode_tcvn3("HỘI")


def test_vntime_pdf_converts_to_the_expected_text_with_font_names_for_capitals() -> None:
    """What ingest must do, done with independent tools: TCVN3-decode the text layer and
    write the lines set in the .VnTimeH capitals font in capitals."""
    rec = BY_NAME["files/vntime-tcvn3.pdf"]
    with pdfplumber.open(mc.CORPUS / rec["name"]) as pdf:
        lines = pdf.pages[0].extract_text_lines(return_chars=True)
    got = []
    for line in lines:
        text = _iconv_tcvn(line["text"].encode("latin-1"))
        caps = all(c["fontname"].endswith(".VnTimeH") for c in line["chars"])
        got.append(text.upper() if caps else text)
    expected = (mc.CORPUS / rec["expected_text"]).read_text(encoding="utf-8")
    assert got == [x for x in expected.splitlines() if x]
    assert not any(s in "\n".join(x["text"] for x in lines) for s in rec["text_contains"])


def test_seal_only_page_has_red_ink_and_no_text_ink() -> None:
    doc = pdfium.PdfDocument(mc.CORPUS / "files/seal-only-page.pdf")
    rgb = np.asarray(doc[0].render(scale=100 / 72).to_pil().convert("RGB")).astype(int)
    red = (rgb[..., 0] - rgb[..., 1] > 60).mean()
    dark = (rgb.max(axis=2) < 90).mean()
    assert red > 0.002 and dark < 0.001
    assert BY_NAME["files/seal-only-page.pdf"]["page_kinds"] == ["seal_only"]
