"""Plain-text files: encoding detection and legacy Vietnamese conversion.

Old archives hold UTF-8, UTF-16 (Windows Notepad), cp1258 and TCVN3/VNI byte files.
Decoding never fails on invalid bytes: they become U+FFFD and the choice of
encoding is made by how Vietnamese the result reads.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata

from ingest.legacy import best_reading, vietnamese_score
from schemas import ErrorKind, SohoaError

logger = logging.getLogger(__name__)

# The encoding name of a UTF-8 text whose invalid bytes were replaced (see _mostly_utf8).
UTF8_REPLACED = "utf-8, damaged"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0) / len(sample[0::2])
    odd_nul = sample[1::2].count(0) / len(sample[1::2])
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """Control bytes (other than tab/newlines/form feed) mark a file as not text.

    Stray NUL bytes alone do not: text exported by old tools is sometimes padded with
    them, and they are dropped when the text is read.
    """
    sample = data[:8192]
    if not sample:
        return False
    if _utf16_without_bom(sample) or any(sample.startswith(b) for b, _ in _BOMS):
        return False
    stripped = sample.replace(b"\0", b"")
    if not stripped:
        return True
    bad = sum(1 for b in stripped if b < 32 and b not in (9, 10, 12, 13, 27))
    return bad / len(stripped) > 0.02


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").lstrip("\ufeff")
    return unicodedata.normalize("NFC", text)


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few invalid bytes (a damaged copy, a truncated tail): those bytes
    become U+FFFD and the rest stays UTF-8. Read as a legacy code page instead, every
    accented letter would turn to mojibake and the citations around them would be lost.
    The encoding name says how many bytes were replaced (a warning in the record)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    letters = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    if bad <= 0 or letters < 4 * bad:
        return None
    logger.info("text is UTF-8 but for %d invalid bytes: replaced", bad)
    return _clean(text), f"{UTF8_REPLACED} ({bad} invalid bytes replaced)"


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file; return (NFC text, encoding name such as 'utf-8' or 'tcvn3')."""
    if looks_binary(data):
        raise SohoaError(ErrorKind.BAD_INPUT, "not a text file (binary content)")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _clean(data[len(bom) :].decode(enc, errors="replace")), enc
    if wide := _utf16_without_bom(data):
        return _clean(data.decode(wide, errors="replace")), wide
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        read, legacy = best_reading(text)
        return _clean(read), "utf-8" if legacy == "unicode" else f"utf-8+{legacy}"
    if (mostly := _mostly_utf8(data)) is not None:
        return mostly
    candidates = []
    for enc in ("utf-8", "cp1258", "cp1252"):
        decoded = _clean(data.decode(enc, errors="replace"))
        read, legacy = best_reading(decoded) if enc == "cp1252" else (decoded, "unicode")
        name = enc if legacy == "unicode" else legacy
        penalty = read.count("\ufffd") / max(len(read), 1)
        candidates.append((vietnamese_score(read) - penalty, name, read))
    _, name, read = max(candidates, key=lambda c: c[0])
    return read, name
