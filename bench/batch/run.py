"""Batch throughput (1 vs 2 page workers) and a kill -9 / resume run, through the real CLI.

    .venv/bin/python -m bench.batch.run            # 200 documents
    .venv/bin/python -m bench.batch.run --quick    # 40 documents

The batch mixes variants of the bundled samples (so every sha256 differs and nothing is
"already known"): clean texts, English-OCR-damaged texts (repair runs), born-digital PDFs
and scanned PDFs (real OCR; each run starts with an empty OCR cache). The 1-worker run is
the baseline; figures are ratios against it because the machine is shared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.jobs_support import ROOT, SAMPLES, pdf_variant, sohoa_cmd


def make_batch(folder: Path, n: int, scan_share: float) -> list[Path]:
    """``n`` documents: texts, damaged texts, born-digital and scanned PDFs, all distinct."""
    folder.mkdir(parents=True)
    texts = sorted(SAMPLES.glob("*.txt"))
    pdfs = sorted(p for p in SAMPLES.glob("*.pdf") if not p.stem.endswith("-scan"))
    scans = sorted(SAMPLES.glob("*-scan.pdf"))
    n_scan = max(1, round(n * scan_share))
    n_pdf = (n - n_scan) // 3
    out = []
    for i in range(n - n_scan - n_pdf):
        src = texts[i % len(texts)]
        dest = folder / f"t{i:04d}-{src.name}"
        dest.write_text(src.read_text(encoding="utf-8") + f"\nBản sao số {i}.\n", "utf-8")
        out.append(dest)
    for i in range(n_pdf):
        src = pdfs[i % len(pdfs)]
        out.append(pdf_variant(src, folder / f"p{i:04d}-{src.name}", i))
    for i in range(n_scan):
        src = scans[i % len(scans)]
        out.append(pdf_variant(src, folder / f"s{i:04d}-{src.name}", i))
    return out


def _env(data: Path, workers: int) -> dict[str, str]:
    env = {**os.environ, "SOHOA_DATA": str(data), "SOHOA_WORKERS": str(workers),
           "SOHOA_CACHE_DIR": str(data / "cache"), "OMP_THREAD_LIMIT": "1"}  # fmt: skip
    env.pop("SOHOA_DATABASE_URL", None)
    env.pop("SOHOA_BROKER_URL", None)
    return env


def _query(data: Path, sql: str) -> list[tuple]:
    db = data / "sohoa.db"
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as c:
            return c.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []


def throughput(folder: Path, files: int, workers: int, root: Path) -> dict:
    data = root / f"w{workers}"
    t0 = time.perf_counter()
    res = subprocess.run(sohoa_cmd("ingest", str(folder)), env=_env(data, workers),
                         capture_output=True, cwd=ROOT)  # fmt: skip
    secs = time.perf_counter() - t0
    [(docs, pages)] = _query(data, "select count(*), coalesce(sum(pages), 0) from documents")
    failed = _query(data, "select count(*) from batch_items where state = 'failed'")[0][0]
    reasons = _query(data, "select error_kind, error, count(*) from batch_items "
                           "where state = 'failed' group by error_kind, error")  # fmt: skip
    for kind, error, count in reasons:
        print(f"  {workers} worker(s): {count} failed: {kind}: {error}", file=sys.stderr)
    if res.returncode not in (0, 10):
        sys.exit(f"ingest failed ({res.returncode}): {res.stderr.decode()[-2000:]}")
    return {"workers": workers, "files": files, "documents": docs, "failed": failed,
            "pages": pages, "seconds": round(secs, 1),
            "docs_per_min": round(docs / secs * 60, 1),
            "pages_per_min": round(pages / secs * 60, 1)}  # fmt: skip


def crash_resume(folder: Path, inputs: list[Path], root: Path) -> dict:
    """kill -9 the ingest at ~40% of the batch, mid-chunk, then `sohoa resume`; count."""
    data = root / "crash"
    env = _env(data, 2)
    proc = subprocess.Popen(sohoa_cmd("ingest", str(folder)), env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    target = int(len(inputs) * 0.4)
    while True:
        rows = dict(_query(data, "select state, count(*) from batch_items group by state"))
        mid_chunk = rows.get("done", 0) >= target and rows.get("processing", 0) > 0
        if mid_chunk or proc.poll() is not None:  # kill while items are being worked on
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    at_kill = dict(_query(data, "select state, count(*) from batch_items group by state"))
    docs_at_kill = _query(data, "select count(*) from documents")[0][0]
    res = subprocess.run(sohoa_cmd("resume"), env=env, capture_output=True, cwd=ROOT)
    after = dict(_query(data, "select state, count(*) from batch_items group by state"))
    [(docs, distinct)] = _query(data, "select count(*), count(distinct sha256) from documents")
    stored = {sha for (sha,) in _query(data, "select sha256 from documents")}
    wanted = {hashlib.sha256(p.read_bytes()).hexdigest() for p in inputs}
    return {"files": len(inputs), "items_at_kill": at_kill, "documents_at_kill": docs_at_kill,
            "resume_exit": res.returncode, "items_after": after, "documents_after": docs,
            "duplicates": docs - distinct, "lost": len(wanted - stored)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="40 documents instead of 200")
    ap.add_argument("-n", type=int, default=0, help="number of documents")
    ap.add_argument("--scan-share", type=float, default=0.05, help="share of scanned PDFs")
    args = ap.parse_args()
    n = args.n or (40 if args.quick else 200)
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-batch-") as tmp:
        root = Path(tmp)
        folder = root / "in"
        inputs = make_batch(folder, n, args.scan_share)
        one = throughput(folder, n, 1, root)
        two = throughput(folder, n, 2, root)
        crash = crash_resume(folder, inputs, root)
    print(f"{'workers':>7} {'docs':>5} {'pages':>5} {'failed':>6} {'s':>7} "
          f"{'docs/min':>9} {'pages/min':>9}")  # fmt: skip
    for r in (one, two):
        print(f"{r['workers']:>7} {r['documents']:>5} {r['pages']:>5} {r['failed']:>6} "
              f"{r['seconds']:>7} {r['docs_per_min']:>9} {r['pages_per_min']:>9}")  # fmt: skip
    print(f"2 workers / 1 worker: {two['docs_per_min'] / one['docs_per_min']:.2f}x documents/min")
    print(f"crash-resume: killed with {crash['items_at_kill']} "
          f"({crash['documents_at_kill']} documents stored); after resume {crash['items_after']}, "
          f"{crash['documents_after']} documents, duplicates {crash['duplicates']}, "
          f"lost {crash['lost']}")  # fmt: skip
    print(json.dumps({"throughput": [one, two], "crash_resume": crash}, ensure_ascii=False))


if __name__ == "__main__":
    main()
