"""PDF/A output: the searchable PDF made conformant, described, and checked before it is kept.

The national standard for long-term preservation is TCVN 14159-1:2024, identical to
ISO 19005-1 (PDF/A-1). We write level B (``1b``): the visual appearance is preserved and
the text layer is kept; level A also needs a logical structure tree, which OCR cannot give.

pikepdf (qpdf) does the work: ``pikepdf.pdfa.save`` adds the sRGB output intent and the
PDF/A identification, writes PDF 1.4 without object streams, then re-reads the written
bytes with its allowlist validator (built on the veraPDF rule catalogue) and refuses a
file that does not pass. So a PDF this module returns has been validated, not assumed.

A PDF source is kept as it is (vector text, the scan's own images) with the OCR words laid
over its OCRed pages, when that conforms; when it does not (fonts not embedded,
transparency, ...), every page is written as its image with the page's own words as
invisible text, and validated again.
"""

from __future__ import annotations

import gc
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf.pdfa import PdfaError, save, validate_written

from ocr.pdfout import write_searchable_pdf, write_text_layer
from schemas import ErrorKind, Page, SohoaError

log = logging.getLogger(__name__)

FLAVOUR = "1b"  # TCVN 14159-1:2024 = ISO 19005-1, level B
CREATOR_TOOL = "sohoa"


@dataclass
class PdfaInfo:
    """What the XMP packet says of the document (Dublin Core and Adobe PDF schemas only,
    which PDF/A-1 predefines, so no extension schema is needed)."""

    title: str | None = None  # trích yếu nội dung
    identifier: str | None = None  # số và ký hiệu
    date: str | None = None  # ngày tháng năm văn bản, ISO (YYYY, YYYY-MM or YYYY-MM-DD)
    creator: str | None = None  # cơ quan, tổ chức ban hành
    doc_type: str | None = None  # tên loại văn bản
    language: str = "vi"
    description: str | None = None
    keywords: list[str] = field(default_factory=list)


def _describe(pdf: pikepdf.Pdf, info: PdfaInfo) -> None:
    """Fill the XMP packet; pikepdf mirrors the shared fields into the Info dictionary,
    as PDF/A requires the two to agree."""
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        if info.title:
            meta["dc:title"] = info.title
        if info.creator:
            meta["dc:creator"] = [info.creator]
        if info.identifier:
            meta["dc:identifier"] = info.identifier
        if info.date:
            meta["dc:date"] = [info.date]
        if info.doc_type:
            meta["dc:type"] = {info.doc_type}
        if info.description:
            meta["dc:description"] = info.description
        meta["dc:language"] = {info.language}
        if info.keywords:
            meta["pdf:Keywords"] = "; ".join(info.keywords)
        meta["xmp:CreatorTool"] = CREATOR_TOOL


def _mend(pdf: pikepdf.Pdf) -> None:
    """Two harmless changes before validation. PDFium writes its CID TrueType fonts without
    /CIDToGIDMap, which PDF/A-1 requires (ISO 19005-1, 6.3.3.2); absent means Identity, so
    saying so changes nothing drawn. Page transitions (/Trans, /Dur: slide-show effects
    some generators add) are outside what the validator checks, so they are dropped. Fonts
    and images a page lists but never draws (generators often list a default font) are
    dropped too: PDF/A would require them embedded although nothing uses them."""
    pdf.remove_unreferenced_resources()
    for page in pdf.pages:
        for key in ("/Trans", "/Dur"):
            if key in page.obj:
                del page.obj[key]
    for obj in pdf.objects:
        if (
            isinstance(obj, pikepdf.Dictionary)
            and obj.get("/Type") == pikepdf.Name.Font
            and obj.get("/Subtype") == pikepdf.Name.CIDFontType2
            and "/CIDToGIDMap" not in obj
        ):
            obj.CIDToGIDMap = pikepdf.Name.Identity


def _conform(searchable: Path, out: Path, info: PdfaInfo) -> None:
    with pikepdf.open(searchable) as pdf:
        _mend(pdf)
        _describe(pdf, info)
        with _quiet_collector():
            save(pdf, out, FLAVOUR)


@contextmanager
def _quiet_collector() -> Iterator[None]:
    """pikepdf's validator counts any warning raised while it parses a content stream as a
    violation, and the cyclic garbage collector may run then and finalise an unrelated
    object (an unclosed socket's ResourceWarning failed a valid page this way). Collect
    first, then keep the collector off while the file is written and checked."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _overlay(path: str, pages: list[Page], tmp: Path) -> Path | None:
    """The source PDF untouched, each OCRed page with the invisible words laid over it as
    a form XObject; None when the pages are rotated or offset (the words would not line
    up: the page-image route handles those)."""
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            box = [float(v) for v in page.mediabox]
            if int(page.obj.get("/Rotate", 0)) % 360 or box[0] or box[1]:
                return None
    layer = tmp / "layer.pdf"
    write_text_layer(path, pages, layer)
    words = {p.number for p in pages if p.words}
    out = tmp / "overlay.pdf"
    with pikepdf.open(path) as pdf, pikepdf.open(layer) as text:
        for n, page in enumerate(pdf.pages, start=1):
            if n in words:
                page.add_overlay(text.pages[n - 1], None)
        pdf.save(out)
    return out


def _findings(exc: Exception) -> str:
    report = getattr(exc, "report", None)
    findings = getattr(report, "findings", None) or []
    return "; ".join(str(f) for f in findings[:5]) or str(exc)


def write_pdfa(path: str, mime: str, pages: list[Page], out: Path, info: PdfaInfo) -> None:
    """Write ``out`` as a validated PDF/A-1b searchable PDF described by ``info``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sohoa-pdfa-") as tmp:
        first = _overlay(path, pages, Path(tmp)) if mime == "application/pdf" else None
        if first is None:
            first = Path(tmp) / "searchable.pdf"
            write_searchable_pdf(path, mime, pages, first)
        try:
            _conform(first, out, info)
            return
        except PdfaError as exc:
            if mime != "application/pdf":
                raise SohoaError(ErrorKind.INTERNAL, f"PDF/A failed: {_findings(exc)}") from exc
            log.info("pages as they are do not conform (%s): writing page images", _findings(exc))
        images = Path(tmp) / "images.pdf"
        write_searchable_pdf(path, mime, pages, images, images_only=True)
        try:
            _conform(images, out, info)
        except PdfaError as exc:
            raise SohoaError(ErrorKind.INTERNAL, f"PDF/A failed: {_findings(exc)}") from exc


def check_pdfa(path: Path, flavour: str = FLAVOUR) -> list[str]:
    """Findings of the PDF/A validator on a written file; empty when it passes."""
    with _quiet_collector():
        report = validate_written(Path(path), flavour)
    if report.passed:
        return []
    return [str(f) for f in report.findings] or [str(report.verdict)]
