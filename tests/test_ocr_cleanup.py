"""The clean-up's speck rule: dusty pages are median-filtered, print is left alone."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ocr.cleanup import (
    SPECKLED,
    clean,
    estimate_skew,
    flatten_background,
    rotate,
    speck_density,
    stretch_contrast,
)
from samples.synth import render_text

TEXT = "Căn cứ Quyết định số 677/QĐ-TTg ngày 03/6/2022 của Thủ tướng Chính phủ."


def _page() -> np.ndarray:
    image: Image.Image = render_text("\n".join([TEXT] * 30))[0][0]
    return np.asarray(image.convert("RGB").crop((0, 0, 2480, 1800))).copy()


def test_print_has_no_specks_and_is_not_filtered() -> None:
    rgb = _page()
    gray = rgb[:, :, 0]
    assert speck_density(gray) < 0.5
    cleaned = clean(rgb)
    assert not cleaned.binarised
    assert np.array_equal(cleaned.gray, flatten_background(gray))  # nothing else touched it


def test_specks_are_counted_and_removed() -> None:
    rgb = _page()
    rng = np.random.default_rng(3)
    ys, xs = rng.integers(0, 1799, 9000), rng.integers(0, 2479, 9000)
    for dy in (0, 1):
        for dx in (0, 1):
            rgb[ys + dy, xs + dx] = 40  # 2x2 dark specks
    assert speck_density(rgb[:, :, 0]) > SPECKLED
    cleaned = clean(rgb)
    assert speck_density(cleaned.gray) < SPECKLED / 10
    ink = (cleaned.gray < 128).mean()
    assert 0.005 < ink < 0.1  # the text is still there


def test_skew_is_measured_on_the_ink_pixels() -> None:
    """The profile is built from the turned coordinates of the ink pixels: a page turned by
    a known angle is measured back to within the fine step (0.1°)."""
    gray = _page()[:, :, 0]
    assert abs(estimate_skew(gray)) < 0.05
    for angle in (-2.7, 1.3, 4.0):
        turned, _ = rotate(gray, angle)
        assert abs(estimate_skew(turned) + angle) <= 0.11


def _faint(rgb: np.ndarray) -> np.ndarray:
    """A tired copy: ink at 170 on paper at 225, blurred, with sensor noise."""
    gray = rgb[:, :, 0].astype(np.float32)
    faint = 225 - (255 - gray) / 255 * 55
    faint = faint + np.random.default_rng(5).normal(0, 12, faint.shape)
    g = np.clip(faint, 0, 255).astype(np.uint8)
    return np.dstack([g, g, g])


def test_clean_page_has_no_gray_alternative() -> None:
    assert clean(_page()).alternative is None


def test_poor_page_keeps_a_stretched_gray_alternative() -> None:
    """A faint noisy page is binarised, and a smoothed gray page is kept beside it whose ink
    is stretched to near black and whose paper to white, still in gray levels."""
    cleaned = clean(_faint(_page()))
    assert cleaned.binarised
    assert cleaned.alternative is not None
    alt = cleaned.alternative
    assert alt.shape == cleaned.gray.shape
    assert np.percentile(alt, 0.5) < 30 and np.median(alt) > 240
    assert len(np.unique(alt)) > 20  # gray, not binary
    assert stretch_contrast(np.full((10, 10), 200, np.uint8)).max() == 200  # no ink: as is
