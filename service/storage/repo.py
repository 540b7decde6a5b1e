"""Queries and writes over the tables: the archive's vocabulary, not raw SQL, for callers."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Integer,
    Numeric,
    Select,
    String,
    bindparam,
    case,
    cast,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session, defer
from sqlalchemy.sql.expression import ColumnClause, ColumnElement, TextClause

from normalize.fold import fold
from normalize.keys import (
    PARTY_ISSUERS,
    KeyParts,
    KeyQuery,
    bare_number,
    canonical_key,
    parse_key,
    parse_query,
)
from schemas import HEADER_VALUE_FIELDS, Citation, Document, Page, Record
from service.storage import places
from service.storage.db import ModelJSON
from service.storage.models import (
    CitationRow,
    CitedKeyRow,
    CorrectionRow,
    DocumentPageRow,
    DocumentRow,
    RescanRow,
    utcnow,
)

# Header fields a human may correct; the value replaces the extracted one on every re-extraction.
CORRECTABLE = HEADER_VALUE_FIELDS
# Values other than header fields that a person may confirm, by their ref prefix.
VALUE_REFS = ("cit", "date", "amt", "cnt")


@dataclass
class Filters:
    """Document list filters shared by CLI, API and UI. ``doc_type`` and ``issuer`` ignore
    case and diacritics ("bao cao" finds "Báo cáo"; an issuer matches on any part of it);
    dates are ISO prefixes (``2024``, ``2024-05``, ``2024-05-30``), bounds included."""

    doc_type: str | None = None
    issuer: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    has_figures: bool | None = None
    place: str | None = None  # a unit, current or former name (service.storage.places)


@dataclass
class Hit:
    """A search result: the document, and why it matched: highlighted snippet, matching
    citations (partial ones flagged)."""

    document: DocumentRow
    bears_number: bool = False  # the document's own number is the queried key
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)
    citations: list[CitationRow] = field(default_factory=list)


def document_key(number: str | None) -> str | None:
    """The canonical key of a document's own number: what citations of it are stored under."""
    if not number:
        return None
    return canonical_key(number) or number.strip() or None


def citation_columns(c: Citation) -> dict:
    """A citation's row: its key's parts in indexed columns (type as its code: QĐ, NQ ...)."""
    parts = parse_key(c.key)
    return {
        "key": c.key,
        "number": bare_number(parts.number if parts else c.number),
        "year": parts.year if parts else c.year,
        "type_code": parts.type_code if parts else None,
        "issuer_code": parts.issuer_code if parts else c.issuer_code,
        "date": c.date,
        "partial": c.partial,
        "text": c.text,
    }


def _values_like(
    s: Session, column: InstrumentedAttribute[str | None], wanted: str, whole: bool
) -> list[str]:
    """Stored values of an indexed column equal to (or containing) ``wanted`` once folded.
    The distinct values are few (types, issuers), so this is cheap and index-only."""
    w = " ".join(fold(wanted).split())
    values = s.scalars(select(column).where(column.is_not(None)).distinct())
    return [
        v
        for v in values
        if v is not None and (fold(v) == w if whole else w in " ".join(fold(v).split()))
    ]


def is_value_ref(name: str) -> bool:
    """``cit.0``, ``amt.2`` ...: a value other than a header field, which a person may
    confirm (with its current value) but not rewrite."""
    prefix, _, rest = name.partition(".")
    return prefix in VALUE_REFS and rest.isdigit() and len(rest) <= 5


def hidden_ids() -> Select[tuple[int]]:
    """Ids that search and lists leave out: rescans, shown through their original."""
    return select(RescanRow.document_id)


def _filtered(s: Session, stmt: Select, f: Filters) -> Select:
    stmt = stmt.where(DocumentRow.id.not_in(hidden_ids()))  # listed via the original
    if f.doc_type:
        types = _values_like(s, DocumentRow.doc_type, f.doc_type, whole=True)
        stmt = stmt.where(DocumentRow.doc_type.in_(types))
    if f.issuer:
        issuers = _values_like(s, DocumentRow.issuer, f.issuer, whole=False)
        stmt = stmt.where(DocumentRow.issuer.in_(issuers))
    if f.date_from:
        stmt = stmt.where(DocumentRow.doc_date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(DocumentRow.doc_date <= f.date_to + "\uffff")
    if f.has_figures is not None:
        stmt = stmt.where(DocumentRow.has_figures.is_(f.has_figures))
    if f.place:
        stmt = stmt.where(places.condition(s, f.place))
    return stmt


def find_by_sha(s: Session, sha256: str) -> DocumentRow | None:
    return s.scalar(select(DocumentRow).where(DocumentRow.sha256 == sha256))


def apply_corrections(record: dict, corrections: list[CorrectionRow]) -> dict:
    """Overlay human corrections (oldest first, newest wins) on an extracted record.

    Returns a new record and never changes the given one: a confirmation changes only
    nested marks, and a change made in place would be invisible to the ORM (the stored
    JSON would compare equal to itself and never be written). A confirmed value other than
    a header field is kept under ``confirmed`` with the value confirmed: it counts only
    while the record still holds that value there (see service.readmodel)."""
    doc = copy.deepcopy(record.get("doc") or {})
    confirmed = copy.deepcopy(record.get("confirmed") or {})
    for c in sorted(corrections, key=lambda c: (c.created_at, c.id)):
        if is_value_ref(c.field):
            confirmed[c.field] = {"value": c.value, "by": c.author}
            continue
        doc[c.field] = c.value
        doc.setdefault("detail", {}).setdefault(c.field, {})["corrected_by"] = c.author
    out = {**record, "doc": doc}
    if confirmed:
        out["confirmed"] = confirmed
    return out


def write_document(
    s: Session,
    filename: str,
    document: Document,
    record: Record,
    pipeline_version: str,
    pages: Iterable[dict] | None = None,
) -> tuple[DocumentRow, bool]:
    """Insert or re-extract a document's row by sha256, with its citations, its pages (one
    row a page) and the human corrections applied again; returns (row, created). ``pages``
    is the pages' stored form when the caller has it (read back from a page spool, page by
    page; iterable more than once, since a lost insert race is retried), else it is made
    from the document's pages. What derives from the row (rescan link, review items, change
    feed) is written by ``service.outcome.save_document``."""
    row = find_by_sha(s, document.source.sha256)
    created = row is None
    if row is None:
        row = DocumentRow(sha256=document.source.sha256, filename=filename)
        s.add(row)
    corrections = (
        []
        if created
        else list(s.scalars(select(CorrectionRow).where(CorrectionRow.document_id == row.id)))
    )
    if created:  # the record as extracted, written by pydantic at flush (see ModelJSON)
        head = record.doc.model_dump(mode="json")
        row.record = ModelJSON(record)  # type: ignore[assignment]  # a dict once stored
    else:
        row.record = apply_corrections(record.model_dump(mode="json"), corrections)
        head = row.record["doc"]
    row.mime, row.size = document.source.mime, document.source.size
    row.pages, row.kind = document.source.pages, document.source.kind.value
    row.number, row.doc_type = head.get("number"), head.get("doc_type")
    row.doc_date = head.get("date")
    row.issuer, row.title = head.get("issuer"), head.get("title")
    row.has_figures = bool(record.amounts or record.counts)
    row.text = document.text  # no other reference: the row's is dropped after the flush
    row.folded = fold(row.text)
    row.pipeline_version = pipeline_version
    row.updated_at = utcnow()
    row.doc_key = document_key(row.number)
    unique: dict[str, dict] = {}  # one row per cited key: counting citing = counting rows
    for c in record.citations:
        unique.setdefault(c.key, citation_columns(c))
    columns = list(unique.values())
    register_keys(s, columns)
    row.citations = [CitationRow(**c, doc_date=row.doc_date or "") for c in columns]
    s.flush()
    # What the row now holds is not kept a second time while the pages, review items and
    # change event are written: the text and folded text (with the UTF-8 copies the driver
    # made of them, cached on the strings) are ~3 MB at 288 pages (issue #22); whoever reads
    # them next in this session reads them back. A new row's record too: it is read back
    # as the stored JSON, a dict; a re-extracted row's corrected dict is what it stores.
    s.expire(row, ["text", "folded", "record"] if created else ["text", "folded"])
    stored = pages if pages is not None else (stored_page(p) for p in document.pages)
    write_pages(s, row.id, stored, replace=not created)
    return row, created


# Pages inserted per statement: a few pages' words at a time, never a whole long scan.
PAGE_BATCH = 8


def stored_page(page: Page) -> dict:
    """A page as its row stores it: everything but its text (stored whole on the document)."""
    return page.model_dump(mode="json", exclude={"text"})


def write_pages(s: Session, document_id: int, pages: Iterable[dict], replace: bool) -> int:
    """Store a document's pages one row a page, in order, a few rows a statement, so
    memory holds a few pages however long the document; ``replace`` removes the rows a
    previous extraction wrote. Returns how many pages were written."""
    if replace:
        s.execute(delete(DocumentPageRow).where(DocumentPageRow.document_id == document_id))
    batch: list[dict[str, Any]] = []
    count = 0
    for count, page in enumerate(pages, 1):
        batch.append({"document_id": document_id, "number": count, "data": page})
        if len(batch) >= PAGE_BATCH:
            s.execute(insert(DocumentPageRow), batch)
            batch = []
    if batch:
        s.execute(insert(DocumentPageRow), batch)
    return count


# --- citations: "documents citing X", candidates, the graph -----------------------------------


@dataclass
class KeyCandidate:
    """A stored key a (possibly incomplete) query matches; several of them = ambiguity."""

    key: str
    documents: int  # how many documents cite it, up to COUNT_CAP
    exact: bool = True  # False: more than COUNT_CAP documents cite it
    document_id: int | None = None  # the cited document itself, when it is in the archive


def _parts(row: Any) -> KeyParts:
    """The parts of a stored key (a row of citations or cited_keys, or a row of their
    columns)."""
    party = row.issuer_code in PARTY_ISSUERS
    return KeyParts(row.number or "", row.year, row.type_code, row.issuer_code, party)


@functools.cache
def _candidates_statement(typed: bool) -> Select:
    """The stored keys of a number (``num``), of one type (``type``) when ``typed``: the
    columns, not entities (rows read to be checked and dropped), built once."""
    c = CitedKeyRow
    stmt = select(c.key, c.number, c.year, c.type_code, c.issuer_code)
    stmt = stmt.where(c.number == bindparam("num", type_=String))
    return stmt.where(c.type_code == bindparam("type", type_=String)) if typed else stmt


def _candidate_rows(s: Session, q: KeyQuery) -> list:
    """Stored keys for the query's number (one index seek in the table of distinct keys),
    checked part by part with the parser's own rule: "QĐ 677" lists 677/QĐ-TTg and
    677/QĐ-UBND."""
    number = bare_number(q.number)
    if number is None:
        return []
    typed = bool(q.type_code and q.type_code != "CV")
    rows = s.execute(_candidates_statement(typed), {"num": number, "type": q.type_code})
    probe = KeyQuery(None, q.number, q.year, q.type_code, q.issuer_code)
    return [r for r in rows if probe.matches(_parts(r))]


def register_keys(s: Session, citations: list[dict]) -> None:
    """Add the cited keys not seen before to the table of distinct keys (concurrent writers
    may add the same key: the insert ignores conflicts)."""
    rows = {
        c["key"]: {k: c[k] for k in ("key", "number", "year", "type_code", "issuer_code")}
        for c in citations
    }
    if not rows:
        return
    insert = sqlite_insert if _is_sqlite(s) else pg_insert
    s.execute(insert(CitedKeyRow).values(list(rows.values())).on_conflict_do_nothing())


def matching_keys(s: Session, q: KeyQuery) -> list[str]:
    """The citation keys a query stands for: its exact key, or every stored candidate."""
    if q.key:
        return list(dict.fromkeys([q.key, *q.also]))
    return sorted({r.key for r in _candidate_rows(s, q)})


def key_candidates(s: Session, q: KeyQuery) -> list[KeyCandidate]:
    """Every key the query matches that is cited or archived, with how many documents cite
    it and the archived document that carries it, if any. More than one = ambiguous."""
    keys = matching_keys(s, q)
    if not keys:
        return []
    return _candidates(keys, s.execute(_key_stats_statement(len(keys)), _key_params(keys)).one())


def _key_params(keys: list[str]) -> dict[str, Any]:
    """The values of the bind parameters of the statements below: the keys ``k0`` ... and
    ``cap`` (a count read one past COUNT_CAP says "more than")."""
    return {"cap": COUNT_CAP + 1} | {f"k{i}": k for i, k in enumerate(keys)}


def _key_binds(n: int) -> list[BindParameter[str]]:
    return [bindparam(f"k{i}", type_=String) for i in range(n)]


def _key_stat_columns(keys: Sequence[str | BindParameter[str]]) -> list[ColumnElement[Any]]:
    """For each key, two scalar subqueries, never correlated (evaluated once per statement,
    whatever the rows around them, even among the rows of documents): the documents citing
    it, counted up to ``cap`` (COUNT_CAP + 1, an index-only range), and the first stored
    document bearing it, one probe of the (doc_key, id) index (migration 0017; a GROUP BY
    read every bearer, and copies and rescans of a popular document can number thousands).
    Columns, not a statement of their own: a citing page carries them on its rows
    (``_citing_page``), one round trip less."""
    cols: list[ColumnElement[Any]] = []
    for i, k in enumerate(keys):
        citing = (
            select(CitationRow.document_id)
            .where(CitationRow.key == k, CitationRow.document_id.not_in(hidden_ids()))
            .limit(bindparam("cap", type_=Integer, literal_execute=True))
            .subquery()
        )
        n = select(func.count()).select_from(citing).correlate(None).scalar_subquery()
        first = select(func.min(DocumentRow.id)).where(DocumentRow.doc_key == k)
        cols += [n.label(f"n{i}"), first.correlate(None).scalar_subquery().label(f"d{i}")]
    return cols


# Statements built once per number of keys (bind parameters k0 ...): building and keying a
# statement of a dozen subqueries costs more Python than the server spends running it.
# A query names a few keys; a statement over more of them is built afresh each time.
CACHED_KEYS = 8


@functools.lru_cache(maxsize=CACHED_KEYS)
def _key_stats_statement(n: int) -> Select:
    return select(*_key_stat_columns(_key_binds(n)))


def _candidates(keys: list[str], values: Sequence[Any]) -> list[KeyCandidate]:
    """The candidates from the values of ``_key_stat_columns`` (two a key, in order):
    those cited or archived, the most cited first."""
    out = []
    for k, n, doc in zip(keys, values[0::2], values[1::2], strict=True):
        if n or doc:
            out.append(KeyCandidate(k, min(n, COUNT_CAP), n <= COUNT_CAP, doc))
    return sorted(out, key=lambda c: (-c.documents, c.key))


def cited_keys(s: Session, q: KeyQuery) -> list[str]:
    """The distinct cited keys a query matches: shows ambiguity to the user."""
    return sorted(c.key for c in key_candidates(s, q))


def _citing_ids(keys: list[str]) -> Select:
    return select(CitationRow.document_id).where(CitationRow.key.in_(keys))


# How a list of documents may be ordered (the API's and the UI's ``sort``): "relevance" ranks
# a text search's matches (elsewhere it is the natural order), "date" is the document's date
# newest first and "date_asc" oldest first (undated last both ways), "added" the newest stored
# first, "number" the document's number in numeric order (9 before 10, unnumbered last).
SORTS = ("relevance", "date", "date_asc", "added", "number")
# One of SORTS, an enum in the OpenAPI schema; a type checker sees the str it is (a Literal
# built from a tuple is valid at run time only).
if TYPE_CHECKING:
    Sort = str
else:
    Sort = Literal[SORTS]


def _number_value(s: Session) -> ColumnElement[Any]:
    """The leading digits of the document's key as a number (NULL when it has none)."""
    if _is_sqlite(s):  # SQLite's CAST reads the leading digits of "46/TB-UBND"
        return case(
            (DocumentRow.doc_key.op("GLOB")("[0-9]*"), cast(DocumentRow.doc_key, Numeric)),
            else_=None,
        )
    return cast(func.substring(DocumentRow.doc_key, "^[0-9]+"), Numeric)


def _order(stmt: Select, sort: str | None = None, s: Session | None = None) -> Select:
    """Order by ``sort`` (one of SORTS; the document's date, newest first, by default),
    undated or unnumbered last, ties by id, on both backends."""
    if sort == "date_asc":
        return stmt.order_by(DocumentRow.doc_date.asc().nulls_last(), DocumentRow.id)
    if sort == "added":  # ids grow with each stored document: its index serves the order
        return stmt.order_by(DocumentRow.id.desc())
    if sort == "number" and s is not None:
        number = _number_value(s).asc().nulls_last()
        return stmt.order_by(number, DocumentRow.doc_key, DocumentRow.id)
    return stmt.order_by(DocumentRow.doc_date.desc().nulls_last(), DocumentRow.id.desc())


def _sorted_ids(s: Session, ids: Select, sort: str, limit: int, offset: int) -> list[int]:
    """One page of the documents ``ids`` selects, in the order ``sort`` names."""
    # never correlated: ``ids`` may read documents itself (a filter's join)
    stmt = select(DocumentRow.id).where(DocumentRow.id.in_(ids.correlate(None)))
    return list(s.scalars(_order(stmt, sort, s).limit(limit).offset(offset)))


def citing(
    s: Session, q: KeyQuery, f: Filters | None = None, limit: int = 50, offset: int = 0
) -> list[Hit]:
    """Documents citing the queried key, newest first; each hit carries the matching
    citations, so partial ones (key completed from context) show their flag."""
    return search(s, cites=q, f=f, limit=limit, offset=offset).hits


def documents_by_key(s: Session, keys: list[str]) -> dict[str, DocumentRow]:
    """Archived documents whose own number has one of these canonical keys."""
    if not keys:
        return {}
    rows = s.scalars(
        select(DocumentRow).where(DocumentRow.doc_key.in_(keys)).order_by(DocumentRow.id)
    )
    out: dict[str, DocumentRow] = {}
    for d in rows:
        if d.doc_key:  # always, by the query
            out.setdefault(d.doc_key, d)
    return out


def cites_of(s: Session, doc: DocumentRow) -> list[tuple[CitationRow, DocumentRow | None]]:
    """What a document cites, with the cited document when it is itself in the archive."""
    cits = sorted(doc.citations, key=lambda c: c.id)
    targets = documents_by_key(s, [c.key for c in cits])
    return [(c, targets.get(c.key)) for c in cits]


def cited_by(s: Session, doc: DocumentRow) -> list[DocumentRow]:
    """Documents whose citations name this document's canonical key."""
    if not doc.doc_key:
        return []
    stmt = select(DocumentRow).where(
        DocumentRow.id.in_(_citing_ids([doc.doc_key])), DocumentRow.id != doc.id
    )
    return list(s.scalars(_order(stmt)))


def most_cited(s: Session, limit: int = 20) -> list[tuple[str, int]]:
    """The keys cited by the most documents, each document once (copies left out, as
    search lists them: a chip's count is the count of results one click later)."""
    n = func.count(func.distinct(CitationRow.document_id)).label("n")
    stmt = (
        select(CitationRow.key, n)
        .where(CitationRow.document_id.not_in(hidden_ids()))
        .group_by(CitationRow.key)
        .order_by(n.desc(), CitationRow.key)
        .limit(limit)
    )
    return [(k, c) for k, c in s.execute(stmt).all()]


# --- full text ---------------------------------------------------------------------------------

# SQLite only: the FTS5 table over the folded text (migration 0001).
_SQLITE_FTS = table("documents_fts", column("rowid"), column("rank"))
# PostgreSQL only: a stored tsvector of the folded text (migration 0002), GIN-indexed.
_PG_FTS: ColumnClause[Any] = literal_column("documents.fts")
_TERM = re.compile(r"\w+\*?")


def _terms(query: str) -> list[str]:
    """Folded words of a query; a trailing * asks for a prefix ("khuy*")."""
    return [t for t in _TERM.findall(fold(query)) if t.rstrip("*")]


def _fts_sqlite(terms: list[str]) -> str:
    return " ".join(f'"{t[:-1]}"*' if t.endswith("*") else f'"{t}"' for t in terms)


def _fts_postgres(terms: list[str]) -> str:
    return " & ".join(f"{t[:-1]}:*" if t.endswith("*") else t for t in terms)


def _marks(terms: list[str]) -> re.Pattern:
    """The query as a phrase first, then each of its words (a trailing * = any ending)."""
    words = [re.escape(t[:-1]) + r"\w*" if t.endswith("*") else re.escape(t) for t in terms]
    alts = [r"\W+".join(words)] if len(words) > 1 else []
    alts += sorted(words, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


def _snippet(doc: DocumentRow, terms: list[str], width: int = 90) -> tuple[str, list]:
    """Cut the text around the first match and mark every match inside the cut. The fold is
    length-preserving, so offsets found in the folded text index the stored text."""
    pattern = _marks(terms)
    first = pattern.search(doc.folded)
    pos = first.start() if first else 0
    start = max(0, pos - width)
    end = min(len(doc.text), pos + width * 2)
    while start > 0 and not doc.text[start - 1].isspace() and pos - start < width + 20:
        start -= 1
    while end < len(doc.text) and not doc.text[end].isspace() and end - pos < width * 2 + 20:
        end += 1
    snippet = doc.text[start:end].replace("\f", " ").replace("\n", " ")
    marks = [(m.start() - start, m.end() - start) for m in pattern.finditer(doc.folded, start, end)]
    return snippet, marks


def fulltext(
    s: Session, query: str, f: Filters | None = None, limit: int = 50, offset: int = 0
) -> list[Hit]:
    """Diacritic- and case-insensitive search over the folded text, best matches first."""
    return search(s, query, f=f, limit=limit, offset=offset).hits


# --- one search: words, cited key, filters ------------------------------------------------------

# Totals above this are reported as "more than COUNT_CAP" (counting every match of a common
# word costs as much as the search itself); per-key citing counts stay exact (candidates).
COUNT_CAP = 1000
# Relevance (bm25 / ts_rank) is computed over the newest RANK_WINDOW matches: exact whenever
# a query matches fewer documents, bounded work when it matches most of the archive.
RANK_WINDOW = 1000


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    total_exact: bool = True
    candidates: list[KeyCandidate] = field(default_factory=list)
    by_key: bool = False  # the query named a document: its bearer first, then those citing it


def _is_sqlite(s: Session) -> bool:
    return s.get_bind().dialect.name == "sqlite"


def _text_ids(s: Session, terms: list[str]) -> ColumnElement[bool]:
    """A condition on documents.id: the document matches every query word."""
    if _is_sqlite(s):
        return DocumentRow.id.in_(select(_SQLITE_FTS.c.rowid).where(_sqlite_match(terms)))
    return _PG_FTS.op("@@")(_pg_query(terms))


def _sqlite_match(terms: list[str]) -> TextClause:
    return text("documents_fts MATCH :m").bindparams(m=_fts_sqlite(terms))


def _pg_query(terms: list[str]) -> ColumnElement[Any]:
    return func.to_tsquery("simple", _fts_postgres(terms))


def _pg_prefer_index(s: Session) -> None:
    """The planner prices ``tsvector @@ tsquery`` at one operator per row and picks a
    sequential scan when a word is common; every row's tsvector is then detoasted (10x
    slower than the GIN bitmap). Scoped to this transaction only."""
    s.execute(text("SET LOCAL enable_seqscan = off"))


def _capped_count(s: Session, ids: Select) -> tuple[int, bool]:
    n = s.scalar(select(func.count()).select_from(ids.limit(COUNT_CAP + 1).subquery())) or 0
    return min(n, COUNT_CAP), n <= COUNT_CAP


def _ranked_text_ids(
    s: Session, terms: list[str], f: Filters, limit: int, offset: int, sort: str | None = None
) -> tuple[list[int], int, bool]:
    """Ids of documents matching the words, and the (capped) number of matches.

    Order: the newest RANK_WINDOW matches best first, then any older ones newest first; the
    order is the same whatever the page, and ranking work never exceeds the window. Another
    ``sort`` than relevance orders all the matches by it.

    One bounded read serves both: the newest matches (one more than the window and the
    cap) with their relevance; the total is counted from it. A separate count read every
    match of a common word from the index (a million at a million documents)."""
    if _is_sqlite(s):
        base = select(_SQLITE_FTS.c.rowid.label("id")).where(
            _sqlite_match(terms), _SQLITE_FTS.c.rowid.not_in(hidden_ids())
        )
        if _has_filters(f):
            base = _filtered(s, base.join(DocumentRow, DocumentRow.id == _SQLITE_FTS.c.rowid), f)
        newest = base.add_columns(_SQLITE_FTS.c.rank.label("v")).order_by(
            _SQLITE_FTS.c.rowid.desc()
        )
    else:
        _pg_prefer_index(s)
        base = _filtered(s, select(DocumentRow.id).where(_PG_FTS.op("@@")(_pg_query(terms))), f)
        newest = base.add_columns(_PG_FTS.label("v")).order_by(DocumentRow.id.desc())
    if sort not in (None, "relevance"):
        ids_only = base.with_only_columns(base.selected_columns[0])
        return _sorted_ids(s, ids_only, sort, limit, offset), *_capped_count(s, base)
    window = newest.limit(max(RANK_WINDOW, COUNT_CAP) + 1).subquery()
    # bm25 (FTS5 rank) is lower for better matches; ts_rank is higher
    score = -window.c.v if _is_sqlite(s) else func.ts_rank(window.c.v, _pg_query(terms))
    rows = s.execute(select(window.c.id, score).order_by(window.c.id.desc())).all()
    ranked = sorted(rows[:RANK_WINDOW], key=lambda r: (-r[1], -r[0]))
    ids = [r[0] for r in ranked[offset : offset + limit]]
    if offset + limit > RANK_WINDOW:
        older = newest.with_only_columns(newest.selected_columns[0])
        skip = max(offset, RANK_WINDOW)
        ids += list(s.scalars(older.offset(skip).limit(offset + limit - skip)))
    return ids, min(len(rows), COUNT_CAP), len(rows) <= COUNT_CAP


def _has_filters(f: Filters) -> bool:
    return any(v is not None and v != "" for v in vars(f).values())


def _citing_filtered(
    s: Session, stmt: Select, f: Filters, terms: list[str], exclude: list[int] | tuple[()] = ()
) -> Select:
    """A read of the citations narrowed to the documents listed (not rescans), not in
    ``exclude``, under the filters and containing the words (these two join the documents)."""
    stmt = stmt.where(CitationRow.document_id.not_in(hidden_ids()))
    if exclude:
        stmt = stmt.where(CitationRow.document_id.not_in(list(exclude)))
    if _has_filters(f) or terms:
        stmt = _filtered(s, stmt.join(DocumentRow, DocumentRow.id == CitationRow.document_id), f)
        if terms:
            stmt = stmt.where(_text_ids(s, terms))
    return stmt


def _citing_ranges(
    s: Session,
    keys: Sequence[str | BindParameter[str]],
    f: Filters,
    terms: list[str],
    n: int | BindParameter[int],
    exclude: list[int] | tuple[()] = (),
    ordered: bool = True,
) -> Select | CompoundSelect:
    """(doc_date, document_id) of the first ``n`` documents citing each key, newest first
    (or, not ``ordered``, any ``n`` of them, for a count): one range of the (key, doc_date,
    document_id) index a key, read only as far as ``n``, so a key cited by half the
    archive costs no more than a rare one."""
    parts = []
    for k in keys:
        part = _citing_filtered(
            s,
            select(CitationRow.doc_date, CitationRow.document_id).where(CitationRow.key == k),
            f,
            terms,
            exclude,
        )
        if ordered:
            part = part.order_by(CitationRow.doc_date.desc(), CitationRow.document_id.desc())
        parts.append(part.limit(n))
    return _per_key(parts)


def _citing_ids_page(
    s: Session,
    cands: list[KeyCandidate],
    f: Filters,
    terms: list[str],
    limit: int,
    offset: int,
    sort: str | None = None,
    exclude: list[int] | tuple[()] = (),
) -> tuple[list[int], int, bool]:
    """Ids of documents citing any of the keys, newest document date first (or as
    ``sort`` says), but those of ``exclude`` (a number query lists its bearers apart: an
    id list, checked in the index-only range, where a document's own key is a row read).

    The keys' ranges (``_citing_ranges``) are merged here. A citing query in the default
    order reads its page and rows in one statement instead (``_citing_page``)."""
    keys = [c.key for c in cands]
    join = _has_filters(f) or bool(terms)
    if terms and not _is_sqlite(s):
        _pg_prefer_index(s)
    all_ids = _citing_filtered(s, _citing_ids(keys), f, terms, exclude)
    if len(keys) > 1:  # a document cites each key once (write_document), several keys: distinct
        all_ids = all_ids.distinct()  # reads every row (unfiltered: all exact, so few)
    if sort not in (None, "relevance", "date"):
        return _sorted_ids(s, all_ids, sort, limit, offset), *_capped_count(s, all_ids)
    rows: set[tuple[str, int]] = set()
    if limit > 0:  # one statement: a range per key, each read as far as the page
        ranges = _citing_ranges(s, keys, f, terms, offset + limit, exclude)
        rows.update(tuple(r) for r in s.execute(ranges))
    seen: dict[int, None] = {}
    for _, doc_id in sorted(rows, reverse=True):
        seen.setdefault(doc_id)
    ids = list(seen)[offset : offset + limit]
    if exclude and not join and len(keys) > 1:
        parts = [_citing_filtered(s, _citing_ids([k]), f, terms, exclude) for k in keys]
        return ids, *_union_count(s, parts, all_ids)
    return ids, *_citing_total(s, cands, all_ids, join or bool(exclude))


def _citing_total(
    s: Session, cands: list[KeyCandidate], all_ids: Select, narrowed: bool
) -> tuple[int, bool]:
    """The documents citing the candidates (those cited), up to COUNT_CAP. Unless filters,
    words or an exclusion narrow them, the candidates' own capped counts answer (one key,
    or one over the cap) without reading every citation of a popular key; else the
    distinct ids are counted (several keys under the cap: a few thousand rows at most)."""
    if not narrowed and (len(cands) == 1 or any(not c.exact for c in cands)):
        exact = all(c.exact for c in cands)
        return min(sum(c.documents for c in cands), COUNT_CAP), exact
    return _capped_count(s, all_ids)


def _citing_page(
    s: Session, keys: list[str], f: Filters, terms: list[str], limit: int, offset: int
) -> tuple[list[Hit], list[KeyCandidate], int, bool]:
    """Documents citing any of the keys, newest document date first: the page's hits, the
    candidates (every key cited or archived) and the capped total.

    One statement (``_citing_page_statement``): every round trip to the server is a wait
    for a busy CPU, and ids, rows, counts and total read apart were up to four of them.
    Only an empty page (nobody cites the keys, or a page past the end) reads its counts
    in a statement of their own, having no row to carry them."""
    if terms and not _is_sqlite(s):
        _pg_prefer_index(s)
    params: dict[str, Any] = _key_params(keys) | {"n": offset + limit, "lim": limit, "off": offset}
    rows: list[Any] = []
    if limit > 0:
        rows = list(s.execute(_citing_statement(s, len(keys), f, terms, page=True), params))
    if rows:
        values = rows[0][2:]
    else:
        values = s.execute(_citing_statement(s, len(keys), f, terms, page=False), params).one()
    candidates = _candidates(keys, values[: 2 * len(keys)])
    if not any(c.documents for c in candidates):
        return [], candidates, 0, True
    # several keys, or narrowed: their union's count; else the one key's own
    total = values[-1] if len(values) > 2 * len(keys) else values[0]
    hits: dict[int, Hit] = {}
    for row in rows:
        hit = hits.setdefault(row[0].id, Hit(row[0]))
        if row[1] is not None:
            hit.citations.append(row[1])
    return list(hits.values()), candidates, min(total, COUNT_CAP), total <= COUNT_CAP


# Citing statements without filters or words, by (number of keys, page or counts only):
# they read nothing from the session, so they are built once (up to CACHED_KEYS keys).
_PLAIN_CITING: dict[tuple[int, bool], Select] = {}


def _citing_statement(s: Session, n_keys: int, f: Filters, terms: list[str], page: bool) -> Select:
    """``_citing_page_statement`` (``page``) or its counts alone, from the cache when it
    can be."""
    plain = not (_has_filters(f) or terms) and n_keys <= CACHED_KEYS
    stmt = _PLAIN_CITING.get((n_keys, page)) if plain else None
    if stmt is None:
        cols = _citing_counts(s, n_keys, f, terms)
        stmt = _citing_page_statement(s, n_keys, f, terms, cols) if page else select(*cols)
        if plain:
            _PLAIN_CITING[(n_keys, page)] = stmt
    return stmt


def _citing_counts(s: Session, n_keys: int, f: Filters, terms: list[str]) -> list[Any]:
    """The keys' counts and first bearers (``_key_stat_columns``), then, for several keys
    or under filters or words, the documents citing any of them counted up to ``cap``: the
    distinct ids of the keys' ranges each read up to ``cap`` (COUNT_CAP + 1), which is
    exact under the cap and over it when one key is (a few thousand index entries at
    most, however popular the keys)."""
    keys = _key_binds(n_keys)
    cols = _key_stat_columns(keys)
    if n_keys > 1 or _has_filters(f) or terms:
        cap = bindparam("cap", type_=Integer, literal_execute=True)
        ranges = _citing_ranges(s, keys, f, terms, cap, ordered=False).subquery()
        union = select(func.count(ranges.c.document_id.distinct())).correlate(None)
        cols.append(union.scalar_subquery().label("total"))
    return cols


def _citing_page_statement(
    s: Session, n_keys: int, f: Filters, terms: list[str], counts: list[Any]
) -> Select:
    """The page of documents citing any of the keys ``k0`` ... (bind parameters; ``n`` =
    offset + limit, ``lim``, ``off``): the keys' ranges (``_citing_ranges``) merged into
    the page (a document citing several keys once, by its date), joined to the page's
    rows and their citations of the keys, each row carrying the ``counts`` (uncorrelated
    scalar subqueries, evaluated once). The limits are written into the SQL
    (``literal_execute``): the plan is made for the page's size, not for any limit."""
    keys = _key_binds(n_keys)
    n = bindparam("n", type_=Integer, literal_execute=True)
    r = _citing_ranges(s, keys, f, terms, n).subquery()
    page_date: ColumnElement[Any] = r.c.doc_date
    page = select(r.c.document_id.label("id"))
    if n_keys > 1:  # a document citing several keys once, by its (one) date
        page_date = func.max(r.c.doc_date)
        page = page.group_by(r.c.document_id)
    p = (
        page.add_columns(page_date.label("d"))
        .order_by(page_date.desc(), r.c.document_id.desc())
        .limit(bindparam("lim", type_=Integer, literal_execute=True))
        .offset(bindparam("off", type_=Integer, literal_execute=True))
        .subquery()
    )
    stmt = (
        select(DocumentRow, CitationRow, *counts)
        .join(p, DocumentRow.id == p.c.id)
        .outerjoin(
            CitationRow,
            (CitationRow.document_id == DocumentRow.id) & CitationRow.key.in_(keys),
        )
        .order_by(p.c.d.desc(), p.c.id.desc(), CitationRow.id)
    )
    return stmt if terms else stmt.options(defer(DocumentRow.folded))


def _union_count(s: Session, parts: list[Select], union: Select) -> tuple[int, bool]:
    """The documents of several ranges, counted up to COUNT_CAP: each range counted up to
    the cap first (one statement); one over it puts the union over it without reading the
    rest, else the union (a few thousand rows at most) is counted."""
    counts = [
        select(func.count()).select_from(p.limit(COUNT_CAP + 1).subquery()).scalar_subquery()
        for p in parts
    ]
    if any(n > COUNT_CAP for n in s.execute(select(*counts)).one()):
        return COUNT_CAP, False
    return _capped_count(s, union)


def _load(s: Session, ids: list[int], keys: list[str], folded: bool = False) -> list[Hit]:
    """The hits' documents in order, with their citations of the keys, in one statement.
    The folded text is for a text match's snippet (``folded``): a list of other hits
    leaves it out (loaded on access, if ever). The pages are rows of their own (0020)."""
    if not ids:
        return []
    stmt = select(DocumentRow, CitationRow).where(
        DocumentRow.id.in_(ids), DocumentRow.id.not_in(hidden_ids())
    )
    if not folded:
        stmt = stmt.options(defer(DocumentRow.folded))
    stmt = stmt.outerjoin(
        CitationRow,
        (CitationRow.document_id == DocumentRow.id) & CitationRow.key.in_(keys or [""]),
    )
    hits: dict[int, Hit] = {}
    for doc, cit in s.execute(stmt.order_by(CitationRow.id)):
        hit = hits.setdefault(doc.id, Hit(doc))
        if cit is not None:
            hit.citations.append(cit)
    return [hits[i] for i in ids if i in hits]


# The next stored doc_key after ``prev`` below ``hi``, in byte order: on PostgreSQL the
# text_pattern_ops operators, which migration 0014's index serves whatever the collation.
_NEXT_KEY = {
    "postgresql": "SELECT doc_key FROM documents WHERE doc_key {op} {prev} "
    "AND doc_key ~<~ {hi} ORDER BY doc_key USING ~<~ LIMIT 1",
    "sqlite": "SELECT doc_key FROM documents WHERE doc_key {op} {prev} "
    "AND doc_key < {hi} ORDER BY doc_key LIMIT 1",
}
_BYTE_OPS = {"postgresql": ("~>=~", "~>~"), "sqlite": (">=", ">")}


def _stored_keys_of_number(s: Session, number: str) -> list[str]:
    """The distinct doc_keys written with this number ("677/...", "677-...", with up to two
    leading zeros): an index skip scan, one probe per distinct key, however many documents
    bear each (a recursive CTE: one statement on both backends)."""
    dialect = "sqlite" if _is_sqlite(s) else "postgresql"
    first, after = _BYTE_OPS[dialect]
    seeds, params = [], {}
    # digits, then "-" < "." < "/" < "0" in byte order: [N-, N0) holds "N-..." and "N/..."
    for i, zeros in enumerate(("", "0", "00")):
        params[f"lo{i}"], params[f"hi{i}"] = f"{zeros}{number}-", f"{zeros}{number}0"
        probe = _NEXT_KEY[dialect].format(op=first, prev=f":lo{i}", hi=f":hi{i}")
        seeds.append(f"SELECT CAST(:hi{i} AS TEXT), CAST(({probe}) AS TEXT)")
    step = _NEXT_KEY[dialect].format(op=after, prev="k.key", hi="k.hi")
    sql = (
        "WITH RECURSIVE k(hi, key) AS ("
        + " UNION ALL ".join(seeds)
        + f" UNION ALL SELECT k.hi, CAST(({step}) AS TEXT) FROM k WHERE k.key IS NOT NULL"
        + ") SELECT key FROM k WHERE key IS NOT NULL"
    )
    return sorted(set(s.scalars(text(sql), params)))


def _bearer_keys(s: Session, q: KeyQuery) -> list[str]:
    """The stored doc_keys the query's parts match (leading zeros aside), by the parser's
    own rule: "BC 12" stands for 12/BC-HKH, 012/BC-HKH and 12/BC-UBND, not 12/TB-HKH."""
    number = bare_number(q.number)
    if number is None:
        return []
    probe = q.loose()
    out = []
    for k in _stored_keys_of_number(s, number):
        parts = parse_key(k)
        if parts is not None and probe.matches(parts):
            out.append(k)
    return out


def _per_key(parts: list[Select]) -> Select | CompoundSelect:
    """One statement of per-key reads (each limited: wrapped, as SQLite requires)."""
    wrapped = [select(*p.subquery().c) for p in parts]
    return wrapped[0] if len(wrapped) == 1 else union_all(*wrapped)


def _bearer_page(s: Session, keys: list[str], f: Filters, limit: int, offset: int) -> list[int]:
    """Ids of one page of the listed documents bearing the keys, newest first (undated
    last, ties newest stored first): each key one range of the (doc_key, doc_date, id)
    index (migration 0021) read as far as the page, merged here."""
    if limit <= 0:
        return []
    parts = [
        _order(
            _filtered(
                s, select(DocumentRow.id, DocumentRow.doc_date).where(DocumentRow.doc_key == k), f
            )
        ).limit(offset + limit)
        for k in keys
    ]
    rows = sorted(
        s.execute(_per_key(parts)).all(),
        key=lambda r: (r[1] is not None, r[1] or "", r[0]),
        reverse=True,
    )
    return [r[0] for r in rows[offset : offset + limit]]


def _search_number(
    s: Session, q: KeyQuery, f: Filters, limit: int, offset: int, sort: str | None = None
) -> SearchResult | None:
    """The documents bearing the queried number first (newest first, up to COUNT_CAP of
    them), then those citing it that do not bear it (in ``sort``'s order); None when the
    archive holds neither (the words are then searched as text).

    Ids are read, not rows: the listed bearers (up to COUNT_CAP, index-only), then the page
    of citing documents with those ids left out inside the citations' index ranges; only
    the page's rows are loaded. A number borne by thousands of documents costs one page."""
    keys = _bearer_keys(s, q)
    listed = _bearer_page(s, keys, f, COUNT_CAP + 1, 0) if keys else []
    own_total, own_exact = min(len(listed), COUNT_CAP), len(listed) <= COUNT_CAP
    listed = listed[:COUNT_CAP]
    own = listed[offset : offset + limit]
    candidates = key_candidates(s, q)
    cited = [c for c in candidates if c.documents]
    ids: list[int] = []
    total, exact = 0, True
    if cited:
        skip = max(0, offset - own_total)
        ids, total, exact = _citing_ids_page(
            s, cited, f, [], limit - len(own), skip, sort, exclude=listed
        )
    if not own_total and not total:
        return None
    hits = _load(s, own, [])
    for h in hits:
        h.bears_number = True
    hits += _load(s, ids, [c.key for c in cited])
    return SearchResult(hits, own_total + total, own_exact and exact, candidates, by_key=True)


def search(
    s: Session,
    query: str | None = None,
    cites: KeyQuery | None = None,
    f: Filters | None = None,
    limit: int = 50,
    offset: int = 0,
    sort: str | None = None,
) -> SearchResult:
    """Documents matching words (best first, with highlighted snippets) and/or citing a key
    (newest first, with the matching citations and the candidate keys), under the filters;
    ``sort`` (one of SORTS) orders them otherwise. Every step reads an index range no longer
    than the page needs (see COUNT_CAP) in the default order."""
    if sort is not None and sort not in SORTS:
        raise ValueError(f"sort is one of {', '.join(SORTS)}, not {sort!r}")
    f = f or Filters()
    terms = _terms(query or "")
    if query and query.strip() and not terms:
        return SearchResult([], 0)
    if query and cites is None:
        named = parse_query(query)
        if named.names_a_document:
            found = _search_number(s, named, f, limit, offset, sort)
            if found is not None:
                return found
    candidates: list[KeyCandidate] = []
    keys: list[str] = []
    if cites is not None and sort in (None, "relevance", "date"):
        keys = matching_keys(s, cites)
        if not keys:
            return SearchResult([], 0, True, [])
        hits, candidates, total, exact = _citing_page(s, keys, f, terms, limit, offset)
        if terms:
            for h in hits:
                h.snippet, h.highlights = _snippet(h.document, terms)
        return SearchResult(hits, total, exact, candidates)
    if cites is not None:
        candidates = key_candidates(s, cites)
        cited = [c for c in candidates if c.documents]
        if not cited:
            return SearchResult([], 0, True, candidates)
        keys = [c.key for c in cited]
        ids, total, exact = _citing_ids_page(s, cited, f, terms, limit, offset, sort)
    elif terms:
        ids, total, exact = _ranked_text_ids(s, terms, f, limit, offset, sort)
    else:
        docs = list_documents(s, f, limit, offset, sort)
        return SearchResult([Hit(d) for d in docs], count_documents(s, f))
    hits = _load(s, ids, keys, folded=bool(terms))
    if terms:
        for h in hits:
            h.snippet, h.highlights = _snippet(h.document, terms)
    return SearchResult(hits, total, exact, candidates)


def list_documents(
    s: Session, f: Filters | None = None, limit: int = 50, offset: int = 0, sort: str | None = None
) -> list[DocumentRow]:
    stmt = _filtered(s, select(DocumentRow), f or Filters())
    return list(s.scalars(_order(stmt, sort, s).limit(limit).offset(offset)))


def count_documents(s: Session, f: Filters | None = None) -> int:
    return s.scalar(_filtered(s, select(func.count(DocumentRow.id)), f or Filters())) or 0


def write_correction(
    s: Session,
    doc: DocumentRow,
    field_name: str,
    value: str | None,
    previous: str | None,
    who: str,
) -> CorrectionRow:
    """Record a correction (or a confirmation) and apply it to the stored record and the
    columns that copy the field at once. Whether a value ref may be confirmed with this
    value is for the caller to check (``service.review.add_correction``); a field that is
    neither correctable nor a value ref is refused here (ValueError), before any write."""
    if not is_value_ref(field_name) and field_name not in CORRECTABLE:
        raise ValueError(f"field {field_name!r} cannot be corrected")
    row = CorrectionRow(
        document_id=doc.id, field=field_name, value=value, previous=previous, author=who
    )
    s.add(row)
    s.flush()
    doc.record = apply_corrections(doc.record, [row])
    doc.updated_at = utcnow()
    if is_value_ref(field_name):
        return row
    column = {"date": "doc_date"}.get(field_name, field_name)
    if hasattr(DocumentRow, column):
        setattr(doc, column, value)
    if field_name == "number":
        doc.doc_key = document_key(value)
    if field_name == "date":
        for c in doc.citations:
            c.doc_date = value or ""
    return row
