"""Render Vietnamese text to 300-dpi page images and degrade them like real scans.

Used by the sample generator, the OCR benchmark and the repair model's training
(English-OCR damage is reproduced by OCRing these renders with ``tesseract -l eng``).
Deterministic for a given seed, so benchmarks compare like with like.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/liberation2")
DPI = 300
A4_PX = (2480, 3508)  # 210 x 297 mm at 300 dpi
LEVELS = ("clean", "scan", "bad")


@dataclass(frozen=True)
class Layout:
    """Page geometry in pixels at 300 dpi; 13 pt serif like an administrative document."""

    size: tuple[int, int] = A4_PX
    margin_left: int = 354  # 30 mm
    margin_right: int = 236  # 20 mm
    margin_top: int = 236
    margin_bottom: int = 236
    font_pt: float = 13.0
    line_spacing: float = 1.35


def font(bold: bool = False, pt: float = 13.0) -> ImageFont.FreeTypeFont:
    """Liberation Serif from Debian's fonts-liberation2 (1.x lacks Vietnamese glyphs)."""
    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size=round(pt * DPI / 72))


def _wrap(line: str, fnt: ImageFont.FreeTypeFont, width: int) -> list[str]:
    words, out, cur = line.split(), [], ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if fnt.getlength(trial) <= width or not cur:
            cur = trial
        else:
            out.append(cur)
            cur = w
    out.append(cur)
    return out


def layout_lines(text: str, layout: Layout = Layout()) -> list[list[str]]:
    """Wrap text into pages of lines; a blank input line stays a blank output line."""
    fnt = font(pt=layout.font_pt)
    width = layout.size[0] - layout.margin_left - layout.margin_right
    step = round(layout.font_pt * DPI / 72 * layout.line_spacing)
    per_page = (layout.size[1] - layout.margin_top - layout.margin_bottom) // step
    lines: list[str] = []
    for raw in unicodedata.normalize("NFC", text).splitlines():
        lines.extend(_wrap(raw, fnt, width) if raw.strip() else [""])
    return [lines[i : i + per_page] for i in range(0, max(len(lines), 1), per_page)]


def render_lines(lines: list[str], layout: Layout = Layout()) -> Image.Image:
    """Draw lines of text, black on white, as one grayscale page."""
    img = Image.new("L", layout.size, 255)
    draw = ImageDraw.Draw(img)
    fnt = font(pt=layout.font_pt)
    step = round(layout.font_pt * DPI / 72 * layout.line_spacing)
    y = layout.margin_top
    for line in lines:
        draw.text((layout.margin_left, y), line, font=fnt, fill=0)
        y += step
    return img


def render_text(text: str, layout: Layout = Layout()) -> tuple[list[Image.Image], list[str]]:
    """Render text to page images; also return each page's exact text (the OCR truth)."""
    pages = layout_lines(text, layout)
    return [render_lines(p, layout) for p in pages], ["\n".join(p) for p in pages]


def _rotate(arr: np.ndarray, angle: float, border: int | tuple[int, int, int]) -> np.ndarray:
    h, w = arr.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        arr, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )


def _jpeg(arr: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", arr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def _seal(rgb: np.ndarray, rng: random.Random) -> np.ndarray:
    """A red round seal with a star and ring text, stamped semi-transparently over text."""
    h, w = rgb.shape[:2]
    cx, cy, r = int(w * rng.uniform(0.55, 0.7)), int(h * rng.uniform(0.3, 0.6)), 260
    layer = np.zeros_like(rgb)
    red = (40, 30, 210)  # BGR
    cv2.circle(layer, (cx, cy), r, red, 14)
    cv2.circle(layer, (cx, cy), r - 40, red, 6)
    pts = [
        (
            cx + int(90 * math.cos(math.pi / 2 + k * 4 * math.pi / 5)),
            cy - int(90 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)),
        )
        for k in range(5)
    ]
    cv2.fillPoly(layer, [np.array(pts, np.int32)], red)
    for k in range(24):
        a = 2 * math.pi * k / 24
        x, y = cx + int((r - 22) * math.cos(a)), cy + int((r - 22) * math.sin(a))
        cv2.putText(layer, "X", (x - 10, y + 10), cv2.FONT_HERSHEY_SIMPLEX, 0.9, red, 3)
    mask = layer.any(axis=2)
    out = rgb.copy()
    out[mask] = (0.35 * rgb[mask] + 0.65 * layer[mask]).astype(np.uint8)
    return out


def degrade(page: Image.Image, level: str, seed: int = 0) -> Image.Image:
    """Make a clean render look like a scan: 'clean' (as is), 'scan' or 'bad'.

    scan: +/-1.5 deg skew, sensor noise, slight blur, JPEG q=60.
    bad: +/-3 deg skew, speckle, low contrast on a grey uneven background, a red seal.
    """
    if level == "clean":
        return page.convert("RGB")
    if level not in LEVELS:
        raise ValueError(f"unknown degradation level {level!r}")
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    g = np.asarray(page.convert("L"), dtype=np.float32)
    if level == "scan":
        g = _rotate(g, rng.uniform(-1.5, 1.5), 255)
        g = cv2.GaussianBlur(g, (3, 3), 0.6)
        g = g + nprng.normal(0, 10, g.shape)
        rgb = cv2.cvtColor(np.clip(g, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
        return Image.fromarray(cv2.cvtColor(_jpeg(rgb, 60), cv2.COLOR_BGR2RGB))
    g = _rotate(g, rng.uniform(-3, 3), 255)
    h, w = g.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    background = 175 + 30 * np.sin(xx / w * math.pi) * np.cos(yy / h * math.pi / 2)
    ink = 95.0
    g = background - (255 - g) / 255 * (background - ink)
    g = cv2.GaussianBlur(g, (5, 5), 1.0) + nprng.normal(0, 14, g.shape)
    speck = nprng.random(g.shape)
    g[speck < 0.004] = 60
    g[speck > 0.997] = 235
    rgb = cv2.cvtColor(np.clip(g, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)
    rgb = _seal(rgb, rng)
    return Image.fromarray(cv2.cvtColor(_jpeg(rgb, 50), cv2.COLOR_BGR2RGB))
