"""Type detection by content, image inputs, text encodings and bad files."""

from __future__ import annotations

import io
import struct
import unicodedata
import zlib
from pathlib import Path

import pikepdf
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from ingest import inspect, sha256_file
from ingest.legacy import (
    _TCVN3_ROWS,
    _TCVN3_SINGLE,
    _TONE_ORDER,
    best_reading,
    vietnamese_score,
)
from ingest.textfile import decode_text
from schemas import ErrorKind, Limits, PageRoute, SohoaError, SourceKind

VI = "Hội Khuyến học tỉnh Sơn La tổng kết công tác năm 2024 và triển khai nhiệm vụ năm 2025."


def _png(w: int = 200, h: int = 100) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), "white").save(buf, "PNG")
    return buf.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _kind(path: Path, limits: Limits | None = None) -> ErrorKind:
    with pytest.raises(SohoaError) as exc:
        inspect(path, limits)
    assert exc.value.message and "\n" not in exc.value.message
    return exc.value.kind


def test_png_named_pdf_is_an_image(tmp_path: Path) -> None:
    intake = inspect(_write(tmp_path, "scan.pdf", _png()))
    assert intake.source.mime == "image/png"
    assert intake.source.kind == SourceKind.SCANNED
    assert [p.route for p in intake.pages] == [PageRoute.OCR]


def test_image_types_and_multipage_tiff(tmp_path: Path) -> None:
    frames = [Image.new("L", (120, 80), v) for v in (255, 200, 150)]
    tif = tmp_path / "a.bin"
    frames[0].save(tif, "TIFF", save_all=True, append_images=frames[1:])
    jpg = tmp_path / "b.dat"
    frames[0].convert("RGB").save(jpg, "JPEG")
    assert inspect(tif).source.pages == 3
    assert inspect(tif).source.mime == "image/tiff"
    assert inspect(jpg).source.mime == "image/jpeg"
    assert inspect(jpg).source.size == jpg.stat().st_size
    assert inspect(jpg).source.sha256 == sha256_file(jpg)


def test_image_only_pdf_routes_to_ocr(tmp_path: Path) -> None:
    pdf = tmp_path / "scan"
    Image.new("RGB", (850, 1100), "white").save(pdf, "PDF", resolution=100)
    intake = inspect(pdf)
    assert intake.source.mime == "application/pdf"
    assert intake.pages[0].route == PageRoute.OCR
    assert intake.pages[0].route_reason == "no text layer"


def test_empty_random_truncated(tmp_path: Path) -> None:
    assert _kind(_write(tmp_path, "e.pdf", b"")) == ErrorKind.BAD_INPUT
    rnd = bytes((i * 7919 + 13) % 256 for i in range(5000))
    assert _kind(_write(tmp_path, "r.pdf", rnd)) == ErrorKind.BAD_INPUT
    pdf = tmp_path / "full.pdf"
    Image.new("RGB", (300, 300), "white").save(pdf, "PDF")
    data = pdf.read_bytes()
    assert _kind(_write(tmp_path, "t.pdf", data[: len(data) // 3])) == ErrorKind.BAD_INPUT
    assert _kind(_write(tmp_path, "t.png", _png()[:60])) == ErrorKind.BAD_INPUT


def test_encrypted_pdf(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    path = tmp_path / "locked.pdf"
    pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    assert _kind(path) == ErrorKind.ENCRYPTED


def test_missing_file_is_file_access(tmp_path: Path) -> None:
    assert _kind(tmp_path / "nope.pdf") == ErrorKind.FILE_ACCESS


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_huge_png_header_is_refused_unread(tmp_path: Path) -> None:
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\0"))
    data += _chunk(b"IEND", b"")
    assert _kind(_write(tmp_path, "bomb.png", data)) == ErrorKind.LIMITS


def test_limits_on_bytes_and_pages(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.png", _png())
    assert _kind(path, Limits(max_file_bytes=10)) == ErrorKind.LIMITS
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.add_blank_page()
    pdf.save(tmp_path / "three.pdf")
    assert _kind(tmp_path / "three.pdf", Limits(max_pages=2)) == ErrorKind.LIMITS


def _tcvn3(text: str) -> str:
    """Unicode -> TCVN3 codes (lowercase letters), the inverse of the converter's table."""
    inverse = {v: k for k, v in _TCVN3_SINGLE.items()}
    tones = dict(
        zip(_TONE_ORDER, ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"), strict=True)
    )
    for base, codes in _TCVN3_ROWS.items():
        for code, tone in zip(codes, _TONE_ORDER, strict=True):
            if code:
                inverse[unicodedata.normalize("NFC", base + tones[tone])] = code
    return "".join(inverse.get(c, c) for c in text)


def test_text_files_in_legacy_encodings(tmp_path: Path) -> None:
    lower = VI.lower()
    cases = {
        "u8.txt": VI.encode("utf-8"),
        "u16.txt": VI.encode("utf-16"),
        "tcvn.txt": _tcvn3(lower).encode("latin-1"),
        "vni.txt": "Hoäi Khuyeán hoïc tænh Sôn La toång keát coâng taùc".encode("cp1252"),
        "ff.txt": (VI + "\f" + VI).encode("utf-8"),
    }
    got = {name: inspect(_write(tmp_path, name, data)) for name, data in cases.items()}
    assert got["u8.txt"].pages[0].text == VI
    assert got["u16.txt"].pages[0].text == VI
    assert got["tcvn.txt"].pages[0].text == lower
    assert got["tcvn.txt"].metadata["encoding"] == "tcvn3"
    assert got["vni.txt"].pages[0].text == "Hội Khuyến học tỉnh Sơn La tổng kết công tác"
    assert got["ff.txt"].source.pages == 2
    assert all(i.source.kind == SourceKind.TEXT for i in got.values())


_SYLLABLES = st.sampled_from(
    [
        "hội",
        "khuyến",
        "học",
        "tỉnh",
        "sơn",
        "la",
        "tổng",
        "kết",
        "công",
        "tác",
        "năm",
        "nhiệm",
        "vụ",
        "đạt",
        "được",
        "những",
        "ưu",
        "điểm",
        "quyết",
        "định",
        "ủy",
        "ban",
        "nhân",
        "dân",
        "xã",
        "huyện",
        "thị",
        "trấn",
        "trường",
        "giáo",
        "dục",
        "đào",
        "tạo",
    ]
)


@given(st.lists(_SYLLABLES, min_size=6, max_size=30))
@settings(max_examples=60, deadline=None)
def test_tcvn3_round_trip(words: list[str]) -> None:
    # a legacy reading is chosen only when it is clearly better: most words must change
    assume(sum(_tcvn3(w) != w for w in words) >= 0.6 * len(words))
    text = " ".join(words)
    # ... and the codes read as Unicode must not be Vietnamese themselves: "vụ" in TCVN3
    # reads "vô", and such a text is rightly kept as it is (Unicode is never converted)
    assume(vietnamese_score(_tcvn3(text)) + 0.15 < vietnamese_score(text))
    assert best_reading(_tcvn3(text)) == (text, "tcvn3")


@given(st.lists(_SYLLABLES, min_size=1, max_size=30))
@settings(max_examples=60, deadline=None)
def test_unicode_vietnamese_is_never_converted(words: list[str]) -> None:
    text = " ".join(words)
    assert best_reading(text) == (text, "unicode")


@given(st.binary(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_decode_never_crashes(data: bytes) -> None:
    try:
        text, encoding = decode_text(data)
    except SohoaError as exc:
        assert exc.kind == ErrorKind.BAD_INPUT
        return
    assert isinstance(text, str) and encoding
    assert unicodedata.is_normalized("NFC", text)


def test_zero_page_pdf(tmp_path: Path) -> None:
    pikepdf.new().save(tmp_path / "empty.pdf")
    assert _kind(tmp_path / "empty.pdf") == ErrorKind.BAD_INPUT


@given(
    st.lists(_SYLLABLES, min_size=8, max_size=40),
    st.lists(st.tuples(st.floats(0, 1), st.integers(0x80, 0xFF)), min_size=1, max_size=3),
)
@settings(max_examples=150, deadline=None)
def test_mostly_utf8_stays_utf8(words: list[str], strays: list[tuple[float, int]]) -> None:
    """A few invalid bytes in UTF-8 Vietnamese are replaced; the text is never read as a
    legacy code page (which would turn every accented letter into mojibake)."""
    text = " ".join(words) + " theo Quyết định số 677/QĐ-TTg"
    data = bytearray(text.encode("utf-8"))
    for at, byte in strays:
        data.insert(int(at * len(data)), byte)
    try:
        bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        decoded, encoding = decode_text(bytes(data))
        assert encoding.startswith("utf-8")
        # no mojibake: at most the stray bytes' own characters are new
        assert len(set(decoded) - set(text) - {"\ufffd"}) <= len(strays)


@pytest.mark.parametrize(("fmt", "mime"), [("WEBP", "image/webp"), ("JPEG2000", "image/jp2")])
def test_webp_and_jpeg2000_are_images(tmp_path: Path, fmt: str, mime: str) -> None:
    """Phone exports (WebP) and digitisation masters (JPEG 2000) are scans like any other,
    known by their content whatever their name."""
    path = tmp_path / "scan.bin"
    Image.new("RGB", (300, 200), "white").save(path, fmt)
    intake = inspect(path)
    assert (intake.source.mime, intake.source.kind) == (mime, SourceKind.SCANNED)
    assert [p.route for p in intake.pages] == [PageRoute.OCR]


def test_a_riff_file_that_is_not_webp_is_not_an_image() -> None:
    from ingest.detect import sniff

    wav = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + bytes(40)
    assert sniff(wav) is None


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_a_transparent_ground_is_white_paper(tmp_path: Path, mode: str) -> None:
    """Text on a transparent ground (scanning apps, signature images): the ground reads
    as white paper, the ink stays dark; a plain conversion made both black."""
    from ocr.raster import load_page

    im = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    im.paste((0, 0, 0, 255), (50, 40, 150, 60))
    path = tmp_path / "ink.png"
    if mode == "P":  # a palette image whose ground colour is marked transparent
        pal = Image.new("P", im.size, 0)
        pal.putpalette([0, 0, 0, 0, 0, 0])
        pal.paste(1, (50, 40, 150, 60))
        pal.save(path, transparency=0)
    else:
        im.convert(mode).save(path)
    rgb = load_page(str(path), 1, "image/png").rgb
    assert rgb[5, 5].tolist() == [255, 255, 255]
    assert rgb[50, 100].max() < 60
