"""Every request gets an id; every 5xx answer is JSON carrying it, and the log line says it too.

A 500 used to answer Starlette's plain-text "Internal Server Error", with nothing to find the
traceback by. Now the id is in the answer's body and ``X-Request-ID`` header and in the log
record of the failure, so an operator can go from a user's report to the traceback.

HEAD is answered for every GET route as GET would be, without the body (FastAPI routes answer
only the methods they declare, so HEAD got 405).
"""
from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import HTTPException
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("policy_graph.api")
HEADER = "X-Request-ID"
_HEADER_KEY = HEADER.lower().encode()


def request_id(request: Request) -> str:
    return request.scope.get("state", {}).get("request_id", "")


def server_error(request: Request, status: int, detail: str) -> JSONResponse:
    """A 5xx answer: JSON with the request id, logged with it."""
    rid = request_id(request)
    log.error("%d on %s %s request_id=%s: %s", status, request.method, request.url.path, rid, detail)
    return JSONResponse(status_code=status, content={"detail": detail, "request_id": rid},
                        headers={HEADER: rid})


class RequestIds:
    """Pure ASGI (no body buffering): tags the request with an id, answers HEAD as a bodiless GET."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = secrets.token_hex(8)
        # The state dict is shared with the outer layers (the 500 handler reads it there).
        scope.setdefault("state", {})["request_id"] = rid
        head = scope["method"] == "HEAD"

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == _HEADER_KEY for name, _ in headers):
                    headers.append((_HEADER_KEY, rid.encode()))
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"} if head else scope, receive, tagged)


def install(app: FastAPI) -> None:
    app.add_middleware(RequestIds)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        rid = request_id(request)
        log.error("500 on %s %s request_id=%s", request.method, request.url.path, rid, exc_info=exc)
        return JSONResponse(status_code=500, headers={HEADER: rid},
                            content={"detail": "internal server error; quote the request_id when "
                                               "reporting it", "request_id": rid})

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code >= 500:
            response = server_error(request, exc.status_code, str(exc.detail))
            response.headers.update(exc.headers or {})
            return response
        return await http_exception_handler(request, exc)
