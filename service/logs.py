"""Where sohoa's logs go: stderr, one line each, sohoa's own loggers at the level asked for.

Every module logs through ``logging.getLogger(__name__)``, so the top-level packages below
are the loggers to set. Other libraries (pdfminer, PIL, httpx...) stay at WARNING whatever
the verbosity: their debug output would bury ours.
"""

from __future__ import annotations

import logging
import sys

PACKAGES = ("schemas", "ingest", "ocr", "normalize", "extract", "service")
FORMAT = "%(levelname)s %(name)s: %(message)s"


def level_for(verbosity: int) -> int:
    """``-v`` shows what happens to each document (INFO), ``-vv`` each page's detail (DEBUG)."""
    return {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)


def configure(level: int) -> None:
    """Send logs to stderr and set sohoa's loggers to ``level`` (also in worker processes,
    which start with no logging set up)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format=FORMAT)
    for name in PACKAGES:
        logging.getLogger(name).setLevel(level)


def current_level() -> int:
    """sohoa's level in this process, to hand to worker processes."""
    return logging.getLogger("service").getEffectiveLevel()
