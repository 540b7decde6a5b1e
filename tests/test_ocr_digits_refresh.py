"""A change of the handwritten-digit reader alone re-reads only the header's two blanks of
a cached page: the page's words and text stay Tesseract's (not OCRed again), its readings
are the current reader's, and they are cached under the current OCR version."""

import hashlib
from pathlib import Path

from PIL import Image

import ocr
from ocr.handdigits import DIGITS_MODEL
from schemas import Page, PageRoute
from service.config import Settings
from service.pipeline import Pipeline
from tests.test_ocr_handdigits import _header


def _cached_page(settings: Settings, sha: str, version: str, page: Page) -> Path:
    path = settings.cache_dir / "ocr" / sha / version / "0001.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page.model_dump_json())
    return path


def test_stale_digit_readings_are_read_again_without_ocr(tmp_path: Path) -> None:
    rgb, words = _header("23", "24")
    png = tmp_path / "header.png"
    Image.fromarray(rgb).save(png, dpi=(300, 300))
    settings = Settings(data_dir=tmp_path / "data")
    sha = hashlib.sha256(png.read_bytes()).hexdigest()
    text = "Số: /TTr-UBND Lào Cai, ngày tháng 01 năm 2025 (the cached OCR text)"
    old = Page(
        number=1,
        text=text,
        route=PageRoute.OCR,
        width=rgb.shape[1],
        height=rgb.shape[0],
        dpi=300,
        words=words,
    )
    _cached_page(settings, sha, f"{ocr.TESSERACT_STAGE}+digits-0", old)
    pipe = Pipeline(settings)
    try:
        page = pipe.load_document(png).pages[0]
    finally:
        pipe.close()
    assert page.text == text  # Tesseract's text, as cached: the page was not OCRed again
    assert {r.field: r.text for r in page.hand_digits} == {"number": "23", "day": "24"}
    assert {r.model for r in page.hand_digits} == {DIGITS_MODEL}
    fresh = settings.cache_dir / "ocr" / sha / ocr.OCR_VERSION / "0001.json"
    assert Page.model_validate_json(fresh.read_text()).hand_digits == page.hand_digits


def test_only_the_same_tesseract_stage_is_reused(tmp_path: Path) -> None:
    rgb, words = _header("23", "24")
    png = tmp_path / "header.png"
    Image.fromarray(rgb).save(png)
    settings = Settings(data_dir=tmp_path / "data")
    sha = hashlib.sha256(png.read_bytes()).hexdigest()
    old = Page(number=1, text="x", route=PageRoute.OCR, height=rgb.shape[0], words=words)
    pipe = Pipeline(settings)
    _cached_page(settings, sha, "ocr-0+digits-0", old)
    assert pipe._stale(sha, 1) is None
    _cached_page(settings, sha, ocr.OCR_VERSION, old)  # the current one is not stale
    assert pipe._stale(sha, 1) is None
    _cached_page(settings, sha, f"{ocr.TESSERACT_STAGE}+digits-0", old)
    assert pipe._stale(sha, 1) == (old, frozenset({"digits", "heading", "lines"}))
