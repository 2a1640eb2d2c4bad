"""ASGI middleware: request ids, the request body limit, and bearer authentication."""

import asyncio
import contextlib
import json
import logging
from collections.abc import Sequence
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.graphql.errors import ErrorCode, error_body
from api.http.auth import AuthenticationError, TokenVerifier
from api.logs import new_request_id, request_id_var

logger = logging.getLogger("api.http")

MAX_BODY_BYTES = 1024 * 1024
# The request line and headers: h11 (`api.app.SERVER_OPTIONS`) stops buffering a head
# past 32 KiB; a head that arrived whole is measured here.
MAX_HEADER_BYTES = 32 * 1024
# After refusing a body, what is still coming is read and dropped (up to this much,
# for at most this long) so that the client, still sending, can read the answer
# rather than meet a connection reset.
DRAIN_BYTES = 64 * MAX_BODY_BYTES
DRAIN_SECONDS = 10.0


async def send_json(
    send: Send, status: int, body: dict[str, Any], headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class TrackingSend:
    """A `send` that remembers whether the response has started (after which an error
    can no longer be answered with a response of its own)."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)


class RequestIdMiddleware:
    """Tags each request with an id: in the `X-Request-ID` response header, in masked
    errors and in the log, so a user's report leads straight to the stack trace."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        token = request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


class UnexpectedErrorMiddleware:
    """An exception outside GraphQL execution (e.g. the database down while building the
    request context) becomes a JSON GraphQL error with the request id, logged with its
    stack trace under that id, instead of a plain-text 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracked = TrackingSend(send)
        try:
            await self.app(scope, receive, tracked)
        except Exception:
            request_id = request_id_var.get()
            logger.exception("unexpected error (request id %s)", request_id)
            if tracked.started:
                raise
            body = error_body(f"Internal error (request id {request_id}).", ErrorCode.INTERNAL)
            body["errors"][0]["extensions"]["requestId"] = request_id
            await send_json(send, 500, body)


class _BodyTooLarge(Exception):
    pass


class SizeLimitMiddleware:
    """431 for headers over their limit. 413 for a body over the limit: from
    Content-Length before reading anything, or while reading a body sent without one.
    The answer goes out at once; the connection closes once the client has stopped
    sending (or the drain's bounds are reached)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if sum(len(name) + len(value) for name, value in scope["headers"]) > MAX_HEADER_BYTES:
            message = f"The request headers are larger than {MAX_HEADER_BYTES} bytes."
            await send_json(send, 431, error_body(message, ErrorCode.PAYLOAD_TOO_LARGE))
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._refuse(send, receive)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        tracked = TrackingSend(send)
        try:
            await self.app(scope, counting_receive, tracked)
        except _BodyTooLarge:
            if not tracked.started:
                await self._refuse(send, receive)

    async def _refuse(self, send: Send, receive: Receive) -> None:
        message = f"The request body is larger than {self.max_bytes} bytes."
        payload = json.dumps(error_body(message, ErrorCode.PAYLOAD_TOO_LARGE)).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        # The whole answer is on its way; the response ends after the drain.
        await send({"type": "http.response.body", "body": payload, "more_body": True})
        await _drain(receive)
        await send({"type": "http.response.body", "body": b""})


async def _drain(receive: Receive) -> None:
    drained = 0
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            while drained < DRAIN_BYTES:
                message = await receive()
                if message["type"] != "http.request" or not message.get("more_body"):
                    return
                drained += len(message.get("body", b""))


class BearerAuthMiddleware:
    """Authenticates GraphQL requests over HTTP; the principal lands in `scope["state"]`.

    The GraphiQL page (a GET without a query) needs no token; websockets authenticate
    in their `connection_init` message instead (see `api.http.graphql_view`).
    """

    def __init__(self, app: ASGIApp, verifier: TokenVerifier) -> None:
        self.app = app
        self.verifier = verifier

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_ide_page(scope):
            await self.app(scope, receive, send)
            return
        try:
            principal = await self.verifier.from_authorization(
                Headers(scope=scope).get("authorization")
            )
        except AuthenticationError as error:
            body = error_body(str(error), ErrorCode.UNAUTHENTICATED)
            body["errors"][0]["extensions"]["reason"] = error.reason
            await send_json(
                send, 401, body, [(b"www-authenticate", b'Bearer realm="partner-connect"')]
            )
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


def _is_ide_page(scope: Scope) -> bool:
    return scope["method"] == "GET" and "query" not in QueryParams(scope["query_string"])
