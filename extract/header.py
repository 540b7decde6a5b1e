"""The document header prescribed by Nghị định 30/2020/NĐ-CP.

Top left: parent body and issuer, then ``Số: 16/BC-HKH``; top right: the national
motto and ``Sơn La, ngày 30 tháng 5 năm 2025``; centred: the type (BÁO CÁO) and
the trích yếu; at the end: nơi nhận on the left, the signature block on the
right. OCR text of a scanned page interleaves the two columns on one line, so
the right-column phrases are recognised and cut out rather than relied upon
to stand on their own lines.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from extract.dates import iso
from extract.gazetteer import proper_place
from extract.text import PageText
from normalize.fold import fold
from normalize.keys import ISSUER_CODES, TYPE_CODES, canonical_key, parse_key
from normalize.names import SURNAMES, surname_spelling
from schemas import Box

__all__ = ["HeaderField", "consensus_marks", "find_header", "normal_case"]

# the national motto, or the Party's ("ĐẢNG CỘNG SẢN VIỆT NAM") on Party documents
_QUOC_HIEU = re.compile(
    r"c\w{0,2}ng h\w{1,3} x\w h\w{1,3} ch\w{1,2} ngh\w{1,3} vi\w{1,2}t nam"
    r"|d\w{1,2}ng c\w{0,2}ng s\w{1,2}n vi\w{1,2}t nam"
)
_TIEU_NGU = re.compile(
    r"\S{1,4}\s+\S{1,4}\s*[-–—]\s*t\w{0,2}\s*d\w\s*[-–—]\s*h\w{1,3}nh\s+ph\w{1,3}c"
)
_STAMP = re.compile(r"ky boi|thoi gian ky|co quan:|\.vn\b|\+07:00|email|trung tam cong bao")
# "Số:", and its damaged forms: "S6:", "Sé", "Sơn:" (a repair that took "S6" for a word)
_NUMBER_LINE = re.compile(r"(?:^|\s)(?:s\w{1,2}\s*:|s[o6ebô]\s*:?)\s*(?P<rest>\S.*)$")
_DATE_LINE = re.compile(
    r",?\s*ng\w{1,3}\s*(?P<d>[^\s]{0,4}?)\s*th[aeé]ng\s*(?P<m>\S{1,2})\s*n[aiđd]m\s*(?P<y>\d{4})"
    r"|,\s*ng\w{1,3}\s*(?P<d2>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*"
    r"(?P<y2>\d{4})"
)
# Vietnamese letters by case ("À-Ỹ" as a range would take lowercase letters too)
_VN = [chr(c) for c in range(0xC0, 0x1EFA) if chr(c).isalpha() and fold(chr(c)).isascii()]
_UP = "[A-Z" + "".join(c for c in _VN if c.isupper()) + "]"
_LO = "[a-z" + "".join(c for c in _VN if c.islower()) + "]"
_PLACE = re.compile(rf"((?:{_UP}\w*[ \t]+){{0,3}}{_UP}\w*)[ \t]*,?[ \t]*$")
_TITLE_STOP = re.compile(r"^(?:kinh gui|can cu|thuc hien|nhằm|phan \w|i\.|1\.|-{3,}|_{3,})")
_LOCALITY = {
    "tinh": "tỉnh", "huyen": "huyện", "thanh pho": "thành phố", "xa": "xã", "phuong": "phường",
    "quan": "quận", "thi xa": "thị xã", "thi tran": "thị trấn",
}
_ORG_PHRASES = {
    "uy ban nhan dan": "Ủy ban nhân dân", "hoi dong nhan dan": "Hội đồng nhân dân",
    "ban chi dao": "Ban Chỉ đạo", "hoi khuyen hoc": "Hội Khuyến học", "ubnd": "UBND",
    "hdnd": "HĐND", "van phong": "Văn phòng", "so": "Sở", "ban": "Ban", "hoi": "Hội",
}
# a plausible Vietnamese syllable (folded); an uppercase word that is not one is an
# abbreviation (UBND, KHVN, TĐKT) and keeps its capitals
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?$"
)
_KNOWN_BODIES = {fold(name): name for name in ISSUER_CODES.values()}
_HEADS = {"so", "bo", "ban", "phong", "cuc", "chi cuc", "trung tam", "truong", "hoi", "vien"}
_ORG_MULTI = [k for k in _ORG_PHRASES if " " in k]
_TITLE_WORDS = re.compile(
    r"\b(?:chu tich|truong|giam doc|chanh van phong|bi thu|thu truong|bo truong|pho|"
    r"hieu truong|vien truong|cuc truong|tong bien tap)\b"
)
_DIGIT_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "]": "1"})
_NAME = re.compile(rf"((?:{_UP}{_LO}+[ \t]+){{1,4}}{_UP}{_LO}+)[ \t.]*$")


def _surname_marks(name: str) -> str:
    """The name with its surname spelt as that surname is (Trân -> Trần, Nguyên -> Nguyễn):
    OCR slips tones in the bold signer name; the given names may be anything."""
    first, _, rest = name.partition(" ")
    right = surname_spelling(first)
    if right is None or not rest or first.isupper():
        return name
    return f"{right} {rest}"


_SIGN_FOR = r"(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)"  # "thay mặt", "ký thay", "thừa lệnh" ...
_TITLE_HEAD = re.compile(rf"{_SIGN_FOR}[. ]")
_NOI_NHAN = re.compile(r"noi nh\w{1,2}n\s*:")
_SIGN_TITLE = re.compile(
    rf"((?:{_SIGN_FOR}\.\s*|{_SIGN_FOR}\s+)?(?:[A-ZÀ-ỸĐ]{{2,}}[ \t]*){{1,8}})$"
)


@dataclass
class HeaderField:
    """A header value with where it was read from and any doubts about it."""

    value: str | list[str] | None
    page: int
    start: int
    end: int
    precision: str | None = None
    flags: list[str] = field(default_factory=list)
    symbol: str | None = None  # for the number: the symbol part read, sure even when digits aren't
    confidence: float | None = None  # when not the OCR words': the handwriting reading's


def _lines(page: PageText) -> list[tuple[int, str, str]]:
    out, pos = [], 0
    for line in page.text.split("\n"):
        out.append((pos, line, page.folded[pos : pos + len(line)]))
        pos += len(line) + 1
    return out


def _cut_right(line: str, fl: str) -> tuple[str, str]:
    """Remove the right-column phrases (motto, place-date) from an interleaved line."""
    for rx in (_QUOC_HIEU, _TIEU_NGU):
        m = rx.search(fl)
        if m:
            line, fl = line[: m.start()], fl[: m.start()]
    return line, fl


def _org_key(folded: str) -> str:
    """Folded text with the OCR ``q`` for ``ộ`` undone: Vietnamese ``q`` is always ``qu``."""
    return re.sub(r"o?q(?!u)", "o", folded)


def _is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) >= 0.7


def normal_case(text: str) -> str:
    """``ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI`` -> ``Ủy ban nhân dân tỉnh Quảng Ngãi``."""
    known = _KNOWN_BODIES.get(_org_key(fold(" ".join(text.split()))))
    if known:  # "BỘ GIÁO DỤC VÀ ĐÀO TẠO" -> "Bộ Giáo dục và Đào tạo"
        return known
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in (4, 3, 2, 1):
            chunk = _org_key(fold(" ".join(words[i : i + n])))
            if i + n > len(words):
                continue
            if chunk in _LOCALITY and out:
                out.append(_LOCALITY[chunk])
                rest = " ".join(words[i + n :])
                out.append(proper_place(rest, fuzzy=True) or rest.title())
                return " ".join(out).strip()
            if n > 1 and chunk not in _ORG_PHRASES:  # "HỘI KHUYÊN HOÓC": OCR/repair slips
                near = process.extractOne(chunk, _ORG_MULTI, scorer=fuzz.ratio, score_cutoff=88)
                chunk = near[0] if near else chunk
            if chunk in _ORG_PHRASES and (n > 1 or not out):
                out.append(_ORG_PHRASES[chunk])
                i += n
                break
        else:
            w = words[i]
            if re.search(r"\d", w) or (w.isupper() and out != [] and not _SYLLABLE.match(fold(w))):
                out.append(w if re.search(r"\d", w) or fold(w) not in ("va", "cua") else w.lower())
            else:  # "Sở Nội vụ": the name after a body's head word starts with a capital
                after_head = len(out) == 1 and fold(out[0]) in _HEADS
                out.append(w.capitalize() if not out or after_head else w.lower())
            i += 1
    text = " ".join(out).strip()
    return text[:1].upper() + text[1:]


def _group_issuer(lines: list[str]) -> list[str]:
    groups: list[str] = []
    for line in lines:
        f = fold(line).strip()
        first = f.split()[0] if f.split() else ""
        cont = first in ("tinh", "huyen", "xa", "phuong", "quan", "thi", "thanh", "va", "cua")
        body = re.match(r"(?:tinh|huyen|thanh|quan|dang) uy\b", f)  # "TỈNH ỦY" is a body
        # "HỘI KHUYẾN HỌC HUYỆN MAI / SƠN": a place name wrapped onto the next line
        cont = cont or (len(f.split()) <= 2 and bool(groups) and bool(
            re.search(r"\b(?:tinh|huyen|xa|phuong|quan|thanh pho|thi xa)\b", fold(groups[-1]))
        ))
        cont = cont and not body
        if groups and (cont or fold(groups[-1]).split()[-1] in ("va", "cua")):
            groups[-1] += " " + line.strip()
        else:
            groups.append(line.strip())
    return groups


def find_header(pages: list[PageText], signed_on: str | None = None) -> dict[str, HeaderField]:
    """Header fields of a document from its first page and its signature page.

    ``signed_on`` (ISO date of the first digital signature, if any) bounds the issue date:
    a document is signed on or after the day it is dated.
    """
    out: dict[str, HeaderField] = {}
    if not pages:
        return out
    first = next((p for p in pages if p.text.strip()), pages[0])
    lines = _lines(first)
    _top(first, lines[:40], out)
    _hand_digits(first, out, signed_on)
    _signature(pages, out)
    title = out.get("title")
    if title is not None and isinstance(title.value, str):
        title.value = consensus_marks(title.value, pages)
    return out


_WORD = re.compile(r"\w+")


def consensus_marks(text: str, pages: list[PageText]) -> str:
    """Fix OCR slips in marks of a short text by how the document writes the same words.

    "chuyên hóa" in a title, where the body writes "chuyển hóa" five times, is a slip: each
    word pair takes the document's most frequent marks for its fold when those occur at
    least twice and more often than the written form. Letter case stays as written.
    """
    words = list(_WORD.finditer(text))
    if len(words) < 2:
        return text
    wanted = {fold(a.group()) + " " + fold(b.group()) for a, b in itertools.pairwise(words)}
    forms: dict[str, dict[str, int]] = {}
    for page in pages:
        tokens = [m.group().lower() for m in _WORD.finditer(page.text)]
        for a, b in itertools.pairwise(tokens):
            key = fold(a) + " " + fold(b)
            if key in wanted:
                bucket = forms.setdefault(key, {})
                bucket[a + " " + b] = bucket.get(a + " " + b, 0) + 1
    chars = list(text)
    for a, b in itertools.pairwise(words):
        bucket = forms.get(fold(a.group()) + " " + fold(b.group()), {})
        written = (a.group() + " " + b.group()).lower()
        best = max(bucket, key=bucket.get, default=written)
        if best == written or bucket[best] < 2 or bucket[best] <= bucket.get(written, 0):
            continue
        for m, word in ((a, best.split(" ")[0]), (b, best.split(" ")[1])):
            for k, ch in enumerate(word):
                orig = chars[m.start() + k]
                chars[m.start() + k] = ch.upper() if orig.isupper() else ch
    return "".join(chars)


def _top(page: PageText, lines: list[tuple[int, str, str]], out: dict[str, HeaderField]) -> None:
    num_idx = date_idx = None
    motto = False
    left: list[tuple[int, str]] = []
    for i, (pos, line, fl) in enumerate(lines):
        if _STAMP.search(fl):
            continue
        if _org_key(fl).strip() in _TYPE_NAMES and _is_upper(line):
            _type_title(page, lines[i:], out)
            break
        if num_idx is None:
            nm = _NUMBER_LINE.search(fl)
            before = line[: nm.start()].strip() if nm else ""
            starts_s = nm is not None and line[nm.start() :].lstrip()[:1] == "S"
            if nm and starts_s and (not before or _is_upper(before)) and "/" in line[
                nm.start("rest") :
            ][:20]:
                end = _number(page, pos, line, nm, out)
                if end:
                    num_idx = i
                    left_part = line[: nm.start()]
                    line = " " * end + line[end:]
                    fl = " " * end + fl[end:]
                    if _is_upper(left_part):
                        left.append((pos, left_part))
        if date_idx is None and (num_idx is not None or motto):
            dm = _DATE_LINE.search(fl)
            if dm and _date(page, pos, line, dm, out):
                date_idx = i
                line, fl = line[: dm.start()], fl[: dm.start()]
                pm = _PLACE.search(line)
                if pm:
                    line, fl = line[: pm.start()], fl[: pm.start()]
        if num_idx is None:
            cut, cfl = _cut_right(line, fl)
            if cfl != fl and not motto and _is_upper(cut):
                left = []  # interleaved: the issuer starts on the motto's line, not above it
            motto = motto or cfl != fl
            if _is_upper(cut) and len(cut.strip()) > 2:
                left.append((pos, cut))
        if num_idx is not None and "title" not in out and re.match(r"\s*v\s*/\s*v\b", fl):
            _type_title(page, [(pos, line, fl), *lines[i + 1 :]], out)  # "V/v" under the number
        if num_idx is not None and date_idx is not None:
            if "title" in out:
                break
            rest = lines[i + 1 :]
            if re.match(r"\s*v\s*/\s*v\b", fl):  # "V/v ..." on the date's line, left column
                rest = [(pos, line, fl), *rest]
            _type_title(page, rest, out)
            break
    if num_idx is not None or motto:
        _issuer(page, left, out)
    if "doc_type" not in out and "number" in out:
        n = out["number"]
        parts = parse_key(str(n.value)) if n.value else parse_key(f"1/{n.symbol}")
        # no type in the symbol (123/UBND-KT) and no type heading: a letter, công văn
        name = TYPE_CODES[parts.type_code] if parts and parts.type_code else "Công văn"
        out["doc_type"] = HeaderField(name, n.page, n.start, n.end)


def _issuer(page: PageText, left: list[tuple[int, str]], out: dict[str, HeaderField]) -> None:
    # keep the block right before the number line: stamp noise may sit above it
    block = left[-3:]
    if not block:
        return
    groups = _group_issuer([t for _, t in block])
    start = block[0][0]
    end = block[-1][0] + len(block[-1][1])
    out["issuer"] = HeaderField(normal_case(groups[-1]), page.number, start, end)
    if len(groups) >= 2:
        out["parent_issuer"] = HeaderField(normal_case(groups[-2]), page.number, start, end)


# Tesseract word confidence under which digits (often handwritten here) are not trusted
MIN_DIGIT_CONFIDENCE = 0.7


def _doubtful(page: PageText, start: int, end: int) -> bool:
    """Digits OCR read as a word of their own with low confidence (a word that also holds
    the printed symbol, ``08/QĐ-HKH``, says nothing about the digits alone)."""
    digits = [w for w in page.words_in(start, end) if re.fullmatch(r"\W*\d+\W*", w.text)]
    return any(w.conf / 100 < MIN_DIGIT_CONFIDENCE for w in digits)


def _number(page: PageText, pos: int, line: str, nm: re.Match[str], out: dict) -> int:
    """Read the số ký hiệu; returns the line offset where it ends (0 if none)."""
    rest = line[nm.start("rest") :]
    party = re.match(r"(?P<num>\d{1,5})\s*-\s*(?P<sym>[A-ZĐÐ]\w*\s*/\s*[A-ZĐÐ][\wĐđÐ]*)", rest)
    if party:  # "Số 49-KL/TW": the Party form
        key = canonical_key(party.group())
        if key:
            start = pos + nm.start("rest")
            sym = re.sub(r"\s+", "", party.group("sym"))
            out["number"] = HeaderField(key, page.number, start, start + party.end(), symbol=sym)
            return nm.start("rest") + party.end()
    m = re.match(r"(?P<num>[^\s/]{0,6})\s*/\s*(?P<sym>(?:\d{4}\s*/\s*)?[A-ZĐÐ][\wĐđÐ]*"
                 r"(?:\s*[-–]\s*[A-ZĐÐ][\wĐđÐ]*)*)", rest)
    if not m:
        return 0
    sym = re.sub(r"\s+", "", m.group("sym"))
    num = m.group("num")
    start = pos + nm.start("rest")
    end = start + m.end()
    flags = []
    key = canonical_key(f"{num}/{sym}") if re.fullmatch(r"\d{1,5}", num) else None
    num_start = start + m.start("num")
    if key is not None and _doubtful(page, num_start, num_start + len(num)):
        key = None  # handwritten digits OCR read with low confidence: not sure, so not given
    if key is None:
        symkey = canonical_key(f"1/{sym}")
        sym = symkey[2:] if symkey else sym
        flags.append("uncertain_digits")
        value = None
    else:
        value = key
    out["number"] = HeaderField(value, page.number, start, end, flags=flags, symbol=sym)
    return nm.start("rest") + m.end()


# Probability under which a handwriting reading is not used: the value stays unknown, flagged
HAND_MIN_P = 0.6


def _hand_digits(page: PageText, out: dict[str, HeaderField], signed_on: str | None) -> None:
    """Fill the number's and the day's digits from the handwriting readings of the OCR stage,
    only where Tesseract's own digits were not sure and the reading is. A day must make a
    real date, not after the signing day; a less likely reading that does is taken when it
    is itself above the bar. The value is flagged 'handwritten' with the reading's probability.
    """
    readings = {r.field: r for r in page.hand_digits}
    number, hand = out.get("number"), readings.get("number")
    if number and hand and not _same_line(page, number, hand.box):
        hand = None
    if number and number.symbol and hand and hand.confidence >= HAND_MIN_P:
        key = canonical_key(f"{hand.text}/{number.symbol}")
        if key and (number.value is None or _ocr_unsure(page, number, key)):
            number.value, number.flags, number.confidence = key, ["handwritten"], hand.confidence
    date, hand = out.get("date"), readings.get("day")
    if not (date and hand and date.precision == "month" and isinstance(date.value, str)):
        return
    if not _same_line(page, date, hand.box):
        return
    year, month = (int(v) for v in date.value.split("-")[:2])
    for alt in hand.alternatives:
        if alt.p < HAND_MIN_P:
            break
        value = iso(year, month, int(alt.text)) if alt.text.isdigit() else None
        if value and (signed_on is None or value <= signed_on):
            date.value, date.precision = value, "day"
            date.flags, date.confidence = ["handwritten"], alt.p
            return


def _same_line(page: PageText, value: HeaderField, box: Box) -> bool:
    """The reading was taken on the line the field was read from (when both have boxes):
    a blank found lower on the page ("ngày 16 tháng 4" in the body) is another date."""
    words = page.words_in(value.start, value.end)
    if not words:
        return True
    y0, y1 = min(w.box.y0 for w in words), max(w.box.y1 for w in words)
    return box.y0 < y1 and y0 < box.y1


# Tesseract reads printed digits at 90+; handwriting it misreads often still scores 70-85
SURE_PRINT = 90.0


def _ocr_unsure(page: PageText, number: HeaderField, hand_key: str) -> bool:
    """The OCR's digits of the number differ from the handwriting reading and were not read
    as surely as print is: the blank held handwriting, which the classifier reads better."""
    if hand_key == number.value:
        return False
    digits = [w for w in page.words_in(number.start, number.end)
              if re.match(r"\W*\d", w.text)]
    return bool(digits) and min(w.conf for w in digits) < SURE_PRINT


def _date(page: PageText, pos: int, line: str, dm: re.Match[str], out: dict) -> bool:
    numeric = dm.group("m") is None  # "Hà Nội, ngày 05/3/2024"
    month = (dm.group("m2") if numeric else dm.group("m")).translate(_DIGIT_FIX)
    day_raw = (dm.group("d2") if numeric else dm.group("d")).translate(_DIGIT_FIX)
    year = dm.group("y2") if numeric else dm.group("y")
    if not month.isdigit():
        return False
    day = int(day_raw) if re.fullmatch(r"\d{1,2}", day_raw) else None
    day_group = "d2" if numeric else "d"
    if day is not None and _doubtful(page, pos + dm.start(day_group), pos + dm.end(day_group)):
        day = None
    value = iso(int(year), int(month), day)
    if not value and day is not None:
        value, day = iso(int(year), int(month)), None
    if not value:
        return False
    flags = [] if day is not None or not day_raw else ["uncertain_digits"]
    lead = len(dm.group()) - len(dm.group().lstrip(", \t"))
    out["date"] = HeaderField(value, page.number, pos + dm.start() + lead, pos + dm.end(),
                              precision="day" if day else "month", flags=flags)
    pm = _PLACE.search(line[: dm.start()])
    if pm:
        place = pm.group(1).strip()
        out["place"] = HeaderField(proper_place(place) or place, page.number,
                                   pos + pm.start(1), pos + pm.end(1))
    return True


_TYPE_NAMES = {fold(v): v for v in TYPE_CODES.values()}


def _wordlike(line: str) -> bool:
    """Whether most tokens of a line are Vietnamese syllables (or numbers), not OCR junk."""
    tokens = [re.sub(r"^\W+|\W+$", "", t) for t in line.split()]
    tokens = [t for t in tokens if t]
    good = sum(
        1 for t in tokens
        if t.isdigit() or (len(t) > 1 and (
            _SYLLABLE.match(fold(t)) or (t.isupper() and len(t) <= 5 and t.isascii())
        ))
    )
    return bool(tokens) and good / len(tokens) >= 0.8


def _type_title(page: PageText, lines: list[tuple[int, str, str]], out: dict) -> None:
    title: list[tuple[int, str]] = []
    upper_title = False  # "KẾ HOẠCH TUYÊN TRUYỀN / NĂM 2025": type and title in capitals
    for pos, line, fl in lines[:14]:
        gap = _GAP.search(line)
        if gap and line[: gap.start()].strip():  # the right column's text is not the title's
            line, fl = line[: gap.start()], fl[: gap.start()]
        line, fl = _cut_right(line, fl)
        dm = _DATE_LINE.search(fl)
        if dm and upper_title is False and "doc_type" in out:
            pm = _PLACE.search(line[: dm.start()])
            cut = pm.start() if pm else dm.start()
            line, fl = line[:cut], fl[:cut]
        vv = _VE_VIEC.search(fl)
        if vv and vv.start() > 0 and not title and line[vv.start()] == "V":
            # a capital "Về việc" inside the line starts the title: what is left of it is
            # a stamp or the other column
            pos, line, fl = pos + vv.start(), line[vv.start() :], fl[vv.start() :]
        s = _org_key(fl).strip()
        if not s:
            continue
        if upper_title and not _is_upper(line):
            break
        if "doc_type" not in out:
            if s in _TYPE_NAMES and _is_upper(line):
                out["doc_type"] = HeaderField(_TYPE_NAMES[s], page.number, pos, pos + len(line))
                continue
            head = next((t for t in _TYPE_NAMES if s.startswith(t + " ")), None)
            if head and _is_upper(line):
                out["doc_type"] = HeaderField(_TYPE_NAMES[head], page.number, pos, pos + len(line))
                lead = len(line) - len(line.lstrip())
                title.append((pos + lead + len(head), line.strip()[len(head) :].strip()))
                upper_title = True
                continue
            if s.startswith(("v/v", "v/v.")) or s.startswith("ve viec"):
                out["doc_type"] = HeaderField("Công văn", page.number, pos, pos + len(line))
            elif not title:
                continue
        # a body opening ("Thực hiện ...", "Căn cứ ...") ends the title; in lowercase right
        # under the type it is the title itself ("thực hiện Kết luận số 49-KL/TW ...")
        body_start = _TITLE_STOP.match(s) and (title or line.strip()[:1].isupper())
        if body_start or (title and _is_upper(line) and not upper_title) or len(title) >= 4:
            break
        if title and (len(line.strip()) > 85 or title[-1][1].endswith((".", ";", ":"))):
            break
        if title and not _wordlike(line):  # a stamp or a scribble over the title's tail
            break
        title.append((pos, line.strip()))
    if title and not upper_title and len(title) < 4:
        title.extend(_displaced_lines(page, title, lines))
    if title:
        text = " ".join(t for _, t in title)
        if upper_title:
            text = " ".join(w if not _SYLLABLE.match(fold(w)) else w.lower() for w in text.split())
        if re.match(r"(?:va|ve|vo)\s+viec\b", fold(text)):  # OCR: "và việc" for "Về việc"
            text = "Về" + text[text.index(" ") :]
        # drop OCR junk from stamps over the title: no Vietnamese syllable is that long
        text = " ".join(w for w in text.split() if len(re.sub(r"\W", "", w)) <= 9)
        first, _, rest = text.partition(" ")
        if first.isupper() and rest and not rest.isupper():
            first = first.capitalize()
        text = (first[:1].upper() + first[1:] + (" " + rest if rest else "")).strip()
        out["title"] = HeaderField(text, page.number, title[0][0], title[-1][0] + len(title[-1][1]))


def _displaced_lines(
    page: PageText, title: list[tuple[int, str]], lines: list[tuple[int, str, str]]
) -> list[tuple[int, str]]:
    """Title lines that OCR's reading order put elsewhere (after a stamp's junk), found by
    their word boxes: the next printed line right under the title, within its width.

    A line the text already has right after the title is left to the text rules (they
    decide whether it is the title's or the body's); only a line read out of order, whose
    words sit under the title and no wider (the body runs the full width), is taken.
    """
    out: list[tuple[int, str]] = []
    pos, text = title[-1]
    last = page.words_in(pos, pos + len(text))
    # where the text's next line starts: a line there went through the text rules already
    follow = next((p + len(t) - len(t.lstrip()) for p, t, _ in lines if p > pos), None)
    while last and len(title) + len(out) < 4:
        x0, x1 = min(w.box.x0 for w in last), max(w.box.x1 for w in last)
        y1 = max(w.box.y1 for w in last)
        height = max(w.box.y1 - w.box.y0 for w in last)
        band = sorted(
            (w for w in page.words
             if y1 < (w.box.y0 + w.box.y1) / 2 < y1 + 1.2 * height and w.conf > 0),
            key=lambda w: w.box.x0,
        )
        run = _run_at(band, (x0 + x1) / 2, gap=2 * height)
        slack = 0.05 * (x1 - x0)
        if not run or run[0].box.x0 < x0 - slack or run[-1].box.x1 > x1 + slack:
            break
        start = run[0].start
        line = " ".join(w.text for w in run)
        if start is None or start == follow or not _wordlike(line):
            break
        if _TITLE_STOP.match(fold(line)) or _is_upper(line):
            break
        out.append((start, line))
        last = run
    return out


def _run_at(words: list, x: float, gap: float) -> list:
    """The words of a line (sorted by x) joined by gaps under ``gap`` that cover x."""
    runs: list[list] = []
    for w in words:
        if runs and w.box.x0 - runs[-1][-1].box.x1 < gap:
            runs[-1].append(w)
        else:
            runs.append([w])
    return next((r for r in runs if r[0].box.x0 <= x <= r[-1].box.x1), [])


_TITLE_WORDS_LIST = (
    "CHỦ TỊCH PHÓ TRƯỞNG BAN UBND HĐND TỈNH HUYỆN XÃ CHÁNH VĂN PHÒNG GIÁM ĐỐC THƯỜNG TRỰC "
    "HỘI KHUYẾN HỌC ỦY NHÂN DÂN BÍ THƯ THỦ TƯỚNG BỘ CỤC SỞ VỤ VIỆN HIỆU THANH TRA "
    "BCH CHẤP HÀNH ĐẢNG ĐOÀN TỔNG BIÊN TẬP"
)
_TITLE_FORMS: dict[str, set[str]] = {}
for _w in _TITLE_WORDS_LIST.split(" "):
    _TITLE_FORMS.setdefault(fold(_w), set()).add(_w)
# only folds with one spelling can be restored (THƯ and THỦ both fold to "thu")
_TITLE_VOCAB = {k: next(iter(v)) for k, v in _TITLE_FORMS.items() if len(v) == 1}
_TITLE_KNOWN = {w for forms in _TITLE_FORMS.values() for w in forms}
_GAP = re.compile(r"[ \t]{3,}")
_VE_VIEC = re.compile(r"\b(?:ve viec|v/v)\b")


def _fix_title(title: str) -> str:
    """``CHU TỊCH UBND TĨNH`` -> ``CHỦ TỊCH UBND TỈNH``: uppercase title words by their fold."""
    return " ".join(_fix_title_word(w) for w in title.split())


def _fix_title_word(w: str) -> str:
    if not w.isupper() or w.endswith(".") or w in _TITLE_KNOWN:
        return w
    hit = _TITLE_VOCAB.get(fold(w))
    if hit is None and len(w) >= 3:  # "TỊC": a letter lost
        near = process.extractOne(fold(w), list(_TITLE_VOCAB), scorer=fuzz.ratio, score_cutoff=85)
        hit = _TITLE_VOCAB[near[0]] if near else None
    return hit or w


def _segments(line: str) -> list[tuple[int, str]]:
    """Column pieces of a line split at wide gaps, with their offsets."""
    out, pos = [], 0
    for m in _GAP.finditer(line):
        out.append((pos, line[pos : m.start()]))
        pos = m.end()
    out.append((pos, line[pos:]))
    return [(p, t) for p, t in out if t.strip()]


_LEAD_TITLE = re.compile(rf"^\s*((?:{_SIGN_FOR}\.?\s*)?(?:[A-ZÀ-ỸĐ]{{2,}}[ \t]*)+)")
_JUNK_TAIL = re.compile(r"(?:\s+(?:\S|[^\w\s]+))+\s*$")


def _split_tail(line: str) -> list[tuple[int, str]] | None:
    """``Nơi nhận: KT. CHỦ TỊCH`` / ``- Lưu: VT. Nguyễn Văn A`` as (left, right) pieces."""
    core = line.rstrip()
    m = _SIGN_TITLE.search(core)
    if m and _is_title(m.group(1)) and core[: m.start(1)].strip():
        return [(0, core[: m.start(1)]), (m.start(1), m.group(1))]
    m = _NAME.search(_JUNK_TAIL.sub("", core))
    if m and core[: m.start(1)].strip() and fold(m.group(1)).split()[0] in SURNAMES:
        return [(0, core[: m.start(1)]), (m.start(1), m.group(1))]
    return None


def _name_in(text: str) -> tuple[int, str] | None:
    """A signer's name filling a column piece ("Trần Hoàng Tuấn", stray marks around it)."""
    core = _JUNK_TAIL.sub("", text.rstrip())
    m = _NAME.search(core)
    if not m or core[: m.start(1)].strip() or fold(m.group(1)).split()[0] not in SURNAMES:
        return None
    return m.start(1), m.group(1).strip()


def _is_title(text: str) -> bool:
    t = text.strip()
    return bool(t) and _is_upper(t) and bool(_TITLE_WORDS.search(fold(t)) or _TITLE_HEAD.match(t))


def _signature(pages: list[PageText], out: dict) -> None:
    content = [p for p in pages if p.text.strip()]
    for page in reversed(content):
        lines = _lines(page)
        idx = next((i for i, ln in enumerate(lines) if _NOI_NHAN.search(ln[2])), None)
        if idx is None and page is not content[-1]:
            continue
        zone = lines[max(0, idx - 3) :] if idx is not None else lines[-25:]
        titles: list[tuple[int, str]] = []
        recips: list[str] = []
        name = None
        for pos, line, _ in zone:
            pieces = _segments(line)
            if not pieces:
                continue
            gapped = len(pieces) > 1 and pieces[0][0] == 0
            if len(pieces) == 1:  # no column gap: the right column is the line's tail
                pieces = _split_tail(line) or pieces
            left_off, left = pieces[0]
            rights = pieces[1:] if left_off == 0 and len(pieces) > 1 else pieces
            if rights is pieces:
                left = ""
            for off, piece in rights:
                m = _LEAD_TITLE.match(piece)
                if m and _is_title(m.group(1)):
                    titles.append((pos + off + m.start(1), _fix_title(m.group(1).strip())))
                    continue
                found = _name_in(piece) if titles or gapped else None
                if found:  # without a title block (under the seal): a name across a wide gap
                    name = (pos + off + found[0], found[1])
                elif rights is pieces:
                    left = piece
            if not left and len(pieces) == 1 and not rights:
                left = pieces[0][1]
            b = left.strip()
            if b.startswith(("-", "+", "•", "“")) and idx is not None:
                recips.append(b.lstrip("-+•“ ").rstrip(" ;,."))
        if titles:
            out["signer_title"] = HeaderField(" / ".join(t for _, t in titles), page.number,
                                              titles[0][0], titles[-1][0] + len(titles[-1][1]))
        if name:
            out["signer"] = HeaderField(_surname_marks(name[1]), page.number, name[0],
                                        name[0] + len(name[1]))
        if recips:
            out["recipients"] = HeaderField([r for r in recips if r], page.number, zone[0][0],
                                            zone[-1][0] + len(zone[-1][1]))
        return
