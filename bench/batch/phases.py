"""Where the main process of `sohoa ingest` reaches its peak: resident memory per phase.

    .venv/bin/python -m bench.batch.phases --pages 8,288                # this tree
    .venv/bin/python -m bench.batch.phases --pages 8,288 --baseline main

Runs `sohoa ingest PDF` (warm OCR cache, as ``bench.batch.memory --warm-ocr``; SQLite) in
a subprocess whose functions at the phase boundaries are wrapped: at the end of each phase
it prints the process's resident memory (VmRSS) and its peak during that phase (VmHWM,
reset at every boundary through ``/proc/self/clear_refs``), so a phase's own peak shows
even when an earlier phase's was higher. Linux only. The memory figure of record stays
``bench.batch.memory``; this says which phase a change should aim at.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PHASES = (  # (module, attribute path, phase ending as it is called, phase ending as it returns)
    ("service.earlystart", "begin", None, "early start (inspection, pool)"),
    ("service.pipeline", "Pipeline._start", None, "pipeline inspection"),
    ("service.pipeline", "Pipeline.extract", "page loop (repair model load)", "extraction"),
    ("ingest.pdfsig", "read_signatures", None, "signatures"),
    ("service.storage.repo", "write_pages", "document row (record, text, folded, FTS)", None),
    ("service.storage.repo", "write_document", None, "page rows"),
    ("service.outcome", "save_document", None, "review items, change event"),
    ("service.outcome", "store", None, "commit, learning"),
)


def _status() -> tuple[int, int]:
    """(VmRSS, VmHWM) of this process in MB."""
    got = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                got[key] = int(value.split()[0]) // 1024
    return got["VmRSS"], got["VmHWM"]


def _mark(label: str, out: list[dict[str, Any]]) -> None:
    rss, hwm = _status()
    out.append({"phase": label, "rss": rss, "peak": hwm})
    if tracemalloc.is_tracing():  # --traced: what Python holds, and its biggest holders
        now, peak = tracemalloc.get_traced_memory()
        out[-1]["python"], out[-1]["python_peak"] = now >> 20, peak >> 20
        tracemalloc.reset_peak()
        top = tracemalloc.take_snapshot().statistics("lineno")[:12]
        out[-1]["top"] = [f"{t.size // 1024} KiB {t.traceback}" for t in top]
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # VmHWM := VmRSS: the next mark shows the next phase's own peak


def _wrap(owner: Any, name: str, before: str | None, after: str | None, out: list) -> None:
    fn: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if before:
            _mark(before, out)
        result = fn(*args, **kwargs)
        if after:
            _mark(after, out)
        return result

    setattr(owner, name, wrapped)


def child(argv: list[str], report: Path) -> None:
    """Run the `sohoa` command line with the phase boundaries wrapped."""
    import importlib

    if os.environ.get("PHASES_TRACED"):
        tracemalloc.start()
    out: list[dict[str, Any]] = []
    _mark("start", out)
    for module, attr, before, after in PHASES:
        owner: Any = importlib.import_module(module)
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        _wrap(owner, name, before, after, out)
    sys.argv = ["sohoa", *argv]
    try:
        from service.entry import main

        main()
    finally:
        _mark("end", out)
        report.write_text(json.dumps(out))


def run(code: Path, pdf: Path, pages: int, distinct: int, ocr_folder: Path, tmp: Path) -> list:
    from bench.batch.memory import fill_cache

    data = tmp / f"phases-{pages}"
    shutil.rmtree(data, ignore_errors=True)
    fill_cache(data, pdf, pages, distinct, ocr_folder)
    report = tmp / "phases.json"
    env = {**os.environ, "SOHOA_DATA": str(data), "SOHOA_WORKERS": "2",
           "OMP_THREAD_LIMIT": "1", "PYTHONPATH": str(code)}  # fmt: skip
    for var in ("SOHOA_DATABASE_URL", "SOHOA_BROKER_URL", "SOHOA_CACHE_DIR"):
        env.pop(var, None)
    subprocess.run([sys.executable, __file__, "--child", str(report), "ingest", str(pdf)],
                   cwd=code, env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    shutil.rmtree(data, ignore_errors=True)
    return list(json.loads(report.read_text()))


def _cell(mark: dict[str, Any]) -> str:
    traced = f" (Python {mark['python']} / {mark['python_peak']})" if "python" in mark else ""
    return f"{mark['rss']} / {mark['peak']}{traced}"


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[3:], Path(sys.argv[2]))
        return
    from bench.batch.memory import baseline_tree, build_pdf, source_pages, warm_cache

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", default="8,288", help="page counts, comma-separated")
    ap.add_argument("--baseline", help="also run this commit (git archive)")
    ap.add_argument("--traced", action="store_true", help="tracemalloc too (slow)")
    ap.add_argument("--keep-ocr", type=Path, help="keep the warm OCR results here (reused)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-phases-") as name:
        tmp = Path(name)
        trees = [("this", ROOT)]
        if args.baseline:
            trees.insert(0, (args.baseline, baseline_tree(args.baseline, tmp / "baseline")))
        pages = source_pages()
        distinct = build_pdf(tmp / "distinct.pdf", len(pages), pages)
        keep = args.keep_ocr
        kept = sorted(keep.glob("*/*.json")) if keep is not None else []
        if kept:
            folder = kept[0].parent  # named by the OCR version, as the cache's folders are
        else:
            folder = warm_cache(distinct, len(pages), tmp, 2)
            if keep is not None:
                folder = Path(shutil.copytree(folder, keep / folder.name))
        print(f"OCR cache: {folder}", file=sys.stderr)
        if args.traced:
            os.environ["PHASES_TRACED"] = "1"
        results: dict[tuple[str, int], list] = {}
        for n in (int(p) for p in args.pages.split(",")):
            pdf = build_pdf(tmp / f"p{n}.pdf", n, pages)
            for label, code in trees:
                results[label, n] = run(code, pdf, n, len(pages), folder, tmp)
                print(label, n, results[label, n], file=sys.stderr)
    keys = list(results)
    print("| phase (end of) | " + " | ".join(f"{t} {n}: rss / peak" for t, n in keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for i, row in enumerate(results[keys[0]]):
        cells = [_cell(r[i]) if i < len(r) else "" for r in results.values()]
        print(f"| {row['phase']} | " + " | ".join(cells) + " |")
    print(json.dumps({f"{t} {n}": r for (t, n), r in results.items()}))


if __name__ == "__main__":
    main()
