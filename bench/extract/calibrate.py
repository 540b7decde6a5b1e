"""The review bar of header values, chosen by cross-validation over the design scans.

    python bench/extract/calibrate.py --docs DIR

``needs_review`` flags a value whose OCR confidence is under ``LOW_CONFIDENCE`` (or that
carries a flag). Is that bar right? For each design scan left out in turn, the bar is
chosen on the others (fewest silent errors, then fewest right values flagged) and applied
to the scan left out; the totals over the folds say what the bar does on a file it was
not chosen on, beside the fixed bar of ``extract.review``. Held-out files are never
read. Header fields are scored as in ``run.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extract import build_record  # noqa: E402
from extract.review import LOW_CONFIDENCE, NOT_QUEUED  # noqa: E402
from schemas import DocHeader, Document  # noqa: E402

HERE = Path(__file__).parent
SCANS = ROOT.parent / "shared" / "real-scans"
HELD_OUT = set(json.loads((HERE / "split.json").read_text())["held_out"])
# a held-out file\'s gold is named by its stem: it is skipped before it is opened
HELD_STEMS = {Path(f).stem for f in HELD_OUT}
FIELDS = [f for f in DocHeader.model_fields if f not in ("recipients", "detail")]
BARS = [round(0.5 + 0.05 * i, 2) for i in range(10)]  # 0.50 .. 0.95

# (file, confidence, queued flags, right)
Value = tuple[str, float | None, list[str], bool]


def norm(v: object) -> str | None:
    return " ".join(str(v).split()) if v is not None else None


def values(docs: Path) -> list[Value]:
    out: list[Value] = []
    for g in sorted((SCANS / "gold").glob("*.json")):
        if g.stem in HELD_STEMS:  # skipped unread
            continue
        gold = json.loads(g.read_text())
        if gold["file"] in HELD_OUT:
            continue
        name = f"{Path(gold['file']).stem}.json"
        where = [docs / name, *(d / name for d in docs.iterdir() if d.is_dir())]
        dumped = next((p for p in where if p.exists()), None)
        if dumped is None:
            continue
        rec = build_record(Document.model_validate_json(dumped.read_text()))
        for f in FIELDS:
            want, got = norm(gold["doc"].get(f)), norm(getattr(rec.doc, f))
            d = rec.doc.detail.get(f)
            if got is None or d is None:
                continue
            flags = [x for x in d.flags if x not in NOT_QUEUED]
            out.append((gold["file"], d.confidence, flags, got == want))
    return out


def tally(vals: list[Value], bar: float) -> tuple[int, int]:
    """(silent errors, right values flagged) with the confidence bar ``bar``."""
    silent = load = 0
    for _, conf, flags, right in vals:
        flagged = bool(flags) or (conf is not None and conf < bar)
        silent += not right and not flagged
        load += right and flagged
    return silent, load


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=Path, required=True)
    args = ap.parse_args()
    vals = values(args.docs)
    files = sorted({v[0] for v in vals})
    cv_silent = cv_load = 0
    chosen = []
    for left in files:
        train = [v for v in vals if v[0] != left]
        bar = min(BARS, key=lambda b: (*tally(train, b), abs(b - LOW_CONFIDENCE)))
        chosen.append(bar)
        s, lo = tally([v for v in vals if v[0] == left], bar)
        cv_silent, cv_load = cv_silent + s, cv_load + lo
    fixed = tally(vals, LOW_CONFIDENCE)
    print(f"design scans: {len(files)}, header values read: {len(vals)}")
    print(f"  bar chosen per fold: {sorted(set(chosen))}")
    print(f"  cross-validated bar: silent errors {cv_silent}, right values flagged {cv_load}")
    print(
        f"  fixed bar {LOW_CONFIDENCE}: silent errors {fixed[0]}, right values flagged {fixed[1]}"
    )
    for b in BARS:
        s, lo = tally(vals, b)
        print(f"    bar {b:.2f}: silent {s}, right flagged {lo}")


if __name__ == "__main__":
    main()
