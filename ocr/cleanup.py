"""Page clean-up with OpenCV before Tesseract, each step kept because it measured better.

Order matters: colour ink is suppressed while colour is still there, the page is
deskewed on a binary estimate, the background is flattened, then Sauvola
binarisation and despeckling give Tesseract a clean black-on-white page.
``bench/ocr`` measures the steps (``--steps``) against raw Tesseract.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

# Measured on bench/ocr (python -m bench.ocr --variants): binarising a clean or
# scan-like page costs accuracy (0.12% -> 0.42% CER on scan), while a faint noisy page
# needs it (15% -> 2.5% on bad); "auto" binarises only faint or noisy pages.
# Despeckling did not help (2.54% -> 2.60% on bad) and is left out by default.
# Specks (dust, toner) escape both measures: a page that is not binarised (Sauvola has
# its own median filter) and has more than SPECKLED small dark blobs is median-filtered
# (bench/ocr --families, family skew+specks: 23.0% -> 3.1% CER; no real scan page comes
# near: max 2.7, median 0.01).
# A binarised (poor) page also keeps a smoothed, contrast-stretched gray page ("gray"):
# Tesseract reads both and the gray reading is kept when clearly surer (ocr/page.py). On
# the development pages (bench/ocr families, 4 texts): mixed damages 7.06% -> 1.43% CER,
# bad, paper, grain unchanged. Pages that are not binarised (clean, scan-like) are untouched.
# "seal" (issue 16, ocr-9): a page with a red seal that is not binarised also keeps a twin
# whose seal ink, where not dark enough to be print under it, is faded to paper ("colour"
# alone leaves it light gray); ocr/page.py reads both and keeps the twin's reading when it
# has clearly more confident characters. "specks": a speckled page loses its blobs of
# <= SPECK_AREA px instead of being median-filtered. Both touch only pages with a seal or
# specks, so clean and scan-like pages (gray, next to no specks) are read as before.
DEFAULT_STEPS = ("colour", "seal", "deskew", "flatten", "auto", "gray", "specks")
FAINT_INK = 80  # 1st-percentile gray of a flattened page above this: faint ink
NOISY = 18.0  # median |Laplacian| of a flattened page above this: noisy paper
SPECKLED = 5.0  # specks per 10,000 pixels above this: specks removed (bench/ocr --families)
SEAL_PIXELS = 0.0002  # strongly red pixels (share of the page) from which a seal is faded
SPECK_AREA = 8  # blobs of at most this many pixels are specks on a speckled page ("specks")


@dataclass
class Cleaned:
    """The cleaned page and the affine map from original to cleaned pixel coordinates."""

    gray: np.ndarray
    matrix: np.ndarray = field(default_factory=lambda: np.array([[1, 0, 0], [0, 1, 0]], np.float32))
    angle: float = 0.0
    colour_share: float = 0.0
    binarised: bool = False
    # a second page to read when the first is binarised: the smoothed gray (step "gray")
    alternative: np.ndarray | None = None
    # where the seal-faded alternative differs from the page (x0, y0, x1, y1, cleaned pixels)
    seal_box: tuple[int, int, int, int] | None = None


def suppress_colour(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """Grayscale in which red seals (and other non-blue colour ink) fade to paper.

    A saturated pixel takes its brightest channel (red ink is bright in R), while black
    print stays dark in every channel. Blue ink is left dark on purpose: handwritten
    numbers and dates are often written in blue and they are content. Measured on the
    bad level of bench/ocr: the brightest channel of every saturated non-blue pixel
    beats replacing red-dominant pixels only (2.35% vs 6.8% CER on seed 003), since
    JPEG smears the seal's colour into pink and orange fringes.
    Returns the gray page and the share of such colour pixels (seal evidence).
    """
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    r, g, b = cv2.split(rgb)
    hi = cv2.max(cv2.max(r, g), b)
    sat = cv2.subtract(hi, cv2.min(cv2.min(r, g), b))  # uint8 ops: fast and saturating
    if int(cv2.resize(sat, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA).max()) < 40:
        return gray, 0.0  # a gray scan: nothing to suppress
    blue = (cv2.subtract(b, r) > 40) & (b >= g)
    coloured = (sat > 60) & ~blue
    np.copyto(gray, hi, where=coloured)
    return gray, float(np.count_nonzero(coloured)) / coloured.size


def _binary_small(gray: np.ndarray, width: int = 1000) -> np.ndarray:
    scale = width / gray.shape[1]
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return bw


def _profile_score(
    ink: tuple[np.ndarray, np.ndarray], shape: tuple[int, int], angle: float
) -> float:
    """Sharpness of the row profile of the ink pixels turned by ``angle``.

    Turning the ink pixels' coordinates (a few percent of the page) instead of warping
    the whole image gives the rows that ``warpAffine`` with nearest neighbour would, at a
    fraction of the cost (32 angles a page)."""
    ys, xs = ink
    h, w = shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rows = np.rint(m[1, 0] * xs + m[1, 1] * ys + m[1, 2]).astype(np.int64)
    rows = rows[(rows >= 0) & (rows < h)]
    profile = np.bincount(rows, minlength=h).astype(np.float64)
    return float(np.square(np.diff(profile)).sum())


def estimate_skew(gray: np.ndarray, limit: float = 5.0) -> float:
    """Skew angle in degrees by projection-profile sharpness, coarse then fine."""
    bw = _binary_small(gray)
    if bw.mean() < 0.5:  # next to no ink: nothing to align
        return 0.0
    ys, xs = np.nonzero(bw)
    ink = (ys.astype(np.float64), xs.astype(np.float64))
    coarse = np.arange(-limit, limit + 0.01, 0.5)
    best = max(coarse, key=lambda a: _profile_score(ink, bw.shape, a))
    fine = np.arange(best - 0.5, best + 0.51, 0.1)
    return float(max(fine, key=lambda a: _profile_score(ink, bw.shape, a)))


def rotate(gray: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate about the centre, white border; return the image and its affine matrix."""
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    out = cv2.warpAffine(
        gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )
    return out, m.astype(np.float32)


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Divide by a smooth background estimate: uneven paper, shadows, low contrast."""
    scale = 0.25
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    bg = cv2.dilate(small, np.ones((7, 7), np.uint8))
    bg = cv2.medianBlur(bg, 21)
    bg = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(bg, 1), scale=255)  # uint8, saturating


def sauvola(gray: np.ndarray, window: int = 41, k: float = 0.2) -> np.ndarray:
    """Sauvola binarisation: a local threshold that survives noise and uneven contrast."""
    g = cv2.medianBlur(gray, 3).astype(np.float32)
    mean = cv2.boxFilter(g, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    sq = cv2.boxFilter(g * g, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    std = np.sqrt(np.maximum(sq - mean * mean, 0))
    thresh = mean * (1 + k * (std / 128.0 - 1))
    return np.where(g > thresh, 255, 0).astype(np.uint8)


def stretch_contrast(gray: np.ndarray) -> np.ndarray:
    """Ink (0.5th percentile) to black, paper (median) to white.

    A faint page after flattening has its ink at 150-190 of 255; Tesseract's own global
    threshold then splits strokes. Stretching gives the gray reading full contrast."""
    lo, hi = _percentile(gray, 0.005), _percentile(gray, 0.5)
    if hi - lo < 10:  # no ink to speak of
        return gray
    return cv2.convertScaleAbs(gray, alpha=255.0 / (hi - lo), beta=-lo * 255.0 / (hi - lo))


def smooth_gray(flat: np.ndarray) -> np.ndarray:
    """The gray alternative to Sauvola for a poor page: Gaussian σ 1 then contrast stretch.

    Tesseract's LSTM reads gray strokes; binarising a blurred, faint page breaks them
    (bench/ocr family mixed: 7.06% CER binarised, 1.67% this page alone). A 3x3 median
    in place of the Gaussian read one mixed page at 78.6% (Gaussian 16.5%)."""
    return stretch_contrast(cv2.GaussianBlur(flat, (0, 0), 1.0))


def needs_binarising(flat: np.ndarray) -> bool:
    """True for faint or noisy pages, where Tesseract's own Otsu turns noise into text."""
    small = cv2.resize(flat, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    ink = _percentile(small, 0.01)
    noise = _percentile(cv2.convertScaleAbs(cv2.Laplacian(small, cv2.CV_16S)), 0.5)
    return ink > FAINT_INK or noise > NOISY


def _percentile(img: np.ndarray, q: float) -> float:
    """Percentile of a uint8 image from its histogram (sorting 2 M pixels is slow)."""
    hist = cv2.calcHist([img], [0], None, [256], [0, 256]).ravel().cumsum()
    return float(np.searchsorted(hist, q * hist[-1]))


def speck_density(gray: np.ndarray) -> float:
    """Dark blobs of at most 6 pixels per 10,000 pixels: dust and toner specks.

    Print has next to none (a diacritic dot is ~20 px at 300 dpi); a dusty copy has
    tens. The median gray and Laplacian that ``needs_binarising`` reads do not see
    specks: they are too few pixels, yet Tesseract reads them as letters and marks.
    """
    _, _, stats, _ = cv2.connectedComponentsWithStats((gray < 128).view(np.uint8), connectivity=8)
    small = np.count_nonzero(stats[1:, cv2.CC_STAT_AREA] <= 6)
    return 10_000 * small / gray.size


def speckled(gray: np.ndarray) -> bool:
    """``speck_density(gray) > SPECKLED``, decided without measuring every blob when it
    cannot be: there are no more small blobs than blobs, and labelling without per-blob
    statistics costs a fifth as much (~11 vs ~57 ms CPU on a 300-dpi A4 page, which has
    ~3,000 blobs against the ~4,300 the threshold needs)."""
    n = cv2.connectedComponents((gray < 128).view(np.uint8), connectivity=8)[0]
    if 10_000 * (n - 1) / gray.size <= SPECKLED:
        return False
    return speck_density(gray) > SPECKLED


def fade_seal(rgb: np.ndarray, gray: np.ndarray) -> np.ndarray:
    """``gray`` with red seal ink turned to paper where it is not dark: print under a seal stays.

    ``suppress_colour`` gives a seal pixel its brightest channel, which leaves the seal as
    a light gray ring, star and letters (~225 of 255 on white paper) that Tesseract reads
    as marks and letters or that splits a line it crosses. Here a seal pixel (a strongly
    red one, R more than 60 above G and B, and its reddish neighbours within 2 px, where
    JPEG smears the colour) is judged by its red channel, the darkness the seal cannot
    hide: a stroke printed or written under red ink keeps a low R, red ink on paper has R
    near the paper's. R at or above 0.8 of the paper's level becomes paper, at or below
    0.6 of it is kept as it is, linear between, so a dark stroke crossing the seal keeps
    its shape (a cut stroke turns '418' into '41 8'). Blue ink is not red and is kept.
    """
    r, g, b = cv2.split(rgb)
    redness = cv2.subtract(r, cv2.max(g, b))  # uint8, 0 when not red
    core = (redness > 60).view(np.uint8)
    found = cv2.findNonZero(core)
    if found is None or len(found) < SEAL_PIXELS * core.size:  # a red mark or two: no seal
        return gray
    # only the seal's bounding box (2 px wider for the fringe) is worked on, through a table
    # of the 256 red levels: ~25 ms CPU a seal page instead of ~55
    x, y, w, h = cv2.boundingRect(found)
    x0, y0 = max(x - 2, 0), max(y - 2, 0)
    box = np.s_[y0 : y + h + 2, x0 : x + w + 2]
    zone = cv2.dilate(core[box], np.ones((5, 5), np.uint8)) > 0
    zone &= redness[box] > 15
    paper = _percentile(cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA), 0.5)
    lo, hi = 0.6 * paper, 0.8 * paper
    levels = np.arange(256, dtype=np.float32)  # the new gray of each red level, a table
    weight = np.clip((levels - lo) / max(hi - lo, 1.0), 0.0, 1.0)
    table = np.clip(levels * (1 - weight) + paper * weight + 0.5, 0, 255).astype(np.uint8)
    out = gray.copy()
    np.copyto(out[box], table[r[box]], where=zone)
    return out


def remove_specks(gray: np.ndarray, max_area: int = SPECK_AREA) -> np.ndarray:
    """Dark blobs of at most ``max_area`` pixels (gray < 160) painted over with paper.

    Dust and toner specks are 1-3 px across; the smallest part of print at 300 dpi, a
    diacritic dot of 10-pt text, is ~16 px or more (bench pages: no blob of <= 12 px on
    a clean page). The blob and a 1-px ring around it (its JPEG halo) become the paper
    level, so neither the speck nor a gray ghost of it is left; the rest of the page
    keeps every pixel, where a median filter also rounds the strokes."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(
        (gray < 160).view(np.uint8), connectivity=8
    )
    small = np.zeros(n, bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] <= max_area
    if not small.any():
        return gray
    mask = cv2.dilate(small[labels].view(np.uint8), np.ones((3, 3), np.uint8)) > 0
    out = gray.copy()
    out[mask] = np.uint8(_percentile(gray, 0.5))
    return out


def despeckle(bw: np.ndarray, max_area: int = 6) -> np.ndarray:
    """Remove isolated dark specks smaller than a diacritic dot."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(255 - bw, connectivity=8)
    small = np.zeros(n, bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] <= max_area
    out = bw.copy()
    out[small[labels]] = 255
    return out


def clean(rgb: np.ndarray, steps: tuple[str, ...] = DEFAULT_STEPS) -> Cleaned:
    """Run the chosen clean-up steps; keep the geometry so word boxes can be mapped back.

    With "seal", a page with red seal ink that the clean-up does not binarise gets the same
    page with the seal faded (:func:`fade_seal`) as its ``alternative``, read as well and
    kept when surer (ocr/page.py). Not in its place: on a real scan, fading a seal far from
    a number changed Tesseract's reading of it ('418/QĐ-UBND' read '41 8/QĐ-UBND': its
    global threshold moves with the page's histogram), so the faded page must earn it."""
    if "colour" in steps:
        gray, share = suppress_colour(rgb)
    else:
        gray, share = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), 0.0
    faded = fade_seal(rgb, gray) if "seal" in steps and share > 0 else gray
    pages = [gray] if faded is gray else [gray, faded]
    result = Cleaned(gray=gray, colour_share=share)
    if "deskew" in steps:
        angle = estimate_skew(gray)
        if abs(angle) >= 0.1:
            turned = [rotate(g, angle) for g in pages]
            pages, result.matrix = [t[0] for t in turned], turned[0][1]
            result.angle = angle
    if "flatten" in steps:
        pages = [flatten_background(g) for g in pages]
    result.gray = pages[0]
    binarise = "sauvola" in steps or ("auto" in steps and needs_binarising(result.gray))
    if binarise:  # Sauvola's own median filter takes the specks
        if "gray" in steps:
            result.alternative = smooth_gray(result.gray)
        result.gray = sauvola(result.gray)
        result.binarised = True
        if "despeckle" in steps:
            result.gray = despeckle(result.gray)
        return result
    if "auto" in steps and speckled(result.gray):
        if "specks" in steps:
            pages = [remove_specks(g) for g in pages]
        else:
            pages = [cv2.medianBlur(g, 3) for g in pages]  # a 2x2 speck is 4 of 9: gone
    result.gray = pages[0]
    if len(pages) > 1:
        result.alternative = pages[1]
        result.seal_box = _changed_box(pages[0], pages[1])
    return result


def _changed_box(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int, int] | None:
    found = cv2.findNonZero(cv2.absdiff(a, b))
    if found is None:
        return None
    x, y, w, h = cv2.boundingRect(found)
    return x, y, x + w, y + h
