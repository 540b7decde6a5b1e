"""Issue 19: one test per finding of the security probe, on SQLite and PostgreSQL where the
database is involved (the ``db_url`` fixture; PostgreSQL skips locally, fails in CI)."""

from __future__ import annotations

import csv
import hashlib
import io
import socket
import stat
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

import ingest
from schemas import (
    DocHeader,
    Document,
    ErrorKind,
    Page,
    PageRoute,
    Record,
    SohoaError,
    Source,
    SourceKind,
    Span,
)
from service import auth, batches, exports, outcome, pagecache
from service.api.app import create_app
from service.config import Settings
from service.pipeline import Pipeline
from service.safetext import csv_cell, display_name, scrub_paths
from service.storage import repo
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import SessionRow, TokenRow, utcnow
from service.ui.marks import Ref, page_segments, render_segments
from tests.conftest import Server

ORIGIN = {"origin": "http://testserver"}
EVIL = {"origin": "http://127.0.0.1:9999"}


@dataclass
class Env:
    settings: Settings
    db: Database
    tokens: dict[str, str]
    doc_id: int


def _document(filename: str, sha: str = "b" * 64) -> tuple[Document, Record]:
    text = "Số: 12/QĐ-UBND\nQuyết định về khuyến học\n"
    source = Source(
        file=filename,
        sha256=sha,
        pages=1,
        kind=SourceKind.BORN_DIGITAL,
        mime="application/pdf",
        size=10,
    )
    page = Page(number=1, text=text, route=PageRoute.TEXT_LAYER)
    head = DocHeader(  # the signer only lives in the record (JSON), where a NUL can hide
        number="12/QĐ-UBND", doc_type="Quyết định", title='=HYPERLINK("x")', signer="Lò\x00 Văn"
    )
    return Document(source=source, pages=[page]), Record(source=source, doc=head)


@pytest.fixture
def env(db_url: str, data_dir: Path) -> Iterator[Env]:
    settings = Settings.from_env(data_dir)
    settings.database_url = db_url
    settings.max_request_bytes = 256 * 1024
    settings.max_batch_bytes = 3 << 20
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(db_url)
    tokens = {role: auth.create_token(db, f"{role}@test", role) for role in auth.ROLES}
    with db.session() as s:
        doc, rec = _document("=SUM(1+1)*cmd.txt")
        row, _ = outcome.save_document(s, "=SUM(1+1)*cmd.txt", doc, rec, "test")
        doc_id = row.id
    yield Env(settings, db, tokens, doc_id)
    db.close()


@pytest.fixture
def client(env: Env) -> Iterator[TestClient]:
    with TestClient(create_app(env.settings, run_worker=False), headers=ORIGIN) as c:
        yield c


def _bearer(env: Env, role: str = "archivist") -> dict[str, str]:
    return {"authorization": f"Bearer {env.tokens[role]}"}


def _login(c: TestClient, token: str) -> str:
    r = c.post("/login", data={"token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    sid = r.cookies[auth.SESSION_COOKIE]
    c.cookies.set(auth.SESSION_COOKIE, sid)
    return sid


# 1 -- anonymous bodies are never read; a body cap at the edge ----------------------------


def test_1_anonymous_upload_is_refused_before_its_body_is_read(env: Env) -> None:
    with (
        Server(env.settings, run_worker=False) as srv,
        socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock,
    ):
        sock.sendall(
            b"POST /api/v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 1000000000\r\n\r\n" + b"y" * 1000
        )
        started = time.monotonic()
        head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 401"), head[:200]
    assert time.monotonic() - started < 3
    assert not list((env.settings.data_dir / "incoming").glob("*/*"))


def test_1_request_bodies_are_capped_by_length_and_by_what_streams(
    env: Env, client: TestClient
) -> None:
    big = b"x" * (300 * 1024)
    r = client.post("/api/v1/documents", headers=_bearer(env), files=[("files", ("a.txt", big))])
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert "SOHOA_MAX_REQUEST_BYTES" in r.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: only counting can stop it
        for _ in range(40):
            yield b"z" * 10_000

    r = client.post(
        "/api/v1/documents",
        headers={**_bearer(env), "content-type": "multipart/form-data; boundary=b"},
        content=chunks(),
    )
    assert r.status_code == 413
    r = client.post("/login", content=b"token=" + b"a" * 20_000)  # anonymous: a few KiB
    assert r.status_code == 413


# 2 -- no state change from another origin with the session cookie ------------------------


def test_2_cookie_authenticated_changes_need_our_origin(env: Env, client: TestClient) -> None:
    _login(client, env.tokens["admin"])
    before = len(auth.list_tokens(env.db))
    refused = [
        client.post("/tokens", data={"name": "x", "role": "admin"}, headers=EVIL),
        client.post("/tokens", data={"name": "x", "role": "admin"}, headers={"origin": ""}),
        client.post(
            "/tokens",
            data={"name": "x", "role": "admin"},
            headers={"sec-fetch-site": "same-site", "origin": "http://testserver"},
        ),
        client.post(f"/tokens/{1}/revoke", headers={"origin": "null"}),
        client.post(
            f"/documents/{env.doc_id}/correct", data={"field": "title", "value": "x"}, headers=EVIL
        ),
        client.post(
            f"/api/v1/documents/{env.doc_id}/corrections",
            json={"field": "title", "value": "x"},
            headers=EVIL,
        ),
        client.post("/api/v1/documents", files=[("files", ("a.txt", b"hello"))], headers=EVIL),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert len(auth.list_tokens(env.db)) == before
    # a POST carrying no origin at all (and not from a browser of ours) is refused too
    bare = client.build_request("POST", "/tokens", data={"name": "x", "role": "reader"})
    del bare.headers["origin"]
    assert client.send(bare).status_code == 403
    # our own pages may; the Referer stands in for a missing Origin; Bearer calls as before
    assert client.post("/tokens", data={"name": "ok", "role": "reader"}).status_code == 201
    own = client.build_request(
        "POST", "/tokens", data={"name": "ok2", "role": "reader"},
        headers={"referer": "http://testserver/tokens"},
    )  # fmt: skip
    del own.headers["origin"]
    assert client.send(own).status_code == 201
    client.cookies.clear()
    r = client.post(
        f"/api/v1/documents/{env.doc_id}/corrections",
        json={"field": "title", "value": "Bearer"},
        headers={**_bearer(env), **EVIL},
    )
    assert r.status_code == 201


# 3 -- hostile text is a 4xx for that value only ------------------------------------------


def test_3_hostile_names_and_values_never_fail_the_request(env: Env, client: TestClient) -> None:
    names = [b"bad\x00name.txt", b"tot.txt", b"x" * 600 + b".txt"]  # raw: httpx would escape
    parts = [
        b'--bb\r\nContent-Disposition: form-data; name="files"; filename="%s"\r\n'
        b"Content-Type: text/plain\r\n\r\nQuyet dinh so %d\r\n" % (name, n)
        for n, name in enumerate(names)
    ]
    r = client.post(
        "/api/v1/documents",
        headers={**_bearer(env), "content-type": "multipart/form-data; boundary=bb"},
        content=b"".join(parts) + b"--bb--\r\n",
    )
    assert r.status_code == 202, r.text
    names = [i["filename"] for i in r.json()["items"]]
    assert names == ["badname.txt", "tot.txt", "x" * 255]
    assert [i["state"] for i in r.json()["items"]] == ["queued"] * 3

    url = f"/api/v1/documents/{env.doc_id}/corrections"
    long = client.post(url, headers=_bearer(env), json={"field": "number", "value": "9" * 201})
    assert long.status_code == 422 and "200" in long.json()["detail"]
    huge = client.post(url, headers=_bearer(env), json={"field": "title", "value": "t" * 3000})
    assert huge.status_code == 422
    bad_date = client.post(url, headers=_bearer(env), json={"field": "date", "value": "2024-13"})
    assert bad_date.status_code == 422 and "not a date" in bad_date.json()["detail"]
    vn = client.post(url, headers=_bearer(env), json={"field": "date", "value": "24/01/2025"})
    assert vn.status_code == 201 and vn.json()["value"] == "2025-01-24"
    nul = client.post(url, headers=_bearer(env), json={"field": "signer", "value": "Lò\x00 Văn"})
    assert nul.status_code == 201 and nul.json()["value"] == "Lò Văn"

    _login(client, env.tokens["admin"])
    r = client.post("/tokens", data={"name": "chị\x00 Lan", "role": "reader"})
    assert r.status_code == 201
    assert "chị Lan" in [t.name for t in auth.list_tokens(env.db)]
    r = client.post("/tokens", data={"name": "n" * 201, "role": "reader"})
    assert r.status_code == 422 and "200 ký tự" in r.text
    _login(client, env.tokens["archivist"])
    r = client.post(
        f"/documents/{env.doc_id}/correct",
        data={"field": "doc_type", "value": "d" * 101},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "long=doc_type" in r.headers["location"]


# 4 -- linear rendering -------------------------------------------------------------------


def _marked_page(n: int) -> tuple[str, list[Ref], list[dict[str, object]]]:
    """A page of ``n`` lines, each with a count mark and every third with a repair."""
    line = "Hội Khuyến học có 1.250 hội viên.\n"
    text = line * n
    spans = [Span(page=1, start=i * len(line) + 18, end=i * len(line) + 32) for i in range(n)]
    refs = [Ref("cnt.0", "Số lượng", "1250", spans), Ref("doc.title", "Trích yếu", "", spans[:5])]
    repairs: list[dict[str, object]] = [
        {"start": i * len(line) + 4, "end": i * len(line) + 14, "original": "Khuyen hoc"}
        for i in range(0, n, 3)
    ]
    return text, refs, repairs


class _Counted(int):
    """A span offset that counts the comparisons made with it."""

    seen = 0

    def _count(self, other: object, op: str) -> bool:
        _Counted.seen += 1
        return bool(getattr(int, op)(self, other))

    def __lt__(self, other: object) -> bool:
        return self._count(other, "__lt__")

    def __le__(self, other: object) -> bool:
        return self._count(other, "__le__")

    def __gt__(self, other: object) -> bool:
        return self._count(other, "__gt__")

    def __ge__(self, other: object) -> bool:
        return self._count(other, "__ge__")


def _render_comparisons(n: int) -> int:
    """Comparisons of span offsets made while rendering ``n`` marks: a count, not a clock,
    so a loaded machine cannot move it (the wall-clock figure is ``bench/ui/render.py``)."""
    text, refs, repairs = _marked_page(n)
    for span in refs[0].spans:
        span.start, span.end = _Counted(span.start), _Counted(span.end)
    _Counted.seen = 0
    render_segments(page_segments(text, 1, refs, repairs))
    return _Counted.seen


def test_4_a_large_marked_page_renders_whole() -> None:
    text, refs, repairs = _marked_page(60_000)  # 2 MB
    segments = page_segments(text, 1, refs, repairs)
    html = render_segments(segments)
    assert "".join(s.text for s in segments) == text
    assert (segments[1].text, segments[1].repaired_from) == ("Khuyến học", "Khuyen hoc")
    assert segments[3].refs == ("cnt.0", "doc.title") and segments[3].text == "1.250 hội viên"
    assert html.count('data-refs="cnt.0"') == 59_995


def test_4_rendering_grows_linearly_with_the_marks() -> None:
    """Four times the marks cost about four times the work (a sort's log factor on top);
    checking every mark per cut (the quadratic mistake this guards) costs sixteen."""
    small, large = _render_comparisons(8_000), _render_comparisons(32_000)
    assert small > 8_000  # the offsets were compared: the count measures the sweep
    assert large / small < 6, f"×{large / small:.1f} for ×4 the marks"


# 5 -- the UI search box is capped like the API -------------------------------------------


def test_5_ui_search_is_capped_at_500_characters(env: Env, client: TestClient) -> None:
    _login(client, env.tokens["reader"])
    assert client.get("/", params={"q": "khuyen " * 70}).status_code == 200
    r = client.get("/", params={"q": "a" * 501})
    assert r.status_code == 422
    assert client.get("/", params={"issuer": "b" * 600}).status_code == 422
    assert client.get("/figures", params={"unit": "c" * 600}).status_code == 422


# 6 -- zips: ratio and total caps ---------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_6_zip_bombs_are_refused_by_ratio_and_by_the_batch_total(
    env: Env, client: TestClient, tmp_path: Path
) -> None:
    import random

    rnd = random.Random(7)
    noisy = bytes(rnd.getrandbits(8) for _ in range(2 << 20))  # 2 MiB, incompressible
    bomb = _zip(tmp_path / "bomb.zip", {"zeros.txt": bytes(4 << 20), "ok.txt": b"Quyet dinh"})
    one = _zip(tmp_path / "one.zip", {"a.bin": noisy})
    two = _zip(tmp_path / "two.zip", {"b.bin": noisy[::-1]})
    client.headers.update(_bearer(env))
    env.settings.max_request_bytes = 64 << 20
    upload = [
        ("files", ("bomb.zip", bomb.read_bytes())),
        ("files", ("one.zip", one.read_bytes())),
        ("files", ("two.zip", two.read_bytes())),
    ]
    with TestClient(create_app(env.settings, run_worker=False), headers=ORIGIN) as c:
        r = c.post("/api/v1/documents", headers=_bearer(env), files=upload)
    assert r.status_code == 202, r.text
    items = {i["filename"]: i for i in r.json()["items"]}
    assert items["bomb.zip/zeros.txt"]["error_kind"] == "limits"
    assert "200 times" in items["bomb.zip/zeros.txt"]["error"]
    assert items["bomb.zip/ok.txt"]["state"] == "queued"
    assert items["one.zip/a.bin"]["state"] == "queued"  # 2 of the 3 MiB allowed
    assert items["two.zip/b.bin"]["error_kind"] == "limits"
    stored = sum(p.stat().st_size for p in env.settings.blobs_dir.rglob("*") if p.is_file())
    assert stored < 3 << 20


def test_6_originals_of_failed_files_can_be_deleted(env: Env, client: TestClient) -> None:
    corrupt = b"%PDF-1.4\n" + b"not a pdf at all " * 50
    good = b"Quyet dinh so 5 ve khuyen hoc"
    files = [("files", ("hong.pdf", corrupt)), ("files", ("tot.txt", good))]
    batch = client.post("/api/v1/documents", headers=_bearer(env), files=files).json()["id"]
    pipeline = Pipeline(env.settings)
    try:
        batches.run_queued(env.db, pipeline, BlobStore(env.settings.blobs_dir), batch)
    finally:
        pipeline.close()
    items = client.get(f"/api/v1/batches/{batch}", headers=_bearer(env)).json()["items"]
    assert [i["state"] for i in items] == ["failed", "done"]
    failed_blob = next(env.settings.blobs_dir.rglob(hashlib.sha256(corrupt).hexdigest()))
    assert failed_blob.exists()
    url = f"/api/v1/batches/{batch}/failed"
    assert client.delete(url, headers=_bearer(env, "reader")).status_code == 403
    r = client.delete(url, headers=_bearer(env))
    assert r.status_code == 200 and r.json() == {"deleted": 1}
    assert not failed_blob.exists()
    assert len([p for p in env.settings.blobs_dir.rglob("*") if p.is_file()]) == 1  # the good
    assert client.delete(url, headers=_bearer(env)).json() == {"deleted": 0}
    assert batches.retry_failed(env.db, batch) == 0  # nothing left to retry from
    assert client.delete("/api/v1/batches/999/failed", headers=_bearer(env)).status_code == 404


# 7 -- page images: fixed sizes, bounded cache ---------------------------------------------


def test_7_page_images_come_in_fixed_sizes_from_a_bounded_cache(
    env: Env, client: TestClient, tmp_path: Path
) -> None:
    url = f"/api/v1/documents/{env.doc_id}/pages/1.png"
    r = client.get(url, params={"dpi": 73}, headers=_bearer(env, "reader"))
    assert r.status_code == 422
    derived = tmp_path / "derived"
    served = [
        pagecache.page_image(derived, f"{n:02d}" + "c" * 62, 1, 110, 2500, lambda: b"p" * 1000)
        for n in range(5)
    ]
    kept = sorted(derived.glob(pagecache.PATTERN))
    assert kept == sorted(served[-2:])  # 2 images of 1000 bytes fit in 2500
    with pytest.raises(ValueError):
        pagecache.page_image(derived, "d" * 64, 1, 111, 2500, lambda: b"")


# 8 -- CSV cells cannot be formulas, nor carry control characters ---------------------------


def test_8_csv_exports_neutralise_formulas_and_nul(env: Env, client: TestClient) -> None:
    r = client.get("/api/v1/export/documents.csv", headers=_bearer(env, "reader"))
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0]["filename"] == "'=SUM(1+1)*cmd.txt"
    assert rows[0]["title"] == '\'=HYPERLINK("x")'
    assert rows[0]["signer"] == "Lò Văn"
    assert "\x00" not in r.text
    lines = "".join(exports.csv_lines(env.db, "documents"))
    assert "'=SUM(1+1)*cmd.txt" in lines
    assert [csv_cell(v) for v in ("+1", "-2", "@a", "\tx", "\rx", "a=b", -5, 1.5)] == [
        "'+1", "'-2", "'@a", "'\tx", "'\rx", "a=b", -5, 1.5,
    ]  # fmt: skip
    report = "".join(batches.report_csv([batches.ReportRow(file="=1+2", state="failed")]))
    assert "'=1+2" in report


# 9 -- messages without the server's paths -------------------------------------------------


def test_9_batch_errors_show_no_server_paths(env: Env, client: TestClient) -> None:
    junk = b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10
    r = client.post("/api/v1/documents", headers=_bearer(env), files=[("files", ("h.png", junk))])
    batch = r.json()["id"]
    blobs = BlobStore(env.settings.blobs_dir)
    pipeline = Pipeline(env.settings)
    try:
        batches.run_queued(env.db, pipeline, blobs, batch)
    finally:
        pipeline.close()
    [item] = client.get(f"/api/v1/batches/{batch}", headers=_bearer(env, "reader")).json()["items"]
    assert item["state"] == "failed" and item["error_kind"] == "bad_input"
    assert str(env.settings.data_dir) not in item["error"]
    assert "/originals/" not in item["error"]
    failures = client.get(f"/api/v1/batches/{batch}/failures.csv", headers=_bearer(env, "reader"))
    assert str(env.settings.data_dir) not in failures.text
    msg = "cannot identify image file '/srv/sohoa-data/originals/7b/7b12ab'"
    assert scrub_paths(msg) == "cannot identify image file '7b12ab'"
    assert scrub_paths(r"open C:\data\originals\ab\cd failed") == "open cd failed"


# 10 -- ids and pages out of range are 4xx, not 500 ----------------------------------------


def test_10_huge_ids_and_pages_are_refused_not_crashed(env: Env, client: TestClient) -> None:
    _login(client, env.tokens["archivist"])
    urls = [
        f"/documents/{2**31}",
        "/documents/99999999999999999999999",
        "/documents/0",
        f"/batches/{2**40}",
        "/?page=1000000000000000000000",
        "/review?page=1000000000000000000000",
        "/?page=-3",
    ]
    assert [client.get(u).status_code for u in urls] == [422] * len(urls)
    r = client.post(f"/documents/{2**63}/correct", data={"field": "title", "value": "x"})
    assert r.status_code == 422
    _login(client, env.tokens["admin"])
    assert client.post(f"/tokens/{2**40}/revoke").status_code == 422
    assert client.get(f"/documents/{env.doc_id}").status_code == 200
    assert client.get("/documents/2147483647").status_code == 404


# 11 -- security headers; a server-side session instead of the token -----------------------


def test_11_security_headers_and_no_store(env: Env, client: TestClient) -> None:
    for url in ("/login", "/api/v1/me", "/static/style.css"):
        h = client.get(url).headers
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "script-src 'self'" in h["content-security-policy"]
        assert h["x-frame-options"] == "DENY"
        assert h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"
    _login(client, env.tokens["admin"])
    assert client.get("/tokens").headers["cache-control"] == "no-store"
    assert client.get("/api/v1/tokens").headers["cache-control"] == "no-store"


def test_11_the_cookie_is_a_short_session_that_logout_ends(env: Env) -> None:
    app = create_app(env.settings, run_worker=False)
    https = {"origin": "https://testserver"}
    with TestClient(app, base_url="https://testserver", headers=https) as c:
        r = c.post("/login", data={"token": env.tokens["archivist"]}, follow_redirects=False)
        cookie = r.headers["set-cookie"]
        sid = r.cookies[auth.SESSION_COOKIE]
        assert env.tokens["archivist"] not in cookie
        assert "Secure" in cookie and "HttpOnly" in cookie
        assert f"Max-Age={8 * 3600}" in cookie
        c.cookies.set(auth.SESSION_COOKIE, sid)
        assert c.get("/api/v1/me").json()["role"] == "archivist"
        assert c.get("/logout", follow_redirects=False).status_code == 303
        c.cookies.set(auth.SESSION_COOKIE, sid)  # a copy kept by whoever stole it
        assert c.get("/api/v1/me").status_code == 401
        assert c.get("/upload", follow_redirects=False).status_code == 303
    with TestClient(app, headers=ORIGIN) as c:  # plain http: no Secure flag
        r = c.post("/login", data={"token": env.tokens["reader"]}, follow_redirects=False)
        assert "secure" not in r.headers["set-cookie"].lower()
    with TestClient(app, headers=ORIGIN) as c:
        _login(c, env.tokens["reader"])
        assert c.get("/api/v1/me").status_code == 200
        with env.db.session() as s:  # the hours pass
            s.execute(update(SessionRow).values(expires_at=utcnow() - timedelta(seconds=1)))
        assert c.get("/api/v1/me").status_code == 401


# 12 -- the last admin stays; the database is private --------------------------------------


def test_12_the_last_admin_token_cannot_be_revoked(env: Env, client: TestClient) -> None:
    admin = next(t for t in auth.list_tokens(env.db) if t.role == "admin")
    r = client.delete(f"/api/v1/tokens/{admin.id}", headers=_bearer(env, "admin"))
    assert r.status_code == 409 and "last admin" in r.json()["detail"]
    _login(client, env.tokens["admin"])
    r = client.post(f"/tokens/{admin.id}/revoke")
    assert r.status_code == 409 and "cuối cùng" in r.text
    second = auth.create_token(env.db, "admin 2", "admin")
    assert client.post(f"/tokens/{admin.id}/revoke", follow_redirects=False).status_code == 303
    assert client.get("/tokens", follow_redirects=False).status_code == 303  # its session ended
    with pytest.raises(auth.LastAdminError):
        auth.revoke(env.db, auth.verify(env.db, second).id)


def test_12_a_token_s_last_use_is_noted_at_most_once_a_minute(env: Env, client: TestClient) -> None:
    def last_used(role: str) -> datetime | None:
        return next(t.last_used for t in auth.list_tokens(env.db) if t.role == role)

    assert last_used("reader") is None
    assert client.get("/api/v1/me", headers=_bearer(env, "reader")).status_code == 200
    first = last_used("reader")
    assert first is not None and last_used("archivist") is None
    client.get("/api/v1/me", headers=_bearer(env, "reader"))
    assert last_used("reader") == first  # a minute has not passed: no write
    with env.db.session() as s:  # the minute passes
        past = utcnow() - timedelta(minutes=2)
        s.execute(update(TokenRow).where(TokenRow.role == "reader").values(last_used=past))
    _login(client, env.tokens["reader"])  # a login is a use too
    again = last_used("reader")
    assert again is not None and again != first
    client.get("/api/v1/me")  # through the session
    assert last_used("reader") == again
    listed = client.get("/api/v1/tokens", headers=_bearer(env, "admin")).json()
    by_role = {t["role"]: t["last_used"] for t in listed}
    assert by_role["archivist"] is None
    assert datetime.fromisoformat(by_role["reader"]).replace(tzinfo=UTC) == again.replace(
        tzinfo=UTC
    )


def test_12_the_database_and_data_dir_are_private(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    db = Database(f"sqlite:///{data / 'sohoa.db'}")
    db.close()
    assert stat.S_IMODE((data / "sohoa.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    (data / "sohoa.db").chmod(0o644)  # a database made before: tightened when opened
    Database(f"sqlite:///{data / 'sohoa.db'}").close()
    assert stat.S_IMODE((data / "sohoa.db").stat().st_mode) == 0o600


# 13 -- honest image limits, blank text, truncated zips, names, OpenAPI ---------------------


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A valid PNG declaring ``width`` x ``height`` whose pixels are all zero (tiny file)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    comp = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)
    data = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return path


def test_13_image_limits_are_sohoas_not_pillows(env: Env, tmp_path: Path) -> None:
    Pipeline(env.settings).close()  # the service's limits apply from here on
    scan = ingest.inspect(_png_header_only(tmp_path / "a0.png", 15_000, 15_000))  # 225 MP
    assert scan.source.pages == 1 and scan.pages[0].route == PageRoute.OCR
    with pytest.raises(SohoaError) as err:
        ingest.inspect(_png_header_only(tmp_path / "huge.png", 20_100, 20_000))  # 402 MP
    assert err.value.kind == ErrorKind.LIMITS
    assert "limit 400,000,000 pixels" in err.value.message


def test_13_blank_text_truncated_zip_and_hostile_names(env: Env, tmp_path: Path) -> None:
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\t \n \f  \n")
    with pytest.raises(SohoaError) as err:
        ingest.inspect(blank)
    assert err.value.kind == ErrorKind.BAD_INPUT and "white space" in err.value.message

    whole = _zip(tmp_path / "whole.zip", {"a.txt": b"Quyet dinh so 1" * 100})
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:-30])
    blobs = BlobStore(env.settings.blobs_dir)
    batch = batches.create_batch(env.db, blobs, [cut], "test", ["cut.zip"])
    [row] = batches.report(env.db, batch)
    assert row.state == "failed" and row.error_kind == "bad_input"
    assert row.error.startswith("truncated or corrupt zip archive")

    assert display_name("../../etc/passwd", "f") == "passwd"
    assert display_name("..", "f") == "f"
    assert display_name("bad\x00\x07name.pdf", "f") == "badname.pdf"
    assert display_name("hoa-don-\u202egnp.exe", "f") == "hoa-don-gnp.exe"
    assert display_name("\u2067x\u2069.pdf", "f") == "x.pdf"
    rtl = _zip(tmp_path / "rtl.zip", {"a/../../\u202eevil.txt": b"x", "d\u202efdp.txt": b"y"})
    batch = batches.create_batch(env.db, blobs, [rtl], "test", ["rtl.zip"])
    files = [r.file for r in batches.report(env.db, batch)]
    assert files == ["rtl.zip/a/evil.txt", "rtl.zip/dfdp.txt"]


def test_13_openapi_requires_a_file_and_names_the_correctable_fields(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    files = schema["components"]["schemas"][ref]["properties"]["files"]
    assert files["minItems"] == 1
    field = schema["components"]["schemas"]["CorrectionIn"]["properties"]["field"]
    kinds = field["anyOf"]  # a header field by name, or another value by its ref (cit.0 ...)
    assert [k["enum"] for k in kinds if "enum" in k] == [list(repo.CORRECTABLE)]
    assert [k["pattern"] for k in kinds if "pattern" in k] == [r"^(cit|date|amt|cnt)\.\d{1,5}$"]
    dpi = schema["paths"]["/api/v1/documents/{doc_id}/pages/{number}.png"]["get"]["parameters"]
    assert next(p for p in dpi if p["name"] == "dpi")["schema"]["enum"] == list(pagecache.SIZES)


def test_spans_of_a_document_page_still_mark_the_right_text() -> None:
    text = "Số: 12/QĐ-UBND ngày 05/3/2024"
    span = Span(page=1, start=4, end=14)
    ref = Ref("doc.number", "Số", "12/QĐ-UBND", [span])
    segs = page_segments(text, 1, [ref], [{"start": 0, "end": 3, "original": "So"}])
    assert [(s.text, s.refs, s.repaired_from) for s in segs] == [
        ("Số:", (), "So"),
        (" ", (), None),
        ("12/QĐ-UBND", ("doc.number",), None),
        (" ngày 05/3/2024", (), None),
    ]
