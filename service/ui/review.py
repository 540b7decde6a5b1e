"""The review queue: values a person should check before they are trusted.

A value enters the queue when extraction was unsure of it (low confidence or flags such
as uncertain digits), when money in digits disagrees with the words, or when the record
carries a warning. A header field leaves the queue once someone confirms or corrects it
(the correction is kept with who and when, and survives re-extraction).
"""

from __future__ import annotations

from dataclasses import dataclass

from service.storage.models import DocumentRow
from service.ui.marks import FIELD_LABELS, record_refs

LOW_CONFIDENCE = 0.7

FLAG_LABELS = {
    "uncertain_digits": "chữ số không chắc chắn",
    "partial": "trích dẫn thiếu thành phần",
    "words_disagree": "số bằng chữ không khớp số",
    "ambiguous": "không rõ nghĩa",
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


def _reasons(confidence: float | None, flags: list[str]) -> list[str]:
    out = [FLAG_LABELS.get(f, f) for f in flags]
    if confidence is not None and confidence < LOW_CONFIDENCE:
        out.insert(0, f"độ tin cậy thấp ({confidence:.0%})")
    return out


def items_of(doc: DocumentRow) -> list[Item]:
    """The values of one document that need a look, header fields first."""
    rec = doc.record or {}
    detail = (rec.get("doc") or {}).get("detail") or {}
    out = []
    for ref in record_refs(rec):
        name = ref.id.removeprefix("doc.")
        if ref.id.startswith("doc.") and (detail.get(name) or {}).get("corrected_by"):
            continue
        reasons = _reasons(ref.confidence, ref.flags)
        if reasons:
            out.append(
                Item(
                    doc,
                    ref.id,
                    ref.label,
                    ref.value or "—",
                    "; ".join(reasons),
                    name if name in FIELD_LABELS else None,
                    ref.pages[0] if ref.pages else None,
                )
            )
    for w in rec.get("warnings") or []:
        out.append(
            Item(
                doc, "", "Cảnh báo", w.get("code") or "", w.get("message") or "", page=w.get("page")
            )
        )
    return out
