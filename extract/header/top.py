"""The top block: issuer on the left, ``Số: 16/BC-HKH`` under it, motto and
``Sơn La, ngày 30 tháng 5 năm 2025`` on the right, then the type and the title.

Top left: parent body and issuer, then the number; top right: the national motto and
the place-date; centred: the type (BÁO CÁO) and the trích yếu.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import replace

from extract.dates import iso
from extract.gazetteer import proper_place
from extract.header.digits import doubtful_digits
from extract.header.fields import HeaderField, HeaderResult
from extract.header.issuer import opens_a_body, read_issuer
from extract.header.lines import DATE_LINE, PLACE, Line, cut_right, is_upper, org_key
from extract.header.title import TYPE_NAMES, type_title
from extract.text import PageText
from normalize.codes import KEY_REPAIRED, retyped, typed_as
from normalize.keys import TYPE_CODES, canonical_key, parse_key

log = logging.getLogger(__name__)

_STAMP = re.compile(r"ky boi|thoi gian ky|co quan:|\.vn\b|\+07:00|email|trung tam cong bao")
# "Số:", and its damaged forms: "S6:", "Sé", "Sơn:" (a repair that took "S6" for a word)
_NUMBER_LINE = re.compile(r"(?:^|\s)(?:s\w{1,2}\s*:|s[o6ebô]\s*:?)\s*(?P<rest>\S.*)$")
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "]": "1"})
_VV = re.compile(r"\s*v\s*/\s*v\b")


def read_top(page: PageText, lines: list[Line], out: HeaderResult) -> None:
    """Issuer, number, date, place, type and title from the first page's top lines."""
    num_idx = date_idx = None
    motto = False
    number_unread = False  # a "Số: ..." line seen and not read: the block's reading is damaged
    left: list[tuple[int, str]] = []
    block = 0  # where the lines since the last blank one start
    for i, ln in enumerate(lines):
        pos, line, fl = ln.offset, ln.text, ln.folded
        if not line.strip():
            block = pos
        if _STAMP.search(fl):
            if not motto and num_idx is None:  # a printed signing stamp above the header:
                # the capitals of its block were its own ("TRUNG TÂM CÔNG / BÁO VÀ TIN HỌC")
                left = [(p, t) for p, t in left if p < block]
            continue
        if org_key(fl).strip() in TYPE_NAMES and is_upper(line):
            type_title(page, lines[i:], out)
            break
        unread_number = False
        if num_idx is None:
            nm = _NUMBER_LINE.search(fl)
            before = line[: nm.start()].strip() if nm else ""
            starts_s = nm is not None and line[nm.start() :].lstrip()[:1] == "S"
            # "Số: 05 CT-UBND" (its slash lost): a number line, though not read as one
            unread_number = bool(
                nm and starts_s and not before and re.search(r"\d", fl[nm.start("rest") :][:4])
            )
            if (
                nm
                and starts_s
                and (not before or is_upper(before))
                and "/" in line[nm.start("rest") :][:20]
            ):
                end = _number(page, pos, line, nm, out)
                if end:
                    unread_number = False
                    num_idx = i
                    left_part = line[: nm.start()]
                    line = " " * end + line[end:]
                    fl = " " * end + fl[end:]
                    if is_upper(left_part):
                        left.append((pos, left_part))
        if date_idx is None and (num_idx is not None or motto):
            dm = DATE_LINE.search(fl)
            if dm and _date(page, pos, line, dm, out):
                date_idx = i
                line, fl = line[: dm.start()], fl[: dm.start()]
                pm = PLACE.search(line)
                if pm:
                    line, fl = line[: pm.start()], fl[: pm.start()]
        number_unread = number_unread or unread_number
        if num_idx is None and not unread_number:  # never a body's heading line
            cut, cfl = cut_right(line, fl)
            if cfl != fl and not motto and is_upper(cut) and not opens_a_body([t for _, t in left]):
                left = []  # interleaved: the issuer starts on the motto's line, not above it
            motto = motto or cfl != fl
            if is_upper(cut) and len(cut.strip()) > 2:
                left.append((pos, cut))
            elif left and re.fullmatch(r"\s*[A-ZĐ]{2}\s*", cut):
                left.append((pos, cut))  # "SA", "LA": a place's last word wrapped alone
        if num_idx is not None and out.title is None and _VV.match(fl):
            # "V/v" under the number
            type_title(page, [replace(ln, text=line, folded=fl), *lines[i + 1 :]], out)
        if num_idx is not None and date_idx is not None:
            if out.title is not None:
                break
            rest = lines[i + 1 :]
            if _VV.match(fl):  # "V/v ..." on the date's line, left column
                rest = [replace(ln, text=line, folded=fl), *rest]
            type_title(page, rest, out)
            break
    if num_idx is not None or motto:
        read_issuer(page.number, left, out)
        if number_unread and out.issuer and "doubtful" not in out.issuer.flags:
            out.issuer.flags.append("doubtful")  # the line under it was damaged past reading
    if number_unread and out.number is None:
        out.unread.append("number")  # the digits' second reading may still give it
    _number_by_type(page, out)
    _type_from_number(out)


_CODES_OF = Counter(TYPE_CODES.values())
_CODE_OF_TYPE = {  # a type of one code only (Quy định has two)
    name: code for code, name in TYPE_CODES.items() if _CODES_OF[name] == 1
}


def _number_by_type(page: PageText, out: HeaderResult) -> None:
    """A number whose symbol the reader refused ("793/TTTr-PTK"), its type part one OCR
    confusion from the code of the type heading under it (TỜ TRÌNH: TTr): that key,
    flagged ``key_repaired``, unless its digits are doubtful."""
    n, kind = out.number, out.doc_type
    if n is None or n.value is not None or kind is None or n.page != page.number:
        return
    code = _CODE_OF_TYPE.get(str(kind.value))
    m = re.search(r"(\d{1,5})\s*/", page.text[n.start : n.end])
    if code is None or m is None or doubtful_digits(page, n.start + m.start(1), n.start + m.end(1)):
        return
    parts = typed_as(page.text[n.start + m.start(1) : n.end], code)
    if parts is not None:
        n.value, n.symbol, n.flags = parts.key, parts.key.split("/", 1)[1], [KEY_REPAIRED]


def _type_from_number(out: HeaderResult) -> None:
    """No type heading: the type code of the symbol, or none (123/UBND-KT): a công văn."""
    if out.doc_type is not None or out.number is None:
        return
    n = out.number
    parts = parse_key(str(n.value)) if n.value else parse_key(f"1/{n.symbol}")
    name = TYPE_CODES[parts.type_code] if parts and parts.type_code else "Công văn"
    out.doc_type = HeaderField(name, n.page, n.start, n.end)


def _number(page: PageText, pos: int, line: str, nm: re.Match[str], out: HeaderResult) -> int:
    """Read the số ký hiệu; returns the line offset where it ends (0 if none)."""
    rest = line[nm.start("rest") :]
    party = re.match(r"(?P<num>\d{1,5})\s*-\s*(?P<sym>[A-ZĐÐ]\w*\s*/\s*[A-ZĐÐ][\wĐđÐ]*)", rest)
    if party:  # "Số 49-KL/TW": the Party form
        key = canonical_key(party.group())
        if key:
            start = pos + nm.start("rest")
            sym = re.sub(r"\s+", "", party.group("sym"))
            out.number = HeaderField(key, page.number, start, start + party.end(), symbol=sym)
            return nm.start("rest") + party.end()
    m = re.match(
        r"(?P<num>[^\s/]{0,6})\s*/\s*(?P<sym>(?:\d{4}\s*/\s*)?[A-ZĐÐ][\wĐđÐ]*"
        r"(?:\s*[-–]\s*[A-ZĐÐ][\wĐđÐ]*)*)",
        rest,
    )
    if not m:
        return 0
    sym = re.sub(r"\s+", "", m.group("sym"))
    num = m.group("num")
    start = pos + nm.start("rest")
    end = start + m.end()
    flags = []
    fixed = num.translate(_DIGIT_FIX)
    if fixed != num and re.search(r"\d", num) and re.fullmatch(r"\d{1,5}", fixed):
        num, flags = fixed, ["doubtful"]  # "I57": a letter read for a digit beside digits
    key = canonical_key(f"{num}/{sym}") if re.fullmatch(r"\d{1,5}", num) else None
    if key is None and re.fullmatch(r"\d{1,5}", num) and (parts := retyped(f"{num}/{sym}")):
        key, sym, flags = parts.key, parts.key.split("/", 1)[1], [*flags, KEY_REPAIRED]
    num_start = start + m.start("num")
    if key is not None and doubtful_digits(page, num_start, num_start + len(num)):
        key = None  # handwritten digits OCR read with low confidence: not sure, so not given
    if key is None:
        symkey = canonical_key(f"1/{sym}")
        sym = symkey[2:] if symkey else sym
        flags = ["uncertain_digits"]
        value = None
    else:
        value = key
    out.number = HeaderField(value, page.number, start, end, flags=flags, symbol=sym)
    return nm.start("rest") + m.end()


def _date(page: PageText, pos: int, line: str, dm: re.Match[str], out: HeaderResult) -> bool:
    """The issue date (and place before it) from a place-date match; False if not a date.

    A day or month left blank (or unreadable) gives the month or the year with
    ``uncertain_digits``: the handwriting readings may fill it in later.
    """
    names = ("d2", "m2", "y2") if dm.group("y") is None else ("d", "m", "y")  # 05/3/2024
    # digits as written: the fold lowercases "0I" to "0i"
    day_raw, month_raw = (_written(line, dm, n).translate(_DIGIT_FIX) for n in names[:2])
    year = int(dm.group(names[2]))
    day = int(day_raw) if re.fullmatch(r"\d{1,2}", day_raw) else None
    if day is not None and doubtful_digits(page, pos + dm.start(names[0]), pos + dm.end(names[0])):
        day = None
    month = int(month_raw) if re.fullmatch(r"\d{1,2}", month_raw) else None
    value = iso(year, month, day) if month else None
    if not value and month and day is not None:
        value, day = iso(year, month), None
    precision = "day" if day else "month"
    if month is None and 1900 <= year <= 2099:
        value, precision = str(year), "year"
    if not value:
        return False
    uncertain = precision == "year" or (day is None and bool(day_raw))
    flags = ["uncertain_digits"] if uncertain else []
    lead = len(dm.group()) - len(dm.group().lstrip(", \t"))
    start = pos + dm.start() + lead
    out.date = HeaderField(value, page.number, start, pos + dm.end(), precision, flags)
    pm = PLACE.search(line[: dm.start()])
    if pm:
        value, flags = _place(pm.group(1).strip())
        out.place = HeaderField(value, page.number, pos + pm.start(1), pos + pm.end(1), flags=flags)
    return True


def _place(written: str) -> tuple[str, list[str]]:
    """The place name of the date line in the gazetteer's spelling (any marks: they fold
    away). A name the gazetteer holds only one OCR slip away ("Quảng Ngãl") takes its
    spelling, ``doubtful``; a name it does not hold at all is kept as read, ``doubtful``:
    the place of a document is an administrative unit's name."""
    exact = proper_place(written)
    if exact:
        return exact, []
    near = proper_place(written, fuzzy=True)
    log.info("place %r %s", written, f"read as {near!r}" if near else "not in the gazetteer")
    return near or written, ["doubtful"]


def _written(line: str, m: re.Match[str], name: str) -> str:
    """A group's text as written in the line (empty when the group did not take part)."""
    return line[m.start(name) : m.end(name)] if m.start(name) >= 0 else ""
