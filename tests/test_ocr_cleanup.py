"""The clean-up's speck and seal rules: dust and red seal ink go, print is left alone."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from ocr.cleanup import (
    SPECKLED,
    clean,
    estimate_skew,
    fade_seal,
    flatten_background,
    remove_specks,
    rotate,
    speck_density,
    stretch_contrast,
    suppress_colour,
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


def _speckled(rgb: np.ndarray, seed: int = 3, n: int = 9000) -> np.ndarray:
    rng = np.random.default_rng(seed)
    h, w = rgb.shape[:2]
    ys, xs = rng.integers(0, h - 1, n), rng.integers(0, w - 1, n)
    out = rgb.copy()
    for dy in (0, 1):
        for dx in (0, 1):
            out[ys + dy, xs + dx] = 40  # 2x2 dark specks
    return out


def test_specks_go_and_print_keeps_every_other_pixel() -> None:
    """Only the specks (and their 1-px ring) change: a median filter would also round the
    strokes; the print's pixels away from a speck are the flattened page's exactly."""
    clean_rgb = _page()
    dusty = _speckled(clean_rgb)
    cleaned = clean(dusty)
    assert not cleaned.binarised
    reference = flatten_background(clean_rgb[:, :, 0])
    flat = flatten_background(dusty[:, :, 0])
    changed = cleaned.gray != flat
    assert changed.any()
    speck = cv2.dilate((dusty[:, :, 0] != clean_rgb[:, :, 0]).view(np.uint8), np.ones((5, 5))) > 0
    assert not (changed & ~speck).any()  # nothing away from a speck was touched
    far = ~speck
    assert np.array_equal(cleaned.gray[far], reference[far])


def test_blobs_the_size_of_print_are_not_specks() -> None:
    """A diacritic dot of 10-pt print at 300 dpi (~4x4 px and more) stays; a 2x2 or a lone
    pixel speck goes."""
    gray = np.full((60, 60), 255, np.uint8)
    gray[10:14, 10:14] = 0  # 16 px: a dot of print
    gray[30:32, 30:32] = 0  # 4 px: dust
    gray[45, 45] = 0  # 1 px: dust
    out = remove_specks(gray)
    assert (out[10:14, 10:14] == 0).all()
    assert out[28:34, 28:34].min() == 255 and out[45, 45] == 255


def _with_seal(rgb: np.ndarray, colour: tuple[int, int, int] = (225, 35, 45)) -> np.ndarray:
    """A red round seal stamped over the page as ink does: the layers multiply, so print
    under the seal stays dark and paper under it turns red."""
    mask = np.zeros(rgb.shape[:2], np.uint8)
    cv2.circle(mask, (1500, 900), 260, 1, 14)
    cv2.circle(mask, (1500, 900), 220, 1, 6)
    cv2.circle(mask, (1500, 900), 60, 1, -1)
    seal = rgb.astype(np.float32) * (np.array(colour, np.float32) / 255)
    out = rgb.copy()
    out[mask > 0] = seal[mask > 0].astype(np.uint8)
    return out


def test_a_red_seal_alone_fades_to_paper() -> None:
    blank = np.full((1800, 2480, 3), 250, np.uint8)
    stamped = _with_seal(blank)
    gray, share = suppress_colour(stamped)
    assert share > 0 and gray.min() < 240  # the brightest channel alone leaves a light seal
    faded = fade_seal(stamped, gray)
    assert faded.min() >= 245  # the seal is paper now


def test_dark_print_under_a_red_seal_stays() -> None:
    """Print crossed by the seal keeps its strokes: the same ink blobs under the seal as
    without it (a cut stroke made '418' read '41 8' in an earlier attempt)."""
    page = _page()
    stamped = _with_seal(page)
    region = (slice(600, 1200), slice(1200, 1800))
    under = (stamped[region] != page[region]).any(axis=2) & (page[region][:, :, 0] < 100)
    assert under.sum() > 1000  # the seal does cross print
    gray, _ = suppress_colour(stamped)
    faded = fade_seal(stamped, gray)
    assert (faded[region][under] < 128).all()
    ink_before = cv2.connectedComponents((page[region][:, :, 0] < 128).view(np.uint8))[0]
    ink_after = cv2.connectedComponents((faded[region] < 128).view(np.uint8))[0]
    assert ink_after == ink_before


def test_print_under_a_translucent_seal_stays_and_blue_ink_is_kept() -> None:
    """A seal laid at 65 % over print (samples/synth.py) leaves the print's red channel
    near half: still print. Blue handwriting over a seal is content and stays dark."""
    rgb = np.full((600, 600, 3), 250, np.uint8)  # the seal a small part of the page
    rgb[20:180, 20:180] = (0.35 * 250 + 0.65 * np.array([210, 30, 40])).astype(np.uint8)  # seal
    rgb[90:110, 20:180] = (0.65 * np.array([210, 30, 40])).astype(np.uint8)  # print under it
    rgb[20:180, 90:96] = (30, 40, 160)  # a blue pen stroke
    gray, _ = suppress_colour(rgb)
    faded = fade_seal(rgb, gray)
    assert faded[50, 50] >= 245  # seal ink on paper: gone
    assert faded[100, 50] < 150  # print under the seal: kept
    assert faded[50, 92] < 100  # blue ink: kept


def test_a_gray_page_is_not_touched_by_the_seal_rule() -> None:
    rgb = _page()
    gray = rgb[:, :, 0].copy()
    assert fade_seal(rgb, gray) is gray


def test_a_seal_page_keeps_its_faded_twin_beside_the_page_as_before() -> None:
    """The page is cleaned as before (seal light gray); the faded twin, read as well, has
    the seal as paper and the print as dark as the page has it."""
    page = _page()
    stamped = _with_seal(page)
    cleaned = clean(stamped)
    before = clean(stamped, ("colour", "deskew", "flatten", "auto", "gray"))
    assert np.array_equal(cleaned.gray, before.gray)
    assert before.alternative is None and cleaned.alternative is not None
    seal_only = (stamped != page).any(axis=2) & (page[:, :, 0] > 200)
    assert np.median(cleaned.gray[seal_only]) < 245 <= np.median(cleaned.alternative[seal_only])
    ink = page[:, :, 0] < 100
    assert np.median(cleaned.alternative[ink]) < 60
    assert cleaned.seal_box is not None  # where the twin differs: around the seal (r 260)
    x0, y0, x1, y1 = cleaned.seal_box
    assert 1220 <= x0 < 1240 and 620 <= y0 < 640 and 1760 < x1 <= 1780 and 1160 < y1 <= 1180


def test_a_binarised_seal_page_has_only_its_gray_alternative() -> None:
    """A poor page is read as binarised and as smoothed gray, as before: no third page."""
    stamped = _with_seal(_faint(_page()))
    cleaned = clean(stamped)
    before = clean(stamped, ("colour", "deskew", "flatten", "auto", "gray"))
    assert cleaned.binarised and cleaned.alternative is not None
    assert np.array_equal(cleaned.gray, before.gray)
    assert before.alternative is not None
    assert np.array_equal(cleaned.alternative, before.alternative)
