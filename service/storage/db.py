"""Engine, sessions and schema migration (Alembic, run programmatically at start-up)."""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from pydantic import BaseModel
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class ModelJSON:
    """A JSON column's value given as the typed model it is the dump of: pydantic writes
    its JSON text at flush (:func:`json_text`), without the tree of dicts and lists that
    ``model_dump`` builds first. A long scan's record is ~8,300 spans with their boxes: as
    dicts they outweighed the JSON text itself several times over (issue #22). The text
    equals ``json.dumps(model.model_dump(mode="json"))`` once parsed."""

    __slots__ = ("model",)

    def __init__(self, model: BaseModel) -> None:
        self.model = model


# A run of UTF-8 bytes outside ASCII: in JSON text only ever inside a string.
_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_ESCAPE = "sohoa-json-escape"


def _escape(err: UnicodeError) -> tuple[str, int]:
    """Decoding JSON text as ASCII: the run of UTF-8 bytes at the error as its ``\\u``
    escapes (pairs past the BMP), as ``json.dumps`` writes them."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    run = _NON_ASCII.match(err.object, err.start)
    end = run.end() if run else err.end
    return json.dumps(err.object[err.start : end].decode())[1:-1], end


codecs.register_error(_ESCAPE, _escape)


def json_text(value: Any) -> str:
    """The engine's JSON serialiser: a :class:`ModelJSON` by pydantic, anything else as
    SQLAlchemy's default does (``json.dumps``).

    Both give ASCII text, as ``json.dumps`` does: a Python string of Vietnamese text takes
    2 bytes a character, and the driver binds a UTF-8 copy of it beside it; an ASCII one
    takes 1 and is its own UTF-8. Pydantic writes UTF-8 bytes, whose non-ASCII runs (only
    ever inside JSON strings) become their ``\\u`` escapes as they are decoded."""
    if isinstance(value, ModelJSON):
        return value.model.__pydantic_serializer__.to_json(value.model).decode("ascii", _ESCAPE)
    return json.dumps(value)


def _sqlite_pragmas(dbapi_conn: Any, _record: object) -> None:
    """WAL lets readers (API, UI) run while a batch writes; busy_timeout avoids lock errors."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _private_file(path: Path) -> None:
    """The SQLite file holds every record and token hash: owner only (0600, folder 0700),
    as the originals are. SQLite gives its -wal and -shm files the same mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and a busy timeout, PostgreSQL uses psycopg 3."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            _private_file(Path(path))
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            json_serializer=json_text,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=json_text)


# pg_advisory_xact_lock key of schema migration: any constant no other lock uses
MIGRATION_LOCK = 0x50A0A_0001


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent).

    On PostgreSQL, processes that start together on one database (two `sohoa worker`s, a
    worker and the server) take turns: without the lock both create the tables of a fresh
    database and one dies on a duplicate. The lock ends with the migration's transaction."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    """An engine plus a session factory, migrated on open."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed on success, rolled back on any error."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
