"""Degradation families for bench/ocr: each draws its parameters from ranges, per page.

One recipe tuned against is one recipe learned: the clean-up was chosen on ``bad`` and
did not carry to a poor photocopy that a person reads without effort (issue 16). Each
family below is one kind of damage with its strength drawn at random from a range, so a
page of a family is never the same page twice across texts. ``photocopy`` is HELD BACK:
no clean-up choice may be made by looking at its figures; it is reported to show whether
what was tuned on the others carries over.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from samples.synth import _jpeg, _rotate, _seal

HELD_BACK = "photocopy"

Gray = np.ndarray  # float32, 0 = ink, 255 = white paper


def _paper(g: Gray, rng: random.Random, np_rng: np.random.Generator) -> Gray:
    """Grey or yellowed paper, weak ink: the contrast of a tired copy."""
    paper, ink = rng.uniform(150, 215), rng.uniform(60, 120)
    return paper - (255 - g) / 255 * (paper - ink)


def _blur_noise(g: Gray, rng: random.Random, np_rng: np.random.Generator) -> Gray:
    """Out of focus and grainy."""
    sigma = rng.uniform(0.8, 1.6)
    g = cv2.GaussianBlur(g, (0, 0), sigma)
    return g + np_rng.normal(0, rng.uniform(8, 22), g.shape)


def _grain(g: Gray, rng: random.Random, np_rng: np.random.Generator) -> Gray:
    """Sensor grain strong against the ink's contrast: a dark room, a cheap scanner."""
    return g + np_rng.normal(0, rng.uniform(25, 45), g.shape)


def _skew_specks(g: Gray, rng: random.Random, np_rng: np.random.Generator) -> Gray:
    """A page laid askew on dusty glass: dark and light specks of a few pixels."""
    g = _rotate(g, rng.uniform(-4, 4) or 0.5, 255)
    dots = np_rng.random(g.shape)
    rate = rng.uniform(0.001, 0.006)
    dark = cv2.dilate((dots < rate).astype(np.uint8), np.ones((2, 2), np.uint8)) > 0
    g = g.copy()
    g[dark] = rng.uniform(30, 90)
    g[dots > 1 - rate] = 255
    return g


def _uneven(g: Gray, rng: random.Random, np_rng: np.random.Generator) -> Gray:
    """A lamp to one side, a shadow along the spine."""
    h, w = g.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (xx / w * math.cos(angle) + yy / h * math.sin(angle)) % 1.0
    light = rng.uniform(0.45, 0.7) + rng.uniform(0.25, 0.45) * ramp
    spine = 1 - rng.uniform(0.2, 0.45) * np.exp(-((xx / w - rng.choice((0.0, 1.0))) ** 2) / 0.01)
    return g * light * spine


def _bleed(g: Gray, rng: random.Random, np_rng: np.random.Generator) -> Gray:
    """Thin paper: the back page's text shows through, mirrored and blurred."""
    back = cv2.GaussianBlur(np.ascontiguousarray(g[:, ::-1]), (0, 0), rng.uniform(1.5, 3.0))
    shift = rng.randint(20, 60)
    back = np.roll(back, shift, axis=0)
    strength = rng.uniform(0.2, 0.4)
    return np.minimum(g, 255 - (255 - back) * strength)


def _fax(g: Gray, rng: random.Random, np_rng: np.random.Generator) -> Gray:
    """A fax: low vertical resolution, hard threshold, the strokes broken or bloated."""
    h, w = g.shape
    g = g + np_rng.normal(0, rng.uniform(10, 25), g.shape)
    small = cv2.resize(g, (w // 2, h // rng.choice((2, 3))), interpolation=cv2.INTER_AREA)
    bw = np.where(small > rng.uniform(110, 170), 255.0, 0.0).astype(np.float32)
    return cv2.resize(bw, (w, h), interpolation=cv2.INTER_NEAREST)


_MIX_STEPS = ("tone", "blur", "noise", "specks", "skew", "light")


def _mixed(g: Gray, rng: random.Random, np_rng: np.random.Generator) -> Gray:
    """Several damages at once, each drawn at random: added in session 8 because every
    other development family has one kind of damage and the clean-up reads each alone
    well; a tired copy has three or four together. Three to six of: paper tone and weak
    ink, blur, noise, specks, skew, uneven light, in that order."""
    chosen = set(rng.sample(_MIX_STEPS, rng.randint(3, len(_MIX_STEPS))))
    if "skew" in chosen:
        g = _rotate(g, rng.uniform(-4, 4), 255)
    if "tone" in chosen:
        paper, ink = rng.uniform(150, 220), rng.uniform(50, 130)
        g = paper - (255 - g) / 255 * (paper - ink)
    if "light" in chosen:
        ramp = np.linspace(0, 1, g.shape[1], dtype=np.float32)[None, :]
        g = g * (rng.uniform(0.7, 0.85) + rng.uniform(0.1, 0.15) * ramp)
    if "blur" in chosen:
        g = cv2.GaussianBlur(g, (0, 0), rng.uniform(0.7, 1.7))
    if "noise" in chosen:
        g = g + np_rng.normal(0, rng.uniform(6, 22), g.shape)
    if "specks" in chosen:
        dots = np_rng.random(g.shape)
        g = g.copy()
        g[dots < rng.uniform(0.0005, 0.005)] = rng.uniform(30, 100)
    return g


def _photocopy(g: Gray, rng: random.Random, np_rng: np.random.Generator) -> Gray:
    """HELD BACK. A poor photocopy: grey low-contrast paper, blur, sensor noise, specks,
    2-3 degrees of skew (JPEG added by the caller)."""
    g = _rotate(g, rng.choice((-1, 1)) * rng.uniform(2, 3), 255)
    paper, ink = rng.uniform(165, 200), rng.uniform(80, 115)
    g = paper - (255 - g) / 255 * (paper - ink)
    g = cv2.GaussianBlur(g, (0, 0), rng.uniform(1.0, 1.5))
    g = g + np_rng.normal(0, rng.uniform(10, 18), g.shape)
    dots = np_rng.random(g.shape)
    g[dots < rng.uniform(0.001, 0.004)] = rng.uniform(40, 80)
    return g


FAMILIES: dict[str, Callable[[Gray, random.Random, np.random.Generator], Gray]] = {
    "paper": _paper,
    "blur+noise": _blur_noise,
    "grain": _grain,
    "skew+specks": _skew_specks,
    "uneven light": _uneven,
    "bleed-through": _bleed,
    "red stamp": lambda g, rng, np_rng: g,  # the stamp is laid on in colour below
    "fax": _fax,
    "mixed": _mixed,
    HELD_BACK: _photocopy,
}


def degrade_family(page: Image.Image, family: str, seed: int) -> Image.Image:
    """A clean render damaged as ``family`` with parameters drawn from ``seed``; every
    family ends as a JPEG of random quality, as scanners and phones deliver pages."""
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    g = FAMILIES[family](np.asarray(page.convert("L"), dtype=np.float32), rng, np_rng)
    bgr = cv2.cvtColor(np.clip(g, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    if family == "red stamp":
        bgr = _seal(bgr, rng)
    if family != "fax":
        bgr = _jpeg(bgr, rng.randint(35, 80))
    return Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
