"""UI pages for hồ sơ (archival files): list, create, edit, download the transfer package.

Minimal on purpose: the API (/api/v1/hoso) is the full surface; these pages let an
archivist set the Thông tư 05/2025/TT-BNV data of a hồ sơ and its documents' order.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from schemas import ErrorKind, SohoaError
from service import archive, auth, hoso
from service.api.deps import AppState, session_user
from service.storage.models import HoSoRow, TokenRow
from service.ui.routes import Id, State, _forbidden, _login_redirect, _page

router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form(max_length=2000)]
# the hồ sơ fields this page edits besides code, title, retention, sheets and documents
EXTRA = [(k, name) for k, name, _ in archive.HO_SO_FIELDS if k in archive.HO_SO_DATA_KEYS]


def _ids(text: str) -> list[int]:
    """'3, 1 2' -> [3, 1, 2]: document ids in the order typed (số thứ tự)."""
    parts = text.replace(",", " ").split()
    if not all(p.isdigit() and 0 < int(p) < 2**31 for p in parts):
        raise SohoaError(ErrorKind.BAD_INPUT, "mã tài liệu phải là số, cách nhau bởi dấu phẩy")
    return [int(p) for p in parts]


def _list(
    request: Request, st: AppState, user: TokenRow, status: int = 200, error: str | None = None
) -> Response:
    with st.db.session() as s:
        rows = list(s.scalars(select(HoSoRow).order_by(HoSoRow.code)))
        items = [(r, archive.ho_so_data(r, hoso.documents_of(r))) for r in rows]
        return _page(request, "hoso.html", user, status=status, items=items, error=error)


@router.get("/hoso", response_class=HTMLResponse)
def hoso_list(request: Request, st: State) -> Response:
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    return _list(request, st, user)


@router.get("/hoso/{hoso_id}", response_class=HTMLResponse)
def hoso_page(request: Request, hoso_id: Id, st: State, error: str | None = None) -> Response:
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    with st.db.session() as s:
        row = s.get(HoSoRow, hoso_id)
        if row is None:
            return _page(request, "missing.html", user, status=404)
        data = hoso.data_of(row)
        return _page(
            request,
            "hoso_detail.html",
            user,
            status=400 if error else 200,
            row=row,
            data=data,
            extra=EXTRA,
            labels={k: n for k, n, _ in archive.HO_SO_FIELDS},
            error=error,
        )


def _archivist(request: Request) -> TokenRow | Response:
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    if not auth.allows(user.role, "archivist"):
        return _forbidden(request, user)
    return user


@router.post("/hoso")
def hoso_create(request: Request, st: State, code: Field, title: Field = "") -> Response:
    user = _archivist(request)
    if isinstance(user, Response):
        return user
    try:
        with st.db.session() as s:
            new_id = hoso.save(s, hoso.HoSoIn(code=code, title=title)).id
    except SohoaError as exc:
        return _list(request, st, user, 400, exc.message)
    return RedirectResponse(f"/hoso/{new_id}", status_code=303)


@router.post("/hoso/{hoso_id}")
async def hoso_update(request: Request, hoso_id: Id, st: State) -> Response:
    user = _archivist(request)
    if isinstance(user, Response):
        return user
    form = await request.form()

    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip()[:2000] if isinstance(value, str) else ""

    try:
        sheets = text("sheets")
        changes = hoso.HoSoIn(
            title=text("title"),
            retention=text("retention"),
            sheets=int(sheets) if sheets.isdigit() else None,
            data={k: text(k) for k, _ in EXTRA},
            documents=_ids(text("documents")),
        )
        with st.db.session() as s:
            row = s.get(HoSoRow, hoso_id)
            if row is None:
                return _page(request, "missing.html", user, status=404)
            hoso.save(s, changes, row)
    except SohoaError as exc:
        return hoso_page(request, hoso_id, st, error=exc.message)
    return RedirectResponse(f"/hoso/{hoso_id}", status_code=303)
