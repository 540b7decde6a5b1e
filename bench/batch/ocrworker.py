"""Does an OCR pool worker grow with the pages it has read? One worker's memory, page by page.

    .venv/bin/python -m bench.batch.ocrworker --pages 8 --rounds 4

Runs what a pool worker runs (``service.pagepool.worker_init``, then ``ocr.page.ocr_page``
for each page) in this process, over the first ``--pages`` pages of the design real scans
(held-out files are never used: ``bench.batch.memory.source_pages``), the same pages
``--rounds`` times. After each page it prints the resident memory between tasks (VmRSS)
and the peak so far (VmHWM). Growth from round to round over the same pages is memory the
worker keeps (a leak, a cache); growth within the first round only is the largest page
read so far setting the peak.
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from pathlib import Path

from bench.batch.memory import build_pdf, source_pages
from service.pagepool import worker_init


def _memory_mb() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) // 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=8, help="distinct pages a round reads")
    ap.add_argument("--rounds", type=int, default=4, help="times the same pages are read")
    args = ap.parse_args()
    worker_init()
    from ocr.page import ocr_page

    rows = []
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-ocrworker-") as tmp:
        pdf = build_pdf(Path(tmp) / "pages.pdf", args.pages, source_pages())
        for r in range(1, args.rounds + 1):
            for k in range(1, args.pages + 1):
                t0 = time.perf_counter()
                ocr_page(str(pdf), k, "application/pdf", 300, 180.0)
                gc.collect()
                m = _memory_mb()
                rows.append({"round": r, "page": k, "rss_mb": m["VmRSS"], "hwm_mb": m["VmHWM"],
                             "s": round(time.perf_counter() - t0, 1)})  # fmt: skip
                print(rows[-1], flush=True)
    for r in range(1, args.rounds + 1):
        rss = [x["rss_mb"] for x in rows if x["round"] == r]
        peak = [x["hwm_mb"] for x in rows if x["round"] == r][-1]
        print(f"round {r}: RSS between pages {min(rss)}-{max(rss)} MB, peak so far {peak} MB")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
