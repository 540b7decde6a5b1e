"""Archive endpoints: the Thông tư 05/2025/TT-BNV data export and hồ sơ (archival files).

``GET /export/archive`` (all documents or one batch's), ``GET /export/archive/{id}``;
hồ sơ are created and changed by archivists and handed over as a BagIt zip package.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, UploadFile
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from schemas import SohoaError
from service import archive, hoso
from service.api.routes import Archivist, Id, Reader, State, _problems, _receive
from service.storage.models import BatchItemRow, DocumentRow, HoSoRow

router = APIRouter(prefix="/api/v1", responses=_problems(400, 401, 403, 422))

_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class HoSoBody(BaseModel):
    """The hồ sơ data an archivist sets; omitted fields stay as they are."""

    ma_ho_so: str | None = Field(default=None, max_length=100)
    tieu_de: str | None = Field(default=None, max_length=2000)
    thoi_han_bao_quan: str | None = Field(default=None, max_length=100)
    thoi_gian_bat_dau: str | None = Field(default=None, pattern=_DATE)
    thoi_gian_ket_thuc: str | None = Field(default=None, pattern=_DATE)
    so_luong_to: int | None = Field(default=None, ge=0, le=10_000_000)
    khac: dict[str, str] | None = Field(
        default=None, description="other fields of the Thông tư by name (muc_do_tiep_can, ...)"
    )
    khac_tai_lieu: dict[str, dict[str, str]] | None = Field(
        default=None,
        description="per document id, the fields only the archivist knows (mã định danh, "
        "mức độ tiếp cận, ...); an empty string clears one",
    )
    tai_lieu: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(
        default=None, max_length=10_000, description="document ids in order (số thứ tự)"
    )


class HoSoOut(BaseModel):
    id: int
    ma_ho_so: str
    tieu_de: str
    tong_so_tai_lieu: int
    tai_lieu: list[int]
    du_lieu: dict[str, Any] = Field(description="the hồ sơ's data as the archive export has it")


def _out(row: HoSoRow) -> HoSoOut:
    docs = hoso.documents_of(row)
    return HoSoOut(
        id=row.id,
        ma_ho_so=row.code,
        tieu_de=row.title,
        tong_so_tai_lieu=len(docs),
        tai_lieu=[d.id for d in docs],
        du_lieu=archive.ho_so_data(row, docs),
    )


def _changes(body: HoSoBody) -> hoso.HoSoIn:
    return hoso.HoSoIn(
        code=body.ma_ho_so,
        title=body.tieu_de,
        retention=body.thoi_han_bao_quan,
        start_date=body.thoi_gian_bat_dau,
        end_date=body.thoi_gian_ket_thuc,
        sheets=body.so_luong_to,
        data=None
        if body.khac is None and body.khac_tai_lieu is None
        else {**(body.khac or {}), "tai_lieu": body.khac_tai_lieu or {}},
        documents=body.tai_lieu,
    )


def _bad(exc: SohoaError) -> HTTPException:
    return HTTPException(400, exc.message)


@router.get("/export/archive", responses=_problems(404))
def export_archive(
    st: State,
    _: Reader,
    batch: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> dict[str, Any]:
    """The archival data (Thông tư 05/2025/TT-BNV) of every document, or of one batch's."""
    with st.db.session() as s:
        stmt = select(DocumentRow).order_by(DocumentRow.id)
        if batch is not None:
            ids = select(BatchItemRow.document_id).where(BatchItemRow.batch_id == batch)
            stmt = stmt.where(DocumentRow.id.in_(ids))
        docs = list(s.scalars(stmt))
        if batch is not None and not docs:
            raise HTTPException(404, f"batch {batch} has no stored documents")
        return archive.export([archive.document_data(d, st.blobs.path(d.sha256)) for d in docs])


@router.get("/export/archive/{doc_id}", responses=_problems(404))
def export_archive_document(doc_id: Id, st: State, _: Reader) -> dict[str, Any]:
    """One document's archival data (Thông tư 05/2025/TT-BNV), with its file checks."""
    with st.db.session() as s:
        doc = s.get(DocumentRow, doc_id)
        if doc is None:
            raise HTTPException(404, f"no document {doc_id}")
        return archive.export([archive.document_data(doc, st.blobs.path(doc.sha256))])


@router.get("/hoso")
def list_hoso(st: State, _: Reader) -> list[HoSoOut]:
    """Every hồ sơ, by code."""
    with st.db.session() as s:
        return [_out(r) for r in s.scalars(select(HoSoRow).order_by(HoSoRow.code))]


@router.post("/hoso", status_code=201)
def create_hoso(body: HoSoBody, st: State, _: Archivist) -> HoSoOut:
    """Create a hồ sơ: mã hồ sơ (unique) and its data, optionally its documents in order."""
    with st.db.session() as s:
        try:
            return _out(hoso.save(s, _changes(body)))
        except SohoaError as exc:
            raise _bad(exc) from None


def _remove(package: Path) -> None:
    """Delete a sent package and the temporary folder it was written in."""
    package.unlink(missing_ok=True)
    package.parent.rmdir()


def _get(s: Session, hoso_id: int) -> HoSoRow:
    row = s.get(HoSoRow, hoso_id)
    if row is None:
        raise HTTPException(404, f"no hồ sơ {hoso_id}")
    return row


@router.get("/hoso/{hoso_id}", responses=_problems(404))
def get_hoso(hoso_id: Id, st: State, _: Reader) -> dict[str, Any]:
    """A hồ sơ's archive export: its data and its documents' data, in order."""
    with st.db.session() as s:
        return hoso.data_of(_get(s, hoso_id), st.blobs)


@router.patch("/hoso/{hoso_id}", responses=_problems(404))
def change_hoso(hoso_id: Id, body: HoSoBody, st: State, _: Archivist) -> HoSoOut:
    """Change a hồ sơ's data or its documents (the list given replaces the old one)."""
    with st.db.session() as s:
        try:
            return _out(hoso.save(s, _changes(body), _get(s, hoso_id)))
        except SohoaError as exc:
            raise _bad(exc) from None


@router.get(
    "/hoso/{hoso_id}/package",
    response_class=FileResponse,
    responses={200: {"content": {"application/zip": {}}}, **_problems(404)},
)
def hoso_package(hoso_id: Id, st: State, _: Reader) -> FileResponse:
    """The transfer package: a zipped BagIt bag with PDF/A files, originals, the data and
    sha256 checksums of every file."""
    tmp = Path(tempfile.mkdtemp(prefix="sohoa-pkg-"))
    with st.db.session() as s:
        row = _get(s, hoso_id)
        out = tmp / f"{hoso.package_name(row.code)}.zip"
        hoso.write_package(s, row, st.blobs, out)
    return FileResponse(
        out,
        media_type="application/zip",
        filename=out.name,
        background=BackgroundTask(_remove, out),
    )


@router.post("/hoso/import", status_code=201)
def import_hoso(st: State, _: Archivist, package: Annotated[UploadFile, File()]) -> HoSoOut:
    """Import a package: checksums verified first, then its documents and hồ sơ added."""
    with tempfile.TemporaryDirectory(prefix="sohoa-upload-") as tmp:
        dest = Path(tmp) / "package.zip"
        _receive(package, dest, st.settings.limits.max_file_bytes)
        try:
            new_id = hoso.import_package(st.db, st.blobs, dest)
        except SohoaError as exc:
            raise _bad(exc) from None
    with st.db.session() as s:
        return _out(_get(s, new_id))
