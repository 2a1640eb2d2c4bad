"""A customer sync asked for by a person (`syncCustomers`, the dashboard's "Sync with
Partner Center"), and what the last sync of a partner did (docs/behaviour.md,
"Customer sync").

The request queues the sync job (an outbox row, run by the worker after the commit),
unless one is queued or running already: asking twice runs one sync. Only the partner
Partner Center's credentials act for (PARTNER_CENTER_TENANT_ID) can be synced; for any
other, the request is refused, since its customers cannot be read.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from api.actors import Actor
from api.audit.models import AuditAction, AuditEvent
from api.db.outbox import OutboxJob
from api.db.transaction import atomic
from api.errors import UserErrorCode, UserInputError
from api.jobs import Job, JobArgs, JobContext
from api.partners.models import Partner
from api.relationships.sync import sync_configured
from api.relationships.tally import Tally
from api.settings import Settings

NOT_CONNECTED = (
    "Partner Center is not connected for your organisation, so there is nothing to sync "
    "the customer list with."
)


class SyncCustomers(JobArgs):
    partner_id: UUID


@dataclass(frozen=True)
class SyncState:
    """What a partner's customer list knows of its syncs."""

    # Partner Center's credentials act for this partner: it can be synced.
    available: bool
    # A sync asked for and not done yet (queued or running).
    pending: bool
    # The last sync that ended: when, and what it did to the customer list.
    synced_at: datetime | None
    counts: Tally | None


def connected(settings: Settings, partner: Partner) -> bool:
    return settings.partner_center_configured and settings.partner_center_tenant_id == (
        partner.tenant_id
    )


async def _pending(partner: Partner) -> bool:
    # Read in Python: JSON lookups differ between the backends, and open sync rows
    # are few (one a partner at most).
    open_rows = await OutboxJob.filter(function=SYNC_CUSTOMERS.name, completed_at=None)
    return any(SYNC_CUSTOMERS.read(row.kwargs).partner_id == partner.id for row in open_rows)


async def state(settings: Settings, partner: Partner) -> SyncState:
    last = (
        await AuditEvent.filter(partner_id=partner.id, action=AuditAction.CUSTOMERS_SYNCED)
        .order_by("-occurred_at")
        .first()
    )
    counts = None
    if last is not None:
        counts = Tally(**{name: int(last.details.get(name, 0)) for name in Tally().as_dict()})
    return SyncState(
        available=connected(settings, partner),
        pending=await _pending(partner),
        synced_at=last.occurred_at if last is not None else None,
        counts=counts,
    )


async def request(actor: Actor, settings: Settings) -> SyncState:
    """Queues a sync of the actor's partner, unless one is pending already."""
    partner = actor.acting_partner
    if not connected(settings, partner):
        raise UserInputError(UserErrorCode.NOT_CONNECTED, NOT_CONNECTED)
    async with atomic():
        # Locked, so that two requests at once queue one sync (PostgreSQL; SQLite
        # writes one transaction at a time anyway).
        await Partner.filter(id=partner.id).select_for_update().first()
        if not await _pending(partner):
            await SYNC_CUSTOMERS.enqueue(SyncCustomers(partner_id=partner.id))
    return await state(settings, partner)


async def _run(job: JobContext, args: SyncCustomers) -> None:
    partner = await Partner.get(id=args.partner_id)
    if connected(job.settings, partner):  # the configuration may have changed since
        await sync_configured(job.settings)


SYNC_CUSTOMERS = Job("sync_customers_asked", SyncCustomers, _run)
