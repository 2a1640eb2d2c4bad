"""`POST /webhooks/partner-center/<partner tenant id>/<key>`: where a partner registers
Partner Center's webhook (the key: `partner_center_notifications.address`). An address
without its key is not found and costs nothing more; a notification that does not
verify (see `api.integrations.partner_center_notifications`) is answered 401 and
changes nothing; a verified one is recorded once per partner, however often Partner
Center delivers it, and applied once Partner Center confirms it (a worker job)."""

import functools
import hashlib
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.db import outbox
from api.db.relay import relay_committed
from api.graphql.context import Services
from api.graphql.errors import ErrorCode, error_body
from api.integrations import partner_center_notifications as notifications
from api.partners.models import Partner
from api.relationships.notifications import receive as record
from api.settings import Settings

logger = logging.getLogger("api.partner_center")


def _not_found() -> JSONResponse:
    return JSONResponse(
        error_body(
            "This is not the address of a partner's Partner Center notifications.",
            ErrorCode.NOT_FOUND,
        ),
        status_code=404,
    )


async def receive(request: Request, certificates: notifications.Certificates) -> JSONResponse:
    services: Services = request.app.state.services
    tenant_id = notifications.addressed(
        services.settings, request.path_params["partner"], request.path_params.get("key", "")
    )
    if tenant_id is None:
        return _not_found()
    body = await request.body()
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        notification = await notifications.verify(body, headers, services.settings, certificates)
    except notifications.Unverified as why:
        logger.warning("refused a Partner Center notification: %s", why)
        return JSONResponse(
            error_body(
                "This is not a notification signed by Partner Center.", ErrorCode.UNAUTHENTICATED
            ),
            status_code=401,
        )
    partner = await Partner.get_or_none(tenant_id=tenant_id)
    if partner is None:
        return _not_found()
    with outbox.collecting() as committed:
        outcome = await record(
            partner, notification, services.settings, digest=hashlib.sha256(body).hexdigest()
        )
    await relay_committed(services.redis, services.settings, committed)
    return JSONResponse({"outcome": outcome or "Already received: nothing changed."})


def routes(settings: Settings) -> list[Route]:
    """The routes of one API process, with the certificates it fetches."""
    endpoint = functools.partial(receive, certificates=notifications.Certificates(settings))
    return [
        # Without its key (the form before keys): found nowhere, as a wrong key.
        Route("/webhooks/partner-center/{partner}", endpoint, methods=["POST"]),
        Route("/webhooks/partner-center/{partner}/{key}", endpoint, methods=["POST"]),
    ]
