"""Place names from ``vietnamadminunits`` (the maintained table of Vietnam's units).

Provinces and districts (63-province table, which the archives use) and the
2025 units, keyed by their fold, so OCR-damaged or diacritic-less names
("QUANG NGAI", "Son La") are restored to their proper spelling.
"""

from __future__ import annotations

import re
from functools import lru_cache

from vietnamadminunits.database import query

from normalize.fold import fold

__all__ = ["places", "proper_place"]


@lru_cache(maxsize=1)
def places() -> dict[str, tuple[str, str]]:
    """Folded short name -> (proper short name, level) for provinces, districts and wards."""
    out: dict[str, tuple[str, str]] = {}
    rows = query(
        "SELECT DISTINCT provinceShort, districtShort, wardShort FROM admin_units_legacy"
    )
    for level in ("wardShort", "districtShort", "provinceShort"):  # provinces win on clashes
        for r in rows:
            name = r[level]
            if name and not re.search(r"\d", name):
                out[fold(name)] = (name, level.removesuffix("Short"))
    return out


def proper_place(text: str) -> str | None:
    """The gazetteer spelling of a place name written any which way, or None."""
    key = re.sub(r"\s+", " ", fold(text)).strip(" ,.")
    hit = places().get(key)
    return hit[0] if hit else None
