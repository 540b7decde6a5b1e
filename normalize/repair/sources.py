"""Build-time text sources for the repair model: only what PyPI and Debian packages ship.

- the ``underthesea`` wheel (fetched with ``pip download --no-deps`` into the cache, read as a
  zip, never imported): VLSP-2013 running text (legal/news prose) and the Viet74K word list;
- ``vietnamadminunits`` (a project dependency): names of provinces, districts and wards;
- Debian ``hunspell-vi`` (/usr/share/hunspell/vi_VN.dic): the syllable inventory.

Nothing here runs at repair time; ``normalize.repair.build`` turns these into the snapshot.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

UNDERTHESEA = "underthesea==9.5.0"
VLSP_MEMBER = "underthesea/pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt"
VIET74K_MEMBER = "underthesea/corpus/data/Viet74K.txt"
HUNSPELL_VI = Path("/usr/share/hunspell/vi_VN.dic")


def cache_dir() -> Path:
    """Where built artefacts live: $SOHOA_CACHE or ~/.cache/sohoa."""
    root = os.environ.get("SOHOA_CACHE") or Path.home() / ".cache" / "sohoa"
    return Path(root)


def underthesea_wheel() -> Path:
    """The pinned underthesea wheel, downloaded once (build time only) into the cache."""
    dest = cache_dir() / "wheels"
    found = sorted(dest.glob("underthesea-9.5.0-*.whl")) if dest.exists() else []
    if found:
        return found[0]
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(dest), UNDERTHESEA],
        check=True,
    )
    return sorted(dest.glob("underthesea-9.5.0-*.whl"))[0]


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def vlsp_sentences() -> list[str]:
    """VLSP-2013 sentences (word-segmented tokens re-joined with spaces), in file order."""
    with zipfile.ZipFile(underthesea_wheel()) as z:
        raw = z.read(VLSP_MEMBER).decode("utf-8")
    sents, cur = [], []
    for line in raw.splitlines():
        if not line.strip():
            if cur:
                sents.append(_detok(" ".join(cur)))
                cur = []
            continue
        cur.append(line.split("\t")[0])
    if cur:
        sents.append(_detok(" ".join(cur)))
    return [_nfc(s) for s in sents]


def _detok(s: str) -> str:
    """Undo the corpus' spaces before punctuation so renders look like ordinary prose."""
    for p in (" ,", " .", " ;", " :", " )", " !", " ?", " %"):
        s = s.replace(p, p[1:])
    return s.replace("( ", "(")


def viet74k_words() -> list[str]:
    """Viet74K dictionary entries (many multi-syllable words: bigram knowledge)."""
    with zipfile.ZipFile(underthesea_wheel()) as z:
        raw = z.read(VIET74K_MEMBER).decode("utf-8")
    return [_nfc(w.strip()) for w in raw.splitlines() if w.strip()]


def hunspell_words() -> list[str]:
    """Entries of Debian's hunspell-vi dictionary (single syllables), flags stripped."""
    if not HUNSPELL_VI.exists():
        return []
    lines = HUNSPELL_VI.read_text(encoding="utf-8").splitlines()[1:]
    return [_nfc(w.split("/")[0].strip()) for w in lines if w.strip()]


def admin_name_counts() -> Counter:
    """Unit names with and without their type word ('Tỉnh Sơn La', 'tỉnh Sơn La', 'Xã
    Chiềng Ban') -> wards they name or contain: a province's name counts once per ward of
    it, as big units are named more often."""
    import importlib.util
    import sqlite3

    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        return Counter()
    db = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    names: Counter = Counter()
    try:
        q = "SELECT province, provinceShort, district, districtShort, districtType, ward, " \
            "wardShort, wardType FROM admin_units_legacy"
        for prov, prov_s, dist, dist_s, dist_t, ward, ward_s, ward_t in con.execute(q):
            row = [prov, f"tỉnh {prov_s}", dist, f"{(dist_t or '').lower()} {dist_s}",
                   ward, f"{(ward_t or '').lower()} {ward_s}"]
            names.update({_nfc(n.strip()) for n in row if n and n.strip()})
    finally:
        con.close()
    return names
