"""The `/graphql` endpoint: HTTP (POST, GraphiQL on GET) and `graphql-transport-ws`."""

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from api.auth import AuthenticationError, Principal
from api.context import Context
from api.partners.service import partner_for_tenant
from api.services import Services

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


async def attach_principal(context: Context, principal: Principal) -> None:
    context.principal = principal
    context.partner = await partner_for_tenant(principal.tenant_id)


class AuthenticatingTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Authenticates the `connection_init` payload's `authorization` entry; a bad or
    missing token closes the socket with 4401 (strawberry's own rejection is 4403)."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        if isinstance(payload, dict) and not self.connection_init_received:
            authorization = payload.get("authorization") or payload.get("Authorization")
            try:
                principal = await self.context.services.verifier.from_authorization(
                    authorization if isinstance(authorization, str) else None
                )
            except AuthenticationError as error:
                await self.websocket.close(code=WS_UNAUTHORIZED, reason=str(error)[:120])
                return
            await attach_principal(self.context, principal)
        await super().handle_connection_init(message)


class GraphQLView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = AuthenticatingTransportWSHandler

    def __init__(self, services: Services, **kwargs: Any) -> None:
        from api.schema import schema

        super().__init__(
            schema,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            allowed_origins=services.settings.allowed_origins,
            **kwargs,
        )
        self.services = services
        self._graphiql = graphiql_page(self.graphql_ide_html)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(self._graphiql)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(services=self.services, request=request)
        principal = request.scope.get("state", {}).get("principal")
        if isinstance(principal, Principal):
            await attach_principal(context, principal)
        return context
