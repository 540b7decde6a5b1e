"""UI pages. Authentication is the API token, kept in an HttpOnly cookie after login."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from normalize.keys import parse_query
from service import auth, jobs
from service.api.deps import AppState, get_state
from service.storage import repo
from service.storage.models import DocumentRow, TokenRow

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(get_state)]


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")


def _user(request: Request, st: AppState) -> TokenRow | None:
    token = request.cookies.get("sohoa_token")
    return auth.verify(st.db, token) if token else None


def _page(request: Request, name: str, user: TokenRow | None, **ctx) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"user": user, **ctx})


def _login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, st: State, next: str = "/") -> Response:
    return _page(request, "login.html", None, next=next, error=None)


@router.post("/login")
def login(
    request: Request, st: State, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    if auth.verify(st.db, token.strip()) is None:
        return _page(request, "login.html", None, next=next, error="Mã truy cập không hợp lệ.")
    resp = RedirectResponse(next if next.startswith("/") else "/", status_code=303)
    resp.set_cookie("sohoa_token", token.strip(), httponly=True, samesite="lax")
    return resp


@router.get("/logout")
def logout() -> Response:
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie("sohoa_token")
    return resp


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    st: State,
    q: str = "",
    type: str = "",
    year: str = "",
) -> Response:
    user = _user(request, st)
    if user is None:
        return _login_redirect(request)
    f = repo.Filters(doc_type=type or None)
    if year.isdigit():
        f.date_from, f.date_to = f"{year}-01-01", f"{year}-12-31"
    hits, keys, mode = [], [], ""
    with st.db.session() as s:
        if q.strip():
            kq = parse_query(q)
            if kq.number:
                mode, keys = "cites", repo.cited_keys(s, kq)
                hits = repo.citing(s, kq, f, 100)
            if not hits:
                mode, hits = "text", repo.fulltext(s, q, f, 100)
        else:
            hits = [repo.Hit(d) for d in repo.list_documents(s, f, 100)]
        types = sorted({t for (t,) in s.query(DocumentRow.doc_type).distinct() if t})
    return _page(request, "search.html", user, q=q, hits=hits, keys=keys, mode=mode,
                 types=types, type=type, year=year)  # fmt: skip


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: int, st: State, page: int = 1) -> Response:
    user = _user(request, st)
    if user is None:
        return _login_redirect(request)
    with st.db.session() as s:
        doc = s.get(DocumentRow, doc_id)
        if doc is None:
            return _page(request, "missing.html", user)
        cites = repo.cites_of(s, doc)
        cited_by = repo.cited_by(s, doc)
        texts = doc.text.split("\f")
        page = max(1, min(page, max(1, len(texts))))
        return _page(request, "document.html", user, doc=doc, rec=doc.record, cites=cites,
                     cited_by=cited_by, page=page, page_text=texts[page - 1],
                     n_pages=len(texts), fields=repo.CORRECTABLE)  # fmt: skip


@router.post("/documents/{doc_id}/correct")
def correct(
    request: Request,
    doc_id: int,
    st: State,
    field: Annotated[str, Form()],
    value: Annotated[str, Form()],
) -> Response:
    user = _user(request, st)
    if user is None or not auth.allows(user.role, "archivist"):
        return _login_redirect(request)
    with st.db.session() as s:
        doc = s.get(DocumentRow, doc_id)
        if doc is not None and field in repo.CORRECTABLE:
            repo.add_correction(s, doc, field, value.strip() or None, user.name)
    return RedirectResponse(f"/documents/{doc_id}", status_code=303)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, st: State) -> Response:
    user = _user(request, st)
    if user is None:
        return _login_redirect(request)
    return _page(request, "upload.html", user)


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, batch_id: int, st: State) -> Response:
    user = _user(request, st)
    if user is None:
        return _login_redirect(request)
    items = jobs.batch_items(st.db, batch_id)
    return _page(request, "batch.html", user, batch_id=batch_id, items=items)
