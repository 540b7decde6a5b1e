"""Boxes for born-digital pages: the words of a PDF's own text layer, placed in the stored
page text.

OCR pages keep their words (with boxes) in the record, and the document page boxes every
value from them. A text-layer page keeps none: extraction reads words as OCR's (layout,
confidence, doubtful digits), so giving it the layer's words would change what is
extracted. The document page asks here instead: the layer is read again (ingest's own
reading, same lines and joins) and kept only where it gives the stored text exactly, so
the offsets hold. Cached beside the document's other derived files (deleted with it).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ingest import pdf
from schemas import SohoaError
from schemas.files import write_atomic

log = logging.getLogger(__name__)


def page_words(derived: Path, original: Path, sha256: str, texts: list[str]) -> dict[int, list]:
    """Page number -> its words (as OCR words are stored: text, box, conf, start), for the
    pages whose stored text (``texts``, one per page) is their layer's text as is."""
    dest = derived / sha256[:2] / f"{sha256}-layer-words.json"
    if dest.exists():
        pages = json.loads(dest.read_text())
    else:
        try:
            read = pdf.layer_words(original)
        except (SohoaError, OSError) as e:  # read at ingest: damaged since? no boxes, no crash
            log.warning("text layer of %s not read again: %s", sha256[:12], e)
            read = []
        pages = [[text, [w.model_dump() for w in words]] for text, words in read]
        write_atomic(dest, json.dumps(pages, ensure_ascii=False).encode())
    return {
        i + 1: words
        for i, (text, words) in enumerate(pages)
        if i < len(texts) and text == texts[i] and words
    }
