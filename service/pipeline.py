"""Wires the stages: ingest -> OCR (process pool, cached) -> normalize/repair -> extract.

This module alone knows the order of stages. OCR page tasks of every document go to
one process pool for the whole machine; results are cached by (sha256, OCR version,
page) so re-extraction and tests never OCR the same page twice.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import extract
import ingest
import ocr
from extract.header import names, numbering
from ingest import pdfsig
from ingest.textfile import UTF8_REPLACED
from normalize import codes, repair
from schemas import (
    Document,
    ErrorKind,
    Page,
    PageRoute,
    Record,
    RecordWarning,
    Signature,
    SohoaError,
)
from schemas.files import use_artefact_cache, write_atomic
from service import PIPELINE_VERSION, heaptrim, logs, pagepool
from service.config import Settings
from service.pagepool import image_limits
from service.pagespool import PageSpool, StoredPages

log = logging.getLogger(__name__)

ProgressFn = Callable[[str, int, int], None]  # (file, pages done, pages total)


@dataclass
class Outcome:
    """What became of one input file."""

    path: Path
    document: Document | None = None
    record: Record | None = None
    error: SohoaError | None = None
    # with a page spool: the pages' stored form, read back from the spool page by page (the
    # document's pages lack their words); whoever stores the outcome then calls ``close``
    stored_pages: StoredPages | None = None

    def result(self) -> tuple[Document, Record]:
        """The document and its record; raises the file's error when it failed."""
        if self.error is not None:
            raise self.error
        assert self.document is not None and self.record is not None, "no error, no result"
        return self.document, self.record

    def close(self) -> None:
        """Remove the page spool (the document is stored, or will be redone)."""
        if self.stored_pages is not None:
            self.stored_pages.close()


@dataclass
class _Pending:
    path: Path
    intake: ingest.Intake | None = None
    error: SohoaError | None = None
    futures: dict[int, Future[Page]] = field(default_factory=dict)


class Pipeline:
    """The document pipeline with its shared resources (pool, repair model, caches)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        image_limits(settings.limits.max_image_pixels)
        use_artefact_cache(settings.artefact_cache)
        self._pool: ProcessPoolExecutor | None = None
        self._repair: repair.RepairModel | None = None

    # -- resources -------------------------------------------------------------
    def pool(self) -> ProcessPoolExecutor:
        """The page pool: the one started before the CLI was imported when its settings are
        these (``service.earlystart``), else a new one."""
        if self._pool is None:
            level = logs.current_level()
            self._pool = pagepool.adopt_early(self.settings, level) or pagepool.make_pool(
                self.settings, level
            )
        return self._pool

    def _submit(self, fn: Callable[..., Page], *args: object) -> Future[Page]:
        """Submit a page task; a pool broken by a dead worker is replaced once."""
        try:
            return self.pool().submit(fn, *args)
        except BrokenProcessPool:
            self._drop_pool()
            return self.pool().submit(fn, *args)

    def _drop_pool(self) -> None:
        pagepool.drop_early()  # pages queued on a broken pool are lost with it
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def repair_model(self) -> repair.RepairModel:
        if self._repair is None:
            self._repair = repair.load_model(self.settings.models_dir)
        return self._repair

    def close(self) -> None:
        pagepool.drop_early()
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    # -- OCR cache -------------------------------------------------------------
    def _cache_path(self, sha256: str, page: int) -> Path:
        return self.settings.cache_dir / "ocr" / sha256 / ocr.OCR_VERSION / f"{page:04d}.json"

    def _cached(self, sha256: str, page: int) -> Page | None:
        path = self._cache_path(sha256, page)
        if path.exists():
            try:
                return Page.model_validate_json(path.read_bytes())
            except ValueError:
                path.unlink(missing_ok=True)
        return None

    def _stale(self, sha256: str, page: int) -> tuple[Page, frozenset[str]] | None:
        """The page as cached by the same Tesseract stage and earlier second readers, with
        which of its readings (:data:`ocr.EXTRA_STAGES`) need making again: only those, not
        the page. Of several, the one that needs least (the heading's reading costs
        Tesseract on the block; the digits and lines far less)."""
        folder = self.settings.cache_dir / "ocr" / sha256
        found = []
        for path in folder.glob(f"{ocr.TESSERACT_STAGE}+*/{page:04d}.json"):
            stages = path.parent.name.split("+")[1:]
            if path.parent.name != ocr.OCR_VERSION:
                redo = frozenset(k for k, v in ocr.EXTRA_STAGES.items() if v not in stages)
                found.append(("heading" in redo, len(redo), path.parent.name, redo, path))
        for *_, redo, path in sorted(found):
            try:
                return Page.model_validate_json(path.read_bytes()), redo
            except ValueError:
                continue
        return None

    def _store_cache(self, sha256: str, page: Page) -> None:
        write_atomic(self._cache_path(sha256, page.number), page.model_dump_json().encode())

    # -- stages ----------------------------------------------------------------
    def _start(self, path: Path) -> _Pending:
        """Inspect a file and queue OCR for the pages that need it."""
        pending = _Pending(path)
        try:
            pending.intake = intake = ingest.inspect(path, self.settings.limits)
        except SohoaError as err:
            pending.error = err
            return pending
        except Exception as err:  # a reader's bug on an odd file fails that file, not the batch
            log.exception("reading %s failed", path)
            pending.error = SohoaError(ErrorKind.INTERNAL, f"{type(err).__name__}: {err}")
            return pending
        heaptrim.release()  # routing a long PDF's pages freed much more than it keeps
        early = 0
        for page in intake.pages:
            if page.route != PageRoute.OCR or self._cached(intake.source.sha256, page.number):
                continue
            stale = self._stale(intake.source.sha256, page.number)
            if stale is not None:
                cached, redo = stale
                pending.futures[page.number] = self._submit(
                    ocr.reread_extras,
                    str(path),
                    intake.source.mime,
                    cached,
                    pagepool.OCR_DPI,
                    redo,
                )
                continue
            ocr.check_dependencies()
            args = (intake.source.mime, pagepool.OCR_DPI, self.settings.limits.ocr_timeout_s)
            # The pool first: the early one is adopted, or dropped (settings differ) before
            # one of its pages is taken, whose future the drop would otherwise cancel.
            self.pool()
            future = pagepool.early_page(intake.source.sha256, page.number, args)
            if future is not None:
                early += 1
            pending.futures[page.number] = future or self._submit(
                ocr.ocr_page, str(path), page.number, *args
            )
        if early:
            log.debug("%s: %d page(s) queued before the CLI started", path.name, early)
        return pending

    def _ocr_result(self, pending: _Pending, page: Page) -> Page:
        assert pending.intake is not None, "OCR results of a file that was not inspected"
        sha = pending.intake.source.sha256
        future = pending.futures.pop(page.number, None)  # its result is not kept twice
        if future is None:
            cached = self._cached(sha, page.number)
            return cached if cached is not None else page
        try:
            result = future.result()
        except SohoaError as err:
            if err.kind != ErrorKind.TIMEOUT:
                raise
            return page.model_copy(update={"route_reason": f"OCR failed: {err.message}"})
        result = result.model_copy(update={"route_reason": page.route_reason})
        self._store_cache(sha, result)
        return result

    def _repair_page(self, page: Page) -> Page:
        """Repair text that an English OCR model damaged, and tone slips of our own
        Vietnamese OCR; keep the original beside it."""
        if not page.text.strip():
            return page
        model = self.repair_model()
        if page.route == PageRoute.OCR:
            fixed = model.fix_tones(page.text)  # same length: word offsets stay valid
        elif repair.needs_repair(page.text, model):
            fixed = model.repair(page.text)
        else:
            return page
        if fixed.text == page.text:
            return page
        return page.model_copy(
            update={
                "text": fixed.text,
                "original_text": page.text,
                "repairs": fixed.edits,
                "repair_doubts": fixed.doubts,
            }
        )

    def _finish(self, pending: _Pending, progress: ProgressFn | None, spooled: bool) -> Outcome:
        intake = pending.intake
        if pending.error is not None or intake is None:
            return Outcome(pending.path, error=pending.error)
        spool = PageSpool(self.settings.data_dir, intake.source.sha256) if spooled else None
        out = None
        try:
            out = self._finish_pages(pending, intake, progress, spool)
            return out
        finally:
            if spool is not None and (out is None or out.error is not None):
                spool.close()  # a stored outcome's spool is closed by the one storing it

    def _finish_pages(
        self,
        pending: _Pending,
        intake: ingest.Intake,
        progress: ProgressFn | None,
        spool: PageSpool | None,
    ) -> Outcome:
        pages: list[Page] = []
        try:
            for i, page in enumerate(intake.pages, 1):
                done = self._repair_page(self._ocr_result(pending, page))
                pages.append(spool.add(done) if spool is not None else done)
                if progress:
                    progress(str(pending.path), i, len(intake.pages))
        except SohoaError as err:
            return Outcome(pending.path, error=err)
        except BrokenProcessPool:  # killed (out of memory, signal): transient, retried
            self._drop_pool()
            msg = "an OCR worker process died (memory limit or killed)"
            return Outcome(pending.path, error=SohoaError(ErrorKind.INTERNAL, msg))
        except MemoryError:  # under the configured cap the same file would fail again
            mb = self.settings.worker_memory_mb
            if not mb:
                return Outcome(pending.path, error=SohoaError(ErrorKind.INTERNAL, "out of memory"))
            msg = f"needs more memory than the {mb} MB per worker (SOHOA_WORKER_MEMORY_MB)"
            return Outcome(pending.path, error=SohoaError(ErrorKind.LIMITS, msg))
        except Exception as err:  # a worker crash must fail one file, never the batch
            log.exception("processing %s failed", pending.path)
            msg = f"{type(err).__name__}: {err}"
            return Outcome(pending.path, error=SohoaError(ErrorKind.INTERNAL, msg))
        heaptrim.release()  # the pages' OCR results, parsed and spooled, are garbage now
        document = Document(source=intake.source, pages=pages, metadata=intake.metadata)
        record = self.extract(document, spool.page if spool is not None else None)
        if intake.source.mime == "application/pdf":
            try:
                record.signatures += pdfsig.read_signatures(pending.path)
            except SohoaError as e:
                record.warnings.append(RecordWarning(code="signatures_unread", message=e.message))
        heaptrim.release()  # extraction's per-page NLP and the PDF's signature parse
        stored = spool.stored() if spool is not None else None
        return Outcome(pending.path, document, record, stored_pages=stored)

    def extract(self, document: Document, ocr_pages: extract.PageSource | None = None) -> Record:
        """Build the record and state which versions of which stages made it. ``ocr_pages``:
        the pages with their OCR words and second readings when the document's pages do
        not hold them (spooled)."""
        codes.load_archive_codes(self.settings.models_dir)  # the archive's own key codes
        names.load_known_names(self.settings.models_dir)  # signers a person checked
        numbering.load_archive_numbers(self.settings.models_dir)  # the issuers' series
        record = extract.build_record(document, ocr_pages)
        prov = record.provenance
        prov.pipeline_version = PIPELINE_VERSION
        prov.extractor_version = extract.EXTRACTOR_VERSION
        prov.page_routes = [p.route.value for p in document.pages]
        if any(p.route == PageRoute.OCR for p in document.pages):
            prov.ocr_engine = f"tesseract vie ({ocr.OCR_VERSION})"
        if any(p.repairs for p in document.pages):
            prov.repair_model = self.repair_model().version  # names the adapted snapshot
        record.signatures = _signatures(document.metadata)
        if document.metadata.get("encoding", "").startswith(UTF8_REPLACED):
            message = f"encoding {document.metadata['encoding']}: check the text around U+FFFD"
            record.warnings.append(RecordWarning(code="encoding_damaged", message=message))
        for p in document.pages:
            if p.route_reason.startswith("OCR failed"):
                record.warnings.append(
                    RecordWarning(code="ocr_failed", message=p.route_reason, page=p.number)
                )
        return record

    def process_many(
        self, paths: Iterable[Path], progress: ProgressFn | None = None, spooled: bool = False
    ) -> Iterator[Outcome]:
        """Process files in order, keeping the pool busy with the next files' pages.

        ``spooled`` (callers that store the outcome): each finished page goes to a page
        spool on disk, so memory does not grow with the page count; the outcome's pages
        then lack their OCR words, which ``stored_pages`` reads back for storage, and the
        caller closes each outcome (``Outcome.close``) once it is stored.
        """
        window: deque[_Pending] = deque()
        for path in paths:
            window.append(self._start(Path(path)))
            if len(window) > 2 * self.settings.workers:
                yield self._finish(window.popleft(), progress, spooled)
        while window:
            yield self._finish(window.popleft(), progress, spooled)

    def process(self, path: Path) -> Outcome:
        return next(self.process_many([path]))

    def load_document(self, path: Path) -> Document:
        """A document's pages (OCRed and repaired as needed) without extraction."""
        pending = self._start(Path(path))
        if pending.error is not None:
            raise pending.error
        intake = pending.intake
        assert intake is not None, "an inspection without an error has its intake"
        return Document(
            source=intake.source,
            pages=[self._repair_page(self._ocr_result(pending, p)) for p in intake.pages],
            metadata=intake.metadata,
        )


def _signatures(meta: dict[str, str]) -> list[Signature]:
    """The signature stamp's fields, as ingest found them, as record metadata."""
    if not any(k.startswith("stamp_") or k == "signed_at" for k in meta):
        return []
    times = [t for t in meta.get("stamp_times", "").split(",") if t]
    return [
        Signature(
            signer=meta.get("stamp_signer"),
            organisation=meta.get("stamp_organisation"),
            email=meta.get("stamp_email"),
            signed_at=meta.get("signed_at"),
            times=times,
        )
    ]


def load_document(path: Path, data_dir: Path) -> Document:
    """Convenience for benchmarks: one document through ingest, OCR (cached) and repair."""
    pipe = Pipeline(Settings(data_dir=data_dir))
    try:
        return pipe.load_document(path)
    finally:
        pipe.close()


def record_json(record: Record) -> str:
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2)
