"""The server's edge: what every HTTP request passes before any route reads its body.

* API calls are authenticated before a byte of their body is read: an anonymous upload is a
  401 at once, not a gigabyte spooled to the temp dir first.
* Request bodies are capped (``SOHOA_MAX_REQUEST_BYTES``; a few KiB when anonymous) both by
  the declared Content-Length and by counting what actually streams in: 413.
* A state-changing request that a browser could send on its own (no ``Authorization:
  Bearer``, so authenticated by the session cookie if at all) must come from this origin:
  Sec-Fetch-Site, Origin or Referer say so, or it is refused (403). SameSite=Lax cookies do
  not stop a page on another port of the same host, which is same-site.
* Security headers on every response (CSP, frame-ancestors, nosniff, Referrer-Policy) and
  ``Cache-Control: no-store`` on pages that show tokens.

It is a plain ASGI middleware so that it sees the raw ``receive`` stream.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from anyio import to_thread

from service import auth

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ANONYMOUS_BODY_BYTES = 16 * 1024  # a login form; nothing anonymous needs more
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NO_STORE = ("/tokens", "/api/v1/tokens", "/login")
DOCS = ("/docs", "/redoc")  # Swagger UI and ReDoc load their scripts from a CDN
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class _TooLarge(Exception):
    """The body streamed past the cap (the 413 has been sent already)."""


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}


def _bearer(headers: dict[str, str]) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _session_id(headers: dict[str, str]) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == auth.SESSION_COOKIE and value:
            return value
    return None


def same_origin(scope: Scope, headers: dict[str, str]) -> bool:
    """Did the browser send this from one of our own pages? Fetch metadata first, then the
    Origin header, then the Referer; a request that says nothing is not trusted."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    own = f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"
    origin = headers.get("origin")
    if origin is not None:
        return origin == own
    referer = headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == own
    return site is not None


def _problem(status: int, title: str, detail: str) -> tuple[dict, bytes]:
    body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail})
    return {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/problem+json")],
    }, body.encode()


async def _send_problem(send: Send, status: int, title: str, detail: str) -> None:
    start, body = _problem(status, title, detail)
    await send(start)
    await send({"type": "http.response.body", "body": body})


class EdgeMiddleware:
    """Authentication before the body, body caps, same-origin checks, security headers."""

    def __init__(self, app: ASGIApp, max_request_bytes: int) -> None:
        self.app = app
        self.max_request_bytes = max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        send = _with_headers(send, scope["path"])
        known = await self._authenticated(scope, headers)
        refusal = self._refusal(scope, headers, known)
        if refusal:
            await _send_problem(send, *refusal)
            return
        cap = self.max_request_bytes if known else ANONYMOUS_BODY_BYTES
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            await _send_problem(send, 413, "Content Too Large", _too_large(cap))
            return
        state = {"sent": False, "started": False}
        try:
            await self.app(scope, _capped(receive, send, cap, state), _guarded(send, state))
        except _TooLarge:
            log.warning("%s %s: body past %d bytes refused", scope["method"], scope["path"], cap)

    async def _authenticated(self, scope: Scope, headers: dict[str, str]) -> bool:
        """Does the request carry a live token or session? (Roles are checked by the route.)"""
        token, sid = _bearer(headers), _session_id(headers)
        db = scope["app"].state.sohoa.db
        if token:
            return await to_thread.run_sync(auth.verify, db, token) is not None
        if sid:
            return await to_thread.run_sync(auth.session_token, db, sid) is not None
        return False

    @staticmethod
    def _refusal(scope: Scope, headers: dict[str, str], known: bool) -> tuple | None:
        path, method = scope["path"], scope["method"]
        if path.startswith("/api/") and not known and method in UNSAFE:
            return 401, "Unauthorized", "a valid API token is required"
        if method in UNSAFE and not _bearer(headers) and not same_origin(scope, headers):
            return 403, "Forbidden", "a cross-origin request cannot change anything here"
        return None


def _too_large(cap: int) -> str:
    return f"the request body is larger than {cap:,} bytes (SOHOA_MAX_REQUEST_BYTES)"


def _capped(receive: Receive, send: Send, cap: int, state: dict) -> Receive:
    """``receive`` that counts body bytes and answers 413 itself past the cap."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                if not state["started"]:
                    state["sent"] = True
                    await _send_problem(send, 413, "Content Too Large", _too_large(cap))
                raise _TooLarge
        return message

    return wrapped


def _guarded(send: Send, state: dict) -> Send:
    """``send`` that drops the app's own answer once the edge has answered."""

    async def wrapped(message: Message) -> None:
        if state["sent"]:
            return
        if message["type"] == "http.response.start":
            state["started"] = True
        await send(message)

    return wrapped


def _with_headers(send: Send, path: str) -> Send:
    """Add the security headers to the response start (replacing the app's own)."""
    extra = list(HEADERS)
    docs = path.startswith(DOCS)
    extra.append((b"content-security-policy", b"frame-ancestors 'none'" if docs else CSP.encode()))
    if path.startswith(NO_STORE):
        extra.append((b"cache-control", b"no-store"))
    names = {k for k, _ in extra}

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            own = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            message["headers"] = own + extra
        await send(message)

    return wrapped
