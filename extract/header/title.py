"""The type heading (QUYẾT ĐỊNH, BÁO CÁO) and the trích yếu (title) under it."""

from __future__ import annotations

import itertools
import logging
import re
import statistics
from dataclasses import dataclass, field

from extract.header.fields import HeaderField, HeaderResult
from extract.header.lines import (
    DATE_LINE,
    GAP,
    PLACE,
    SYLLABLE,
    Line,
    cut_right,
    is_upper,
    org_key,
    wordlike,
)
from extract.header.syllables import split_merged, written_pairs
from extract.text import PageText
from normalize.fold import fold
from normalize.keys import TYPE_CODES
from schemas import Word

log = logging.getLogger(__name__)

TYPE_NAMES = {fold(v): v for v in TYPE_CODES.values()}
_TITLE_STOP = re.compile(
    r"^(?:kinh gui|can cu|thuc hien|nhằm|phan \w|i\.|1\.|-{3,}|_{3,}|ngay \d{1,2}[/.-]\d)"
)  # "Ngày 03/01/2025, Phó Chủ tịch … chủ trì": a body opening with its date
_VE_VIEC = re.compile(r"\b(?:ve viec|v/v)\b")
_WORD = re.compile(r"\w+")
# "CỦA UỶ BAN NHÂN DÂN TỈNH": the issuer named in a 1990s type heading, not a title
_HEADING_TAIL = re.compile(r"cua\s")
# words a title cannot end on (they need what follows): it was cut where it wraps
_DANGLING = {
    "và",
    "của",
    "với",
    "cho",
    "tại",
    "trong",
    "các",
    "những",
    "theo",
    "trên",
    "từ",
    "là",
    "để",
    "như",
    "hoặc",
    "giữa",
    "nhằm",
    "thuộc",
    "một",
    "về",
}


# Text without word boxes: past four lines a title goes on only with a line that runs on
# in lower case, and while it is shorter than this (the longest trích yếu of the design
# files has 243 characters)
_LONGEST = 280
# words a title ends on only after their number ("kế hoạch 5 năm"), or that need the next
_COUNTED = frozenset({"năm", "tháng", "ngày", "số", "giai", "đối"})
# marks before a title's first word: a title opens with a word, so a stroke, a comma or a
# low quote there is a stamp's or the scan's (a bracket or a quote closed later is kept)
_LEAD_MARKS = re.compile(r"^(?:[^\w(\[“\"]|_|\s)+")
# one-letter words a title can hold ("đất ở", "ý kiến"); another lone letter is a speck
_ONE_LETTER_WORDS = frozenset("ởýáạàảaeêoôơuưy")


@dataclass
class _Title:
    """The title's lines as taken so far: (offset, text) and their OCR words."""

    parts: list[tuple[int, str]] = field(default_factory=list)
    head: list[Word] = field(default_factory=list)  # the type heading's words
    words: list[list[Word]] = field(default_factory=list)
    upper: bool = False  # "KẾ HOẠCH TUYÊN TRUYỀN / NĂM 2025": type and title in capitals
    cut: bool = False  # ended by the length bound before a line that could go on


def type_title(page: PageText, lines: list[Line], out: HeaderResult) -> None:
    """The type heading and the title from the lines under the number and date."""
    t = _Title()
    for ln in lines[:14]:
        pos, line, fl = _piece(ln, out, t)
        s = org_key(fl).strip()
        if not s:
            continue
        if t.upper and not is_upper(line):
            break
        if out.doc_type is None and _type_heading(page, pos, line, s, out, t):
            continue
        if not t.parts and _HEADING_TAIL.match(s) and is_upper(line):
            continue  # "CỦA UỶ BAN NHÂN DÂN TỈNH" under the type (1990s): the heading's
        words = page.words_in(pos, pos + len(line))
        if _ends_title(line, s, t, words):
            if _title_before_junk(line, s, t, words):
                t.parts.append((pos, line.strip()))  # the junk is cut (and flagged) below
                t.words.append(words)
            break
        t.parts.append((pos, line.strip()))
        t.words.append(words)
    if t.parts and not t.upper and len(t.parts) < 4:
        t.parts.extend(_displaced_lines(page, t.parts, lines))
    if t.parts:
        text, flags = _clean_title(" ".join(x for _, x in t.parts), t.upper, page.text)
        if t.cut and "title_suspect" not in flags:
            flags.append("title_suspect")
        last = t.parts[-1]
        out.title = HeaderField(
            text, page.number, t.parts[0][0], last[0] + len(last[1]), flags=flags
        )


def _piece(ln: Line, out: HeaderResult, t: _Title) -> tuple[int, str, str]:
    """The part of a line that can be the title's: not the right column, nor a place-date,
    nor what stands before a capital "Về việc" (a stamp, the other column)."""
    pos, line, fl = ln.offset, ln.text, ln.folded
    gap = GAP.search(line)
    if gap and line[: gap.start()].strip():  # the right column's text is not the title's
        line, fl = line[: gap.start()], fl[: gap.start()]
    line, fl = cut_right(line, fl)
    dm = DATE_LINE.search(fl)
    if dm and t.upper is False and out.doc_type is not None:
        pm = PLACE.search(line[: dm.start()])
        cut = pm.start() if pm else dm.start()
        line, fl = line[:cut], fl[:cut]
    vv = _VE_VIEC.search(fl)
    if vv and vv.start() > 0 and not t.parts and line[vv.start()] == "V":
        pos, line, fl = pos + vv.start(), line[vv.start() :], fl[vv.start() :]
    return pos, line, fl


def _type_heading(
    page: PageText, pos: int, line: str, s: str, out: HeaderResult, t: _Title
) -> bool:
    """Read the type from a heading line; True when the line is done with (not the title)."""
    if s in TYPE_NAMES and is_upper(line):
        out.doc_type = HeaderField(TYPE_NAMES[s], page.number, pos, pos + len(line))
        t.head = page.words_in(pos, pos + len(line))
        return True
    head = next((n for n in TYPE_NAMES if s.startswith(n + " ")), None)
    if head and is_upper(line):
        out.doc_type = HeaderField(TYPE_NAMES[head], page.number, pos, pos + len(line))
        tail = line.strip()[len(head) :].strip()
        # "QUYẾT ĐỊNH CỦA UỶ BAN NHÂN DÂN TỈNH" (1990s): the heading names the issuer;
        # the title is below it
        if not _HEADING_TAIL.match(fold(tail)):
            lead = len(line) - len(line.lstrip())
            t.parts.append((pos + lead + len(head), tail))
            t.words.append(page.words_in(pos + lead + len(head), pos + len(line)))
            t.upper = True
        return True
    if s.startswith(("v/v", "v/v.")) or s.startswith("ve viec"):
        out.doc_type = HeaderField("Công văn", page.number, pos, pos + len(line))
        return False
    return not t.parts


def _ends_title(line: str, s: str, t: _Title, words: list[Word]) -> bool:
    """Whether this line is past the title's end.

    A body opening ("Thực hiện ...", "Căn cứ ...") ends the title; in lowercase right under
    the type it is the title itself ("thực hiện Kết luận số 49-KL/TW ..."), and so it is
    capitalised where the boxes show it centred right under the type heading, as a title
    line is ("KẾ HOẠCH / Thực hiện Nghị quyết số ..."; a body paragraph runs from the
    margin after a gap). In lowercase under a title line it is the title wrapping. Where
    the words have boxes, the layout decides first: title lines are centred under each
    other at one line's pitch; a blank line's gap or an off-centre line ends the title.
    """
    if not t.parts:
        under_type = _continues(t.head, words, pitch=2.0) is True
        return bool(_TITLE_STOP.match(s) and line.strip()[:1].isupper() and not under_type)
    layout = _continues(t.words[-1], words)
    if layout is False or (t.upper is False and is_upper(line)):
        return True
    if _TITLE_STOP.match(s) and not line.strip()[:1].islower():
        return True
    if t.parts[-1][1].endswith((".", ";", ":")):
        return True
    last = t.parts[-1][1].split()[-1:] or [""]
    if line.rstrip().endswith(":") and line.strip()[:1].isupper() and last[0] not in _DANGLING:
        return True  # "Ủy ban nhân dân tỉnh báo cáo … như sau:": a title never ends so
    running_on = line.strip()[:1].islower() or _unfinished(t.parts[-1][1])
    if len(t.parts) >= (6 if layout else 4) and (
        layout or not running_on or len(t.parts) >= 9 or _bound_reached(t.parts)
    ):
        t.cut = wordlike(line)  # stopped by the bound, not by what the line says
        return True
    if not layout and len(line.strip()) > 85:
        return True
    return not wordlike(split_merged(line)[0])  # a stamp or a scribble over the title's tail


def _unfinished(line: str) -> bool:
    """A title line that cannot end the title: it ends on a comma or on a word that needs
    what follows ("và", "của"), so the next line is the title's whatever its case."""
    last = line.rstrip().split()[-1:] or [""]
    return last[0].endswith(",") or last[0] in _DANGLING


def _bound_reached(parts: list[tuple[int, str]]) -> bool:
    """Past the bound of a title's length, unless its last line is unfinished."""
    if _unfinished(parts[-1][1]):
        return sum(len(x) for _, x in parts) >= 2 * _LONGEST
    return len(parts) >= 7 or sum(len(x) for _, x in parts) >= _LONGEST


def _title_before_junk(line: str, s: str, t: _Title, words: list[Word]) -> bool:
    """A title line with a stamp's junk glued to its end ("năm 2024 À .^A .À k4"): without
    the junk tokens it would continue the title. The title ends with it."""
    tokens = line.split()
    while tokens and _junk(tokens[-1]):
        tokens.pop()
    if not t.parts or not tokens or len(tokens) == len(line.split()):
        return False
    head = " ".join(tokens)
    return wordlike(split_merged(head)[0]) and not _ends_title(
        head, org_key(fold(head)).strip(), t, words
    )


def _continues(prev: list[Word], cur: list[Word], pitch: float = 1.8) -> bool | None:
    """Whether a line continues the title line above it by layout: centred under it and at
    most one line's pitch lower (``pitch`` times the line's height: the type heading, set
    larger, stands up to two heights above the title's first line). A word box holds the
    letters, not the line's leading: at single spacing a line sinks ~1.2 heights, at looser
    spacings up to ~1.7, a blank line's gap 2.4 and more. None when either has no boxes
    to tell."""
    prev = [w for w in prev if w.conf > 0]
    cur = [w for w in cur if w.conf > 0]
    if not prev or not cur:
        return None
    height = max(w.box.y1 - w.box.y0 for w in prev)
    px0, px1 = min(w.box.x0 for w in prev), max(w.box.x1 for w in prev)
    cx0, cx1 = min(w.box.x0 for w in cur), max(w.box.x1 for w in cur)
    # how far the line sank: a line's top or its first word's moves with a slight skew and
    # with its letters (a lone "nạn" has no ascender), so by the words' bottoms; the
    # middle bottom sinks with a line of words reaching below it ("vị,", "địa phương",
    # "trong"), the bottom a quarter up from the lowest (the baseline: most lines hold a
    # word with no descender) rises with a skew along a long line. The lesser of the two:
    # a blank line's gap is past the bound by either
    drop = min(
        statistics.median(w.box.y1 for w in cur) - statistics.median(w.box.y1 for w in prev),
        _baseline(cur) - _baseline(prev),
    )
    if drop > pitch * height:
        log.debug("title ends at a gap of %d px (line %d px)", drop, height)
        return False
    off_centre = abs((cx0 + cx1) - (px0 + px1)) / 2
    return off_centre <= 0.1 * (px1 - px0) + height


def _baseline(words: list[Word]) -> float:
    """A line's baseline from its words' bottoms: the highest quarter's edge (words with a
    descender or a dot below reach lower; most lines hold a word with neither)."""
    bottoms = sorted(w.box.y1 for w in words)
    return float(bottoms[(len(bottoms) - 1) // 4])


def _clean_title(text: str, upper_title: bool, page_text: str = "") -> tuple[str, list[str]]:
    """The title's text in sentence case, with OCR slips of its opening and junk dropped;
    flags: ``title_trimmed`` when junk was cut, ``title_suspect`` when it still looks wrong.
    Words run together two ways are split as the page writes them apart, if it does."""
    if upper_title:
        text = " ".join(w if not SYLLABLE.match(fold(w)) else w.lower() for w in text.split())
    text = _LEAD_MARKS.sub("", text)  # ",Vêviệc", "„Về việc": a stamp's stroke before it
    vv = re.match(r"(?:va|ve|vo)\s*viec\b", fold(text))  # "và việc", "Vêviệc" for "Về việc"
    if vv:
        text = "Về việc" + text[vv.end() :]
    text = re.sub(r"\s+([:;,])", r"\1", text)  # "Về việc : Giao" -> "Về việc: Giao"
    text, run_together = split_merged(text, written_pairs(page_text))
    tokens = text.split()
    # drop OCR junk from stamps over the title: no Vietnamese syllable is that long
    kept = [w for w in tokens if len(re.sub(r"\W", "", w)) <= 9]
    while len(kept) > 1 and _junk(kept[-1]):
        kept.pop()
    flags = ["title_trimmed"] if len(kept) < len(tokens) else []
    if _suspect(kept) or run_together:
        flags.append("title_suspect")
    if flags:
        log.info("title %r: %s", " ".join(kept), ", ".join(flags))
    first, rest = kept[0] if kept else "", " ".join(kept[1:])
    if first.isupper() and rest and not rest.isupper():
        first = first.capitalize()
    return (first[:1].upper() + first[1:] + (" " + rest if rest else "")).strip(), flags


def _junk(token: str, inside: bool = False) -> bool:
    """A token no title is made of: a lone mark or letter, a symbol inside, letters mixed
    with digits other than a capital code (``k4`` but not ``COVID-19``). A one-letter word
    ("đất ở") is lowercase; inside a title a dash ("2021 - 2025") is its own."""
    core = token.strip(".,;:!?()\"'“”")
    if (inside and core in ("-", "–")) or core in _ONE_LETTER_WORDS:
        return False
    if re.fullmatch(r"[IVX]+", core):  # "quý I", "Phụ lục IV"
        return False
    if not core or re.search(r"[^\w/\-–.,]", core):
        return True
    if len(core) == 1:
        return not core.isdigit()
    if (
        len(core) <= 3
        and core.isalpha()
        and not core.isupper()
        and not re.search(r"[aeiouy]", fold(core))
    ):
        return True  # "Jf", "ˆk": no vowel, no syllable (an acronym of capitals is kept)
    if re.search(r"\d", core) and re.search(r"[^\W\d_]", core):
        return not re.fullmatch(r"[A-ZĐ0-9/\-–.]+", core)
    return False


def _stutter(a: str, b: str) -> bool:
    """A one-letter word before a word it begins ("đối với ô ông Bạch"): a speck or a
    mark's shadow read as the next word's first letter, not a word of the title."""
    return a in _ONE_LETTER_WORDS and len(b) > 1 and fold(b).startswith(fold(a))


def _suspect(tokens: list[str]) -> bool:
    """A title that looks cut or damaged: under three words, junk left inside, or ending in
    a comma, a dash or a word that cannot end one ("và", "của", "đối với", "năm" without
    its number)."""
    if len(tokens) < 3 or any(_junk(w, inside=True) for w in tokens[:-1]):
        return True
    if any(_stutter(a, b) for a, b in itertools.pairwise(tokens)):
        return True
    if tokens[-1].endswith((",", "-", "–")):
        return True  # a list or a range going on: the rest was lost where it wraps
    last = tokens[-1].rstrip(".,;:")
    if last in _COUNTED and not (len(tokens) > 1 and tokens[-2][:1].isdigit()):
        return True  # "… quý II năm" (2023 lost), "giai đoạn" cut after "giai"
    return last in _DANGLING


def _displaced_lines(
    page: PageText, title: list[tuple[int, str]], lines: list[Line]
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
    follow = next(
        (ln.offset + len(ln.text) - len(ln.text.lstrip()) for ln in lines if ln.offset > pos),
        None,
    )
    while last and len(title) + len(out) < 4:
        x0, x1 = min(w.box.x0 for w in last), max(w.box.x1 for w in last)
        y1 = max(w.box.y1 for w in last)
        height = max(w.box.y1 - w.box.y0 for w in last)
        band = sorted(
            (
                w
                for w in page.words
                if y1 < (w.box.y0 + w.box.y1) / 2 < y1 + 1.2 * height and w.conf > 0
            ),
            key=lambda w: w.box.x0,
        )
        run = _run_at(band, (x0 + x1) / 2, gap=2 * height)
        slack = 0.05 * (x1 - x0)
        if not run or run[0].box.x0 < x0 - slack or run[-1].box.x1 > x1 + slack:
            break
        start = run[0].start
        line = " ".join(w.text for w in run)
        if start is None or start == follow or not wordlike(line):
            break
        if _TITLE_STOP.match(fold(line)) or is_upper(line):
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


def settle_marks(title: HeaderField, pages: list[PageText]) -> None:
    """The title's marks as the document writes them; ``title_suspect`` when the document
    writes a word pair of the title with other marks as often as the title does, which is
    no majority either way ("đôi với" in the title, "đối với" once in the body)."""
    if not isinstance(title.value, str):
        return
    title.value, disputed = _consensus(title.value, pages)
    if disputed and "title_suspect" not in title.flags:
        log.info("title %r: marks disputed by the body", title.value)
        title.flags.append("title_suspect")


def consensus_marks(text: str, pages: list[PageText]) -> str:
    """Fix OCR slips in marks of a short text by how the document writes the same words.

    "chuyên hóa" in a title, where the body writes "chuyển hóa" five times, is a slip: each
    word pair takes the document's most frequent marks for its fold when those occur at
    least twice and more often than the written form. Letter case stays as written.
    """
    return _consensus(text, pages)[0]


def _consensus(text: str, pages: list[PageText]) -> tuple[str, bool]:
    """The text with the document's marks, and whether a pair stayed disputed (another
    form as frequent as the written one)."""
    words = list(_WORD.finditer(text))
    if len(words) < 2:
        return text, False
    wanted = {fold(a.group()) + " " + fold(b.group()) for a, b in itertools.pairwise(words)}
    forms = _pair_forms(pages, wanted)
    chars = list(text)
    disputed = False
    for a, b in itertools.pairwise(words):
        bucket = forms.get(fold(a.group()) + " " + fold(b.group()), {})
        written = (a.group() + " " + b.group()).lower()
        best = max(bucket, key=bucket.__getitem__, default=written)
        if best == written or bucket[best] < 2 or bucket[best] <= bucket.get(written, 0):
            other = max((n for f, n in bucket.items() if f != written), default=0)
            disputed = disputed or other >= max(bucket.get(written, 0), 1)
            continue
        for m, word in ((a, best.split(" ")[0]), (b, best.split(" ")[1])):
            for k, ch in enumerate(word):
                orig = chars[m.start() + k]
                chars[m.start() + k] = ch.upper() if orig.isupper() else ch
    return "".join(chars), disputed


def _pair_forms(pages: list[PageText], wanted: set[str]) -> dict[str, dict[str, int]]:
    """How often the document writes each form of the wanted word pairs (by their fold)."""
    forms: dict[str, dict[str, int]] = {}
    for page in pages:
        tokens = [m.group().lower() for m in _WORD.finditer(page.text)]
        for a, b in itertools.pairwise(tokens):
            key = fold(a) + " " + fold(b)
            if key in wanted:
                bucket = forms.setdefault(key, {})
                bucket[a + " " + b] = bucket.get(a + " " + b, 0) + 1
    return forms
