"""What the repair tests share: the seed texts (the models, empty and adapted on the clean
seeds, are the ``model`` and ``adapted`` fixtures of conftest)."""

from __future__ import annotations

from tests.conftest import SEEDS, need


def seed(prefix: str) -> str:
    """A seed text by its number; skips locally (fails under CI=true) without shared/."""
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    need(bool(found), f"seed texts not beside the repo ({SEEDS})")
    return found[0].read_text(encoding="utf-8")
