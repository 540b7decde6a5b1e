"""``inspect``: what a file is and how each of its pages will get its text."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ingest.detect import IMAGE_MIMES, PDF, TEXT, sniff
from ingest.images import image_frames
from ingest.pdf import read_pdf
from ingest.stamp import parse_stamps
from ingest.textfile import decode_text
from schemas import ErrorKind, Limits, Page, PageRoute, SohoaError, Source, SourceKind

log = logging.getLogger(__name__)


@dataclass
class Intake:
    """A file after ingest: its source, its routed pages, metadata (stamp signer/time...)."""

    source: Source
    pages: list[Page]
    metadata: dict[str, str] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    """Content address of a file, read in chunks so large files use little memory."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise SohoaError(ErrorKind.FILE_ACCESS, f"cannot read {path.name}: {exc.strerror}") from exc
    return digest.hexdigest()


def _head(path: Path, limits: Limits) -> tuple[bytes, int]:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise SohoaError(ErrorKind.FILE_ACCESS, f"{path.name} is not a regular file")
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise SohoaError(ErrorKind.FILE_ACCESS, f"cannot read {path.name}: {exc.strerror}") from exc
    if size == 0:
        raise SohoaError(ErrorKind.BAD_INPUT, "file is empty")
    if size > limits.max_file_bytes:
        raise SohoaError(
            ErrorKind.LIMITS, f"file is {size:,} bytes (limit {limits.max_file_bytes:,})"
        )
    return head, size


def _kind(pages: list[Page]) -> SourceKind:
    routes = {p.route for p in pages}
    if routes == {PageRoute.TEXT_FILE}:
        return SourceKind.TEXT
    if routes == {PageRoute.OCR}:
        return SourceKind.SCANNED
    if PageRoute.OCR not in routes:
        return SourceKind.BORN_DIGITAL
    return SourceKind.MIXED


def _text_pages(path: Path, limits: Limits) -> tuple[list[Page], dict[str, str]]:
    if path.stat().st_size > limits.max_text_bytes:
        raise SohoaError(ErrorKind.LIMITS, f"text file larger than {limits.max_text_bytes:,} bytes")
    text, encoding = decode_text(path.read_bytes())
    chunks = text.split("\f")
    if len(chunks) > limits.max_pages:
        raise SohoaError(
            ErrorKind.LIMITS, f"text has {len(chunks)} pages (limit {limits.max_pages})"
        )
    reason = f"plain text, encoding {encoding}"
    pages = [
        Page(
            number=i + 1,
            text=unicodedata.normalize("NFC", c),
            route=PageRoute.TEXT_FILE,
            route_reason=reason,
        )
        for i, c in enumerate(chunks)
    ]
    return pages, {"encoding": encoding}


def inspect(path: Path, limits: Limits | None = None) -> Intake:
    """Detect a file's type by content and route each page (text layer, OCR, converted).

    Raises SohoaError: BAD_INPUT (empty, corrupt, unknown type), ENCRYPTED, LIMITS,
    FILE_ACCESS. OCR pages come back with empty text; the OCR stage fills them.
    """
    path = Path(path)
    limits = limits or Limits()
    head, size = _head(path, limits)
    mime = sniff(head)
    metadata: dict[str, str] = {}
    if mime == PDF:
        pages = read_pdf(path, limits)
        stamps = [p.stamp_text for p in pages if p.stamp_text]
        metadata |= parse_stamps(stamps)
    elif mime in IMAGE_MIMES:
        frames = image_frames(path, limits)
        pages = [
            Page(number=i + 1, route=PageRoute.OCR, route_reason="image") for i in range(frames)
        ]
    else:
        try:
            pages, metadata = _text_pages(path, limits)
        except SohoaError as exc:
            if exc.kind is ErrorKind.BAD_INPUT:
                raise SohoaError(
                    ErrorKind.BAD_INPUT, "unknown file type (not PDF, image or text)"
                ) from exc
            raise
        if not any(p.text.strip() for p in pages):
            raise SohoaError(ErrorKind.BAD_INPUT, "file holds only white space: no text")
        mime = TEXT
    source = Source(
        file=path.name,
        sha256=sha256_file(path),
        pages=len(pages),
        kind=_kind(pages),
        mime=mime,
        size=size,
    )
    _log_routes(source, pages, metadata)
    return Intake(source=source, pages=pages, metadata=metadata)


def _log_routes(source: Source, pages: list[Page], metadata: dict[str, str]) -> None:
    ocr = sum(p.route == PageRoute.OCR for p in pages)
    log.info(
        "%s: %s, %s, %d page(s), %d to OCR", source.file, source.mime, source.kind, len(pages), ocr
    )
    for p in pages:
        log.debug("%s p%d: %s (%s)", source.file, p.number, p.route.value, p.route_reason)
    if "encoding" in metadata:
        log.debug("%s: text encoding %s", source.file, metadata["encoding"])
    if any(p.stamp_text for p in pages):
        stamped = [p.number for p in pages if p.stamp_text]
        log.debug("%s: signature stamp on page(s) %s", source.file, stamped)
