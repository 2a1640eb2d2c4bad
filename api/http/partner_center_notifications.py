"""`POST /webhooks/partner-center/<partner tenant id>`: where a partner registers
Partner Center's webhook. A notification that does not verify (see
`api.integrations.partner_center_notifications`) is answered 401 and changes nothing;
a verified one is applied once, however often Partner Center delivers it."""

import hashlib
import logging
from uuid import UUID

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.db import outbox
from api.db.relay import relay_committed
from api.graphql.context import Services
from api.graphql.errors import ErrorCode, error_body
from api.integrations import partner_center_notifications as notifications
from api.partners.models import Partner
from api.relationships.notifications import apply

logger = logging.getLogger("api.partner_center")


async def receive(request: Request) -> JSONResponse:
    services: Services = request.app.state.services
    body = await request.body()
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        notification = await notifications.verify(body, headers, services.settings)
    except notifications.Unverified as why:
        logger.warning("refused a Partner Center notification: %s", why)
        return JSONResponse(
            error_body(
                "This is not a notification signed by Partner Center.", ErrorCode.UNAUTHENTICATED
            ),
            status_code=401,
        )
    try:
        tenant_id = UUID(request.path_params["partner"])
    except ValueError:
        tenant_id = None
    partner = await Partner.get_or_none(tenant_id=tenant_id) if tenant_id else None
    if partner is None:
        return JSONResponse(
            error_body("No partner of Partner Connect has this tenant.", ErrorCode.NOT_FOUND),
            status_code=404,
        )
    with outbox.collecting() as committed:
        outcome = await apply(
            partner, notification, services.settings, digest=hashlib.sha256(body).hexdigest()
        )
    await relay_committed(services.redis, services.settings, committed)
    return JSONResponse({"outcome": outcome or "Already received: nothing changed."})


ROUTES = [Route("/webhooks/partner-center/{partner}", receive, methods=["POST"])]
