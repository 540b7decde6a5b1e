"""UI pages. Logging in with an API token starts a server-side session: the HttpOnly cookie
holds a random session id (short-lived, ended at logout), never the token itself.

Pages are rendered on the server from the same storage queries as the API; the browser
only uploads and polls through the API (the cookie authenticates it there too).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only

from normalize.keys import parse_query
from schemas import PageRoute, Record, Source, SourceKind
from service import auth, batches, layerwords, lifecycle, readmodel, rescans, review
from service import figures as figs
from service.api.deps import AppState, get_state, session_user
from service.safetext import TooLong, clean_text, correction_value, csv_row
from service.storage import repo
from service.storage.models import CorrectionRow, DocumentRow, TokenRow
from service.ui import figures as fig
from service.ui import marks

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(get_state)]
# What the address bar may hold, bounded as in the API: an id past the database's integer
# or a page past any offset is a 422, not a database error.
Id = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
PageNo = Annotated[int, Query(ge=1, le=10_000)]
Text = Annotated[str, Query(max_length=500)]
TOKEN_NAME_MAX = 200
PER_PAGE = 20
ERROR_KINDS = {  # as upload.js shows them
    "bad_input": "không đọc được tệp",
    "encrypted": "tệp có mật khẩu",
    "limits": "vượt giới hạn",
    "timeout": "quá thời gian",
    "missing_dependency": "thiếu thành phần hệ thống",
    "file_access": "lỗi truy cập tệp",
    "internal": "lỗi nội bộ",
}
ROLE_LABELS = {"reader": "người đọc", "archivist": "lưu trữ viên", "admin": "quản trị"}
templates.env.globals.update(
    role_labels=ROLE_LABELS, field_labels=marks.FIELD_LABELS, flag_labels=review.REASON_LABELS
)
templates.env.filters["short_number"] = fig.short_number


templates.env.filters["vn_date"] = marks.vn_date
templates.env.tests["showing_more_than"] = lambda written, value: marks.shows_more(value, written)
# Times are stored in UTC and shown in the archive's time (SOHOA_TIMEZONE, Vietnam's by
# default): an archivist reads 14:05 for what happened at 14:05 on the office clock. The zone
# is the serving app's setting, read per request, so two apps in one process never share it.


@pass_context
def local_time(context: Context, value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in the archive's time zone (a naive time, as SQLite returns it,
    is UTC)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    zone = ZoneInfo(context["request"].app.state.sohoa.settings.timezone)
    return value.astimezone(zone).strftime("%d/%m/%Y %H:%M")


templates.env.filters["local_time"] = local_time


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")


def _page(
    request: Request, name: str, user: TokenRow | None, status: int = 200, **ctx: object
) -> HTMLResponse:
    can_edit = user is not None and auth.allows(user.role, "archivist")
    return templates.TemplateResponse(
        request, name, {"user": user, "can_edit": can_edit, **ctx}, status_code=status
    )


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _forbidden(request: Request, user: TokenRow) -> HTMLResponse:
    return _page(request, "forbidden.html", user, status=403)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    return _page(request, "login.html", None, next=next, error=None)


@router.post("/login")
def login(
    request: Request, st: State, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    token = token.strip()
    row = auth.verify(st.db, token) if token else None
    if row is None:
        return _page(
            request,
            "login.html",
            None,
            status=401,
            next=next,
            error="Mã truy cập không hợp lệ hoặc đã bị thu hồi.",
        )
    safe_next = next if next.startswith("/") and not next.startswith("//") else "/"
    resp = RedirectResponse(safe_next, status_code=303)
    hours = st.settings.session_hours
    resp.set_cookie(
        auth.SESSION_COOKIE,
        auth.start_session(st.db, row, hours),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=int(hours * 3600),
    )
    return resp


@router.get("/logout")
def logout(request: Request, st: State) -> Response:
    """End the session on the server too: a copied cookie is worthless after logout."""
    if sid := request.cookies.get(auth.SESSION_COOKIE):
        auth.end_session(st.db, sid)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(auth.SESSION_COOKIE)
    return resp


# --- search -------------------------------------------------------------------------------


def _marked(text: str, ranges: list[tuple[int, int]]) -> Markup:
    """Escape ``text`` and wrap the (non-overlapping, merged) ranges in <mark>."""
    out, pos = [], 0
    for a, b in sorted(ranges):
        if a < pos:
            a = pos
        if a >= b:
            continue
        out += [escape(text[pos:a]), Markup("<mark>"), escape(text[a:b]), Markup("</mark>")]
        pos = b
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _citation_snippet(doc: DocumentRow, keys: set[str], width: int = 90) -> Markup | None:
    """The sentence around the first matched citation, the citation as written marked."""
    pages = doc.text.split("\f")
    for c in (doc.record or {}).get("citations") or []:
        if c.get("key") not in keys:
            continue
        for sp in c.get("spans") or []:
            p = sp.get("page", 0)
            if 1 <= p <= len(pages) and sp.get("end", 0) <= len(pages[p - 1]):
                text, a, b = pages[p - 1], sp["start"], sp["end"]
                s0, s1 = max(0, a - width), min(len(text), b + width)
                return _marked(text[s0:s1].replace("\n", " "), [(a - s0, b - s0)])
        written = c.get("text") or ""
        pos = doc.text.find(written) if written else -1
        if pos >= 0:
            s0, s1 = max(0, pos - width), min(len(doc.text), pos + len(written) + width)
            snippet = doc.text[s0:s1].replace("\f", " ").replace("\n", " ")
            return _marked(snippet, [(pos - s0, pos - s0 + len(written))])
    return None


def _filters(type_: str, issuer: str, year: str) -> repo.Filters:
    f = repo.Filters(doc_type=type_ or None, issuer=issuer.strip() or None)
    if year.isdigit() and len(year) == 4:
        f.date_from = f.date_to = year  # an ISO prefix: day, month and year-only dates
    return f


def _facets(s: Session) -> dict:
    types = sorted(t for (t,) in s.execute(select(DocumentRow.doc_type).distinct()) if t)
    issuers = [
        i
        for (i,) in s.execute(
            select(DocumentRow.issuer)
            .where(DocumentRow.issuer.is_not(None))
            .group_by(DocumentRow.issuer)
            .order_by(func.count().desc())
            .limit(200)
        )
    ]
    years = sorted(
        {d[:4] for (d,) in s.execute(select(DocumentRow.doc_date).distinct()) if d},
        reverse=True,
    )
    return {"types": types, "issuers": issuers, "years": years}


def _search(
    s: Session, q: str, f: repo.Filters, offset: int, sort: str | None = None
) -> tuple[repo.SearchResult, str, str]:
    """One box: a citation ("QĐ 677", with or without words beside it) is looked up by key;
    anything else, or a citation nobody cites, is a search of the words in the text.
    Returns the result, the mode ("cites" | "text" | "") and the words searched with a key."""
    if not q.strip():
        return repo.search(s, None, None, f, PER_PAGE, offset, sort), "", ""
    named = repo.search(s, q, None, f, PER_PAGE, offset, sort)  # its bearer, then citing
    if named.by_key:
        return named, "number", ""
    kq = parse_query(q)
    if kq.number:
        words = kq.text.strip()
        res = repo.search(s, words or None, kq, f, PER_PAGE, offset, sort)
        if res.hits or offset:
            return res, "cites", words
        text = repo.search(s, q, None, f, PER_PAGE, offset, sort)
        text.candidates = res.candidates
        return text, "text", ""
    return repo.search(s, q, None, f, PER_PAGE, offset, sort), "text", ""


# The list's orders (repo.SORTS) as the sort box names them; "relevance" only with words.
SORT_LABELS = {
    "relevance": "Phù hợp nhất",
    "date": "Ngày văn bản, mới nhất trước",
    "date_asc": "Ngày văn bản, cũ nhất trước",
    "added": "Mới thêm vào kho trước",
    "number": "Theo số văn bản",
}


def _snippet_html(h: repo.Hit, mode: str) -> Markup | None:
    if mode in ("cites", "number") and h.citations:
        return _citation_snippet(h.document, {c.key for c in h.citations})
    if h.snippet:
        return _marked(h.snippet, [(a, b) for a, b in h.highlights])
    return None


def _sort_choices(words: bool) -> dict[str, str]:
    """The sort box: "" is the natural order (relevance for words, else the date, newest
    first), so a new query typed under the default list is ranked, not dated."""
    natural = "relevance" if words else "date"
    rest = {k: v for k, v in SORT_LABELS.items() if k not in (natural, "relevance")}
    return {"": SORT_LABELS[natural], **rest}


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    st: State,
    q: Text = "",
    type: Text = "",
    issuer: Text = "",
    year: Text = "",
    page: PageNo = 1,
    deleted: Text = "",
    sort: Text = "",
) -> Response:
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    q = clean_text(q)
    f = _filters(clean_text(type), clean_text(issuer), year)
    offset = (page - 1) * PER_PAGE
    sorts = _sort_choices(bool(q.strip()))
    sort = sort if sort in sorts else ""
    with st.db.session() as s:
        res, mode, words = _search(s, q, f, offset, sort or None)
        copies = rescans.members(s, [h.document.id for h in res.hits])
        results = [
            {
                "doc": h.document,
                "citations": h.citations,
                "snippet": _snippet_html(h, mode),
                "own": h.bears_number,
                "copies": copies.get(h.document.id, []),
            }
            for h in res.hits
        ]
        return _page(
            request,
            "search.html",
            user,
            q=q,
            results=results,
            candidates=res.candidates,
            mode=mode,
            words=words,
            top=[] if q.strip() else repo.most_cited(s, 12),
            type=type,
            issuer=issuer,
            year=year,
            page=page,
            total=res.total,
            total_exact=res.total_exact,
            more=offset + len(res.hits) < res.total,
            deleted=clean_text(deleted, keep=""),
            sort=sort,
            sorts=sorts,
            **_facets(s),
        )


# --- document -----------------------------------------------------------------------------


def _layer_words(st: AppState, doc: DocumentRow, infos: list[dict]) -> dict[int, list]:
    """The words of a PDF's text-layer pages (service.layerwords), when some page of it has
    none of its own: born-digital values get their boxes from them."""
    bare = any(i.get("route") == PageRoute.TEXT_LAYER and not i.get("words") for i in infos)
    original = st.blobs.path(doc.sha256)
    if doc.mime != "application/pdf" or not bare or not original.exists():
        return {}
    texts = doc.text.split("\f")
    return layerwords.page_words(st.settings.derived_dir, original, doc.sha256, texts)


def _pages_view(
    doc: DocumentRow, infos: list[dict], refs: list[marks.Ref], layer: dict[int, list]
) -> list[dict]:
    texts = doc.text.split("\f")
    out = []
    for i, text in enumerate(texts):
        info = infos[i] if i < len(infos) else {}
        n = info.get("number") or i + 1
        if n in layer and not info.get("words"):
            info = {**info, "words": layer[n]}
        has_image = doc.kind != "text" and n <= doc.pages
        w, h = info.get("width"), info.get("height")
        segments = marks.page_segments(text, n, refs, info.get("repairs") or [])
        out.append(
            {
                "number": n,
                "html": marks.render_segments(segments),
                "route": info.get("route") or "",
                "kind": info.get("kind") or "content",
                "confidence": info.get("confidence"),
                "repairs": len(info.get("repairs") or []),
                "has_image": has_image,
                "size": (w, h) if w and h else None,
                "boxes": marks.page_boxes(refs, n, info) if w and h else [],
            }
        )
    return out


GROUPS = (
    ("cit.", "Văn bản được trích dẫn"),
    ("date.", "Ngày tháng"),
    ("amt.", "Số tiền"),
    ("cnt.", "Số lượng"),
)


def _corrections(s: Session, doc_id: int) -> list[CorrectionRow]:
    stmt = select(CorrectionRow).where(CorrectionRow.document_id == doc_id)
    return list(s.scalars(stmt.order_by(CorrectionRow.id.desc())))


def _unreadable(doc: DocumentRow) -> Record:
    """An empty record for a stored one that no longer validates (logged by the read
    model): the page still shows the file, its text and a request to reprocess it."""
    kind = doc.kind if doc.kind in {k.value for k in SourceKind} else SourceKind.TEXT
    return Record(
        source=Source(file=doc.filename, sha256=doc.sha256, pages=doc.pages, kind=SourceKind(kind))
    )


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    doc_id: Id,
    st: State,
    saved: Text = "",
    bad: Text = "",
    long: Text = "",
    reprocessed: Text = "",
    invalid: Text = "",
) -> Response:
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    with st.db.session() as s:
        doc = s.get(DocumentRow, doc_id)
        if doc is None:
            return _page(request, "missing.html", user, status=404)
        infos = readmodel.page_infos(s, doc.id)
        view = readmodel.read(doc, readmodel.copy_links(s, [doc.id]).get(doc.id), infos)
        record = view.record if view else _unreadable(doc)
        refs = marks.record_refs(record)
        cites = repo.cites_of(s, doc)
        targets = {c.key: t for c, t in cites if t is not None}
        return _page(
            request,
            "document.html",
            user,
            doc=doc,
            head=record.doc,
            provenance=record.provenance,
            unreadable=view is None,
            pages=_pages_view(doc, infos, refs, _layer_words(st, doc, infos)),
            refs={r.id: r for r in refs},
            header=[r for r in refs if r.id.startswith("doc.")],
            groups=[(p, t, [r for r in refs if r.id.startswith(p)]) for p, t in GROUPS],
            targets=targets,
            cited_by=repo.cited_by(s, doc),
            corrections=_corrections(s, doc.id),
            saved=saved,
            bad=bad,
            long=long,
            reprocessed=reprocessed,
            invalid=invalid,
            review=review.items_of(view) if view else [],
            confirmed=view.confirmed if view else {},
            copies=readmodel.copies_of(s, doc.id),
            warnings=review.warnings_of(view) if view else [],
            copy_of=view.copy_of if view else None,
        )


@router.post("/documents/{doc_id}/correct")
def correct(
    request: Request,
    doc_id: Id,
    st: State,
    field: Annotated[str, Form()],
    value: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
) -> Response:
    """Confirm (same value) or correct a header field; who and when are kept. A date that
    is none or a value too long comes back to the page with a message, stored nowhere."""
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    if not auth.allows(user.role, "archivist"):
        return _forbidden(request, user)
    if field not in repo.CORRECTABLE and not repo.is_value_ref(field):
        return _page(request, "missing.html", user, status=422)
    ref = field if repo.is_value_ref(field) else f"doc.{field}"
    try:
        new = correction_value(field, value)
        with st.db.session() as s:
            doc = s.get(DocumentRow, doc_id)
            if doc is None:
                return _page(request, "missing.html", user, status=404)
            review.add_correction(s, doc, field, new, user.name)
        review.learn(st.settings.models_dir, field, new)
    except TooLong:
        return RedirectResponse(f"/documents/{doc_id}?long={field}#ref={ref}", status_code=303)
    except ValueError:
        shown = quote(clean_text(value, keep="").strip()[:40])
        flag = f"bad={shown}" if field == "date" else f"invalid={quote(field)}&bad={shown}"
        return RedirectResponse(f"/documents/{doc_id}?{flag}#ref={ref}", status_code=303)
    if back.startswith("/review"):
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(f"/documents/{doc_id}?saved={field}#ref={ref}", status_code=303)


@router.post("/documents/{doc_id}/delete")
def delete_document(request: Request, doc_id: Id, st: State) -> Response:
    """Delete a document (the API's DELETE): its original goes to the trash for
    SOHOA_TRASH_DAYS days. The page asks once more before it posts here."""
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    if not auth.allows(user.role, "archivist"):
        return _forbidden(request, user)
    with st.db.session() as s:
        doc = s.get(DocumentRow, doc_id)
        if doc is None:
            return _page(request, "missing.html", user, status=404)
        name = doc.number or doc.filename
    lifecycle.delete(st.settings, st.db, doc_id, user.name)
    return RedirectResponse(f"/?deleted={quote(name)}", status_code=303)


@router.post("/documents/{doc_id}/reprocess")
def reprocess_document(request: Request, doc_id: Id, st: State) -> Response:
    """Re-extract a document with the current pipeline (the API's reprocess); corrections
    and confirmations are kept."""
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    if not auth.allows(user.role, "archivist"):
        return _forbidden(request, user)
    with st.db.session() as s:
        if s.get(DocumentRow, doc_id) is None:
            return _page(request, "missing.html", user, status=404)
    summary = lifecycle.reprocess(st.settings, st.db, st.pipeline, [doc_id])
    flag = "failed" if summary.failed else "done"
    return RedirectResponse(f"/documents/{doc_id}?reprocessed={flag}", status_code=303)


# --- upload -------------------------------------------------------------------------------


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, st: State) -> Response:
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    if not auth.allows(user.role, "archivist"):
        return _forbidden(request, user)
    return _page(
        request,
        "upload.html",
        user,
        max_mb=st.settings.limits.max_file_bytes >> 20,
        batches=batches.list_batches(st.db, 10),
    )


@router.get("/batches/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, batch_id: Id, st: State) -> Response:
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    items = batches.batch_items(st.db, batch_id)
    if not items:
        return _page(request, "missing.html", user, status=404)
    return _page(
        request, "batch.html", user, batch_id=batch_id, items=items, error_kinds=ERROR_KINDS
    )


@router.post("/batches/{batch_id}/retry")
def batch_retry(request: Request, batch_id: Id, st: State) -> Response:
    """Queue a batch's failed files again (after a limit was raised, a tool installed ...)."""
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    if not auth.allows(user.role, "archivist"):
        return _forbidden(request, user)
    if batches.retry_failed(st.db, batch_id):
        st.wake.set()
    return RedirectResponse(f"/batches/{batch_id}", status_code=303)


# --- review -------------------------------------------------------------------------------

REVIEW_PAGE = 50


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, st: State, page: PageNo = 1) -> Response:
    """The values still to check (service.review, as GET /api/v1/review), newest first."""
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    with st.db.session() as s:
        start = (page - 1) * REVIEW_PAGE
        items, total = review.queue(s, None, REVIEW_PAGE, start)
        shown = review.with_boxes(s, items)
        rows = {
            r.id: r
            for r in s.scalars(
                select(DocumentRow)
                .options(load_only(*_HEAD))
                .where(DocumentRow.id.in_({i.document_id for i in shown}))
            )
        }
        groups: dict[int, list[review.Item]] = {}
        for i in shown:
            groups.setdefault(i.document_id, []).append(i)
        return _page(
            request,
            "review.html",
            user,
            groups=[(rows[k], v) for k, v in groups.items() if k in rows],
            total=total,
            page=page,
            more=start + REVIEW_PAGE < total,
            back=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        )


# --- figures ------------------------------------------------------------------------------


FIGURE_DOCS = 20_000
# What the figures and the review list read of a document: never its text or OCR words.
_HEAD = (
    DocumentRow.id,
    DocumentRow.filename,
    DocumentRow.sha256,
    DocumentRow.number,
    DocumentRow.doc_type,
    DocumentRow.doc_date,
    DocumentRow.kind,
    DocumentRow.pages,
    DocumentRow.record,
)


def _figure_rows(st: AppState, type_: str, year: str) -> list[figs.Figure]:
    """Figures of the documents that state some, oldest first (records only are read);
    a copy's figures are marked (``copy_of``) and never counted."""
    stmt = select(DocumentRow).options(load_only(*_HEAD)).where(DocumentRow.has_figures)
    if type_:
        stmt = stmt.where(DocumentRow.doc_type == type_)
    if year.isdigit() and len(year) == 4:
        stmt = stmt.where(DocumentRow.doc_date.like(f"{year}%"))
    stmt = stmt.order_by(DocumentRow.doc_date, DocumentRow.id).limit(FIGURE_DOCS)
    with st.db.session() as s:
        return [x for d in readmodel.read_many(s, s.scalars(stmt)) for x in figs.figures_of(d)]


def _chart_title(unit: str) -> str:
    if unit == "đồng":
        return "Tổng số tiền nêu trong văn bản, theo năm"
    if unit == "%":
        return "Tỷ lệ trung bình (%), theo năm"
    return f"Tổng số {unit} nêu trong văn bản, theo năm"


@router.get("/figures", response_class=HTMLResponse)
def figures_page(
    request: Request, st: State, unit: Text = "", type: Text = "", year: Text = ""
) -> Response:
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    rows = [r for r in _figure_rows(st, type, year) if r.copy_of is None]
    unit_list = figs.units(rows)
    unit = unit if unit in dict(unit_list) else (unit_list[0][0] if unit_list else "")
    shown = [r for r in rows if r.unit == unit]
    chart = fig.bar_chart(figs.yearly(rows, unit), unit, _chart_title(unit))
    if unit == "đồng":
        per_year = [(y, float(n), n) for y, _, n in figs.yearly(rows, unit)]
        second = fig.bar_chart(per_year, "", "Số văn bản nêu số tiền, theo năm")
    else:
        second = fig.bar_chart(figs.yearly(rows, "đồng"), "đồng", _chart_title("đồng"))
    with st.db.session() as s:
        facets = _facets(s)
    return _page(
        request,
        "figures.html",
        user,
        rows=shown[:1000],
        n_rows=len(shown),
        undated=sum(1 for r in shown if r.year is None),
        units=unit_list,
        unit=unit,
        chart=chart,
        second=second,
        type=type,
        year=year,
        types=facets["types"],
        years=facets["years"],
    )


@router.get("/figures.csv")
def figures_csv(
    request: Request, st: State, unit: Text = "", type: Text = "", year: Text = ""
) -> Response:
    """The figures table as shown (same filters), for a spreadsheet."""
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "document_id",
            "document_number",
            "document_date",
            "doc_type",
            "kind",
            "value",
            "unit",
            "of",
            "measure",
            "text",
            "page",
        ]
    )
    for r in _figure_rows(st, type, year):
        if r.copy_of is None and (not unit or r.unit == unit):
            w.writerow(
                csv_row(
                    [
                        r.document_id,
                        r.document_number,
                        r.document_date,
                        r.doc_type,
                        r.kind,
                        r.value,
                        r.unit,
                        r.of,
                        r.measure,
                        r.text,
                        r.page,
                    ]
                )
            )
    return Response(
        "\ufeff" + buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="so-lieu.csv"'},
    )


# --- tokens (admin) -----------------------------------------------------------------------


def _admin(request: Request, st: AppState) -> TokenRow | Response:
    user = session_user(request)
    if user is None:
        return _login_redirect(request)
    if not auth.allows(user.role, "admin"):
        return _forbidden(request, user)
    return user


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, st: State) -> Response:
    user = _admin(request, st)
    if isinstance(user, Response):
        return user
    return _tokens_page(request, st, user, 200)


@router.post("/tokens", response_class=HTMLResponse)
def token_create(
    request: Request,
    st: State,
    name: Annotated[str, Form()],
    role: Annotated[str, Form()] = "reader",
) -> Response:
    """A new token is shown once, on this page; only its hash is kept."""
    user = _admin(request, st)
    if isinstance(user, Response):
        return user
    created, error = None, None
    name = clean_text(name, keep="").strip()
    if not name or role not in auth.ROLES:
        error = "Cần tên người dùng và một vai trò hợp lệ."
    elif len(name) > TOKEN_NAME_MAX:
        error = f"Tên dài quá {TOKEN_NAME_MAX} ký tự."
    else:
        created = auth.create_token(st.db, name, role)
    return _tokens_page(request, st, user, 422 if error else 201, created, name, error)


def _tokens_page(
    request: Request,
    st: AppState,
    user: TokenRow,
    status: int,
    created: str | None = None,
    created_name: str = "",
    error: str | None = None,
) -> Response:
    return _page(
        request,
        "tokens.html",
        user,
        status=status,
        tokens=auth.list_tokens(st.db),
        roles=auth.ROLES,
        created=created,
        created_name=created_name,
        error=error,
    )


@router.post("/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: Id, st: State) -> Response:
    user = _admin(request, st)
    if isinstance(user, Response):
        return user
    try:
        auth.revoke(st.db, token_id)
    except auth.LastAdminError:
        error = "Không thể thu hồi mã quản trị cuối cùng."
        return _tokens_page(request, st, user, 409, error=error)
    return RedirectResponse("/tokens", status_code=303)
