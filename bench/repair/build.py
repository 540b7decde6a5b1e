"""Rebuild the repair model snapshot normalize/repair/data/<MODEL_VERSION>.json.gz.

Inputs (build time only): Debian hunspell-vi (syllable inventory, rhyme inventory), the
underthesea wheel's VLSP-2013 text (train split: sentence index % 10 != 0; the rest is held
out for the bench) and Viet74K word list (syllable bigrams), the place names of
``vietnamadminunits`` (bigrams, and the names themselves), the Vietnamese running text of
Debian packages and the administrative phrases (``normalize.repair.sources.RUNNING_TEXT``),
and English-OCR pairs made by ``python -m bench.repair.pairs`` (the confusion table
P(damaged token | syllable), and the character channel of ``normalize.repair.channel``,
calibrated on the real damage of seeds 000/002 against their hand restoration in
``bench/repair/gold``). The snapshot's ``provenance`` lists every source and its size.

    python -m bench.repair.pairs /tmp/train.jsonl --split train
    python -m bench.repair.build /tmp/train.jsonl
    # only (re)learn the character channel into an existing snapshot, as a new version:
    python -m bench.repair.build /tmp/train.jsonl --channel-only OLD.json.gz
    # an existing snapshot's data under the new version (the model built from them changed):
    python -m bench.repair.build --relabel OLD.json.gz
    # a full rebuild that follows OLD (provenance: extends, changes, earlier):
    python -m bench.repair.build /tmp/train.jsonl /tmp/train2.jsonl --extends OLD.json.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from bench.repair.run import SEEDS
from normalize.repair import MODEL_VERSION, data_path
from normalize.repair.channel import learn, syllable_pairs
from normalize.repair.lm import count_ngrams
from normalize.repair.sources import (
    RUNNING_TEXT,
    admin_name_counts,
    hunspell_words,
    viet74k_words,
    vlsp_sentences,
)
from normalize.repair.syllables import RHYME_SHAPE, TOKEN, acronyms_of, is_valid, rhyme_of
from normalize.unicode import tone_key

# In-domain text counted this many times: a few thousand syllables of administrative
# phrasing against ~100k of news prose (chosen on the seeds 000/002 whole-document rows).
RUNNING_WEIGHT = {"admin-phrases": 3}

# The character channel's calibration: the real English-OCR damage of seeds 000 and 002 (their
# headings' "HQI" for HỘI never shows in renders of our font), line for line against the hand
# restoration; each real pair counts CALIBRATION_WEIGHT times against the rendered ones.
# Rendered pairs are left out by default (``--channel-renders`` adds them): measured on the
# design sets (seeds 000/002 cross-fold, the last 800 lines of train.jsonl held out of the
# channel), renders + seeds x5 gave 0.9416 / 0.9854 against seeds alone 0.9439 / 0.9856.
CALIBRATION = ("000", "002")
CALIBRATION_WEIGHT = 1.0
GOLD = Path(__file__).with_name("gold")

# Administrative abbreviations with Đ that plain OCR writes with D (Nghị định 30/2020 usage).
COMMON_ACRONYMS = ["HĐND", "QĐ", "NĐ", "BCĐ", "HĐQT", "ĐCSVN"]


def acronyms(texts: list[str]) -> dict[str, str]:
    """All-caps abbreviations with Đ (HĐND, BCĐ), keyed by their unaccented form."""
    return acronyms_of("\n".join([*texts, *COMMON_ACRONYMS]))


def confusion(pairs_files: list[Path], rhymes: frozenset[str]) -> tuple[dict, Counter]:
    """Count (damaged token lower-case -> clean syllable key) over line pairs of equal length."""
    table: dict[str, Counter] = {}
    totals: Counter = Counter()
    n_lines = n_used = 0
    lines = [x for f in pairs_files for x in f.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        rec = json.loads(line)
        clean = [m.group() for m in TOKEN.finditer(rec["clean"])]
        dmg = [m.group() for m in TOKEN.finditer(rec["damaged"])]
        n_lines += 1
        if len(clean) != len(dmg):
            continue
        n_used += 1
        for c, d in zip(clean, dmg, strict=True):
            key = tone_key(c)
            if not is_valid(key, rhymes):
                continue
            totals[key] += 1
            table.setdefault(d.lower(), Counter())[key] += 1
    print(f"confusion: {n_used}/{n_lines} line pairs aligned", file=sys.stderr)
    return {d: dict(c) for d, c in table.items()}, totals


def char_channel(pairs_files: list[Path]) -> tuple[dict, dict]:
    """The character channel learned from the rendered pairs and the calibration seeds, and
    its provenance (what it learned from, how many syllable pairs)."""
    rendered = []
    for f in pairs_files:
        for line in f.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            rendered += syllable_pairs(rec["clean"], rec["damaged"])
    real = []
    for prefix in CALIBRATION:
        damaged = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8").split("\n")
        gold = (GOLD / f"seed{prefix}.txt").read_text(encoding="utf-8").split("\n")
        real += [p for g, d in zip(gold, damaged, strict=False) for p in syllable_pairs(g, d)]
    table = learn(
        [(c, d, 1.0) for c, d in rendered] + [(c, d, CALIBRATION_WEIGHT) for c, d in real]
    )
    prov = {
        "rendered": {"files": [f.name for f in pairs_files], "syllable_pairs": len(rendered)},
        "calibration": {
            "seeds": list(CALIBRATION),
            "gold": [f"bench/repair/gold/seed{p}.txt" for p in CALIBRATION],
            "syllable_pairs": len(real),
            "weight": CALIBRATION_WEIGHT,
        },
    }
    print(f"char channel: {len(rendered)} rendered + {len(real)} real pairs", file=sys.stderr)
    return table, prov


def place_names(names: Counter) -> dict[str, int]:
    """Place names of 2-4 syllables as tone keys -> how many wards they name or contain:
    the runs of capitalised words of unit names ("Thành phố Đà Nẵng": "đà nẵng"; the type
    word is not part of the name)."""
    out: Counter = Counter()
    for name, n in names.items():
        found: set[str] = set()
        run: list[str] = []
        for m in [*TOKEN.finditer(name), None]:
            if m is not None and m.group()[:1].isupper() and m.group().isalpha():
                run.append(tone_key(m.group()))
                continue
            if 2 <= len(run) <= 4:
                found.add(" ".join(run))
            run = []
        for f in found:
            out[f] = max(out[f], n)  # "Tỉnh Sơn La" and "tỉnh Sơn La" are one unit
    return dict(sorted(out.items()))


def count_sources(
    sources: dict[str, list[str]], rhymes: frozenset[str]
) -> tuple[dict[str, Counter], dict[str, dict]]:
    """Syllable n-gram counts over every source, and each source's size for the provenance."""
    counts: dict[str, Counter] = {k: Counter() for k in ("unigrams", "bigrams", "trigrams")}
    sizes = {}
    for name, texts in sources.items():
        before = sum(counts["unigrams"].values())
        for text in texts:
            count_ngrams(text, rhymes, counts)
        sizes[name] = {
            "characters": sum(map(len, texts)),
            "syllables": sum(counts["unigrams"].values()) - before,
        }
        print(f"{name}: {sizes[name]['syllables']:,} syllables", file=sys.stderr)
    return counts, sizes


# Running text the committed snapshot learns from. The Debian packages' text (software help
# and messages, ~680k syllables) was measured and left out: it cost accuracy on the whole
# seeds (bench/repair/README.md); ``--sources`` adds any of RUNNING_TEXT for such a trial.
DEFAULT_RUNNING = ("admin-phrases",)


def build(
    pairs_files: list[Path],
    running: tuple[str, ...] = DEFAULT_RUNNING,
    channel_renders: bool = False,
) -> dict:
    """The snapshot: inventories, n-gram counts of every source, confusion table, names."""
    hun = [w for w in hunspell_words() if " " not in w and w.isalpha()]
    rhymes = frozenset(r for r in map(rhyme_of, hun) if RHYME_SHAPE.match(r))
    sents = vlsp_sentences()
    name_counts = admin_name_counts()
    sources = {
        "vlsp2013-train (underthesea wheel)": [s for i, s in enumerate(sents) if i % 10 != 0],
        "Viet74K (underthesea wheel)": viet74k_words(),
        "vietnamadminunits names": sorted(name_counts),
        **{name: [RUNNING_TEXT[name]()] * RUNNING_WEIGHT.get(name, 1) for name in running},
    }
    counts, sizes = count_sources(sources, rhymes)
    for name, times in RUNNING_WEIGHT.items():
        if name in sizes:  # sizes count every copy: say so
            sizes[name]["counted_times"] = times
    uni = counts["unigrams"]
    inventory = {tone_key(w) for w in hun} | set(uni)
    inventory = {k for k in inventory if is_valid(k, rhymes)}
    table, totals = confusion(pairs_files, rhymes) if pairs_files else ({}, Counter())
    chars, chars_prov = char_channel(pairs_files if channel_renders else [])
    return {
        "version": MODEL_VERSION,
        "rhymes": sorted(rhymes),
        "syllables": {k: uni.get(k, 0) for k in sorted(inventory)},
        "bigrams": dict(counts["bigrams"]),
        "trigrams": dict(counts["trigrams"]),
        "confusion": table,
        "acronyms": acronyms(sents),
        "confusion_totals": dict(totals),
        "place_names": place_names(name_counts),
        "char_channel": chars,
        "provenance": {
            "sources": sizes,
            "pairs": [f.name for f in pairs_files],
            "char_channel": chars_prov,
        },
    }


def with_channel(base: Path, renders: list[Path]) -> dict:
    """An existing snapshot with the character channel (re)learned: the new MODEL_VERSION,
    its provenance saying which snapshot it extends."""
    with gzip.open(base, "rt", encoding="utf-8") as f:
        snap = json.load(f)
    chars, prov = char_channel(renders)
    snap["char_channel"] = chars
    snap["provenance"] = {**snap["provenance"], "char_channel": prov, "extends": snap["version"]}
    snap["version"] = MODEL_VERSION
    return snap


# What a snapshot made by --relabel changes: its data are the old one's, the model built from
# them is not (the version names the repair model stored records were made with).
RELABEL_CHANGES = (
    "data as vi-repair-2026.12-6 (itself 2026.12-5's, 2026.12-4's, 2026.12-3's and "
    "2026.12-2's data); a damaged token no syllable's likeliest damaged forms reach is "
    "scored by the character channel against the commonest syllables of its consonant frame "
    "('thiac' = thức, 'québc' = quốc), a one-digit number glued to a word is read apart "
    "('3phién' = '3 phiên'), and a lone '&' between lower-case words of a damaged text may "
    "be ở"
)


def lineage(base: Path, changes: str) -> dict:
    """Provenance entries naming the snapshot a new one follows and what it changes; the
    versions before keep their own notes in ``earlier``: (version, what it changed), oldest
    first."""
    with gzip.open(base, "rt", encoding="utf-8") as f:
        old = json.load(f)
    prov = old["provenance"]
    earlier = [*prov.get("earlier", [])]
    if "changes" in prov:
        earlier.append({"version": old["version"], "changes": prov["changes"]})
    return {"extends": old["version"], "changes": changes, "earlier": earlier}


def relabel(base: Path) -> dict:
    """An existing snapshot under the new MODEL_VERSION, unchanged but for its provenance:
    which snapshot it extends and what the repair model built from it does differently."""
    with gzip.open(base, "rt", encoding="utf-8") as f:
        snap = json.load(f)
    snap["provenance"] = {**snap["provenance"], **lineage(base, RELABEL_CHANGES)}
    snap["version"] = MODEL_VERSION
    return snap


# What a full rebuild given --extends changes against the snapshot it follows.
REBUILD_CHANGES = (
    "rebuilt from the same sources as vi-repair-2026.12-5 (itself 2026.12-1's counts and "
    "2026.12-2's character channel); 'gi' alone or before a consonant is g + i, so gì, gi, "
    "gí, gỉ are syllables: the inventory, the LM counts and the confusion table now hold them"
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pairs", type=Path, nargs="*", help="JSONL files from bench.repair.pairs")
    ap.add_argument(
        "--sources",
        nargs="*",
        choices=sorted(RUNNING_TEXT),
        default=list(DEFAULT_RUNNING),
        help="running-text sources (normalize.repair.sources.RUNNING_TEXT)",
    )
    ap.add_argument("--out", type=Path, help="write here instead of the committed snapshot")
    ap.add_argument(
        "--channel-renders",
        action="store_true",
        help="the character channel learns from the rendered pairs too, not only the seeds",
    )
    ap.add_argument(
        "--channel-only",
        type=Path,
        metavar="SNAPSHOT",
        help="learn only the character channel into this snapshot (new version)",
    )
    ap.add_argument(
        "--extends",
        type=Path,
        metavar="SNAPSHOT",
        help="a full rebuild's provenance: the snapshot it follows (REBUILD_CHANGES)",
    )
    ap.add_argument(
        "--relabel",
        type=Path,
        metavar="SNAPSHOT",
        help="this snapshot's data under MODEL_VERSION (provenance: RELABEL_CHANGES)",
    )
    a = ap.parse_args()
    renders = a.pairs if a.channel_renders else []
    if a.relabel:
        snap = relabel(a.relabel)
    elif a.channel_only:
        snap = with_channel(a.channel_only, renders)
    else:
        snap = build(a.pairs, tuple(a.sources), a.channel_renders)
        if a.extends:
            snap["provenance"] |= lineage(a.extends, REBUILD_CHANGES)
    out = a.out or data_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(snap, f, ensure_ascii=False, separators=(",", ":"))
    print(
        f"{out}: {len(snap['syllables'])} syllables, {len(snap['bigrams'])} bigrams, "
        f"{len(snap['confusion'])} damaged forms, {out.stat().st_size / 1e6:.2f} MB",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
