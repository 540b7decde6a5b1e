"""The review queue: the values a person should check before they are trusted.

A value is queued by the rule that sets the record's ``needs_review``
(:func:`extract.review.field_reasons` / :func:`extract.review.review_reasons`): flags,
low OCR confidence, an empty date, place or signer read from a scan. It leaves the queue
once someone confirms it (``POST /documents/{id}/corrections`` with its current value)
or corrects it; who and when are kept and survive re-extraction. The API
(``GET /api/v1/review``) and the UI's Soát lỗi page list the same items.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, load_only

from extract.header import names
from extract.review import field_reasons, mention_values, review_reasons
from schemas import Record, Span
from service import feed, readmodel
from service.readmodel import HEADER_FIELDS, StoredDocument
from service.safetext import clean_text
from service.storage import repo
from service.storage.models import CorrectionRow, DocumentRow, ReviewItemRow

log = logging.getLogger(__name__)

# Reason codes in the words a reviewer reads.
REASON_LABELS = {
    "missing": "trống: chưa đọc được trên bản quét",
    "low_confidence": "độ tin cậy thấp",
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
    "issuer_suspect": "dòng tiêu đề không giống tên cơ quan",
    "readings_disagree": "hai lần đọc khối tiêu đề (thường và phóng to) khác nhau",
    "doubtful": "giá trị đáng ngờ",
    "day_missing": "chưa đọc được ngày (chỉ có tháng, năm)",
    "number_order": "số không theo thứ tự số văn bản của cơ quan trong năm",
    "repaired": "dấu tiếng Việt được phục hồi tự động, cần đối chiếu",
    "name_unusual": "tên người ít gặp, có thể sai dấu",
    "name_reread": "tên người ký đọc lại riêng dòng, hai lần đọc khác dấu",
    "key_reread": "ký hiệu đọc lại riêng dòng, hai lần đọc khác nhau",
}
FIELD_LABELS = {
    "issuer": "Cơ quan ban hành",
    "parent_issuer": "Cơ quan chủ quản",
    "number": "Số, ký hiệu",
    "doc_type": "Loại văn bản",
    "date": "Ngày ban hành",
    "place": "Địa danh",
    "title": "Trích yếu",
    "signer": "Người ký",
    "signer_title": "Chức vụ người ký",
}
KIND_LABELS = {"cit": "Trích dẫn", "date": "Ngày", "amt": "Số tiền", "cnt": "Số lượng"}
# Document-level warnings in Vietnamese (shown on the document page; the queue lists
# values, which a person can confirm). Warnings about one value are said by its own entry.
WARNING_LABELS = {
    "ocr_failed": "không nhận dạng được chữ trên trang",
    "encoding_damaged": "mã hóa chữ của tệp bị hỏng, chữ có thể sai",
    "signatures_unread": "không đọc được chữ ký số của tệp",
}
VALUE_WARNINGS = frozenset({"uncertain_digits", "handwritten_digits", "ambiguous_number"})


def warnings_of(doc: StoredDocument) -> list[tuple[str, int | None]]:
    """The record's document-level warnings as (text, page): labelled when known, the
    message as recorded otherwise."""
    return [
        (WARNING_LABELS.get(w.code, w.message), w.page)
        for w in doc.record.warnings
        if w.code not in VALUE_WARNINGS
    ]


@dataclass
class Box:
    """Where to look on a page image, in page pixels, with the page's size."""

    page: int
    x: int
    y: int
    w: int
    h: int
    page_w: int
    page_h: int


@dataclass
class Item:
    """One value of one document to check."""

    document_id: int
    document_number: str | None
    filename: str
    ref: str  # doc.date, cit.0, amt.1 ...: the value's id on the document page
    field: str | None  # the header field, when the value is one (a person may correct it)
    value: str  # the current value; confirming sends it back unchanged
    reasons: list[str]  # codes (REASON_LABELS)
    confidence: float | None = None
    page: int | None = None
    box: Box | None = None
    spans: list[Span] = dataclasses.field(default_factory=list, repr=False)
    flags: list[str] = dataclasses.field(default_factory=list, repr=False)

    @property
    def label(self) -> str:
        if self.field:
            return FIELD_LABELS.get(self.field, self.field)
        return KIND_LABELS.get(self.ref.partition(".")[0], self.ref)

    @property
    def reason(self) -> str:
        """The reasons in Vietnamese, joined."""
        return "; ".join(_reason_text(c, self.confidence) for c in self.reasons)


def _reason_text(code: str, confidence: float | None) -> str:
    if code == "low_confidence" and confidence:
        return f"độ tin cậy thấp ({confidence:.0%})"
    return REASON_LABELS.get(code, code)


def _values(doc: StoredDocument) -> Iterable[tuple[str, str | None, float | None, list, list]]:
    """(ref, field, confidence, flags, spans) of every value of the record."""
    rec = doc.record
    for name in HEADER_FIELDS:
        d = rec.doc.detail.get(name)
        yield (
            f"doc.{name}",
            name,
            d.confidence if d else None,
            list(d.flags) if d else [],
            list(d.spans) if d else [],
        )
    for ref, value, confidence, flags in mention_values(rec):
        yield ref, None, confidence, flags, list(value.spans)


def items_of(doc: StoredDocument, boxes: bool = True) -> list[Item]:
    """The values of one document still to check, header fields first."""
    out = []
    for ref, name, confidence, flags, spans in _values(doc):
        if ref in doc.confirmed:
            continue
        value = readmodel.ref_value(doc.record, ref)
        if name is not None:
            reasons = field_reasons(name, value, confidence, flags, doc.kind)
        else:
            reasons = review_reasons(confidence, flags)
        if not reasons:
            continue
        item = Item(
            doc.id,
            doc.number,
            doc.filename,
            ref,
            name,
            value or "",
            reasons,
            confidence,
            spans[0].page if spans else None,
            spans=spans,
            flags=flags,
        )
        if boxes:
            item.box = box_of(doc, spans, ref=ref, flags=flags)
        out.append(item)
    return out


# The handwriting reading that fills a header field's digits (pages[].hand_digits).
HAND_FIELDS = {"doc.number": "number", "doc.date": "day"}


def _hand_box(info: dict, ref: str) -> dict | None:
    """The box of the handwritten digits read into this field: the span covers only what
    Tesseract read ("/QĐ-UBND"), the digits written in the blank stand beside it."""
    wanted = HAND_FIELDS.get(ref)
    if wanted is None:
        return None
    for r in info.get("hand_digits") or []:
        if isinstance(r, dict) and r.get("field") == wanted and isinstance(r.get("box"), dict):
            return r["box"]
    return None


def box_of(
    doc: StoredDocument, spans: list[Span], pad: int = 12, ref: str = "", flags: list | None = None
) -> Box | None:
    """The box of a value on the first page it is located on (padded; a value over several
    lines, an issuer, a signer's title, joins its lines' boxes), so the reviewer sees the
    scan beside it; for handwritten digits, joined with the box the digits were read from."""
    if doc.kind == "text":
        return None
    infos = doc.pages_info
    for s in spans:
        info = infos[s.page - 1] if 1 <= s.page <= len(infos) else {}
        pw, ph = info.get("width"), info.get("height")
        if s.box is None or not pw or not ph:
            continue
        boxes = [o.box for o in spans if o.page == s.page and o.box is not None]
        x0, y0 = min(b.x0 for b in boxes), min(b.y0 for b in boxes)
        x1, y1 = max(b.x1 for b in boxes), max(b.y1 for b in boxes)
        hand = _hand_box(info, ref) if "handwritten" in (flags or []) else None
        if hand is not None:
            x0, y0 = min(x0, hand["x0"]), min(y0, hand["y0"])
            x1, y1 = max(x1, hand["x1"]), max(y1, hand["y1"])
        x0, y0 = max(0, int(x0) - pad), max(0, int(y0) - pad)
        x1, y1 = min(pw, int(x1) + pad), min(ph, int(y1) + pad)
        if x1 > x0 and y1 > y0:
            return Box(s.page, x0, y0, x1 - x0, y1 - y0, pw, ph)
    return None


def refresh(s: Session, row: DocumentRow, record: Record | None = None) -> int:
    """Store the document's items anew (after a save or a correction); returns how many.
    ``record``: the typed record the row was just written from unchanged, which spares
    validating the stored JSON again (:func:`service.readmodel.read`)."""
    s.execute(delete(ReviewItemRow).where(ReviewItemRow.document_id == row.id))
    doc = readmodel.read(row, record=record)
    items = items_of(doc, boxes=False) if doc is not None else []
    s.add_all(
        ReviewItemRow(
            document_id=row.id,
            ref=i.ref,
            field=i.field,
            value=i.value,
            reasons=i.reasons,
            confidence=i.confidence,
            page=i.page,
        )
        for i in items
    )
    return len(items)


# What the queue reads of a document: never its text or OCR words.
_LIGHT = (
    DocumentRow.id,
    DocumentRow.filename,
    DocumentRow.pages,
    DocumentRow.kind,
    DocumentRow.record,
)


def queue(
    s: Session, document_id: int | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[Item], int]:
    """A page of the values still to check, newest documents first, and how many there are
    in all (the stored items: one index range). Boxes are added by :func:`with_boxes`."""
    stmt = select(ReviewItemRow, DocumentRow.number, DocumentRow.filename).join(
        DocumentRow, DocumentRow.id == ReviewItemRow.document_id
    )
    count = select(func.count()).select_from(ReviewItemRow)
    if document_id is not None:
        stmt = stmt.where(ReviewItemRow.document_id == document_id)
        count = count.where(ReviewItemRow.document_id == document_id)
    order = (ReviewItemRow.document_id.desc(), ReviewItemRow.id)
    rows = s.execute(stmt.order_by(*order).limit(limit).offset(offset)).all()
    items = [
        Item(
            r.document_id,
            number,
            filename,
            r.ref,
            r.field,
            r.value,
            list(r.reasons or []),
            r.confidence,
            r.page,
        )
        for r, number, filename in rows
    ]
    return items, s.scalar(count) or 0


def with_boxes(s: Session, items: list[Item]) -> list[Item]:
    """Add the page-image boxes to the items about to be shown (and only to those): the
    value's spans are read again from its document."""
    ids = {i.document_id for i in items if i.box is None}
    rows = s.scalars(select(DocumentRow).options(load_only(*_LIGHT)).where(DocumentRow.id.in_(ids)))
    fresh = {
        (d.id, i.ref): i
        for d in readmodel.read_many(s, rows, pages=True)
        for i in items_of(d, boxes=True)
    }
    for i in items:
        same = fresh.get((i.document_id, i.ref))
        if i.box is None and same is not None:
            i.box, i.spans, i.flags = same.box, same.spans, same.flags
    return items


def add_correction(
    s: Session, doc: DocumentRow, field_name: str, value: str | None, who: str
) -> CorrectionRow:
    """Record a correction (or a confirmation: the current value again), apply it to the
    stored record at once, refresh the document's items and append a ``corrected`` event.
    A value ref (``cit.0``) is confirmed only with the value it holds now: ValueError
    otherwise, as for a field that cannot be corrected."""
    if repo.is_value_ref(field_name):
        current = readmodel.ref_value(Record.model_validate(doc.record), field_name)
        if current is None or value != current:
            raise ValueError(f"{field_name} holds {current!r}: only that value can be confirmed")
        previous: str | None = value
    else:
        previous = (doc.record.get("doc") or {}).get(field_name)
    if isinstance(previous, str):  # read from a hostile file: may hold what PostgreSQL refuses
        previous = clean_text(previous)
    row = repo.write_correction(s, doc, field_name, value, previous, who)
    refresh(s, doc)
    feed.record(s, doc, "corrected", {"field": field_name, "value": value})
    return row


def learn(models_dir: Path, field: str, value: str | None) -> None:
    """What a correction or confirmation teaches the next extraction: a signer's name a
    person checked is trusted as spelt (``extract.header.names``)."""
    if field == "signer" and value:
        names.learn_known_name(models_dir, value)
