"""The one atomic file write of the project: a temp file in the same folder, fsync, rename.

Originals, OCR cache entries, model caches and the repair's adaptation counts are written
this way so that a crash or a parallel writer never leaves a half-written file. Every layer
writes such files and all of them stand on ``schemas``, so it lives here.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def atomic_write_with(dest: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` on a temp file beside ``dest``, then rename it to ``dest``."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(dest: Path, data: bytes) -> None:
    """Write ``data`` to ``dest`` atomically."""
    atomic_write_with(dest, lambda f: f.write(data))


_ARTEFACT_CACHE: list[Path] = []  # set by the service from its settings (SOHOA_CACHE)


def use_artefact_cache(path: Path) -> None:
    """Keep built artefacts under ``path`` from now on in this process."""
    _ARTEFACT_CACHE[:] = [Path(path)]


def artefact_cache() -> Path:
    """Where built artefacts are kept: the repair model's compiled tables, the
    handwritten-digit classifier, build-time downloads. They depend on package versions
    only, so every archive of the user shares them: ~/.cache/sohoa unless the service's
    settings say otherwise (``use_artefact_cache``)."""
    return _ARTEFACT_CACHE[0] if _ARTEFACT_CACHE else Path.home() / ".cache" / "sohoa"
