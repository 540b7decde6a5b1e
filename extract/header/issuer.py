"""The issuing body (and its parent) from the top-left block, in normal case."""

from __future__ import annotations

import logging
import re

from rapidfuzz import fuzz, process

from extract.gazetteer import proper_place
from extract.header.fields import HeaderField, HeaderResult
from extract.header.lines import SYLLABLE, org_key, wordlike
from normalize.fold import fold
from normalize.keys import ISSUER_CODES

log = logging.getLogger(__name__)

_LOCALITY = {
    "tinh": "tỉnh",
    "huyen": "huyện",
    "thanh pho": "thành phố",
    "xa": "xã",
    "phuong": "phường",
    "quan": "quận",
    "thi xa": "thị xã",
    "thi tran": "thị trấn",
}
_ORG_PHRASES = {
    "uy ban nhan dan": "Ủy ban nhân dân",
    "hoi dong nhan dan": "Hội đồng nhân dân",
    "ban chi dao": "Ban Chỉ đạo",
    "hoi khuyen hoc": "Hội Khuyến học",
    "ubnd": "UBND",
    "hdnd": "HĐND",
    "van phong": "Văn phòng",
    "so": "Sở",
    "ban": "Ban",
    "hoi": "Hội",
}
_KNOWN_BODIES = {fold(name): name for name in ISSUER_CODES.values()}
_HEADS = {"so", "bo", "ban", "phong", "cuc", "chi cuc", "trung tam", "truong", "hoi", "vien"}
_ORG_MULTI = [k for k in _ORG_PHRASES if " " in k]
ISSUER_SUSPECT = "issuer_suspect"
# A body is named by its kind first (Nghị định 30/2020, Phụ lục I: "ỦY BAN NHÂN DÂN TỈNH
# ...", "SỞ ...", "BAN ..."): the kind nouns of administrative, Party, mass and public
# bodies, folded, besides the first words of the bodies the key lexicon names. A heading
# body that opens with none of them is likely a line of something else (a stamp, a
# wrapped name split in two, the old layouts' "Của ...") read as a body.
_KIND_NAMES = (
    "uy ban|hoi dong|hoi|so|bo|ban|phong|cuc|chi cuc|tong cuc|vu|vien|truong|trung tam|"
    "van phong|thanh tra|kho bac|ngan hang|cong an|cong ty|cong doan|toa an|tinh uy|"
    "huyen uy|quan uy|thi uy|thanh uy|dang uy|dang bo|dang doan|tinh doan|huyen doan|"
    "thanh doan|doan|mat tran|lien doan|lien hiep|benh vien|quy|dai|bao|hoc vien|dai hoc|"
    "hat kiem lam|chi nhanh|chi bo|cang vu|tong cong ty|bao hiem|bo chi huy|ubnd|hdnd|"
    "ubmttq|bch|bql"
)
_KINDS = frozenset(_KIND_NAMES.split("|")) | {
    " ".join(fold(name).split()[:2]) for name in ISSUER_CODES.values()
}


def normal_case(text: str) -> str:
    """``ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI`` -> ``Ủy ban nhân dân tỉnh Quảng Ngãi``."""
    return _normal(text)[0]


def _normal(text: str) -> tuple[str, bool]:
    """The name in normal case, and whether a part of it was matched only fuzzily (an OCR
    slip taken for the nearest known phrase or place: likely, not sure)."""
    known = _KNOWN_BODIES.get(org_key(fold(" ".join(text.split()))))
    if known:  # "BỘ GIÁO DỤC VÀ ĐÀO TẠO" -> "Bộ Giáo dục và Đào tạo"
        return known, False
    words = text.split()
    out: list[str] = []
    fuzzy = False
    i = 0
    while i < len(words):
        for n in (4, 3, 2, 1):
            chunk = org_key(fold(" ".join(words[i : i + n])))
            if i + n > len(words):
                continue
            if chunk in _LOCALITY and out:
                out.append(_LOCALITY[chunk])
                rest = " ".join(words[i + n :])
                place = proper_place(rest) or proper_place(rest, fuzzy=True)
                fuzzy = fuzzy or (place is not None and proper_place(rest) is None)
                out.append(place or rest.title())
                return " ".join(out).strip(), fuzzy
            if n > 1 and chunk not in _ORG_PHRASES:  # "HỘI KHUYÊN HOÓC": OCR/repair slips
                near = process.extractOne(chunk, _ORG_MULTI, scorer=fuzz.ratio, score_cutoff=88)
                fuzzy = fuzzy or near is not None
                chunk = near[0] if near else chunk
            if chunk in _ORG_PHRASES and (n > 1 or not out):
                out.append(_ORG_PHRASES[chunk])
                i += n
                break
        else:
            out.append(_plain_word(words[i], out))
            i += 1
    text = " ".join(out).strip()
    return text[:1].upper() + text[1:], fuzzy


def _plain_word(w: str, out: list[str]) -> str:
    """A word that is no known phrase: abbreviations keep their capitals (UBND, KHVN)."""
    if re.search(r"\d", w) or (w.isupper() and out != [] and not SYLLABLE.match(fold(w))):
        return w if re.search(r"\d", w) or fold(w) not in ("va", "cua") else w.lower()
    # "Sở Nội vụ": the name after a body's head word starts with a capital
    after_head = len(out) == 1 and fold(out[0]) in _HEADS
    return w.capitalize() if not out or after_head else w.lower()


def _group_issuer(lines: list[str]) -> list[tuple[str, list[int]]]:
    """Heading lines joined into bodies: a wrapped place name or "VÀ ..." continues one.
    Each body comes with the indexes of its lines."""
    groups: list[str] = []
    members: list[list[int]] = []
    for i, line in enumerate(lines):
        f = fold(line).strip()
        first = f.split()[0] if f.split() else ""
        cont = first in ("tinh", "huyen", "xa", "phuong", "quan", "thi", "thanh", "va", "cua")
        body = re.match(r"(?:tinh|huyen|thanh|quan|dang) uy\b", f)  # "TỈNH ỦY" is a body
        # "HỘI KHUYẾN HỌC HUYỆN MAI / SƠN": a place name wrapped onto the next line
        cont = cont or (
            len(f.split()) <= 2
            and bool(groups)
            and bool(
                re.search(r"\b(?:tinh|huyen|xa|phuong|quan|thanh pho|thi xa)\b", fold(groups[-1]))
            )
        )
        cont = cont and not body
        if groups and (cont or fold(groups[-1]).split()[-1] in ("va", "cua")):
            groups[-1] += " " + line.strip()
            members[-1].append(i)
        else:
            groups.append(line.strip())
            members.append([i])
    return list(zip(groups, members, strict=True))


def read_issuer(page: int, left: list[tuple[int, str]], out: HeaderResult) -> None:
    """Issuer and parent from the left column's heading lines (offset, text)."""
    # keep the block right before the number line: stamp noise may sit above it
    block = left[-3:]
    if not block:
        return
    groups = _group_issuer([t for _, t in block])
    # the two bodies are one reading of the block: a doubtful word in either may have
    # moved the line where one ends and the other begins, so each is as sure as both
    evidence = _own_lines(block, [i for _, lines in groups[-2:] for i in lines])
    out.issuer = _field(groups[-1][0], page, _own_lines(block, groups[-1][1]), evidence)
    if len(groups) >= 2:
        out.parent_issuer = _field(groups[-2][0], page, _own_lines(block, groups[-2][1]), evidence)


def _own_lines(block: list[tuple[int, str]], lines: list[int]) -> list[tuple[int, int]]:
    """The stretches of text a body's lines cover, blanks at either end left out (the
    whole block when its lines hold no text)."""
    parts = []
    for i in lines:
        offset, text = block[i]
        lead = len(text) - len(text.lstrip())
        if text.strip():
            parts.append((offset + lead, offset + len(text.rstrip())))
    return parts or [(block[0][0], block[-1][0] + len(block[-1][1]))]


def _field(
    text: str, page: int, parts: list[tuple[int, int]], evidence: list[tuple[int, int]]
) -> HeaderField:
    """A body's field over its own lines (never the national motto beside them), read
    against the block's ``evidence``, flagged ``doubtful`` when its name was matched only
    fuzzily."""
    name, fuzzy = _normal(text)
    if fuzzy:
        log.info("issuer %r read as %r by a fuzzy match", text, name)
    start, end = parts[0][0], parts[-1][1]
    flags = ["doubtful"] if fuzzy else []
    if not _named_like_a_body(text):
        log.info("issuer %r: not named like a body", text)
        flags.append(ISSUER_SUSPECT)
    return HeaderField(name, page, start, end, flags=flags, parts=parts, evidence=evidence)


def _named_like_a_body(text: str) -> bool:
    """Whether heading text reads as a body's name: it opens with a kind of body (see
    ``_KINDS``) and its words are words (not OCR junk from a seal or a speck)."""
    words = org_key(fold(text)).split()
    heads = {" ".join(words[:n]) for n in (1, 2, 3)}
    return bool(heads & _KINDS) and wordlike(text)
