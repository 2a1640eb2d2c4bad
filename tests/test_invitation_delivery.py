"""Sending invitations: by the worker over SMTP, or by hand; retries, failures, and
the outbox (docs/behaviour.md, "Sending" and "Work after the commit")."""

import uuid

import pytest

from api.audit.models import AuditAction, AuditEvent
from api.db.outbox import OutboxJob
from api.invitations.email_delivery import SEND_INVITATION_EMAIL, SendInvitationEmail
from api.invitations.models import Invitation, InvitationStatus
from api.jobs import JobContext
from api.partners.models import Partner
from api.permissions import Role
from api.settings import Settings
from tests.support import factories
from tests.support.documents import CANCEL, INVITATION, REQUEST, SEND
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.mail import MailSink
from tests.support.processes import ApiProcess

GA = Role.GLOBAL_ADMIN


def unique_recipient() -> str:
    return f"admin-{uuid.uuid4().hex[:10]}@customer.example"


async def draft(gql: GraphQLClient, partner: Partner, recipient: str) -> dict:
    result = await gql(
        REQUEST,
        {"input": {"recipientEmail": recipient}},
        token=gql.token(partner.tenant_id, GA),
    )
    invitation = result.ok()["requestResellerRelationship"]["invitation"]
    assert invitation is not None
    return invitation


async def send(gql: GraphQLClient, partner: Partner, invitation_id: str, **input: object) -> dict:
    result = await gql(
        SEND,
        {"input": {"invitationId": invitation_id, **input}},
        token=gql.token(partner.tenant_id, GA),
    )
    return result.ok()["sendInvitation"]


async def delivered(
    gql: GraphQLClient, settings: Settings, mail: MailSink, partner: Partner
) -> tuple[Invitation, str]:
    """An invitation sent by the worker and received by the SMTP server."""
    recipient = unique_recipient()
    invitation = await draft(gql, partner, recipient)
    await send(gql, partner, invitation["id"])
    await drain(settings)
    await mail.wait_for(recipient)
    return await Invitation.get(partner_id=partner.id), recipient


async def reload(gql: GraphQLClient, partner: Partner, invitation_id: str) -> dict:
    result = await gql(INVITATION, {"id": invitation_id}, token=gql.token(partner.tenant_id, GA))
    node = result.ok()["node"]
    assert node is not None
    return node


async def test_email_delivery_sends_exactly_one_message(
    gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    partner = await factories.partner(name="Mailing Partner")
    recipient = unique_recipient()
    invitation = await draft(gql, partner, recipient)

    payload = await send(gql, partner, invitation["id"])
    assert payload["userErrors"] == []
    assert payload["invitation"]["status"] == "QUEUED"

    await drain(settings)
    [message] = await mail.wait_for(recipient)
    assert message["Subject"] == invitation["draft"]["subject"]
    assert invitation["url"] in message.get_body().get_content()
    assert str(message["Message-ID"]).strip().startswith("<invitation-")
    sent = await reload(gql, partner, invitation["id"])
    assert sent["status"] == "SENT"
    assert sent["deliveryAttempts"] == 1
    assert sent["sentAt"] is not None
    assert await AuditEvent.exists(partner_id=partner.id, action=AuditAction.INVITATION_SENT)

    # Workers are at-least-once: running everything again sends nothing more.
    await drain(settings)
    assert len(mail.to(recipient)) == 1


async def test_a_retried_job_never_sends_a_second_copy(
    gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    row, recipient = await delivered(gql, settings, mail, await factories.partner())

    # The same job delivered again (a redelivery after a crash) finds it already sent.
    job = JobContext(settings=settings, redis=None, attempt=2, max_tries=settings.job_max_tries)  # type: ignore[arg-type]
    args = SendInvitationEmail(invitation_id=row.id, send_number=row.send_count)
    await SEND_INVITATION_EMAIL.run(job, args)
    assert len(mail.to(recipient)) == 1


async def test_edited_subject_and_body_are_what_is_sent(
    gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    partner = await factories.partner()
    recipient = unique_recipient()
    invitation = await draft(gql, partner, recipient)
    body = f"Dear customer,\n\nplease accept: {invitation['url']}\n\nThanks"

    payload = await send(gql, partner, invitation["id"], subject="Our invitation", body=body)
    assert payload["invitation"]["draft"]["body"] == body

    await drain(settings)
    [message] = await mail.wait_for(recipient)
    assert message["Subject"] == "Our invitation"
    assert message.get_body().get_content().replace("\r\n", "\n").strip() == body


async def test_a_body_without_the_link_is_refused_and_nothing_changes(
    gql: GraphQLClient, mail: MailSink
) -> None:
    partner = await factories.partner()
    recipient = unique_recipient()
    invitation = await draft(gql, partner, recipient)
    mangled = invitation["draft"]["body"].replace(invitation["url"], invitation["url"][:-1])

    payload = await send(gql, partner, invitation["id"], subject="Changed", body=mangled)

    assert payload["invitation"] is None
    assert payload["userErrors"] == [
        {
            "field": ["body"],
            "code": "URL_MISSING",
            "message": "The email body must contain the invitation link exactly as given.",
        }
    ]
    unchanged = await reload(gql, partner, invitation["id"])
    assert unchanged["status"] == "DRAFT"
    assert unchanged["draft"] == invitation["draft"]
    assert (await Invitation.get(partner_id=partner.id)).send_count == 0


async def test_manual_delivery_is_sent_at_once_and_emails_nothing(
    gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    partner = await factories.partner()
    recipient = unique_recipient()
    invitation = await draft(gql, partner, recipient)

    payload = await send(gql, partner, invitation["id"], delivery="MANUAL")

    assert payload["invitation"]["status"] == "SENT"
    assert payload["invitation"]["sentAt"] is not None
    await drain(settings)
    assert mail.to(recipient) == []


async def test_smtp_refusing_then_recovering_ends_in_one_delivery(
    gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    partner = await factories.partner()
    recipient = unique_recipient()
    mail.refuse(recipient, times=2)
    invitation = await draft(gql, partner, recipient)
    await send(gql, partner, invitation["id"])

    await drain(settings)

    assert mail.refused[recipient] == 2
    assert len(await mail.wait_for(recipient)) == 1
    delivered = await reload(gql, partner, invitation["id"])
    assert delivered["status"] == "SENT"
    assert delivered["deliveryAttempts"] == 3
    assert delivered["lastDeliveryError"] is None


async def test_smtp_always_refusing_ends_in_failed(
    gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    partner = await factories.partner()
    recipient = unique_recipient()
    mail.refuse(recipient)
    invitation = await draft(gql, partner, recipient)
    await send(gql, partner, invitation["id"])

    await drain(settings)

    failed = await reload(gql, partner, invitation["id"])
    assert failed["status"] == "FAILED"
    assert failed["deliveryAttempts"] == settings.job_max_tries
    assert "451" in failed["lastDeliveryError"]
    assert mail.refused[recipient] == settings.job_max_tries
    assert mail.to(recipient) == []
    event = await AuditEvent.get(
        partner_id=partner.id, action=AuditAction.INVITATION_DELIVERY_FAILED
    )
    assert event.details["attempts"] == settings.job_max_tries

    # The partner can try again once the address is fixed.
    fixed = unique_recipient()
    retry = await send(gql, partner, invitation["id"], recipientEmail=fixed)
    assert retry["invitation"]["status"] == "QUEUED"
    await drain(settings)
    assert len(await mail.wait_for(fixed)) == 1


async def test_a_cancelled_queued_invitation_is_never_emailed(
    gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    partner = await factories.partner()
    recipient = unique_recipient()
    invitation = await draft(gql, partner, recipient)
    await send(gql, partner, invitation["id"])
    cancelled = await gql(
        CANCEL,
        {"input": {"invitationId": invitation["id"]}},
        token=gql.token(partner.tenant_id, GA),
    )
    assert cancelled.ok()["cancelInvitation"]["invitation"]["status"] == "CANCELLED"

    await drain(settings)

    assert mail.to(recipient) == []
    assert (await Invitation.get(partner_id=partner.id)).status is InvitationStatus.CANCELLED


async def test_a_queued_invitation_cannot_be_sent_twice(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    invitation = await draft(gql, partner, unique_recipient())
    await send(gql, partner, invitation["id"])
    again = await send(gql, partner, invitation["id"])
    assert again["userErrors"][0]["code"] == "CONFLICT"


async def test_email_delivery_needs_a_recipient(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await factories.customer(billing=False)
    await factories.relate(partner, customer, factories.RelationshipType.NONE)
    from tests.support.documents import customer_id

    result = await gql(
        REQUEST,
        {"input": {"customerId": customer_id(customer)}},
        token=gql.token(partner.tenant_id, GA),
    )
    invitation = result.ok()["requestResellerRelationship"]["invitation"]
    assert invitation["recipientEmail"] is None
    payload = await send(gql, partner, invitation["id"])
    assert (payload["userErrors"][0]["code"], payload["userErrors"][0]["field"]) == (
        "INVALID",
        ["recipientEmail"],
    )


@pytest.mark.parametrize("field", ["subject", "recipientEmail"])
async def test_send_validates_its_input(gql: GraphQLClient, field: str) -> None:
    partner = await factories.partner()
    invitation = await draft(gql, partner, unique_recipient())
    bad = {"subject": "line\u0007bell", "recipientEmail": "nobody"}[field]
    payload = await send(gql, partner, invitation["id"], **{field: bad})
    assert (payload["userErrors"][0]["code"], payload["userErrors"][0]["field"]) == (
        "INVALID",
        [field],
    )


async def test_work_decided_while_redis_is_unreachable_is_done_later(
    gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    """sendInvitation on an API whose Redis is down still commits; the outbox relay
    hands the job to the worker once Redis is reachable."""
    partner = await factories.partner()
    recipient = unique_recipient()
    invitation = await draft(gql, partner, recipient)
    unreachable = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})

    async with ApiProcess.running(unreachable) as isolated:
        response = await gql.http.post(
            f"{isolated.url}/graphql",
            json={"query": SEND, "variables": {"input": {"invitationId": invitation["id"]}}},
            headers={"Authorization": f"Bearer {gql.token(partner.tenant_id, GA)}"},
        )
    assert response.json()["data"]["sendInvitation"]["invitation"]["status"] == "QUEUED"
    row = await Invitation.get(partner_id=partner.id)
    [job] = [
        job
        for job in await OutboxJob.filter(function="send_invitation_email")
        if job.kwargs["invitation_id"] == str(row.id)
    ]
    assert job.enqueued_at is None  # Redis was down: nothing was handed over

    await drain(settings)  # the worker's relay runs at start-up

    assert len(await mail.wait_for(recipient)) == 1
    assert (await reload(gql, partner, invitation["id"]))["status"] == "SENT"


async def test_a_delivery_is_not_repeated_when_recording_it_failed(
    gql: GraphQLClient, settings: Settings, mail: MailSink
) -> None:
    """The message went out, but the invitation was not marked SENT (the worker died
    or the database refused): the job runs again and must not send a second copy."""
    row, recipient = await delivered(gql, settings, mail, await factories.partner())
    await Invitation.filter(id=row.id).update(status=InvitationStatus.QUEUED, sent_at=None)
    [job] = [
        job
        for job in await OutboxJob.filter(function="send_invitation_email")
        if job.kwargs["invitation_id"] == str(row.id)
    ]
    await OutboxJob.filter(id=job.id).update(completed_at=None, enqueued_at=None)

    await drain(settings)

    assert len(mail.to(recipient)) == 1
    assert (await Invitation.get(id=row.id)).status is InvitationStatus.SENT


async def test_a_sent_invitation_is_not_sent_again(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    invitation = await draft(gql, partner, unique_recipient())
    await send(gql, partner, invitation["id"], delivery="MANUAL")
    again = await send(gql, partner, invitation["id"])
    assert (again["userErrors"][0]["code"], again["userErrors"][0]["field"]) == (
        "CONFLICT",
        ["invitationId"],
    )
    assert (await Invitation.get(partner_id=partner.id)).status is InvitationStatus.SENT


async def test_the_link_may_not_go_in_the_subject(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    invitation = await draft(gql, partner, unique_recipient())
    payload = await send(gql, partner, invitation["id"], subject=f"Open {invitation['url']}")
    assert (payload["userErrors"][0]["code"], payload["userErrors"][0]["field"]) == (
        "INVALID",
        ["subject"],
    )
