"""The review queue: values a person should check before they are trusted.

A value enters the queue when extraction was unsure of it (low confidence or flags such
as uncertain digits), when money in digits disagrees with the words, or when the record
carries a warning. A header field leaves the queue once someone confirms or corrects it
(the correction is kept with who and when, and survives re-extraction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extract.review import review_reasons
from service.storage.models import DocumentRow
from service.ui.marks import FIELD_LABELS, record_refs

FLAG_LABELS = {
    "uncertain_digits": "chữ số không chắc chắn",
    "handwritten": "chữ số viết tay, máy đọc",
    "partial": "trích dẫn thiếu thành phần",
    "words_disagree": "số bằng chữ không khớp số",
    "ambiguous": "không rõ nghĩa",
    "key_repaired": "ký hiệu đã được sửa lỗi OCR",
    "unknown_code": "ký hiệu không có trong danh mục",
    "year_mismatch": "năm trong số hiệu không khớp ngày",
    "law_fuzzy": "tên luật đọc gần đúng",
    "law_not_in_catalogue": "tên luật không có trong danh mục",
    "title_trimmed": "trích yếu đã cắt phần nhiễu",
    "title_suspect": "trích yếu có thể sai",
    "doubtful": "giá trị đáng ngờ",
    "day_missing": "chưa đọc được ngày (chỉ có tháng, năm)",
}


@dataclass
class Item:
    """One thing to check in one document."""

    document: DocumentRow
    ref: str  # the value's ref id on the document page ("" for a warning)
    label: str
    value: str
    reason: str
    field: str | None = None  # a correctable header field
    page: int | None = None
    crop: Crop | None = None
    spans: Sequence[dict] = ()  # where the value stands, for the crop


@dataclass
class Crop:
    """Where to look on a page image: a box (padded) and the page's size, in page pixels."""

    page: int
    x: int
    y: int
    w: int
    h: int
    page_w: int
    page_h: int


def _crop(doc: DocumentRow, spans: Sequence[dict], pad: int = 12) -> Crop | None:
    """The first located box of a value, so the reviewer sees the scan beside the value."""
    infos = doc.pages_json or []
    for s in spans:
        box, n = s.get("box"), s.get("page")
        info = infos[n - 1] if isinstance(n, int) and 1 <= n <= len(infos) else {}
        pw, ph = info.get("width"), info.get("height")
        if box and pw and ph and isinstance(n, int) and doc.kind != "text":
            x0, y0 = max(0, box["x0"] - pad), max(0, box["y0"] - pad)
            x1, y1 = min(pw, box["x1"] + pad), min(ph, box["y1"] + pad)
            if x1 > x0 and y1 > y0:
                return Crop(n, x0, y0, x1 - x0, y1 - y0, pw, ph)
    return None


def _reasons(confidence: float | None, flags: list[str]) -> list[str]:
    """The reviewer's reasons in Vietnamese, by the rule that sets the record's
    ``needs_review`` (:func:`extract.review.review_reasons`)."""
    return [
        f"độ tin cậy thấp ({confidence:.0%})"
        if code == "low_confidence" and confidence
        else FLAG_LABELS.get(code, code)
        for code in review_reasons(confidence, flags)
    ]


def items_of(doc: DocumentRow, crops: bool = True) -> list[Item]:
    """The values of one document that need a look, header fields first. ``crops=False``
    leaves the page-image crops for :func:`with_crops` (they read the page sizes)."""
    rec = doc.record or {}
    detail = (rec.get("doc") or {}).get("detail") or {}
    out = []
    field_flags: set[str] = set()
    for ref in record_refs(rec):
        name = ref.id.removeprefix("doc.")
        is_field = name in FIELD_LABELS and ref.id.startswith("doc.")
        if is_field:
            field_flags.update(ref.flags)
            if (detail.get(name) or {}).get("corrected_by"):
                continue
        reasons = _reasons(ref.confidence, ref.flags)
        if reasons:
            page = ref.pages[0] if ref.pages else None
            item = Item(
                doc,
                ref.id,
                ref.label,
                ref.value or "—",
                "; ".join(reasons),
                name if is_field else None,
                page,
                spans=ref.spans,
            )
            if crops:
                item.crop = _crop(doc, ref.spans)
            out.append(item)
    for w in rec.get("warnings") or []:
        code = w.get("code") or ""
        if code in field_flags:
            continue  # said by the field's own entry, or settled by its correction
        label = FLAG_LABELS.get(code, code)
        out.append(Item(doc, "", "Cảnh báo", label, w.get("message") or "", page=w.get("page")))
    return out


def with_crops(items: list[Item]) -> list[Item]:
    """Add the page-image crops to the items about to be shown (and only to those)."""
    for i in items:
        if i.crop is None and i.spans:
            i.crop = _crop(i.document, i.spans)
    return items
