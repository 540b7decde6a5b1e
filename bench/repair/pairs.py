"""Make damaged/clean line pairs: render clean text (samples/synth.py), OCR it with English.

English-model damage is reproduced by OCRing renders with ``tesseract -l eng``. Renders vary in
resolution (full, 1/2, 0.4 scale) and degradation (clean, scan) because the real seeds' heading
damage ("HQI" for HỘI) only appears at lower resolution. Pages whose OCR line count differs from
the truth are aligned line by line with rapidfuzz on the unaccented skeleton.

    python -m bench.repair.pairs OUT.jsonl --split train|test [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"

import pytesseract
from PIL import Image
from rapidfuzz import fuzz
from unidecode import unidecode

from normalize.unicode import place_tone, split_tone
from samples import synth

VARIANTS = [(1.0, "clean"), (1.0, "scan"), (0.5, "clean"), (0.5, "scan"), (0.4, "scan")]
# VLSP writes tones in the old style (hoà, uỷ); administrative documents mostly write the new
# (hòa, ủy), and English OCR damages the two differently ("ủy" comes out "ty", "uỷ" "uy").
# Half the chunks are rendered in the new style so the confusion table learns both.
NEW_STYLE_SHARE = 0.5
_WORD = re.compile(r"\w+")


def new_style(text: str) -> str:
    """The text with every syllable's tone placed by the new-style rule (case kept)."""
    return _WORD.sub(lambda m: place_tone(*split_tone(m.group())), text)


def ocr_page(args: tuple[str, int]) -> list[tuple[str, str]]:
    """Render one chunk of text, degrade it, OCR it in English; return aligned (truth, ocr)."""
    text, seed = args
    rng = random.Random(seed)
    scale, level = rng.choice(VARIANTS)
    if rng.random() < NEW_STYLE_SHARE:
        text = new_style(text)
    pages, truths = synth.render_text(text)
    out: list[tuple[str, str]] = []
    for page, truth in zip(pages, truths, strict=True):
        img = page
        if scale != 1.0:
            img = img.resize((int(img.width * scale), int(img.height * scale)), Image.BILINEAR)
        img = synth.degrade(img, level, seed=seed)
        ocr = pytesseract.image_to_string(img, lang="eng", config="--psm 6")
        out.extend(align_lines(truth.splitlines(), ocr.splitlines()))
    return out


def align_lines(truth: list[str], ocr: list[str]) -> list[tuple[str, str]]:
    """Pair truth lines with OCR lines (blank lines dropped), monotone, by skeleton similarity."""
    t = [x for x in truth if x.strip()]
    o = [x for x in ocr if x.strip()]
    if len(t) == len(o):
        return list(zip(t, o, strict=True))
    pairs, j = [], 0
    for line in t:
        sk = unidecode(line).lower()
        best, best_j = 0.0, -1
        for k in range(j, min(j + 3, len(o))):
            s = fuzz.ratio(sk, unidecode(o[k]).lower())
            if s > best:
                best, best_j = s, k
        if best_j >= 0 and best >= 70:
            pairs.append((line, o[best_j]))
            j = best_j + 1
    return pairs


def chunks(sentences: list[str], per_chunk: int = 12) -> list[str]:
    """Group sentences into page-sized chunks; every 5th chunk is upper-cased (headings)."""
    out = []
    for i in range(0, len(sentences), per_chunk):
        text = "\n".join(sentences[i : i + per_chunk])
        out.append(text.upper() if (i // per_chunk) % 5 == 4 else text)
    return out


def make_pairs(texts: list[str], seed: int = 0, workers: int = 2) -> list[tuple[str, str]]:
    """OCR every text chunk in parallel processes (one tesseract thread each)."""
    jobs = [(t, seed * 100003 + i) for i, t in enumerate(texts)]
    with ProcessPoolExecutor(workers) as ex:
        return [p for res in ex.map(ocr_page, jobs) for p in res]


def main() -> None:
    from normalize.repair.sources import vlsp_sentences

    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--split", choices=("train", "test"), default="train")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--input", type=Path, help="clean text file to use instead of VLSP")
    ap.add_argument("--seed", type=int, help="render/degradation seed (default: by split)")
    a = ap.parse_args()
    if a.input:
        texts = [a.input.read_text(encoding="utf-8")]
    else:
        sents = vlsp_sentences()
        keep = (lambda i: i % 10 != 0) if a.split == "train" else (lambda i: i % 10 == 0)
        sel = [s for i, s in enumerate(sents) if keep(i)]
        texts = chunks(sel[: a.limit] if a.limit else sel)
    seed = a.seed if a.seed is not None else (1 if a.split == "train" else 2)
    pairs = make_pairs(texts, seed=seed)
    with a.out.open("w", encoding="utf-8") as f:
        for t, o in pairs:
            f.write(json.dumps({"clean": t, "damaged": o}, ensure_ascii=False) + "\n")
    print(f"{len(pairs)} line pairs -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
