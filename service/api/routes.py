"""REST endpoints under /api/v1. Roles: reader (query), archivist (upload, correct), admin."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from fastapi.responses import FileResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel
from sqlalchemy import select

import ocr
from normalize.keys import parse_query
from schemas import Page
from service import auth, exports, jobs, rescans
from service.api.deps import AppState, get_state, require
from service.storage import repo
from service.storage.blobs import write_atomic
from service.storage.models import BatchItemRow, CorrectionRow, DocumentRow, TokenRow

router = APIRouter(prefix="/api/v1")
Reader = Annotated[TokenRow, Depends(require("reader"))]
Archivist = Annotated[TokenRow, Depends(require("archivist"))]
Admin = Annotated[TokenRow, Depends(require("admin"))]
State = Annotated[AppState, Depends(get_state)]


class BatchItemOut(BaseModel):
    id: int
    filename: str
    state: str
    outcome: str | None
    error_kind: str | None
    error: str | None
    retryable: bool
    attempts: int
    pages_total: int
    pages_done: int
    document_id: int | None


class BatchOut(BaseModel):
    id: int
    total: int
    queued: int
    processing: int
    done: int
    failed: int
    items: list[BatchItemOut]


def _batch_out(batch_id: int, items: list[BatchItemRow]) -> BatchOut:
    states = [i.state for i in items]
    return BatchOut(
        id=batch_id,
        total=len(items),
        **{k: states.count(k) for k in ("queued", "processing", "done", "failed")},
        items=[BatchItemOut.model_validate(i, from_attributes=True) for i in items],
    )


@router.post("/documents", status_code=202, response_model=BatchOut)
def upload(st: State, _: Archivist, files: Annotated[list[UploadFile], File()]) -> BatchOut:
    """Upload one or more files; they are stored at once and processed in the background."""
    limit = st.settings.limits.max_file_bytes
    incoming = st.settings.data_dir / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=incoming) as tmp:
        paths, names = [], []
        for n, up in enumerate(files):
            dest = Path(tmp) / f"{n:05d}"
            with open(dest, "wb") as out:
                shutil.copyfileobj(up.file, out, 1 << 20)
            if dest.stat().st_size > limit:
                raise HTTPException(413, f"{up.filename}: larger than the {limit} byte limit")
            paths.append(dest)
            names.append(Path(up.filename or f"upload-{n}").name)
        batch_id = jobs.create_batch(st.db, st.blobs, paths, "upload", names)
    st.wake.set()
    return _batch_out(batch_id, jobs.batch_items(st.db, batch_id))


@router.get("/batches/{batch_id}", response_model=BatchOut)
def batch_status(batch_id: int, st: State, _: Reader) -> BatchOut:
    items = jobs.batch_items(st.db, batch_id)
    if not items:
        raise HTTPException(404, f"no batch {batch_id}")
    return _batch_out(batch_id, items)


@router.get("/batches/{batch_id}/failures.csv", response_class=PlainTextResponse)
def batch_failures(batch_id: int, st: State, _: Reader) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["file", "error_kind", "error", "retryable", "attempts"])
    for i in jobs.batch_items(st.db, batch_id):
        if i.state == "failed":
            writer.writerow([i.filename, i.error_kind, i.error, i.retryable, i.attempts])
    return Response("\ufeff" + buf.getvalue(), media_type="text/csv; charset=utf-8")


def _summary(d: DocumentRow) -> dict:
    return {
        "id": d.id,
        "file": d.filename,
        "number": d.number,
        "doc_type": d.doc_type,
        "date": d.doc_date,
        "issuer": d.issuer,
        "title": d.title,
        "pages": d.pages,
        "kind": d.kind,
    }


@router.get("/documents")
def list_documents(
    st: State,
    _: Reader,
    q: str | None = None,
    cites: str | None = None,
    doc_type: Annotated[str | None, Query(alias="type")] = None,
    issuer: str | None = None,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    has_figures: bool | None = None,
    place: str | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict:
    """List or search documents: by cited key, by words (diacritics optional), with filters."""
    f = repo.Filters(doc_type, issuer, date_from, date_to, has_figures, place)
    offset = (page - 1) * per_page
    with st.db.session() as s:
        keys: list[str] = []
        if cites:
            kq = parse_query(cites)
            keys = repo.cited_keys(s, kq)
            hits = repo.citing(s, kq, f, 10_000 if q else per_page, 0 if q else offset)
            if q:
                ids = {h.document.id for h in repo.fulltext(s, q, f, 10_000)}
                hits = [h for h in hits if h.document.id in ids][offset : offset + per_page]
        elif q:
            hits = repo.fulltext(s, q, f, per_page, offset)
        else:
            hits = [repo.Hit(d) for d in repo.list_documents(s, f, per_page, offset)]
        scans = rescans.members(s, [h.document.id for h in hits])
        results = [
            {
                **_summary(h.document),
                "rescans": [_summary(r) for r in scans.get(h.document.id, [])],
                "snippet": h.snippet or None,
                "highlights": h.highlights,
                "matched": [
                    {"key": c.key, "partial": c.partial, "text": c.text} for c in h.citations
                ],
            }
            for h in hits
        ]
        total = repo.count_documents(s, f) if not (q or cites) else None
    return {"page": page, "per_page": per_page, "total": total, "keys": keys, "results": results}


def _get_doc(s, doc_id: int) -> DocumentRow:
    doc = s.get(DocumentRow, doc_id)
    if doc is None:
        raise HTTPException(404, f"no document {doc_id}")
    return doc


@router.get("/documents/{doc_id}")
def document_detail(doc_id: int, st: State, _: Reader) -> dict:
    """The record with provenance, page routes, what it cites and what cites it."""
    with st.db.session() as s:
        doc = _get_doc(s, doc_id)
        cites = [
            {"key": c.key, "partial": c.partial, "document_id": t.id if t else None}
            for c, t in repo.cites_of(s, doc)
        ]
        cited_by = [_summary(d) for d in repo.cited_by(s, doc)]
        return {
            **_summary(doc),
            "sha256": doc.sha256,
            "record": doc.record,
            "pages_info": doc.pages_json,
            "pipeline_version": doc.pipeline_version,
            "cites": cites,
            "cited_by": cited_by,
            "rescans": rescans.group(s, doc),
        }


@router.get("/documents/{doc_id}/text", response_class=PlainTextResponse)
def document_text(doc_id: int, st: State, _: Reader) -> str:
    with st.db.session() as s:
        return _get_doc(s, doc_id).text


@router.get("/documents/{doc_id}/original")
def document_original(doc_id: int, st: State, _: Reader) -> FileResponse:
    with st.db.session() as s:
        doc = _get_doc(s, doc_id)
    return FileResponse(
        st.blobs.path(doc.sha256), media_type=doc.mime or None, filename=Path(doc.filename).name
    )


def _doc_pages(doc: DocumentRow) -> list[Page]:
    """The stored pages, text included, as the OCR stage's page objects."""
    texts = doc.text.split("\f")
    return [
        Page.model_validate({**info, "text": texts[i] if i < len(texts) else ""})
        for i, info in enumerate(doc.pages_json)
    ]


@router.get("/documents/{doc_id}/pdf")
def document_pdf(doc_id: int, st: State, _: Reader) -> FileResponse:
    """A searchable PDF: page images with an invisible text layer (made once, then kept)."""
    with st.db.session() as s:
        doc = _get_doc(s, doc_id)
    if doc.kind == "text":
        raise HTTPException(409, "a text document has no page images")
    dest = st.settings.derived_dir / doc.sha256[:2] / f"{doc.sha256}-{doc.pipeline_version}.pdf"
    if not dest.exists():
        tmp = dest.with_suffix(".part.pdf")
        dest.parent.mkdir(parents=True, exist_ok=True)
        ocr.write_searchable_pdf(str(st.blobs.path(doc.sha256)), doc.mime, _doc_pages(doc), tmp)
        tmp.replace(dest)
    return FileResponse(
        dest, media_type="application/pdf", filename=Path(doc.filename).stem + ".ocr.pdf"
    )


@router.get("/documents/{doc_id}/pages/{number}.png")
def page_image(doc_id: int, number: int, st: State, _: Reader, dpi: int = 110) -> FileResponse:
    with st.db.session() as s:
        doc = _get_doc(s, doc_id)
    if doc.kind == "text" or not 1 <= number <= doc.pages:
        raise HTTPException(404, f"no page image {number}")
    dpi = max(50, min(dpi, 200))
    dest = st.settings.derived_dir / doc.sha256[:2] / f"{doc.sha256}-p{number:04d}-{dpi}.png"
    if not dest.exists():
        png = ocr.render_page_png(str(st.blobs.path(doc.sha256)), number, doc.mime, dpi)
        write_atomic(dest, png)
    return FileResponse(dest, media_type="image/png")


class CorrectionIn(BaseModel):
    field: str
    value: str | None


@router.post("/documents/{doc_id}/corrections", status_code=201)
def correct(doc_id: int, body: CorrectionIn, st: State, token: Archivist) -> dict:
    """Correct a header field; kept with who/when and re-applied after re-extraction."""
    with st.db.session() as s:
        doc = _get_doc(s, doc_id)
        try:
            row = repo.add_correction(s, doc, body.field, body.value, token.name)
        except ValueError as e:
            raise HTTPException(422, str(e)) from None
        return {
            "id": row.id,
            "field": row.field,
            "value": row.value,
            "previous": row.previous,
            "author": row.author,
            "created_at": row.created_at.isoformat(),
        }


@router.get("/documents/{doc_id}/corrections")
def corrections(doc_id: int, st: State, _: Reader) -> list[dict]:
    with st.db.session() as s:
        _get_doc(s, doc_id)
        rows = s.scalars(
            select(CorrectionRow)
            .where(CorrectionRow.document_id == doc_id)
            .order_by(CorrectionRow.id)
        )
        return [
            {
                "id": r.id,
                "field": r.field,
                "value": r.value,
                "previous": r.previous,
                "author": r.author,
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ]


@router.get("/export/{kind}.{fmt}")
def export(kind: str, fmt: str, st: State, _: Reader) -> StreamingResponse:
    """The feed other systems consume: documents, citations or figures as CSV or NDJSON."""
    if kind not in exports.KINDS or fmt not in ("csv", "ndjson"):
        raise HTTPException(404, "export {documents|citations|figures}.{csv|ndjson}")
    if fmt == "csv":
        return StreamingResponse(
            exports.csv_lines(st.db, kind), media_type="text/csv; charset=utf-8"
        )
    return StreamingResponse(exports.ndjson(st.db, kind), media_type="application/x-ndjson")


@router.get("/citations/top")
def most_cited(st: State, _: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 20) -> list[dict]:
    with st.db.session() as s:
        return [{"key": k, "documents": n} for k, n in repo.most_cited(s, limit)]


@router.get("/citations/resolve")
def resolve_query(q: str, st: State, _: Reader) -> dict:
    """What a typed citation query means: its parts and the stored keys it matches."""
    kq = parse_query(q)
    with st.db.session() as s:
        keys = repo.cited_keys(s, kq)
    return {
        "query": q,
        "key": kq.key,
        "number": kq.number,
        "type_code": kq.type_code,
        "issuer_code": kq.issuer_code,
        "year": kq.year,
        "matches": keys,
    }


@router.get("/citations/graph")
def citation_graph(st: State, _: Reader, limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> dict:
    """Nodes (documents and cited keys) and edges (document cites key)."""
    with st.db.session() as s:
        docs = repo.list_documents(s, None, limit, 0)
        nodes = {
            f"doc:{d.id}": {
                "id": f"doc:{d.id}",
                "label": d.number or d.filename,
                "document_id": d.id,
            }
            for d in docs
        }
        edges = []
        for d in docs:
            for c in d.citations:
                nodes.setdefault(f"key:{c.key}", {"id": f"key:{c.key}", "label": c.key})
                edges.append({"from": f"doc:{d.id}", "to": f"key:{c.key}", "partial": c.partial})
    return {"nodes": list(nodes.values()), "edges": edges}


class TokenIn(BaseModel):
    name: str
    role: str = "reader"


@router.post("/tokens", status_code=201)
def create_token(body: TokenIn, st: State, _: Admin) -> dict:
    try:
        token = auth.create_token(st.db, body.name, body.role)
    except ValueError as e:
        raise HTTPException(422, str(e)) from None
    return {"name": body.name, "role": body.role, "token": token}


@router.get("/tokens")
def list_tokens(st: State, _: Admin) -> list[dict]:
    return [
        {
            "id": t.id,
            "name": t.name,
            "role": t.role,
            "revoked": t.revoked,
            "created_at": t.created_at.isoformat(),
        }
        for t in auth.list_tokens(st.db)
    ]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, st: State, _: Admin) -> Response:
    if not auth.revoke(st.db, token_id):
        raise HTTPException(404, f"no token {token_id}")
    return Response(status_code=204)


@router.get("/me")
def whoami(token: Reader) -> dict:
    return {"name": token.name, "role": token.role}
