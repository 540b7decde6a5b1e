"""Inputs for the batch tests and bench: many small documents whose sha256s all differ."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pikepdf

from tests.conftest import ROOT, SAMPLES


def write_texts(folder: Path, n: int, start: int = 0) -> list[Path]:
    """``n`` administrative texts: a sample's text plus a line that makes each one unique."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = sorted(p for p in SAMPLES.glob("*.txt") if not p.name.endswith("-eng-ocr.txt"))
    out = []
    for i in range(start, start + n):
        base = bases[i % len(bases)]
        dest = folder / f"{base.stem}-bản-{i:04d}.txt"
        dest.write_text(base.read_text(encoding="utf-8") + f"\nBản sao số {i}.\n", "utf-8")
        out.append(dest)
    return out


def pdf_variant(src: Path, dest: Path, n: int) -> Path:
    """The same PDF with different metadata: same pages, different bytes (and sha256)."""
    with pikepdf.open(src) as pdf:
        pdf.docinfo["/Keywords"] = f"bản sao {n}"
        pdf.save(dest, deterministic_id=True)
    return dest


def write_pdfs(folder: Path, n: int, scans: bool = False, start: int = 0) -> list[Path]:
    """``n`` PDF variants of the samples: born-digital, or scanned ones (real OCR work)."""
    folder.mkdir(parents=True, exist_ok=True)
    kind = "-scan.pdf" if scans else ".pdf"
    bases = sorted(p for p in SAMPLES.glob(f"*{kind}") if scans or not p.name.endswith("-scan.pdf"))
    return [
        pdf_variant(bases[i % len(bases)], folder / f"{bases[i % len(bases)].stem}-{i:04d}.pdf", i)
        for i in range(start, start + n)
    ]


def sohoa_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "service", *args]


def run_sohoa(*args: str, env: dict | None = None, timeout: float = 600):
    return subprocess.run(sohoa_cmd(*args), capture_output=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, **(env or {})})  # fmt: skip
