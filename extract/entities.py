"""Named entities with a spaCy pipeline: ``spacy.blank("vi")`` plus registered components.

The blank Vietnamese pipeline needs pyvi for word segmentation unless
``use_pyvi=False``; we tokenise ourselves (words and punctuation apart, so
spans align with characters) and run three registered components over the Doc:

* ``sohoa_places``: provinces, districts, communes from ``vietnamadminunits``
  (after an administrative word — "tỉnh Sơn La" — or a province name alone);
* ``sohoa_orgs``: bodies — "UBND tỉnh Sơn La", "Hội Khuyến học huyện Mai Sơn",
  "Sở Nội vụ", the issuer table of :mod:`normalize.keys`;
* ``sohoa_people``: "đồng chí Nguyễn Văn Bao", signers, names led by a surname.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from extract.gazetteer import places
from normalize.fold import fold
from normalize.keys import ISSUER_CODES
from normalize.names import SURNAMES

__all__ = ["find_entities", "pipeline"]

_TOKEN = re.compile(r"\w+(?:[./]\w+)*|[^\w\s]")
_ADMIN = frozenset(
    {"tinh", "huyen", "xa", "phuong", "quan", "thi xa", "thi tran", "thanh pho", "tp"}
)
_ORG_HEADS = frozenset(
    [
        "uy ban nhan dan",
        "ubnd",
        "hoi dong nhan dan",
        "hdnd",
        "hoi khuyen hoc",
        "tinh uy",
        "huyen uy",
        "thanh uy",
        "dang uy",
        "uy ban mat tran to quoc",
        "ubmttq",
        "hoi lien hiep phu nu",
        "hoi nong dan",
        "hoi cuu chien binh",
        "doan thanh nien",
        "cong an",
        "kho bac nha nuoc",
        "thanh tra",
        "toa an nhan dan",
        "vien kiem sat nhan dan",
    ]
)
# generic heads, with their spelling: "Báo" (a newspaper) is not "Bảo" (a given name)
_ORG_GENERIC_WORDS = {
    "so": "sở",
    "bo": "bộ",
    "ban": "ban",
    "phong": "phòng",
    "cuc": "cục",
    "trung tam": "trung tâm",
    "truong": "trường",
    "dai": "đài",
    "bao": "báo",
    "chi cuc": "chi cục",
    "tong cuc": "tổng cục",
    "van phong": "văn phòng",
    "hoi": "hội",
    "cong ty": "công ty",
}
_ORG_GENERIC = frozenset(_ORG_GENERIC_WORDS)
_STOP = frozenset(
    {
        "va",
        "cua",
        "tai",
        "ve",
        "da",
        "voi",
        "cho",
        "trong",
        "theo",
        "la",
        "co",
        "duoc",
        "de",
        "nam",
        "thang",
        "ngay",
        "cac",
        "nhung",
    }
)
_PEOPLE_CUES = {"dong chi", "d/c", "dc", "ong", "ba"}


def _cap(tok: str) -> bool:
    return tok[:1].isupper()


@lru_cache(maxsize=16)
def _index(phrases: frozenset[str]) -> dict[str, tuple[int, ...]]:
    """First word -> the phrase lengths (in words) starting with it, longest first."""
    out: dict[str, set[int]] = {}
    for p in phrases:
        words = p.split()
        out.setdefault(words[0], set()).add(len(words))
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}


def _phrase_at(folded: list[str], i: int, phrases: frozenset[str]) -> int:
    """Length in tokens of the longest phrase starting at token i, else 0."""
    if i >= len(folded):
        return 0
    for n in _index(phrases).get(folded[i], ()):
        if i + n <= len(folded) and " ".join(folded[i : i + n]) in phrases:
            return n
    return 0


def _place_after(doc: Doc, folded: list[str], i: int) -> int:
    """Tokens of a gazetteer place name starting at i (capitalised words), else 0."""
    if i >= len(doc):
        return 0
    caps = doc.user_data["caps"]
    names, index = _place_index()
    for n in index.get(folded[i], ()):
        if i + n <= len(doc) and all(caps[i : i + n]) and " ".join(folded[i : i + n]) in names:
            return n
    return 0


@lru_cache(maxsize=1)
def _place_index() -> tuple[frozenset[str], dict[str, tuple[int, ...]]]:
    names = frozenset(places())
    return names, _index(names)


def _folded(doc: Doc) -> list[str]:
    return doc.user_data["folded"]


@Language.component("sohoa_places")
def sohoa_places(doc: Doc) -> Doc:
    """LOC: an administrative word and a known place, or a province name alone."""
    folded = _folded(doc)
    caps = doc.user_data["caps"]
    admin_first = _index(_ADMIN)
    spans = []
    i = 0
    size = len(folded)
    while i < size:
        if not caps[i] and folded[i] not in admin_first:  # fast path: most words
            i += 1
            continue
        n_admin = _phrase_at(folded, i, _ADMIN)
        n = _place_after(doc, folded, i + n_admin) if n_admin else 0
        if n:
            spans.append(Span(doc, i, i + n_admin + n, label="LOC"))
            i += n_admin + n
            continue
        n = _place_after(doc, folded, i)
        if n and places()[" ".join(folded[i : i + n])][1] == "province":
            spans.append(Span(doc, i, i + n, label="LOC"))
            i += n
            continue
        i += 1
    doc.ents = filter_spans(list(doc.ents) + spans)
    return doc


@lru_cache(maxsize=1)
def _issuer_names() -> frozenset[str]:
    return frozenset(fold(v) for v in ISSUER_CODES.values() if " " in v)


@Language.component("sohoa_orgs")
def sohoa_orgs(doc: Doc) -> Doc:
    """ORG: a body's head words, then its place ("UBND tỉnh Sơn La") or capitalised name."""
    folded = _folded(doc)
    caps = doc.user_data["caps"]
    spans = []
    i = 0
    while i < len(folded):
        if not caps[i]:
            i += 1
            continue
        n = _phrase_at(folded, i, _issuer_names()) if caps[i] else 0
        head = _phrase_at(folded, i, _ORG_HEADS) if caps[i] else 0
        generic = _phrase_at(folded, i, _ORG_GENERIC) if caps[i] else 0
        if generic:
            written = doc[i : i + generic].text.lower()
            if written != _ORG_GENERIC_WORDS[" ".join(folded[i : i + generic])] or (
                doc[i].text.isupper() and len(doc[i].text) > 1
            ):
                generic = 0
        if not (n or head or generic) or folded[i : i + 3] == ["hoi", "chu", "nghia"]:
            i += 1
            continue
        end = i + max(n, head, generic)
        if generic and not (n or head):  # "Sở Nội vụ": the name must follow, capitalised
            if end >= len(doc) or not _cap(doc[end].text):
                i += 1
                continue
            while end < len(doc) and caps[end] and end - i < 7:
                end += 1
            if (
                end < len(doc)
                and doc[end].text.islower()
                and doc[end].is_alpha
                and end - i < 4
                and folded[end] not in _STOP
            ):
                end += 1  # "Sở Nội vụ", "Ban Dân vận"
        n_admin = _phrase_at(folded, end, _ADMIN)
        if n_admin:
            n_place = _place_after(doc, folded, end + n_admin)
            end = end + n_admin + n_place if n_place else end
        spans.append(Span(doc, i, end, label="ORG"))
        i = end
    doc.ents = filter_spans(spans + list(doc.ents))
    return doc


@Language.component("sohoa_people")
def sohoa_people(doc: Doc) -> Doc:
    """PER: two to five capitalised words led by a surname ("Nguyễn Văn Bao")."""
    folded = _folded(doc)
    spans = []
    i = 0
    while i < len(doc):
        if folded[i] in SURNAMES and _cap(doc[i].text) and not doc[i].text.isupper():
            end = i + 1
            while (
                end < len(doc)
                and end - i < 5
                and _cap(doc[end].text)
                and doc[end].is_alpha
                and not doc[end].text.isupper()
            ):
                end += 1
            cue = i > 0 and (
                folded[i - 1] in _PEOPLE_CUES
                or (i > 1 and " ".join(folded[i - 2 : i]) in _PEOPLE_CUES)
            )
            if end - i >= 3 or (end - i == 2 and cue):
                spans.append(Span(doc, i, end, label="PER"))
                i = end
                continue
        i += 1
    taken = {t.i for e in doc.ents for t in e}
    doc.ents = list(doc.ents) + [s for s in spans if not any(t.i in taken for t in s)]
    return doc


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The entity pipeline (built once: the gazetteer load is the slow part)."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    for name in ("sohoa_orgs", "sohoa_places", "sohoa_people"):
        nlp.add_pipe(name)
    places()
    return nlp


def find_entities(text: str, folded: str | None = None) -> list[tuple[str, int, int]]:
    """(label, start, end) spans of ORG, LOC and PER entities, offsets into the NFC text.

    ``folded`` is ``fold(text)`` when the caller has it already.
    """
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        return []
    nlp = pipeline()
    tokens = list(_TOKEN.finditer(text))
    if not tokens:
        return []
    words = [m.group() for m in tokens]
    spaces = [
        tokens[k + 1].start() > m.end() if k + 1 < len(tokens) else False
        for k, m in enumerate(tokens)
    ]
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    folded_text = folded if folded is not None and len(folded) == len(text) else fold(text)
    doc.user_data["folded"] = [folded_text[m.start() : m.end()] for m in tokens]
    doc.user_data["caps"] = [w[:1].isupper() for w in words]
    doc = nlp(doc)
    return [(e.label_, tokens[e.start].start(), tokens[e.end - 1].end()) for e in doc.ents]
