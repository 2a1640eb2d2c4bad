"""Domain operations are plain functions over plain values: a CLI, a job or a test
calls them with an `Actor` and UUIDs, without a GraphQL request, and gets the same
behaviour (audit log, outbox jobs, the worker's effects) as the API gives."""

import uuid

import pytest

from api.actors import Actor
from api.audit.models import AuditAction, AuditEvent
from api.db import outbox
from api.db.transaction import atomic
from api.events.models import InvitationAccepted, RelationshipChange, RelationshipChanged, decode
from api.events.publishing import PUBLISH_EVENT
from api.invitations import acceptance, sending
from api.invitations.email_delivery import SEND_INVITATION_EMAIL
from api.invitations.links import token_of
from api.invitations.models import InvitationStatus
from api.invitations.request import RelationshipRequest, request_relationship
from api.partners.models import Partner
from api.relationships.models import Relationship, RelationshipType
from api.removals.attestation import BUILT_IN
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.removals.removal import remove
from api.removals.revocation import REVOKE_DELEGATED_ADMIN
from api.settings import Settings
from tests.support import factories
from tests.support.jobs import drain
from tests.support.mail import MailSink
from tests.support.servers import ApiServer
from workers import JOBS

ATTESTED = BUILT_IN["en"]


def partner_user(partner: Partner, user: str = "ops@partner.example") -> Actor:
    return Actor(
        user_id=user,
        tenant_id=partner.tenant_id,
        roles=frozenset({"GLOBAL_ADMIN"}),
        partner=partner,
    )


async def test_request_send_accept_and_remove_without_a_request(
    api: ApiServer, settings: Settings, mail: MailSink
) -> None:
    partner = await factories.partner()
    customer = await factories.customer("Trey Research")
    await factories.relate(partner, customer, RelationshipType.NONE)
    actor = partner_user(partner)
    recipient = f"it-{uuid.uuid4().hex[:8]}@trey.example"

    invitation = await request_relationship(
        actor,
        RelationshipRequest(customer_id=customer.id, recipient_email=recipient),
        settings=settings,
    )
    await sending.send(actor, invitation.id, sending.Sending(), settings=settings)
    await drain(settings)  # nothing relayed after commit here: the worker's relay finds it
    [message] = await mail.wait_for(recipient)
    assert token_of(settings, invitation) in message.get_body().get_content()

    admin = Actor(
        user_id="admin@trey", tenant_id=customer.tenant_id, roles=frozenset({"CUSTOMER_ADMIN"})
    )
    accepted = await acceptance.accept(admin, token_of(settings, invitation), None)
    assert accepted.id == customer.id
    await invitation.refresh_from_db()
    assert invitation.status is InvitationStatus.ACCEPTED
    relationship = await Relationship.get(partner_id=partner.id, customer_id=customer.id)
    assert relationship.type is RelationshipType.RESELLER

    removal = await remove(
        actor, customer.id, attestation=ATTESTED, attestation_accepted=True, reason="moved"
    )
    await drain(settings)
    await removal.refresh_from_db()
    assert removal.status is RemovalStatus.COMPLETED
    actions = await AuditEvent.filter(partner_id=partner.id).values_list("action", "actor_user_id")
    assert set(actions) >= {
        (AuditAction.RELATIONSHIP_REQUESTED, actor.user_id),
        (AuditAction.INVITATION_SENT, "partner-connect-worker"),
        (AuditAction.INVITATION_ACCEPTED, admin.user_id),
        (AuditAction.RELATIONSHIP_REMOVED, actor.user_id),
        (AuditAction.DELEGATED_ADMIN_REVOKED, "partner-connect-worker"),
    }


async def test_a_committed_change_hands_its_jobs_to_whoever_collects(api: ApiServer) -> None:
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)

    with outbox.collecting() as committed:
        removal = await remove(
            partner_user(partner),
            customer.id,
            attestation=ATTESTED,
            attestation_accepted=True,
            reason=None,
        )
    assert sorted(row.function for row in committed) == ["publish_event", "revoke_delegated_admin"]
    [revocation] = [row for row in committed if row.function == REVOKE_DELEGATED_ADMIN.name]
    assert REVOKE_DELEGATED_ADMIN.read(revocation.kwargs).removal_id == removal.id


async def test_a_rolled_back_change_hands_over_nothing(api: ApiServer) -> None:
    async def failing_change() -> None:
        async with atomic():
            await SEND_INVITATION_EMAIL.enqueue(
                SEND_INVITATION_EMAIL.args(invitation_id=uuid.uuid4(), send_number=1)
            )
            raise RuntimeError("the change fails")

    with outbox.collecting() as committed, pytest.raises(RuntimeError):
        await failing_change()
    assert committed == []


def test_outbox_rows_of_the_previous_release_still_read() -> None:
    """Rows written before the typed contracts (in flight during a deploy) keep their
    shape: the jobs read them, and their events decode."""
    invitation, removal, tenant = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    email = SEND_INVITATION_EMAIL.read({"invitation_id": str(invitation), "send_number": 2})
    assert (email.invitation_id, email.send_number) == (invitation, 2)
    assert REVOKE_DELEGATED_ADMIN.read({"removal_id": str(removal)}).removal_id == removal
    published = PUBLISH_EVENT.read(
        {
            "partner_ids": [str(uuid.uuid4())],
            "event": {
                "type": "RELATIONSHIP",
                "kind": "REMOVED",
                "customerTenantId": str(tenant),
                "occurredAt": "2026-11-30T10:00:00+00:00",
                "removalId": str(removal),
            },
        }
    )
    assert published.event == RelationshipChanged(
        kind=RelationshipChange.REMOVED,
        customer_tenant_id=tenant,
        occurred_at=published.event.occurred_at,
        removal_id=removal,
    )
    accepted = decode(
        f'{{"type": "INVITATION_ACCEPTED", "invitationId": "{invitation}", '
        f'"customerTenantId": "{tenant}", "acceptedAt": "2026-11-30T10:00:00+00:00"}}'
    )
    assert isinstance(accepted, InvitationAccepted)


def test_the_worker_runs_every_declared_job_once() -> None:
    names = [job.name for job in JOBS]
    assert len(names) == len(set(names))
    assert set(names) == {
        "send_invitation_email",
        "revoke_delegated_admin",
        "publish_event",
        "deliver_webhook",
        "confirm_partner_center_notification",
        "sync_customers_asked",
    }


async def test_removal_is_refused_to_a_customer_side_actor(api: ApiServer) -> None:
    from api.errors import Forbidden

    customer = await factories.customer()
    with pytest.raises(Forbidden):
        await remove(
            Actor(user_id="someone", tenant_id=customer.tenant_id),
            customer.id,
            attestation=ATTESTED,
            attestation_accepted=True,
            reason=None,
        )
    assert not await RelationshipRemoval.exists(customer_id=customer.id)
