"""Start the OCR page pool, and queue the first pages, before the CLI is imported.

Importing the CLI (typer, the database layer, the extractor with spaCy and the
gazetteer) costs ~2.5 s of CPU before the first page could be queued, and the workers'
own start-up came after that: on two cores, the cold ``sohoa ingest`` of 16 pages spent
a quarter of its wall time with the workers idle. Here, first thing, for the commands
that OCR files given on the command line (``ingest``, ``text``, ``extract``), the
command line is read (only the global options ``--data`` and ``-v``), the files are
inspected (``ingest.inspect``: cheap, no OCR) and the pages that need OCR are queued on
the pool, which then reads them while the CLI imports. The pipeline adopts the pool and
takes each page's future instead of queueing it again (``service.pagepool``).

Speculative by nature, so bounded and careful: at most :data:`PAGES_PER_WORKER` pages per
worker; nothing for content already in the archive or in the OCR cache (it may need no
OCR at all), nor with a broker (other machines read the pages); anything unexpected here
drops the early start and the command runs as if there had been none.
"""

from __future__ import annotations

import logging
from pathlib import Path

import ingest
from ingest.detect import IMAGE_MIMES, PDF, sniff
from schemas import PageRoute
from service import logs, pagepool
from service.config import Settings
from service.inputs import iter_files

log = logging.getLogger(__name__)

COMMANDS = ("ingest", "text", "extract")  # the commands that OCR files named on the line
PAGES_PER_WORKER = 8  # queued early per worker: the pipeline queues the rest


def _parse(argv: list[str]) -> tuple[str | None, int, str, list[str]] | None:
    """(--data, verbosity, command, its arguments), or None for a command line this
    reader does not understand (the CLI will say what is wrong with it)."""
    data: str | None = None
    verbose = 0
    args = iter(argv)
    for arg in args:
        if arg == "--data":
            data = next(args, None)
        elif arg.startswith("--data="):
            data = arg.split("=", 1)[1]
        elif arg == "--verbose" or (arg.startswith("-v") and set(arg[1:]) == {"v"}):
            verbose += 1 if arg == "--verbose" else len(arg) - 1
        elif arg.startswith("-"):
            return None
        else:
            rest = list(args)
            if any(a.startswith("-") for a in rest):
                return None  # --help and the like
            return data, verbose, arg, rest
    return None


def _wants_ocr(path: Path) -> bool:
    """A PDF or image file: the kinds with pages to OCR (text files go through
    converters this start must not import)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2048)
    except OSError:
        return False
    return sniff(head) in (PDF, *IMAGE_MIMES)


def _queue_file(settings: Settings, path: Path, budget: int) -> int:
    """Queue the OCR pages of one file (at most ``budget``); return how many were."""
    intake = ingest.inspect(path, settings.limits)
    sha = intake.source.sha256
    known = settings.blobs_dir / sha[:2] / sha
    if known.exists() or (settings.cache_dir / "ocr" / sha).exists():
        return 0  # stored before, or OCRed before: the pipeline knows better
    queued = 0
    for page in intake.pages:
        if page.route != PageRoute.OCR or queued >= budget:
            continue
        args = (intake.source.mime, pagepool.OCR_DPI, settings.limits.ocr_timeout_s)
        pagepool.submit_early(sha, page.number, str(path), args)
        queued += 1
    return queued


def begin(argv: list[str]) -> None:
    """Start the pool and queue the first pages for an OCR command; otherwise nothing."""
    parsed = _parse(argv)
    if parsed is None or parsed[2] not in COMMANDS or not parsed[3]:
        return
    data, verbose, command, rest = parsed
    try:
        settings = Settings.from_env(data)
    except ValueError:
        return  # the CLI reports the bad setting
    if command == "ingest" and settings.broker_url:
        return
    files = [f for f in iter_files(Path(a) for a in rest) if _wants_ocr(f)]
    if not files:
        return
    budget = PAGES_PER_WORKER * settings.workers
    logging.disable(logging.CRITICAL)  # the pipeline inspects again and logs then
    try:
        pagepool.start_early(settings, logs.level_for(verbose))
        for path in files:
            if budget <= 0:
                break
            budget -= _queue_file(settings, path, budget)
    except Exception:  # an early start must never fail the command: the pipeline will
        pagepool.drop_early()
    finally:
        logging.disable(logging.NOTSET)


def end() -> None:
    """The command is over: stop a pool no pipeline adopted, cancel pages not taken."""
    pagepool.drop_early()
