"""Citations on synthetic body pages: does the citation reader generalise?

    OMP_THREAD_LIMIT=1 python bench/extract/cites.py --n 40 --seed 1 \
        --data /tmp/cites-synth --baseline main [-v]

The 14 design scans cite a few dozen keys of a few issuers. This bench draws body pages
of Vietnamese administrative documents from a grammar: a "Căn cứ ..." preamble and running
text citing documents by key, of many types and issuers (``normalize/codes.json``: the
central bodies, ministries, a province's Sở and Ban, mass organisations, the Party's
``-NQ/TW``, ``-KL/TW``, ``-CT/TU``; numbers of one to four digits, with and without the
year, with and without "số", a unit after the issuer: ``123/SNV-VP``), laws by name (the
catalogue ``normalize/data/laws.json``, long amending laws included, and names it does
not hold), dated "ngày dd tháng mm năm yyyy", "ngày dd/mm/yyyy" (or with "." or "-"),
in parentheses or by the bare year, the date damaged as OCR damages it (a digit read as
its look-alike letter, "ngày"/"tháng"/"năm" misread, a space inside; a year one digit
confusion off the key's), lists ("các Nghị quyết số 66-NQ/TW và 68-NQ/TW", "Quyết định
số 242 và 244/QĐ-UBND") with one date that is all their keys' ("các", "cùng ngày") or the
last one's only, and what is *not* a citation or not a key's date: meetings and dates, a
clause after an undated key that opens with its own day, "Điều 5", "Quyết định này",
phone numbers, money. Lines wrap where the page ends, so keys and law names break over
lines as they do in print. Pages are drawn at 300 dpi in Liberation Serif with PIL,
degraded (blur, noise, skew, a photocopy's lost resolution; ``--rough``: scanned at 150
to 200 dpi), saved as PDF and read through the real path
(``service.pipeline.load_document``; OCR cached in ``--data``).

Scored per document as ``run.py`` scores the real scans: citations as sets of keys
(a law's key without letter case), ``citations+date`` also the printed date, and
*silent* errors: a cited key not in the truth whose ``needs_review`` is false. Documents
alternate between a *design* half (even index; ``-v`` lists its misses) and a
*held-back* half (odd index; aggregates only). Recall per kind of mention says where
the misses are without listing them.
"""

from __future__ import annotations

import json
import logging
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
from headers import DPI, FONTS, MM, H, W, degrade, read_pages, records_of, synthetic_args, wrap  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter, ImageFont  # noqa: E402
from run import Score, key_norm, text_doc  # noqa: E402

from normalize.keys import TYPE_CODES  # noqa: E402
from normalize.laws import catalogue  # noqa: E402
from schemas import PageRoute, Record  # noqa: E402

TEXT = PageRoute.TEXT_FILE

log = logging.getLogger(__name__)

CODES = json.loads((ROOT / "normalize" / "codes.json").read_text())
UNITS = sorted(CODES["units"])
# types cited in running text with the word that names them (the parser's own table)
WORD = {code: name for code, name in TYPE_CODES.items() if code not in ("L", "QĐi")}
ABOUT = [
    "về công tác văn thư",
    "về việc phê duyệt kế hoạch sử dụng đất",
    "về tăng cường công tác phòng, chống thiên tai",
    "về chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "về đẩy mạnh cải cách hành chính",
    "ban hành quy chế làm việc",
    "về chuyển đổi số",
    "về phát triển kinh tế - xã hội",
    "quy định chi tiết một số điều",
    "hướng dẫn thực hiện",
]
FILLER = [
    "Các cơ quan, đơn vị tổ chức triển khai thực hiện nghiêm túc, hiệu quả các nội dung đã đề ra",
    "định kỳ hằng quý báo cáo kết quả thực hiện về cơ quan thường trực để tổng hợp",
    "giao Văn phòng theo dõi, đôn đốc và tổng hợp tình hình thực hiện",
    "trong quá trình thực hiện nếu có khó khăn, vướng mắc kịp thời phản ánh",
    "bảo đảm tiến độ, chất lượng và hiệu quả",
]
# what is not a citation: each holds numbers, dates or type words that one might take for one
DISTRACTORS = [
    "Hội nghị được tổ chức ngày {d} tháng {m} năm {y} tại hội trường",
    "theo quy định tại khoản {a} Điều {b} của Quyết định này",
    "Điều {b}. Quyết định này có hiệu lực kể từ ngày ký",
    "kinh phí thực hiện là {money} đồng từ nguồn ngân sách",
    "mọi chi tiết xin liên hệ số điện thoại {phone}",
    "Kế hoạch năm {y} gồm {a} nội dung trọng tâm",
    "tiếp nhận {c} hồ sơ trong tháng {m}/{y}",
    "Tờ trình này được gửi kèm {a} phụ lục",
    "cuộc họp ngày {d}/{m}/{y} đã thống nhất",
]
NOT_CATALOGUED = [
    "Quản lý thuyền viên và tàu cá",
    "Khuyến khích sáng tạo trong cơ quan nhà nước",
    "Phát triển làng nghề truyền thống",
]


@dataclass
class Cite:
    """One cited document: its key, the date printed with it (ISO or None), its kind."""

    key: str
    date: str | None
    kind: str


@dataclass
class Body:
    """A page's sentences and the documents they cite."""

    sentences: list[tuple[str, bool]] = field(default_factory=list)  # (text, italic)
    cites: list[Cite] = field(default_factory=list)
    again: list[str] = field(default_factory=list)  # "Quyết định 677": cited before by key


def dated(rng: random.Random, year: int, slips: bool = True) -> tuple[str, str]:
    """A printed date in ``year`` and its ISO form; with ``slips``, damaged by chance as
    OCR and typists damage one (:func:`slipped`)."""
    m, d = rng.randint(1, 12), rng.randint(1, 28)
    dd, mm = (
        (f"{d:02d}" if rng.random() < 0.5 else str(d)),
        (f"{m:02d}" if rng.random() < 0.5 else str(m)),
    )
    sep = rng.choice(["/"] * 8 + [".", "-"])
    text = rng.choice([f"ngày {dd} tháng {mm} năm {year}", f"ngày {dd}{sep}{mm}{sep}{year}"])
    return (slipped(rng, text) if slips else text), f"{year:04d}-{m:02d}-{d:02d}"


# What the real scans' OCR does to a date, seen in the design files' text (a 1 read as l or
# I: "ngày I8 tháng 9", "Lô đất số l5"; a word's marks read wrong: "Nhám Dân", "nâm";
# stray marks and spaces: "SỐ, 728", "60/CP. ngày", "26/ QH") and the look-alikes Tesseract
# gives on a degraded page (S/5, B/8, Z/2, g/9, O/0). The design files' body dates are
# almost clean; these rates are higher, to test the reader on what a worse scan gives.
LOOKALIKE = {"0": "O", "1": "l", "2": "Z", "5": "S", "8": "B", "9": "g"}
WORD_SLIPS = {
    "ngày": ["ngay", "ngảy", "ngàỵ", "ngà y"],
    "tháng": ["thang", "thảng", "thàng", "thá ng"],
    "năm": ["nam", "nãm", "nâm", "nă m"],
}


def slipped(rng: random.Random, text: str) -> str:
    """A printed date with, by chance, one digit read as its look-alike letter, one of its
    words damaged, or a space inside a numeric date."""
    if rng.random() < 0.12:
        spots = [i for i, c in enumerate(text) if c in LOOKALIKE]
        i = rng.choice(spots)
        text = text[:i] + LOOKALIKE[text[i]] + text[i + 1 :]
    if rng.random() < 0.12:
        word = rng.choice([w for w in WORD_SLIPS if w in text])
        text = text.replace(word, rng.choice(WORD_SLIPS[word]), 1)
    if rng.random() < 0.06 and "/" in text:
        at = [i for i, c in enumerate(text) if c == "/"]
        i = rng.choice(at) + rng.choice([0, 1])
        text = text[:i] + " " + text[i:]
    return text


def number(rng: random.Random) -> str:
    """A key's number: one to four digits, sometimes with a leading zero."""
    digits = rng.choice([1, 2, 2, 3, 3, 4])
    n = rng.randint(1 if digits == 1 else 10 ** (digits - 1), 10**digits - 1)
    return f"{n:02d}" if n < 10 and rng.random() < 0.4 else str(n)


def state_key(rng: random.Random) -> tuple[str, str, str, str]:
    """(key, type word, issuer's name, kind) of a state document."""
    klass = rng.choice(["central", "ministry", "ministry", "provincial", "provincial", "org"])
    issuers = CODES["issuers"][klass]
    code = rng.choice(sorted(issuers))
    types = [t for t in CODES["class_types"][klass] if t in WORD]
    kind = f"state-{klass}"
    if klass == "central" and rng.random() < 0.6:  # the common ones
        code, types = rng.choice([("TTg", ["QĐ", "CT", "CĐ"]), ("CP", ["NĐ", "NQ"])])
    if klass == "ministry" and rng.random() < 0.4:
        types = ["TT", "QĐ"]
    type_code = rng.choice(types)
    year = rng.randint(2005, 2025)
    with_year = type_code in ("NĐ", "TT", "TTLT") or rng.random() < 0.3
    num = number(rng)
    if klass in ("ministry", "provincial") and rng.random() < 0.2:
        unit = rng.choice(UNITS)  # a letter: issuer and unit, no type ("123/SNV-VP")
        key = f"{num}/{code}-{unit}"
        return key, "Công văn", issuers[code], "state-letter"
    key = f"{num}/{year}/{type_code}-{code}" if with_year else f"{num}/{type_code}-{code}"
    return key, WORD[type_code], issuers[code], kind


def party_key(rng: random.Random) -> tuple[str, str, str, str]:
    """(key, type word, issuer's name, kind) of a Party document."""
    issuers = CODES["issuers"]["party"]
    code = rng.choice(["TW", "TW", "TU", "HU", *sorted(issuers)])
    type_code = rng.choice([t for t in CODES["party_types"] if t in WORD])
    key = f"{number(rng)}-{type_code}/{code}"
    return key, WORD[type_code], issuers.get(code, ""), "party"


def key_mention(rng: random.Random, body: Body, lead: str) -> str:
    """A sentence fragment citing one document (or a list of two) by key."""
    key, word, issuer, kind = (party_key if rng.random() < 0.3 else state_key)(rng)
    so = rng.choice(["số ", "số ", ""])
    parts = key.split("/")
    year = int(parts[1]) if len(parts) == 3 else rng.randint(2005, 2025)
    date_text, iso = dated(rng, year)
    if rng.random() < 0.15:
        return list_mention(rng, body, lead, (key, word, issuer, kind), so, date_text, iso)
    body.cites.append(Cite(key, iso if rng.random() < 0.75 else None, kind))
    if kind != "state-letter" and "-" in key.split("/")[-1]:  # named again later by number
        body.again.append(f"{word} {key.split('/')[0] if kind != 'party' else key.split('-')[0]}")
    if kind == "party" and key.endswith("/TW"):
        issuer = rng.choice(["Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương"])
    by = f" của {issuer}" if issuer and rng.random() < 0.7 else ""
    if body.cites[-1].date is None:
        # the next clause may open with a day of its own, not this document's
        return f"{lead}{word} {so}{key}{by}{next_day(rng, year)} {rng.choice(ABOUT)}"
    if len(parts) == 3 and rng.random() < 0.06:
        date_text = year_slip(rng, date_text, year)
    where = rng.random()  # the date before the issuer, after it, after a comma, "ban hành"
    if where < 0.5:
        return f"{lead}{word} {so}{key} {date_text}{by} {rng.choice(ABOUT)}"
    if where < 0.58:
        return f"{lead}{word} {so}{key} ({date_text}){by} {rng.choice(ABOUT)}"
    if where < 0.75 and by:
        return f"{lead}{word} {so}{key}{by} {rng.choice(['', 'ban hành '])}{date_text}"
    if where < 0.9:
        return f"{lead}{word} {so}{key}, {date_text}{by} {rng.choice(ABOUT)}"
    return f"{lead}{word} {so}{key} ban hành {date_text}{by}"


def next_day(rng: random.Random, year: int) -> str:
    """By chance, a clause after an undated key that opens with a meeting's day ("; ngày
    5/3/2024 Ban Chỉ đạo đã họp", ". Ngày 5/3/2024, Sở Nội vụ tổ chức hội nghị"): a date
    that follows the key and is not its date."""
    if rng.random() > 0.25:
        return ""
    day, _ = dated(rng, year, slips=False)
    if rng.random() < 0.5:
        return f"; {day} Ban Chỉ đạo đã họp"
    return f". {day[0].upper()}{day[1:]}, Sở Nội vụ tổ chức hội nghị"


def year_slip(rng: random.Random, date_text: str, year: int) -> str:
    """The date with one digit of its year read as another digit OCR confuses it with
    (2021 printed 2027): the key's year says which was printed."""
    pairs = {"0": "8", "1": "7", "3": "8", "4": "9", "5": "6", "6": "5", "7": "1", "8": "0"}
    y = str(year)
    spots = [i for i in (2, 3) if y[i] in pairs]
    if not spots or y not in date_text:
        return date_text
    i = rng.choice(spots)
    return date_text.replace(y, y[:i] + pairs[y[i]] + y[i + 1 :], 1)


def list_mention(
    rng: random.Random,
    body: Body,
    lead: str,
    drawn: tuple[str, str, str, str],
    so: str,
    date_text: str,
    iso: str,
) -> str:
    """Two documents listed together: "các Nghị quyết số 66-NQ/TW và 68-NQ/TW", "các
    Quyết định số 242 và 244/QĐ-UBND", or "Quyết định số 12/QĐ-UBND và Quyết định số
    14/QĐ-UBND"; by chance with one date after them. After "các" (several documents) or
    "cùng ngày" (the same day) the date is both documents'; else only the last one's."""
    key, word, issuer, kind = drawn
    num, rest = key.split("-", 1) if kind == "party" else key.split("/", 1)
    sep = "-" if kind == "party" else "/"
    second = f"{int(num) + rng.choice([1, 2, 5, 13])}{sep}{rest}"
    plural = rng.random() < 0.7
    if not plural:
        text = f"{lead}{word} {so}{key} và {word} {so}{second}"
    elif rng.random() < 0.6:
        text = f"{lead}các {word} {so}{key} và {second}"
    else:  # the first number shares the second's key: "số 242 và 244/QĐ-UBND"
        text = f"{lead}các {word} {so}{num} và {second}"
        key = f"{num}{sep}{rest}"
    first = last = None
    if rng.random() < 0.5:
        same = rng.random() < 0.3
        text += f" {'cùng ' if same else ''}{date_text}"
        first, last = (iso if plural or same else None), iso
    body.cites += [Cite(key, first, "list"), Cite(second, last, "list")]
    return text + f" {issuer and 'của ' + issuer}".rstrip()


def law_mention(rng: random.Random, body: Body, lead: str) -> str:
    """A sentence fragment citing a law by name (long amending laws often)."""
    laws = catalogue()
    long = [law for law in laws if len(law.name) > 45]
    if rng.random() < 0.1:
        name, head, year, known = rng.choice(NOT_CATALOGUED), "Luật", rng.randint(2010, 2024), False
    else:
        law = rng.choice(long if rng.random() < 0.4 else laws)
        name, head, year, known = law.name, law.head, law.year, True
    date_text, iso = dated(rng, year)
    form = rng.random()
    if form < 0.6:
        when, date = f" {date_text}", iso
    elif form < 0.85:
        when, date = f" năm {year}", None
    else:
        when, date = f" {year}", None
    kind = "law" if known else "law-unlisted"
    if known and len(name) > 45:
        kind = "law-long"
    body.cites.append(Cite(f"{head} {name} {year}", date, kind))
    return f"{lead}{head} {name}{when}"


def distractor(rng: random.Random) -> str:
    """A sentence with numbers and dates that cites nothing."""
    text = rng.choice(DISTRACTORS)
    phone = rng.choice(["0203.3825.123", "0912 345 678", "(0236) 3822 456"])
    money = f"{rng.randint(1, 999)}.{rng.randint(0, 999):03d}.000"
    return text.format(
        d=rng.randint(1, 28),
        m=rng.randint(1, 12),
        y=rng.randint(2010, 2025),
        a=rng.randint(1, 9),
        b=rng.randint(1, 30),
        c=rng.randint(10, 900),
        phone=phone,
        money=money,
    )


def draw_body(rng: random.Random) -> Body:
    """A preamble of "Căn cứ ..." lines, then running text citing and not citing; drawn
    again while a document is cited twice (its one citation has one date to score)."""
    body = _body(rng)
    while len({c.key for c in body.cites}) < len(body.cites):
        body = _body(rng)
    return body


def _body(rng: random.Random) -> Body:
    body = Body()
    italic = rng.random() < 0.5
    for _ in range(rng.randint(2, 4)):
        cite = law_mention if rng.random() < 0.4 else key_mention
        body.sentences.append((cite(rng, body, "Căn cứ ") + ";", italic))
    body.sentences.append(("Xét đề nghị của cơ quan chuyên môn,", italic))
    for i in range(rng.randint(2, 4)):
        parts = [rng.choice(FILLER)]
        if rng.random() < 0.8:
            cite = law_mention if rng.random() < 0.3 else key_mention
            lead = rng.choice(["theo ", "thực hiện ", "triển khai ", "căn cứ "])
            parts.append(cite(rng, body, lead))
        if rng.random() < 0.7:
            parts.insert(rng.randint(0, len(parts)), distractor(rng))
        text = f"{i + 1}. " + "; ".join(parts) + "."
        body.sentences.append((text[:3] + text[3].upper() + text[4:], False))
    if body.again and rng.random() < 0.5:  # a document cited above, named by its number alone
        ref = rng.choice(body.again)
        body.sentences.append((f"Giao Văn phòng tổng hợp kết quả thực hiện {ref} nêu trên.", False))
    return body


def render(rng: random.Random, rough: random.Random | None = None) -> tuple[Image.Image, Body]:
    """The page image and what it cites; ``rough`` draws a worse scan (:func:`roughen`)."""
    body = draw_body(rng)
    size = rng.choice([13, 14])
    px = round(size * DPI / 72)
    reg = ImageFont.truetype(str(FONTS / "LiberationSerif-Regular.ttf"), px)
    ital = ImageFont.truetype(str(FONTS / "LiberationSerif-Italic.ttf"), px)
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    left, right = 30 * MM, W - 20 * MM
    lh = px * rng.choice([1.25, 1.4])
    y = 25 * MM
    for text, italic in body.sentences:
        font = ital if italic else reg
        lines = wrap(text, font, int(right - left - 12 * MM))
        for j, line in enumerate(lines):
            d.text((left + (12 * MM if j == 0 else 0), y), line, font=font, fill=0)
            y += lh
        y += px * 0.3
    rgb = img.convert("RGB")
    if rng.random() < 0.3:  # a photocopy: resolution lost and ink thresholded
        small = rgb.resize((W // 2, H // 2), Image.BILINEAR).resize((W, H), Image.BILINEAR)
        rgb = small.convert("L").point(lambda v: 0 if v < 150 else 255).convert("RGB")
    page = degrade(rng, rgb, (W * 0.75, min(y + lh, H - 30 * MM)))
    return (roughen(rough, page) if rough else page), body


def roughen(rng: random.Random, img: Image.Image) -> Image.Image:
    """A worse scan than ``degrade`` draws, so that OCR itself damages the dates: scanned
    at 150 to 200 dpi (then sized back to the page), blurred and speckled."""
    scale = rng.uniform(0.5, 0.67)
    small = img.resize((round(W * scale), round(H * scale)), Image.BILINEAR)
    img = small.resize((W, H), Image.BICUBIC).filter(
        ImageFilter.GaussianBlur(rng.uniform(0.8, 1.4))
    )
    gen = np.random.default_rng(rng.randrange(2**32))
    arr = np.asarray(img, dtype=np.float32)
    arr += gen.normal(0, rng.uniform(15, 30), arr.shape[:2])[..., None]
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


@dataclass
class Tally:
    """Citation scores of one half of the documents, by kind of mention too."""

    keys: Score = field(default_factory=Score)
    dated: Score = field(default_factory=Score)
    cited: int = 0
    silent: int = 0
    flagged: int = 0
    flagged_right: int = 0
    kinds: dict[str, list[int]] = field(default_factory=dict)  # kind -> [found, all]


def score(truths: list[Body], records: list[Record], names: list[str], verbose: bool) -> Tally:
    """Citations of each document against its truth; ``verbose`` lists the misses."""
    t = Tally()
    for name, body, rec in zip(names, truths, records, strict=True):
        gold = {key_norm(c.key) for c in body.cites}
        got = {key_norm(c.key) for c in rec.citations}
        t.keys.add(gold, got)
        gd = {(key_norm(c.key), c.date) for c in body.cites}
        pd = {(key_norm(c.key), c.date) for c in rec.citations if key_norm(c.key) in gold}
        t.dated.add(gd, pd)
        for c in body.cites:
            k = t.kinds.setdefault(c.kind, [0, 0])
            k[0] += key_norm(c.key) in got
            k[1] += 1
        for c in rec.citations:
            t.cited += 1
            t.flagged += c.needs_review
            t.flagged_right += c.needs_review and key_norm(c.key) in gold
            t.silent += key_norm(c.key) not in gold and not c.needs_review
        if verbose:
            for c in body.cites:
                if key_norm(c.key) not in got:
                    print(f"  [{name}] missing {c.kind}: {c.key!r}")
            for c in rec.citations:
                if key_norm(c.key) not in gold:
                    mark = "(needs_review)" if c.needs_review else "SILENT"
                    print(f"  [{name}] extra {c.key!r} from {c.text!r} {mark} {c.flags}")
            dates = {key_norm(c.key): c.date for c in body.cites}
            for c in rec.citations:
                k = key_norm(c.key)
                if k in dates and dates[k] != c.date:
                    print(f"  [{name}] date of {c.key!r}: gold={dates[k]} got={c.date}")
    return t


def table(rows: list[tuple[str, Tally]]) -> None:
    print(f"  {'':34}{'P':>7}{'R':>7}{'F1':>7}  {'tp/fp/fn':>10}{'+date F1':>10}{'silent':>10}")
    for name, t in rows:
        p, r, f = t.keys.prf()
        counts = f"{t.keys.tp}/{t.keys.fp}/{t.keys.fn}"
        silent = f"{t.silent}/{t.cited}"
        dated = t.dated.prf()[2]
        print(f"  {name:34}{p:7.3f}{r:7.3f}{f:7.3f}  {counts:>10}{dated:10.3f}{silent:>10}")
    print("  recall by kind of mention (found/all):")
    for name, t in rows:
        kinds = ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(t.kinds.items()))
        print(f"  {name:34}{kinds}")
    print("  flagged for review (of them right):")
    for name, t in rows:
        print(f"  {name:34}{t.flagged} ({t.flagged_right})")


def main() -> None:
    ap = synthetic_args(__doc__, 40, "/tmp/cites-synth")
    ap.add_argument(
        "--text", action="store_true", help="read the drawn text itself, no OCR (the grammar alone)"
    )
    ap.add_argument(
        "--rough", action="store_true", help="worse scans (150-200 dpi, blur, noise): OCR damage"
    )
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    truths, images, docs = [], [], []
    for i in range(args.n):
        rough = random.Random(f"rough-{args.seed}-{i}") if args.rough else None
        image, body = render(random.Random(f"cites-{args.seed}-{i}"), rough)
        truths.append(body)
        images.append((f"cites-{args.seed}-{i:03d}{'-rough' if rough else ''}", image))
        if args.text:
            docs.append(text_doc(["\n".join(t for t, _ in body.sentences)], str(i), TEXT))
    names = [str(i) for i in range(args.n)]
    records, base = records_of(docs if args.text else read_pages(images, args.data), args.baseline)
    rows = []
    for half, parity in (("design", 0), ("held back", 1)):
        idx = [i for i in range(args.n) if i % 2 == parity]
        sub, sub_names = [truths[i] for i in idx], [names[i] for i in idx]
        if base is not None:
            rows.append(
                (f"{half}, {args.baseline}", score(sub, [base[i] for i in idx], sub_names, False))
            )
        verbose = args.verbose and parity == 0
        rows.append(
            (f"{half}, this tree", score(sub, [records[i] for i in idx], sub_names, verbose))
        )
    print(f"\nsynthetic body pages: --n {args.n} --seed {args.seed} (citations per document)")
    table(rows)


if __name__ == "__main__":
    main()
