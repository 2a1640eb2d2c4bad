"""The `/graphql` endpoint: HTTP (POST, GraphiQL on GET) and `graphql-transport-ws`."""

import asyncio
import time
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from api.actors import Actor
from api.graphql.context import Context, Services
from api.graphql.errors import ErrorCode, error_body
from api.graphql.schema import schema
from api.http.auth import AuthenticationError, Principal, TokenVerifier
from api.partners.queries import partner_for_tenant

WS_UNAUTHORIZED = 4401

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


def graphiql_page(strawberry_page: str) -> str:
    if _FETCHER_CALL not in strawberry_page:
        raise RuntimeError("strawberry's GraphiQL page changed: update api/graphql_view.py")
    return strawberry_page.replace(_FETCHER_CALL, _WS_CONNECTION_PARAMS)


async def actor_of(principal: Principal) -> Actor:
    """Who the token's principal is: an actor, with the partner its tenant is."""
    return Actor(
        user_id=principal.user_id,
        tenant_id=principal.tenant_id,
        roles=principal.roles,
        partner=await partner_for_tenant(principal.tenant_id),
    )


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
        await self.websocket.close(code=WS_UNAUTHORIZED, reason="token expired")

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
            **kwargs,
        )
        self.services = services
        self.verifier = verifier
        self._graphiql = graphiql_page(self.graphql_ide_html)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as error:
            # Strawberry answers a request it cannot read (bad JSON, no query…) in plain
            # text; clients get the same JSON error shape as for everything else.
            body = error_body(error.reason, ErrorCode.INVALID)
            response = JSONResponse(body, status_code=error.status_code)
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(self._graphiql)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(services=self.services, request=request)
        principal = request.scope.get("state", {}).get("principal")
        if isinstance(principal, Principal):
            context.actor = await actor_of(principal)
        return context
