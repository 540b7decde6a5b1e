"""Peak memory and s/page of `sohoa ingest` on long scanned PDFs, against a baseline commit.

    .venv/bin/python -m bench.batch.memory                      # 8, 32, 96, 288 pages, cold
    .venv/bin/python -m bench.batch.memory --pages 8,32 --baseline main
    .venv/bin/python -m bench.batch.memory --warm-ocr            # OCR results pre-filled

Each PDF repeats the pages of the real scans in ../shared/real-scans that are not held
back (bench/extract/split.json), or of the bundled scanned samples when shared is absent.
Every run is the user's path: `python -m service ingest PDF` in a subprocess, a fresh
data dir, the tree's own code (the baseline is ``git archive REV`` in a temp dir, run the
same way, alternating with this tree size by size, so both see the same machine load).
/proc is sampled every 0.1 s for the resident memory of the main process and of its
whole process tree (the OCR pool included).

Cold (the default) OCRs every page in every run: about 1 s/page on a quiet 2-core
machine, so the 288-page pair takes ~10 min. ``--warm-ocr`` OCRs the distinct pages once
and fills each fresh data dir's OCR cache with their results: the runs then measure the
main process's own work (routing, repair, extraction, storage), the OCR pool never starts.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pikepdf

ROOT = Path(__file__).resolve().parents[2]
SCANS = ROOT.parent / "shared" / "real-scans"
SAMPLES = ROOT / "samples" / "documents"
HELD_OUT = set(json.loads((ROOT / "bench" / "extract" / "split.json").read_text())["held_out"])
SAMPLE_S = 0.1


def source_pages() -> list[tuple[Path, int]]:
    """(file, page index) of every page the PDFs repeat: the design real scans, else the
    bundled scanned samples."""
    files = [p for p in sorted(SCANS.glob("*.pdf")) if p.name not in HELD_OUT]
    if not files:
        files = sorted(SAMPLES.glob("*-scan.pdf"))
    out = []
    for f in files:
        with pikepdf.open(f) as pdf:
            out += [(f, i) for i in range(len(pdf.pages))]
    return out


def build_pdf(dest: Path, n: int, pages: list[tuple[Path, int]]) -> Path:
    """A PDF of ``n`` pages: the source pages in order, repeated (forms carried along)."""
    out = pikepdf.new()
    opened: dict[Path, pikepdf.Pdf] = {}
    for k in range(n):
        src, i = pages[k % len(pages)]
        pdf = opened.setdefault(src, pikepdf.open(src))
        out.add_pages_from(pdf, [i])
    out.save(dest)
    for pdf in opened.values():
        pdf.close()
    return dest


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """The process and all its descendants (by parent ids in /proc)."""
    parents: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parents.get(p, [])
    return out


@dataclass
class Run:
    tree: str
    pages: int
    exit: int
    seconds: float
    s_per_page: float
    peak_main_mb: float
    peak_tree_mb: float
    stored: int


def ingest(code: Path, label: str, pdf: Path, pages: int, data: Path, workers: int) -> Run:
    """`sohoa ingest PDF` with the code of ``code``, sampling memory until it exits."""
    env = {**os.environ, "SOHOA_DATA": str(data), "SOHOA_WORKERS": str(workers),
           "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(code)}  # fmt: skip
    for var in ("SOHOA_DATABASE_URL", "SOHOA_BROKER_URL", "SOHOA_CACHE_DIR"):
        env.pop(var, None)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "service", "ingest", str(pdf)], cwd=code,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    main = tree = 0
    while proc.poll() is None:
        main = max(main, _rss(proc.pid))
        tree = max(tree, sum(_rss(p) for p in _tree(proc.pid)))
        time.sleep(SAMPLE_S)
    secs = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        print(f"  {label} {pages} pages: exit {proc.returncode}: {err[-500:]}", file=sys.stderr)
    with sqlite3.connect(data / "sohoa.db") as c:
        stored = c.execute("select count(*) from documents").fetchone()[0]
    mb = 1024 * 1024
    return Run(label, pages, proc.returncode, round(secs, 1), round(secs / pages, 2),
               round(main / mb), round(tree / mb), stored)  # fmt: skip


def baseline_tree(rev: str, dest: Path) -> Path:
    """The code of commit ``rev`` (``git archive``), to run beside this tree."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True,
                          capture_output=True).stdout  # fmt: skip
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def warm_cache(distinct: Path, pages: int, root: Path, workers: int) -> Path:
    """OCR the distinct pages once; returns their OCR cache folder (of that one PDF)."""
    data = root / "warm"
    run = ingest(ROOT, "warm-up", distinct, pages, data, workers)
    if run.exit != 0:
        sys.exit("the warm-up ingest failed")
    [folder] = (data / "cache" / "ocr").glob("*/*")  # <sha256>/<ocr version>
    return folder


def fill_cache(data: Path, pdf: Path, pages: int, distinct: int, ocr_folder: Path) -> None:
    """Give a fresh data dir the OCR results of ``pdf``'s pages, copied from the distinct
    pages they repeat (same layout as the pipeline's cache: <sha>/<version>/<page>.json;
    a page read from its text layer has none)."""
    from ingest import sha256_file

    folder = data / "cache" / "ocr" / sha256_file(pdf) / ocr_folder.name
    folder.mkdir(parents=True)
    for k in range(1, pages + 1):
        src = ocr_folder / f"{(k - 1) % distinct + 1:04d}.json"
        if not src.exists():
            continue
        page = json.loads(src.read_text())
        page["number"] = k
        (folder / f"{k:04d}.json").write_text(json.dumps(page, ensure_ascii=False))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", default="8,32,96,288", help="page counts, comma-separated")
    ap.add_argument("--baseline", default="main", help="commit to compare with (git archive)")
    ap.add_argument("--workers", type=int, default=2, help="SOHOA_WORKERS of every run")
    ap.add_argument("--warm-ocr", action="store_true", help="pre-fill the OCR cache")
    args = ap.parse_args()
    sizes = [int(n) for n in args.pages.split(",")]
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-memory-") as tmp:
        root = Path(tmp)
        base = baseline_tree(args.baseline, root / "baseline")
        pages = source_pages()
        distinct = build_pdf(root / "distinct.pdf", len(pages), pages)
        warm = args.warm_ocr
        ocr_folder = warm_cache(distinct, len(pages), root, args.workers) if warm else None
        for n in sizes:
            pdf = build_pdf(root / f"p{n}.pdf", n, pages)
            order = [(base, f"baseline {args.baseline}"), (ROOT, "this tree")]
            for code, label in order if n % 2 == 0 else order[::-1]:
                data = root / f"d{n}-{len(runs)}"
                if ocr_folder is not None:
                    fill_cache(data, pdf, n, len(pages), ocr_folder)
                runs.append(ingest(code, label, pdf, n, data, args.workers))
                shutil.rmtree(data, ignore_errors=True)
                print(asdict(runs[-1]), file=sys.stderr)
    report(runs, args)


def report(runs: list[Run], args: argparse.Namespace) -> None:
    mode = "OCR cache pre-filled" if args.warm_ocr else "cold (every page OCRed)"
    print(f"sohoa ingest, one PDF, SOHOA_WORKERS={args.workers}, {mode}")
    print("| pages | tree | exit | s | s/page | peak main MB | peak tree MB |")
    print("|---|---|---|---|---|---|---|")
    for r in sorted(runs, key=lambda r: (r.pages, r.tree)):
        print(f"| {r.pages} | {r.tree} | {r.exit} | {r.seconds} | {r.s_per_page} "
              f"| {r.peak_main_mb} | {r.peak_tree_mb} |")  # fmt: skip
    by = {(r.pages, r.tree.startswith("baseline")): r for r in runs}
    for n in sorted({r.pages for r in runs}):
        new, old = by.get((n, False)), by.get((n, True))
        if new and old and old.peak_main_mb and old.s_per_page:
            main = new.peak_main_mb / old.peak_main_mb
            print(f"{n} pages, this tree / baseline: main {main:.2f}x, "
                  f"tree {new.peak_tree_mb / old.peak_tree_mb:.2f}x, "
                  f"s/page {new.s_per_page / old.s_per_page:.2f}x")  # fmt: skip
    print(json.dumps([asdict(r) for r in runs]))


if __name__ == "__main__":
    main()
