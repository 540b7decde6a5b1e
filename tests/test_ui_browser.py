"""The web UI in a real browser: Debian's Chromium driven by Playwright, against a real server.

An archivist logs in, uploads a real scan and a zip of typed reports (and drops a broken
file beside them), waits for the batch, finds the document by a citation it contains, opens
it, lights a field on the page image, corrects a value and finds the correction kept after
a reload. A reader sees no upload or correction. Screenshots of every page (1366×768, and
390 wide) go to test-artifacts/ui/.
"""

from __future__ import annotations

import importlib.util
import json
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REAL_SCANS, ROOT, SEEDS, need

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCAN = REAL_SCANS / "46_TB.signed_20250510_123557.pdf"
SHOTS = ROOT / "test-artifacts" / "ui"
WIDE = {"width": 1366, "height": 768}
NARROW = {"width": 390, "height": 844}


@pytest.fixture
def browser():
    need(CHROMIUM.exists(), "Debian's chromium is not installed (apt-get install chromium)")
    need(importlib.util.find_spec("playwright") is not None, "the playwright package is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=page.viewport_size["width"] < 500)


def _wait_loaded(img, timeout_s: float = 30.0) -> None:
    """Poll from Python until an image has pixels (the page's CSP refuses eval'd predicates)."""
    deadline = time.monotonic() + timeout_s
    while img.evaluate("i => i.naturalWidth") == 0:
        assert time.monotonic() < deadline, "the page image did not load"
        img.page.wait_for_timeout(100)


def _login(page, base: str, token: str) -> None:
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("#token", token)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{base}/")


def _citation_queries(gold: dict) -> list[str]:
    """How an office worker types a cited document: its type code and number ("QĐ 7362")."""
    out = []
    for c in gold["citations"]:
        number, _, rest = c["key"].partition("/")
        out.append(f"{rest.split('-')[0]} {number}".strip())
    return out


def test_archivist_uploads_finds_reads_and_corrects(server, browser, tmp_path: Path) -> None:
    need(SCAN.exists(), f"the shared real scans are not beside the repo ({REAL_SCANS})")
    seed = sorted(SEEDS.glob("*.txt"))[1]  # a clean typed report
    srv, tokens = server  # conftest's real server, one token per role
    base = srv.url
    gold = json.loads((REAL_SCANS / "gold" / f"{SCAN.stem}.json").read_text())
    page = browser.new_page(viewport=WIDE)
    page.goto(f"{base}/")
    _shot(page, "01-login")
    _login(page, base, tokens["archivist"])
    _shot(page, "02-search-empty")

    # Upload: the scan through the file picker, a broken "PDF" dropped on the drop zone.
    page.click("header nav >> text=Tải lên")
    bundle = tmp_path / "ho-so.zip"  # a zip of typed reports goes in the same batch
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.write(seed, f"bao-cao/{seed.name}")
    page.set_input_files("#files", [str(SCAN), str(bundle)])
    drop = page.evaluate_handle(
        """() => { const dt = new DataTransfer();
           dt.items.add(new File(["%PDF-1.4 not really"], "hong.pdf", {type: "application/pdf"}));
           return dt; }"""
    )
    page.dispatch_event("#drop", "drop", {"dataTransfer": drop})
    assert page.locator("#chosen li").count() == 3
    _shot(page, "03-upload-chosen")
    page.click("#send")
    page.wait_for_selector(".summary[data-left='0']", timeout=240_000)
    _shot(page, "04-upload-done")
    assert "/batches/" in page.url
    failed = page.locator("ul.failures li")
    assert failed.count() == 1 and "hong.pdf" in failed.inner_text()
    assert page.locator("tr.done", has_text=f"ho-so.zip/bao-cao/{seed.name}").count() == 1
    open_doc = page.locator("tr.done", has_text=SCAN.name).locator("a", has_text="Mở văn bản")
    doc_url = open_doc.get_attribute("href")

    # Search by a citation the scan contains, as a person would type it.
    found = None
    for q in _citation_queries(gold):
        page.goto(f"{base}/?q={q}")
        if page.locator(f"a.doc-link[href='{doc_url}']").count():
            found = q
            break
    assert found, f"none of the gold citations {_citation_queries(gold)} finds the document"
    assert page.locator(".result .snippet mark").count() >= 1
    _shot(page, "05-search-citation")

    # Open it: a field's value lights its box on the page image and its place in the text.
    page.click(f"a.doc-link[href='{doc_url}']")
    page.wait_for_selector("img.page-img")
    _wait_loaded(page.locator("img.page-img").first)  # wait_for_function evals: CSP forbids
    _shot(page, "06-document")
    located = page.locator(".record button.value.located[data-ref^='doc.']").first
    ref = located.get_attribute("data-ref")
    located.click()
    rect = page.locator(f"svg.boxes rect.on[data-ref='{ref}']")
    assert rect.count() >= 1 and rect.first.is_visible()
    assert page.locator(".page:not([hidden]) .page-text .m.on").count() >= 1
    _shot(page, "07-document-highlight")
    page.keyboard.press("ArrowRight")  # the arrow keys turn the pages
    assert page.locator(".page[data-page='2']").is_visible()
    page.keyboard.press("ArrowLeft")
    assert page.locator(".page[data-page='1']").is_visible()

    # Correct the document number; after a reload the value and who corrected it remain.
    row = page.locator("tr[data-field='number']")
    row.locator("details.edit summary").click()
    row.locator("details.edit input[name=value]").fill(gold["doc"]["number"])
    row.locator("details.edit button[type=submit]", has_text="Lưu").click()
    page.wait_for_load_state()
    page.reload()
    value = page.locator(".record button.value[data-ref='doc.number']")
    assert value.inner_text().strip() == gold["doc"]["number"]
    assert "archivist@test" in page.locator("tr[data-field='number'] .badge.ok").inner_text()
    assert gold["doc"]["number"] in page.locator("ul.history").inner_text()
    _shot(page, "08-document-corrected")

    page.click("header nav >> text=Soát lỗi")
    assert page.locator("h1").inner_text().startswith("Soát lỗi")
    assert page.locator("table.queue svg.crop image").count() >= 1  # the scan beside the value
    _shot(page, "09-review")
    page.click("header nav >> text=Số liệu")
    _shot(page, "10-figures")
    with page.expect_download() as dl:
        page.click("text=Xuất CSV (bảng này)")
    assert dl.value.path().read_text(encoding="utf-8-sig").startswith("document_id,")

    # The same pages on a phone-sized screen: nothing wider than the viewport.
    narrow = browser.new_page(viewport=NARROW)
    _login(narrow, base, tokens["archivist"])
    for name, path in (
        ("search", f"/?q={found}"),
        ("document", doc_url),
        ("upload", "/upload"),
        ("review", "/review"),
        ("figures", "/figures"),
    ):
        narrow.goto(base + path)
        narrow.wait_for_load_state("networkidle")
        width = narrow.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW["width"], f"{name} overflows a narrow screen: {width}px"
        _shot(narrow, f"11-narrow-{name}")

    # A reader reads but neither uploads nor corrects.
    reader = browser.new_page(viewport=WIDE)
    _login(reader, base, tokens["reader"])
    assert reader.locator("header nav >> text=Tải lên").count() == 0
    reader.goto(f"{base}/upload")
    assert "Không có quyền" in reader.locator("h1").inner_text()
    reader.goto(base + doc_url)
    assert reader.locator("details.edit").count() == 0
    assert (
        reader.locator(".record button.value[data-ref='doc.number']").inner_text().strip()
        == (gold["doc"]["number"])
    )

    # An admin hands out tokens from the UI.
    admin = browser.new_page(viewport=WIDE)
    _login(admin, base, tokens["admin"])
    admin.click("header nav >> text=Mã truy cập")
    admin.fill("input[name=name]", "Văn thư")
    admin.select_option("select[name=role]", "archivist")
    admin.click("text=Tạo mã")
    assert admin.locator("input.token-out").input_value().startswith("sohoa_")
    _shot(admin, "12-tokens")
