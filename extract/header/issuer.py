"""The issuing body (and its parent) from the top-left block, in normal case."""

from __future__ import annotations

import logging
import re

from rapidfuzz import fuzz, process

from extract.gazetteer import proper_place
from extract.header.fields import HeaderField, HeaderResult
from extract.header.lines import SYLLABLE, org_key, wordlike
from extract.header.syllables import split_merged
from normalize.codes import default_lexicon
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
# The bodies the key lexicon names (codes.json's issuers and the key parser's table), in
# their own spelling: "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG" is "Sở Tài nguyên và Môi trường".
# Keyed without dashes: the heading's column cut drops a dash ending a wrapped line
# ("SỞ LAO ĐỘNG -" / "THƯƠNG BINH VÀ XÃ" / "HỘI"), and OCR reads one as a speck or not at all.


def _body_key(text: str) -> str:
    return " ".join(re.sub(r"[-–—]", " ", org_key(fold(text))).split())


_KNOWN_BODIES = {
    _body_key(name): name for name in [*default_lexicon().names.values(), *ISSUER_CODES.values()]
}
# Locality words that are also the fold of common words of a body's name ("XÃ HỘI",
# "QUẢN LÝ", "QUÂN SỰ", "ĐỊA PHƯƠNG"): a locality only when a place name follows.
_AMBIGUOUS_LOCALITY = {"xa", "quan", "phuong"}
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
    split = split_merged(text, capitals=True)[0]  # "DÂNTỈNH": a space OCR lost
    words = split.split()
    out: list[str] = []
    fuzzy = len(words) != len(text.split())  # a space put back is likely, not sure
    i = _known_head(words, out)
    if i == len(words):  # "BỘ GIÁO DỤC VÀ ĐÀO TẠO" -> "Bộ Giáo dục và Đào tạo"
        return out[0], fuzzy
    while i < len(words):
        if out and fold(out[-1]).split()[-1] == "uy":  # "TỈNH ỦY QUẢNG NGÃI": its place
            rest = " ".join(words[i:])
            place = proper_place(rest) or proper_place(rest, fuzzy=True)
            if place:
                fuzzy = fuzzy or proper_place(rest) is None
                out.append(place)
                break
        for n in (4, 3, 2, 1):
            chunk = org_key(fold(" ".join(words[i : i + n])))
            if i + n > len(words):
                continue
            if chunk in _LOCALITY and out:
                rest = " ".join(words[i + n :])
                place = proper_place(rest) or proper_place(rest, fuzzy=True)
                lead = _leading_place(words[i + n :]) if place is None else None
                if lead:  # "HẢI PHÒNG mm.": a place, then ink read as letters
                    place, rest = lead, ""
                if place is None and (chunk in _AMBIGUOUS_LOCALITY or not rest):
                    continue  # "XÃ HỘI", "QUẢN LÝ": words of the name, not a locality
                out.append(_LOCALITY[chunk])
                fuzzy = fuzzy or lead is not None
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


def _known_head(words: list[str], out: list[str]) -> int:
    """The longest run of first words that is a known body's name, put into ``out`` in its
    own spelling ("HỘI LIÊN HIỆP PHỤ NỮ TỈNH ..." -> "Hội Liên hiệp Phụ nữ"); how many
    words it took (0: none)."""
    for n in range(len(words), 0, -1):
        known = _KNOWN_BODIES.get(_body_key(" ".join(words[:n])))
        if known:
            out.append(known)
            return n
    return 0


def _plain_word(w: str, out: list[str]) -> str:
    """A word that is no known phrase: abbreviations keep their capitals (UBND, KHVN)."""
    if re.search(r"\d", w) or (
        w.isupper() and out != [] and not SYLLABLE.match(fold(w).strip(",.;:"))
    ):
        return w if re.search(r"\d", w) or fold(w) not in ("va", "cua") else w.lower()
    # "Sở Nội vụ": the name after a body's head word starts with a capital
    after_head = len(out) == 1 and fold(out[0]) in _HEADS
    return w.capitalize() if not out or after_head else w.lower()


def _group_issuer(lines: list[str]) -> list[tuple[str, list[int]]]:
    """Heading lines joined into bodies. A body's name opens with its kind (Phụ lục I:
    "ỦY BAN ...", "SỞ ...", "TỈNH ỦY"), so a line of words that opens with none continues
    the body above: a wrapped place name ("TỈNH QUẢNG NGÃI"), the rest of a long name
    ("PHÁT TRIỂN NÔNG THÔN", "NAM TỈNH THÁI BÌNH"). A line that opens with a kind word
    continues it only where the two make one known body ("... VÀ MÔI" / "TRƯỜNG"), where
    it finishes a place begun after a locality word ("THÀNH PHỐ HẢI" / "PHÒNG"), or where
    the line above ends on a word that needs more ("VÀ", "CỦA"). Each body comes with the
    indexes of its lines."""
    groups: list[str] = []
    members: list[list[int]] = []
    for i, line in enumerate(lines):
        if groups and _continues_body(groups[-1], line):
            groups[-1] += " " + line.strip()
            members[-1].append(i)
        else:
            groups.append(line.strip())
            members.append([i])
    return list(zip(groups, members, strict=True))


def _continues_body(above: str, line: str) -> bool:
    """Whether heading ``line`` goes on with the body named in ``above`` (see
    ``_group_issuer``). A line of OCR junk (a seal's ink) never does."""
    f = org_key(fold(line)).strip()
    if fold(above).split()[-1:] in (["va"], ["cua"]):
        return True
    if _opens_known(f"{above} {line}") or _wraps_place(above, line):
        return True
    if len(f.replace(" ", "")) < 3:  # two letters alone go on only with a place they end
        return False
    return bool(f) and not _opens_with_kind(line) and wordlike(line)


def _leading_place(words: list[str]) -> str | None:
    """The longest run of first words (not all) that is a place name, in the gazetteer's
    spelling; None when there is none."""
    for k in range(len(words) - 1, 0, -1):
        place = proper_place(" ".join(words[:k]))
        if place:
            return place
    return None


def _wraps_place(above: str, line: str) -> bool:
    """Whether ``line`` opens with the rest of a place name the line above began after its
    locality word ("... THÀNH PHỐ HẢI" / "PHÒNG": Hải Phòng, not a Phòng)."""
    words = fold(above).split()
    at = max((i for i, w in enumerate(words) if w in ("tinh", "huyen", "pho", "xa")), default=-1)
    head = " ".join(words[at + 1 :])
    nxt = fold(line).split()
    if at >= 0 and not head and len(words) > 1:
        # "ỦY BAN NHÂN DÂN TỈNH" / "ĐẮK LẮK": the locality word ends the line, its place is
        # the whole next line (a name OCR may read in no Vietnamese syllable, "LẮK"). A line
        # opening like a body ("VĂN PHÒNG", folded as "Vạn Phong") is that place only as
        # spelt ("HỘI AN")
        place = proper_place(line.strip())
        if place is None or not _opens_with_kind(line):
            return place is not None
        return place.lower() == " ".join(line.split()).lower()
    return at >= 0 and bool(head) and any(proper_place(" ".join([head, *nxt[:k]])) for k in (1, 2))


def opens_a_body(lines: list[str]) -> bool:
    """Whether heading lines (at most three) read as the start of a body's block: the first
    opens with a kind of body and every line is words. Lines above the motto's line are
    the parent then, the motto set a little lower than the left block ("UBND TỈNH TRÀ
    VINH" / "VĂN PHÒNG    CỘNG HÒA ..."), not a mark or a stamp above the page ("DỰ
    THẢO", "KHẨN")."""
    texts = [t for t in lines if t.strip()]
    return (
        0 < len(texts) <= 3
        and _opens_with_kind(texts[0])
        and all(wordlike(split_merged(t, capitals=True)[0]) for t in texts)
    )


def _opens_with_kind(text: str) -> bool:
    """Whether ``text`` opens with a kind of body (``_KINDS``). "PHÒNG, CHỐNG ..." (the
    verb: "Ban Chỉ đạo ... / PHÒNG, CHỐNG THAM NHŨNG") names what a body does, no Phòng."""
    words = re.sub(r"[^\w\s]", " ", org_key(fold(text))).split()
    if words[:1] == ["phong"] and (words[1:2] in (["chong"], ["ngua"]) or "," in text[:8]):
        return False
    return bool({" ".join(words[:n]) for n in (1, 2, 3)} & _KINDS)


def _opens_known(text: str) -> bool:
    """Whether ``text`` is a known body's whole name (``_KNOWN_BODIES``), as two heading
    lines that one long name wraps over."""
    return _body_key(text) in _KNOWN_BODIES


def read_issuer(page: int, left: list[tuple[int, str]], out: HeaderResult) -> None:
    """Issuer and parent from the left column's heading lines (offset, text)."""
    # the block right before the number line (stamp noise may sit above it): a parent
    # and an issuer of up to three lines each (a long name wraps)
    block = left[-6:]
    if not block:
        return
    clean = [(offset, _blank_edge_marks(text)) for offset, text in block]
    inked = {i for i, (a, b) in enumerate(zip(block, clean, strict=True)) if a[1] != b[1]}
    # two letters standing alone ("II", a seal's speck) name no body: only a wrapped
    # place's last word ("SA") is kept, inside its body
    groups = [g for g in _group_issuer([t for _, t in clean]) if len(g[0].replace(" ", "")) > 2]
    if not groups:
        return
    # the two bodies are one reading of the block: a doubtful word in either may have
    # moved the line where one ends and the other begins, so each is as sure as both
    evidence = _own_lines(clean, [i for _, lines in groups[-2:] for i in lines])
    fields = []
    for text, lines in groups[-2:]:
        f = _field(text, page, _own_lines(clean, lines), evidence)
        if inked & set(lines) and "doubtful" not in f.flags:  # ink blanked off its lines
            f.flags.append("doubtful")
        fields.append(f)
    out.issuer = fields[-1]
    if len(fields) == 2:
        out.parent_issuer = fields[0]


def _blank_edge_marks(text: str) -> str:
    """A heading line with the tokens of marks alone at either end ("_—_ GIA LAI", "LA -")
    blanked: an underline's or a seal's ink, never a word of a name. Blanks, not cuts, so
    the line's offsets stay."""
    tokens = list(re.finditer(r"\S+", text))
    junk = [bool(re.fullmatch(r"[\W_]+", m.group())) for m in tokens]
    while tokens and junk[0]:
        text = text[: tokens[0].start()] + " " * len(tokens[0].group()) + text[tokens[0].end() :]
        tokens, junk = tokens[1:], junk[1:]
    while tokens and junk[-1]:
        m = tokens[-1]
        text = text[: m.start()] + " " * len(m.group()) + text[m.end() :]
        tokens, junk = tokens[:-1], junk[:-1]
    return text


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
