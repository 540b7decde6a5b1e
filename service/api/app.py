"""The FastAPI application: API, web UI and the embedded background worker."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from schemas import SohoaError
from service import PIPELINE_VERSION, batches, worker
from service.api.archive_routes import router as archive_router
from service.api.deps import AppState, problem, sohoa_error_status
from service.api.edge import EdgeMiddleware
from service.api.ops_routes import router as ops_router
from service.api.routes import router
from service.config import Settings
from service.pipeline import Pipeline
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.ui import hoso_pages
from service.ui import routes as ui_routes

log = logging.getLogger(__name__)


def _worker_loop(st: AppState, stop: threading.Event) -> None:
    """The embedded worker: processes queued batch items whenever an upload wakes it."""
    while not stop.is_set():
        st.wake.wait(timeout=2.0)
        st.wake.clear()
        if stop.is_set():
            break
        try:
            batches.run_queued(st.db, st.pipeline, st.blobs)
        except Exception:  # keep serving; the items stay queued and are retried
            log.exception("background batch run failed")
            stop.wait(5.0)


def _sweep(db: Database, blobs: BlobStore, lease_s: float, grace_s: float) -> None:
    """What a crash left behind (batches half received, temp files, stray originals)."""
    try:
        batches.recover_receiving(db, lease_s)
        batches.sweep(db, blobs, grace_s)
    except Exception:  # a sweep is housekeeping: it must never stop the server
        log.exception("start-up sweep failed")


def create_app(settings: Settings, run_worker: bool = True) -> FastAPI:
    """Build the app for a data dir; the worker thread starts with the server."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        db = Database(settings.database_url)
        st = AppState(settings, db, BlobStore(settings.blobs_dir), Pipeline(settings))
        app.state.sohoa = st
        stop = threading.Event()
        thread = None
        reclaimer = None
        if run_worker:
            sweep_args = (db, st.blobs, settings.lease_s, settings.sweep_grace_s)
            threading.Thread(target=_sweep, args=sweep_args, daemon=True).start()
        if run_worker and not settings.broker_url:  # with a broker, Celery workers do the work
            batches.requeue_orphans(db, None, settings.lease_s)
            thread = threading.Thread(target=_worker_loop, args=(st, stop), daemon=True)
            thread.start()
            st.wake.set()
        elif run_worker:  # stranded items of a dead worker are sent again from here too
            reclaimer = worker.Reclaimer(settings, db).start()
        yield
        if reclaimer:
            reclaimer.stop()
        stop.set()
        st.wake.set()
        if thread:
            thread.join(timeout=30)
        st.pipeline.close()
        db.close()

    app = FastAPI(
        title="sohoa",
        version=PIPELINE_VERSION,
        description="Vietnamese administrative archives: records, citations, full-text search.",
        lifespan=lifespan,
    )
    app.include_router(router)
    app.include_router(ops_router)
    app.include_router(archive_router)
    _install_problem_handlers(app)
    _problem_media_type(app)
    app.include_router(ui_routes.router)
    app.include_router(hoso_pages.router)
    app.mount("/static", ui_routes.static_files(), name="static")
    app.add_middleware(EdgeMiddleware, max_request_bytes=settings.max_request_bytes)
    return app


def _install_problem_handlers(app: FastAPI) -> None:
    """Every error leaves as RFC 9457 problem details, never as a bare traceback."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        resp = problem(exc.status_code, _title(exc.status_code), str(exc.detail))
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return problem(422, "Invalid request", detail)

    @app.exception_handler(SohoaError)
    async def sohoa_error(_: Request, exc: SohoaError) -> JSONResponse:
        return problem(sohoa_error_status(exc), exc.kind.value, exc.message)

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(500, "Internal error", "the server could not handle this request")


def _problem_media_type(app: FastAPI) -> None:
    """Declare error bodies as application/problem+json, the media type they are sent with
    (FastAPI files them under the route's own media type: JSON, text, PDF ...)."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        problem = {"$ref": "#/components/schemas/Problem"}
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                for code, resp in op.get("responses", {}).items():
                    if code[0] in "45":
                        resp["content"] = {"application/problem+json": {"schema": problem}}
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
