"""API tokens with roles. Only a token's sha256 is stored; the token is shown once."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from sqlalchemy import func, select

from service.storage.db import Database
from service.storage.models import TokenRow

ROLES = ("reader", "archivist", "admin")
_RANK = {r: i for i, r in enumerate(ROLES)}


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
        return s.scalar(
            select(TokenRow).where(TokenRow.token_hash == _hash(token), TokenRow.revoked.is_(False))
        )


def allows(role: str, needed: str) -> bool:
    """Roles are ordered: an admin may do what an archivist may, who may do what a reader may."""
    return _RANK.get(role, -1) >= _RANK[needed]


def list_tokens(db: Database) -> list[TokenRow]:
    with db.session() as s:
        return list(s.scalars(select(TokenRow).order_by(TokenRow.id)))


def revoke(db: Database, token_id: int) -> bool:
    with db.session() as s:
        row = s.get(TokenRow, token_id)
        if row is None:
            return False
        row.revoked = True
        return True


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
