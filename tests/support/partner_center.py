"""Microsoft's side, faked (outside our world): the stand-in Partner Center and Entra
ID of `api.devtools.partner_center`, served by a real uvicorn over HTTPS in the test's
event loop. Tests steer it and read what it received through `state`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from api.devtools.partner_center import PartnerCenterState, Recorded, Running, running
from api.integrations import partner_center
from api.settings import Settings

__all__ = ["PartnerCenterState", "Recorded", "Running", "bodies", "serving"]

REMOVE_DAP = {"AllowDelegatedAccess": False, "attributes": {"objectType": "Customer"}}
REMOVE_RELATIONSHIP = {"relationshipToPartner": "none", "attributes": {"objectType": "Customer"}}


@asynccontextmanager
async def serving(state: PartnerCenterState | None = None) -> AsyncIterator[Running]:
    async with running(state) as stand_in:
        try:
            yield stand_in
        finally:
            # The clients this process kept for it (the in-process workers') go first:
            # a TLS connection left open holds the server's shutdown for 30 s.
            await partner_center.close_clients()


def bodies(stand_in: Running, customer_tenant_id: object) -> list[object]:
    """The bodies of the calls about one customer, in the order they came."""
    return [call.body for call in stand_in.state.calls if call.customer == str(customer_tenant_id)]


def configured(settings: Settings, stand_in: Running) -> Settings:
    return stand_in.settings(settings)
