"""Baseline: how much of each sample scan plain Tesseract ``vie`` reads, with no clean-up.

Run ``python -m samples.ocr_baseline``. Prints, per scan, the share of the clean text's
words (with multiplicity) found in the OCR output, and whether the QĐ 677 key survived;
the OCR stage's clean-up should beat these figures, most of all on the "bad" scan.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent


def ocr_pdf(path: Path, dpi: int = 300) -> str:
    """Render each page at ``dpi`` and read it with ``tesseract -l vie``."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    doc = pdfium.PdfDocument(path)
    out = []
    try:
        for page in doc:
            png = io.BytesIO()
            page.render(scale=dpi / 72, grayscale=True).to_pil().save(png, "PNG")
            res = subprocess.run(
                ["tesseract", "stdin", "stdout", "-l", "vie", "--dpi", str(dpi)],
                input=png.getvalue(),
                capture_output=True,
                check=True,
                env=env,
            )
            out.append(res.stdout.decode("utf-8"))
    finally:
        doc.close()
    return "\f".join(out)


def word_recall(truth: str, ocr: str) -> float:
    """Share of the truth's words (counted with multiplicity) present in the OCR text."""
    want = Counter(truth.split())
    return sum((want & Counter(ocr.split())).values()) / max(sum(want.values()), 1)


def main() -> None:
    facts = json.loads((ROOT / "facts.json").read_text(encoding="utf-8"))
    for slug, fact in facts.items():
        truth = (ROOT / "documents" / f"{slug}.txt").read_text(encoding="utf-8")
        for name in fact["files"]:
            if name.endswith("-scan.pdf"):
                ocr = ocr_pdf(ROOT / "documents" / name)
                print(
                    f"{name:45} word recall {word_recall(truth, ocr):.3f}  "
                    f"677/QĐ-TTg read: {'677/QĐ-TTg' in ocr}"
                )


if __name__ == "__main__":
    main()
