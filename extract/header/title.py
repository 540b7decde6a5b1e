"""The type heading (QUYẾT ĐỊNH, BÁO CÁO) and the trích yếu (title) under it."""

from __future__ import annotations

import itertools
import re

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
from extract.text import PageText
from normalize.fold import fold
from normalize.keys import TYPE_CODES

TYPE_NAMES = {fold(v): v for v in TYPE_CODES.values()}
_TITLE_STOP = re.compile(r"^(?:kinh gui|can cu|thuc hien|nhằm|phan \w|i\.|1\.|-{3,}|_{3,})")
_VE_VIEC = re.compile(r"\b(?:ve viec|v/v)\b")
_WORD = re.compile(r"\w+")


def type_title(page: PageText, lines: list[Line], out: HeaderResult) -> None:
    """The type heading and the title from the lines under the number and date."""
    title: list[tuple[int, str]] = []
    upper_title = False  # "KẾ HOẠCH TUYÊN TRUYỀN / NĂM 2025": type and title in capitals
    for ln in lines[:14]:
        pos, line, fl = ln.offset, ln.text, ln.folded
        gap = GAP.search(line)
        if gap and line[: gap.start()].strip():  # the right column's text is not the title's
            line, fl = line[: gap.start()], fl[: gap.start()]
        line, fl = cut_right(line, fl)
        dm = DATE_LINE.search(fl)
        if dm and upper_title is False and out.doc_type is not None:
            pm = PLACE.search(line[: dm.start()])
            cut = pm.start() if pm else dm.start()
            line, fl = line[:cut], fl[:cut]
        vv = _VE_VIEC.search(fl)
        if vv and vv.start() > 0 and not title and line[vv.start()] == "V":
            # a capital "Về việc" inside the line starts the title: what is left of it is
            # a stamp or the other column
            pos, line, fl = pos + vv.start(), line[vv.start() :], fl[vv.start() :]
        s = org_key(fl).strip()
        if not s:
            continue
        if upper_title and not is_upper(line):
            break
        if out.doc_type is None:
            if s in TYPE_NAMES and is_upper(line):
                out.doc_type = HeaderField(TYPE_NAMES[s], page.number, pos, pos + len(line))
                continue
            head = next((t for t in TYPE_NAMES if s.startswith(t + " ")), None)
            if head and is_upper(line):
                out.doc_type = HeaderField(TYPE_NAMES[head], page.number, pos, pos + len(line))
                lead = len(line) - len(line.lstrip())
                title.append((pos + lead + len(head), line.strip()[len(head) :].strip()))
                upper_title = True
                continue
            if s.startswith(("v/v", "v/v.")) or s.startswith("ve viec"):
                out.doc_type = HeaderField("Công văn", page.number, pos, pos + len(line))
            elif not title:
                continue
        # a body opening ("Thực hiện ...", "Căn cứ ...") ends the title; in lowercase right
        # under the type it is the title itself ("thực hiện Kết luận số 49-KL/TW ...")
        body_start = _TITLE_STOP.match(s) and (title or line.strip()[:1].isupper())
        if body_start or (title and is_upper(line) and not upper_title) or len(title) >= 4:
            break
        if title and (len(line.strip()) > 85 or title[-1][1].endswith((".", ";", ":"))):
            break
        if title and not wordlike(line):  # a stamp or a scribble over the title's tail
            break
        title.append((pos, line.strip()))
    if title and not upper_title and len(title) < 4:
        title.extend(_displaced_lines(page, title, lines))
    if title:
        out.title = HeaderField(
            _clean_title(" ".join(t for _, t in title), upper_title),
            page.number,
            title[0][0],
            title[-1][0] + len(title[-1][1]),
        )


def _clean_title(text: str, upper_title: bool) -> str:
    """The title's text in sentence case, with OCR slips of its opening and junk dropped."""
    if upper_title:
        text = " ".join(w if not SYLLABLE.match(fold(w)) else w.lower() for w in text.split())
    if re.match(r"(?:va|ve|vo)\s+viec\b", fold(text)):  # OCR: "và việc" for "Về việc"
        text = "Về" + text[text.index(" ") :]
    # drop OCR junk from stamps over the title: no Vietnamese syllable is that long
    text = " ".join(w for w in text.split() if len(re.sub(r"\W", "", w)) <= 9)
    first, _, rest = text.partition(" ")
    if first.isupper() and rest and not rest.isupper():
        first = first.capitalize()
    return (first[:1].upper() + first[1:] + (" " + rest if rest else "")).strip()


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
    forms = _pair_forms(pages, wanted)
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
