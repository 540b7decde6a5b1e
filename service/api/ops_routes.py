"""Archive operations over the API: delete, reprocess, rescan links, the change feed,
place names across the 2025 reorganisation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from normalize import places
from service import feed, lifecycle, rescans
from service.api.deps import AppState, get_state, require
from service.api.models import Problem, RescanGroup
from service.storage.models import DocumentRow, TokenRow


def _problems(*codes: int) -> dict:
    return {c: {"model": Problem} for c in codes}


router = APIRouter(prefix="/api/v1", responses=_problems(400, 401, 403, 422))
Reader = Annotated[TokenRow, Depends(require("reader"))]
Archivist = Annotated[TokenRow, Depends(require("archivist"))]
State = Annotated[AppState, Depends(get_state)]
Id = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


class Reprocessed(BaseModel):
    id: int
    pipeline_version: str
    record: dict[str, Any]


class ChangeEvent(BaseModel):
    cursor: int = Field(description="ask for changes since this to get the next ones")
    action: str = Field(description="created | updated (re-extracted) | corrected | deleted")
    document_id: int
    sha256: str
    at: str
    detail: dict[str, Any] | None = None
    document: dict[str, Any] | None = Field(
        description="the document's current state (flat keys and record); null once deleted"
    )


class ChangesPage(BaseModel):
    since: int
    next: int = Field(description="the cursor to ask from next (unchanged when no events)")
    events: list[ChangeEvent]


class PlaceUnit(BaseModel):
    level: str = Field(description="province | district | ward (any commune-level unit)")
    name: str
    province: str
    district: str | None
    current: bool = Field(description="false: a unit of before the 1 July 2025 reorganisation")


class PlaceResolution(BaseModel):
    name: str
    units: list[PlaceUnit] = Field(description="the units the name stands for")
    current: list[PlaceUnit] = Field(description="the current units covering them")
    former: list[PlaceUnit] = Field(description="the former units merged into those")


def _exists(st: AppState, doc_id: int) -> None:
    with st.db.session() as s:
        if s.get(DocumentRow, doc_id) is None:
            raise HTTPException(404, f"no document {doc_id}")


@router.delete("/documents/{doc_id}", status_code=204, responses=_problems(404))
def delete_document(doc_id: Id, st: State, token: Archivist) -> Response:
    """Delete a document: record, citations, index entries and derived files; the original
    stays in the trash for SOHOA_TRASH_DAYS days. A ``deleted`` change event is written."""
    _exists(st, doc_id)
    lifecycle.delete(st.settings, st.db, doc_id, token.name)
    return Response(status_code=204)


@router.post("/documents/{doc_id}/reprocess", response_model=Reprocessed, responses=_problems(404))
def reprocess_document(doc_id: Id, st: State, _: Archivist) -> Reprocessed:
    """Re-extract a document with the current pipeline (pages re-OCRed only if the OCR
    stage changed; human corrections kept)."""
    _exists(st, doc_id)
    summary = lifecycle.reprocess(st.settings, st.db, st.pipeline, [doc_id])
    if summary.failed:
        raise HTTPException(422, summary.failed[doc_id])
    with st.db.session() as s:
        doc = s.get(DocumentRow, doc_id)
        if doc is None:  # deleted meanwhile
            raise HTTPException(404, f"no document {doc_id}")
        return Reprocessed(id=doc_id, pipeline_version=doc.pipeline_version, record=doc.record)


@router.get("/documents/{doc_id}/rescans", response_model=RescanGroup, responses=_problems(404))
def document_rescans(doc_id: Id, st: State, _: Reader) -> RescanGroup:
    """The document's rescan group: what it is another scan of, and its other scans."""
    with st.db.session() as s:
        doc = s.get(DocumentRow, doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id}")
        return RescanGroup(**rescans.group(s, doc))


@router.get("/changes", response_model=ChangesPage)
def changes(
    st: State,
    _: Reader,
    since: Annotated[int, Query(ge=0, le=2**62, description="the last cursor seen")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ChangesPage:
    """What changed after cursor ``since``, oldest first: apply the events in order, then
    ask again from ``next`` until no events come back."""
    with st.db.session() as s:
        events, cursor = feed.changes(s, since, limit)
    return ChangesPage(since=since, next=cursor, events=[ChangeEvent(**e) for e in events])


def _unit(u: places.Unit) -> PlaceUnit:
    return PlaceUnit(
        level=u.level, name=u.name, province=u.province, district=u.district, current=u.current
    )


@router.get("/places/resolve", response_model=PlaceResolution)
def resolve_place(
    name: Annotated[str, Query(min_length=1, max_length=200)], _: Reader
) -> PlaceResolution:
    """A place name across the 2025 reorganisation: the units it names, the current units
    that cover them now, and the former units merged into those."""
    return PlaceResolution(
        name=name,
        units=[_unit(u) for u in places.find(name)],
        current=[_unit(u) for u in places.to_current(name)],
        former=[_unit(u) for u in places.to_former(name)],
    )
