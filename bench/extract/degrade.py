"""Extraction on the design scans degraded as other archives' scans are: an "unseen" proxy.

    OMP_THREAD_LIMIT=1 PYTHONPATH=. python bench/extract/degrade.py \\
        --data /tmp/degrade-data --baseline main [--levels none,mild,heavy] [-v]

Issue 15: on scans it has never seen the product scores 0.10-0.15 below the design scans.
The held-out real scans are four files (``split.json``), too few to steer by, and they are
never opened here. This bench keeps the real layouts of the 14 *design* scans (their hand
gold in ``../shared/real-scans/gold``) and changes what a different archive changes: the
scanner and the paper. Each page is rendered as a printout of the file shows it (300 dpi;
the signing system's widgets drawn in: a born-digital file's number and day are there, and
so is the signature stamp), then degraded with a generator seeded by (``--seed``, file,
page, level):

* ``none``: rendered only (the born-digital files become scans, the signature metadata is
  gone): the reference the levels are compared with;
* ``mild``: a 200-dpi scanner (down to 200 dpi and back up), slight blur, sensor noise, a
  skew of 0.5-1.0°, lighter or darker toner, a faint bleed-through of the next page seen
  mirrored, JPEG at quality 35-55;
* ``heavy``: a 160-200 dpi scanner, more blur and noise, salt-and-pepper specks, a skew
  of 0.8-1.5°, toner faded or heavy then a scanner's black-and-white threshold (thin
  strokes break, heavy ones fill in), a stronger bleed-through, grey scale (the red seal
  loses its colour), JPEG at quality 20-35.

The pages go into an image-only PDF under ``--data/pdf`` and through the real path
(``headers.read_pages``: ingest, OCR cached in ``--data``, repair); each document is scored
against its gold by ``run.evaluate`` (per field, silent errors, citations and their dates,
exactly as the real-scan bench), and with ``--baseline REV`` that commit's extractor on the
very same Documents (``headers.records_of``). The 14 files are split by file into a
*design* half and a *held-back* half (``--split-seed``; the halves are printed): ``-v``
lists the design half's misses only, so a rule found on those is checked on the other
seven. Both halves were seen undegraded by the rules of earlier sessions; only the
degradation is new to the held-back half.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

import numpy as np  # noqa: E402
from headers import read_pages, records_of  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402
from run import HELD_OUT, SCANS, Score, evaluate, report  # noqa: E402

log = logging.getLogger(__name__)

DPI = 300
LEVELS = ("none", "mild", "heavy")
# a held-out file's gold is named by its stem: it is skipped before it is opened
HELD_STEMS = {Path(f).stem for f in HELD_OUT}


def design_golds() -> list[dict]:
    """The gold of the design scans, by file name; a held-out file's is never read."""
    golds = []
    for path in sorted((SCANS / "gold").glob("*.json")):
        if path.stem in HELD_STEMS:
            continue
        gold = json.loads(path.read_text())
        if gold["file"] not in HELD_OUT:
            golds.append(gold)
    return golds


def halves(golds: list[dict], seed: int) -> tuple[list[int], list[int]]:
    """Indexes of the design half and the held-back half: a seeded draw of files."""
    picked = set(random.Random(seed).sample(range(len(golds)), len(golds) // 2))
    design = [i for i in range(len(golds)) if i in picked]
    return design, [i for i in range(len(golds)) if i not in picked]


def rendered(pdf: Path, max_pages: int | None) -> list[Image.Image]:
    """The pages as a printout shows them, at 300 dpi: the signing system's widgets (the
    number and day a born-digital file carries in them, the signature stamp) drawn into
    the page, as ingest flattens them to read their text."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pages = []
    with pdfium.PdfDocument(str(pdf)) as doc:
        count = min(len(doc), max_pages) if max_pages else len(doc)
        for i in range(count):
            pdfium_c.FPDFPage_Flatten(doc[i], pdfium_c.FLAT_PRINT)
            bitmap = doc[i].render(scale=DPI / 72, draw_annots=True)
            pages.append(bitmap.to_pil().convert("RGB"))
    return pages


def _bleed(img: np.ndarray, back: np.ndarray, alpha: float) -> np.ndarray:
    """The other side of the leaf showing through: ``back`` mirrored, blurred, faint."""
    h, w = img.shape[:2]
    ghost = Image.fromarray(back).transpose(Image.Transpose.FLIP_LEFT_RIGHT).resize((w, h))
    ghost_arr = np.asarray(ghost.filter(ImageFilter.GaussianBlur(3)), dtype=np.float32)
    return img * (1 - alpha * (1 - ghost_arr / 255))


def _toner(img: np.ndarray, rng: random.Random, threshold: bool) -> np.ndarray:
    """Toner faded (ink towards grey) or heavy (strokes spread); with ``threshold`` then a
    black-and-white scan's cut, which breaks the faded thin strokes and fills the heavy."""
    faded = rng.random() < 0.5
    if faded:  # a cut after fading keeps some ink: a page that broke up is not read at all
        img = 255 - (255 - img) * (rng.uniform(0.75, 0.9) if threshold else rng.uniform(0.55, 0.8))
    else:
        spread = Image.fromarray(img.clip(0, 255).astype(np.uint8)).filter(ImageFilter.MinFilter(3))
        img = np.minimum(img, np.asarray(spread, dtype=np.float32) * rng.uniform(1.0, 1.25))
    if threshold:
        cut = rng.uniform(110, 135) if faded else rng.uniform(165, 195)
        grey = img.mean(axis=2, keepdims=True) if img.ndim == 3 else img
        img = np.where(grey < cut, 0.0, 255.0) * np.ones_like(img)
    return img


def degrade(
    page: Image.Image, back: Image.Image, level: str, rng: random.Random
) -> tuple[Image.Image, dict[str, float]]:
    """``page`` degraded at ``level`` (``back``: the page whose ink bleeds through), and the
    parameters drawn, for the log."""
    if level == "none":
        return page, {}
    heavy = level == "heavy"
    drawn: dict[str, float] = {}
    arr = np.asarray(page.convert("RGB"), dtype=np.float32)
    drawn["bleed"] = rng.uniform(0.10, 0.20) if heavy else rng.uniform(0.04, 0.10)
    arr = _bleed(arr, np.asarray(back.convert("RGB")), drawn["bleed"])
    arr = _toner(arr, rng, threshold=heavy and rng.random() < 0.6)
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    drawn["skew"] = rng.choice([-1, 1]) * rng.uniform(*((0.8, 1.5) if heavy else (0.5, 1.0)))
    img = img.rotate(drawn["skew"], resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    drawn["blur"] = rng.uniform(0.7, 1.2) if heavy else rng.uniform(0.3, 0.7)
    img = img.filter(ImageFilter.GaussianBlur(drawn["blur"]))
    drawn["dpi"] = rng.uniform(160, 200) if heavy else 200
    w, h = img.size
    low = (round(w * drawn["dpi"] / DPI), round(h * drawn["dpi"] / DPI))
    img = img.resize(low, Image.Resampling.BILINEAR).resize((w, h), Image.Resampling.BICUBIC)
    gen = np.random.default_rng(rng.randrange(2**32))
    arr = np.asarray(img, dtype=np.float32)
    drawn["noise"] = rng.uniform(8, 16) if heavy else rng.uniform(3, 7)
    arr = arr + gen.normal(0, drawn["noise"], arr.shape[:2])[..., None]
    if heavy:
        drawn["specks"] = rng.uniform(0.001, 0.004)
        specks = gen.random(arr.shape[:2])
        arr[specks < drawn["specks"] / 2] = 0
        arr[specks > 1 - drawn["specks"] / 2] = 255
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    if heavy:
        img = img.convert("L")
    drawn["jpeg"] = rng.randint(20, 35) if heavy else rng.randint(35, 55)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(drawn["jpeg"]))
    return Image.open(buf).copy(), drawn


def degraded_docs(
    golds: list[dict], level: str, args: argparse.Namespace
) -> list[tuple[str, list[Image.Image]]]:
    """Each design scan's pages degraded at ``level``, named for its PDF under ``--data``."""
    out = []
    for gold in golds:
        pdf = SCANS / gold["file"]
        pages = rendered(pdf, args.max_pages)
        done = []
        for n, page in enumerate(pages):
            rng = random.Random(f"{args.seed}-{gold['file']}-{n + 1}-{level}")
            back = pages[n + 1] if n + 1 < len(pages) else pages[n]
            img, drawn = degrade(page, back, level, rng)
            log.info("%s p%d %s: %s", gold["file"], n + 1, level, drawn)
            done.append(img)
        out.append((f"{level}-{args.seed}-{Path(gold['file']).stem}", done))
    return out


def summary(scores: dict[str, Score]) -> dict[str, str]:
    """The figures of the summary table: citations, their dates, the 5 header fields of
    #15, and the silent errors, from ``run.evaluate``'s scores."""
    five = Score()
    for f in ("number", "date", "doc_type", "issuer", "title"):
        s = scores[f"doc.{f}"]
        five.tp, five.fp, five.fn = five.tp + s.tp, five.fp + s.fp, five.fn + s.fn
    sh, sc = scores["silent header errors"], scores["silent citation errors"]
    return {
        "cit F1": f"{scores['citations'].prf()[2]:.3f}",
        "cit+date": f"{scores['citations+date'].prf()[2]:.3f}",
        "header 5": f"{five.prf()[2]:.3f}",
        "silent hdr": f"{sh.fp}/{sh.tp}",
        "silent cit": f"{sc.fp}/{sc.tp}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/degrade-data"))
    ap.add_argument("--levels", default="none,mild,heavy", help=f"comma-separated of {LEVELS}")
    ap.add_argument("--seed", type=int, default=1, help="draws the degradations")
    ap.add_argument("--split-seed", type=int, default=15, help="draws the design half")
    ap.add_argument("--max-pages", type=int, help="read only each file's first N pages")
    ap.add_argument("--baseline", help="also score the extractor of this commit, same run")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the design half's misses")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    levels = args.levels.split(",")
    if unknown := set(levels) - set(LEVELS):
        ap.error(f"unknown level(s): {sorted(unknown)}")
    golds = design_golds()
    design, held = halves(golds, args.split_seed)
    print(f"design scans: {len(golds)}; --split-seed {args.split_seed}:")
    print("  design half:    " + ", ".join(golds[i]["file"] for i in design))
    print("  held-back half: " + ", ".join(golds[i]["file"] for i in held))
    rows: list[tuple[str, str, str, dict[str, str]]] = []
    started = time.monotonic()
    for level in levels:
        t0 = time.monotonic()
        named = degraded_docs(golds, level, args)
        pages = sum(len(p) for _, p in named)
        docs = read_pages(named, args.data)
        records, base = records_of(docs, args.baseline)
        wall = time.monotonic() - t0
        print(f"\n=== level {level}, --seed {args.seed}: {pages} pages, read in {wall:.0f} s")
        for part, idx in (("design half", design), ("held-back half", held)):
            runs = [(args.baseline, base)] if base is not None else []
            for who, recs in [*runs, ("this tree", records)]:
                verbose = args.verbose and part == "design half" and who == "this tree"
                scores = evaluate([(golds[i], recs[i]) for i in idx], verbose)
                title = f"{level}, {part} ({len(idx)} files), {who}"
                report(title, scores)
                rows.append((level, part, who, summary(scores)))
    print(f"\nsummary (--seed {args.seed}, --split-seed {args.split_seed}; F1)")
    cols = ["cit F1", "cit+date", "header 5", "silent hdr", "silent cit"]
    print(f"  {'level':6} {'half':15} {'extractor':12}" + "".join(f"{c:>12}" for c in cols))
    for level, part, who, figures in rows:
        cells = "".join(f"{figures[c]:>12}" for c in cols)
        print(f"  {level:6} {part:15} {who[:12]:12}{cells}")
    print(f"wall time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
