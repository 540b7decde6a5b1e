"""API tokens with roles, and UI sessions. Only sha256 hashes are stored: a token is shown
once, a session id lives only in the browser's cookie."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import UTC, timedelta
from pathlib import Path

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.storage.db import Database
from service.storage.models import SessionRow, TokenRow, utcnow

log = logging.getLogger(__name__)

ROLES = ("reader", "archivist", "admin")
SESSION_COOKIE = "sohoa_session"
_RANK = {r: i for i, r in enumerate(ROLES)}
# How stale tokens.last_used may be: it is a date for an admin to read ("is this token still
# used?"), so one write a minute per token is enough, whatever the request rate.
LAST_USED_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, name: str, role: str) -> str:
    """Create a token and return it in clear (the only time it is seen)."""
    if role not in _RANK:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    token = f"sohoa_{secrets.token_urlsafe(24)}"
    with db.session() as s:
        s.add(TokenRow(name=name, role=role, token_hash=_hash(token)))
    return token


def verify(db: Database, token: str) -> TokenRow | None:
    with db.session() as s:
        row = s.scalar(
            select(TokenRow).where(TokenRow.token_hash == _hash(token), TokenRow.revoked.is_(False))
        )
        return touch(s, row)


def touch(s: Session, row: TokenRow | None) -> TokenRow | None:
    """Note that ``row`` was used now, unless that was noted less than LAST_USED_EVERY ago
    (a conditional UPDATE: two requests at once write once)."""
    if row is None:
        return None
    now = utcnow()
    last = row.last_used
    if last is not None and last.tzinfo is None:  # SQLite returns naive UTC
        last = last.replace(tzinfo=UTC)
    if last is None or now - last >= LAST_USED_EVERY:
        stale = now - LAST_USED_EVERY
        s.execute(
            update(TokenRow)
            .where(TokenRow.id == row.id)
            .where(or_(TokenRow.last_used.is_(None), TokenRow.last_used <= stale))
            .values(last_used=now)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(row, "last_used", now)  # as stored: nothing more to write
    return row


def allows(role: str, needed: str) -> bool:
    """Roles are ordered: an admin may do what an archivist may, who may do what a reader may."""
    return _RANK.get(role, -1) >= _RANK[needed]


def list_tokens(db: Database) -> list[TokenRow]:
    with db.session() as s:
        return list(s.scalars(select(TokenRow).order_by(TokenRow.id)))


class LastAdminError(ValueError):
    """Revoking this token would leave nobody able to manage tokens."""


def revoke(db: Database, token_id: int) -> bool:
    """Revoke a token (its sessions end with it); False when there is no such token.

    Raises LastAdminError for the last live admin token: without one the archive could
    only be managed again from the command line of the server."""
    with db.session() as s:
        row = s.get(TokenRow, token_id)
        if row is None:
            return False
        if row.role == "admin" and not row.revoked:
            admins = (
                s.scalar(
                    select(func.count(TokenRow.id)).where(
                        TokenRow.role == "admin", TokenRow.revoked.is_(False)
                    )
                )
                or 0
            )
            if admins <= 1:
                raise LastAdminError("the last admin token cannot be revoked")
        row.revoked = True
        s.execute(delete(SessionRow).where(SessionRow.token_id == token_id))
        return True


def start_session(db: Database, token: TokenRow, hours: float) -> str:
    """A new UI session for a verified token; returns the id for the cookie."""
    sid = secrets.token_urlsafe(32)
    with db.session() as s:
        s.execute(delete(SessionRow).where(SessionRow.expires_at < utcnow()))
        s.add(
            SessionRow(
                session_hash=_hash(sid),
                token_id=token.id,
                expires_at=utcnow() + timedelta(hours=hours),
            )
        )
    log.info("UI session started for token %d (%s)", token.id, token.role)
    return sid


def session_token(db: Database, sid: str) -> TokenRow | None:
    """The token behind a live session: unexpired, and its token not revoked."""
    with db.session() as s:
        row = s.scalar(
            select(TokenRow)
            .join(SessionRow, SessionRow.token_id == TokenRow.id)
            .where(
                SessionRow.session_hash == _hash(sid),
                SessionRow.expires_at > utcnow(),
                TokenRow.revoked.is_(False),
            )
        )
        return touch(s, row)


def end_session(db: Database, sid: str) -> None:
    """Logout: the session id is worthless from now on, whoever holds a copy."""
    with db.session() as s:
        s.execute(delete(SessionRow).where(SessionRow.session_hash == _hash(sid)))


def ensure_admin_token(db: Database, data_dir: Path) -> str | None:
    """On first start (no tokens at all) create an admin token, keep it in the data dir
    (mode 0600, so `make run` can show it again) and return it; else return None."""
    with db.session() as s:
        if s.scalar(select(func.count(TokenRow.id))):
            return None
    token = create_token(db, "admin (first start)", "admin")
    path = data_dir / "admin-token"
    path.write_text(token + "\n")
    path.chmod(0o600)
    return token
