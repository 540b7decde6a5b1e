"""The user-path row alone: ``python -m bench.ocr.userpath [--jobs N] [--per-file K]``.

``python -m service ingest`` of two PDFs (clean and scan-like pages, ``--per-file`` pages
each), cold (a fresh data dir, start-up included), against raw ``tesseract -l vie --oem 1
--psm 3`` in one process on the same page images, in the same run; prints the wall ratio
and the CPU per page of both process trees (the figure to trust on a shared machine).
"""

from __future__ import annotations

import argparse
import json

from bench.ocr.run import OUT, make_pages, print_user_path, user_path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.ocr.userpath", description=__doc__)
    ap.add_argument("--jobs", type=int, default=2, help="SOHOA_WORKERS of the ingest")
    ap.add_argument("--per-file", type=int, default=8, help="pages in each of the two PDFs")
    args = ap.parse_args(argv)
    result = user_path(make_pages(False), args.jobs, args.per_file)
    print_user_path(result)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "userpath.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
