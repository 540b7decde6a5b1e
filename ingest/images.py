"""Image files: frame count and size from the header only (decompression-bomb safe)."""

from __future__ import annotations

import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from schemas import ErrorKind, Limits, SohoaError


def image_frames(path: Path, limits: Limits) -> int:
    """Number of frames (pages) of an image; checks each frame's pixel count unread."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                frames = getattr(im, "n_frames", 1)
                if frames > limits.max_pages:
                    raise SohoaError(
                        ErrorKind.LIMITS, f"image has {frames} frames (limit {limits.max_pages})"
                    )
                for k in range(frames):
                    im.seek(k)
                    w, h = im.size
                    if w <= 0 or h <= 0:
                        raise SohoaError(ErrorKind.BAD_INPUT, "image has no pixels")
                    if w * h > limits.max_image_pixels:
                        raise SohoaError(
                            ErrorKind.LIMITS,
                            f"image frame {k + 1} is {w}x{h} pixels "
                            f"(limit {limits.max_image_pixels:,} pixels)",
                        )
            if frames == 1:
                with Image.open(path) as im:
                    im.verify()  # chunk structure and checksums, without decoding pixels
            return frames
    except Image.DecompressionBombError as exc:
        raise SohoaError(ErrorKind.LIMITS, f"image too large ({exc})") from exc
    except (UnidentifiedImageError, OSError, EOFError, ValueError, SyntaxError) as exc:
        raise SohoaError(ErrorKind.BAD_INPUT, f"image is corrupt or truncated ({exc})") from exc
