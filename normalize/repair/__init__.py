"""Repair Vietnamese text damaged by English-model OCR ("Hoi Khuyén hoc" -> "Hội Khuyến học").

Public API (used by service/): ``load_model``, ``RepairModel.repair`` / ``damage_score``,
``learn_clean_text`` (in-domain adaptation from the archive's clean documents) and
``needs_repair``. The model is a versioned snapshot (``MODEL_VERSION``) committed under
``normalize/repair/data``; ``python -m bench.repair.build`` rebuilds it from package data.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from schemas import RepairEdit

MODEL_VERSION = "vi-repair-2026.11-1"
ADAPT_FILE = "repair-adapt.json"
NEEDS_REPAIR_THRESHOLD = 0.12
MIN_JUDGED_TOKENS = 3


def data_path() -> Path:
    """The committed snapshot of MODEL_VERSION."""
    return Path(__file__).parent / "data" / f"{MODEL_VERSION}.json.gz"


@dataclass
class RepairResult:
    """Repaired text, the changed spans (offsets into the new text + what was there), score."""

    text: str
    edits: list[RepairEdit] = field(default_factory=list)
    score: float = 0.0


class RepairModel:
    """A loaded snapshot, optionally adapted to an archive; ``version`` goes into provenance."""

    def __init__(self, repairer, version: str) -> None:
        self._r = repairer
        self.version = version

    def damage_score(self, text: str) -> float:
        """0 = clean Vietnamese, 1 = heavily damaged: estimated share of damaged syllables."""
        return self._r.damage(text)[0]

    def repair(self, text: str) -> RepairResult:
        """Restore diacritics/letters; same lines out as in, clean text passes unchanged.

        Works on the text as given (callers store NFC, see normalize.unicode.clean_text):
        only damaged word tokens change, so edits map back to the input exactly.
        """
        src = text
        score, n = self._r.damage(src)
        p_dmg = score if n >= MIN_JUDGED_TOKENS else min(score, 0.05)
        out, edits, pos, shift = [], [], 0, 0
        for start, end, new in self._r.decode(src, p_dmg):
            out.append(src[pos:start])
            s = start + shift
            edits.append(RepairEdit(start=s, end=s + len(new), original=src[start:end]))
            out.append(new)
            shift += len(new) - (end - start)
            pos = end
        out.append(src[pos:])
        return RepairResult(text="".join(out), edits=edits, score=score)


def _read_snapshot() -> dict:
    with gzip.open(data_path(), "rt", encoding="utf-8") as f:
        return json.load(f)


_BASE: dict = {}


def _base():
    """Snapshot and base LM, built once per process."""
    if not _BASE:
        from normalize.repair.lm import KneserNey

        snap = _read_snapshot()
        _BASE["snap"] = snap
        _BASE["lm"] = KneserNey(snap["bigrams"], len(snap["syllables"]))
    return _BASE["snap"], _BASE["lm"]


def _read_adapt(adapt_dir: Path) -> dict:
    p = Path(adapt_dir) / ADAPT_FILE
    if not p.exists():
        return {"unigrams": {}, "bigrams": {}}
    return json.loads(p.read_text(encoding="utf-8"))


def load_model(adapt_dir: Path | None = None) -> RepairModel:
    """Load the snapshot (+ in-domain counts from adapt_dir, if any). Fast after first use."""
    from normalize.repair.lm import KneserNey, MixedLM
    from normalize.repair.model import Repairer

    snap, base = _base()
    version = snap["version"]
    domain, mu, extra = None, 0.0, None
    if adapt_dir is not None:
        ad = _read_adapt(adapt_dir)
        if ad["bigrams"]:
            domain = KneserNey(ad["bigrams"], len(snap["syllables"]))
            mu = min(0.5, domain.size / (domain.size + 3000))
            extra = ad["unigrams"]
            version = f"{version}+adapt{domain.size}"
    return RepairModel(Repairer(snap, MixedLM(base, domain, mu), extra), version)


def learn_clean_text(adapt_dir: Path, text: str) -> None:
    """Add a clean document's syllable counts to the archive's in-domain model (atomic)."""
    from normalize.repair.lm import START
    from normalize.repair.model import STRONG_BREAK
    from normalize.repair.syllables import TOKEN, is_valid
    from normalize.unicode import clean_text, tone_key

    snap, _ = _base()
    rhymes = frozenset(snap["rhymes"])
    adapt_dir = Path(adapt_dir)
    adapt_dir.mkdir(parents=True, exist_ok=True)
    ad = _read_adapt(adapt_dir)
    uni, bi = Counter(ad["unigrams"]), Counter(ad["bigrams"])
    text = clean_text(text)
    prev, pos = START, 0
    for m in TOKEN.finditer(text):
        if STRONG_BREAK.search(text[pos : m.start()]):
            prev = START
        pos = m.end()
        key = tone_key(m.group())
        if not is_valid(key, rhymes):
            prev = START
            continue
        uni[key] += 1
        bi[f"{prev} {key}"] += 1
        prev = key
    payload = json.dumps({"unigrams": uni, "bigrams": bi, "updated": time.time()},
                         ensure_ascii=False)
    fd, tmp = tempfile.mkstemp(dir=adapt_dir, prefix=".repair-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(payload)
    os.replace(tmp, adapt_dir / ADAPT_FILE)


def needs_repair(text: str, model: RepairModel | None = None) -> bool:
    """True when the text looks damaged enough to run the repair on it."""
    m = model or load_model()
    return m.damage_score(text) >= NEEDS_REPAIR_THRESHOLD


__all__ = [
    "MODEL_VERSION",
    "RepairModel",
    "RepairResult",
    "learn_clean_text",
    "load_model",
    "needs_repair",
]
