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


def require_token(request: Request) -> None:
    expected = request.app.state.settings.token
    if expected is None:
        return
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("utf-8"), expected.encode("utf-8")
    ):
        raise Case2CodeError("E060", Errors.E060)


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
