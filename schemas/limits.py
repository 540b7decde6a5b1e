"""Configurable limits on input, checked before work is spent on a file."""

from __future__ import annotations

from pydantic import BaseModel


class Limits(BaseModel):
    """Bounds that protect the machine from huge or hostile files (decompression bombs)."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 500
    max_page_pixels: int = 120_000_000  # after rendering; larger pages are downscaled or refused
    max_image_pixels: int = 400_000_000  # an input image beyond this is refused unread
    ocr_timeout_s: float = 180.0
    max_text_bytes: int = 50 * 1024 * 1024
