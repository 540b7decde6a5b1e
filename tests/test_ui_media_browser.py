"""Issue 18's Paperless-like items in a real browser (Debian's Chromium via Playwright) over
`make run`'s archive: page images served compressed (WebP, cached, with cache headers; the
original untouched), first-page thumbnails in the list, sort options, the tokens' last-used
date. Screenshots go to test-artifacts/ui/ (media-*.png).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.storage.blobs import BlobStore
from tests.archive_support import samples_with_tokens
from tests.conftest import Server
from tests.test_ui_browser import NARROW, WIDE, _login, _shot, _wait_loaded, browser

__all__ = ["browser"]  # the fixture, shared with the first browser test

pytestmark = pytest.mark.slow
SCAN = "qd-08-hoc-bong-to-hieu-scan.pdf"  # a scanned copy: its page image is a photo


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path) -> Iterator[tuple]:
    data = tmp_path_factory.mktemp("archive-media") / "data"
    settings, token, admin = samples_with_tokens(data, ocr_cache, "lưu trữ@test")
    with Server(settings) as srv:
        yield srv.url, token, admin, settings


def test_page_images_compressed_cached_and_thumbnails(archive, browser) -> None:
    base, token, _, settings = archive
    page = browser.new_page(viewport=WIDE)
    _login(page, base, token)

    # The list shows each scanned or PDF document's first page.
    page.goto(f"{base}/")
    thumbs = page.locator("ol.results li a.thumb img")
    assert thumbs.count() >= 5
    for i in range(thumbs.count()):
        thumbs.nth(i).scroll_into_view_if_needed()
        _wait_loaded(thumbs.nth(i))
        assert thumbs.nth(i).evaluate("i => i.naturalWidth") == 160
    _shot(page, "media-01-thumbnails")

    # A thumbnail is a few KB of WebP, kept by the browser and revalidated by its ETag.
    src = thumbs.first.get_attribute("src")
    r = page.request.get(f"{base}{src}")
    assert r.status == 200 and r.headers["content-type"] == "image/webp"
    assert len(r.body()) < 20_000
    assert "private" in r.headers["cache-control"] and "max-age=" in r.headers["cache-control"]
    again = page.request.get(f"{base}{src}", headers={"If-None-Match": r.headers["etag"]})
    assert again.status == 304 and again.body() == b""

    # The document page reads a WebP several times smaller than the PNG, text legible.
    listed = page.request.get(f"{base}/api/v1/export/documents.csv").text().lstrip("\ufeff")
    scan = next(r for r in csv.DictReader(io.StringIO(listed)) if r["filename"] == SCAN)
    page.goto(f"{base}/documents/{scan['id']}")
    img = page.locator("img.page-img").first
    _wait_loaded(img)
    src = img.get_attribute("src")
    assert ".webp" in src
    webp = page.request.get(f"{base}{src}")
    png = page.request.get(f"{base}{src.split('.webp')[0]}.png")
    assert webp.headers["content-type"] == "image/webp" and png.headers["content-type"] == (
        "image/png"
    )
    assert len(webp.body()) * 4 < len(png.body()), (len(webp.body()), len(png.body()))
    assert img.evaluate("i => i.naturalWidth") > 800  # the 110 dpi page, not a thumbnail
    _shot(page, "media-02-document-webp")

    # Cached by page in the data dir; every original still hashes to its name.
    cached = {p.suffix for p in settings.derived_dir.glob("*/*-p0001-*.*")}
    assert {".webp", ".png"} <= cached
    blobs = [p for p in settings.blobs_dir.rglob("*") if p.is_file()]
    assert blobs and all(BlobStore.sha256_of(p) == p.name for p in blobs)
    page.close()


def test_thumbnails_at_phone_width(archive, browser) -> None:
    base, token, _, _ = archive
    page = browser.new_page(viewport=NARROW)
    _login(page, base, token)
    first = page.locator("ol.results li a.thumb img").first
    _wait_loaded(first)
    box = first.bounding_box()
    assert box is not None and box["width"] <= 60
    _shot(page, "media-03-thumbnails-phone")
    page.close()


def _numbers(page) -> list[int]:
    """The listed documents' numbers ("Báo cáo 12/BC-HKH" -> 12), in order."""
    return [int(t.split()[-1].split("/")[0]) for t in page.locator("a.doc-link").all_inner_texts()]


def _dates(page) -> list[tuple[int, ...]]:
    """The listed documents' dates (dd/mm/yyyy, first in each line) as (y, m, d), in order."""
    out = []
    for meta in page.locator("ol.results .meta").all_inner_texts():
        d, m, y = meta.split(" · ")[0].split("/")
        out.append((int(y), int(m), int(d)))
    return out


def test_sort_options_in_the_list_and_the_api(archive, browser) -> None:
    base, token, _, _ = archive
    page = browser.new_page(viewport=WIDE)
    _login(page, base, token)
    sort = page.locator("select[name=sort]")
    assert sort.locator("option").first.inner_text() == "Sắp xếp: Ngày văn bản, mới nhất trước"
    assert _dates(page) == sorted(_dates(page), reverse=True)

    sort.select_option("number")
    page.wait_for_url("**sort=number**")
    shown = _numbers(page)
    assert shown == sorted(shown) and len(shown) >= 5
    _shot(page, "media-04-sort-number")
    sort = page.locator("select[name=sort]")
    sort.select_option("date_asc")
    page.wait_for_url("**sort=date_asc**")
    assert _dates(page) == sorted(_dates(page))

    # Words: ranked by default; a date order on demand; the API says the same.
    page.goto(f"{base}/?q=khuyến học")
    sort = page.locator("select[name=sort]")
    assert sort.locator("option:checked").inner_text() == "Sắp xếp: Phù hợp nhất"
    ranked = page.locator("a.doc-link").all_inner_texts()
    sort.select_option("date")
    page.wait_for_url("**sort=date**")
    assert page.locator("input[name=q]").input_value() == "khuyến học"
    assert _dates(page) == sorted(_dates(page), reverse=True)
    assert sorted(page.locator("a.doc-link").all_inner_texts()) == sorted(ranked)
    _shot(page, "media-05-sort-words-by-date")

    api = page.request.get(f"{base}/api/v1/documents?sort=number&per_page=50").json()
    numbers = [int(r["number"].split("/")[0]) for r in api["results"] if r["number"]]
    assert numbers == sorted(numbers)
    assert page.request.get(f"{base}/api/v1/documents?sort=size").status == 422
    page.close()


def test_tokens_show_last_use_and_revoking_asks_first(archive, browser) -> None:
    base, _, admin, _ = archive
    page = browser.new_page(viewport=WIDE)
    _login(page, base, admin)
    page.goto(f"{base}/tokens")
    page.fill("input[name=name]", "máy quét phòng 2")
    page.click("form.bar button[type=submit]")
    new = page.locator("#token-out").input_value()
    row = page.locator("table.data tr", has_text="máy quét phòng 2")
    assert row.locator("td.last-used").inner_text() == "chưa dùng"

    # Used once through the API: the page shows when, in the archive's time.
    used = page.request.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {new}"})
    assert used.status == 200
    page.goto(f"{base}/tokens")
    row = page.locator("table.data tr", has_text="máy quét phòng 2")
    shown = row.locator("td.last-used").inner_text()
    assert re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d", shown), shown
    assert "Dùng lần cuối" in page.locator("table.data thead").inner_text()

    # Revoking asks once more, then the token is dead.
    row.locator("details.danger summary").click()
    assert row.get_by_text("Mọi phiên đăng nhập bằng mã này kết thúc").is_visible()
    _shot(page, "media-06-token-revoke-ask")
    row.locator("button.danger").click()
    page.wait_for_load_state()
    row = page.locator("table.data tr", has_text="máy quét phòng 2")
    assert "đã thu hồi" in row.inner_text()
    gone = page.request.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {new}"})
    assert gone.status == 401
    _shot(page, "media-07-tokens")
    page.close()


def _rects(page, ref: str) -> list[dict]:
    """The boxes of one value on the page images, with the width of their page."""
    return page.evaluate(
        """ref => [...document.querySelectorAll(`rect[data-ref="${ref}"]`)].map(r => ({
            x: +r.getAttribute("x"), w: +r.getAttribute("width"),
            page: +r.closest("svg").viewBox.baseVal.width}))""",
        ref,
    )


def test_header_boxes_keep_to_their_column(archive, browser) -> None:
    """On a scan whose OCR lines hold both header columns, the issuer's box stays in the
    left column (not over the national motto) and the signer's title in the right (not
    over the Nơi nhận list beside it)."""
    base, token, _, _ = archive
    page = browser.new_page(viewport=WIDE)
    _login(page, base, token)
    listed = page.request.get(f"{base}/api/v1/export/documents.csv").text().lstrip("\ufeff")
    scan = next(
        r
        for r in csv.DictReader(io.StringIO(listed))
        if r["filename"] == "bc-12-quy-i-2025-scan.pdf"
    )
    page.goto(f"{base}/documents/{scan['id']}")
    issuer = _rects(page, "doc.issuer")
    assert issuer and all(r["x"] + r["w"] < r["page"] / 2 for r in issuer), issuer
    title = _rects(page, "doc.signer_title")
    assert len(title) == 2 and all(r["x"] > r["page"] / 3 for r in title), title
    page.click("tr[data-field='issuer'] button.value")
    _shot(page, "media-08-issuer-box")
    page.close()


def test_born_digital_pages_get_boxes_from_their_text_layer(archive, browser) -> None:
    """A born-digital PDF's values are boxed on its page image, from the words of its own
    text layer: the number top left, under the issuer; each box inside the page."""
    base, token, _, _ = archive
    page = browser.new_page(viewport=WIDE)
    _login(page, base, token)
    listed = page.request.get(f"{base}/api/v1/export/documents.csv").text().lstrip("\ufeff")
    pdf = next(
        r
        for r in csv.DictReader(io.StringIO(listed))
        if r["filename"] == "qd-08-hoc-bong-to-hieu.pdf"
    )
    page.goto(f"{base}/documents/{pdf['id']}")
    assert "lớp chữ của PDF" in page.locator("figcaption").first.inner_text()
    (number,) = _rects(page, "doc.number")
    (issuer,) = _rects(page, "doc.issuer")
    assert number["x"] + number["w"] < number["page"] / 2
    assert issuer["x"] + issuer["w"] < issuer["page"] / 2
    assert page.locator("svg.boxes rect").count() >= 10
    ys = page.evaluate(
        """() => ["doc.issuer", "doc.number"].map(
            r => +document.querySelector(`rect[data-ref="${r}"]`).getAttribute("y"))"""
    )
    assert ys[0] < ys[1]  # the issuer above its number, as on the page
    page.click("tr[data-field='number'] button.value")
    _shot(page, "media-09-born-digital-boxes")
    page.close()
