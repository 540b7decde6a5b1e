"""Schemathesis against the published OpenAPI schema, through a real uvicorn server.

Every operation gets generated requests (valid and invalid) with an admin token over an
archive that holds a few documents citing each other. No request may get a server error,
and every response must match what the schema declares (status code, media type, body).
Token revocation is left out: a generated id would revoke the token the run uses.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from schemas import Citation, DocHeader, Document, Page, PageRoute, Record, Source, SourceKind
from service import auth, outcome
from service.api.app import create_app
from service.config import Settings
from service.storage.blobs import BlobStore
from service.storage.db import Database
from tests.test_service_api import Server

SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(data_dir=Path(tempfile.gettempdir()) / "sohoa-schema")).openapi()
).exclude(method="DELETE", path="/api/v1/tokens/{token_id}")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _seed(db: Database, blobs: BlobStore) -> None:
    """Three documents: two cite the first (one partially), which is itself archived."""
    docs = [
        ("677/QĐ-TTg", "Quyết định phê duyệt Đề án xây dựng xã hội học tập", []),
        ("16/BC-HKH", "Thực hiện Quyết định 677/QĐ-TTg, Hội Khuyến học báo cáo",
         [("677/QĐ-TTg", False)]),
        ("21/KH-HKH", "Kế hoạch khuyến học theo Quyết định 677", [("677/QĐ-TTg", True)]),
    ]  # fmt: skip
    with db.session() as s:
        for number, text, cites in docs:
            sha = blobs.put_bytes(text.encode())
            source = Source(file=f"{sha[:8]}.txt", sha256=sha, pages=1, kind=SourceKind.TEXT)
            page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
            record = Record(
                source=source,
                doc=DocHeader(number=number, doc_type="Báo cáo", date="2024-05-30"),
                citations=[Citation(key=k, partial=p, text=k) for k, p in cites],
            )
            outcome.save_document(
                s, source.file, Document(source=source, pages=[page]), record, "t"
            )


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data = tmp_path_factory.mktemp("schemathesis")
    settings_ = Settings(data_dir=data, cache_root=data / "cache")
    db = Database(settings_.database_url)
    _seed(db, BlobStore(settings_.blobs_dir))
    token = auth.create_token(db, "schemathesis", "admin")
    db.close()
    srv = Server(settings_, run_worker=False)
    with srv:
        yield srv.url, token


def test_openapi_is_published_and_every_operation_is_typed(live) -> None:
    url, _ = live
    schema = httpx.get(f"{url}/openapi.json").json()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            codes = op["responses"]
            assert any(c.startswith("2") for c in codes), f"{method} {path}: no success"
            assert {"401", "403", "422"} <= set(codes), f"{method} {path}: errors undeclared"
            for c in codes:
                if c[0] in "45":
                    assert list(codes[c]["content"]) == ["application/problem+json"]


@SCHEMA.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_responses_match_the_schema(case, live) -> None:
    url, token = live
    response = case.call(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    case.validate_response(response, checks=CHECKS)
