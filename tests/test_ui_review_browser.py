"""Issue 18 in a real browser (Debian's Chromium via Playwright) over `make run`'s archive:
own-number search, the copies of a document, confirming on the document page and in the
review queue, reprocess and delete, an upload's result rows, and the document page at
phone width. Screenshots go to test-artifacts/ui/ (review-*.png).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.archive_support import samples_with_tokens
from tests.conftest import SAMPLES, Server
from tests.test_ui_browser import NARROW, WIDE, _login, _shot, _wait_loaded, browser

__all__ = ["browser"]  # the fixture, shared with the first browser test

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path) -> Iterator[tuple]:
    data = tmp_path_factory.mktemp("archive-ui") / "data"
    settings, token, admin = samples_with_tokens(data, ocr_cache, "soát@test")
    with Server(settings) as srv:
        yield srv.url, token, admin


def _count(page) -> int:
    return int(page.locator("h1 .hint").inner_text().split()[0])


def test_number_search_copies_and_confirming(archive, browser) -> None:
    base, token, _ = archive
    page = browser.new_page(viewport=WIDE)
    _login(page, base, token)

    # A number typed as people type it finds the document bearing it first.
    page.fill("input[name=q]", "BC 12")
    page.press("input[name=q]", "Enter")
    first = page.locator("ol.results li").first
    assert "12/BC-HKH" in first.locator("a.doc-link").inner_text()
    assert first.locator(".badge.ok", has_text="mang số này").count() == 1
    assert page.locator("ol.results li .badge.ok").count() == 1  # its copies listed once
    assert "và 3 bản khác của văn bản này" in first.inner_text()  # and said so
    _shot(page, "review-01-own-number")

    # Its page lists the other files of the same document.
    first.locator("a.doc-link").click()
    copies = page.locator("section.copies li")
    assert copies.count() == 3, copies.all_inner_texts()
    _shot(page, "review-02-copies")

    # Confirm a header field: the badge shows who, the button goes, and it stays so.
    page.goto(f"{base}/review")
    before = _count(page)
    row = page.locator("table.queue tr", has=page.locator("form.confirm")).first
    row.locator("form.confirm button").click()
    page.wait_for_load_state()
    assert _count(page) == before - 1
    _shot(page, "review-03-queue-after-confirm")

    doc = page.locator("table.queue a[href^='/documents/']").first.get_attribute("href")
    page.goto(f"{base}{doc.split('#')[0]}")
    confirm = page.locator("form.confirm button", has_text="Đúng").first
    field = confirm.locator("xpath=../input[@name='field']").get_attribute("value")
    confirm.click()
    page.wait_for_load_state()
    page.reload()
    ref = field if "." in field else f"doc.{field}"
    assert page.locator(f"form.confirm input[name=field][value='{field}']").count() == 0
    if ref.startswith("doc."):
        assert "soát@test" in page.locator(f"tr[data-field='{field}'] .badge.ok").inner_text()
    _shot(page, "review-04-document-confirmed")

    # Figures: money counted once per document (the five files of report 09 are one).
    bearer = {"Authorization": f"Bearer {token}"}
    feed = page.request.get(f"{base}/api/v1/export/figures.csv", headers=bearer).text()
    feed = feed.lstrip("\ufeff")
    per_year: dict[str, set[str]] = {}
    for r in csv.DictReader(io.StringIO(feed)):
        if r["unit"] == "đồng" and not r["copy_of"] and r["measure"] == "total":
            per_year.setdefault(r["document_date"][:4], set()).add(r["document_id"])
    page.goto(f"{base}/figures")
    tips = page.locator("svg.chart").first.locator("rect.bar title").all_text_contents()
    assert tips and len(tips) == len(per_year)
    for year, docs in per_year.items():
        assert any(t.startswith(year) and f"({len(docs)} văn bản)" in t for t in tips), tips
    _shot(page, "review-09-figures")


def test_reprocess_delete_upload_and_phone_width(archive, browser, tmp_path: Path) -> None:
    base, token, _ = archive
    page = browser.new_page(viewport=WIDE)
    _login(page, base, token)
    page.goto(f"{base}/?q=QĐ 8")
    page.locator("ol.results a.doc-link").first.click()
    doc_url = page.url
    page.click("button:has-text('Xử lý lại')")
    page.wait_for_load_state()
    assert page.locator(".flash", has_text="Đã xử lý lại").count() == 1

    # Delete one copy: asked once more, then gone, with a message.
    copy = page.locator("section.copies li a").first
    copy.click()
    page.click("details.danger summary")
    page.click("details.danger button[data-close]")  # "Thôi" closes the ask
    assert not page.locator("button.danger").is_visible()
    page.click("details.danger summary")
    _shot(page, "review-05-delete-ask")
    page.click("button.danger")
    page.wait_for_load_state()
    assert page.locator(".flash", has_text="Đã xóa văn bản").count() == 1

    # An upload's finished row says what the file became and what needs a look.
    text = (SAMPLES / "cv-21-danh-gia-cong-dong-hoc-tap.txt").read_text(encoding="utf-8")
    new = tmp_path / "cv-21-ban-sao.txt"
    new.write_text(text + "\nBản sao lưu tại văn thư.\n", encoding="utf-8")
    page.goto(f"{base}/upload")
    page.set_input_files("#files", [str(new)])
    page.click("#send")
    page.wait_for_selector(".summary[data-left='0']", timeout=120_000)
    row = page.locator("tr.done", has_text=new.name)
    assert "21/HKH-VP" in row.inner_text() and "cần soát" in row.inner_text()
    recent = page.locator("#recent table.batches tbody tr").first  # the list follows
    for _ in range(50):
        if "Lô 2" in recent.inner_text() and recent.locator("td.num").first.inner_text() == "1":
            break
        page.wait_for_timeout(100)
    assert "Lô 2" in recent.inner_text() and recent.locator("td.num").first.inner_text() == "1"
    _shot(page, "review-06-upload-row")

    # At phone width the header is one short line and the page image comes first.
    phone = browser.new_page(viewport=NARROW)
    _login(phone, base, token)
    phone.goto(doc_url)
    _wait_loaded(phone.locator("img.page-img").first)
    assert phone.locator("header.top").bounding_box()["height"] < 70
    assert phone.locator("img.page-img").first.bounding_box()["y"] < 700
    _shot(phone, "review-07-phone-document")


def test_a_new_token_is_copied_and_revoking_asks_first(archive, browser) -> None:
    base, _, admin = archive
    context = browser.new_context(viewport=WIDE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    _login(page, base, admin)
    page.goto(f"{base}/tokens")
    page.fill("input[name=name]", "Chị Lan")
    page.click("form.bar button[type=submit]")
    page.click("button[data-copy]")
    page.wait_for_selector("#copied:not(:empty)")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == page.locator("#token-out").input_value()
    assert page.title() == "Mã truy cập · Số hóa lưu trữ"
    row = page.locator("tr", has_text="Chị Lan")
    row.locator("details.danger summary").click()
    row.locator("button[data-close]").click()  # "Thôi": the ask closes, nothing revoked
    assert not row.locator("button.danger").is_visible()
    assert "đang dùng" in row.inner_text()
    row.locator("details.danger summary").click()
    _shot(page, "review-08-token-revoke-ask")
    row.locator("button.danger").click()
    page.wait_for_load_state()
    assert "đã thu hồi" in page.locator("tr", has_text="Chị Lan").inner_text()
