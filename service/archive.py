"""The archival data of documents and hồ sơ, as Thông tư 05/2025/TT-BNV lists it.

The Thông tư (Bộ Nội vụ, 14/5/2025, under the Luật Lưu trữ 2024) sets three levels of data
for digital archival material: of the phông, of the hồ sơ (file) and of the tài liệu
(document). It prescribes the fields, not a file format, so the export is JSON whose keys
are the Thông tư's field names (ASCII, without tones) and whose shape is fixed by
``archive.schema.json`` beside this module; the export validates against it in tests.

Every field says where its value comes from:
- ``pipeline``: read from the document by OCR and extraction (the record), so it may need
  review (``can_xem_lai`` lists those flagged by extract/review.py);
- ``he_thong``: known to sohoa without reading the document (pages, file, checksum);
- ``luu_tru_vien``: only the archivist can know it (access level, physical state...):
  exported empty and listed in ``truong_chua_co`` until set on the hồ sơ.

The checks the Thông tư asks of digitised material (Chương II, whose Điều 5 khoản 3 puts
the thể thức and kỹ thuật trình bày of digitised paper under this Thông tư: resolution,
colour mode, file naming) are reported per file as warnings, never as failures: the scan is
what it is.

Sources read (through stored copies; quote nothing): the hồ sơ field list matches the
Thông tư as the Government's news summary gives it; the tài liệu list is the one the issue
names plus the usual descriptive fields of a document. Article and Phụ lục numbers for the
data lists, the exact minimum resolution and the file-naming rule were not in the copies we
could read: MIN_DPI and the naming check below are marked as ours, to check against the text.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from ingest.scanprops import COLOUR, page_scans
from ocr.pdfa import PdfaInfo, write_pdfa
from schemas import Page
from service.storage.models import DocumentRow, HoSoRow

THONG_TU = "05/2025/TT-BNV"
PDF_A = "TCVN 14159-1:2024 (ISO 19005-1), PDF/A-1b"
SCHEMA_PATH = Path(__file__).with_name("archive.schema.json")
# Minimum scan resolution checked. Thông tư 02/2019/TT-BNV set 200 dpi for digitised paper;
# we keep that floor for Thông tư 05/2025/TT-BNV (Chương II) until read against its text.
MIN_DPI = 200
# Portable file names: the package renames files to <mã hồ sơ>.<số thứ tự>.pdf anyway.
_PORTABLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

PIPELINE, SYSTEM, ARCHIVIST = "pipeline", "he_thong", "luu_tru_vien"

# Dữ liệu của tài liệu lưu trữ: (key, Vietnamese name, source)
DOCUMENT_FIELDS: list[tuple[str, str, str]] = [
    ("ma_dinh_danh", "Mã định danh tài liệu", ARCHIVIST),
    ("ma_ho_so", "Mã hồ sơ", SYSTEM),
    ("so_thu_tu", "Số thứ tự tài liệu trong hồ sơ", SYSTEM),
    ("ten_loai", "Tên loại tài liệu", PIPELINE),
    ("so", "Số của tài liệu", PIPELINE),
    ("ky_hieu", "Ký hiệu của tài liệu", PIPELINE),
    ("so_ky_hieu", "Số và ký hiệu", PIPELINE),
    ("ngay_thang_nam", "Ngày, tháng, năm tài liệu", PIPELINE),
    ("co_quan_ban_hanh", "Tên cơ quan, tổ chức ban hành (tác giả)", PIPELINE),
    ("trich_yeu", "Trích yếu nội dung", PIPELINE),
    ("nguoi_ky", "Người ký", PIPELINE),
    ("chuc_vu_nguoi_ky", "Chức vụ người ký", PIPELINE),
    ("ngon_ngu", "Ngôn ngữ", SYSTEM),
    ("so_trang", "Số lượng trang", SYSTEM),
    ("ky_hieu_thong_tin", "Ký hiệu thông tin", ARCHIVIST),
    ("tu_khoa", "Từ khóa", ARCHIVIST),
    ("muc_do_tiep_can", "Mức độ tiếp cận", ARCHIVIST),
    ("muc_do_tin_cay", "Mức độ tin cậy", ARCHIVIST),
    ("but_tich", "Bút tích", ARCHIVIST),
    ("che_do_du_phong", "Chế độ lập tài liệu lưu trữ dự phòng", ARCHIVIST),
    ("tinh_trang_du_phong", "Tình trạng lập tài liệu lưu trữ dự phòng", ARCHIVIST),
    ("ghi_chu", "Ghi chú", ARCHIVIST),
]

# Dữ liệu của hồ sơ lưu trữ: (key, Vietnamese name, source)
HO_SO_FIELDS: list[tuple[str, str, str]] = [
    ("ma_ho_so", "Mã hồ sơ", ARCHIVIST),
    ("tieu_de", "Tiêu đề hồ sơ", ARCHIVIST),
    ("thoi_han_bao_quan", "Thời hạn lưu trữ (bảo quản)", ARCHIVIST),
    ("muc_do_tiep_can", "Mức độ tiếp cận", ARCHIVIST),
    ("ngon_ngu", "Ngôn ngữ", SYSTEM),
    ("thoi_gian_bat_dau", "Thời gian bắt đầu", SYSTEM),
    ("thoi_gian_ket_thuc", "Thời gian kết thúc", SYSTEM),
    ("tu_khoa", "Từ khóa", ARCHIVIST),
    ("tong_so_tai_lieu", "Tổng số tài liệu trong hồ sơ", SYSTEM),
    ("so_luong_to", "Số lượng tờ (hồ sơ số hóa)", ARCHIVIST),
    ("so_luong_trang", "Số lượng trang", SYSTEM),
    ("tinh_trang_vat_ly", "Tình trạng vật lý (hồ sơ số hóa)", ARCHIVIST),
    ("ky_hieu_thong_tin", "Ký hiệu thông tin", ARCHIVIST),
    ("muc_do_tin_cay", "Mức độ tin cậy", ARCHIVIST),
    ("ma_ho_so_goc_giay", "Mã hồ sơ gốc giấy (hồ sơ số hóa)", ARCHIVIST),
    ("che_do_du_phong", "Chế độ lập tài liệu lưu trữ dự phòng", ARCHIVIST),
    ("tinh_trang_du_phong", "Tình trạng lập tài liệu lưu trữ dự phòng", ARCHIVIST),
    ("ghi_chu", "Ghi chú", ARCHIVIST),
]
# hồ sơ fields kept in HoSoRow.data (the others are columns or computed)
HO_SO_DATA_KEYS = [
    k
    for k, _, _ in HO_SO_FIELDS
    if k
    not in {
        "ma_ho_so",
        "tieu_de",
        "thoi_han_bao_quan",
        "thoi_gian_bat_dau",
        "thoi_gian_ket_thuc",
        "tong_so_tai_lieu",
        "so_luong_to",
        "so_luong_trang",
    }
]
# the archivist may also set these document fields on each member of a hồ sơ
DOCUMENT_ARCHIVIST_KEYS = [k for k, _, src in DOCUMENT_FIELDS if src == ARCHIVIST]


@cache
def schema() -> dict:
    """The JSON Schema of an archive export (draft 2020-12)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def pdfa_info(head: dict) -> PdfaInfo:
    """The XMP description of a PDF/A from a record's header (``record["doc"]``)."""
    return PdfaInfo(
        title=head.get("title"),
        identifier=head.get("number"),
        date=head.get("date"),
        creator=head.get("issuer"),
        doc_type=head.get("doc_type"),
        description=" — ".join(x for x in (head.get("doc_type"), head.get("number")) if x) or None,
    )


def write_pdf(original: Path, mime: str, pages: list[Page], head: dict, out: Path) -> None:
    """The searchable PDF of a document as PDF/A-1b (TCVN 14159-1:2024), described by its
    record: every searchable PDF sohoa hands out goes through here."""
    write_pdfa(str(original), mime, pages, out, pdfa_info(head))


def _split_number(number: str | None) -> tuple[str | None, str | None]:
    """'12/BC-HKH' -> ('12', 'BC-HKH'); a number without '/' has no ký hiệu."""
    if not number:
        return None, None
    head, sep, tail = number.partition("/")
    return (head.strip() or None, tail.strip() or None) if sep else (number.strip(), None)


def _review(record: dict) -> list[str]:
    detail = (record.get("doc") or {}).get("detail") or {}
    names = {
        "doc_type": "ten_loai",
        "number": "so_ky_hieu",
        "date": "ngay_thang_nam",
        "issuer": "co_quan_ban_hanh",
        "title": "trich_yeu",
        "signer": "nguoi_ky",
        "signer_title": "chuc_vu_nguoi_ky",
    }
    return sorted(
        names[k] for k, d in detail.items() if k in names and (d or {}).get("needs_review")
    )


def file_warnings(doc: DocumentRow, original: Path | None) -> list[dict]:
    """The Chương II checks on one file: resolution, colour mode, file naming."""
    warnings: list[dict] = []
    if not _PORTABLE_NAME.match(Path(doc.filename).name):
        warnings.append(
            {
                "ma": "ten_tep",
                "noi_dung": "tên tệp có dấu, khoảng trắng hoặc ký tự đặc biệt; gói hồ sơ "
                "đặt lại tên theo mã hồ sơ và số thứ tự",
            }
        )
    if doc.kind in ("scanned", "mixed") and original is not None:
        for scan in page_scans(original, doc.mime):
            if scan.dpi is not None and scan.dpi < MIN_DPI:
                warnings.append(
                    {
                        "ma": "do_phan_giai",
                        "trang": scan.page,
                        "noi_dung": f"độ phân giải {scan.dpi} dpi, dưới {MIN_DPI} dpi",
                    }
                )
            if scan.colour is not None and scan.colour != COLOUR:
                warnings.append(
                    {
                        "ma": "che_do_mau",
                        "trang": scan.page,
                        "noi_dung": f"ảnh quét {scan.colour}, không phải chế độ màu",
                    }
                )
    elif doc.kind == "text":
        warnings.append(
            {"ma": "dinh_dang", "noi_dung": "tệp văn bản thuần: không có ảnh trang để lập PDF/A"}
        )
    return warnings


def document_data(
    doc: DocumentRow,
    original: Path | None = None,
    ho_so: HoSoRow | None = None,
    position: int | None = None,
) -> dict:
    """One document's archival data (dữ liệu của tài liệu lưu trữ) from its stored record."""
    record = doc.record or {}
    head = record.get("doc") or {}
    so, ky_hieu = _split_number(doc.number)
    per_document = ((ho_so.data or {}).get("tai_lieu") or {}) if ho_so else {}
    set_by_archivist = per_document.get(str(doc.id), {})
    values: dict = {
        "ma_ho_so": ho_so.code if ho_so else None,
        "so_thu_tu": position,
        "ten_loai": doc.doc_type,
        "so": so,
        "ky_hieu": ky_hieu,
        "so_ky_hieu": doc.number,
        "ngay_thang_nam": doc.doc_date,
        "co_quan_ban_hanh": doc.issuer,
        "trich_yeu": doc.title,
        "nguoi_ky": head.get("signer"),
        "chuc_vu_nguoi_ky": head.get("signer_title"),
        "ngon_ngu": "vi",  # the OCR and the extraction read Vietnamese only
        "so_trang": doc.pages,
    }
    for key in DOCUMENT_ARCHIVIST_KEYS:
        values[key] = set_by_archivist.get(key) or None
    fields = {key: values.get(key) for key, _, _ in DOCUMENT_FIELDS}
    return {
        **fields,
        "nguon": {key: src for key, _, src in DOCUMENT_FIELDS},
        "truong_chua_co": [k for k, v in fields.items() if v in (None, "", [])],
        "can_xem_lai": _review(record),
        "tep_tin": {
            "ten_tep_goc": Path(doc.filename).name,
            "dinh_dang": doc.mime,
            "dung_luong": doc.size,
            "sha256": doc.sha256,
            "loai": doc.kind,
        },
        "canh_bao": file_warnings(doc, original),
        "sohoa": {"id": doc.id, "pipeline_version": doc.pipeline_version},
    }


def document_span(docs: list[DocumentRow]) -> tuple[str | None, str | None]:
    dates = sorted(d.doc_date for d in docs if d.doc_date)
    return (dates[0], dates[-1]) if dates else (None, None)


def ho_so_data(ho_so: HoSoRow, docs: list[DocumentRow]) -> dict:
    """The hồ sơ's own data (dữ liệu của hồ sơ lưu trữ); dates and counts from its documents
    unless the archivist set them."""
    start, end = document_span(docs)
    data = ho_so.data or {}
    values = {
        "ma_ho_so": ho_so.code,
        "tieu_de": ho_so.title,
        "thoi_han_bao_quan": ho_so.retention or None,
        "thoi_gian_bat_dau": ho_so.start_date or start,
        "thoi_gian_ket_thuc": ho_so.end_date or end,
        "tong_so_tai_lieu": len(docs),
        "so_luong_to": ho_so.sheets,
        "so_luong_trang": sum(d.pages for d in docs),
        "ngon_ngu": data.get("ngon_ngu") or "vi",
        **{k: data.get(k) or None for k in HO_SO_DATA_KEYS if k != "ngon_ngu"},
    }
    fields = {key: values.get(key) for key, _, _ in HO_SO_FIELDS}
    return {
        **fields,
        "nguon": {key: src for key, _, src in HO_SO_FIELDS},
        "truong_chua_co": [k for k, v in fields.items() if v in (None, "", [])],
    }


def export(documents: list[dict], ho_so: dict | None = None) -> dict:
    """The export envelope: the rules it follows, the hồ sơ (if any), its documents."""
    return {
        "thong_tu": THONG_TU,
        "dinh_dang_pdf": PDF_A,
        "ho_so": ho_so,
        "tai_lieu": documents,
        "ten_truong": {
            "ho_so": {k: name for k, name, _ in HO_SO_FIELDS},
            "tai_lieu": {k: name for k, name, _ in DOCUMENT_FIELDS},
        },
    }
