"""File type by content (magic bytes), never by extension."""

from __future__ import annotations

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
TEXT = "text/plain"
IMAGE_MIMES = (PNG, JPEG, TIFF)

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)


def sniff(head: bytes) -> str | None:
    """Mime type of a file from its first bytes; None when it is not a known binary type.

    PDF headers may follow a little junk (Acrobat accepts 1 KiB of it), so look there too.
    """
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if b"%PDF-" in head[:1024]:
        return PDF
    return None
