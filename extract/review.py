"""Whether an extracted value needs a person's look: one rule for the record and the queue.

Unsure is fine, silently wrong is not. Every value the extractors produce carries
flags (``uncertain_digits``, ``handwritten``, ``key_repaired``, …) and, for OCR pages,
the lowest Tesseract confidence of its words. :func:`review_reasons` turns those into
the reasons a reviewer is shown; the record's ``needs_review`` and the review queue of
``service/`` both call it, so a value is flagged in the record exactly when it is queued.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from schemas import Amount, Citation, Count, DateMention, Record, Span

__all__ = [
    "LOW_CONFIDENCE",
    "NOT_QUEUED",
    "REQUIRED_ON_SCANS",
    "field_reasons",
    "mention_values",
    "needs_review",
    "review_reasons",
]

# Below this word confidence (0-1) an OCR reading is doubtful: Tesseract's own scores of
# the real scans' wrong header readings sit under it, the right ones mostly above.
LOW_CONFIDENCE = 0.7

# Flags shown beside a value but never queued: a partial citation (its key completed from
# the document's context) is the normal reading of "Quyết định số 242 và 244/QĐ-KHVN".
NOT_QUEUED = frozenset({"partial"})

# Header fields every administrative document has (Nghị định 30/2020): read from a scan and
# found empty, the reading failed (a faint stamp, a handwritten date), so a person looks.
# A text file or a born-digital PDF without them is as the author wrote it.
REQUIRED_ON_SCANS = ("date", "place", "signer")
SCANNED_KINDS = frozenset({"scanned", "mixed"})


def review_reasons(confidence: float | None, flags: Iterable[str]) -> list[str]:
    """The reason codes to show a reviewer: the value's queued flags, then
    ``low_confidence`` when OCR was unsure of its words."""
    out = list(dict.fromkeys(f for f in flags if f not in NOT_QUEUED))
    if confidence is not None and confidence < LOW_CONFIDENCE:
        out.append("low_confidence")
    return out


def needs_review(confidence: float | None, flags: Iterable[str]) -> bool:
    """Whether the value goes to the review queue (see :func:`review_reasons`)."""
    return bool(review_reasons(confidence, flags))


def field_reasons(
    name: str, value: str | None, confidence: float | None, flags: Iterable[str], kind: str
) -> list[str]:
    """The reasons of one header field: :func:`review_reasons`, and ``missing`` when a
    field of :data:`REQUIRED_ON_SCANS` is empty on a document read by OCR (``kind``
    is the source kind: scanned, mixed, born_digital, text)."""
    out = review_reasons(confidence, flags)
    if not value and name in REQUIRED_ON_SCANS and kind in SCANNED_KINDS and "missing" not in out:
        out.insert(0, "missing")
    return out


def mention_values(
    record: Record,
) -> Iterator[tuple[str, Citation | DateMention | Amount | Count, float | None, list[str]]]:
    """(ref, value, confidence, flags) of every value of a record besides its header
    fields, as both the record's ``needs_review`` and the review queue judge them: a
    citation by its surest span (a key read clearly once is read), dates, amounts and
    counts by their least sure one."""
    for i, c in enumerate(record.citations):
        known = [s.confidence for s in c.spans if s.confidence is not None]
        flags = (["partial"] if c.partial else []) + list(c.flags)
        yield f"cit.{i}", c, max(known) if known else None, flags
    for i, m in enumerate(record.date_details):
        yield f"date.{i}", m, _lowest(m.spans), []
    for i, a in enumerate(record.amounts):
        yield f"amt.{i}", a, _lowest(a.spans), ["words_disagree"] if a.checked is False else []
    for i, n in enumerate(record.counts):
        yield f"cnt.{i}", n, _lowest(n.spans), ["ambiguous"] if n.ambiguous else []


def _lowest(spans: list[Span]) -> float | None:
    known = [s.confidence for s in spans if s.confidence is not None]
    return min(known) if known else None
