"""Tone slips of Vietnamese-model OCR: word error rate before/after ``RepairModel.fix_tones``.

The pages of ``bench.ocr`` (clean seeds 001/003/004 and the project's own text, rendered
and degraded to the levels clean/scan/bad) are OCRed with ``ocr_page`` (Tesseract vie, as
in production); WER and syllables with a wrong tone only (letters right) are counted on the
OCR text as is (the baseline, same run) and after the fix. The truth texts themselves also
go through the fix: every change there is a false correction of clean text.

    PYTHONPATH=. OMP_THREAD_LIMIT=1 .venv/bin/python -m bench.repair.tones [--quick]
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

from rapidfuzz.distance import Levenshtein

from bench.ocr.metrics import wer
from bench.ocr.run import LEVELS, make_pages, sohoa_text
from normalize.repair import load_model
from normalize.unicode import split_tone


def _tone_only(truth: str, hyp: str) -> int:
    """Aligned word pairs that differ in tone only (the slips this fix is for)."""
    t, h = truth.split(), hyp.split()
    n = 0
    for op in Levenshtein.editops(t, h):
        if op.tag == "replace":
            a, b = t[op.src_pos].lower(), h[op.dest_pos].lower()
            n += a != b and split_tone(a)[0] == split_tone(b)[0]
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="one page per text")
    args = ap.parse_args()
    pages = make_pages(args.quick)
    with ProcessPoolExecutor(2) as pool:
        hyps = [r[0] for r in pool.map(sohoa_text, [str(p) for _, _, p in pages])]
    model = load_model()
    t0 = time.process_time()
    fixed = [model.fix_tones(h).text for h in hyps]
    seconds = time.process_time() - t0
    words = sum(len(h.split()) for h in hyps)
    print(
        f"{'level':6} {'words':>6} {'WER as read':>11} {'WER fixed':>9} "
        f"{'tone slips':>10} {'after':>5}"
    )
    for level in LEVELS:
        rows = [
            (t, h, f) for (lv, t, _), h, f in zip(pages, hyps, fixed, strict=True) if lv == level
        ]
        n = sum(wer(t, h)[1] for t, h, _ in rows)
        before = sum(wer(t, h)[0] for t, h, _ in rows) / max(n, 1)
        after = sum(wer(t, f)[0] for t, _, f in rows) / max(n, 1)
        slips = sum(_tone_only(t, h) for t, h, _ in rows)
        left = sum(_tone_only(t, f) for t, _, f in rows)
        print(f"{level:6} {n:6d} {before:11.4f} {after:9.4f} {slips:10d} {left:5d}")
    truths = [t for lv, t, _ in pages if lv == "clean"]
    changed = sum(len(model.fix_tones(t).edits) for t in truths)
    total = sum(len(t.split()) for t in truths)
    print(f"clean truth texts: {changed} of {total} words changed ({1 - changed / total:.5f} kept)")
    print(f"speed: {words / seconds:,.0f} words/s (one process, CPU time)")


if __name__ == "__main__":
    main()
