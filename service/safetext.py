"""Text from outside checked at the edge: file names, corrections, CSV cells, messages.

A hostile value (a NUL byte, which PostgreSQL refuses in text; a right-to-left override
that makes ``exe.pdf`` read as ``fdp.exe``; a value longer than its column; a cell that a
spreadsheet would run as a formula; a server path in an error) is cleaned or refused
here, value by value, so that it never reaches the database or a reader as is.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from normalize.keys import canonical_key, type_name

MAX_NAME = 255  # a file name as shown: what file systems allow
MAX_VALUE = 2000  # a corrected header value (a long title fits)
# corrected fields stored in a sized column as well as in the record
COLUMN_SIZE = {"issuer": 500, "number": 200, "doc_type": 100}
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s/\\'\"()<>:,;]+){2,}")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str, keep: str = "\t\n") -> str:
    """Drop control characters (other than ``keep``) and bidirectional overrides."""
    value = _BIDI.sub("", value)
    return "".join(ch for ch in value if ch in keep or unicodedata.category(ch) not in ("Cc", "Cs"))


def display_name(name: str, fallback: str) -> str:
    """The name a file is shown by: its last path part, printable, at most 255 characters;
    ``fallback`` when nothing is left (``..``, a bare NUL, an empty name)."""
    last = clean_text(name, keep="").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if last in ("", ".", ".."):
        return fallback
    return last[:MAX_NAME]


def zip_member_name(archive: str, member: str) -> str:
    """``archive.zip/folder/file.pdf``: a member's path inside the zip, cleaned part by part
    (``..`` and empty parts dropped), for display only."""
    parts = [clean_text(p, keep="").strip() for p in member.replace("\\", "/").split("/")]
    inner = "/".join(p for p in parts if p not in ("", ".", ".."))
    return f"{archive}/{inner}"[-1024:]


def scrub_paths(message: str) -> str:
    """An error message without the server's paths (``/srv/sohoa-data/originals/7b/…``):
    each becomes its last part, which is all a reader may know of it."""
    return _PATH.sub(lambda m: re.split(r"[/\\]", m.group(0))[-1], message)


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text (OWASP CSV injection): control characters
    dropped, and a leading ``= + - @``, tab or CR escaped with a quote. Numbers stay
    numbers."""
    if not isinstance(value, str):
        return value
    value = clean_text(value, keep="\t\n\r")
    return "'" + value if value.startswith(_FORMULA) else value


def csv_row(values: list) -> list:
    return [csv_cell(v) for v in values]


_DMY = re.compile(r"^(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def iso_date(text: str) -> str | None:
    """A date typed the Vietnamese way (24/01/2025, 01/2025) or ISO, as the record's ISO form
    (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``); None when it is not a real date."""
    text = text.strip()
    if m := _DMY.match(text):
        day, month, year = m.group(1), m.group(2), m.group(3)
    elif m := _ISO.match(text):
        year, month, day = m.groups()
    else:
        return None
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(f"{int(p):02d}" if len(p) < 4 else p for p in (year, month, day) if p)


class TooLong(ValueError):
    """A value longer than its field: said apart from a value of the wrong kind."""


def correction_value(field: str, value: str | None) -> str | None:
    """A corrected value of a correctable ``field`` as stored, checked by its type: cleaned,
    a date in ISO form, a number that parses as a document key, a type of document as Nghị
    định 30 spells it; ValueError (its message for the user) otherwise or when too long."""
    value = clean_text(value or "", keep="").strip() or None
    if value is None:
        return None
    if field == "date":
        iso = iso_date(value)
        if iso is None:
            raise ValueError(f"{value[:40]!r} is not a date (YYYY-MM-DD, YYYY-MM or DD/MM/YYYY)")
        return iso
    longest = COLUMN_SIZE.get(field, MAX_VALUE)
    if len(value) > longest:
        raise TooLong(f"{field} is at most {longest} characters")
    if field == "number" and canonical_key(value) is None:
        raise ValueError(f"{value[:40]!r} is not a document number (e.g. 46/TB-UBND)")
    if field == "doc_type":
        name = type_name(value)
        if name is None:
            raise ValueError(f"{value[:40]!r} is not a type of document (e.g. Báo cáo)")
        return name
    return value
