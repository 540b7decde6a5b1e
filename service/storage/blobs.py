"""Content-addressed store for originals and derived files: never modified once written."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from schemas.files import atomic_write_with


class BlobStore:
    """Files named by their sha256 under ``root/ab/abcdef...``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    @staticmethod
    def sha256_of(path: Path) -> str:
        """Hash a file in chunks: originals may be large."""
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()

    def delete(self, sha256: str) -> bool:
        """Remove a stored file (an original nothing refers to any more)."""
        path = self.path(sha256)
        existed = path.exists()
        path.unlink(missing_ok=True)
        return existed

    def put_file(self, src: Path, sha256: str) -> Path:
        """Copy ``src`` in unless the same content is already there."""
        dest = self.path(sha256)
        if dest.exists():
            os.utime(dest)  # in use again: the start-up sweep judges strays by their age
        else:
            with open(src, "rb") as inp:
                atomic_write_with(dest, lambda out: shutil.copyfileobj(inp, out, 1 << 20))
        return dest

    def put_bytes(self, data: bytes) -> str:
        """Store bytes; return their sha256."""
        sha = hashlib.sha256(data).hexdigest()
        dest = self.path(sha)
        if not dest.exists():
            atomic_write_with(dest, lambda out: out.write(data))
        return sha
