"""Token check, request size limit and privacy-safe access logging.

The token compare is constant-time (hmac.compare_digest) so its timing tells nothing about
the token. The body limit counts bytes as they arrive, so a client that lies about or omits
Content-Length still cannot make the server buffer more than the limit.
"""

from __future__ import annotations

import hmac
import logging
import time

from fastapi import Request

from ..errors import Case2CodeError, Errors
from .errors import error_response

log = logging.getLogger("case2code.api")


TOKEN_COOKIE = "c2c_token"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time: the time taken says nothing about how much of the token was right."""
    return given is not None and hmac.compare_digest(
        given.strip().encode("utf-8"), expected.encode("utf-8")
    )


def bearer(request: Request) -> str | None:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return given if scheme.lower() == "bearer" else None


def require_token(request: Request) -> None:
    expected = request.app.state.settings.token
    if expected is not None and not token_matches(bearer(request), expected):
        raise Case2CodeError("E060", Errors.E060)


def page_allowed(request: Request) -> bool:
    """The page accepts the bearer header or the cookie set by /login."""
    expected = request.app.state.settings.token
    return expected is None or any(
        token_matches(given, expected)
        for given in (bearer(request), request.cookies.get(TOKEN_COOKIE))
    )


async def security_headers(request: Request, call_next):
    """A strict CSP on our pages (scripts only from /static) as a second wall behind escaping."""
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    is_html = response.headers.get("content-type", "").startswith("text/html")
    if is_html and not request.url.path.startswith(("/docs", "/redoc")):
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


class BodyLimit:
    """Pure ASGI middleware: 413 as soon as a request body passes `limit` bytes.

    The body is read (up to the limit) before the app runs and replayed to it, so the refusal
    always comes before any response has started.
    """

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            return await self._refuse(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message], receive), send)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.limit:
                return await self._refuse(scope, receive, send)
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    async def _refuse(self, scope, receive, send):
        response = error_response("E067", Errors.E067.format(limit=self.limit))
        await response(scope, receive, send)


def _replay(messages: list[dict], receive):
    async def replayed():
        return messages.pop(0) if messages else await receive()

    return replayed


async def access_log(request: Request, call_next):
    """Method, path, status and time only: never the body, so no note text reaches the log."""
    started = time.perf_counter()
    response = await call_next(request)
    log.info(
        "%s %s %s %.1fms",
        request.method,
        request.url.path,
        response.status_code,
        (time.perf_counter() - started) * 1000,
    )
    return response
