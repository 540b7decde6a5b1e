"""Assemble a :class:`schemas.Record` from the per-page extractors."""

from __future__ import annotations

import itertools
import logging

from extract.citations import (
    CiteHit,
    check_keys,
    consolidate,
    date_over_break,
    find_citations,
    resolve_partials,
)
from extract.counts import find_counts, measure_of
from extract.dates import find_dates
from extract.entities import find_entities
from extract.gazetteer import proper_place
from extract.header import HeaderField, find_header, normal_case, numbering
from extract.money import find_money
from extract.review import REQUIRED_ON_SCANS, field_reasons, mention_values, needs_review
from extract.text import LazyPages, PageSource, PageText
from normalize.codes import KEY_REPAIRED
from normalize.fold import fold
from normalize.keys import KeyParts, bare_number, parse_key
from schemas import (
    HEADER_VALUE_FIELDS,
    Amount,
    Citation,
    Count,
    DateMention,
    DocHeader,
    Document,
    Entity,
    FieldDetail,
    Provenance,
    Record,
    RecordWarning,
    Span,
)

__all__ = ["EXTRACTOR_VERSION", "build_record"]

log = logging.getLogger(__name__)

# 0.5.1: damage flagged (keys, numbers, names, cross-checks); missing fields of scans,
# count measures, label numbers. 0.6.0: key, law-name and title rules (#15); 0.6.1: the
# issuer, its parent and the signer's title located by their own lines (spans, text) in
# two-column layouts, values unchanged; 0.7.0: the archive's numbering of an issuer's series
# bounds a handwritten number and flags one out of order (number_order); an issuer and its
# parent as sure as the words of both; issuer_suspect, place spelling, title and key rules;
# 0.7.1: a name or title restored by diacritic repair is flagged (repaired), its least sure
# word's posterior its confidence; 0.7.2: a key's digits read as letters (l2/202l), its
# number split by a space and its last letter split off are read back, flagged; dates
# wrapped over lines, with a 1 or 0 read as I, l or O, after "ngàv"; UBTVQH keys, laws with a
# bare year; keys listed together are never merged (66-NQ/TW và 68-NQ/TW); 0.7.3:
# heading lines grouped into bodies by their kind word (a long name wrapped over lines is
# one body), known bodies and Party committees spelt as named, "Thực hiện ..." centred
# under the type heading is the title (#15); 0.7.4: key repairs only to known codes and
# flagged, a doubled letter, ĐĐ read as Đ, W as VW, a Party slash read as 7, Sở codes with
# '&', dates after a long issuer name; a name cut after its locality word is one body, a
# parent above a low motto kept, titles past lines of descenders, a day printed too wide
# for its digits doubtful (#15); 0.7.5: the signer's syllables spelt with other marks by the
# name line's second reading (OCR lines-1), read at least as surely, are taken, flagged; a
# key its line's second reading reads with one or two glyphs otherwise, 20 points surer;
# 0.7.6: the issuer and parent from the better of the heading block's two readings (OCR
# heading-1), readings_disagree when they check out alike; 0.7.7: specks before a column gap
# in a header line blanked, a stroke glued to a key's year, a signing stamp above the
# header not a parent issuer; 0.7.8: a cited date's look-alike digits after "ngày" read back,
# a list's one date shared only after "các" or "cùng ngày", a date opening the next clause
# not the key's, a key's and its date's years one confusion apart flagged, a date past a
# page break; 0.7.9: a scan's signature block ending on its delegation is suspect without
# the signer's name too, a letter read before the word it begins makes a title suspect;
# 0.8.0: title lines up to 1.8 heights apart, a number line read past parsing flagged
# missing, marks before the signer's title, known bodies matched without dashes, a refused
# number symbol one confusion from its type heading's code; citation repairs against codes
# the document attests, laws by name dated with dashes or a year one slip off, '§' for 8;
# an unsigned scan's day from the one likely real day, flagged
EXTRACTOR_VERSION = "extract-0.8.0"

CITED_AFTER = "cited_after"
NUMBER_ORDER = numbering.NUMBER_ORDER

_HEADER_FIELDS = (*HEADER_VALUE_FIELDS, "recipients")
REPAIRED = "repaired"
# fields whose words diacritics tell apart; numbers, dates and types are read by their fold
_RESTORED_CHECKED = frozenset(
    {"title", "issuer", "parent_issuer", "signer", "signer_title", "place"}
)


def build_record(doc: Document, ocr: PageSource | None = None) -> Record:
    """The record of a document: never raises on any text.

    ``ocr`` gives each page with its OCR words and second readings when the document's
    pages do not hold them (a long scan whose OCR detail the caller keeps on disk): they
    are fetched page by page as extraction needs them.
    """
    lazy = LazyPages(ocr) if ocr is not None else None
    pages = [PageText.from_page(p, lazy) for p in doc.pages]
    header = _header(pages, (doc.metadata.get("signed_at") or "")[:10] or None)
    record = Record(source=doc.source, doc=header)
    own = header.detail.get("number")
    own_span = own.spans[0] if own and own.spans else None
    record.citations = _citations(pages, header.number, own_span, header.date)
    _cited_before(record.citations, header.date)
    _number_order(header, record.citations)
    record.date_details = _dates(pages, header)
    record.dates = list(
        dict.fromkeys(v for d in record.date_details for v in (d.value, d.end) if v is not None)
    )
    record.amounts = _amounts(pages)
    record.counts = _counts(pages, record)
    record.entities = _entities(pages, record)
    record.warnings = _warnings(header) + [
        RecordWarning(
            code="ambiguous_number",
            message=f"{c.text!r} {c.unit}: separators allow two readings",
            page=c.spans[0].page if c.spans else None,
        )
        for c in record.counts
        if c.ambiguous
    ]
    _mark_review(record)
    record.provenance = Provenance(
        extractor_version=EXTRACTOR_VERSION,
        page_routes=[str(p.route) for p in doc.pages],
    )
    _log_record(doc, record)
    return record


def _log_record(doc: Document, record: Record) -> None:
    name, h = doc.source.file, record.doc
    log.info(
        "%s: %s %s of %s, %d citation(s), %d date(s), %d amount(s)",
        name,
        h.doc_type or "untyped document",
        h.number or "without number",
        h.date or "no date",
        len(record.citations),
        len(record.dates),
        len(record.amounts),
    )
    for c in record.citations:
        pages = ",".join(str(n) for n in sorted({s.page for s in c.spans})) or "-"
        log.debug(
            "%s p%s: cites %s%s", name, pages, c.key, " (to review)" if c.needs_review else ""
        )
    for w in record.warnings:
        log.debug("%s p%s: %s: %s", name, w.page or "-", w.code, w.message)


def _header(pages: list[PageText], signed_on: str | None) -> DocHeader:
    fields = find_header(pages, signed_on)
    header = DocHeader()
    by_number = {p.number: p for p in pages}
    for name in _HEADER_FIELDS:
        f: HeaderField | None = fields.get(name)
        if f is None:
            continue
        page = by_number[f.page]
        parts = f.parts or [(f.start, f.end)]
        detail = FieldDetail(
            text=f.text if f.text is not None else "\n".join(page.text[a:b] for a, b in parts),
            spans=[page.span(a, b) for a, b in parts],
            flags=_field_flags(name, f, page, parts),
            precision=f.precision if name == "date" else None,
        )
        read = detail.spans + [page.span(a, b) for a, b in f.evidence]
        known = [sp.confidence for sp in read if sp.confidence is not None]
        if f.confidence is not None:
            detail.confidence = f.confidence
        elif known:
            detail.confidence = min(known)
        header.detail[name] = detail
        if f.value is not None:
            setattr(header, name, f.value)
    for name in fields.unread:  # its line is on the page: empty is a failed reading
        if getattr(header, name) is None:
            header.detail.setdefault(name, FieldDetail()).flags.append("missing")
    return header


def _field_flags(
    name: str, f: HeaderField, page: PageText, parts: list[tuple[int, int]]
) -> list[str]:
    """The field's flags, plus ``day_missing`` for a signing date read only to the month: a
    blank day is printed on some documents, but more often the handwritten day was not read;
    and ``repaired`` for words of a name or title that diacritic repair restored: about one
    word in twenty of English-OCR text comes out wrong, most of them with the repair sure
    of them (seeds 000/002), so a restored title, issuer or signer is a reading to check."""
    flags = list(f.flags)
    if name in _RESTORED_CHECKED and any(page.repaired_in(a, b) for a, b in parts):
        flags.append(REPAIRED)
    if name == "date" and f.precision == "month" and "uncertain_digits" not in flags:
        flags.append("day_missing")
    return flags


def _citations(
    pages: list[PageText],
    own_number: str | None,
    own_span: Span | None,
    issued: str | None = None,
) -> list[Citation]:
    """Cited documents in order of first mention, one per key; never the document's own
    number. ``issued``: the document's own date, the latest a cited one can bear."""
    own_parts = parse_key(own_number) if own_number else None
    own = own_parts.key if own_parts else None
    hits: list[tuple[PageText, CiteHit]] = []
    pending = []
    for page in pages:
        full, refs = find_citations(page)
        hits += [(page, h) for h in full]
        pending.append((page, refs))
    _dates_over_breaks(pages, hits)  # before the check, which compares dates and keys
    check_keys([h for _, h in hits], "\n".join(p.folded for p in pages), issued=issued)
    known: dict[tuple[str | None, str | None], KeyParts] = {
        (h.parts.type_code, bare_number(h.parts.number)): h.parts
        for _, h in hits
        if h.parts and not h.partial and h.parts.type_code
    }
    read = len(hits)
    for page, refs in pending:
        hits += [(page, h) for h in resolve_partials(page, refs, known)]
    _dates_over_breaks(pages, hits[read:])
    hits.sort(key=lambda ph: (ph[0].number, ph[1].start))
    variants = consolidate([h for _, h in hits])
    for _, h in hits:
        if h.key in variants:  # read as another key: a person checks unless read whole too
            h.parts = variants[h.key]
            h.key = h.parts.key
            h.flags = sorted({*h.flags, KEY_REPAIRED})
    out: dict[str, Citation] = {}
    read_whole: set[str] = set()  # keys met printed whole (not only completed from context)
    for page, h in hits:
        if h.key == own or (
            own_span and own_span.page == page.number and own_span.start <= h.start < own_span.end
        ):
            continue
        span = page.span(h.start, h.end)
        c = out.get(h.key)
        if c is None:
            p = h.parts
            out[h.key] = Citation(
                key=h.key,
                type=h.type,
                number=p.number if p else None,
                year=p.year if p else None,
                issuer_code=p.issuer_code if p else None,
                date=h.date,
                partial=h.partial,
                text=h.text,
                spans=[span],
                confidence=span.confidence,
                flags=list(dict.fromkeys(h.flags)),
                aliases=list(h.aliases),
            )
            read_whole |= {h.key} if not h.partial else set()
            continue
        c.spans.append(span)
        c.date = c.date or h.date
        if h.partial:
            pass  # "Quyết định 1373" completed from the key: it settles no doubt about the key
        elif h.key not in read_whole:
            c.flags, read_whole = list(dict.fromkeys(h.flags)), read_whole | {h.key}
        else:
            c.flags = [f for f in c.flags if f in h.flags]  # a clean mention settles a doubt
        if c.partial and not h.partial:
            c.partial, c.text = False, h.text
    return list(out.values())


def _dates_over_breaks(pages: list[PageText], hits: list[tuple[PageText, CiteHit]]) -> None:
    """Give a key at a page's foot the date printed at the next page's head."""
    following = {a.number: b for a, b in itertools.pairwise(pages)}
    for page, h in hits:
        if page.number in following:
            h.date = date_over_break(h, page, following[page.number]) or h.date


def _cited_before(citations: list[Citation], issued: str | None) -> None:
    """A document cites only what was issued before it: a cited date or key year after the
    document's own date is a misreading of one of them, flagged ``cited_after``."""
    if not issued:
        return
    for c in citations:
        late = bool(c.date) and str(c.date)[: len(issued)] > issued
        late = late or (c.year is not None and c.year > int(issued[:4]))
        if late and CITED_AFTER not in c.flags:
            c.flags.append(CITED_AFTER)


def _number_order(header: DocHeader, citations: list[Citation]) -> None:
    """One issuer numbers its documents of a kind in order through the year: a cited
    document of the same type and issuer, dated earlier that year, with a higher number
    than this one's says one of the two numbers is misread (``number_order`` on the
    document's number)."""
    own = parse_key(header.number) if header.number else None
    detail = header.detail.get("number")
    issued = header.date or ""
    if own is None or detail is None or len(issued) < 10 or not own.number.isdigit():
        return
    kind = (own.type_code, own.issuer_code, own.party)
    for c in citations:
        p = parse_key(c.key) if c.date and len(c.date) >= 10 else None
        if p is None or not p.number.isdigit() or (p.type_code, p.issuer_code, p.party) != kind:
            continue
        earlier = str(c.date)[:4] == issued[:4] and str(c.date) < issued
        if earlier and int(p.number) > int(own.number) and NUMBER_ORDER not in detail.flags:
            detail.flags.append(NUMBER_ORDER)


def _mark_review(record: Record) -> None:
    """Set ``needs_review`` on every value by the one rule the review queue applies; an
    empty required field of a scan gets a detail entry flagged ``missing``."""
    head = record.doc
    for name in REQUIRED_ON_SCANS:
        value = getattr(head, name)
        if field_reasons(name, value, None, [], record.source.kind.value):
            head.detail.setdefault(name, FieldDetail()).flags.append("missing")
    for d in record.doc.detail.values():
        d.needs_review = needs_review(d.confidence, d.flags)
    # citations, dates (the header's own date is judged as doc.date too), amounts, counts
    for _, value, confidence, flags in mention_values(record):
        value.needs_review = needs_review(confidence, flags)


def _dates(pages: list[PageText], header: DocHeader) -> list[DateMention]:
    """Dates in text order; the header's own date as the header read it (doubtful day or not)."""
    out = []
    own = header.detail.get("date")
    own_span = own.spans[0] if own and own.spans else None
    for page in pages:
        for h in find_dates(page.folded):
            if (
                own is not None
                and own_span is not None
                and own_span.page == page.number
                and (h.start < own_span.end and own_span.start < h.end)
            ):
                if header.date:
                    out.append(
                        DateMention(
                            value=header.date,
                            precision=own.precision or "day",
                            text=own.text,
                            spans=[own_span],
                        )
                    )
                continue
            out.append(
                DateMention(
                    value=h.value,
                    precision=h.precision,
                    text=page.text[h.start : h.end],
                    end=h.range_end,
                    spans=[page.span(h.start, h.end)],
                )
            )
    return out


def _amounts(pages: list[PageText]) -> list[Amount]:
    out = []
    for page in pages:
        for h in find_money(page.folded, page.text):
            words = " ".join(page.text[h.words[0] : h.words[1]].split()) if h.words else None
            checked = None
            if h.words_value is not None and h.digits:
                checked = h.words_value == h.vnd
            out.append(
                Amount(
                    vnd=h.vnd,
                    text=page.text[h.start : h.end],
                    words=words,
                    checked=checked,
                    measure=measure_of(page.folded, h.start, h.end),
                    spans=[page.span(h.start, h.end)],
                )
            )
    return out


def _warnings(header: DocHeader) -> list[RecordWarning]:
    out = []
    for name, d in header.detail.items():
        if "uncertain_digits" in d.flags:
            code, message = "uncertain_digits", f"digits not read with certainty in {d.text!r}"
        elif "handwritten" in d.flags:
            code = "handwritten_digits"
            message = (
                f"handwritten digits read as {getattr(header, name)!r} "
                f"(p={d.confidence}); check against the page"
            )
        else:
            continue
        page = d.spans[0].page if d.spans else None
        out.append(RecordWarning(code=code, message=f"{name}: {message}", page=page))
    return out


def _taken(record: Record, page: int) -> list[tuple[int, int]]:
    spans: list[Span] = [s for d in record.date_details for s in d.spans]
    spans += [s for a in record.amounts for s in a.spans]
    spans += [s for c in record.citations for s in c.spans]
    number = record.doc.detail.get("number")
    spans += number.spans if number else []
    return [(s.start, s.end) for s in spans if s.page == page]


def _counts(pages: list[PageText], record: Record) -> list[Count]:
    out = []
    for page in pages:
        for h in find_counts(page.folded, page.text, _taken(record, page.number)):
            out.append(
                Count(
                    value=h.value,
                    unit=h.unit,
                    text=page.text[h.start : h.num_end],
                    of=h.of,
                    ambiguous=h.ambiguous,
                    measure=h.measure,
                    spans=[page.span(h.start, h.end)],
                )
            )
    return out


_ADMIN_WORDS = {
    "tinh": "tỉnh",
    "huyen": "huyện",
    "xa": "xã",
    "phuong": "phường",
    "quan": "quận",
    "thi xa": "thị xã",
    "thi tran": "thị trấn",
    "thanh pho": "thành phố",
}


def _place_norm(text: str) -> str:
    """``TỈNH QUẢNG NGÃI`` / ``tỉnh Quảng Ngãi`` -> ``tỉnh Quảng Ngãi`` (gazetteer spelling)."""
    words = text.split()
    for n in (2, 1):
        admin = _ADMIN_WORDS.get(fold(" ".join(words[:n])))
        if admin and len(words) > n:
            rest = " ".join(words[n:])
            return f"{admin} {proper_place(rest, fuzzy=True) or rest}"
    return proper_place(text, fuzzy=True) or text


def _entities(pages: list[PageText], record: Record) -> list[Entity]:
    """ORG / LOC / PER from the spaCy pipeline, and DOC / DATE / MONEY / QUANTITY / PERCENT
    from the rule extractors: one entity per (label, normalised value) with all its spans."""
    out: dict[tuple[str, str], Entity] = {}
    for page in pages:
        for label, start, end in find_entities(page.text, page.folded):
            text = " ".join(page.text[start:end].split())
            if label == "LOC":
                norm = _place_norm(text)
            else:  # header capitals: ỦY BAN NHÂN DÂN -> Ủy ban nhân dân
                norm = normal_case(text) if text.isupper() else text
            key = (label, fold(norm))
            ent = out.get(key)
            if ent is None:
                out[key] = Entity(label=label, text=text, norm=norm, spans=[page.span(start, end)])
            else:
                ent.spans.append(page.span(start, end))
    # the rule extractors' values under entity labels too, so one list shows every mention
    mentions = [("DOC", c.key, c.text, c.spans) for c in record.citations]
    mentions += [("DATE", d.value, d.text, d.spans) for d in record.date_details]
    mentions += [("MONEY", str(a.vnd), a.text, a.spans) for a in record.amounts]
    mentions += [
        ("PERCENT" if c.unit == "%" else "QUANTITY", f"{c.value} {c.unit}", c.text, c.spans)
        for c in record.counts
    ]
    for label, norm, text, spans in mentions:
        ent = out.get((label, norm))
        if ent is None:
            out[(label, norm)] = Entity(label=label, text=text, norm=norm, spans=list(spans))
        else:
            ent.spans.extend(spans)
    return list(out.values())
