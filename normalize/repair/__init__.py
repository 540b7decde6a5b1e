"""Repair Vietnamese text damaged by English-model OCR ("Hoi Khuyén hoc" -> "Hội Khuyến học").

Public API (used by service/): ``load_model``, ``RepairModel.repair`` / ``damage_score``,
``learn_clean_text`` (in-domain adaptation from the archive's clean documents) and
``needs_repair``. The model is a versioned snapshot (``MODEL_VERSION``) committed under
``normalize/repair/data``; ``python -m bench.repair.build`` rebuilds it from package data.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import gzip
import json
import logging
import pickle
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schemas import RepairDoubt, RepairEdit
from schemas.files import artefact_cache, atomic_write_with, write_atomic

if TYPE_CHECKING:  # the model modules load lazily: importing this package stays cheap
    from normalize.repair.lm import KneserNey
    from normalize.repair.model import Repairer

log = logging.getLogger(__name__)

MODEL_VERSION = "vi-repair-2026.12-7"
ADAPT_FILE = "repair-adapt.json"
# Damage of 10-line chunks: clean text <= 0.13, English-OCR damage >= 0.81 (bench pairs).
NEEDS_REPAIR_THRESHOLD = 0.3
PRIOR_TOKENS = 10
# In-domain LM weight: grows with the archive's clean text (syllables), up to ADAPT_MAX.
ADAPT_MAX = 0.5
ADAPT_HALF = 3000
# A syllable the archive capitalises inside sentences (PROPER_MIN times at least, in
# PROPER_SHARE of its occurrences) is a name or an institution of the archive: see
# normalize.repair.model.CASE_BONUS.
PROPER_MIN = 2
PROPER_SHARE = 0.5
CACHE_FORMAT = 9  # bump when the pickled structures change


def data_path() -> Path:
    """The committed snapshot of MODEL_VERSION."""
    return Path(__file__).parent / "data" / f"{MODEL_VERSION}.json.gz"


@dataclass
class RepairResult:
    """Repaired text, the changed spans (offsets into the new text + what was there), score,
    and the words whose reading is in doubt (offsets into the new text)."""

    text: str
    edits: list[RepairEdit] = field(default_factory=list)
    score: float = 0.0
    doubts: list[RepairDoubt] = field(default_factory=list)


class RepairModel:
    """A loaded snapshot, optionally adapted to an archive; ``version`` goes into provenance."""

    def __init__(self, repairer: Repairer, version: str) -> None:
        self._r = repairer
        self.version = version

    def damage_score(self, text: str) -> float:
        """0 = clean Vietnamese, 1 = heavily damaged: estimated share of damaged syllables.

        A long text is judged on evenly spaced samples: the score is a share, and a
        10 MB file must not take minutes to be judged.
        """
        return self._r.damage(_sample(text))[0]

    def fix_tones(self, text: str) -> RepairResult:
        """Put right tone slips of Vietnamese-model OCR text (see normalize.repair.tones).

        Only tones change, so the text keeps its length and OCR word offsets stay valid.
        """
        from normalize.repair.tones import tone_edits

        self._r.bound_memos()  # every OCR page comes here
        return _applied(text, tone_edits(text, self._r.lm), 0.0)

    def repair(self, text: str) -> RepairResult:
        """Restore diacritics/letters; same lines out as in, clean text passes unchanged.

        Works on the text as given (callers store NFC, see normalize.unicode.clean_text):
        only damaged word tokens change, so edits map back to the input exactly.
        """
        src = text
        score, n = self._r.damage(_sample(src))
        p_dmg = score * n / (n + PRIOR_TOKENS)  # short texts: lean towards "clean"
        decoded = self._r.decode(src, p_dmg)
        return _applied(src, decoded.changes, score, decoded.doubts)


def _applied(
    src: str,
    changes: Iterable[tuple[int, int, str]],
    score: float,
    doubts: Iterable[tuple[int, int, float]] = (),
) -> RepairResult:
    """The text with ``(start, end, new)`` changes made, and each edit's span and each
    doubtful word's span (``(start, end, p)`` of the source) in the new text."""
    out: list[str] = []
    edits: list[RepairEdit] = []
    starts: list[int] = []  # each change's start in the source, and the shift after it
    shifts: list[int] = []
    pos = shift = 0
    for start, end, new in changes:
        out.append(src[pos:start])
        s = start + shift
        # offsets and text made here: no validation needed (a damaged page has thousands)
        edits.append(RepairEdit.model_construct(start=s, end=s + len(new), original=src[start:end]))
        out.append(new)
        shift += len(new) - (end - start)
        starts.append(start)
        shifts.append(shift)
        pos = end
    out.append(src[pos:])
    moved = []
    for start, end, p in doubts:  # a doubtful word is one token: changed whole or not at all
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and starts[i] == start:
            a, b = edits[i].start, edits[i].end
        else:
            before = shifts[i] if i >= 0 else 0
            a, b = start + before, end + before
        moved.append(RepairDoubt.model_construct(start=a, end=b, p=p))
    return RepairResult(text="".join(out), edits=edits, score=score, doubts=moved)


def _read_snapshot() -> dict[str, Any]:
    with gzip.open(data_path(), "rt", encoding="utf-8") as f:
        return json.load(f)


_BASE: dict[str, Any] = {}


def _cache_file() -> Path:
    from normalize.repair.lexicon import settings_key

    st = data_path().stat()
    stamp = f"{settings_key()}-{st.st_size}-{int(st.st_mtime)}"
    return artefact_cache() / f"repair-{MODEL_VERSION}-c{CACHE_FORMAT}-{stamp}.pickle"


def _build_base() -> tuple[dict[str, Any], KneserNey]:
    """Parse the snapshot, smooth the LM and compile the lexicon (slow: seconds); cached."""
    from normalize.repair.lexicon import Lexicon
    from normalize.repair.lm import KneserNey, new_ids

    snap = _read_snapshot()
    snap["ids"] = new_ids()
    lm = KneserNey(
        snap["ids"], snap.pop("bigrams"), len(snap["syllables"]), snap.pop("trigrams", None)
    )
    snap["lexicon"] = Lexicon(snap, snap["ids"])
    snap["lexicon"].compile()
    return snap, lm


def _base() -> tuple[dict[str, Any], KneserNey]:
    """Snapshot and base LM: once per process, from a pickle cache after the first build."""
    if not _BASE:
        cache = _cache_file()
        try:
            with cache.open("rb") as f:
                snap, lm = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            log.info("building the repair model %s (first use); cached in %s", MODEL_VERSION, cache)
            snap, lm = _build_base()
            _write_cache(cache, (snap, lm))
        _BASE["snap"], _BASE["lm"] = snap, lm
    return _BASE["snap"], _BASE["lm"]


def _write_cache(path: Path, obj: object) -> None:
    """Atomic write; a read-only or missing cache dir only costs speed."""
    with contextlib.suppress(OSError):
        atomic_write_with(path, lambda f: pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL))


def _read_adapt(adapt_dir: Path) -> dict:
    p = Path(adapt_dir) / ADAPT_FILE
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or unreadable: adaptation starts afresh
        return {"unigrams": {}, "bigrams": {}}
    return data if isinstance(data, dict) and "bigrams" in data else {"unigrams": {}, "bigrams": {}}


_MODELS: dict[tuple[str, int], RepairModel] = {}


def load_model(adapt_dir: Path | None = None) -> RepairModel:
    """Load the snapshot (+ in-domain counts from adapt_dir, if any). Fast after first use.

    The same model (and its warm caches) is returned again while the adaptation file is
    unchanged, so callers may load per job.
    """
    key = ("", 0)
    if adapt_dir is not None:
        p = Path(adapt_dir) / ADAPT_FILE
        key = (str(p.resolve()), p.stat().st_mtime_ns if p.exists() else 0)
    if key not in _MODELS:
        if len(_MODELS) >= 4:
            _MODELS.clear()
        _MODELS[key] = _load(adapt_dir)
    return _MODELS[key]


def _load(adapt_dir: Path | None) -> RepairModel:
    from normalize.repair.lm import KneserNey, MixedLM
    from normalize.repair.model import Repairer

    snap, base = _base()
    version = snap["version"]
    domain, mu, acro = None, 0.0, dict(snap.get("acronyms", {}))
    proper: frozenset[str] = frozenset()
    if adapt_dir is not None:
        ad = _read_adapt(adapt_dir)
        if ad["bigrams"]:
            domain = KneserNey(
                snap["ids"], ad["bigrams"], len(snap["syllables"]), ad.get("trigrams")
            )
            mu = min(ADAPT_MAX, domain.size / (domain.size + ADAPT_HALF))
            acro.update(ad.get("acronyms", {}))
            proper = _proper(ad)
            version = f"{version}+adapt{domain.size}"
            log.debug("repair model adapted to %s: %s, weight %.2f", adapt_dir, version, mu)
    lm = MixedLM(snap["ids"], base, domain, mu)
    return RepairModel(Repairer(snap["lexicon"], lm, acro, proper), version)


def _proper(ad: dict) -> frozenset[str]:
    """Syllables the archive writes with a capital inside sentences most of the times it
    writes them, and at least PROPER_MIN times ("Đảng", "Sở", "Đài")."""
    uni = ad.get("unigrams", {})
    return frozenset(
        k
        for k, n in ad.get("capitals", {}).items()
        if n >= PROPER_MIN and n >= PROPER_SHARE * uni.get(k, n)
    )


def learn_clean_text(adapt_dir: Path, text: str) -> None:
    """Add a clean document's syllable counts to the archive's in-domain model (atomic)."""
    from normalize.repair.lm import count_ngrams
    from normalize.repair.syllables import acronyms_of, capitals_of
    from normalize.unicode import clean_text

    snap, _ = _base()
    adapt_dir = Path(adapt_dir)
    adapt_dir.mkdir(parents=True, exist_ok=True)
    text = clean_text(text)
    # Worker processes ingest in parallel: serialise read-modify-write with a lock file.
    with (adapt_dir / ".repair-adapt.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ad = _read_adapt(adapt_dir)
        counts = {k: Counter(ad.get(k, {})) for k in ("unigrams", "bigrams", "trigrams")}
        count_ngrams(text, frozenset(snap["rhymes"]), counts)
        acro = {**ad.get("acronyms", {}), **acronyms_of(text)}
        caps = Counter(ad.get("capitals", {}))
        caps.update(capitals_of(text))
        payload = json.dumps(
            {**counts, "acronyms": acro, "capitals": caps, "updated": time.time()},
            ensure_ascii=False,
        )
        write_atomic(adapt_dir / ADAPT_FILE, payload.encode("utf-8"))
    log.debug("in-domain repair counts: %d syllables in all", sum(counts["unigrams"].values()))


SAMPLE_CHARS = 120_000


def _sample(text: str, limit: int = SAMPLE_CHARS, pieces: int = 12) -> str:
    """The text itself when short, else ``pieces`` evenly spaced slices cut at spaces."""
    if len(text) <= limit:
        return text
    size, step = limit // pieces, len(text) // pieces
    out = []
    for i in range(pieces):
        chunk = text[i * step : i * step + size]
        a, b = chunk.find(" "), chunk.rfind(" ")
        out.append(chunk[a + 1 : b] if 0 <= a < b else chunk)
    return "\n".join(out)


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
