"""The end of the document: nơi nhận (recipients) on the left, the signature block
(signer's title and name) on the right, often on one OCR line split by a wide gap."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from extract.header.digits import SURE_PRINT
from extract.header.fields import HeaderField, HeaderResult
from extract.header.lines import LO, UP, Line, is_upper, page_lines, segments
from extract.header.names import name_doubts
from extract.text import PageText
from normalize.fold import fold
from normalize.names import SURNAMES, surname_spelling

_TITLE_WORDS = re.compile(
    r"\b(?:chu tich|truong|giam doc|chanh van phong|bi thu|thu truong|bo truong|pho|"
    r"hieu truong|vien truong|cuc truong|tong bien tap)\b"
)
_NAME = re.compile(rf"((?:{UP}{LO}+[ \t]+){{1,4}}{UP}{LO}+)[ \t.]*$")
_SIGN_FOR = r"(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)"  # "thay mặt", "ký thay", "thừa lệnh" ...
_TITLE_HEAD = re.compile(rf"{_SIGN_FOR}[. ]")
_NOI_NHAN = re.compile(r"noi nh\w{1,2}n\s*:")
_SIGN_TITLE = re.compile(
    rf"((?:{_SIGN_FOR}\.\s*|{_SIGN_FOR}\s+)?(?:[A-ZÀ-ỸĐ]{{2,}}[ \t]*){{1,8}})$"
)
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
# a title opening a column piece; specks or a seal's strokes read as marks before it
# (".CHÁNH VĂN PHÒNG", "_—— TRƯỞNG BAN") are not its, but a list's bullet ("- ", "+ ") is
# a recipient's line
_LEAD_TITLE = re.compile(
    rf"^\s*(?:[._—–~¬'\"`,:;|*]+\s*)?((?:{_SIGN_FOR}\.?\s*)?(?:[A-ZÀ-ỸĐ]{{2,}}[ \t]*)+)"
)
_JUNK_TAIL = re.compile(r"(?:\s+(?:\S|[^\w\s]+))+\s*$")


def _surname_marks(name: str) -> str:
    """The name with its surname spelt as that surname is (Trân -> Trần, Nguyên -> Nguyễn):
    OCR slips tones in the bold signer name; the given names may be anything."""
    first, _, rest = name.partition(" ")
    right = surname_spelling(first)
    if right is None or not rest or first.isupper():
        return name
    return f"{right} {rest}"


# the name was read again on its own and the two readings differ in marks: the value takes
# the second reading's syllables, and a person looks
NAME_REREAD = "name_reread"


def _bare(text: str) -> str:
    return text.strip(".,;:_“”\"'-—")


def _second_reading(page: PageText, start: int, end: int, name: str) -> tuple[str, bool]:
    """``name`` with each syllable the line's second reading spelt with other marks and read
    at least as surely (the same letters folded), and whether any was taken. Letters that
    differ are not the same word (a seal's ring read as "bến" for "Trần"): kept as read."""
    words = page.words_in(start, end)
    reading = page.reading_of(words)
    if reading is None:
        return name, False
    first = {fold(_bare(w.text)): w.conf for w in words}
    again = [(_bare(w.text), w.conf) for w in reading.words if _bare(w.text)]
    out, taken, j = [], False, 0
    for token in name.split():
        key = fold(token)
        k = next((i for i in range(j, len(again)) if fold(again[i][0]) == key), None)
        if k is None:
            out.append(token)
            continue
        text, conf = again[k]
        j = k + 1
        better = text != token and conf >= first.get(key, 0.0)
        out.append(text if better else token)
        taken = taken or better
    return " ".join(out), taken


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


def _unsure_words(page: PageText, start: int, end: int) -> bool:
    """A word of the span OCR read less surely than print: a bold name under the seal's ink
    loses its marks ("Tuấn" read "Tuẫn" at 39), which no lexicon of given names can undo."""
    return any(w.conf < SURE_PRINT for w in page.words_in(start, end) if w.conf >= 0)


def _is_title(text: str) -> bool:
    t = text.strip()
    return bool(t) and is_upper(t) and bool(_TITLE_WORDS.search(fold(t)) or _TITLE_HEAD.match(t))


def read_signature(pages: list[PageText], out: HeaderResult) -> None:
    """Signer, signer's title and recipients from the last page with a nơi nhận block
    (or the last page's end when none has one)."""
    content = [p for p in pages if p.text.strip()]
    for page in reversed(content):
        lines = page_lines(page)
        idx = next((i for i, ln in enumerate(lines) if _NOI_NHAN.search(ln.folded)), None)
        if idx is None and page is not content[-1]:
            continue
        zone = lines[max(0, idx - 3) :] if idx is not None else lines[-25:]
        _read_zone(page, zone, idx is not None, out)
        return


def _trimmed_group(m: re.Match[str], base: int) -> tuple[int, int]:
    """Where group 1 of a title match stands in the page text, blanks left out."""
    text = m.group(1)
    lead = len(text) - len(text.lstrip())
    return base + m.start(1) + lead, base + m.start(1) + len(text.rstrip())


def _read_zone(page: PageText, zone: list[Line], has_noi_nhan: bool, out: HeaderResult) -> None:
    titles: list[tuple[int, int, str]] = []  # where each title line stands, and its text
    recips: list[str] = []
    name = None
    for ln in zone:
        pos, line = ln.offset, ln.text
        pieces = segments(line)
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
                titles.append((*_trimmed_group(m, pos + off), _fix_title(m.group(1).strip())))
                continue
            found = _name_in(piece) if titles or gapped else None
            if found:  # without a title block (under the seal): a name across a wide gap
                name = (pos + off + found[0], found[1])
            elif rights is pieces:
                left = piece
        if not left and len(pieces) == 1 and not rights:
            left = pieces[0][1]
        b = left.strip()
        if b.startswith(("-", "+", "•", "“")) and has_noi_nhan:
            recips.append(b.lstrip("-+•“ ").rstrip(" ;,."))
    if titles:
        out.signer_title = HeaderField(
            " / ".join(t for _, _, t in titles),
            page.number,
            titles[0][0],
            titles[-1][1],
            parts=[(a, b) for a, b, _ in titles],  # not the "Nơi nhận" lines between them
        )
    if name:
        end = name[0] + len(name[1])
        value, reread = _second_reading(page, name[0], end, name[1])
        value = _surname_marks(value)
        if reread:  # the unsure word may be the one read again; the readings differ anyway
            flags = [NAME_REREAD]
        else:
            flags = ["doubtful"] if _unsure_words(page, name[0], end) else []
        flags += name_doubts(value)
        out.signer = HeaderField(value, page.number, name[0], end, flags=flags)
    if recips:
        out.recipients = HeaderField(
            [r for r in recips if r],
            page.number,
            zone[0].offset,
            zone[-1].offset + len(zone[-1].text),
        )
