"""REST endpoints under /api/v1. Roles: reader (query), archivist (upload, correct), admin.

Every operation declares its response model and its error responses (RFC 9457 problem
details), so the OpenAPI schema at /openapi.json is the contract clients and schemathesis use.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import AfterValidator
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

import ocr
from normalize.keys import parse_query
from service import (
    archive,
    auth,
    batches,
    exports,
    pagecache,
    readmodel,
    rescans,
    review,
    worker,
)
from service.api.deps import AppState, get_state, require
from service.api.models import (
    BatchItemOut,
    BatchOut,
    CitationOut,
    CorrectionIn,
    CorrectionOut,
    Discarded,
    DocumentDetail,
    DocumentSummary,
    FoundDocument,
    Graph,
    GraphEdge,
    GraphNode,
    KeyCandidateOut,
    MatchedCitation,
    Me,
    Problem,
    Resolved,
    ReviewBox,
    ReviewItem,
    ReviewPage,
    SearchHit,
    SearchPage,
    TokenCreated,
    TokenIn,
    TokenOut,
    TopCited,
)
from service.safetext import (
    clean_text,
    correction_value,
    display_name,
    iso_date,
    scrub_paths,
)
from service.storage import repo
from service.storage.models import BatchItemRow, CorrectionRow, DocumentRow, TokenRow


def _problems(*codes: int) -> dict:
    """OpenAPI entries for the problem-details errors an operation may answer."""
    return {c: {"model": Problem} for c in codes}  # media type: see app._problem_media_type


router = APIRouter(prefix="/api/v1", responses=_problems(400, 401, 403, 422))
Reader = Annotated[TokenRow, Depends(require("reader"))]
Archivist = Annotated[TokenRow, Depends(require("archivist"))]
Admin = Annotated[TokenRow, Depends(require("admin"))]
State = Annotated[AppState, Depends(get_state)]
# Ids are database integers: bounded so that no request can overflow a column type.
Id = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
Text = Annotated[str | None, Query(max_length=500)]


def _real_date(value: str | None) -> str | None:
    """A date filter must be a real date (2024-02-30 and 2024-13-45 are 422, not empty)."""
    if value is not None and iso_date(value) != value:
        raise ValueError(f"{value[:20]!r} is not a real date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


IsoDate = Annotated[
    str | None,
    Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", examples=["2024-05"]),
    AfterValidator(_real_date),
]


def _item_out(item: BatchItemRow) -> BatchItemOut:
    out = BatchItemOut.model_validate(item, from_attributes=True)
    out.error = scrub_paths(out.error) if out.error else out.error  # rows older than the scrub
    return out


def _found(st: AppState, items: list[BatchItemRow]) -> dict[int, FoundDocument]:
    """The documents the finished files became: number, type, title, values to check."""
    ids = {i.document_id for i in items if i.document_id}
    if not ids:
        return {}
    with st.db.session() as s:
        rows = s.scalars(select(DocumentRow).where(DocumentRow.id.in_(ids)))
        return {
            d.id: FoundDocument(
                number=d.number,
                doc_type=d.doc_type,
                title=d.record.doc.title,
                date=d.date,
                to_review=len(review.items_of(d, boxes=False)),
            )
            for d in readmodel.read_many(s, rows)
        }


def _batch_out(batch_id: int, items: list[BatchItemRow], st: AppState | None = None) -> BatchOut:
    states = [i.state for i in items]
    found = _found(st, items) if st is not None else {}
    out = [_item_out(i) for i in items]
    for o in out:
        o.document = found.get(o.document_id) if o.document_id else None
    return BatchOut(
        id=batch_id,
        total=len(items),
        **{k: states.count(k) for k in ("queued", "processing", "done", "failed")},
        items=out,
    )


def _receive(up: UploadFile, dest: Path, limit: int) -> None:
    """Copy one uploaded file to disk, refusing it as soon as it passes the size limit."""
    size = 0
    with open(dest, "wb") as out:
        while chunk := up.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                name = display_name(up.filename or "", "a file")
                raise HTTPException(
                    413, f"{name}: larger than the {limit:,} byte limit (SOHOA_MAX_FILE_BYTES)"
                )
            out.write(chunk)


@router.post("/documents", status_code=202, response_model=BatchOut, responses=_problems(413))
def upload(
    st: State, _: Archivist, files: Annotated[list[UploadFile], File(min_length=1)]
) -> BatchOut:
    """Upload one or more files; they are stored at once and processed in the background.

    A file over the size limit refuses the whole request (413); page and pixel limits are
    checked when the file is read, and an item over them fails with error kind ``limits``.
    File names are only display names: path parts, control characters and bidirectional
    overrides are dropped, so a hostile name never fails the other files of the request."""
    limit = st.settings.limits.max_file_bytes
    incoming = st.settings.data_dir / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=incoming) as tmp:
        paths, names = [], []
        for n, up in enumerate(files):
            name = display_name(up.filename or "", f"upload-{n}")
            dest = Path(tmp) / f"{n:05d}{Path(name).suffix.lower()[:10]}"  # .zip expands
            _receive(up, dest, limit)
            paths.append(dest)
            names.append(name)
        caps = batches.ZipCaps.of(st.settings)
        batch_id = batches.create_batch(st.db, st.blobs, paths, "upload", names, limit, caps)
    worker.submit(st.settings, st.db, batch_id)  # to Celery when a broker is configured
    st.wake.set()
    return _batch_out(batch_id, batches.batch_items(st.db, batch_id))


@router.get("/batches/{batch_id}", response_model=BatchOut, responses=_problems(404))
def batch_status(batch_id: Id, st: State, _: Reader) -> BatchOut:
    """Per-file progress (pages done of total) and errors of one upload."""
    items = batches.batch_items(st.db, batch_id)
    if not items:
        raise HTTPException(404, f"no batch {batch_id}")
    return _batch_out(batch_id, items, st)


@router.get(
    "/batches/{batch_id}/failures.csv",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}}, **_problems(404)},
)
def batch_failures(batch_id: Id, st: State, _: Reader) -> Response:
    """The failed files of a batch with why, as CSV (for a spreadsheet): the columns of
    `sohoa batch show ID --csv --failed`."""
    rows = batches.report(st.db, batch_id)
    if not rows:
        raise HTTPException(404, f"no batch {batch_id}")
    body = "".join(batches.report_csv(rows, failed_only=True))
    return Response(body, media_type="text/csv; charset=utf-8")


@router.delete("/batches/{batch_id}/failed", response_model=Discarded, responses=_problems(404))
def discard_failed(batch_id: Id, st: State, _: Archivist) -> Discarded:
    """Delete the stored originals of the batch's files that failed for good: they hold
    no document, so they could not be deleted otherwise (the items stay, marked)."""
    if not batches.batch_items(st.db, batch_id):
        raise HTTPException(404, f"no batch {batch_id}")
    return Discarded(deleted=batches.discard_failed(st.db, st.blobs, batch_id))


def _summary(d: DocumentRow) -> DocumentSummary:
    return DocumentSummary(
        id=d.id,
        file=d.filename,
        number=d.number,
        key=d.doc_key,
        doc_type=d.doc_type,
        date=d.doc_date,
        issuer=d.issuer,
        title=d.title,
        pages=d.pages,
        kind=d.kind,
        has_figures=d.has_figures,
    )


def _candidates(cands: list[repo.KeyCandidate]) -> list[KeyCandidateOut]:
    return [
        KeyCandidateOut(key=c.key, documents=c.documents, exact=c.exact, document_id=c.document_id)
        for c in cands
    ]


def _clean(value: str | None) -> str | None:
    """Drop control characters (a NUL byte is not text, and PostgreSQL refuses it)."""
    return clean_text(value) or None if value is not None else None


@router.get("/documents", response_model=SearchPage)
def list_documents(
    st: State,
    _: Reader,
    q: Annotated[
        Text, Query(description="words; diacritics and case optional; 'khuy*' = prefix")
    ] = None,
    cites: Annotated[
        Text, Query(description="a cited document: 'QĐ 677', '677/QD-TTg' ...")
    ] = None,
    doc_type: Annotated[Text, Query(alias="type", description="'Báo cáo', 'bao cao'")] = None,
    issuer: Text = None,
    date_from: Annotated[IsoDate, Query(alias="from")] = None,
    date_to: Annotated[IsoDate, Query(alias="to")] = None,
    has_figures: bool | None = None,
    place: Annotated[Text, Query(description="a unit, current or former name")] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
    sort: Annotated[
        repo.Sort | None,
        Query(
            description="relevance (words: best first; the default with q), date (the "
            "document's date, newest first; the default otherwise), date_asc (oldest first), "
            "added (last stored first), number (the document's number, 9 before 10); a "
            "document bearing the queried number stays first"
        ),
    ] = None,
) -> SearchPage:
    """List or search documents: by words (ranked, highlighted snippets; words that name a
    document's number, "46/TB-UBND" or "TB 46", list the document bearing it first, then
    those citing it), by cited key
    (newest first; partial citations flagged; every candidate key when ambiguous), with the
    filters; both ``q`` and ``cites`` = documents citing the key that contain the words."""
    f = repo.Filters(
        _clean(doc_type), _clean(issuer), date_from, date_to, has_figures, _clean(place)
    )
    offset = (page - 1) * per_page
    q, cites = _clean(q), _clean(cites)
    with st.db.session() as s:
        kq = parse_query(cites) if cites else None
        r = repo.search(s, q, kq, f, per_page, offset, sort)
        scans = rescans.members(s, [h.document.id for h in r.hits])
        results = [
            SearchHit(
                **_summary(h.document).model_dump(),
                rescans=[_summary(d) for d in scans.get(h.document.id, [])],
                bears_number=h.bears_number,
                snippet=h.snippet or None,
                highlights=h.highlights,
                matched=[
                    MatchedCitation(key=c.key, partial=c.partial, text=c.text) for c in h.citations
                ],
            )
            for h in r.hits
        ]
    return SearchPage(
        page=page,
        per_page=per_page,
        total=r.total,
        total_exact=r.total_exact,
        keys=[c.key for c in r.candidates if c.documents],
        candidates=_candidates(r.candidates),
        results=results,
    )


def _get_doc(s: Session, doc_id: int) -> DocumentRow:
    doc = s.get(DocumentRow, doc_id)
    if doc is None:
        raise HTTPException(404, f"no document {doc_id}")
    return doc


def _cites(s: Session, doc: DocumentRow) -> list[CitationOut]:
    return [
        CitationOut(key=c.key, partial=c.partial, text=c.text, document_id=t.id if t else None)
        for c, t in repo.cites_of(s, doc)
    ]


@router.get("/documents/{doc_id}", response_model=DocumentDetail, responses=_problems(404))
def document_detail(doc_id: Id, st: State, _: Reader) -> DocumentDetail:
    """The record with provenance, page routes, what it cites and what cites it."""
    with st.db.session() as s:
        doc = _get_doc(s, doc_id)
        infos = readmodel.page_infos(s, doc.id)
        view = readmodel.read(doc, pages=infos)
        return DocumentDetail(
            **_summary(doc).model_dump(),
            sha256=doc.sha256,
            record=doc.record,
            pages_info=infos,
            pipeline_version=doc.pipeline_version,
            cites=_cites(s, doc),
            cited_by=[_summary(d) for d in repo.cited_by(s, doc)],
            rescans=rescans.group(s, doc),
            confirmed=view.confirmed if view else {},
            to_review=len(review.items_of(view, boxes=False)) if view else 0,
        )


@router.get("/documents/{doc_id}/cites", response_model=list[CitationOut], responses=_problems(404))
def document_cites(doc_id: Id, st: State, _: Reader) -> list[CitationOut]:
    """What a document cites, linked to the cited document when the archive holds it."""
    with st.db.session() as s:
        return _cites(s, _get_doc(s, doc_id))


@router.get(
    "/documents/{doc_id}/cited-by",
    response_model=list[DocumentSummary],
    responses=_problems(404),
)
def document_cited_by(doc_id: Id, st: State, _: Reader) -> list[DocumentSummary]:
    """Documents citing this one (by the canonical key of its number), newest first."""
    with st.db.session() as s:
        return [_summary(d) for d in repo.cited_by(s, _get_doc(s, doc_id))]


@router.get(
    "/documents/{doc_id}/text",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}, **_problems(404)},
)
def document_text(doc_id: Id, st: State, _: Reader) -> str:
    """The document's text (NFC); pages separated by form feeds."""
    with st.db.session() as s:
        return _get_doc(s, doc_id).text


@router.get(
    "/documents/{doc_id}/original",
    response_class=FileResponse,
    responses={200: {"content": {"*/*": {}}, "description": "as uploaded"}, **_problems(404)},
)
def document_original(doc_id: Id, st: State, _: Reader) -> FileResponse:
    """The original file, byte for byte as uploaded."""
    with st.db.session() as s:
        doc = _get_doc(s, doc_id)
    return FileResponse(
        _original(st, doc), media_type=doc.mime or None, filename=Path(doc.filename).name
    )


def _original(st: AppState, doc: DocumentRow) -> Path:
    """The stored original; a store restored without it is a clear 404, not a crash."""
    path = st.blobs.path(doc.sha256)
    if not path.exists():
        raise HTTPException(404, f"the original of document {doc.id} is not in the store")
    return path


@router.get(
    "/documents/{doc_id}/pdf",
    response_class=FileResponse,
    responses={200: {"content": {"application/pdf": {}}}, **_problems(404, 409)},
)
def document_pdf(doc_id: Id, st: State, _: Reader) -> FileResponse:
    """A searchable PDF/A-1b (TCVN 14159-1:2024): page images with an invisible text layer,
    described by the record in XMP (made once per record state, then kept)."""
    with st.db.session() as s:
        doc = _get_doc(s, doc_id)
    if doc.kind == "text":
        raise HTTPException(409, "a text document has no page images")
    head = doc.record.get("doc") or {}
    state = hashlib.sha256(json.dumps(head, sort_keys=True).encode()).hexdigest()[:12]
    name = f"{doc.sha256}-{doc.pipeline_version}-{state}.pdfa.pdf"
    dest = st.settings.derived_dir / doc.sha256[:2] / name
    if not dest.exists():
        tmp = dest.with_suffix(".part.pdf")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with st.db.session() as s:
            pages = readmodel.pages_of(s, doc)
        archive.write_pdf(_original(st, doc), doc.mime, pages, head, tmp)
        tmp.replace(dest)
    return FileResponse(
        dest, media_type="application/pdf", filename=Path(doc.filename).stem + ".ocr.pdf"
    )


# Page images are private (a login sees them) and change only with the original, which a
# document never changes: the browser keeps them a day, then asks again with the ETag (the
# original's hash, page and size) and gets a bodiless 304. An id reused after a delete has
# another original, so another ETag.
IMAGE_CACHE = "private, max-age=86400"
_IMAGE_COLUMNS = (
    DocumentRow.id,
    DocumentRow.sha256,
    DocumentRow.kind,
    DocumentRow.mime,
    DocumentRow.pages,
)
NotModified: dict[int | str, dict[str, Any]] = {
    304: {"description": "the image the browser holds (If-None-Match) is current"}
}


def _image_doc(st: AppState, doc_id: int, number: int) -> tuple[DocumentRow, Path]:
    """The document (the columns an image needs, never its text) and its original; a text
    document or a page past its last is a 404."""
    with st.db.session() as s:
        doc = s.scalar(
            select(DocumentRow).options(load_only(*_IMAGE_COLUMNS)).where(DocumentRow.id == doc_id)
        )
        if doc is None:
            raise HTTPException(404, f"no document {doc_id}")
    if doc.kind == "text" or not 1 <= number <= doc.pages:
        raise HTTPException(404, f"no page image {number}")
    return doc, _original(st, doc)


def _image_response(request: Request, path: Path, tag: str, media_type: str) -> Response:
    etag = f'"{tag}"'
    headers = {"Cache-Control": IMAGE_CACHE, "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=media_type, headers=headers)


_PAGE_FORMATS = {  # format: (renderer, ETag suffix, media type)
    "png": (ocr.render_page_png, "p", "image/png"),
    "webp": (ocr.render_page_webp, "w", "image/webp"),
}


def _page_response(
    request: Request, st: AppState, doc_id: int, number: int, dpi: int, fmt: str
) -> Response:
    """One page image in ``fmt``, rendered once from the original and cached, bounded."""
    render, suffix, media_type = _PAGE_FORMATS[fmt]
    doc, original = _image_doc(st, doc_id, number)
    dest = pagecache.page_image(
        st.settings.derived_dir,
        doc.sha256,
        number,
        dpi,
        st.settings.page_cache_mb << 20,
        lambda: render(str(original), number, doc.mime, dpi),
        fmt=fmt,
    )
    return _image_response(request, dest, f"{doc.sha256[:16]}-{number}-{dpi}{suffix}", media_type)


@router.get(
    "/documents/{doc_id}/pages/{number}.png",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}}}, **NotModified, **_problems(404)},
)
def page_image(
    request: Request,
    doc_id: Id,
    number: Annotated[int, PathParam(ge=1, le=100_000)],
    st: State,
    _: Reader,
    dpi: Annotated[pagecache.Dpi, Query(description="one of the fixed sizes")] = 110,
) -> Response:
    """One page rendered as lossless PNG (~1 MB at 110 dpi; the UI reads the WebP),
    cached, bounded."""
    return _page_response(request, st, doc_id, number, dpi, "png")


@router.get(
    "/documents/{doc_id}/pages/{number}.webp",
    response_class=FileResponse,
    responses={200: {"content": {"image/webp": {}}}, **NotModified, **_problems(404)},
)
def page_image_webp(
    request: Request,
    doc_id: Id,
    number: Annotated[int, PathParam(ge=1, le=100_000)],
    st: State,
    _: Reader,
    dpi: Annotated[pagecache.Dpi, Query(description="one of the fixed sizes")] = 110,
) -> Response:
    """One page as WebP (quality 80: ~8x smaller than the PNG, text as legible), as the
    UI shows it; cached, bounded."""
    return _page_response(request, st, doc_id, number, dpi, "webp")


@router.get(
    "/documents/{doc_id}/thumbnail.webp",
    response_class=FileResponse,
    responses={200: {"content": {"image/webp": {}}}, **NotModified, **_problems(404)},
)
def thumbnail(request: Request, doc_id: Id, st: State, _: Reader) -> Response:
    """The first page, 160 pixels wide (a few KB), for lists of documents; a text
    document has none (404)."""
    doc, original = _image_doc(st, doc_id, 1)
    dest = pagecache.thumbnail(
        st.settings.derived_dir,
        doc.sha256,
        st.settings.page_cache_mb << 20,
        lambda: ocr.render_page_webp(
            str(original), 1, doc.mime, pagecache.THUMB_DPI, pagecache.THUMB_WIDTH
        ),
    )
    return _image_response(request, dest, f"{doc.sha256[:16]}-thumb", "image/webp")


def _correction_out(r: CorrectionRow) -> CorrectionOut:
    return CorrectionOut(
        id=r.id,
        field=r.field,
        value=r.value,
        previous=r.previous,
        author=r.author,
        created_at=r.created_at.isoformat(),
    )


@router.post(
    "/documents/{doc_id}/corrections",
    status_code=201,
    response_model=CorrectionOut,
    responses=_problems(404),
)
def correct(doc_id: Id, body: CorrectionIn, st: State, token: Archivist) -> CorrectionOut:
    """Correct a header field; kept with who/when and re-applied after re-extraction.
    A date is stored in ISO form (24/01/2025 is taken too); a value longer than its field
    or a date that is none is refused (422)."""
    try:
        value = correction_value(body.field, body.value)
        with st.db.session() as s:
            doc = _get_doc(s, doc_id)
            row = review.add_correction(s, doc, body.field, value, token.name)
            out = _correction_out(row)
        review.learn(st.settings.models_dir, body.field, value)
        return out
    except ValueError as e:
        raise HTTPException(422, str(e)) from None


@router.get("/review", response_model=ReviewPage)
def review_queue(
    st: State,
    _: Reader,
    document: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ReviewPage:
    """The values still to check, newest documents first: header fields, citations, dates,
    money and counts that extraction was unsure of, and an empty date, place or signer of a
    scan. Confirming one (POST /documents/{id}/corrections with ``field`` its header field
    or ref and ``value`` its current value) or correcting it takes it off the queue."""
    with st.db.session() as s:
        items, total = review.queue(s, document, per_page, (page - 1) * per_page)
        shown = review.with_boxes(s, items)
        return ReviewPage(
            total=total,
            page=page,
            per_page=per_page,
            items=[
                ReviewItem(
                    document_id=i.document_id,
                    document_number=i.document_number,
                    file=i.filename,
                    ref=i.ref,
                    field=i.field,
                    label=i.label,
                    value=i.value,
                    reasons=i.reasons,
                    reason=i.reason,
                    confidence=i.confidence,
                    page=i.page,
                    box=ReviewBox(**dataclasses.asdict(i.box)) if i.box else None,
                )
                for i in shown
            ],
        )


@router.get(
    "/documents/{doc_id}/corrections",
    response_model=list[CorrectionOut],
    responses=_problems(404),
)
def corrections(doc_id: Id, st: State, _: Reader) -> list[CorrectionOut]:
    """Every correction of a document, oldest first, with who and when."""
    with st.db.session() as s:
        _get_doc(s, doc_id)
        rows = s.scalars(
            select(CorrectionRow)
            .where(CorrectionRow.document_id == doc_id)
            .order_by(CorrectionRow.id)
        )
        return [_correction_out(r) for r in rows]


_EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}


@router.get(
    "/export/{kind}.{fmt}",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}},
)
def export(
    kind: Literal["documents", "citations", "figures"],
    fmt: Literal["csv", "ndjson"],
    st: State,
    _: Reader,
) -> StreamingResponse:
    """The feed other systems consume: documents, citations or figures as CSV or NDJSON."""
    lines = exports.csv_lines(st.db, kind) if fmt == "csv" else exports.ndjson(st.db, kind)
    return StreamingResponse(lines, media_type=_EXPORT_TYPES[fmt])


@router.get("/citations/top", response_model=list[TopCited])
def most_cited(
    st: State, _: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 20
) -> list[TopCited]:
    """The most cited keys, linked to the cited document when the archive holds it."""
    with st.db.session() as s:
        top = repo.most_cited(s, limit)
        docs = repo.documents_by_key(s, [k for k, _ in top])
        return [
            TopCited(key=k, documents=n, document_id=docs[k].id if k in docs else None)
            for k, n in top
        ]


@router.get("/citations/resolve", response_model=Resolved)
def resolve_query(
    q: Annotated[str, Query(min_length=1, max_length=500)], st: State, _: Reader
) -> Resolved:
    """What a typed citation query means: its parts, and the stored keys it matches (several
    when ambiguous: 'QĐ 677' may be 677/QĐ-TTg or 677/QĐ-UBND)."""
    kq = parse_query(_clean(q) or "")
    with st.db.session() as s:
        cands = repo.key_candidates(s, kq)
    return Resolved(
        query=q,
        key=kq.key,
        number=kq.number,
        type_code=kq.type_code,
        issuer_code=kq.issuer_code,
        year=kq.year,
        matches=sorted(c.key for c in cands if c.documents),
        candidates=_candidates(cands),
    )


@router.get("/citations/graph", response_model=Graph)
def citation_graph(
    st: State, _: Reader, limit: Annotated[int, Query(ge=1, le=5000)] = 500
) -> Graph:
    """Nodes (documents, and cited keys not in the archive) and edges (document cites):
    an edge points at the archived document itself when it holds the cited key."""
    with st.db.session() as s:
        docs = repo.list_documents(s, None, limit, 0)
        cits = [c for d in docs for c in d.citations]
        targets = repo.documents_by_key(s, [c.key for c in cits])
        nodes: dict[str, GraphNode] = {}
        for d in [*docs, *targets.values()]:
            nodes[f"doc:{d.id}"] = GraphNode(
                id=f"doc:{d.id}", label=d.number or d.filename, document_id=d.id
            )
        edges = []
        for c in cits:
            target = targets.get(c.key)
            to = f"doc:{target.id}" if target else f"key:{c.key}"
            nodes.setdefault(to, GraphNode(id=to, label=c.key))
            edges.append(GraphEdge(source=f"doc:{c.document_id}", to=to, partial=c.partial))
    return Graph(nodes=list(nodes.values()), edges=edges)


@router.post("/tokens", status_code=201, response_model=TokenCreated)
def create_token(body: TokenIn, st: State, _: Admin) -> TokenCreated:
    """A new API token (shown once) for a person or a system, with its role."""
    token = auth.create_token(st.db, _clean(body.name) or "token", body.role)
    return TokenCreated(name=body.name, role=body.role, token=token)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(st: State, _: Admin) -> list[TokenOut]:
    return [
        TokenOut(
            id=t.id,
            name=t.name,
            role=t.role,
            revoked=t.revoked,
            created_at=t.created_at.isoformat(),
            last_used=t.last_used.isoformat() if t.last_used else None,
        )
        for t in auth.list_tokens(st.db)
    ]


@router.delete(
    "/tokens/{token_id}", status_code=204, response_class=Response, responses=_problems(404, 409)
)
def revoke_token(token_id: Id, st: State, _: Admin) -> Response:
    """Revoke a token and end its UI sessions; the last admin token is kept (409)."""
    try:
        found = auth.revoke(st.db, token_id)
    except auth.LastAdminError as e:
        raise HTTPException(409, str(e)) from None
    if not found:
        raise HTTPException(404, f"no token {token_id}")
    return Response(status_code=204)


@router.get("/me", response_model=Me)
def whoami(token: Reader) -> Me:
    return Me(name=token.name, role=token.role)
