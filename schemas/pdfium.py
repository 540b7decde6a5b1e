"""One lock for PDFium in a process.

PDFium is not thread-safe, not even across different documents: two threads in it at once
corrupt the heap ("double free or corruption"; pypdfium2's documentation says as much).
A Celery worker runs its tasks in threads and the API serves requests in a thread pool,
so every module that calls PDFium (``ingest.pdf``, ``ocr.raster``, ``ocr.pdfout``) holds
this lock from opening a document to closing it. It lives here, in the layer they all
stand on; processes (the OCR page pool) each have their own.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()
