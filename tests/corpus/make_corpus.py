"""Build the hard-input corpus (OCRmyPDF keeps one like it in ``tests/resources``).

Run ``python -m tests.corpus.make_corpus`` (from the repository root) to rewrite
``files/``, ``expected/`` and ``MANIFEST.json``. Small files are committed; big ones (a
10 MB single-line text, a 60000x60000 PNG, a PDF whose one image would decode to 2.5 Gpx)
are listed with
``"generated": true`` and built at test time by :func:`materialise`.

``MANIFEST.json`` is the contract for ingest and batch tests: each file's expected outcome
class (``ok``, ``bad_input``, ``encrypted``, ``limits``, the ErrorKind values; ``ok`` means
a record is produced), and for readable files what their text must contain. When two
policies are both defensible (repair a damaged PDF or refuse it) the other one is named in
``also_acceptable``.

The legacy Vietnamese encoders (TCVN3/ABC, VNI, cp1258) live here on purpose: the product
must decode such bytes, so its own tables cannot be used to make the test data.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import struct
import sys
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from samples.synth import degrade

CORPUS = Path(__file__).resolve().parent
FILES = CORPUS / "files"
EXPECTED = CORPUS / "expected"
MANIFEST = CORPUS / "MANIFEST.json"
OUTCOMES = ("ok", "bad_input", "encrypted", "limits")
USER_PASSWORD = "sohoa"
FONT = Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf")

# ---------------------------------------------------------------- legacy encoders

# TCVN 5712:1993 VN3, the "ABC" font encoding (.VnTime): lowercase letters precomposed,
# only seven capitals; other capitals were typed in a separate capitals-only font, so
# they cannot be written in a plain .txt file. Table checked against glibc's TCVN5712-1.
_TCVN3_CHARS = "àảãáạăằẳẵắặâầẩẫấậèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵđĂÂĐÊÔƠƯ"
_TCVN3_CODES = bytes.fromhex(
    "b5b6b7b8b9a8bbbcbdbec6a9c7c8c9cacbcccecfd0d1aad2d3d4d5d6d7d8dcdddedfe1e2e3e4abe5e6"
    "e7e8e9aceaebecedeeeff1f2f3f4adf5f6f7f8f9fafbfcfdfeaea1a2a7a3a4a5a6"
)
_TCVN3 = dict(zip(_TCVN3_CHARS, _TCVN3_CODES, strict=True))

# VNI for Windows: a base letter followed by a mark byte, shown through a Latin-1 font.
_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRC_TONE = {
    "": "â",
    "\u0301": "á",
    "\u0300": "à",
    "\u0309": "å",
    "\u0303": "ã",
    "\u0323": "ä",
}
_VNI_BREVE_TONE = {
    "": "ê",
    "\u0301": "é",
    "\u0300": "è",
    "\u0309": "ú",
    "\u0303": "ü",
    "\u0323": "ë",
}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _split(ch: str) -> tuple[str, str, str]:
    """A Vietnamese letter as (ASCII base, vowel mark, tone mark)."""
    nfd = unicodedata.normalize("NFD", ch)
    tone = "".join(c for c in nfd if c in _TONES)
    mark = "".join(c for c in nfd[1:] if c not in _TONES)
    return nfd[0], mark, tone


def encode_tcvn3(text: str) -> bytes:
    """Unicode to TCVN3 bytes; raises on capitals the encoding has no code for."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
        elif ch in _TCVN3:
            out.append(_TCVN3[ch])
        else:
            raise ValueError(f"{ch!r} has no TCVN3 code")
    return bytes(out)


def _vni_char(ch: str) -> str:
    if ch in "đĐ":
        return "ñ" if ch == "đ" else "Ñ"
    base, mark, tone = _split(ch)
    upper = base.isupper()
    low = base.lower()
    if low == "i" and tone:
        seq = _VNI_I[tone]  # tone-marked i is one byte in VNI
    elif low == "y" and tone == "\u0323":
        seq = "î"  # ỵ is one byte too
    elif mark == "\u0302":  # circumflex: â ê ô
        seq = low + _VNI_CIRC_TONE[tone]
    elif mark == "\u0306":  # breve: ă
        seq = low + _VNI_BREVE_TONE[tone]
    elif mark == "\u031b":  # horn: ơ ư are single bytes, tone follows
        seq = {"o": "ô", "u": "ö"}[low] + _VNI_TONE.get(tone, "")
    elif not mark and (tone or ord(ch) < 0x80):
        seq = low + _VNI_TONE.get(tone, "")
    else:
        raise ValueError(f"{ch!r} has no VNI form")
    return seq.upper() if upper else seq


def encode_vni(text: str) -> bytes:
    """Unicode to VNI-Windows bytes (as saved from a VNI-Times document)."""
    return "".join(_vni_char(c) for c in unicodedata.normalize("NFC", text)).encode("cp1252")


def encode_cp1258(text: str) -> bytes:
    """Unicode to Windows-1258, the way Windows converts: letters cp1258 has are kept
    whole, other tone-marked letters become a base letter plus a combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, mark, tone = _split(ch)
            out += unicodedata.normalize("NFC", base + mark).encode("cp1258")
            out += tone.encode("cp1258")
    return bytes(out)


# ---------------------------------------------------------------- texts

# No capital letters with tone marks: TCVN3 text files cannot hold them (see above).
LEGACY_TEXT = """Hội Khuyến học tỉnh Sơn La
Số: 27/BC-HKH
Sơn La, ngày 12 tháng 6 năm 2001

Báo cáo kết quả công tác khuyến học 6 tháng đầu năm 2001

Thực hiện Chỉ thị số 11-CT/TW của Bộ Chính trị, các cấp hội đã phát triển thêm
1.240 hội viên, nâng tổng số hội viên toàn tỉnh lên 48.315 người.
Quỹ khuyến học huy động được 215.600.000 đồng (hai trăm mười lăm triệu sáu trăm nghìn
đồng); đã trao 412 suất học bổng cho học sinh nghèo vượt khó ở các xã vùng cao.
Ưu tiên năm tới: mở thêm 18 lớp xóa mù chữ, củng cố Ban khuyến học ở bản, tổ dân phố.
"""

# The same report with the capitals VNI and cp1258 can write.
LEGACY_CAPS_LINES = ["ỦY BAN NHÂN DÂN TỈNH SƠN LA", "HỘI KHUYẾN HỌC TỈNH"]
LEGACY_TEXT_CAPS = "\n".join(LEGACY_CAPS_LINES) + "\n" + LEGACY_TEXT

UTF8_TEXT = """HỘI KHUYẾN HỌC TỈNH SƠN LA
Số: 08/QĐ-HKH
Quyết định về việc trao học bổng Tô Hiệu năm học 2024 - 2025.
Căn cứ Quyết định số 677/QĐ-TTg ngày 03/6/2022 của Thủ tướng Chính phủ.
Tổng số tiền là 315.000.000 đồng (Ba trăm mười lăm triệu đồng).
"""

# ---------------------------------------------------------------- builders


def _register_font() -> str:
    pdfmetrics.registerFont(TTFont("CorpusSerif", str(FONT)))
    return "CorpusSerif"


def text_pdf(
    lines: list[str],
    size: tuple[float, float] = (595.28, 841.89),
    pt: float = 13,
    more_pages: tuple[list[str], ...] = (),
) -> bytes:
    """A small born-digital PDF with a Vietnamese text layer (fixed metadata).

    reportlab writes the page tree and the xref last, so a cut file loses its pages."""
    rl_config.useA85 = 0
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1)
    font = _register_font()
    for page in (lines, *more_pages):
        c.setFont(font, pt)
        y = size[1] - 72
        for line in page:
            c.drawString(72, y, line)
            y -= pt * 1.4
        c.showPage()
    c.save()
    return buf.getvalue()


def _vntime_font(name: str, caps: bool) -> str:
    """A font laid out like the old ABC fonts: byte codes of TCVN3 (here, their Latin-1
    code points) draw Vietnamese letters. ``caps`` makes the ".VnTimeH" variant, which
    draws capitals for the lowercase codes: capitals were typed as lowercase text in it."""
    font = TTFont(name, str(FONT))  # a fresh face: the remapping stays in this font
    face = font.face
    face.name = ("." + name).encode()  # reportlab merges fonts by face name; PDFs show it
    pairs = [(code, ch) for ch, code in _TCVN3.items()]
    if caps:
        pairs += [(ord(c), c) for c in "abcdefghijklmnopqrstuvwxyz"]
    for code, ch in pairs:
        shown = ord(ch.upper() if caps else ch)
        face.charToGlyph[code] = face.charToGlyph[shown]
        face.charWidths[code] = face.charWidths[shown]
    pdfmetrics.registerFont(font)
    return name


def vntime_pdf() -> bytes:
    """A PDF as Word 97 with .VnTime fonts made them: it looks right, but its text layer
    holds TCVN3 byte codes (extracted as 'Héi KhuyÕn häc'), capitals in .VnTimeH."""
    rl_config.useA85 = 0
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595.28, 841.89), invariant=1)
    body, caps = _vntime_font("VnTime", caps=False), _vntime_font("VnTimeH", caps=True)
    y = 770.0
    for line in LEGACY_CAPS_LINES:
        c.setFont(caps, 13)
        c.drawString(72, y, encode_tcvn3(line.lower()).decode("latin-1"))
        y -= 18
    c.setFont(body, 13)
    for line in LEGACY_TEXT.splitlines():
        c.drawString(72, y, encode_tcvn3(line).decode("latin-1"))
        y -= 18
    c.showPage()
    c.save()
    return buf.getvalue()


def _pike_bytes(build: Callable) -> bytes:
    pdf = pikepdf.new()
    build(pdf)
    buf = io.BytesIO()
    pdf.save(buf, static_id=True)
    return buf.getvalue()


def _two_page_pdf() -> bytes:
    return text_pdf(UTF8_TEXT.splitlines(), more_pages=(LEGACY_TEXT.splitlines(),))


def truncated_pdf() -> bytes:
    """The first 40% of a valid PDF: page tree, fonts and xref are gone."""
    src = _two_page_pdf()
    return src[: len(src) * 2 // 5]


def truncated_tail_pdf() -> bytes:
    """A valid PDF missing its xref table and trailer: qpdf can rebuild those."""
    src = _two_page_pdf()
    return src[: src.rindex(b"xref")]


def encrypted_pdf(user: str) -> bytes:
    pdf = pikepdf.open(io.BytesIO(text_pdf(UTF8_TEXT.splitlines())))
    buf = io.BytesIO()
    pdf.save(
        buf, encryption=pikepdf.Encryption(user=user, owner="sohoa-owner", R=6), static_id=True
    )
    return buf.getvalue()


def no_contents_pdf() -> bytes:
    def build(pdf) -> None:
        pdf.add_blank_page(page_size=(595, 842))
        del pdf.pages[0].obj["/Contents"]

    return _pike_bytes(build)


def orphan_widget_pdf() -> bytes:
    """A text page with a signature widget that no /AcroForm lists, as when a signed
    page is copied into another PDF: PDFium then has no form environment to flatten it."""
    pdf = pikepdf.open(io.BytesIO(text_pdf(UTF8_TEXT.splitlines())))
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    look = pikepdf.Stream(pdf, b"BT /F1 9 Tf 4 24 Td (Ky boi: So Noi vu) Tj ET")
    look.Type, look.Subtype, look.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 200, 40]
    look.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    widget = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget,
        FT=pikepdf.Name.Sig,
        T=pikepdf.String("Signature1"),
        F=4,
        Rect=[340, 60, 540, 100],
        AP=pikepdf.Dictionary(N=look),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(widget)]))
    buf = io.BytesIO()
    with warnings.catch_warnings():  # pikepdf warns that Acrobat may not show the widget
        warnings.simplefilter("ignore")
        pdf.save(buf, static_id=True)
    return buf.getvalue()


def zero_pages_pdf() -> bytes:
    return _pike_bytes(lambda pdf: None)


def zlib_zeros(row: bytes, rows: int, per_block: int = 500) -> bytes:
    """A zlib stream of ``row`` repeated: one block is compressed once, then repeated
    (each ends with a full flush, so copies are independent), so hundreds of MB of
    zeros cost milliseconds rather than seconds."""

    def raw(data: bytes, mode: int) -> bytes:
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        return comp.compress(data) + comp.flush(mode)

    block = row * per_block
    body = raw(block, zlib.Z_FULL_FLUSH) * (rows // per_block)
    body += raw(row * (rows % per_block), zlib.Z_FINISH)
    adler = 1
    for _ in range(rows // per_block):
        adler = zlib.adler32(block, adler)
    adler = zlib.adler32(row * (rows % per_block), adler)
    return b"\x78\xda" + body + struct.pack(">I", adler)


def _png(width: int, height: int, bit_depth: int = 1) -> bytes:
    """A valid grayscale PNG of all-zero pixels, compressed as it is streamed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    row = bytes(1 + (width * bit_depth + 7) // 8)  # filter byte 0, then the pixels
    idat = zlib_zeros(row, height)  # 60000 rows would be 450 MB uncompressed
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def huge_png() -> bytes:
    """60000 x 60000 pixels, all black, 1 bit deep: 3.6 Gpx from ~450 kB (a pixel bomb)."""
    return _png(60000, 60000)


def image_bomb_pdf() -> bytes:
    """One A4 page showing a 50000 x 50000 image: rendering it decodes 2.5 Gpx."""
    side = 50000
    data = zlib_zeros(bytes((side + 7) // 8), side)

    def build(pdf) -> None:
        pdf.add_blank_page(page_size=(595, 842))
        page = pdf.pages[0]
        image = pikepdf.Stream(pdf, data)
        image.stream_dict = pikepdf.Dictionary(
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=side,
            Height=side,
            ColorSpace=pikepdf.Name.DeviceGray,
            BitsPerComponent=1,
            Filter=pikepdf.Name.FlateDecode,
        )
        page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.obj.Contents = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q")

    return _pike_bytes(build)


def scan_png() -> bytes:
    """A small PNG of printed Vietnamese text, as a phone or scanner makes."""
    img = _text_image(UTF8_TEXT.splitlines(), (2300, 640)).convert("1")
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True, dpi=(300, 300))
    return buf.getvalue()


def invalid_utf8() -> bytes:
    """UTF-8 with damage: a lone continuation byte, a cut 3-byte sequence, 0xFF, and an
    overlong encoding; the rest of the text must survive."""
    good = UTF8_TEXT.encode("utf-8")
    cut = "Tô Hiệu".encode()[:-2]  # "ệ" is 3 bytes: keep only its first
    return good[:60] + b"\x80" + good[60:120] + b"\xff\xfe" + cut + b" \xc0\xaf\n" + good[120:]


def nul_bytes() -> bytes:
    """UTF-8 text with NULs at line ends and a run of them in the middle (padding left
    by a broken export)."""
    lines = UTF8_TEXT.encode("utf-8").split(b"\n")
    return b"\x00\n".join(lines[:2]) + b"\x00" * 64 + b"\n" + b"\n".join(lines[2:])


def single_line_10mb() -> bytes:
    """10 MiB of Vietnamese on one line, no newline anywhere."""
    unit = (
        "Hội Khuyến học tỉnh Sơn La; Quyết định số 677/QĐ-TTg ngày 03/6/2022; "
        "tổng số tiền 315.000.000 đồng. "
    ).encode()
    size = 10 * 1024 * 1024
    return (unit * (size // len(unit) + 1))[:size].rsplit(b" ", 1)[0] + b"."


def _text_image(lines: list[str], size: tuple[int, int]) -> Image.Image:
    """Lines of 13 pt text on white, at 300 dpi, 1 bit deep like a fax-mode scan."""
    fnt = ImageFont.truetype(str(FONT), size=54)
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((120, 150 + 80 * i), line, font=fnt, fill=0)
    return img


def multipage_tiff() -> bytes:
    """Two A4 pages, CCITT G4, as archive scanners still write them."""
    pages = [
        _text_image(t.splitlines(), (2480, 3508)).convert("1") for t in (UTF8_TEXT, LEGACY_TEXT)
    ]
    buf = io.BytesIO()
    pages[0].save(
        buf, "TIFF", save_all=True, append_images=pages[1:], compression="group4", dpi=(300, 300)
    )
    return buf.getvalue()


def rotated_jpeg() -> bytes:
    """A phone photo held sideways: pixels stored turned 90 degrees, EXIF Orientation 6
    says how to turn them back; OCR of the raw pixels reads nothing."""
    upright = _text_image(UTF8_TEXT.splitlines(), (2300, 640))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    upright.rotate(90, expand=True).save(
        buf, "JPEG", quality=70, exif=exif.tobytes(), dpi=(300, 300)
    )
    return buf.getvalue()


def transparent_png() -> bytes:
    """Black text on a transparent ground (scanning apps, signatures cut out): the ground
    must read as paper, not as black."""
    ink = _text_image(UTF8_TEXT.splitlines(), (2300, 640))
    rgba = Image.new("RGBA", ink.size, (0, 0, 0, 0))
    rgba.putalpha(ink.point(lambda v: 255 - v))
    buf = io.BytesIO()
    rgba.save(buf, "PNG", dpi=(300, 300))
    return buf.getvalue()


def webp_photo() -> bytes:
    """A page exported by a phone or a web page as lossy WebP."""
    buf = io.BytesIO()
    _text_image(UTF8_TEXT.splitlines(), (2300, 640)).convert("RGB").save(buf, "WEBP", quality=80)
    return buf.getvalue()


def jpeg2000_master() -> bytes:
    """A digitisation master in JPEG 2000 (JP2 container), named .bin."""
    buf = io.BytesIO()
    _text_image(UTF8_TEXT.splitlines(), (2300, 640)).save(
        buf, "JPEG2000", irreversible=True, quality_mode="rates", quality_layers=[30]
    )
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(
                zipfile.ZipInfo(name, date_time=(2025, 3, 14, 8, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buf.getvalue()


def batch_zip() -> bytes:
    """A zipped folder with Vietnamese names (UTF-8 flag set) and a nested folder."""
    return _zip(
        {
            "Hồ sơ 2025/Quyết định 08 (đã ký).txt": UTF8_TEXT.encode("utf-8"),
            "Hồ sơ 2025/Báo cáo/bản sao số 12.pdf": text_pdf(UTF8_TEXT.splitlines()),
            "Hồ sơ 2025/cũ/tcvn3.txt": encode_tcvn3(LEGACY_TEXT),
        }
    )


def zip_slip() -> bytes:
    """A zip whose members try to escape the folder they are unpacked into."""
    return _zip(
        {
            "ok.txt": UTF8_TEXT.encode("utf-8"),
            "../escape.txt": b"written outside the batch folder\n",
            "/tmp/absolute.txt": b"written to an absolute path\n",
        }
    )


def seal_only_pdf() -> bytes:
    """A scanned page with nothing on it but a red seal: a page kind, not an error."""
    blank = Image.new("L", (2480, 3508), 255)
    page = degrade(blank, "bad", seed=11).resize((827, 1170), Image.Resampling.LANCZOS)
    jpg = io.BytesIO()
    page.save(jpg, "JPEG", quality=40, dpi=(100, 100))

    def build(pdf) -> None:
        pdf.add_blank_page(page_size=(595.28, 841.89))
        image = pikepdf.Stream(pdf, jpg.getvalue())
        image.stream_dict = pikepdf.Dictionary(
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image,
            Width=827,
            Height=1170,
            ColorSpace=pikepdf.Name.DeviceRGB,
            BitsPerComponent=8,
            Filter=pikepdf.Name.DCTDecode,
        )
        pg = pdf.pages[0]
        pg.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        pg.obj.Contents = pikepdf.Stream(pdf, b"q 595.28 0 0 841.89 0 0 cm /Im0 Do Q")

    return _pike_bytes(build)


def random_bytes() -> bytes:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(4096))


# ---------------------------------------------------------------- the manifest


@dataclass
class Entry:
    """One corpus file: where it is, what it is, and what ingest must make of it."""

    name: str
    what: str
    expected: str
    build: Callable[[], bytes] = field(repr=False)
    also_acceptable: list[str] = field(default_factory=list)
    generated: bool = False
    pages: int | None = None
    encoding: str | None = None
    expected_text: str | None = None  # path, relative to the corpus, of the exact text
    text_contains: list[str] = field(default_factory=list)
    page_kinds: list[str] | None = None
    password: str | None = None
    note: str | None = None
    members: list[dict] | None = None  # for archives: each member's name and outcome
    stable: bool = True  # False: each build differs (random salts), so keep the old file


def entries() -> list[Entry]:
    """Every corpus file, in the order of the MANIFEST."""
    contains = ["677/QĐ-TTg", "Tô Hiệu", "315.000.000 đồng"]
    legacy = ["Hội Khuyến học tỉnh Sơn La", "215.600.000 đồng"]
    return [
        Entry("files/empty.pdf", "0-byte file", "bad_input", lambda: b""),
        Entry("files/random.bin", "4096 random bytes", "bad_input", random_bytes),
        Entry(
            "files/header-only.pdf", "'%PDF-1.7' and nothing else", "bad_input", lambda: b"%PDF-1.7"
        ),
        Entry(
            "files/truncated.pdf",
            "first 40% of a 2-page PDF: no page tree, no xref",
            "bad_input",
            truncated_pdf,
        ),
        Entry(
            "files/truncated-tail.pdf",
            "2-page PDF cut just before its xref table",
            "ok",
            truncated_tail_pdf,
            also_acceptable=["bad_input"],
            pages=2,
            text_contains=contains,
            note="qpdf (pikepdf) and pdfium rebuild the xref; pdfminer refuses it",
        ),
        Entry(
            "files/encrypted-user-password.pdf",
            "AES-256 PDF, user password 'sohoa'",
            "encrypted",
            lambda: encrypted_pdf(USER_PASSWORD),
            password=USER_PASSWORD,
            stable=False,
        ),
        Entry(
            "files/encrypted-owner-only.pdf",
            "AES-256 PDF with an owner password only: opens without one",
            "ok",
            lambda: encrypted_pdf(""),
            pages=1,
            text_contains=contains,
            stable=False,
        ),
        Entry(
            "files/orphan-signature-widget.pdf",
            "text page whose signature widget no /AcroForm lists (a copied signed page)",
            "ok",
            orphan_widget_pdf,
            pages=1,
            text_contains=contains,
        ),
        Entry(
            "files/no-page-contents.pdf",
            "1 A4 page without a /Contents stream",
            "ok",
            no_contents_pdf,
            pages=1,
            page_kinds=["blank"],
        ),
        Entry(
            "files/seal-only-page.pdf",
            "a scanned page bearing only a red seal",
            "ok",
            seal_only_pdf,
            pages=1,
            page_kinds=["seal_only"],
        ),
        Entry(
            "files/zero-pages.pdf",
            "valid PDF whose page tree is empty",
            "bad_input",
            zero_pages_pdf,
            pages=0,
        ),
        Entry(
            "files/huge-page.pdf",
            "one 200 x 200 inch page with a line of text",
            "ok",
            lambda: text_pdf(UTF8_TEXT.splitlines(), (14400, 14400), 40),
            also_acceptable=["limits"],
            pages=1,
            text_contains=contains,
            note="60000 x 60000 px at 300 dpi: render downscaled or refuse; the text "
            "layer alone needs no rendering",
        ),
        Entry(
            "files/png-named.pdf",
            "a PNG of printed Vietnamese text, named .pdf",
            "ok",
            scan_png,
            pages=1,
            text_contains=["Tô Hiệu"],
            note="type by content: an image, OCRed",
        ),
        Entry(
            "files/tcvn3.txt",
            "TCVN3 (ABC, .VnTime) bytes",
            "ok",
            lambda: encode_tcvn3(LEGACY_TEXT),
            encoding="tcvn3",
            expected_text="expected/tcvn3.txt",
            text_contains=legacy,
        ),
        Entry(
            "files/vni.txt",
            "VNI-Windows bytes (VNI-Times)",
            "ok",
            lambda: encode_vni(LEGACY_TEXT_CAPS),
            encoding="vni",
            expected_text="expected/vni.txt",
            text_contains=legacy,
        ),
        Entry(
            "files/cp1258.txt",
            "Windows-1258 bytes, tone marks combining",
            "ok",
            lambda: encode_cp1258(LEGACY_TEXT_CAPS),
            encoding="cp1258",
            expected_text="expected/cp1258.txt",
            text_contains=legacy,
        ),
        Entry(
            "files/vntime-tcvn3.pdf",
            "born-digital PDF in .VnTime/.VnTimeH fonts: TCVN3 codes in the text layer",
            "ok",
            vntime_pdf,
            pages=1,
            encoding="tcvn3",
            expected_text="expected/vntime-tcvn3.txt",
            text_contains=legacy,
            note="convert the text layer (route 'converted'); lines in the .VnTimeH "
            "capitals font come out as lowercase codes and are capitals",
        ),
        Entry(
            "files/invalid-utf8.txt",
            "UTF-8 text with 5 invalid bytes",
            "ok",
            invalid_utf8,
            encoding="utf-8",
            text_contains=["677/QĐ-TTg", "315.000.000 đồng"],
            note="decode with replacement and a warning; must not be taken for cp1258",
        ),
        Entry(
            "files/nul-bytes.txt",
            "UTF-8 text with NUL bytes",
            "ok",
            nul_bytes,
            encoding="utf-8",
            text_contains=contains,
            note="NULs dropped",
        ),
        Entry(
            "files/utf16le-bom.txt",
            "UTF-16LE text with a BOM (Notepad 'Unicode')",
            "ok",
            lambda: UTF8_TEXT.encode("utf-16"),
            encoding="utf-16",
            text_contains=contains,
        ),
        Entry(
            "files/Báo cáo (bản sao) số 12.pdf",
            "born-digital PDF; Vietnamese letters, spaces, parentheses in the name",
            "ok",
            lambda: text_pdf(UTF8_TEXT.splitlines()),
            pages=1,
            text_contains=contains,
        ),
        Entry(
            "files/" + unicodedata.normalize("NFD", "Quyết định 08 (đã ký).txt"),
            "UTF-8 text; file name in NFD (as macOS writes it)",
            "ok",
            lambda: UTF8_TEXT.encode("utf-8"),
            encoding="utf-8",
            text_contains=contains,
        ),
        Entry(
            "files/scan-2pages.tif",
            "2-page A4 TIFF, CCITT G4, 300 dpi",
            "ok",
            multipage_tiff,
            pages=2,
            text_contains=["Tô Hiệu"],
        ),
        Entry(
            "files/photo-exif-rotated.jpg",
            "JPEG stored sideways with EXIF Orientation 6",
            "ok",
            rotated_jpeg,
            pages=1,
            text_contains=["Tô Hiệu"],
            note="apply the EXIF orientation before OCR",
        ),
        Entry(
            "files/transparent-ground.png",
            "RGBA PNG: black text on a transparent ground",
            "ok",
            transparent_png,
            pages=1,
            text_contains=["Tô Hiệu"],
            note="lay the image on white paper before OCR",
        ),
        Entry(
            "files/phone-export.webp",
            "lossy WebP page",
            "ok",
            webp_photo,
            pages=1,
            text_contains=["Tô Hiệu"],
        ),
        Entry(
            "files/jpeg2000-master.bin",
            "JPEG 2000 (JP2) page named .bin",
            "ok",
            jpeg2000_master,
            pages=1,
            text_contains=["Tô Hiệu"],
            note="known by its content",
        ),
        Entry(
            "files/batch-vietnamese-names.zip",
            "zip of a folder tree with Vietnamese names (UTF-8 flag)",
            "ok",
            batch_zip,
            members=[
                {"name": n, "expected": "ok"}
                for n in (
                    "Hồ sơ 2025/Quyết định 08 (đã ký).txt",
                    "Hồ sơ 2025/Báo cáo/bản sao số 12.pdf",
                    "Hồ sơ 2025/cũ/tcvn3.txt",
                )
            ],
            note="a batch source: each member becomes one document",
        ),
        Entry(
            "files/zip-slip.zip",
            "zip with '../' and absolute member paths",
            "bad_input",
            zip_slip,
            members=[
                {"name": "ok.txt", "expected": "ok"},
                {"name": "../escape.txt", "expected": "bad_input"},
                {"name": "/tmp/absolute.txt", "expected": "bad_input"},
            ],
            note="unsafe members refused, nothing written outside the batch folder; "
            "the safe member is still processed",
        ),
        Entry(
            "generated/huge-60000x60000.png",
            "valid 60000 x 60000 1-bit PNG",
            "limits",
            huge_png,
            generated=True,
            note="3.6 Gpx: refuse from the header, unread",
        ),
        Entry(
            "generated/image-bomb.pdf",
            "A4 page drawing a 50000 x 50000 image",
            "limits",
            image_bomb_pdf,
            generated=True,
            pages=1,
            note="2.5 Gpx when rendered: check image sizes before rendering",
        ),
        Entry(
            "generated/single-line-10mb.txt",
            "10 MiB of UTF-8 text on one line",
            "ok",
            single_line_10mb,
            generated=True,
            encoding="utf-8",
            text_contains=["677/QĐ-TTg"],
        ),
    ]


def _record(entry: Entry, data: bytes) -> dict:
    rec = {k: v for k, v in asdict(entry).items() if k not in ("build", "stable")}
    rec.update(size=len(data), sha256=hashlib.sha256(data).hexdigest(), magic=data[:8].hex())
    return rec


def load_manifest() -> list[dict]:
    """The corpus contract, one dict per file (see the module docstring)."""
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]


def materialise(record: dict, tmp_dir: Path) -> Path:
    """The path of a corpus file; generated ones are built into ``tmp_dir`` first."""
    if not record["generated"]:
        return CORPUS / record["name"]
    path = tmp_dir / Path(record["name"]).name
    if not path.exists():
        builder = {e.name: e.build for e in entries()}[record["name"]]
        path.write_bytes(builder())
    return path


def main() -> None:
    FILES.mkdir(exist_ok=True)
    EXPECTED.mkdir(exist_ok=True)
    listed = entries()
    for old in set(FILES.iterdir()) - {CORPUS / e.name for e in listed}:
        old.unlink()
    records = []
    for entry in listed:
        path = CORPUS / entry.name
        data = path.read_bytes() if not entry.stable and path.exists() else entry.build()
        if not entry.generated:
            path.write_bytes(data)
        records.append(_record(entry, data))
        print(f"{entry.expected:10} {len(data):>10}  {entry.name}", file=sys.stderr)
    for name, text in {
        "tcvn3": LEGACY_TEXT,
        "vni": LEGACY_TEXT_CAPS,
        "cp1258": LEGACY_TEXT_CAPS,
        "vntime-tcvn3": LEGACY_TEXT_CAPS,
    }.items():
        (EXPECTED / f"{name}.txt").write_text(text, encoding="utf-8")
    manifest = {"version": 1, "outcomes": list(OUTCOMES), "files": records}
    MANIFEST.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
