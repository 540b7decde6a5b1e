"""File type by content (magic bytes), never by extension."""

from __future__ import annotations

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
WEBP = "image/webp"
JP2 = "image/jp2"
TEXT = "text/plain"
# WebP: photos from phones and web exports; JPEG 2000: the master format of many
# digitisation projects. Pillow's wheels read both.
IMAGE_MIMES = (PNG, JPEG, TIFF, WEBP, JP2)

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", JP2),  # JP2 container
    (b"\xff\x4f\xff\x51", JP2),  # a bare JPEG 2000 codestream (.j2k)
)


def sniff(head: bytes) -> str | None:
    """Mime type of a file from its first bytes; None when it is not a known binary type.

    PDF headers may follow a little junk (Acrobat accepts 1 KiB of it), so look there too.
    """
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if b"%PDF-" in head[:1024]:
        return PDF
    return None
