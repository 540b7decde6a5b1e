"""Generate the bundled sample documents from ``samples/texts.py``.

Run ``python -m samples.generate``. Deterministic: the same code and libraries give the same
bytes. For each document it writes into ``samples/documents/``:

- ``<slug>.txt``: the clean source text (UTF-8), like the user's clean seeds;
- ``<slug>.pdf``: a born-digital PDF with a real Vietnamese text layer and a two-column
  header per Nghị định 30/2020/NĐ-CP (reportlab, Liberation Serif);

and for some documents:

- ``<slug>-scan.pdf``: that PDF rasterised at 300 dpi, degraded like a scan
  (``samples.synth.degrade``, level "scan"; one at level "bad": grey uneven paper, speckle,
  a red seal), stored as 150-dpi JPEG pages with no text,
  except optionally a digital-signature stamp, the only text layer of real signed scans;
- ``<slug>-scan-eng-layer.pdf``: that scan with an invisible English-OCR text layer, as
  archives "made searchable" years ago hold: a text layer that is not the text;
- ``<slug>-eng-ocr.txt``: the clean render read by ``tesseract -l eng`` — how the
  user's damaged seeds arose (diacritics lost or turned into Latin look-alikes).

``samples/facts.json`` lists what each document states (number, date, citations, amounts,
counts), the contract tests and benchmarks check extraction against.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
from PIL import Image
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from samples.synth import FONT_DIR, degrade
from samples.texts import DOCS, MOTTO, NATION, Doc

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "documents"
FACTS = ROOT / "facts.json"
RENDER_DPI = 300


@dataclass(frozen=True)
class ScanSpec:
    """How one document is scanned: degradation level, colour, resolution, JPEG quality,
    signature stamp or not."""

    level: str = "scan"
    colour: bool = False  # 'bad' pages carry a red seal, kept only in colour
    dpi: int = 150
    quality: int = 45
    stamp: str | None = "Hội Khuyến học tỉnh Sơn La"  # who signed, or no stamp
    blank_backs: bool = False  # duplex scan: each sheet's empty back is a page too


# Which documents also get a scan and an English-OCR text (kept few: the repo stays small).
SCANS: dict[str, ScanSpec] = {
    "bc-12-quy-i-2025": ScanSpec(),
    "qd-08-hoc-bong-to-hieu": ScanSpec(blank_backs=True),
    "bc-09-mai-son-2024": ScanSpec(stamp=None),
    "cv-21-danh-gia-cong-dong-hoc-tap": ScanSpec(level="bad", colour=True),
}
MIXED = ("kh-31-cong-dan-hoc-tap-2025",)  # page 1 born-digital, the rest scanned
ENG_LAYER = ("bc-09-mai-son-2024",)  # scans that also get an English-OCR text layer
ENG_OCR = ("bc-12-quy-i-2025", "kh-31-cong-dan-hoc-tap-2025", "bc-09-mai-son-2024")


def configure() -> None:
    """Set reportlab up: Liberation Serif (it covers Vietnamese) as a family, so <b>/<i>
    work, and binary streams (ASCII85 would only inflate the files by a quarter)."""
    rl_config.useA85 = 0
    faces = {
        "Serif": "Regular",
        "Serif-Bold": "Bold",
        "Serif-Italic": "Italic",
        "Serif-BoldItalic": "BoldItalic",
    }
    for name, face in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"LiberationSerif-{face}.ttf")))
    pdfmetrics.registerFontFamily(
        "Serif",
        normal="Serif",
        bold="Serif-Bold",
        italic="Serif-Italic",
        boldItalic="Serif-BoldItalic",
    )


def _style(
    name: str, size: float = 13, font: str = "Serif", align: int = TA_CENTER, **kw: float
) -> ParagraphStyle:
    kw.setdefault("leading", size * 1.25)
    return ParagraphStyle(name, fontName=font, fontSize=size, alignment=align, **kw)


S_CENTER = _style("c", 12.5)
S_CENTER_B = _style("cb", 12.5, "Serif-Bold")
S_MOTTO = _style("motto", 13, "Serif-Bold")
S_DATE = _style("date", 13, "Serif-Italic")
S_VV = _style("vv", 12)
S_TYPE = _style("type", 14, "Serif-Bold", spaceBefore=10)
S_TITLE = _style("title", 14, "Serif-Bold")
S_BODY = _style(
    "body", 13.5, align=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=4, leading=13.5 * 1.3
)
S_HEAD = _style(
    "head", 13.5, "Serif-Bold", align=TA_LEFT, firstLineIndent=10 * mm, spaceAfter=3, spaceBefore=2
)
S_BODY_C = _style("bodyc", 13.5, "Serif-Bold", spaceAfter=6, spaceBefore=4)
S_RECIP_H = _style("rh", 12, "Serif-BoldItalic", align=TA_LEFT)
S_RECIP = _style("r", 11, align=TA_LEFT)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Rule(Flowable):
    """A short centred line, as under the issuer, the national motto and the title."""

    def __init__(self, fraction: float, space: float = 10) -> None:
        super().__init__()
        self.fraction, self.space = fraction, space

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.space

    def draw(self) -> None:
        w = self.width * self.fraction
        self.canv.setLineWidth(0.6)
        y = self.space - 4.5
        self.canv.line((self.width - w) / 2, y, (self.width + w) / 2, y)


def _rule(fraction: float) -> _Rule:
    return _Rule(fraction)


def _grid(rows: list[list], widths: list[float]) -> Table:
    t = Table(rows, colWidths=widths)
    t.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return t


def _header(doc: Doc, width: float) -> list:
    """Left: issuing body (and parent) with the number; right: national motto and date."""
    left = [Paragraph(_esc(doc.parent_issuer), S_CENTER)] if doc.parent_issuer else []
    left += [Paragraph(_esc(doc.issuer), S_CENTER_B), _rule(0.35)]
    right = [
        Paragraph(NATION, S_CENTER_B),
        Paragraph(MOTTO, S_MOTTO),
        _rule(0.62),
    ]
    number = [Paragraph(_esc(f"Số: {doc.number}"), S_CENTER)]
    if not doc.doc_type:
        number.append(Paragraph(_esc(doc.title), S_VV))
    width += 14 * mm  # the header block reaches into the margins, as on printed forms
    widths = [width * 0.42, width * 0.58]
    out = [_grid([[left, right], [number, Paragraph(_esc(doc.date_line), S_DATE)]], widths)]
    if doc.doc_type:
        out += [
            Paragraph(_esc(doc.doc_type), S_TYPE),
            Paragraph(_esc(doc.title), S_TITLE),
            _rule(0.25),
        ]
    else:
        out.append(Spacer(1, 6))
    return out


def _body(doc: Doc) -> list:
    out = []
    for para in doc.body:
        if para.startswith("## "):
            out.append(Paragraph(_esc(para[3:]), S_BODY_C))
        elif para.startswith("# "):
            out.append(Paragraph(_esc(para[2:]), S_HEAD))
        else:
            out.append(Paragraph(_esc(para), S_BODY))
    return out


def _signature(doc: Doc, width: float) -> Table:
    left = [Paragraph("Nơi nhận:", S_RECIP_H)] + [
        Paragraph(_esc(r), S_RECIP) for r in doc.recipients
    ]
    right = [Paragraph(_esc(t), S_CENTER_B) for t in doc.signer_title]
    right += [
        Paragraph("<i>(Đã ký)</i>", S_CENTER),
        Spacer(1, 14 * mm),
        Paragraph(_esc(doc.signer), S_CENTER_B),
    ]
    return _grid([[left, right]], [width * 0.5, width * 0.5])


def _page_number(c: canvas.Canvas, _doc: SimpleDocTemplate) -> None:
    """Pages after the first carry their number, centred at the top, as the decree says."""
    c.setFont("Serif", 13)
    c.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, str(c.getPageNumber()))


def build_pdf(doc: Doc) -> bytes:
    """The born-digital PDF of one document (fixed metadata, so output is reproducible)."""
    buf = io.BytesIO()
    tpl = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=30 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=doc.title,
        author=doc.issuer.title(),
        creator="sohoa samples",
        invariant=1,
    )
    story = [*_header(doc, tpl.width), *_body(doc), Spacer(1, 4 * mm), _signature(doc, tpl.width)]
    tpl.build(story, onLaterPages=_page_number)
    return buf.getvalue()


def rasterise(pdf: bytes, dpi: int = RENDER_DPI) -> list[Image.Image]:
    """Grayscale page images of a PDF, as a scanner or the OCR stage would see them."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in doc]
    finally:
        doc.close()


def _stamp(c: canvas.Canvas, doc: Doc, signer_org: str) -> None:
    """A digital-signature stamp drawn as text, like the signing software adds."""
    when = f"{doc.date.day:02d}.{doc.date.month:02d}.{doc.date.year} 15:42:10 +07:00"
    lines = [
        f"Ký bởi: {signer_org}",
        "Email: hkh@sonla.gov.vn",
        "Cơ quan: Tỉnh Sơn La",
        f"Thời gian ký: {when}",
    ]
    x, y, w, h = A4[0] - 64 * mm, A4[1] - 7 * mm, 58 * mm, 12 * mm
    c.setStrokeColor(colors.HexColor("#c00000"))
    c.setFillColor(colors.HexColor("#c00000"))
    c.setLineWidth(0.5)
    c.rect(x, y - h + 3 * mm, w, h)
    c.setFont("Serif", 6.5)
    for i, line in enumerate(lines):
        c.drawString(x + 1.5 * mm, y - i * 2.6 * mm, line)


def build_scan(doc: Doc, pdf: bytes, spec: ScanSpec, seed: int) -> bytes:
    """Image-only PDF of degraded pages (JPEG), with an optional signature-stamp text layer."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setCreator("sohoa samples (simulated scan)")
    pages = rasterise(pdf)
    if spec.blank_backs:
        pages = [p for page in pages for p in (page, Image.new("L", page.size, 255))]
    for i, page in enumerate(pages):
        scanned = degrade(page, spec.level, seed=seed * 100 + i)
        scanned = scanned if spec.colour else scanned.convert("L")
        size = (round(A4[0] / 72 * spec.dpi), round(A4[1] / 72 * spec.dpi))
        jpg = io.BytesIO()
        scanned.resize(size, Image.Resampling.LANCZOS).save(
            jpg, "JPEG", quality=spec.quality, optimize=True, dpi=(spec.dpi, spec.dpi)
        )
        # An ImageReader over JPEG bytes is embedded as is (DCTDecode), named by content.
        c.drawImage(ImageReader(jpg), 0, 0, width=A4[0], height=A4[1])
        if spec.stamp and i == 0:
            _stamp(c, doc, spec.stamp)
        c.showPage()
    c.save()
    return buf.getvalue()


def _tesseract_eng(image: bytes, dpi: int, *args: str) -> bytes:
    res = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "eng", "--dpi", str(dpi), *args],
        input=image,
        capture_output=True,
        check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return res.stdout


def ocr_eng(pages: list[Image.Image]) -> str:
    """Read pages with Tesseract's English model: the damage old archives carry."""
    out = []
    for page in pages:
        png = io.BytesIO()
        page.save(png, "PNG")
        text = _tesseract_eng(png.getvalue(), RENDER_DPI, "-c", "page_separator=")
        out.append(text.decode("utf-8"))
    return "\n".join(t.rstrip("\n") for t in out) + "\n"


def add_eng_text_layer(scan: bytes, dpi: int) -> bytes:
    """The scan made "searchable" by an English OCR engine, as many archives were: an
    invisible text layer of damaged text ("Hoi Khuyén hoc") over each page image."""
    pdf = pikepdf.open(io.BytesIO(scan))
    for page in pdf.pages:
        (image,) = page.get_images().values()
        layer = _tesseract_eng(image.read_raw_bytes(), dpi, "-c", "textonly_pdf=1", "pdf")
        with pikepdf.open(io.BytesIO(layer)) as text_only:
            src = pikepdf.Page(pdf.copy_foreign(text_only.pages[0].obj))
            form = src.as_form_xobject()
        # Drawn by hand under a fixed name: add_overlay() picks a random one.
        sx = float(page.mediabox[2]) / float(src.mediabox[2])
        sy = float(page.mediabox[3]) / float(src.mediabox[3])
        page.Resources.XObject.OCRText = form
        page.contents_add(
            pikepdf.Stream(pdf, f"q {sx:.6f} 0 0 {sy:.6f} 0 0 cm /OCRText Do Q".encode())
        )
    pdf.docinfo = pdf.make_indirect(
        pikepdf.Dictionary(Producer="sohoa samples (simulated OCRed scan)")
    )
    out = io.BytesIO()
    pdf.save(out, static_id=True)
    return out.getvalue()


def build_mixed(pdf: bytes, scan: bytes) -> bytes:
    """First page as born, the others scanned: a signed cover page with scanned annexes."""
    out = pikepdf.open(io.BytesIO(pdf))
    with pikepdf.open(io.BytesIO(scan)) as scanned:
        for i in range(1, len(out.pages)):
            out.pages[i] = scanned.pages[i]
    buf = io.BytesIO()
    out.save(buf, static_id=True)
    return buf.getvalue()


def _file(
    name: str,
    kind: str,
    layers: list[str | None],
    blank: tuple[int, ...] = (),
    damaged: bool = False,
) -> dict:
    """One sample file: record kind, and per page its kind and what its text layer is
    (text: the page's text; stamp: a signature stamp only; eng_ocr: damaged OCR text;
    none; null for text files)."""
    pages = [
        {"kind": "blank" if i in blank else "content", "layer": layer}
        for i, layer in enumerate(layers)
    ]
    return {"name": name, "kind": kind, "damaged": damaged, "pages": pages}


def facts(doc: Doc, files: list[dict], pages: int) -> dict:
    """What a document states, in the record's flat vocabulary and the conventions of
    ``shared/real-scans/gold`` (issuers in normal case, signer lines joined by " / ")."""
    return {
        "files": files,
        "pages": pages,
        "doc": {
            "parent_issuer": doc.names[0],
            "issuer": doc.names[1],
            "number": doc.number,
            "doc_type": doc.doc_type.capitalize() if doc.doc_type else "Công văn",
            "date": doc.date.isoformat(),
            "place": doc.place,
            "title": doc.title,
            "signer": doc.signer,
            "signer_title": " / ".join(doc.signer_title),
        },
        "citations": [
            {"key": c.key, "date": c.date.isoformat() if c.date else None} for c in doc.citations
        ],
        "dates": [d.isoformat() for d in doc.dates],
        "amounts": list(doc.amounts),
        "counts": [{"value": v, "unit": u} for v, u in doc.counts],
    }


def _write(name: str, data: bytes | str) -> None:
    path = OUT / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def _sample_files(doc: Doc, seed: int) -> tuple[list[dict], int]:
    """Write every form of one document; describe each file."""
    pdf = build_pdf(doc)
    n = len(pdfium.PdfDocument(pdf))
    slug = doc.slug
    _write(f"{slug}.txt", doc.plain_text())
    _write(f"{slug}.pdf", pdf)
    files = [
        _file(f"{slug}.txt", "text", [None]),
        _file(f"{slug}.pdf", "born_digital", ["text"] * n),
    ]
    if slug in SCANS:
        spec = SCANS[slug]
        scan = build_scan(doc, pdf, spec, seed)
        _write(f"{slug}-scan.pdf", scan)
        sheets = 2 if spec.blank_backs else 1
        layers = ["stamp" if spec.stamp and i == 0 else "none" for i in range(n * sheets)]
        blank = tuple(range(1, n * sheets, 2)) if spec.blank_backs else ()
        files.append(_file(f"{slug}-scan.pdf", "scanned", layers, blank))
        if slug in ENG_LAYER:
            _write(f"{slug}-scan-eng-layer.pdf", add_eng_text_layer(scan, spec.dpi))
            files.append(
                _file(f"{slug}-scan-eng-layer.pdf", "scanned", ["eng_ocr"] * n, damaged=True)
            )
    if slug in MIXED:
        scan = build_scan(doc, pdf, ScanSpec(stamp=None), seed)
        _write(f"{slug}-mixed.pdf", build_mixed(pdf, scan))
        files.append(_file(f"{slug}-mixed.pdf", "mixed", ["text"] + ["none"] * (n - 1)))
    if slug in ENG_OCR:
        _write(f"{slug}-eng-ocr.txt", ocr_eng(rasterise(pdf)))
        files.append(_file(f"{slug}-eng-ocr.txt", "text", [None], damaged=True))
    return files, n


def main() -> None:
    configure()
    OUT.mkdir(exist_ok=True)
    all_facts = {}
    for seed, doc in enumerate(DOCS, start=1):
        files, pages = _sample_files(doc, seed)
        all_facts[doc.slug] = facts(doc, files, pages)
        print(f"{doc.slug}: {', '.join(f['name'] for f in files)}")
    FACTS.write_text(json.dumps(all_facts, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
