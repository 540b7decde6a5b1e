"""Archive operations over the API: delete, reprocess, rescan links, the change feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from service import feed, lifecycle, rescans
from service.api.deps import AppState, get_state, require
from service.storage.models import DocumentRow, TokenRow

router = APIRouter(prefix="/api/v1")
Reader = Annotated[TokenRow, Depends(require("reader"))]
Archivist = Annotated[TokenRow, Depends(require("archivist"))]
State = Annotated[AppState, Depends(get_state)]


def _exists(st: AppState, doc_id: int) -> None:
    with st.db.session() as s:
        if s.get(DocumentRow, doc_id) is None:
            raise HTTPException(404, f"no document {doc_id}")


@router.delete("/documents/{doc_id}", status_code=204)
def delete_document(doc_id: int, st: State, token: Archivist) -> Response:
    """Delete a document; its original stays in the trash for SOHOA_TRASH_DAYS days."""
    _exists(st, doc_id)
    lifecycle.delete(st.settings, st.db, doc_id, token.name)
    return Response(status_code=204)


@router.post("/documents/{doc_id}/reprocess")
def reprocess_document(doc_id: int, st: State, _: Archivist) -> dict:
    """Re-extract a document with the current pipeline (OCR reused unless its stage changed;
    corrections kept)."""
    _exists(st, doc_id)
    summary = lifecycle.reprocess(st.settings, st.db, st.pipeline, [doc_id])
    if summary.failed:
        raise HTTPException(422, summary.failed[doc_id])
    with st.db.session() as s:
        doc = s.get(DocumentRow, doc_id)
        return {"id": doc_id, "pipeline_version": doc.pipeline_version, "record": doc.record}


@router.get("/documents/{doc_id}/rescans")
def document_rescans(doc_id: int, st: State, _: Reader) -> dict:
    """The document's rescan group: what it is another scan of, and its other scans."""
    with st.db.session() as s:
        doc = s.get(DocumentRow, doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id}")
        return rescans.group(s, doc)


@router.get("/changes")
def changes(
    st: State,
    _: Reader,
    since: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict:
    """Events after cursor ``since``, oldest first; ask again with ``next`` until empty."""
    with st.db.session() as s:
        events, cursor = feed.changes(s, since, limit)
    return {"since": since, "next": cursor, "events": events}


def _unit(u) -> dict:
    return {
        "level": u.level,
        "name": u.name,
        "province": u.province,
        "district": u.district,
        "current": u.current,
    }


@router.get("/places/resolve")
def resolve_place(name: str, _: Reader) -> dict:
    """A place name across the 2025 reorganisation: the units it names, the current units
    that cover them now, and the former units merged into those."""
    from normalize import places

    return {
        "name": name,
        "units": [_unit(u) for u in places.find(name)],
        "current": [_unit(u) for u in places.to_current(name)],
        "former": [_unit(u) for u in places.to_former(name)],
    }
