"""OCR benchmark: sohoa vs raw ``tesseract -l vie --oem 1 --psm 3``, same images, same run.

Synthetic pages (samples/synth.py) at levels clean/scan/bad give CER/WER; the same
scan-level pages give throughput (sohoa, 2 processes, vs raw Tesseract, 1 process)
and peak memory per worker; the real scans give header fields found against gold.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import subprocess
import sys
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.ocr.families import FAMILIES, HELD_BACK, degrade_family
from bench.ocr.metrics import cer, wer
from bench.ocr.texts import corpus
from samples.synth import LEVELS, degrade, render_text

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out" / "ocr"
REAL = ROOT.parent / "shared" / "real-scans"
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}
VARIANTS = {
    "gray": (),
    "colour": ("colour",),
    "+deskew": ("colour", "deskew"),
    "+flatten": ("colour", "deskew", "flatten"),
    "+sauvola(always)": ("colour", "deskew", "flatten", "sauvola"),
    "+despeckle": ("colour", "deskew", "flatten", "sauvola", "despeckle"),
    "+sauvola(auto)": ("colour", "deskew", "flatten", "auto"),
}
# the clean-up of main before issue 16's seal and speck steps (ocr-8): seal ink left
# light gray, a speckled page median-filtered
BEFORE = ("colour", "deskew", "flatten", "auto", "gray")


def make_pages(quick: bool, families: bool = False) -> list[tuple[str, str, Path]]:
    """Render the corpus and degrade it: (level or family, truth, png path) per page."""
    OUT.mkdir(parents=True, exist_ok=True)
    pages = []
    kinds = LEVELS + (tuple(FAMILIES) if families else ())
    for name, text in corpus():
        images, truths = render_text(text)
        keep = 1 if quick else 2
        for k, (img, truth) in enumerate(zip(images[:keep], truths[:keep], strict=True)):
            for kind in kinds:
                seed = zlib.crc32(f"{name}-{k}-{kind}".encode())
                path = OUT / f"{name}-{k + 1}-{kind.replace(' ', '_').replace('+', '_')}.png"
                if not path.exists():
                    page = (
                        degrade(img, kind, seed=seed)
                        if kind in LEVELS
                        else degrade_family(img, kind, seed)
                    )
                    page.save(path, dpi=(300, 300))
                pages.append((kind, truth, path))
    return pages


def _peak_mb() -> tuple[float, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return self_kb / 1024, child_kb / 1024


def sohoa_text(path: str, steps: tuple[str, ...] | None = None) -> tuple[str, float, float]:
    """sohoa's OCR of an image file; returns (text, worker MB, tesseract MB)."""
    from ocr.page import ocr_image, ocr_page
    from ocr.raster import load_page

    if steps is None:
        text = ocr_page(path, 1, "image/png").text
    else:
        raster = load_page(path, 1, "image/png")
        text = ocr_image(raster.rgb, raster.dpi, steps=steps)[0]
    return (text, *_peak_mb())


def raw_text(path: str) -> str:
    """Raw Tesseract on the same image, single thread, as the baseline."""
    out = subprocess.run(
        ["tesseract", path, "stdout", "-l", "vie", "--oem", "1", "--psm", "3"],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
        timeout=600,
    )
    return out.stdout


def accuracy(
    pages: list[tuple[str, str, Path]], jobs: int, variants: bool, before: bool = False
) -> dict:
    """CER/WER per level of sohoa (and step variants, and the ocr-8 clean-up when
    ``before``) vs raw Tesseract, all in one run on the same pages."""
    systems: dict[str, tuple[str, ...] | None] = {"sohoa": None}
    if before:
        systems["sohoa ocr-8 (before)"] = BEFORE
    if variants:
        systems |= {f"steps:{k}": v for k, v in VARIANTS.items()}
    results: dict = {}
    with ProcessPoolExecutor(jobs) as pool:
        raw = list(pool.map(raw_text, [str(p) for _, _, p in pages]))
        hyps = {
            name: [
                r[0]
                for r in pool.map(sohoa_text, [str(p) for _, _, p in pages], [steps] * len(pages))
            ]
            for name, steps in systems.items()
        }
    hyps["raw tesseract"] = raw
    for name, texts in hyps.items():
        for level in dict.fromkeys(lv for lv, _, _ in pages):
            c = w = ct = wt = 0
            for (lv, truth, _), hyp in zip(pages, texts, strict=True):
                if lv != level:
                    continue
                d, n = cer(truth, hyp)
                c, ct = c + d, ct + n
                d, n = wer(truth, hyp)
                w, wt = w + d, wt + n
            results.setdefault(name, {})[level] = {"cer": c / max(ct, 1), "wer": w / max(wt, 1)}
    return results


def _ocrmypdf_seconds(paths: list[Path], jobs: int) -> float | None:
    """Seconds OCRmyPDF ``--jobs N -l vie`` takes on a PDF of the same pages, if installed."""
    if importlib.util.find_spec("ocrmypdf") is None:
        return None
    from PIL import Image

    src, out = OUT / "throughput.pdf", OUT / "throughput-ocrmypdf.pdf"
    images = [Image.open(p).convert("RGB") for p in paths]
    images[0].save(src, "PDF", resolution=300, save_all=True, append_images=images[1:])
    cmd = [
        sys.executable,
        "-m",
        "ocrmypdf",
        "--jobs",
        str(jobs),
        "-l",
        "vie",
        "--force-ocr",
        "--output-type",
        "pdf",
        "--optimize",
        "0",
        "--quiet",
        str(src),
        str(out),
    ]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=ENV, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"  (ocrmypdf failed: {done.stderr.strip()[-200:]})")
        return None
    return time.perf_counter() - t0


def _warm(_: int) -> None:
    """Import the OCR stack in a worker before the clock starts, as a long-lived pool would."""
    import ocr.page  # noqa: F401


def _raw_seconds(paths: list[Path]) -> float:
    t0 = time.perf_counter()
    for p in paths:
        raw_text(str(p))
    return time.perf_counter() - t0


def throughput(paths: list[Path], jobs: int) -> dict:
    """Pages/min: sohoa with ``jobs`` processes vs raw Tesseract in one process (timed
    before and after sohoa and averaged, since the machine's load drifts), and OCRmyPDF
    with ``jobs`` when it is installed."""
    raw_before = _raw_seconds(paths)
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(_warm, range(jobs)))
        t0 = time.perf_counter()
        mem = [(r[1], r[2]) for r in pool.map(sohoa_text, [str(p) for p in paths])]
        sohoa_s = time.perf_counter() - t0
    raw_s = (raw_before + _raw_seconds(paths)) / 2
    # control: the same raw Tesseract in ``jobs`` processes shows how much parallel
    # capacity the (shared) machine has right now
    t0 = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(raw_text, [str(p) for p in paths]))
    raw_par_s = time.perf_counter() - t0
    omp_s = _ocrmypdf_seconds(paths, jobs)
    n = len(paths)
    return {
        "pages": n,
        "raw_ppm": 60 * n / raw_s,
        "sohoa_ppm": 60 * n / sohoa_s,
        "ratio": raw_s / sohoa_s,
        "raw_parallel_ppm": 60 * n / raw_par_s,
        "ocrmypdf_ppm": 60 * n / omp_s if omp_s else None,
        "peak_worker_mb": max(m[0] for m in mem),
        "peak_tesseract_mb": max(m[1] for m in mem),
    }


def _batch_pdfs(pages: list[tuple[str, str, Path]], per_file: int) -> list[Path]:
    """The clean and scan pages as two PDFs of ``per_file`` pages each (a user's batch)."""
    from PIL import Image

    pdfs = []
    for level in ("clean", "scan"):
        paths = [p for lv, _, p in pages if lv == level]
        paths = (paths * per_file)[:per_file]
        images = [Image.open(p).convert("RGB") for p in paths]
        pdf = OUT / "userpath" / f"{level}.pdf"
        pdf.parent.mkdir(parents=True, exist_ok=True)
        images[0].save(pdf, "PDF", resolution=300, save_all=True, append_images=images[1:])
        pdfs.append(pdf)
    return pdfs


def _page_images(pdfs: list[Path]) -> list[Path]:
    """Every page of the PDFs as a 300-dpi PNG: what raw Tesseract is given."""
    import pypdfium2 as pdfium

    out = []
    for pdf in pdfs:
        doc = pdfium.PdfDocument(pdf)
        for i in range(len(doc)):
            png = OUT / "userpath" / f"{pdf.stem}-{i + 1:02d}.png"
            doc[i].render(scale=300 / 72).to_pil().convert("RGB").save(png, dpi=(300, 300))
            out.append(png)
        doc.close()
    return out


def _children_cpu() -> float:
    """CPU seconds (user + system) of the waited-for child processes and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def user_path(pages: list[tuple[str, str, Path]], jobs: int, per_file: int = 8) -> dict:
    """``python -m service ingest`` of a batch, cold (a fresh data dir, start-up and the
    whole batch included), against raw Tesseract in one process on the same page images,
    timed before and after (the machine's load drifts) and averaged."""
    import tempfile

    pdfs = _batch_pdfs(pages, per_file)
    images = _page_images(pdfs)
    load = os.getloadavg()[0]
    cpu0 = _children_cpu()
    raw_before = _raw_seconds(images)
    cpu1 = _children_cpu()
    with tempfile.TemporaryDirectory(prefix="sohoa-userpath-") as data:
        env = {**os.environ, "SOHOA_WORKERS": str(jobs)}
        cmd = [sys.executable, "-m", "service", "--data", data, "ingest", *map(str, pdfs)]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        sohoa_s = time.perf_counter() - t0
    cpu2 = _children_cpu()
    if done.returncode != 0:
        print(f"  (sohoa ingest exited {done.returncode}: {done.stderr.strip()[-300:]})")
    raw_s = (raw_before + _raw_seconds(images)) / 2
    return {
        "raw_cpu_s": cpu1 - cpu0,
        "sohoa_cpu_s": cpu2 - cpu1,
        "pages": len(images),
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "raw_s": raw_s,
        "sohoa_s": sohoa_s,
        "ratio": raw_s / sohoa_s,
        "peak_process_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "exit": done.returncode,
    }


def print_user_path(u: dict) -> None:
    """The user-path row: wall ratio, and CPU per page of the process trees."""
    print(
        f"user path: python -m service ingest of {u['pages']} pages in 2 PDFs, cold, "
        f"{u['sohoa_s']:.1f} s; raw tesseract (1 process) on the same page images "
        f"{u['raw_s']:.1f} s; ratio {u['ratio']:.2f}x (load average {u['load_before']:.1f}"
        f" before, {u['load_after']:.1f} after; largest process {u['peak_process_mb']:.0f} MB)"
    )
    n = u["pages"]
    print(
        f"  CPU: sohoa {u['sohoa_cpu_s']:.1f} s = {u['sohoa_cpu_s'] / n:.2f} s/page (start-up, "
        f"workers and all), raw {u['raw_cpu_s']:.1f} s = {u['raw_cpu_s'] / n:.2f} s/page; "
        f"CPU ratio raw/sohoa {u['raw_cpu_s'] / u['sohoa_cpu_s']:.2f}; on a quiet machine 2 "
        f"cores could give at most {2 * u['raw_cpu_s'] / u['sohoa_cpu_s']:.2f}x (under load "
        "the wall ratio favours the process with more workers)"
    )


def _gold_fields(path: Path) -> tuple[str, str]:
    gold = json.loads((REAL / "gold" / (path.stem + ".json")).read_text(encoding="utf-8"))
    return gold["doc"]["number"], gold["doc"]["date"]


_NUMBER = re.compile(r"Số\s*[:.]?\s*(\S+(?:\s*/\s*\S+)?)")
_DATE = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})")


def header_hits(text: str, number: str, date: str) -> tuple[bool, bool, bool, bool]:
    """Whether the gold number, its printed symbol (from the '/'), the date and its
    printed month+year can be read off the first page's text. Numbers and days are
    often handwritten; symbol and month/year are printed."""
    squashed = re.sub(r"\s+", "", text).replace("Ð", "Đ")
    symbol = number[number.index("/") :] if "/" in number else number
    m = _DATE.search(text)
    got_date = bool(m) and f"{int(m[3]):04d}-{int(m[2]):02d}-{int(m[1]):02d}" == date
    month = re.search(r"tháng\s*(\d{1,2})\s*năm\s*(\d{4})", text)
    got_month = bool(month) and f"{int(month[2]):04d}-{int(month[1]):02d}" == date[:7]
    return number in squashed, f"Số:{symbol}" in squashed or symbol in squashed, got_date, got_month


def real_pages(path: Path) -> tuple[list[tuple[str, str]], float]:
    """sohoa's (text, page kind) of every page of a real scan, OCRed or not as routed,
    and the share of OCR words that ``pdftotext`` finds in its searchable PDF."""
    from ingest import inspect
    from ocr import ocr_page, write_searchable_pdf

    intake = inspect(path)
    pages = [
        ocr_page(str(path), p.number, intake.source.mime) if p.route == "ocr" else p
        for p in intake.pages
    ]
    out = OUT / "real" / f"{path.stem}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_searchable_pdf(str(path), intake.source.mime, pages, out)
    found = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=False
    ).stdout.split()
    ocr_words = [w.text for p in pages for w in p.words]
    have = set(found)
    share = sum(w in have for w in ocr_words) / len(ocr_words) if ocr_words else 1.0
    return [(p.text, p.kind.value) for p in pages], share


def real(jobs: int) -> dict:
    """Header number/date found on page 1, and body words found on every page."""
    files = sorted(REAL.glob("*.pdf"))
    with ProcessPoolExecutor(jobs) as pool:
        texts = list(pool.map(real_pages, files))
    rows = []
    (OUT / "real").mkdir(parents=True, exist_ok=True)
    for path, (pages, share) in zip(files, texts, strict=True):
        for k, (text, _) in enumerate(pages, 1):
            (OUT / "real" / f"{path.stem}-p{k}.txt").write_text(text, encoding="utf-8")
        number, date = _gold_fields(path)
        n_ok, sym_ok, d_ok, m_ok = header_hits(pages[0][0], number, date)
        words = [len(t.split()) if kind == "content" else kind for t, kind in pages]
        rows.append(
            {
                "file": path.name,
                "number": n_ok,
                "symbol": sym_ok,
                "date": d_ok,
                "month": m_ok,
                "words_per_page": words,
                "pdftotext_finds": share,
            }
        )
    return {"files": rows}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.ocr", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer pages: a few minutes")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--variants", action="store_true", help="also measure each clean-up step")
    ap.add_argument(
        "--families",
        action="store_true",
        help=f"also the degradation families (bench/ocr/families.py; {HELD_BACK} held back)",
    )
    ap.add_argument(
        "--before", action="store_true", help="also the ocr-8 clean-up, same run (a baseline)"
    )
    ap.add_argument("--skip", default="", help="comma list of: accuracy,throughput,userpath,real")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    pages = make_pages(args.quick, args.families)
    report: dict = {}
    if "accuracy" not in skip:
        report["accuracy"] = accuracy(pages, args.jobs, args.variants, args.before)
        print(f"CER / WER by level and family (lower is better; {HELD_BACK}: held back)")
        for name, levels in report["accuracy"].items():
            print(f"  {name}")
            for lv, v in levels.items():
                print(f"    {lv:14s} {v['cer']:7.2%} / {v['wer']:7.2%}")
    if "throughput" not in skip:
        scan = [p for lv, _, p in pages if lv == "scan"]
        scan = (scan * 2)[: 4 if args.quick else 8]
        t = report["throughput"] = throughput(scan, args.jobs)
        print(
            f"throughput on {t['pages']} scan pages: sohoa ({args.jobs} processes) "
            f"{t['sohoa_ppm']:.1f} pages/min, raw tesseract (1 process) {t['raw_ppm']:.1f} "
            f"pages/min, ratio {t['ratio']:.2f}x; peak memory per worker "
            f"{t['peak_worker_mb']:.0f} MB + tesseract {t['peak_tesseract_mb']:.0f} MB"
        )
        print(
            f"  control: raw tesseract in {args.jobs} processes {t['raw_parallel_ppm']:.1f} "
            f"pages/min = {t['raw_parallel_ppm'] / t['raw_ppm']:.2f}x one process (the "
            f"machine's spare capacity now); sohoa / raw-in-{args.jobs} = "
            f"{t['sohoa_ppm'] / t['raw_parallel_ppm']:.2f}x"
        )
        if t["ocrmypdf_ppm"]:
            print(
                f"  OCRmyPDF --jobs {args.jobs} -l vie: {t['ocrmypdf_ppm']:.1f} pages/min; "
                f"sohoa / OCRmyPDF = {t['sohoa_ppm'] / t['ocrmypdf_ppm']:.2f}x"
            )
    if "userpath" not in skip:
        report["userpath"] = user_path(make_pages(False), args.jobs)
        print_user_path(report["userpath"])
    if "real" not in skip and REAL.exists():
        r = report["real"] = real(args.jobs)
        n = sum(f["number"] for f in r["files"])
        d = sum(f["date"] for f in r["files"])
        sym = sum(f["symbol"] for f in r["files"])
        mon = sum(f["month"] for f in r["files"])
        k = len(r["files"])
        print(
            f"real scans, page 1 against gold: number {n}/{k} (its printed symbol {sym}/{k}), "
            f"date {d}/{k} (its printed month and year {mon}/{k})"
        )
        for f in r["files"]:
            print(
                f"  {f['file'][:40]:40s} number={f['number']!s:5s} date={f['date']!s:5s} "
                f"searchable-PDF words found {f['pdftotext_finds']:.0%}  "
                f"words/page={f['words_per_page']}"
            )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    sys.stdout.flush()
