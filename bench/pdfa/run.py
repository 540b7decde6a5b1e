"""PDF/A cost: the validated PDF/A-1b against the plain searchable PDF, same pages, same run.

    .venv/bin/python -m bench.pdfa.run

For every sample PDF (born-digital, scanned, mixed): the document is processed once (OCR
cache shared with the tests when SOHOA_TEST_CACHE is set), then written as the plain
searchable PDF (the baseline) and as PDF/A-1b (conform, validate; page images where the
pages as they are cannot conform). Prints time and size of each and the ratios PDF/A /
plain, then the JSON of all figures. Figures are ratios because the machine is shared.
The bundled samples' PDFs list fonts they do not embed, so they take the page-image way;
the last row, a scan as a scanner writes it, shows the way that keeps the pages.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import ocr
from ocr.pdfa import check_pdfa
from service import archive
from service.config import Settings
from service.pipeline import Pipeline

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "documents"


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def _conforming_scan(folder: Path) -> Path:
    """A scan as scanners write it: page images in a PDF, no fonts (made from a sample)."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(SAMPLES / "qd-08-hoc-bong-to-hieu-scan.pdf"))
    images = [src[i].render(scale=200 / 72).to_pil().convert("RGB") for i in range(len(src))]
    src.close()
    out = folder / "scanner-made.pdf"
    images[0].save(out, save_all=True, append_images=images[1:], resolution=200, quality=80)
    return out


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-pdfa-") as tmp:
        settings = Settings.from_env(Path(tmp) / "data")
        cache = os.environ.get("SOHOA_TEST_CACHE")
        if cache:
            settings.cache_root = Path(cache)
        pipe = Pipeline(settings)
        try:
            for src in [*sorted(SAMPLES.glob("*.pdf")), _conforming_scan(Path(tmp))]:
                outcome = pipe.process(src)
                if outcome.error:
                    continue
                pages, head = outcome.document.pages, outcome.record.doc.model_dump(mode="json")
                plain, pdfa = Path(tmp) / "plain.pdf", Path(tmp) / "pdfa.pdf"
                pdf_mime = "application/pdf"
                t_plain = _timed(ocr.write_searchable_pdf, str(src), pdf_mime, pages, plain)
                t_pdfa = _timed(archive.write_pdf, src, pdf_mime, pages, head, pdfa)
                rows.append(
                    {
                        "file": src.name,
                        "kind": outcome.document.source.kind.value,
                        "plain_s": round(t_plain, 3),
                        "pdfa_s": round(t_pdfa, 3),
                        "plain_kb": plain.stat().st_size // 1024,
                        "pdfa_kb": pdfa.stat().st_size // 1024,
                        "valid": check_pdfa(pdfa) == [],
                        "plain_valid": check_pdfa(plain) == [],
                    }
                )
        finally:
            pipe.close()
    for r in rows:
        print(
            f"{r['file']:45} {r['kind']:12} time x{r['pdfa_s'] / max(r['plain_s'], 1e-3):5.1f}"
            f"  size x{r['pdfa_kb'] / max(r['plain_kb'], 1):5.2f}"
            f"  ({r['plain_kb']} -> {r['pdfa_kb']} KiB)  PDF/A valid: {r['valid']}"
            f" (plain: {r['plain_valid']})"
        )
    total = {k: sum(r[k] for r in rows) for k in ("plain_s", "pdfa_s", "plain_kb", "pdfa_kb")}
    print(
        f"all: time x{total['pdfa_s'] / total['plain_s']:.1f}, "
        f"size x{total['pdfa_kb'] / total['plain_kb']:.2f}, "
        f"{sum(r['valid'] for r in rows)}/{len(rows)} valid PDF/A"
    )
    print(json.dumps({"rows": rows, "total": total}))


if __name__ == "__main__":
    main()
