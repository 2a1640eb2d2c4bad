"""The `/graphql` endpoint: HTTP (POST, GraphiQL on GET) and `graphql-transport-ws`."""

import asyncio
import json
import time
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api.graphql.context import Context, Services
from api.graphql.errors import ErrorCode, error_body
from api.graphql.schema import schema
from api.http.actors import actor_of
from api.http.auth import AuthenticationError, Principal, TokenVerifier
from api.permissions import Capability, allows, forbidden_message

WS_UNAUTHORIZED = 4401
# JSON arrays and objects nested deeper than this are refused before anything reads
# them: variables that deep are no input of ours, and coercing them recurses.
MAX_JSON_DEPTH = 32
# Subscriptions need a websocket: over HTTP only queries and mutations run, and
# mutations only over POST (GraphQL over HTTP: a GET may be a link, a prefetch, a
# crawler, and its URL ends up in logs and histories).
OPERATIONS_BY_METHOD = {
    "GET": {OperationType.QUERY},
    "POST": {OperationType.QUERY, OperationType.MUTATION},
}


class RequestRefused(HTTPException):
    """A request refused before execution, with the GraphQL error code to answer."""

    def __init__(
        self,
        status_code: int,
        reason: str,
        code: ErrorCode = ErrorCode.INVALID,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status_code, reason)
        self.code = code
        self.headers = headers


def _nesting_depth(value: object) -> int:
    """How deep arrays and objects nest in a decoded JSON value (iteratively, so a
    deep value cannot exhaust the stack)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return deepest
            pending.extend((child, depth + 1) for child in item)
    return deepest


# Strawberry's GraphiQL opens websockets without the headers from its headers editor,
# but our websockets authenticate in `connection_init`: hand it the Authorization
# header GraphiQL keeps in localStorage, read at each (re)connection.
_FETCHER_CALL = "subscriptionUrl,\n      });"
_WS_CONNECTION_PARAMS = """subscriptionUrl,
        wsConnectionParams: () => {
          let headers = {};
          try {
            headers = JSON.parse(localStorage.getItem("graphiql:headers") || "{}") || {};
          } catch (error) {}
          const name = Object.keys(headers).find((key) => key.toLowerCase() === "authorization");
          return name ? { authorization: headers[name] } : {};
        },
      });"""


# The page's assets, from the package instead of unpkg.com (see the README beside them).
_ASSETS = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}


# GraphiQL is drawn by our sign-in module once a token is known (see that module).
_RENDER = """const root = ReactDOM.createRoot(document.getElementById("graphiql"));
      root.render(React.createElement(GraphiQLWithExplorer));"""
_RENDER_LATER = """window.startGraphiQL = (container) =>
        ReactDOM.createRoot(container).render(React.createElement(GraphiQLWithExplorer));"""
_END_OF_BODY = "</body>"


def graphiql_page(strawberry_page: str, static: str) -> str:
    """Strawberry's page, its assets served from `{static}/graphiql`, drawn once
    `{static}/graphiql-sign-in.js` has a token."""
    edits = {
        _FETCHER_CALL: _WS_CONNECTION_PARAMS,
        _RENDER: _RENDER_LATER,
        _END_OF_BODY: f'<script type="module" src="{static}/graphiql-sign-in.js"></script>\n'
        + _END_OF_BODY,
        **{url: f"{static}/graphiql/{name}" for url, name in _ASSETS.items()},
    }
    missing = [text for text in edits if strawberry_page.count(text) != 1]
    if missing:
        raise RuntimeError(
            f"strawberry's GraphiQL page changed ({missing[0]}): update api/http/graphql_view.py"
        )
    page = strawberry_page
    for text, replacement in edits.items():
        page = page.replace(text, replacement)
    return page


class AuthenticatingTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Authenticates the `connection_init` payload's `authorization` entry; a bad or
    missing token closes the socket with 4401 (strawberry's own rejection is 4403)."""

    _expiry: "asyncio.Task[None] | None" = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if isinstance(payload, dict) and not self.connection_init_received:
            authorization = payload.get("authorization") or payload.get("Authorization")
            try:
                assert isinstance(self.view, GraphQLView)
                principal = await self.view.verifier.from_authorization(
                    authorization if isinstance(authorization, str) else None
                )
            except AuthenticationError as error:
                await self.websocket.close(code=WS_UNAUTHORIZED, reason=str(error)[:120])
                return
            self.context.actor = await actor_of(principal)
            if principal.expires_at is not None:
                self._expiry = asyncio.create_task(self._close_when_expired(principal.expires_at))
        await super().handle_connection_init(message)

    async def _close_when_expired(self, expires_at: float) -> None:
        """A socket lives no longer than the token it was opened with."""
        await asyncio.sleep(max(0.0, expires_at - time.time()))
        await self.websocket.close(code=WS_UNAUTHORIZED, reason="The token has expired.")

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        await super().shutdown()


class GraphQLView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = AuthenticatingTransportWSHandler

    def __init__(self, services: Services, verifier: TokenVerifier, **kwargs: Any) -> None:
        super().__init__(
            schema,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            allowed_origins=services.settings.allowed_origins,
            graphql_ide="graphiql" if services.settings.graphql_ide else None,
            **kwargs,
        )
        self.services = services
        self.verifier = verifier
        self._graphiql = graphiql_page(self.graphql_ide_html, "/static") if self.graphql_ide else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as error:
            # Strawberry answers a request it cannot read (bad JSON, no query…) in plain
            # text; clients get the same JSON error shape as for everything else.
            if not isinstance(error, RequestRefused):
                error = RequestRefused(error.status_code, error.reason)
            response = JSONResponse(
                error_body(error.reason, error.code),
                status_code=error.status_code,
                headers=error.headers,
            )
        await response(scope, receive, send)

    def decode_json(self, data: str | bytes) -> object:
        """The request body, refused unless it is UTF-8 JSON of one request object
        nested no deeper than `MAX_JSON_DEPTH`."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError as error:
            raise RequestRefused(400, "The request body is not UTF-8 text.") from error
        try:
            value = json.loads(text)
        except RecursionError as error:
            raise RequestRefused(400, self._too_deep) from error
        if not isinstance(value, dict):
            raise RequestRefused(
                400, "The request body must be one JSON object holding a query (no batches)."
            )
        if _nesting_depth(value) > MAX_JSON_DEPTH:
            raise RequestRefused(400, self._too_deep)
        if not isinstance(value.get("operationName"), (str, type(None))):
            raise RequestRefused(400, "The operation name must be a string or null.")
        return value

    _too_deep = f"The request nests objects or arrays more than {MAX_JSON_DEPTH} levels deep."

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: Any,
    ) -> ExecutionResult:
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=OPERATIONS_BY_METHOD[request.method],
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            name = error.operation_name
            raise RequestRefused(
                400,
                f'The query holds no operation named "{name}".'
                if name is not None
                else "The query holds no operation to run.",
            ) from error
        except MissingQueryError as error:
            raise RequestRefused(400, "No GraphQL query found in the request.") from error
        except InvalidOperationTypeError as error:
            if error.operation_type == OperationType.MUTATION:
                raise RequestRefused(
                    405,
                    "A mutation is sent with POST; GET only runs queries.",
                    headers={"Allow": "POST"},
                ) from error
            if not allows(context.actor, Capability.SUBSCRIBE):
                raise RequestRefused(
                    403, forbidden_message(Capability.SUBSCRIBE, context.actor), ErrorCode.FORBIDDEN
                ) from error
            raise RequestRefused(
                400,
                "Subscriptions are served over a websocket (graphql-transport-ws) at this "
                "same address, not over HTTP.",
            ) from error

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        headers = {
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "frame-ancestors 'none'",
            "Referrer-Policy": "no-referrer",
        }
        return HTMLResponse(self._graphiql, headers=headers)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(services=self.services, request=request)
        principal = request.scope.get("state", {}).get("principal")
        if isinstance(principal, Principal):
            context.actor = await actor_of(principal)
        return context
