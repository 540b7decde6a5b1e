"""The ``sohoa`` command's entry point, in a module that imports nothing at top level.

The page pool spawns its workers, and a spawned worker re-runs the parent's main script
(for ``python -m service`` it does not). The console script generated for ``sohoa``
imports its entry point's module at top level: pointing it at ``service.cli`` made every
pool worker import the CLI and with it the whole pipeline (~2 s of CPU per worker, before
its first page). The CLI is imported here only when the command runs, after the page
pool has been started and given its first pages (``service.earlystart``).
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the ``sohoa`` command line (service.cli), the OCR pool started first."""
    from service import earlystart

    earlystart.begin(sys.argv[1:])
    try:
        from service.cli import main as cli_main

        cli_main()
    finally:
        earlystart.end()
