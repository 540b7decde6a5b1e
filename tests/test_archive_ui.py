"""The hồ sơ pages: a reader looks, an archivist creates a hồ sơ and sets its data."""

from __future__ import annotations

from tests.test_ui_pages import _login, client  # client: the UI over one stored document

__all__ = ["client"]


def test_archivist_creates_and_fills_a_hoso_reader_only_reads(client) -> None:
    c, tokens, doc_id = client
    _login(c, tokens["reader"])
    assert c.get("/hoso").status_code == 200
    assert c.post("/hoso", data={"code": "HS-1"}, follow_redirects=False).status_code == 403

    _login(c, tokens["archivist"])
    made = c.post("/hoso", data={"code": "HS-1", "title": "Khen thưởng"}, follow_redirects=False)
    assert made.status_code == 303
    page = made.headers["location"]
    form = {
        "title": "Hồ sơ khen thưởng 2024",
        "retention": "Vĩnh viễn",
        "sheets": "3",
        "documents": str(doc_id),
        "tinh_trang_vat_ly": "Giấy ố vàng",
    }
    assert c.post(page, data=form, follow_redirects=False).status_code == 303
    html = c.get(page).text
    for shown in ("Hồ sơ khen thưởng 2024", "Vĩnh viễn", "Giấy ố vàng", f"/documents/{doc_id}"):
        assert shown in html
    listing = c.get("/hoso").text
    assert "Hồ sơ khen thưởng 2024" in listing and "/api/v1/hoso/" in listing
    bad = c.post(page, data={**form, "documents": "1, x"})
    assert bad.status_code == 400 and "mã tài liệu" in bad.text
    again = c.post("/hoso", data={"code": "HS-1"})
    assert again.status_code == 400 and "taken" in again.text
