"""Titles (trích yếu) under the damage issue 15 lists: recovered, flagged, missed or silent.

    python bench/extract/titles.py [-v] [--seed N] [--baseline REV]

The titles are the gold titles of the clean seeds, the *design* scans (never the held-out
files) and the project samples, each set in a typed header (issuer, number, place and
date, the type heading) with a body under it, wrapped as a centred title wraps (at 50-70
characters), then damaged: junk from a stamp glued to its end, a stroke and merged words
before "Về việc" (",Vêviệc"), the 1990s heading "QUYẾT ĐỊNH / CỦA ỦY BAN NHÂN DÂN TỈNH",
wrapped short (three or four lines), a stamp's scribble line under it, a body opening
that is no stop word, two words run together. Text only: the word-box rules (layout)
are not exercised here.

* *recovered*: the title as the gold says, no flag;
* *flagged*: ``needs_review`` on the title (right or wrong);
* *missed*: no title;
* *silent*: a wrong title with ``needs_review`` false.
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

from damage import text_doc  # noqa: E402

from extract import build_record  # noqa: E402
from normalize.keys import TYPE_CODES  # noqa: E402
from schemas import Record  # noqa: E402

HERE = Path(__file__).parent
SHARED = ROOT.parent / "shared"
HELD_OUT = set(json.loads((HERE / "split.json").read_text())["held_out"])
# a held-out file\'s gold is named by its stem: it is skipped before it is opened
HELD_STEMS = {Path(f).stem for f in HELD_OUT}

HEAD = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI    Độc lập - Tự do - Hạnh phúc
Số: 12/{code}-UBND    Quảng Ngãi, ngày 05 tháng 3 năm 2024
"""
BODIES = [
    "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;",
    "Thực hiện Kế hoạch số 12/KH-UBND ngày 03/01/2024 của Ủy ban nhân dân tỉnh;",
    "I. KẾT QUẢ THỰC HIỆN\n1. Công tác chỉ đạo, điều hành",
    "Kính gửi: Các sở, ban, ngành tỉnh;",
    "-----------\nCăn cứ Quyết định số 677/QĐ-TTg ngày 10/5/2023 của Thủ tướng Chính phủ;",
]
# a body line that opens with no stop word ("Ủy ban nhân dân tỉnh báo cáo …")
PLAIN_BODY = "Ủy ban nhân dân tỉnh báo cáo kết quả thực hiện trong năm như sau:"
JUNK = ["À", ".^A", ".À", "k4", "“í", "ị:", "¬", "=", "Jf", "ˆ", "~", "Ĩ.", "‘`"]

Damage = Callable[[list[str], random.Random], tuple[str, list[str], str] | None]


def wrap(title: str, width: int) -> list[str]:
    """The title's lines as a centred block wraps them at ``width`` characters."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _none(lines: list[str], rng: random.Random) -> tuple[str, list[str], str] | None:
    return "", lines, rng.choice(BODIES)


def _stamp_tail(lines: list[str], rng: random.Random) -> tuple[str, list[str], str] | None:
    junk = " ".join(rng.choice(JUNK) for _ in range(rng.randint(2, 4)))
    return "", [*lines[:-1], lines[-1] + " " + junk], rng.choice(BODIES)


def _merged_opening(lines: list[str], rng: random.Random) -> tuple[str, list[str], str] | None:
    if not lines[0].startswith("Về việc"):
        return None
    first = rng.choice([",Vêviệc", "„Vềviệc", ", Về việc", "-Về việc"]) + lines[0][7:]
    return "", [first, *lines[1:]], rng.choice(BODIES)


def _old_heading(lines: list[str], rng: random.Random) -> tuple[str, list[str], str] | None:
    return rng.choice(["CỦA ỦY BAN NHÂN DÂN TỈNH", "CỦA CHỦ TỊCH UBND TỈNH"]), lines, BODIES[0]


def _short_wrap(lines: list[str], rng: random.Random) -> tuple[str, list[str], str] | None:
    short = wrap(" ".join(lines), rng.randint(28, 38))
    return ("", short, rng.choice(BODIES)) if len(short) > len(lines) else None


def _scribble(lines: list[str], rng: random.Random) -> tuple[str, list[str], str] | None:
    line = "".join(rng.choice("-=~:.;'`^_") for _ in range(rng.randint(4, 12)))
    return "", [*lines, line], rng.choice(BODIES)


def _plain_body(lines: list[str], rng: random.Random) -> tuple[str, list[str], str] | None:
    return "", lines, PLAIN_BODY


def _words_merged(lines: list[str], rng: random.Random) -> tuple[str, list[str], str] | None:
    text = "\n".join(lines)
    spots = [m.start() for m in re.finditer(" ", text)][2:]
    if not spots:
        return None
    i = rng.choice(spots)
    return "", (text[:i] + text[i + 1 :]).split("\n"), rng.choice(BODIES)


DAMAGE: dict[str, Damage] = {
    "none": _none,
    "stamp junk at the end": _stamp_tail,
    "stroke, merged 'Về việc'": _merged_opening,
    "1990s heading": _old_heading,
    "wrapped short": _short_wrap,
    "scribble line under it": _scribble,
    "body opens plainly": _plain_body,
    "two words run together": _words_merged,
}


def titles() -> list[tuple[str, str]]:
    """(type, title) of the gold files the rules may be designed on."""
    out = []
    golds = [
        *sorted((HERE / "gold").glob("*.json")),
        *sorted((SHARED / "real-scans" / "gold").glob("*.json")),
    ]
    for g in golds:
        if g.stem in HELD_STEMS:  # skipped unread
            continue
        gold = json.loads(g.read_text())
        doc = gold.get("doc") or gold.get("header") or {}
        if gold["file"] in HELD_OUT or gold.get("damaged") or not doc.get("title"):
            continue
        if doc.get("doc_type") in TYPE_CODES.values():
            out.append((doc["doc_type"], doc["title"]))
    return sorted(set(out))


def cases(rng: random.Random) -> list[tuple[str, str, str]]:
    """(damage, gold title, document text)."""
    codes = {v: k for k, v in TYPE_CODES.items()}
    out = []
    for kind, title in titles():
        lines = wrap(title, rng.randint(50, 70))
        for name, damage in DAMAGE.items():
            got = damage(lines, rng)
            if got is None:
                continue
            extra, tlines, body = got
            heading = kind.upper() + ("\n" + extra if extra else "")
            head = HEAD.format(code=codes[kind])
            out.append((name, title, f"{head}{heading}\n" + "\n".join(tlines) + f"\n{body}\n"))
    return out


def outcome(rec: Record, gold: str) -> str:
    got = rec.doc.title
    detail = rec.doc.detail.get("title")
    flagged = bool(detail and detail.needs_review)
    if not got:
        return "missed"
    if flagged:
        return "flagged"
    return "recovered" if " ".join(got.split()) == " ".join(gold.split()) else "silent"


def table(rows: list[tuple[str, str]], title: str) -> None:
    counts: dict[str, Counter[str]] = {}
    for name, res in rows:
        counts.setdefault(name, Counter())[res] += 1
    cols = ("recovered", "flagged", "missed", "silent")
    print(f"\n{title}\n{'damage':28} " + " ".join(f"{c:>9}" for c in cols) + "    n")
    total: Counter[str] = Counter()
    for name, got in counts.items():
        n = sum(got.values())
        print(f"{name:28} " + " ".join(f"{got[c] / n:9.1%}" for c in cols) + f" {n:4d}")
        total.update(got)
    n = sum(total.values())
    print(f"{'all':28} " + " ".join(f"{total[c] / n:9.1%}" for c in cols) + f" {n:4d}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--baseline", metavar="REV", help="also score the extractor of commit REV")
    ap.add_argument("-v", "--verbose", action="store_true", help="list silent errors and misses")
    args = ap.parse_args()
    todo = cases(random.Random(args.seed))
    docs = [text_doc(text, "title") for _, _, text in todo]
    records = [build_record(d) for d in docs]
    rows = []
    for (name, gold, _), rec in zip(todo, records, strict=True):
        res = outcome(rec, gold)
        rows.append((name, res))
        if args.verbose and res in ("silent", "missed"):
            print(f"  {res.upper()} [{name}] {gold!r} -> {rec.doc.title!r}")
    if args.baseline:
        from run import baseline_records

        base = baseline_records(args.baseline, docs)
        table(
            [(n, outcome(r, g)) for (n, g, _), r in zip(todo, base, strict=True)],
            f"baseline: extractor of {args.baseline}",
        )
    table(rows, "this extractor")


if __name__ == "__main__":
    main()
