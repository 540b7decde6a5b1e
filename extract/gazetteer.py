"""Place names from ``vietnamadminunits`` (the maintained table of Vietnam's units).

Provinces and districts (63-province table, which the archives use) and the
2025 units, keyed by their fold, so OCR-damaged or diacritic-less names
("QUANG NGAI", "Son La") are restored to their proper spelling.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process
from vietnamadminunits.database import query

from normalize.fold import fold

__all__ = ["places", "proper_place"]


@lru_cache(maxsize=1)
def places() -> dict[str, tuple[str, str]]:
    """Folded short name -> (proper short name, level) for provinces, districts and wards."""
    out: dict[str, tuple[str, str]] = {}
    rows = query("SELECT DISTINCT provinceShort, districtShort, wardShort FROM admin_units_legacy")
    for level in ("wardShort", "districtShort", "provinceShort"):  # provinces win on clashes
        for r in rows:
            name = r[level]
            if name and not re.search(r"\d", name):
                out[fold(name)] = (name, level.removesuffix("Short"))
    return out


@lru_cache(maxsize=1)
def _larger_units() -> list[str]:
    return [k for k, (_, level) in places().items() if level in ("province", "district")]


def proper_place(text: str, fuzzy: bool = False) -> str | None:
    """The gazetteer spelling of a place name written any which way, or None.

    ``fuzzy`` also accepts one OCR slip in a province or district name
    ("QUANG NGAÀI"), for header lines where a place is expected.
    """
    key = re.sub(r"\s+", " ", fold(text)).strip(" ,.")
    hit = places().get(key)
    if hit is None and fuzzy and len(key) >= 5:
        best = process.extractOne(key, _larger_units(), scorer=fuzz.ratio, score_cutoff=90)
        hit = places()[best[0]] if best else None
    return hit[0] if hit else None
