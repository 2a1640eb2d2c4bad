"""What Partner Center tells us of a partner's customers, through its webhook
notifications (docs/behaviour.md, "Notifications from Partner Center"): a customer
that accepted a reseller relationship through Microsoft's own link, DAP that the
customer or Microsoft ended, GDAP relationships approved, activated, expired or
terminated.

A notification names the customer, never the partner, so it is never applied on its
own word: it is recorded once per partner (whatever number of times Partner Center
delivers it), then a job asks Partner Center, with that partner's credentials, for
what the notification claims (the customer, or the GDAP relationship) and applies
what Partner Center answers, in one transaction. Without that partner's credentials
nothing can confirm it, and nothing is applied.
"""

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from tortoise.exceptions import IntegrityError

from api.actors import Actor
from api.audit import log as audit
from api.audit.models import AuditAction
from api.customers.models import Customer
from api.db.retention import delete_before
from api.db.transaction import atomic
from api.errors import UserInputError
from api.events import publishing
from api.events.models import RelationshipChange, RelationshipChanged
from api.integrations import partner_center
from api.integrations.partner_center import Call, PartnerCenterClient
from api.integrations.partner_center_notifications import Notification
from api.jobs import Failure, Job, JobArgs, JobContext
from api.partners.models import Partner
from api.relationships import reseller
from api.relationships.gdap_sync import STATUSES
from api.relationships.models import (
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    GdapRelationship,
    GdapStatus,
    PartnerCenterNotification,
)
from api.relationships.sync import Listed
from api.settings import Settings
from api.webhooks import delivery as webhooks
from api.webhooks.models import WebhookEventType

logger = logging.getLogger("api.partner_center")

_CUSTOMER = re.compile(r"/customers/([0-9a-fA-F-]{36})(?:[/?]|$)")
_GDAP = re.compile(r"/delegatedAdminRelationships/([A-Za-z0-9-]{1,100})(?:[/?]|$)")

RECEIVED = "Received: Partner Center is being asked to confirm it."
IGNORED = "Not an event Partner Connect acts on."
UNCONFIRMABLE = (
    "Not applied: Partner Connect holds no Partner Center credentials for this partner "
    "to confirm it with."
)
NOT_CONFIRMED = "Not applied: Partner Center does not confirm it for this partner."
UNANSWERED = "Not applied: Partner Center did not answer when asked to confirm it."
UNKNOWN_CUSTOMER = "A customer Partner Connect does not know yet: the next sync brings it in."
UNKNOWN_GDAP = "A GDAP relationship Partner Connect does not know yet: the next sync brings it in."


def _tenant(resource_uri: str) -> UUID | None:
    found = _CUSTOMER.search(resource_uri)
    return UUID(found[1]) if found else None


class ConfirmNotification(JobArgs):
    notification_id: UUID


@dataclass(frozen=True)
class Handler:
    """How one kind of notification is confirmed: what to ask Partner Center (None:
    nothing it could confirm), then, in the transaction, what to do with its answer
    (the resource, None when Partner Center knows none of the partner's)."""

    ask: Callable[[PartnerCenterClient, str, Call], Awaitable[dict[str, Any] | None]]
    apply: Callable[[Partner, PartnerCenterNotification, dict[str, Any]], Awaitable[str]]


async def _ask_customer(
    client: PartnerCenterClient, resource_uri: str, call: Call
) -> dict[str, Any] | None:
    tenant_id = _tenant(resource_uri)
    return await client.customer(tenant_id, call) if tenant_id else None


async def _ask_gdap(
    client: PartnerCenterClient, resource_uri: str, call: Call
) -> dict[str, Any] | None:
    found = _GDAP.search(resource_uri)
    return await client.gdap_relationship(found[1], call) if found else None


def _listed(row: PartnerCenterNotification, resource: dict[str, Any]) -> Listed | None:
    """The customer Partner Center answered, when it is the one the notification named."""
    try:
        listed = Listed.read(resource)
    except (KeyError, TypeError, ValueError, UserInputError):
        logger.warning("Partner Center's customer for notification %s is unreadable", row.id)
        return None
    return listed if listed.tenant_id == _tenant(row.resource_uri) else None


async def _reseller_accepted(
    partner: Partner, row: PartnerCenterNotification, resource: dict[str, Any]
) -> str:
    listed = _listed(row, resource)
    if listed is None or not listed.resold:
        return NOT_CONFIRMED
    customer = await Customer.get_or_none(tenant_id=listed.tenant_id)
    if customer is None:
        # Accepted through Microsoft's link before any sync saw it.
        customer = await Customer.create(id=uuid4(), **listed.customer_fields())
    return await _establish_accepted(partner, customer, row.changed_at)


async def _establish_accepted(partner: Partner, customer: Customer, at: datetime) -> str:
    if await reseller.holds_reseller(partner.id, customer.id):
        return "Already a reseller relationship."
    await reseller.establish(
        partner.id, customer.id, channel=None, indirect_provider_id=None, at=at
    )
    await publishing.after_commit(
        [partner.id],
        RelationshipChanged(
            kind=RelationshipChange.ESTABLISHED,
            customer_tenant_id=customer.tenant_id,
            occurred_at=at,
        ),
    )
    await webhooks.notify(
        [partner.id],
        WebhookEventType.RESELLER_RELATIONSHIP_ACCEPTED_BY_CUSTOMER,
        {
            "customerTenantId": str(customer.tenant_id),
            "customerName": customer.company_name,
            "defaultDomain": customer.default_domain,
            "through": "partner-center",
        },
        occurred_at=at,
    )
    return "Reseller relationship established."


async def _delegated_admin_ended(
    partner: Partner, row: PartnerCenterNotification, resource: dict[str, Any]
) -> str:
    listed = _listed(row, resource)
    if listed is None or resource.get("allowDelegatedAccess") is not False:
        return NOT_CONFIRMED
    customer = await Customer.get_or_none(tenant_id=listed.tenant_id)
    if customer is None:
        return UNKNOWN_CUSTOMER
    at = row.changed_at
    ended = await DelegatedAdminGrant.filter(
        partner_id=partner.id,
        customer_id=customer.id,
        status__in=[DelegatedAdminStatus.ACTIVE, DelegatedAdminStatus.REVOKING],
    ).update(status=DelegatedAdminStatus.REVOKED, revoked_at=at)
    if not ended:
        return "No delegated admin privileges to end."
    await publishing.after_commit(
        [partner.id],
        RelationshipChanged(
            kind=RelationshipChange.DELEGATED_ADMIN_REVOKED,
            customer_tenant_id=customer.tenant_id,
            occurred_at=at,
            delegated_admin_revoked=True,
        ),
    )
    await webhooks.notify(
        [partner.id],
        WebhookEventType.DAP_ADMIN_RELATIONSHIP_TERMINATED,
        {
            "customerTenantId": str(customer.tenant_id),
            "by": "microsoft" if row.event_name.endswith("by-microsoft") else "customer",
        },
        occurred_at=at,
    )
    return "Delegated admin privileges ended."


async def _gdap_changed(
    partner: Partner, row: PartnerCenterNotification, resource: dict[str, Any]
) -> str:
    """Graph's status is applied, whichever change the notification announced."""
    found = _GDAP.search(row.resource_uri)
    status = STATUSES.get(str(resource.get("status", "")).lower())
    if found is None or status is None or resource.get("id") != found[1]:
        return NOT_CONFIRMED
    relationship = await GdapRelationship.get_or_none(partner_id=partner.id, graph_id=found[1])
    if relationship is None:
        return UNKNOWN_GDAP
    if relationship.status is status:
        return f"GDAP relationship already {status.value}."
    await GdapRelationship.filter(id=relationship.id).update(status=status)
    if status is GdapStatus.EXPIRED:
        customer = await Customer.get(id=relationship.customer_id)
        await webhooks.notify(
            [partner.id],
            WebhookEventType.GRANULAR_ADMIN_RELATIONSHIP_EXPIRED,
            {
                "customerTenantId": str(customer.tenant_id),
                "relationshipId": relationship.graph_id,
                "displayName": relationship.display_name,
            },
            occurred_at=row.changed_at,
        )
    return f"GDAP relationship now {status.value}."


_ON_CUSTOMER = Handler(_ask_customer, _reseller_accepted)
_ON_DAP = Handler(_ask_customer, _delegated_admin_ended)
_ON_GDAP = Handler(_ask_gdap, _gdap_changed)
HANDLERS: dict[str, Handler] = {
    "reseller-relationship-accepted-by-customer": _ON_CUSTOMER,
    "dap-admin-relationship-terminated": _ON_DAP,
    "dap-admin-relationship-terminated-by-microsoft": _ON_DAP,
    "granular-admin-relationship-approved": _ON_GDAP,
    "granular-admin-relationship-activated": _ON_GDAP,
    "granular-admin-relationship-expired": _ON_GDAP,
    "granular-admin-relationship-terminated": _ON_GDAP,
}


STALE = "About a change older than received notifications are kept: not applied."


def _kept_since(settings: Settings) -> datetime:
    return datetime.now(UTC) - timedelta(days=settings.partner_center_notification_retention_days)


async def purge_received(settings: Settings) -> int:
    """Received notifications older than the retention are deleted, by when they came
    and by the change they are about (a clock ahead of ours must not leave a window):
    a redelivery of one is then refused as stale (see `receive`)."""
    since = _kept_since(settings)
    return await delete_before(
        PartnerCenterNotification, "received_at", since, changed_at__lt=since
    )


async def _conclude(partner: Partner, row: PartnerCenterNotification, outcome: str) -> None:
    """What the notification did, kept with it and in the audit log."""
    await PartnerCenterNotification.filter(id=row.id).update(outcome=outcome)
    customer = _tenant(row.resource_uri)
    await audit.record(
        Actor.system(partner),
        partner_id=partner.id,
        action=AuditAction.PARTNER_CENTER_NOTIFIED,
        customer_tenant_id=str(customer) if customer else None,
        details={
            "eventName": row.event_name,
            "resourceUri": row.resource_uri,
            "changedAt": row.changed_at.isoformat(),
            "outcome": outcome,
        },
    )


async def receive(
    partner: Partner, notification: Notification, settings: Settings, *, digest: str
) -> str | None:
    """The notification, recorded for `partner` (and its confirmation asked for, after
    the commit); what became of it, in words; None when it had been received before."""
    if notification.changed_at < _kept_since(settings):
        # Its record, had it come before, may be gone: it cannot be told from a replay.
        logger.warning(
            "Partner Center notification about a change of %s refused: older than %g days",
            notification.changed_at.isoformat(),
            settings.partner_center_notification_retention_days,
        )
        return STALE
    acted_on = notification.event_name in HANDLERS
    try:
        async with atomic():
            # First, so that a concurrent redelivery waits on (then trips over) it.
            row = await PartnerCenterNotification.create(
                partner_id=partner.id,
                digest=digest,
                event_name=notification.event_name,
                resource_uri=notification.resource_uri,
                changed_at=notification.changed_at,
                outcome=RECEIVED if acted_on else IGNORED,
            )
            if acted_on:
                await CONFIRM_NOTIFICATION.enqueue(ConfirmNotification(notification_id=row.id))
            else:
                await _conclude(partner, row, IGNORED)
    except IntegrityError:
        return None  # the same notification, delivered again
    return RECEIVED if acted_on else IGNORED


async def confirm_notification(job: JobContext, args: ConfirmNotification) -> None:
    """Asks Partner Center, as the addressed partner, what the notification claims, and
    applies its answer. Idempotent: a notification already concluded is left as it is."""
    row = await PartnerCenterNotification.get_or_none(id=args.notification_id)
    if row is None or row.outcome != RECEIVED:
        return
    partner = await Partner.get(id=row.partner_id)
    handler = HANDLERS[row.event_name]
    client = partner_center.client(job.settings)
    resource: dict[str, Any] | None = None
    if client is not None and client.tenant_id == partner.tenant_id:
        call = Call(correlation_id=row.id, request_id=partner_center.request_id(row.id, "confirm"))
        resource = await handler.ask(client, row.resource_uri, call)
    async with atomic():
        locked = await PartnerCenterNotification.select_for_update().get(id=row.id)
        if locked.outcome != RECEIVED:
            return  # a concurrent run concluded it
        if client is None or client.tenant_id != partner.tenant_id:
            outcome = UNCONFIRMABLE
        elif resource is None:
            outcome = NOT_CONFIRMED
        else:
            outcome = await handler.apply(partner, locked, resource)
        await _conclude(partner, locked, outcome)


async def _unanswered(job: JobContext, args: ConfirmNotification, failure: Failure) -> None:
    if not failure.final:
        return
    async with atomic():
        row = await PartnerCenterNotification.select_for_update().get(id=args.notification_id)
        if row.outcome == RECEIVED:
            await _conclude(await Partner.get(id=row.partner_id), row, UNANSWERED)


CONFIRM_NOTIFICATION = Job(
    "confirm_partner_center_notification",
    ConfirmNotification,
    confirm_notification,
    on_failure=_unanswered,
)
