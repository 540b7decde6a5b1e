"""UI pages over a stored document (no OCR): login, roles, search, document, review, figures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from schemas import (
    Amount,
    Box,
    Citation,
    Count,
    DocHeader,
    Document,
    FieldDetail,
    Page,
    PageRoute,
    Record,
    RecordWarning,
    RepairEdit,
    Source,
    SourceKind,
    Span,
)
from service import auth, outcome
from service.api.app import create_app
from service.config import Settings
from service.safetext import iso_date
from service.storage.db import Database
from service.storage.models import DocumentRow

TEXT = (
    "ỦY BAN NHÂN DÂN TỈNH SƠN LA\n"
    "Số: 12/QĐ-UBND\n"
    "QUYẾT ĐỊNH\n"
    "Căn cứ Quyết định số 677/QĐ-TTg ngày 10/5/2013 của Thủ tướng;\n"
    "Hội Khuyến học tỉnh có 1.250 hội viên, kinh phí 15.000.000 đồng.\n"
)


def _span(text: str, part: str, box: Box | None = None, conf: float | None = None) -> Span:
    start = text.index(part)
    return Span(page=1, start=start, end=start + len(part), box=box, confidence=conf)


def _document(sha: str = "a" * 64) -> tuple[Document, Record]:
    source = Source(
        file="qd12.pdf",
        sha256=sha,
        pages=1,
        kind=SourceKind.SCANNED,
        mime="application/pdf",
        size=10,
    )
    khuyen = TEXT.index("Khuyến học")
    page = Page(
        number=1,
        text=TEXT,
        route=PageRoute.OCR,
        width=2480,
        height=3508,
        dpi=300,
        repairs=[RepairEdit(start=khuyen, end=khuyen + 10, original="Khuyen hoc")],
    )
    head = DocHeader(
        issuer="UBND tỉnh Sơn La",
        number="12/QĐ-UBND",
        doc_type="Quyết định",
        date="2024-03-05",
        detail={
            "number": FieldDetail(
                text="12/QĐ-UBND",
                confidence=0.95,
                spans=[_span(TEXT, "12/QĐ-UBND", Box(x0=300, y0=400, x1=900, y1=460))],
            ),
            "date": FieldDetail(text="05/3/2024", confidence=0.4, flags=["uncertain_digits"]),
        },
    )
    record = Record(
        source=source,
        doc=head,
        citations=[
            Citation(
                key="677/QĐ-TTg",
                type="Quyết định",
                number="677",
                year=2013,
                issuer_code="TTg",
                text="677/QĐ-TTg",
                spans=[_span(TEXT, "677/QĐ-TTg", Box(x0=900, y0=700, x1=1400, y1=760))],
            )
        ],
        amounts=[
            Amount(vnd=15_000_000, text="15.000.000 đồng", spans=[_span(TEXT, "15.000.000 đồng")])
        ],
        counts=[
            Count(
                value=1250,
                unit="hội viên",
                text="1.250 hội viên",
                spans=[_span(TEXT, "1.250 hội viên")],
            )
        ],
        warnings=[RecordWarning(code="damaged_page", message="trang có chữ mờ", page=1)],
    )
    return Document(source=source, pages=[page]), record


@pytest.fixture
def client(data_dir: Path) -> Iterator[tuple[TestClient, dict[str, str], int]]:
    settings = Settings.from_env(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    tokens = {role: auth.create_token(db, f"{role}@test", role) for role in auth.ROLES}
    with db.session() as s:
        doc, rec = _document()
        row, _ = outcome.save_document(s, "qd12.pdf", doc, rec, "test")
        doc_id = row.id
    db.close()
    # a browser sends its page's origin with every form post: the UI refuses posts without
    with TestClient(create_app(settings, run_worker=False), headers=SAME_ORIGIN) as c:
        yield c, tokens, doc_id


SAME_ORIGIN = {"origin": "http://testserver"}


def _login(c: TestClient, token: str) -> None:
    r = c.post("/login", data={"token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    c.cookies.set("sohoa_session", r.cookies["sohoa_session"])


def test_pages_need_login_and_a_bad_token_is_refused(client) -> None:
    c, tokens, doc_id = client
    r = c.get(f"/documents/{doc_id}?page=1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=/documents/")
    r = c.post("/login", data={"token": "nope", "next": "/"})
    assert r.status_code == 401 and "không hợp lệ" in r.text
    r = c.post(
        "/login",
        data={"token": tokens["reader"], "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/"
    assert "httponly" in r.headers["set-cookie"].lower()


def test_reader_can_read_but_not_upload_or_correct(client) -> None:
    c, tokens, doc_id = client
    _login(c, tokens["reader"])
    page = c.get(f"/documents/{doc_id}")
    assert page.status_code == 200
    assert "/correct" not in page.text and 'href="/upload"' not in page.text
    assert c.get("/upload").status_code == 403
    r = c.post(f"/documents/{doc_id}/correct", data={"field": "number", "value": "x"})
    assert r.status_code == 403
    assert "12/QĐ-UBND" in c.get(f"/documents/{doc_id}").text


def test_search_by_citation_and_without_diacritics(client) -> None:
    c, tokens, doc_id = client
    _login(c, tokens["reader"])
    r = c.get("/", params={"q": "QĐ 677"})
    assert f'href="/documents/{doc_id}"' in r.text
    assert "<mark>677/QĐ-TTg</mark>" in r.text  # the citation as written, in its sentence
    assert f'href="/documents/{doc_id}"' in c.get("/", params={"q": "QĐ 677 khuyen hoc"}).text
    assert f'href="/documents/{doc_id}"' not in c.get("/", params={"q": "QĐ 677 tuyen sinh"}).text
    r = c.get("/", params={"q": "khuyen hoc"})
    assert f'href="/documents/{doc_id}"' in r.text
    assert "<mark>Khuyến học</mark>" in r.text
    assert (
        f'href="/documents/{doc_id}"'
        not in c.get("/", params={"q": "khuyen hoc", "year": "2019"}).text
    )
    assert f'href="/documents/{doc_id}"' in c.get("/", params={"issuer": "sơn la"}).text
    assert f'href="/documents/{doc_id}"' in c.get("/", params={"year": "2024"}).text


def test_document_page_draws_boxes_and_marks_values_and_repairs(client) -> None:
    c, tokens, doc_id = client
    _login(c, tokens["archivist"])
    html = c.get(f"/documents/{doc_id}").text
    assert 'viewBox="0 0 2480 3508"' in html
    assert re.search(r'<rect data-ref="doc.number" x="300" y="400" width="600" height="60"', html)
    assert '<span class="m" data-refs="cit.0">677/QĐ-TTg</span>' in html
    assert re.search(
        r'<ins class="repair" data-orig="Khuyen hoc" title="Trước khi sửa dấu: Khuyen hoc">'
        r"Khuyến học</ins>",
        html,
    )
    for link in ("/original", "/pdf", f'/api/v1/documents/{doc_id}"'):
        assert link in html


def test_document_page_reads_the_typed_record_and_survives_a_damaged_one(
    client, data_dir: Path
) -> None:
    """The page shows the read model's record (corrections applied, confirmations by ref);
    a stored record that no longer validates gives the file, its text and a request to
    reprocess, not an error page."""
    c, tokens, doc_id = client
    _login(c, tokens["archivist"])
    c.post(f"/documents/{doc_id}/correct", data={"field": "title", "value": "Về học bổng"})
    html = c.get(f"/documents/{doc_id}").text
    assert '<p class="title">Về học bổng</p>' in html
    assert re.search(r'data-field="title".*?✓ archivist@test', html, re.S)
    db = Database(Settings.from_env(data_dir).database_url)
    with db.session() as s:
        row = s.get(DocumentRow, doc_id)
        row.record = {**row.record, "citations": [{"spans": "not a list"}]}
    db.close()
    r = c.get(f"/documents/{doc_id}")
    assert r.status_code == 200 and "hãy bấm “Xử lý lại”" in r.text
    assert "tỉnh có 1.250 hội viên, kinh phí 15.000.000 đồng" in r.text  # no marks left


def test_correction_keeps_who_and_leaves_the_review_queue(client) -> None:
    c, tokens, doc_id = client
    _login(c, tokens["archivist"])
    queue = c.get("/review").text
    assert "Ngày ban hành" in queue and "độ tin cậy thấp (40%)" in queue
    # a document-level warning is shown on its page; the queue lists values to confirm
    assert "trang có chữ mờ" in c.get(f"/documents/{doc_id}").text
    r = c.post(
        f"/documents/{doc_id}/correct",
        data={"field": "date", "value": "15/3/2024"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    html = c.get(r.headers["location"]).text
    assert "15/03/2024" in html and "archivist@test" in html and "Lịch sử sửa" in html
    assert "độ tin cậy thấp (40%)" not in c.get("/review").text
    detail = c.get(f"/api/v1/documents/{doc_id}").json()
    assert detail["record"]["doc"]["date"] == "2024-03-15"


def test_figures_chart_table_and_csv(client) -> None:
    c, tokens, doc_id = client
    _login(c, tokens["reader"])
    html = c.get("/figures").text
    assert '<svg class="chart"' in html and "15 triệu" in html
    html = c.get("/figures", params={"unit": "hội viên"}).text
    assert "1.250" in html and f'href="/documents/{doc_id}"' in html
    csv = c.get("/figures.csv", params={"unit": "hội viên"})
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert len(lines) == 2 and lines[1].split(",")[5] == "1250"


def test_upload_and_batch_pages_render(client) -> None:
    c, tokens, _ = client
    _login(c, tokens["archivist"])
    html = c.get("/upload").text
    assert 'id="drop"' in html and "multiple" in html and ".zip" in html
    assert c.get("/batches/999").status_code == 404
    for path in ("/static/upload.js", "/static/document.js", "/static/style.css"):
        assert c.get(path).status_code == 200


def test_a_date_is_typed_the_vietnamese_way_and_a_wrong_one_is_refused(client) -> None:
    c, tokens, doc_id = client
    _login(c, tokens["archivist"])
    r = c.post(
        f"/documents/{doc_id}/correct",
        data={"field": "date", "value": "31/02/2024"},
        follow_redirects=False,
    )
    assert "bad=" in r.headers["location"]
    assert "không phải ngày hợp lệ" in c.get(r.headers["location"]).text
    assert c.get(f"/api/v1/documents/{doc_id}").json()["record"]["doc"]["date"] == "2024-03-05"


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("24/01/2025", "2025-01-24"),
        ("4.1.2025", "2025-01-04"),
        ("01/2025", "2025-01"),
        ("2025", "2025"),
        ("2025-01-24", "2025-01-24"),
        ("2025-1-4", None),
        ("31/02/2024", None),
        ("13/2025", None),
        ("hôm qua", None),
    ],
)
def test_iso_date(typed: str, iso: str | None) -> None:
    assert iso_date(typed) == iso


def test_a_correction_made_in_the_ui_survives_re_extraction(client, data_dir: Path) -> None:
    c, tokens, doc_id = client
    _login(c, tokens["archivist"])
    c.post(f"/documents/{doc_id}/correct", data={"field": "signer", "value": "Lò Văn Hặc"})
    db = Database(Settings.from_env(data_dir).database_url)
    with db.session() as s:
        doc, rec = _document()
        outcome.save_document(s, "qd12.pdf", doc, rec, "test-2")  # the same file extracted again
    db.close()
    html = c.get(f"/documents/{doc_id}").text
    assert 'data-ref="doc.signer"' in html and "Lò Văn Hặc" in html and "archivist@test" in html


def test_admin_creates_and_revokes_tokens_others_cannot(client) -> None:
    c, tokens, _ = client
    _login(c, tokens["archivist"])
    assert c.get("/tokens").status_code == 403
    assert c.post("/tokens", data={"name": "x", "role": "admin"}).status_code == 403
    _login(c, tokens["admin"])
    r = c.post("/tokens", data={"name": "Chị Lan", "role": "reader"})
    assert r.status_code == 201
    new = re.search(r'class="token-out" id="token-out" value="(sohoa_[^"]+)"', r.text).group(1)
    assert new not in c.get("/tokens").text  # shown once only
    _login(c, new)
    assert c.get("/upload").status_code == 403  # a reader
    _login(c, tokens["admin"])
    row = re.search(
        r'<tr><td>Chị Lan</td>.*?action="/tokens/(\d+)/revoke"', c.get("/tokens").text, re.S
    )
    c.post(f"/tokens/{row.group(1)}/revoke")
    assert c.post("/login", data={"token": new, "next": "/"}).status_code == 401


def test_recent_batches_and_retry_of_failed_files(client, tmp_path: Path) -> None:
    c, tokens, _ = client
    _login(c, tokens["archivist"])
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    r = c.post("/api/v1/documents", files=[("files", ("hong.pdf", bad.read_bytes()))])
    batch = r.json()["id"]
    assert f'href="/batches/{batch}"' in c.get("/upload").text
    _login(c, tokens["reader"])
    assert c.post(f"/batches/{batch}/retry", follow_redirects=False).status_code == 403
    _login(c, tokens["archivist"])
    r = c.post(f"/batches/{batch}/retry", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/batches/{batch}"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("number", "next tuesday", "không phải số, ký hiệu văn bản"),
        ("doc_type", "hôm qua", "không phải tên loại văn bản"),
    ],
)
def test_a_number_or_a_type_is_checked_by_its_kind(client, field, typed, message) -> None:
    c, tokens, doc_id = client
    _login(c, tokens["archivist"])
    r = c.post(f"/documents/{doc_id}/correct", data={"field": field, "value": typed})
    assert r.status_code == 200 and message in r.text
    api = {"Authorization": f"Bearer {tokens['archivist']}"}
    body = {"field": field, "value": typed}
    assert (
        c.post(f"/api/v1/documents/{doc_id}/corrections", json=body, headers=api).status_code == 422
    )
    body = {"field": "doc_type", "value": "bao cao"}  # typed without marks: stored as spelled
    assert (
        c.post(f"/api/v1/documents/{doc_id}/corrections", json=body, headers=api).json()["value"]
        == "Báo cáo"
    )


def test_times_are_shown_in_the_serving_apps_zone(client, data_dir: Path) -> None:
    """Two apps in one process, each with its own SOHOA_TIMEZONE, show one stored time in
    their own zone (the zone is the app's setting, not what the environment said at import)."""
    c, tokens, _ = client
    _login(c, tokens["admin"])
    row = r"<tr><td>admin@test</td><td>[^<]*</td><td>(\d\d/\d\d/\d{4} (\d\d):\d\d)</td>"
    hanoi = re.search(row, c.get("/tokens").text)
    utc_app = create_app(replace(Settings.from_env(data_dir), timezone="UTC"), run_worker=False)
    with TestClient(utc_app, headers=SAME_ORIGIN) as u:
        _login(u, tokens["admin"])
        utc = re.search(row, u.get("/tokens").text)
    assert hanoi and utc
    assert (int(utc.group(2)) + 7) % 24 == int(hanoi.group(2))  # Vietnam: UTC+7, no DST


def test_a_confirmed_citation_leaves_the_review_queue(data_dir: Path) -> None:
    """Not only header fields: a flagged citation (ref cit.N) confirmed through the API
    leaves GET /api/v1/review, and the document says who confirmed it."""
    settings = Settings.from_env(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    token = auth.create_token(db, "soát@test", "archivist")
    doc, rec = _document("c" * 64)
    rec.citations[0].flags, rec.citations[0].needs_review = ["key_repaired"], True
    with db.session() as s:
        doc_id = outcome.save_document(s, "qd12.pdf", doc, rec, "test")[0].id
    db.close()
    api = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings, run_worker=False), headers=api) as c:
        refs = {i["ref"] for i in c.get("/api/v1/review").json()["items"]}
        assert "cit.0" in refs
        body = {"field": "cit.0", "value": "677/QĐ-TTg"}
        assert c.post(f"/api/v1/documents/{doc_id}/corrections", json=body).status_code == 201
        assert "cit.0" not in {i["ref"] for i in c.get("/api/v1/review").json()["items"]}
        assert c.get(f"/api/v1/documents/{doc_id}").json()["confirmed"]["cit.0"] == "soát@test"
