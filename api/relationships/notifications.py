"""What Partner Center tells us of a partner's customers, through its webhook
notifications (docs/behaviour.md, "Notifications from Partner Center"): a customer
that accepted a reseller relationship through Microsoft's own link, DAP that the
customer or Microsoft ended, GDAP relationships approved, activated, expired or
terminated. Each notification is applied once, in one transaction, whatever number
of times Partner Center delivers it.
"""

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from pydantic import Field
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
from api.integrations.partner_center import Call, PartnerCenterError
from api.integrations.partner_center_notifications import Notification
from api.jobs import Job, JobArgs, JobContext
from api.partners.models import Partner
from api.relationships import reseller
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

UNKNOWN_CUSTOMER = "A customer Partner Connect does not know yet: the next sync brings it in."
FETCHING_CUSTOMER = "A customer Partner Connect does not know yet: fetching it from Partner Center."

_GDAP_STATUSES = {
    "granular-admin-relationship-approved": GdapStatus.ACTIVE,
    "granular-admin-relationship-activated": GdapStatus.ACTIVE,
    "granular-admin-relationship-expired": GdapStatus.EXPIRED,
    "granular-admin-relationship-terminated": GdapStatus.TERMINATED,
}


def _tenant(notification: Notification) -> UUID | None:
    found = _CUSTOMER.search(notification.resource_uri)
    return UUID(found[1]) if found else None


async def _customer(notification: Notification) -> Customer | None:
    tenant_id = _tenant(notification)
    return await Customer.get_or_none(tenant_id=tenant_id) if tenant_id else None


class FetchAcceptedCustomer(JobArgs):
    partner_id: UUID
    customer_tenant_id: UUID
    accepted_at: datetime
    # One per fetch, kept with the job: its retries are the same request to Partner
    # Center, another fetch of the same customer a new one.
    operation_id: UUID = Field(default_factory=uuid4)


def _acts_for(settings: Settings, partner: Partner) -> bool:
    """Whether the configured Partner Center credentials act for this partner: only
    then can they read its customers."""
    return (
        partner_center.client(settings) is not None
        and settings.partner_center_tenant_id == partner.tenant_id
    )


async def _reseller_accepted(
    partner: Partner, notification: Notification, settings: Settings
) -> str:
    tenant_id = _tenant(notification)
    customer = await Customer.get_or_none(tenant_id=tenant_id) if tenant_id else None
    if customer is None:
        if tenant_id is None or not _acts_for(settings, partner):
            return UNKNOWN_CUSTOMER
        # Partner Center's call, after this commits: not inside the transaction.
        await FETCH_ACCEPTED_CUSTOMER.enqueue(
            FetchAcceptedCustomer(
                partner_id=partner.id,
                customer_tenant_id=tenant_id,
                accepted_at=notification.changed_at,
            )
        )
        return FETCHING_CUSTOMER
    return await _establish_accepted(partner, customer, notification.changed_at)


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
    partner: Partner, notification: Notification, settings: Settings
) -> str:
    customer = await _customer(notification)
    if customer is None:
        return UNKNOWN_CUSTOMER
    at = notification.changed_at
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
            "by": "microsoft" if notification.event_name.endswith("by-microsoft") else "customer",
        },
        occurred_at=at,
    )
    return "Delegated admin privileges ended."


async def _gdap_changed(partner: Partner, notification: Notification, settings: Settings) -> str:
    found = _GDAP.search(notification.resource_uri)
    relationship = (
        await GdapRelationship.get_or_none(partner_id=partner.id, graph_id=found[1])
        if found
        else None
    )
    if relationship is None:
        return "A GDAP relationship Partner Connect does not know yet: the next sync brings it in."
    status = _GDAP_STATUSES[notification.event_name]
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
            occurred_at=notification.changed_at,
        )
    return f"GDAP relationship now {status.value}."


Handler = Callable[[Partner, Notification, Settings], Awaitable[str]]
HANDLERS: dict[str, Handler] = {
    "reseller-relationship-accepted-by-customer": _reseller_accepted,
    "dap-admin-relationship-terminated": _delegated_admin_ended,
    "dap-admin-relationship-terminated-by-microsoft": _delegated_admin_ended,
    **dict.fromkeys(_GDAP_STATUSES, _gdap_changed),
}


STALE = "About a change older than received notifications are kept: not applied."


def _kept_since(settings: Settings) -> datetime:
    return datetime.now(UTC) - timedelta(days=settings.partner_center_notification_retention_days)


async def purge_received(settings: Settings) -> int:
    """Received notifications older than the retention are deleted, by when they came
    and by the change they are about (a clock ahead of ours must not leave a window):
    a redelivery of one is then refused as stale (see `apply`)."""
    since = _kept_since(settings)
    return await delete_before(
        PartnerCenterNotification, "received_at", since, changed_at__lt=since
    )


async def apply(
    partner: Partner, notification: Notification, settings: Settings, *, digest: str
) -> str | None:
    """What the notification did, in words; None when it had been applied before."""
    if notification.changed_at < _kept_since(settings):
        # Its record, had it come before, may be gone: it cannot be told from a replay.
        logger.warning(
            "Partner Center notification about a change of %s refused: older than %g days",
            notification.changed_at.isoformat(),
            settings.partner_center_notification_retention_days,
        )
        return STALE
    handler = HANDLERS.get(notification.event_name)
    try:
        async with atomic():
            # First, so that a concurrent redelivery waits on (then trips over) it.
            row = await PartnerCenterNotification.create(
                partner_id=partner.id,
                digest=digest,
                event_name=notification.event_name,
                resource_uri=notification.resource_uri,
                changed_at=notification.changed_at,
                outcome="",
            )
            outcome = (
                await handler(partner, notification, settings)
                if handler
                else "Not an event Partner Connect acts on."
            )
            await PartnerCenterNotification.filter(id=row.id).update(outcome=outcome)
            customer = _CUSTOMER.search(notification.resource_uri)
            await audit.record(
                Actor.system(partner),
                partner_id=partner.id,
                action=AuditAction.PARTNER_CENTER_NOTIFIED,
                customer_tenant_id=customer[1].lower() if customer else None,
                details={
                    "eventName": notification.event_name,
                    "resourceUri": notification.resource_uri,
                    "changedAt": notification.changed_at.isoformat(),
                    "outcome": outcome,
                },
            )
    except IntegrityError:
        return None  # the same notification, delivered again
    return outcome


async def fetch_accepted_customer(job: JobContext, args: FetchAcceptedCustomer) -> None:
    """Brings in a customer that accepted through Microsoft's link before any sync
    saw it (`GET /v1/customers/{id}`), and establishes the relationship as for a
    known one. Idempotent: a second run finds the relationship established."""
    client = partner_center.client(job.settings)
    partner = await Partner.get(id=args.partner_id)
    if client is None or client.tenant_id != partner.tenant_id:
        logger.info("Partner Center not configured for %s: left to the sync", partner.tenant_id)
        return
    request = partner_center.request_id(args.operation_id, "fetch-accepted-customer")
    found = await client.customer(
        args.customer_tenant_id, Call(correlation_id=args.operation_id, request_id=request)
    )
    if found is None:
        logger.info("Partner Center does not know customer %s", args.customer_tenant_id)
        return
    try:
        listed = Listed.read(found)
    except (KeyError, TypeError, ValueError, UserInputError) as error:
        raise PartnerCenterError(f"customer {args.customer_tenant_id} unreadable") from error
    async with atomic():
        customer = await Customer.get_or_none(tenant_id=listed.tenant_id)
        if customer is None:
            customer = await Customer.create(id=uuid4(), **listed.customer_fields())
        await _establish_accepted(partner, customer, args.accepted_at)


FETCH_ACCEPTED_CUSTOMER = Job(
    "fetch_accepted_customer", FetchAcceptedCustomer, fetch_accepted_customer
)
