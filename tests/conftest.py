"""Shared fixtures: data dirs, a shared OCR cache, and real PostgreSQL when reachable.

Tests that need PostgreSQL/Redis/Celery skip with a reason locally, but fail under
CI=true: CI must not pass by skipping them.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import create_engine, text

from extract.header import names
from normalize import codes
from service import auth
from service.api.app import create_app
from service.config import Settings
from service.storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
REAL_SCANS = SHARED / "real-scans"
SAMPLES = ROOT / "samples" / "documents"
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get(
    "SOHOA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def need(condition: bool, reason: str) -> None:
    """Skip locally when an outside resource is missing; under CI that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _repo_lexicon() -> Iterator[None]:
    """What an archive learned (its key codes, its signers' names) lives in process-wide
    state; a test that ingested documents must not hand it to the next test, whose rules
    are about the repository's lexicon (a learned "QĐ1" made a damaged key look valid)."""
    yield
    codes.set_extra_codes([])
    codes._loaded = None
    names.set_known_names([])
    names._loaded = None


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One OCR cache for the whole run (or SOHOA_TEST_CACHE across runs): no page is OCRed twice."""
    env = os.environ.get("SOHOA_TEST_CACHE")
    path = Path(env) if env else tmp_path_factory.mktemp("ocr-cache")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def data_dir(tmp_path: Path, ocr_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("SOHOA_DATA", str(d))
    monkeypatch.setenv("SOHOA_CACHE_DIR", str(ocr_cache))
    monkeypatch.delenv("SOHOA_DATABASE_URL", raising=False)
    return d


def _pg_reachable() -> bool:
    try:
        with create_engine(PG_ADMIN_URL).connect() as c:
            c.execute(text("select 1"))
        return True
    except Exception:
        return False


@pytest.fixture
def pg_url() -> str:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    need(_pg_reachable(), f"PostgreSQL not reachable at {PG_ADMIN_URL}")
    name = f"sohoa_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run a storage test on both backends: SQLite (embedded) and PostgreSQL (scale)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_url")


def sample_files_citing(key: str) -> set[str]:
    """Sample file names whose document cites ``key``, from samples/facts.json."""
    import json

    facts = json.loads((SAMPLES.parent / "facts.json").read_text())
    return {
        f
        for fact in facts.values()
        if key in {c["key"] for c in fact["citations"]}
        for f in (entry["name"] for entry in fact["files"])
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, settings: Settings, run_worker: bool = True) -> None:
        self.settings = settings
        self.port = _free_port()
        app = create_app(settings, run_worker=run_worker)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.time() + 30
        while not self.server.started:
            assert time.time() < deadline, "server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@pytest.fixture
def server(data_dir: Path) -> Iterator[tuple[Server, dict[str, str]]]:
    """A real uvicorn server on a free port over a fresh data dir, with a token per role."""
    settings = Settings.from_env(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    tokens = {role: auth.create_token(db, f"{role}@test", role) for role in auth.ROLES}
    db.close()
    with Server(settings) as srv:
        yield srv, tokens


@pytest.fixture(scope="module")
def model():
    """The repair model as shipped (an empty archive)."""
    from normalize.repair import load_model

    return load_model()


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory):
    """The repair model after learning the clean seeds 001, 003 and 004."""
    from normalize.repair import learn_clean_text, load_model
    from tests.repair_support import seed

    d = tmp_path_factory.mktemp("adapt")
    for p in ("001", "003", "004"):
        learn_clean_text(d, seed(p))
    return load_model(d)
