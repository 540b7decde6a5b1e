"""Shared state of the running app, authentication and RFC 9457 problem details."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from schemas import ErrorKind, SohoaError
from service import auth
from service.config import Settings
from service.pipeline import Pipeline
from service.storage.blobs import BlobStore
from service.storage.db import Database
from service.storage.models import TokenRow


@dataclass
class AppState:
    """What every request handler may use; one per app."""

    settings: Settings
    db: Database
    blobs: BlobStore
    pipeline: Pipeline
    wake: threading.Event = field(default_factory=threading.Event)


def get_state(request: Request) -> AppState:
    return request.app.state.sohoa


_bearer = HTTPBearer(auto_error=False)


def session_user(request: Request) -> TokenRow | None:
    """The token behind the UI's session cookie, if the session is live."""
    sid = request.cookies.get(auth.SESSION_COOKIE)
    return auth.session_token(get_state(request).db, sid) if sid else None


def current_token(
    request: Request, creds: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> TokenRow:
    """A bearer token, or the UI's session cookie; nothing anonymous."""
    db = get_state(request).db
    row = auth.verify(db, creds.credentials) if creds else session_user(request)
    if row is None:
        raise HTTPException(401, "a valid API token is required", {"WWW-Authenticate": "Bearer"})
    return row


def require(role: str) -> Callable[..., TokenRow]:
    def check(token: TokenRow = Depends(current_token)) -> TokenRow:
        if not auth.allows(token.role, role):
            raise HTTPException(403, f"this needs the {role} role; the token is {token.role}")
        return token

    return check


_STATUS = {
    ErrorKind.BAD_INPUT: 422,
    ErrorKind.ENCRYPTED: 422,
    ErrorKind.LIMITS: 413,
    ErrorKind.FILE_ACCESS: 500,
    ErrorKind.MISSING_DEPENDENCY: 503,
    ErrorKind.TIMEOUT: 504,
    ErrorKind.INTERNAL: 500,
}


def problem(status: int, title: str, detail: str = "", type_: str = "about:blank") -> JSONResponse:
    """An RFC 9457 problem details response."""
    body = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def sohoa_error_status(err: SohoaError) -> int:
    return _STATUS[err.kind]
