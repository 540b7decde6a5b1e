"""Citations under synthetic OCR damage: recovered, flagged, missed or silently wrong.

    python bench/extract/damage.py [-v] [--seed N] [--baseline REV] [--laws]

``--laws`` scores every law of the catalogue cited by name instead (a line break, a mark
lost, two words run together, the head word damaged) and names no catalogue holds.

The real scans are few; the kinds of damage they show are not. This bench takes cited
keys known to be right (the gold citations of the clean seeds, in their own text, and
the gold keys of the *design* scans, each in a short "Căn cứ ..." sentence; never the
held-out files) and damages them the ways issue 15 lists: one letter of the issuer part
confused (``STP``/``SIP``, ``SNV``/``SNY``), a stray stroke (``TT1g``), a trailing O
(``NQO``), a speck read as a mark (``BCĐ38§9QNg``), a leading digit lost, one digit
confused, a line break inside the key, a 1 or 0 of the number or year read as a letter
(``l2/202l``), a space inside the number or the last part (``1 2/...``, ``QĐ-TT g``); laws
by name with a line break inside, "điều" read "điêu", "bổ sung" dropped. Each damaged
document is extracted and scored:

* *recovered*: the right key is cited and no wrong key is;
* *flagged*: a wrong key (or the right one after a repair) carries ``needs_review``;
* *missed*: the right key is not cited and nothing was invented;
* *silent*: a wrong key with ``needs_review`` false — what must not happen;
* *right key*: beside these, the share where the right key is cited at all, flagged or not.

Damage applies to one of a key's several mentions (``1 of n``: the document's other
mentions can help) or to every mention (``every``, which is also the case of a key cited
once). A digit confused or lost in every mention makes another valid key that no rule
on text can tell ("573" read "373"; only OCR's word confidence can): those rows are left
out of the total, as the limit of what text alone can do.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extract import build_record  # noqa: E402
from normalize.keys import parse_key  # noqa: E402
from schemas import Document, Page, PageRoute, Record, Source, SourceKind  # noqa: E402

HERE = Path(__file__).parent
SHARED = ROOT.parent / "shared"
HELD_OUT = set(json.loads((HERE / "split.json").read_text())["held_out"])
# a held-out file\'s gold is named by its stem: it is skipped before it is opened
HELD_STEMS = {Path(f).stem for f in HELD_OUT}

# one-character confusions of print OCR, both ways (as in the examples)
_LETTER = {
    "T": "I1",
    "I": "T1l",
    "V": "Y",
    "Y": "V",
    "N": "H",
    "H": "N",
    "S": "5",
    "B": "8",
    "Đ": "Ð0D",
    "C": "G",
    "G": "C6",
    "Q": "O",
    "O": "Q0",
    "g": "q",
    "M": "N",
}
_DIGIT = {"0": "8", "1": "7", "3": "8", "5": "3", "6": "8", "7": "1", "8": "3", "9": "8"}

Damage = Callable[[str, random.Random], str | None]


def issuer_letter(key: str, rng: random.Random) -> str | None:
    """One letter of the issuer part read as another (``STP`` -> ``SIP``)."""
    p = parse_key(key)
    if p is None or not p.issuer_code:
        return None
    start = key.rindex(p.issuer_code) if not p.party else key.index("/") + 1
    spots = [i for i in range(start, len(key)) if key[i] in _LETTER]
    if not spots:
        return None
    i = rng.choice(spots)
    return key[:i] + rng.choice(_LETTER[key[i]]) + key[i + 1 :]


def stray_stroke(key: str, rng: random.Random) -> str | None:
    """A thin stroke read as a character inside the issuer part (``TTg`` -> ``TT1g``)."""
    p = parse_key(key)
    if p is None or not p.issuer_code or len(p.issuer_code) < 2:
        return None
    start = key.rindex(p.issuer_code)
    i = rng.randrange(start + 1, len(key))
    return key[:i] + rng.choice("1l") + key[i:]


def trailing_o(key: str, rng: random.Random) -> str | None:
    """A seal or underline edge read as an O after the type (``57-NQ/TW`` -> ``57-NQO/TW``)."""
    p = parse_key(key)
    if p is None or not p.type_code:
        return None
    i = key.index(p.type_code) + len(p.type_code)
    return key[:i] + rng.choice("O0") + key[i:]


def lost_digit(key: str, rng: random.Random) -> str | None:
    """The number's leading digit lost (``12/2021/QĐ-TTg`` -> ``2/2021/QĐ-TTg``)."""
    m = re.match(r"\d+", key)
    if not m or len(m.group()) < 2 or m.group()[1] == "0":
        return None
    return key[1:]


def digit_confused(key: str, rng: random.Random) -> str | None:
    """One digit of the number read as another (``573`` -> ``373``)."""
    m = re.match(r"\d+", key)
    if not m:
        return None
    spots = [i for i in range(m.end()) if key[i] in _DIGIT]
    if not spots:
        return None
    i = rng.choice(spots)
    return key[:i] + _DIGIT[key[i]] + key[i + 1 :]


def speck(key: str, rng: random.Random) -> str | None:
    """A speck of the paper read as a mark between two letters or digits (``BCĐ38§9QNg``)."""
    spots = [i for i in range(1, len(key)) if key[i - 1].isalnum() and key[i].isalnum()]
    if not spots:
        return None
    i = rng.choice(spots)
    return key[:i] + rng.choice("§‡¦") + key[i:]


def line_break(key: str, rng: random.Random) -> str | None:
    """The key broken over two lines after a hyphen or slash (``677/QĐ-\\nTTg``)."""
    spots = [i + 1 for i, c in enumerate(key) if c in "-/" and 0 < i < len(key) - 1]
    if not spots:
        return None
    i = rng.choice(spots)
    return key[:i] + "\n" + key[i:]


def digit_as_letter(key: str, rng: random.Random) -> str | None:
    """A 1 of the number or year read as l, I or ], a 0 as O (``12/2021`` -> ``l2/202l``)."""
    m = re.match(r"\d+(?:/(?:19|20)\d\d)?", key)
    spots = [i for i in range(m.end()) if key[i] in "10"] if m else []
    if not spots:
        return None
    i = rng.choice(spots)
    return key[:i] + (rng.choice("lI]") if key[i] == "1" else "O") + key[i + 1 :]


def split_part(key: str, rng: random.Random) -> str | None:
    """A space inside the number or the last part (``1 2/...``, ``QĐ-TT g``, ``UBN D``)."""
    m = re.match(r"\d+", key)
    last = re.search(r"[^\W\d_]{3,}$", key)
    spots = [i for i in range(1, m.end()) if m.end() <= 4] if m else []
    spots += [last.end() - 1] if last else []
    if not spots:
        return None
    i = rng.choice(spots)
    return key[:i] + " " + key[i:]


KEY_DAMAGE: dict[str, Damage] = {
    "issuer letter": issuer_letter,
    "stray stroke": stray_stroke,
    "trailing O": trailing_o,
    "lost leading digit": lost_digit,
    "digit confused": digit_confused,
    "line break": line_break,
    "speck inside": speck,
    "digit as letter": digit_as_letter,
    "split part": split_part,
}


def law_break(name: str, rng: random.Random) -> str | None:
    words = name.split(" ")
    if len(words) < 4:
        return None
    i = rng.randrange(2, len(words) - 1)
    return " ".join(words[:i]) + "\n" + " ".join(words[i:])


def law_dieu(name: str, rng: random.Random) -> str | None:
    return name.replace("điều", "điêu") if "điều" in name else None


def law_dropped(name: str, rng: random.Random) -> str | None:
    return name.replace(", bổ sung", "") if ", bổ sung" in name else None


LAW_DAMAGE: dict[str, Damage] = {
    "law: line break": law_break,
    "law: điêu": law_dieu,
    "law: 'bổ sung' dropped": law_dropped,
}

# A mark lost or moved on one syllable, as print OCR does under a stamp ("quyên" for
# "quyền", "Tô chức" for "Tổ chức"): vowel with a mark -> the same vowel without it.
_MARKS = {
    "ề": "ê",
    "ổ": "ô",
    "ộ": "ô",
    "ở": "ơ",
    "ủ": "u",
    "ị": "i",
    "ạ": "a",
    "ả": "a",
    "ấ": "â",
    "ầ": "â",
    "ậ": "â",
    "ế": "ê",
    "ệ": "ê",
    "ợ": "ơ",
    "ờ": "ơ",
    "ứ": "ư",
    "ự": "ư",
    "ừ": "ư",
    "ố": "ô",
    "ồ": "ô",
    "ắ": "ă",
    "ặ": "ă",
    "ì": "i",
    "í": "i",
    "ó": "o",
    "ò": "o",
    "ú": "u",
    "á": "a",
    "à": "a",
    "é": "e",
    "ý": "y",
    "ã": "a",
}


def law_mark(name: str, rng: random.Random) -> str | None:
    """One syllable of the name with its tone mark lost."""
    spots = [i for i, c in enumerate(name) if c in _MARKS]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + _MARKS[name[i]] + name[i + 1 :]


def law_merged(name: str, rng: random.Random) -> str | None:
    """Two words of the name run together (a space lost: "Tổchức")."""
    spots = [i for i, c in enumerate(name) if c == " "]
    if not spots:
        return None
    i = rng.choice(spots)
    return name[:i] + name[i + 1 :]


def law_head(name: str, rng: random.Random) -> str | None:
    """The head word damaged: "Luât", "Luậ t", "Luạt", or the name on the next line."""
    head, _, rest = name.partition(" ")
    if head != "Luật" or not rest:
        return None
    return rng.choice(["Luât ", "Luậ t ", "Luật\n", "Luạt "]) + rest


CATALOGUE_DAMAGE: dict[str, Damage] = {
    "law: none": lambda name, rng: name,
    "law: line break": law_break,
    "law: a mark lost": law_mark,
    "law: two words merged": law_merged,
    "law: head damaged": law_head,
}


def text_doc(text: str, name: str) -> Document:
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    return Document(
        source=Source(file=name, sha256="0" * 64, pages=1, kind=SourceKind.TEXT), pages=[page]
    )


def key_norm(key: str) -> str:
    """As the bench's scoring: a law's name compares without letter case."""
    return key.lower() if key.startswith(("Luật ", "Bộ luật ")) else key


def outcome(rec: Record, gold: set[str], key: str) -> str:
    """Score a record's citations after ``key`` was damaged in its document."""
    gold = {key_norm(k) for k in gold}
    key = key_norm(key)
    cites = [(key_norm(c.key), bool(c.needs_review)) for c in rec.citations]
    wrong = [flagged for k, flagged in cites if k not in gold]
    if not all(wrong):
        return "silent"
    if wrong:
        return "flagged"
    got = dict(cites)
    if key in got:
        return "flagged" if got[key] else "recovered"
    return "missed"


def _sentence(key: str) -> str:
    """A citing sentence for a key without its document's text."""
    if key.startswith(("Luật ", "Bộ luật ")):
        name, _, year = key.rpartition(" ")
        return f"Căn cứ {name} ngày 19 tháng 6 năm {year};\n"
    year = re.search(r"/((?:19|20)\d\d)/", key)
    return f"Căn cứ văn bản số {key} ngày 10/5/{year.group(1) if year else 2024};\n"


def cases(rng: random.Random) -> list[tuple[str, str, str, str, set[str], bool]]:
    """(damage, source, key, damaged text, gold keys, every mention) to score."""
    out = []
    sources: list[tuple[str, str, set[str]]] = []
    for g in sorted((HERE / "gold").glob("*.json")):
        gold = json.loads(g.read_text())
        if not gold.get("damaged"):
            text = (SHARED / "seeds" / gold["file"]).read_text()
            sources.append((gold["file"], text, {c["key"] for c in gold["citations"]}))
    design_keys = set()
    for g in sorted((SHARED / "real-scans" / "gold").glob("*.json")):
        if g.stem in HELD_STEMS:  # skipped unread
            continue
        gold = json.loads(g.read_text())
        if gold["file"] not in HELD_OUT:  # never the held-out files
            design_keys |= {c["key"] for c in gold.get("citations", [])}
    for key in sorted(design_keys):
        sources.append((f"design key {key}", _sentence(key), {key}))
    for src, text, gold in sources:
        for key in sorted(gold):
            is_law = key.startswith(("Luật ", "Bộ luật "))
            written = key.rpartition(" ")[0] if is_law else key
            mention = re.compile(rf"(?<![\w/.-]){re.escape(written)}(?![\w/-])")
            found = len(mention.findall(text))
            if not found:
                continue  # a partial or differently printed mention: nothing to damage
            for name, damage in (LAW_DAMAGE if is_law else KEY_DAMAGE).items():
                bad = damage(written, rng)
                if bad is None or bad == written:
                    continue
                if found > 1:
                    once = mention.sub(lambda _m, b=bad: b, text, count=1)
                    out.append((name, src, key, once, gold, False))
                every = mention.sub(lambda _m, b=bad: b, text)
                out.append((name, src, key, every, gold, True))
    return out


# Names no catalogue holds (made up from words laws are named with): still cited as
# printed, flagged ``law_not_in_catalogue``, never taken for a catalogue law.
_UNLISTED = [
    "Quản lý kho bạc điện tử",
    "Bảo vệ rừng ngập mặn ven biển",
    "Phát triển nghề muối",
    "Tổ chức hội đồng tư vấn dân tộc",
    "Khuyến học và học tập suốt đời",
    "Quản lý nhà nước về thềm lục địa",
]
_OTHER = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"


def _law_sentence(written: str, law_date: str | None, year: int) -> str:
    if law_date:
        y, m, d = law_date.split("-")
        return f"Căn cứ {written} ngày {int(d)} tháng {int(m)} năm {y};\n"
    return f"Căn cứ {written} năm {year};\n"


def catalogue_cases(rng: random.Random) -> list[tuple[str, str, str, str, set[str], bool]]:
    """Every catalogue law cited by name (after another law of another year, half the
    time), damaged each way; and names no catalogue holds."""
    from normalize.laws import catalogue, law_key

    other = "Luật Tổ chức chính quyền địa phương 2015"
    entries = [(law.head, law.name, law.year, law.date, True) for law in catalogue()]
    entries += [("Luật", n, 2000 + i * 3, None, False) for i, n in enumerate(_UNLISTED)]
    out = []
    for head, name, year, law_date, listed in entries:
        key = law_key(head, name, year)
        lead = _OTHER if rng.random() < 0.5 and key.lower() != other.lower() else ""
        gold = {key} | ({other} if lead else set())
        for dname, damage in CATALOGUE_DAMAGE.items():
            bad = damage(f"{head} {name}", rng)
            if bad is None:
                continue
            label = dname if listed else "law not in catalogue: " + dname.split(": ")[1]
            out.append((label, key, key, lead + _law_sentence(bad, law_date, year), gold, True))
    return out


def cited(rec: Record, key: str) -> bool:
    """Whether the right key is among the record's citations, flagged or not."""
    return key_norm(key) in {key_norm(c.key) for c in rec.citations}


def table(rows: list[tuple[str, bool, str, bool]], title: str) -> None:
    """Shares of each outcome per damage and whether every mention was damaged; last, the
    share where the right key is cited (flagged or not: what citation recall sees)."""
    counts: dict[tuple[str, bool], Counter[str]] = {}
    for name, every, res, right in rows:
        counts.setdefault((name, every), Counter())[res] += 1
        counts[(name, every)]["right key"] += right
    cols = ("recovered", "flagged", "missed", "silent", "right key")
    print(f"\n{title}\n{'damage':26} {'damaged':8} " + " ".join(f"{c:>9}" for c in cols) + "    n")
    total: Counter[str] = Counter()
    for (name, every), got in counts.items():
        n = sum(got.values()) - got["right key"]
        row = " ".join(f"{got[c] / n:9.1%}" for c in cols)
        print(f"{name:26} {'every' if every else '1 of n':8} {row} {n:4d}")
        text_can_tell = not (every and name in ("digit confused", "lost leading digit"))
        total.update(got if text_can_tell else {})
    n = sum(total.values()) - total["right key"]
    row = " ".join(f"{total[c] / n:9.1%}" for c in cols)
    print(f"{'all a text can tell':26} {'':8} {row} {n:4d}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--baseline", metavar="REV", help="also score the extractor of commit REV")
    ap.add_argument("-v", "--verbose", action="store_true", help="list silent errors")
    ap.add_argument(
        "--laws", action="store_true", help="the catalogue's laws by name instead of the keys"
    )
    args = ap.parse_args()
    rng = random.Random(args.seed)
    todo = catalogue_cases(rng) if args.laws else cases(rng)
    docs = [text_doc(text, "damaged") for _, _, _, text, _, _ in todo]
    records = [build_record(d) for d in docs]
    rows = []
    for (name, src, key, _, gold, every), rec in zip(todo, records, strict=True):
        res = outcome(rec, gold, key)
        rows.append((name, every, res, cited(rec, key)))
        if args.verbose and res == "silent":
            wrong = [c.key for c in rec.citations if c.key not in gold and not c.needs_review]
            mention = "every mention" if every else "one of several"
            print(f"  SILENT [{name}, {mention}] {src}: {key} -> {wrong}")
    if args.baseline:
        from run import baseline_records  # the same subprocess as the scans' baseline

        base = baseline_records(args.baseline, docs)
        table(
            [
                (n, e, outcome(r, g, k), cited(r, k))
                for (n, _, k, _, g, e), r in zip(todo, base, strict=True)
            ],
            f"baseline: extractor of {args.baseline}",
        )
    table(rows, "this extractor")


if __name__ == "__main__":
    main()
