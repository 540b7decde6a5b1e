"""The Thông tư 05/2025/TT-BNV export and hồ sơ packages, through the CLI and the API.

The export must validate against service/archive.schema.json; a hồ sơ package must carry
checksums that catch a changed byte, and importing it into an empty archive must give
back the same documents and the same data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import bagit
import httpx
import jsonschema
import pytest
from sqlalchemy.orm import Session

from ocr.pdfa import check_pdfa
from service import archive, hoso, readmodel, review
from service.config import Settings
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import DocumentRow
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

FILES = [
    "bc-12-quy-i-2025.pdf",
    "bc-12-quy-i-2025-scan.pdf",
    "kh-31-cong-dan-hoc-tap-2025-mixed.pdf",
    "qd-08-hoc-bong-to-hieu.txt",
]


def _env(data: Path, cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SOHOA_DATABASE_URL"}
    return {**env, "SOHOA_DATA": str(data), "SOHOA_CACHE_DIR": str(cache)}


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "service", *args], capture_output=True,
                          env=env, timeout=900, text=True)  # fmt: skip


@pytest.fixture(scope="module")
def archive_env(tmp_path_factory: pytest.TempPathFactory, ocr_cache: Path) -> dict:
    root = tmp_path_factory.mktemp("archive")
    inbox = root / "inbox"
    inbox.mkdir()
    for name in FILES:
        shutil.copy(SAMPLES / name, inbox / name)
    env = _env(root / "data", ocr_cache)
    res = _run(env, "ingest", str(inbox))
    assert res.returncode == 0, res.stderr
    return env


def _validate(data: dict) -> None:
    jsonschema.Draft202012Validator(archive.schema()).validate(data)


def _blobs(env: dict) -> BlobStore:
    return BlobStore(Settings.from_env(Path(env["SOHOA_DATA"])).blobs_dir)


def _db(env: dict) -> Database:
    return Database(f"sqlite:///{env['SOHOA_DATA']}/sohoa.db")


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(archive.schema())


def test_export_archive_of_the_samples_validates_and_maps_the_record(archive_env: dict) -> None:
    res = _run(archive_env, "export", "archive")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    _validate(data)
    assert data["thong_tu"] == "05/2025/TT-BNV" and data["ho_so"] is None
    db = _db(archive_env)
    with db.session() as s:
        rows = {d.id: d for d in s.query(DocumentRow)}
    assert len(data["tai_lieu"]) == len(rows) == len(FILES)
    for item in data["tai_lieu"]:
        row = rows[item["sohoa"]["id"]]
        assert item["so_ky_hieu"] == row.number and item["trich_yeu"] == row.title
        assert item["ngay_thang_nam"] == row.doc_date and item["co_quan_ban_hanh"] == row.issuer
        assert item["so_trang"] == row.pages and item["tep_tin"]["sha256"] == row.sha256
        assert f"{item['so']}/{item['ky_hieu']}" == row.number
        # what only the archivist knows is empty, and listed as such
        assert {"muc_do_tiep_can", "ma_dinh_danh", "ghi_chu"} <= set(item["truong_chua_co"])
        assert item["nguon"]["trich_yeu"] == "pipeline"
    one = json.loads(_run(archive_env, "export", "archive", "--doc", "1").stdout)
    _validate(one)
    assert [d["sohoa"]["id"] for d in one["tai_lieu"]] == [1]
    batch = json.loads(_run(archive_env, "export", "archive", "--batch", "1").stdout)
    assert len(batch["tai_lieu"]) == len(FILES)


def test_file_checks_warn_on_name_resolution_and_colour(tmp_path: Path) -> None:
    from PIL import Image

    grey = tmp_path / "bản quét 1.png"
    Image.new("L", (850, 1100), 255).save(grey, dpi=(100, 100))
    doc = DocumentRow(filename=grey.name, kind="scanned", mime="image/png", sha256="0" * 64)
    codes = {w["ma"] for w in archive.file_warnings(doc, grey)}
    assert codes == {"ten_tep", "do_phan_giai", "che_do_mau"}
    good = tmp_path / "scan-001.png"
    Image.new("RGB", (1700, 2200), (255, 255, 250)).save(good, dpi=(200, 200))
    ok = DocumentRow(filename=good.name, kind="scanned", mime="image/png", sha256="0" * 64)
    assert archive.file_warnings(ok, good) == []


def _comparable(export: dict) -> dict:
    """The export without this archive's own row ids."""
    docs = [{k: v for k, v in d.items() if k != "sohoa"} for d in export["tai_lieu"]]
    return {**export, "tai_lieu": docs}


def _refs(s: Session, doc_id: int) -> set[str]:
    return {i.ref for i in review.queue(s, doc_id, limit=1000)[0]}


def test_hoso_package_round_trips_into_an_empty_archive(
    archive_env: dict, tmp_path: Path, ocr_cache: Path
) -> None:
    with _db(archive_env).session() as s:  # a value confirmed here stays confirmed there
        queued = [i for i in review.queue(s, limit=1000)[0] if i.document_id <= 4]
        assert queued, "the samples of the hồ sơ have values to check"
        first = queued[0]
        doc = s.get(DocumentRow, first.document_id)
        review.add_correction(s, doc, first.field or first.ref, first.value, "archivist")
        queues = {d: _refs(s, d) for d in range(1, 5)}
    assert first.ref not in queues[first.document_id]

    made = _run(archive_env, "hoso", "set", "HS-2025/01", "--title", "Hồ sơ khuyến học 2025",
                "--retention", "Vĩnh viễn", "--sheets", "7", "--doc", "2", "--doc", "1",
                "--doc", "3", "--doc", "4", "--field", "muc_do_tiep_can=Công khai")  # fmt: skip
    assert made.returncode == 0, made.stderr
    original = json.loads(made.stdout)
    _validate(original)
    head = original["ho_so"]
    assert head["tong_so_tai_lieu"] == 4 and head["so_luong_to"] == 7
    assert head["muc_do_tiep_can"] == "Công khai" and head["thoi_han_bao_quan"] == "Vĩnh viễn"
    dates = sorted(d["ngay_thang_nam"] for d in original["tai_lieu"] if d["ngay_thang_nam"])
    assert (head["thoi_gian_bat_dau"], head["thoi_gian_ket_thuc"]) == (dates[0], dates[-1])
    assert [d["so_thu_tu"] for d in original["tai_lieu"]] == [1, 2, 3, 4]

    pkg = tmp_path / "hs.zip"
    assert _run(archive_env, "hoso", "package", "HS-2025/01", "-o", str(pkg)).returncode == 0
    assert _run(archive_env, "hoso", "verify", str(pkg)).returncode == 0
    with zipfile.ZipFile(pkg) as zf:
        names = zf.namelist()
        manifest = zf.read(next(n for n in names if n.endswith("/manifest-sha256.txt")))
        pdfs = [n for n in names if "/data/tai_lieu/" in n]
        assert len(pdfs) == 3  # the text file has no page images
        assert all(n.split("/data/")[1] in manifest.decode() for n in pdfs)
        for n in pdfs:
            (tmp_path / "p.pdf").write_bytes(zf.read(n))
            assert check_pdfa(tmp_path / "p.pdf") == [], n

    # one changed byte in an original: verify and import both refuse, nothing is written
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(pkg) as src, zipfile.ZipFile(bad, "w") as dst:
        for n in src.namelist():
            body = src.read(n)
            if "/data/goc/" in n and n.endswith(".001.pdf"):
                body = body[:-10] + bytes([body[-10] ^ 1]) + body[-9:]
            dst.writestr(n, body)
    assert _run(archive_env, "hoso", "verify", str(bad)).returncode == 2
    empty = _env(tmp_path / "empty", ocr_cache)
    refused = _run(empty, "hoso", "import", str(bad))
    assert refused.returncode == 2, refused.stderr
    assert json.loads(_run(empty, "export", "archive").stdout)["tai_lieu"] == []

    imported = _run(empty, "hoso", "import", str(pkg))
    assert imported.returncode == 0, imported.stderr
    again = json.loads(_run(empty, "hoso", "show", "HS-2025/01").stdout)
    _validate(again)
    assert _comparable(again) == _comparable(original)
    with _db(archive_env).session() as s, _db(empty).session() as t:
        before = {d.sha256: d for d in s.query(DocumentRow)}
        after = {d.sha256: d for d in t.query(DocumentRow)}
        assert set(after) == set(before)
        for sha, row in after.items():
            old = before[sha]
            assert _refs(t, row.id) == queues[old.id]
            assert (row.record, row.text, row.filename, row.number) == (
                old.record,
                old.text,
                old.filename,
                old.number,
            )
            assert readmodel.page_infos(t, row.id) == readmodel.page_infos(s, old.id)
    # the originals are in the new store, byte for byte
    old_store, new_store = (_blobs(e) for e in (archive_env, empty))
    for sha in after:
        assert new_store.path(sha).read_bytes() == old_store.path(sha).read_bytes()
    # a second import of the same package is refused (the code is taken)
    assert _run(empty, "hoso", "import", str(pkg)).returncode == 2


def test_api_export_and_hoso(server, tmp_path: Path) -> None:
    srv, tokens = server
    arch = httpx.Client(base_url=srv.url, timeout=300,
                        headers={"Authorization": f"Bearer {tokens['archivist']}"})  # fmt: skip
    up = arch.post("/api/v1/documents", files=[("files", (n, (SAMPLES / n).read_bytes()))
                                               for n in FILES[:1] + FILES[3:]])  # fmt: skip
    assert up.status_code in (200, 201, 202), up.text
    from tests.test_service_api import _wait_batch

    batch = _wait_batch(arch, up.json()["id"])
    ids = [i["document_id"] for i in batch["items"]]
    export = arch.get("/api/v1/export/archive", params={"batch": up.json()["id"]})
    assert export.status_code == 200
    _validate(export.json())
    one = arch.get(f"/api/v1/export/archive/{ids[0]}").json()
    assert [d["sohoa"]["id"] for d in one["tai_lieu"]] == [ids[0]]
    assert arch.get("/api/v1/export/archive/999999").status_code == 404

    created = arch.post("/api/v1/hoso", json={"ma_ho_so": "HS-API-1", "tieu_de": "Thử",
                                              "tai_lieu": ids})  # fmt: skip
    assert created.status_code == 201, created.text
    hid = created.json()["id"]
    assert arch.post("/api/v1/hoso", json={"ma_ho_so": "HS-API-1"}).status_code == 400
    # a date of the right shape that is no date is refused, not stored
    bad_date = {"thoi_gian_bat_dau": "2024-13-45"}
    assert arch.patch(f"/api/v1/hoso/{hid}", json=bad_date).status_code == 400
    body = {"thoi_han_bao_quan": "10 năm", "khac": {"tinh_trang_vat_ly": "Tốt"}}
    changed = arch.patch(f"/api/v1/hoso/{hid}", json=body)
    assert changed.status_code == 200, changed.text
    assert changed.json()["du_lieu"]["tinh_trang_vat_ly"] == "Tốt"
    per_doc = {"khac_tai_lieu": {str(ids[0]): {"muc_do_tiep_can": "Hạn chế", "but_tich": "Có"}}}
    assert arch.patch(f"/api/v1/hoso/{hid}", json=per_doc).status_code == 200
    first = arch.get(f"/api/v1/hoso/{hid}").json()["tai_lieu"][0]
    assert (first["muc_do_tiep_can"], first["but_tich"]) == ("Hạn chế", "Có")
    assert "muc_do_tiep_can" not in first["truong_chua_co"]
    assert arch.get(f"/api/v1/hoso/{hid}").json()["ho_so"]["tinh_trang_vat_ly"] == "Tốt"
    wrong = {"khac_tai_lieu": {str(ids[0]): {"trich_yeu": "x"}}}  # a pipeline field
    assert arch.patch(f"/api/v1/hoso/{hid}", json=wrong).status_code == 400
    assert arch.patch(f"/api/v1/hoso/{hid}", json={"khac": {"khong_co": "x"}}).status_code == 400
    full = arch.get(f"/api/v1/hoso/{hid}").json()
    _validate(full)
    pkg = arch.get(f"/api/v1/hoso/{hid}/package")
    assert pkg.status_code == 200 and pkg.headers["content-type"] == "application/zip"
    (tmp_path / "p.zip").write_bytes(pkg.content)
    from service import hoso

    assert hoso.verify_package(tmp_path / "p.zip") == []
    pdf = arch.get(f"/api/v1/documents/{ids[0]}/pdf")
    assert pdf.status_code == 200
    (tmp_path / "d.pdf").write_bytes(pdf.content)
    assert check_pdfa(tmp_path / "d.pdf") == []
    reader = httpx.Client(base_url=srv.url, headers={"Authorization": f"Bearer {tokens['reader']}"})
    assert reader.post("/api/v1/hoso", json={"ma_ho_so": "X"}).status_code == 403


def test_hoso_dates_are_real_dates_typed_either_way(tmp_path: Path) -> None:
    """The one check the API, the UI and the CLI share (hoso.save): dd/mm/yyyy is stored as
    ISO, a date that does not exist is refused and nothing is changed."""
    from schemas import SohoaError
    from service import hoso

    db = Database(f"sqlite:///{tmp_path / 'h.db'}")
    with db.session() as s:
        row = hoso.save(s, hoso.HoSoIn(code="HS-1", start_date="05/01/2024", end_date="2024-12"))
        assert (row.start_date, row.end_date) == ("2024-01-05", "2024-12")
        with pytest.raises(SohoaError, match="not a date"):
            hoso.save(s, hoso.HoSoIn(end_date="31/02/2024"), row)
        assert row.end_date == "2024-12"
    db.close()


@pytest.mark.parametrize("brk", ["\n", "\r", "\u2028", "\x85", "\x0c", "\x1e"])
def test_a_line_break_typed_in_a_title_keeps_the_bag_valid(tmp_path: Path, brk: str) -> None:
    """bag-info.txt holds a tag a line: a typed break (any Python splits lines on) is a space."""
    info = hoso.bag_info(f"HS{brk}01", f"Hồ sơ\u00ad{brk}/khuyến học{brk}")
    assert info["External-Identifier"] == "HS 01"
    assert info["External-Description"] == "Hồ sơ\u00ad /khuyến học"
    bag_dir = tmp_path / "bag"
    bag_dir.mkdir()
    (bag_dir / "a.txt").write_text("x", encoding="utf-8")
    bagit.make_bag(str(bag_dir), info, checksums=["sha256"])
    assert bagit.Bag(str(bag_dir)).is_valid()
