"""Canonical document keys (số ký hiệu): one function for extraction, storage and queries.

A Vietnamese administrative document is identified by its number and symbol,
``677/QĐ-TTg`` (state form ``NUMBER[/YEAR]/TYPE-ISSUER``, Nghị định 30/2020
Phụ lục III) or ``49-KL/TW`` (Party form ``NUMBER-TYPE/ISSUER``). People and
OCR write the same key many ways: ``677 / QĐ-TTg``, ``677/QD-TTg``, ``677/Qb-TTg``,
``57- -NQ/TW``. :func:`canonical_key` maps all of them to one string so that
"documents citing QĐ 677" is an index lookup, and :func:`parse_query` turns
what office staff type into the parts the store matches on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from normalize.fold import fold
from normalize.laws import law_keys

__all__ = [
    "ISSUER_CODES",
    "PARTY_ISSUERS",
    "TYPE_CODES",
    "TYPE_WORDS",
    "KeyParts",
    "KeyQuery",
    "canonical_key",
    "normalize_type_code",
    "parse_key",
    "parse_query",
]

# Abbreviations of document types: Nghị định 30/2020/NĐ-CP Phụ lục III, the legal
# document types of Luật Ban hành VBQPPL, and Party types (Hướng dẫn 36-HD/VPTW).
TYPE_CODES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTr": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTr": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "CV": "Công văn",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "NQLT": "Nghị quyết liên tịch",
    "KL": "Kết luận",
    "QĐi": "Quy định",
    "PL": "Pháp lệnh",
    "L": "Luật",
}

# Issuer codes seen in keys, with the body they stand for. Used to undo OCR
# damage (``TTG`` → ``TTg``, ``BGDDT`` → ``BGDĐT``) and to read queries ("ttg").
ISSUER_CODES: dict[str, str] = {
    "TTg": "Thủ tướng Chính phủ",
    "CP": "Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "CTN": "Chủ tịch nước",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "BCT": "Bộ Công Thương",
    "BYT": "Bộ Y tế",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BTP": "Bộ Tư pháp",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BXD": "Bộ Xây dựng",
    "BGTVT": "Bộ Giao thông vận tải",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BNG": "Bộ Ngoại giao",
    "NHNN": "Ngân hàng Nhà nước",
    "TTCP": "Thanh tra Chính phủ",
    "KTNN": "Kiểm toán nhà nước",
    "UBDT": "Ủy ban Dân tộc",
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "BCĐ": "Ban Chỉ đạo",
    "HĐTĐ": "Hội đồng Thi đua",
    "SNV": "Sở Nội vụ",
    "SGDĐT": "Sở Giáo dục và Đào tạo",
    "STC": "Sở Tài chính",
    "SYT": "Sở Y tế",
    "SKHĐT": "Sở Kế hoạch và Đầu tư",
    "STP": "Sở Tư pháp",
    "TTT": "Thanh tra tỉnh",
    "KSTT": "Cục Kiểm soát thủ tục hành chính",
    "KHVN": "Hội Khuyến học Việt Nam",
    "HKH": "Hội Khuyến học",
    "TW": "Trung ương",
    "TU": "Tỉnh ủy",
    "HU": "Huyện ủy",
    "ĐU": "Đảng ủy",
    "ĐĐ": "Đảng đoàn",
    "QU": "Quận ủy",
    "ĐUK": "Đảng ủy Khối",
    "BTGTW": "Ban Tuyên giáo Trung ương",
    "BTCTW": "Ban Tổ chức Trung ương",
    "VPTW": "Văn phòng Trung ương",
    "UBKTTW": "Ủy ban Kiểm tra Trung ương",
}

# Variant codes of the same body, mapped to the one the body uses.
# ("TƯ" is left to the fold, which reads it as TU: diacritic repair turns "TU" into "TƯ".)
ISSUER_ALIASES: dict[str, str] = {"HKHVN": "KHVN", "T.Ư": "TW"}

# Party issuers: a key ending in one of these is written ``NUMBER-TYPE/ISSUER``.
PARTY_ISSUERS = frozenset(
    {"TW", "TU", "HU", "ĐU", "ĐĐ", "QU", "ĐUK", "BTGTW", "BTCTW", "VPTW", "UBKTTW"}
)

# Type words as written in running text (folded) -> type code.
TYPE_WORDS: dict[str, str] = {
    "quyet dinh": "QĐ",
    "nghi quyet": "NQ",
    "nghi dinh": "NĐ",
    "thong tu lien tich": "TTLT",
    "thong tu": "TT",
    "chi thi": "CT",
    "ket luan": "KL",
    "ke hoach": "KH",
    "bao cao": "BC",
    "to trinh": "TTr",
    "thong bao": "TB",
    "cong van": "CV",
    "cong dien": "CĐ",
    "huong dan": "HD",
    "quy dinh": "QyĐ",
    "quy che": "QC",
    "chuong trinh": "CTr",
    "de an": "ĐA",
    "phuong an": "PA",
    "bien ban": "BB",
    "giay moi": "GM",
    "thong cao": "TC",
    "phap lenh": "PL",
    "nghi quyet lien tich": "NQLT",
    # the other type names of Phụ lục III that no common phrase shares
    "ban ghi nho": "BGN",
    "ban thoa thuan": "BTT",
    "giay uy quyen": "GUQ",
    "giay gioi thieu": "GGT",
    "phieu gui": "PG",
    "phieu chuyen": "PC",
    "phieu bao": "PB",
}

_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "Ð": "Đ", "⁄": "/"})
_SEG_OK = re.compile(r"^[^\W\d_](?:[^\W_]|[&.]){0,19}$")
_FOLLOWING_WORD = re.compile(r"(?:ngay|cua|ve|va|nam|tai|theo|do|da|quy|phe)$")


def _build_type_lookup() -> tuple[dict[str, str], dict[str, str]]:
    upper = {k.upper(): k for k in TYPE_CODES}
    folded: dict[str, str] = {}
    for k in TYPE_CODES:  # first wins: Đ forms come first for ĐA/DA, HĐ/HD handled by exact
        folded.setdefault(fold(k), k)
    folded["qd"] = "QĐ"
    folded["hd"] = "HD"
    return upper, folded


_TYPE_UPPER, _TYPE_FOLD = _build_type_lookup()
_ISSUER_FOLD = {fold(k): k for k in ISSUER_CODES}
_MIXED_CASE = [k for k in ISSUER_CODES if not k.isupper()]
_ISSUER_PREFIXES = sorted(ISSUER_CODES, key=len, reverse=True)


def normalize_type_code(seg: str) -> str | None:
    """The type code a (possibly OCR-damaged) segment stands for, or None.

    Exact and case-insensitive matches come first, so a printed ``HD`` stays
    Hướng dẫn; only then the folded form (``QD`` → ``QĐ``) and the OCR
    confusions of ``Đ`` (``b``, ``B``, ``P``, doubled ``ĐĐ``) are tried.
    """
    seg = seg.translate(_DASHES)
    if not seg:
        return None
    if seg in TYPE_CODES:
        return seg
    hit = _TYPE_UPPER.get(seg.upper())
    if hit:
        return hit
    hit = _TYPE_FOLD.get(fold(seg))
    if hit and not seg.islower():
        return hit
    if len(seg) >= 2:
        repaired = seg[0] + re.sub(r"[ĐDd]?[bBPÞ]|[ĐD]{2}", "Đ", seg[1:])
        if repaired != seg:
            return repaired if repaired in TYPE_CODES else _TYPE_UPPER.get(repaired.upper())
        # Q read as O / Ô / 0 ("NÔ" for NQ): by OCR, or by a repair that took it for a vowel
        repaired = seg[0] + re.sub(r"[OÔÒÓ0]", "Q", seg[1:])
        if repaired != seg and repaired in TYPE_CODES:
            return repaired
    return None


def _type_from_query_token(tok: str) -> str | None:
    """A type code from a query token ("qd", "QĐ", "ttr"); lowercase is allowed here."""
    return _TYPE_UPPER.get(tok.upper()) or _TYPE_FOLD.get(fold(tok))


def normalize_issuer_segment(seg: str) -> str:
    """Known issuer codes back to their printed form; unknown ones kept as written."""
    seg = seg.translate(_DASHES)
    if seg in ISSUER_CODES:
        return seg
    if seg in ISSUER_ALIASES:
        return ISSUER_ALIASES[seg]
    f = fold(seg)
    if f in _ISSUER_FOLD:
        return _ISSUER_FOLD[f]
    for alias, code in ISSUER_ALIASES.items():
        if fold(alias) == f and len(f) > 2:
            return code
    for code in _MIXED_CASE:  # "FTg" -> "TTg": one letter off a mixed-case code is OCR damage
        if len(seg) == len(code) and seg[1:] == code[1:] and seg[0].isupper():
            return code
    for code in _ISSUER_PREFIXES:  # BCD389QNg -> BCĐ389QNg, QH13 stays QH13
        fc = fold(code)
        if len(fc) >= 2 and f.startswith(fc) and f[len(fc) : len(fc) + 1].isdigit():
            return code + seg[len(code) :]
    return seg


@dataclass(frozen=True)
class KeyParts:
    """The parts of a canonical key. ``type_code`` is None for letters keyed by issuer only."""

    number: str
    year: int | None
    type_code: str | None
    issuer_code: str | None
    party: bool

    @property
    def key(self) -> str:
        """The canonical key string these parts spell."""
        if self.party:
            return f"{self.number}-{self.type_code}/{self.issuer_code}"
        year = f"/{self.year}" if self.year else ""
        body = "-".join(x for x in (self.type_code, self.issuer_code) if x)
        return f"{self.number}{year}/{body}"


def _strip_glued_word(seg: str) -> str:
    """``KHVNngay`` -> ``KHVN``: OCR often drops the space after a key."""
    m = re.search(r"[a-zà-ỹđ]{3,}$", seg)
    if m and m.start() >= 2 and _FOLLOWING_WORD.search(fold(m.group())):
        return seg[: m.start()]
    return seg


def _segments(body: str) -> list[str] | None:
    segs = [s for s in body.split("-") if s]
    if not segs or any(_strip_glued_word(s) != s for s in segs[:-1]):
        return None
    segs[-1] = _strip_glued_word(segs[-1])
    if not all(_SEG_OK.match(s) for s in segs):
        return None
    if not all(any(c.isupper() for c in s) for s in segs):
        return None
    return segs


def _parse_party(text: str) -> KeyParts | None:
    m = re.fullmatch(r"(\d{1,5})-+([^/\-]+)/([^/]+)", text)
    if not m:
        return None
    type_code = normalize_type_code(m.group(2))
    # "1W": a two-letter Party body whose first letter OCR read as a stroke; the slip
    # below takes it to "TW" (the caller flags the respelling)
    segs = _segments(re.sub(r"^[1|](?=[A-ZĐ]$)", "I", m.group(3)))
    if not type_code or not segs:
        return None
    issuer = "-".join(normalize_issuer_segment(s) for s in segs)
    if issuer not in PARTY_ISSUERS and len(issuer) == 2:  # "IW": one OCR slip off "TW"
        near = [p for p in PARTY_ISSUERS if len(p) == 2 and sum(map(str.__ne__, p, issuer)) == 1]
        issuer = near[0] if len(near) == 1 else issuer
    return KeyParts(m.group(1), None, type_code, issuer, True)


def _parse_state(text: str) -> KeyParts | None:
    m = re.fullmatch(r"(\d{1,5})/(?:((?:19|20)\d\d)/)?(.+)", text)
    if not m:
        return None
    segs = _segments(m.group(3))
    if not segs:
        return None
    year = int(m.group(2)) if m.group(2) else None
    type_code = normalize_type_code(segs[0])
    if type_code and len(segs) >= 2:
        issuer = "-".join(normalize_issuer_segment(s) for s in segs[1:])
        return KeyParts(m.group(1), year, type_code, issuer, False)
    issuers = [normalize_issuer_segment(s) for s in segs]
    first = issuers[0]
    # an issuer code of capitals, "&" joining two of its words ("SNN&PTNT", "STN&MT")
    known = first in ISSUER_CODES or re.match(r"[A-ZĐ]{2,}(?:&[A-ZĐ]{2,})?\d*$", first)
    # a key of one part: a known issuer, a law (QH15), a resolution or ordinance of the
    # National Assembly's Standing Committee (UBTVQH15), a decree of the 1990s (CP)
    if len(segs) == 1 and not (first in ISSUER_CODES or re.fullmatch(r"(?:UBTV)?QH\d+|CP", first)):
        return None
    if not known:
        return None
    return KeyParts(m.group(1), year, None, "-".join(issuers), False)


def parse_key(text: str) -> KeyParts | None:
    """Parse a written key (damaged forms included) into its parts, or None."""
    if not text or len(text) > 80:
        return None
    s = unicodedata.normalize("NFC", text).translate(_DASHES).strip()
    s = re.sub(r"\s*([-/])\s*", r"\1", s)
    head, slash, tail = s.partition("/")
    # "QĐ-UB ND": a space OCR put inside an issuer code, glued back
    tail = _SPLIT_CODE.sub(_glued_code, tail)
    # "1658/QD TTg": a space standing for the hyphen between type and issuer
    tail = re.sub(r"(?<=[A-Za-zĐđ])\s+([A-ZĐ][\wĐđ]*)", _space_as_hyphen, tail)
    if re.search(r"\s", tail):
        return None
    s = re.sub(r"\s+", "", head + slash + tail)
    s = re.sub(r"^(?:s[oốố6ôóòbé]|số)[:.]?", "", s, flags=re.IGNORECASE)
    return _parse_party(s) or _parse_state(s)


_SPLIT_CODE = re.compile(r"(?<![\wĐđ])([A-ZĐ]{1,4})[ \t]+([A-ZĐ]{1,4})(?![\wĐđ])")


def _glued_code(m: re.Match[str]) -> str:
    """Two runs of capitals split by a space, glued when together they are a known issuer
    code and the second alone is none ("UB ND": UBND, not the old UB and a type NĐ); "QĐ
    UBND", "SNV VP" and "BTV TU" (TU is Tỉnh ủy) are left to the rules after."""
    whole, second = m.group(1) + m.group(2), m.group(2)
    known = fold(whole) in _ISSUER_FOLD and fold(second) not in _ISSUER_FOLD
    return whole if known else m.group()


def _space_as_hyphen(m: re.Match[str]) -> str:
    tok = m.group(1)
    known = tok in ISSUER_CODES or fold(tok) in _ISSUER_FOLD
    return ("-" if known or re.fullmatch(r"[A-ZĐ0-9]{2,}", tok) else " ") + tok


def type_name(text: str) -> str | None:
    """The type of document a text names, spelled as Nghị định 30 spells it ("bao cao",
    "BÁO CÁO", "BC" -> "Báo cáo"); None when it names none."""
    squashed = " ".join(fold(text).lower().split())
    for code, name in TYPE_CODES.items():
        if squashed in (" ".join(fold(name).lower().split()), fold(code).lower()):
            return name
    word_code = TYPE_WORDS.get(squashed)
    return TYPE_CODES.get(word_code) if word_code else None


def bare_number(number: str | None) -> str | None:
    """A key's number as keys compare: without leading zeros (``0677`` is ``677``, ``00``
    is ``0``); None for none."""
    if not number:
        return None
    return number.lstrip("0") or "0"


def canonical_key(text: str) -> str | None:
    """The canonical key for a written key (``677 / QD-TTg`` → ``677/QĐ-TTg``), or None."""
    parts = parse_key(text)
    return parts.key if parts else None


@dataclass
class KeyQuery:
    """What a user's query says about a document key; unset parts match anything."""

    key: str | None = None
    number: str | None = None
    year: int | None = None
    type_code: str | None = None
    issuer_code: str | None = None
    text: str = ""
    also: list[str] = field(default_factory=list)  # other keys of the same document (a law)

    @property
    def names_a_document(self) -> bool:
        """Whether the whole query is a document's number: a number with its type or issuer
        and no other words ("46/TB-UBND", "TB 46", "46 TB"), as opposed to words that
        merely hold a number and a type word ("tháng 12 báo cáo")."""
        return bool(self.number and (self.type_code or self.issuer_code) and not self.text.strip())

    def loose(self) -> KeyQuery:
        """The same parts without the exact key: ``08/QĐ-HKH`` also finds ``8/QĐ-HKH``."""
        return KeyQuery(None, self.number, self.year, self.type_code, self.issuer_code)

    def matches(self, parts: KeyParts) -> bool:
        """Whether a stored key's parts satisfy this query.

        Numbers compare without leading zeros; a ``CV`` (công văn) query also
        matches keys that carry no type code (``5633/VPCP-KSTT``).
        """
        if self.key is not None:
            return parts.key == self.key
        if self.number is not None and bare_number(parts.number) != bare_number(self.number):
            return False
        if self.year is not None and parts.year not in (None, self.year):
            return False
        untyped_letter = self.type_code == "CV" and parts.type_code is None
        if self.type_code is not None and parts.type_code != self.type_code and not untyped_letter:
            return False
        if self.issuer_code is None:
            return True
        # one segment of the stored issuer or a run of them: HKH, HKH-VP
        return f"-{fold(self.issuer_code)}-" in f"-{fold(parts.issuer_code or '')}-"


# a key typed in a query; it may end in digits ("12/2024/QH15", "27/2022/UBTVQH15")
_QUERY_KEY = re.compile(r"\d{1,5}\s*[/-]\s*[\w/\- Đđ]*[A-Za-zĐđ]\d*")
# a type code typed glued to its number ("qd677", "NQ57")
_GLUED = re.compile(r"(?<![\w])([A-Za-zĐđ]{2,3})(\d{1,5})(?!\w)")
_FILLER = {"so", "ngay", "cua", "ky", "hieu", "van", "ban", "nam"}
# Issuer phrases people type instead of a code.
ISSUER_PHRASES: dict[str, str] = {
    "thu tuong chinh phu": "TTg",
    "thu tuong": "TTg",
    "chinh phu": "CP",
    "bo chinh tri": "TW",
    "ban bi thu": "TW",
    "trung uong": "TW",
    "tinh uy": "TU",
    "huyen uy": "HU",
    "uy ban nhan dan": "UBND",
    "hoi dong nhan dan": "HĐND",
    "quoc hoi": "QH",
}


def _query_key(q: str) -> tuple[KeyParts | None, str]:
    for m in _QUERY_KEY.finditer(q):
        cand = m.group()
        while cand:
            parts = parse_key(cand)
            if parts:
                return parts, (q[: m.start()] + " " + q[m.start() + len(cand) :]).strip()
            cand = cand[: cand.rfind(" ")] if " " in cand else ""
    return None, q


def parse_query(q: str) -> KeyQuery:
    """Read a citation query as people type it: ``QĐ 677``, ``qd 677 ttg``, ``677/QD-TTg``.

    Full keys are canonicalised; otherwise type words or codes, the number, a
    year and an issuer code or phrase are picked out, and what is left goes to
    ``text`` for full-text search.
    """
    q = unicodedata.normalize("NFC", q or "")[:500]
    laws = law_keys(q)  # "Luật Đất đai 2024" or its number "31/2024/QH15"
    if laws:
        return KeyQuery(laws[0], also=laws[1:])
    parts, rest = _query_key(q)
    if parts:
        out = KeyQuery(parts.key, parts.number, parts.year, parts.type_code, parts.issuer_code)
        out.text = _leftover(rest)
        return out
    out = KeyQuery()
    q = _GLUED.sub(
        lambda m: f"{m.group(1)} {m.group(2)}" if _type_from_query_token(m.group(1)) else m.group(),
        q,
    )
    f = " " + re.sub(r"[^\w]+", " ", fold(q)) + " "
    for word, code in sorted(TYPE_WORDS.items(), key=lambda kv: -len(kv[0])):
        if f" {word} " in f:
            out.type_code = out.type_code or code
            f = f.replace(f" {word} ", " ", 1)
    for phrase, code in sorted(ISSUER_PHRASES.items(), key=lambda kv: -len(kv[0])):
        if f" {phrase} " in f:
            out.issuer_code = out.issuer_code or code
            f = f.replace(f" {phrase} ", " ", 1)
    orig_tokens = {fold(t): t for t in re.findall(r"[\wĐđ]+", q)}
    left: list[str] = []
    for tok in f.split():
        if tok.isdigit() and len(tok) <= 5:
            if out.number is None and not (out.type_code is None and _is_year(tok)):
                out.number = tok
            elif out.year is None and _is_year(tok):
                out.year = int(tok)
            else:
                left.append(tok)
            continue
        tcode = _type_from_query_token(orig_tokens.get(tok, tok))
        if tcode and out.type_code is None:
            out.type_code = tcode
            continue
        issuer = _ISSUER_FOLD.get(tok)
        if issuer and out.issuer_code is None:
            out.issuer_code = issuer
            continue
        if tok not in _FILLER:
            left.append(orig_tokens.get(tok, tok))
    out.text = " ".join(left)
    if out.number and out.type_code and out.issuer_code and out.type_code != "CV":
        party = out.issuer_code in PARTY_ISSUERS
        out.key = KeyParts(out.number, out.year, out.type_code, out.issuer_code, party).key
    return out


def _is_year(tok: str) -> bool:
    return len(tok) == 4 and tok[:2] in ("19", "20")


def _leftover(rest: str) -> str:
    f = " " + re.sub(r"[^\w]+", " ", fold(rest)) + " "
    for word in sorted(TYPE_WORDS, key=len, reverse=True):
        f = f.replace(f" {word} ", " ")
    return " ".join(w for w in f.split() if w not in _FILLER and not _type_from_query_token(w))
