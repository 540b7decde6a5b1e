"""What SQLite's side of storing a long document costs: one row against one row a page.

    .venv/bin/python -m bench.batch.rowcost --pages 8,288 --keep-ocr /tmp/ocr

Ingests the PDF of ``--pages`` pages (warm OCR cache, as ``bench.batch.phases``; this tree,
SQLite), then replays the write of its stored ``documents`` row in a fresh process and
database for each variant, and prints how far the process's resident memory rose above
where it stood before the write (its peak, VmHWM, reset just before; and after the
commit), in KiB. The strings are read before the reset: what is measured is the driver's
and SQLite's work (bound copies, the row's record, FTS5's pending terms, the page cache)
plus the UTF-8 copies the driver caches on non-ASCII strings; SQLite's page cache is
filled before the reset (an ingest's page rows fill it anyway).

Variants: ``whole`` (text, folded text and record JSON in one row, as stored now),
``text`` (text and folded only), ``record`` (the record JSON only), ``pages`` (the text
and folded text one row a page, the record left out); ``+fts`` adds the FTS5 index of
migration 0001 over the folded text (of the document, or of each page). What the issue's
"pages written as they finish" would save at this layer is ``whole+fts`` minus
``pages+fts``. Linux only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ("whole", "whole+fts", "text", "text+fts", "record", "pages", "pages+fts")
_FTS = (
    "CREATE VIRTUAL TABLE {t}_fts USING fts5(folded, content='{t}', tokenize='unicode61')",
    "CREATE TRIGGER {t}_fts_ai AFTER INSERT ON {t} BEGIN "
    "INSERT INTO {t}_fts(rowid, folded) VALUES (new.rowid, new.folded); END",
)


def _status() -> dict[str, int]:
    got = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                got[key] = int(value.split()[0])
    return got


def child(stored: Path, variant: str, scratch: Path) -> dict[str, int | str]:
    """Write the stored document's row again as ``variant`` says; KiB above the start."""
    with sqlite3.connect(stored) as c:
        text, folded, record = c.execute("SELECT text, folded, record FROM documents").fetchone()
    pages = list(zip(text.split("\f"), folded.split("\f"), strict=True))
    db = sqlite3.connect(scratch / "rowcost.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, text, folded, record)")
    db.execute("CREATE TABLE pages (doc INT, number INT, text, folded)")
    if variant.endswith("+fts"):
        for table in ("docs", "pages"):
            for sql in _FTS:
                db.execute(sql.format(t=table))
    # every statement once on a tiny row: compiled statements and schema are not measured
    db.execute("INSERT INTO docs VALUES (1, 'a', 'a', '{}')")
    db.execute("INSERT INTO pages VALUES (1, 1, 'a', 'a')")
    # SQLite's page cache (2 MB by default) filled first: in an ingest the page rows (OCR
    # words, ~45 KB a page) fill it whichever way the text is stored
    db.execute("CREATE TABLE filler (b)")
    db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 768) "
               "INSERT INTO filler SELECT randomblob(4096) FROM n")  # fmt: skip
    db.commit()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # VmHWM := VmRSS
    start = _status()["VmRSS"]
    kind = variant.removesuffix("+fts")
    row = {"whole": (text, folded, record), "text": (text, folded, "{}")}
    row["record"] = ("", "", record)
    row["pages"] = ("", "", "{}")
    db.execute("INSERT INTO docs VALUES (2, ?, ?, ?)", row[kind])
    if kind == "pages":
        for n, (t, f) in enumerate(pages, 1):
            db.execute("INSERT INTO pages VALUES (2, ?, ?, ?)", (n, t, f))
    db.commit()
    now = _status()
    return {"variant": variant, "peak_kib": now["VmHWM"] - start, "after_kib": now["VmRSS"] - start}


def ingest(pdf: Path, pages: int, distinct: int, ocr_folder: Path, data: Path) -> Path:
    """`sohoa ingest PDF` with this tree into ``data``; returns its database file."""
    from bench.batch.memory import fill_cache

    fill_cache(data, pdf, pages, distinct, ocr_folder)
    env = {**os.environ, "SOHOA_DATA": str(data), "OMP_THREAD_LIMIT": "1",
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    for var in ("SOHOA_DATABASE_URL", "SOHOA_BROKER_URL", "SOHOA_CACHE_DIR"):
        env.pop(var, None)
    subprocess.run([sys.executable, "-m", "service", "ingest", str(pdf)], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return data / "sohoa.db"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))))
        return
    from bench.batch.memory import build_pdf, source_pages, warm_cache

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", default="8,288", help="page counts, comma-separated")
    ap.add_argument("--keep-ocr", type=Path, help="keep the warm OCR results here (reused)")
    args = ap.parse_args()
    results: dict[int, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-rowcost-") as name:
        tmp = Path(name)
        pages = source_pages()
        kept = sorted(args.keep_ocr.glob("*/*.json")) if args.keep_ocr is not None else []
        if kept:
            folder = kept[0].parent
        else:
            folder = warm_cache(build_pdf(tmp / "distinct.pdf", len(pages), pages), len(pages),
                                tmp, 2)  # fmt: skip
            if args.keep_ocr is not None:
                folder = Path(shutil.copytree(folder, args.keep_ocr / folder.name))
        for n in (int(p) for p in args.pages.split(",")):
            pdf = build_pdf(tmp / f"p{n}.pdf", n, pages)
            stored = ingest(pdf, n, len(pages), folder, tmp / f"data-{n}")
            results[n] = {}
            for variant in VARIANTS:
                scratch = Path(tempfile.mkdtemp(dir=tmp))
                argv = [sys.executable, __file__, "--child", str(stored), variant, str(scratch)]
                out = subprocess.run(argv, check=True, capture_output=True, text=True)
                results[n][variant] = json.loads(out.stdout)
                shutil.rmtree(scratch)
    sizes = list(results)
    print("| variant | " + " | ".join(f"{n} pages: peak / after KiB" for n in sizes) + " |")
    print("|---" * (len(sizes) + 1) + "|")
    for variant in VARIANTS:
        cells = [f"{results[n][variant]['peak_kib']} / {results[n][variant]['after_kib']}"
                 for n in sizes]  # fmt: skip
        print(f"| {variant} | " + " | ".join(cells) + " |")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
