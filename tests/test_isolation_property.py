"""Tenant isolation as a property: for every pair of partner kinds, sharing a customer
or not, every operation that takes an id answers another partner's id exactly as it
answers an id that does not exist, and no answer holds anything of the other
partner's (its ids, names, emails, reasons, offers).

The operations are found in the schema: every root field with an `id` argument and
every mutation whose input has an id field.
"""

import itertools
import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull, get_named_type
from strawberry.relay import to_base64

from api.actors import Actor
from api.audit.log import record
from api.audit.models import AuditAction
from api.graphql.schema import schema
from api.invitations.models import Invitation
from api.orders.models import Order
from api.partners.models import Partner, PartnerKind
from api.relationships.models import RelationshipType
from api.removals.models import RelationshipRemoval, RemovalStatus
from api.webhooks import subscriptions
from api.webhooks.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEventType
from tests.support import factories
from tests.support.documents import REQUEST
from tests.support.graphql import GraphQLClient
from tests.test_default_deny import literal, placeholder

# An id argument → the node types it may name.
ID_TYPES = {
    "customerId": ["Customer"],
    "invitationId": ["Invitation"],
    "indirectProviderId": ["Partner"],
    "indirectResellerId": ["Partner"],
    "id": ["WebhookSubscription"],
}
NODE_TYPES = [
    "Customer", "Partner", "Invitation", "Order", "RelationshipRemoval",
    "GdapRelationship", "AuditEvent", "WebhookSubscription", "WebhookDelivery",
]  # fmt: skip


@dataclass
class Owner:
    partner: Partner
    ids: dict[str, str]  # node type → a global id of the owner's
    secrets: list[str]  # what must never reach another partner


async def owner_world(gql: GraphQLClient, kind: PartnerKind, shared_name: str) -> Owner:
    marker = uuid.uuid4().hex[:10]
    partner = await factories.partner(kind, name=f"Owner {marker}")
    customer = await factories.customer(shared_name, email=f"billing-{marker}@owner.example")
    await factories.relate(partner, customer, dap=True)
    gdap = await factories.gdap(partner, customer, name=f"GDAP {marker}")
    token = gql.token(partner.tenant_id, "GLOBAL_ADMIN")
    requested = await gql(
        REQUEST, {"input": {"recipientEmail": f"to-{marker}@x.example"}}, token=token
    )
    invitation = requested.ok()["requestResellerRelationship"]["invitation"]
    order = await Order.create(
        placed_by=partner, customer=customer, offer_id=f"OFFER-{marker}", quantity=1, created_by="u"
    )
    removal = await RelationshipRemoval.create(
        partner=partner, customer=customer, customer_tenant_id=customer.tenant_id,
        customer_name=customer.company_name, status=RemovalStatus.COMPLETED,
        reason=f"reason {marker}", requested_by="u",
    )  # fmt: skip
    event = await record(
        Actor(user_id=f"actor-{marker}", tenant_id=partner.tenant_id),
        partner_id=partner.id,
        action=AuditAction.ORDER_PLACED,
    )
    await Invitation.filter(id=uuid.UUID(_raw(invitation["id"]))).update(customer_id=customer.id)
    subscription, signing_secret = await subscriptions.create(
        Actor(user_id=f"actor-{marker}", tenant_id=partner.tenant_id, partner=partner),
        subscriptions.Endpoint(
            url=f"https://93.184.215.14/{marker}", events=[WebhookEventType.INVITATION_SENT]
        ),
        settings=gql.settings,
    )
    delivery = await WebhookDelivery.create(
        id=uuid.uuid4(),
        subscription_id=subscription.id,
        partner_id=partner.id,
        event_type=WebhookEventType.INVITATION_SENT,
        body=json.dumps({"marker": marker}),
        status=WebhookDeliveryStatus.PENDING,
    )
    ids = {
        "Customer": to_base64("Customer", customer.id),
        "Partner": to_base64("Partner", partner.id),
        "Invitation": invitation["id"],
        "Order": to_base64("Order", order.id),
        "RelationshipRemoval": to_base64("RelationshipRemoval", removal.id),
        "GdapRelationship": to_base64("GdapRelationship", gdap.id),
        "AuditEvent": to_base64("AuditEvent", event.id),
        "WebhookSubscription": to_base64("WebhookSubscription", subscription.id),
        "WebhookDelivery": to_base64("WebhookDelivery", delivery.id),
    }
    raw = [
        str(x)
        for x in (
            partner.id, customer.id, order.id, removal.id, gdap.id, event.id, subscription.id,
            delivery.id,
        )
    ]  # fmt: skip
    secrets = [marker, signing_secret, *ids.values(), *raw, str(partner.tenant_id)]
    return Owner(partner, ids, secrets)


def _raw(global_id: str) -> str:
    from strawberry.relay import from_base64

    return from_base64(global_id)[1]


def operations() -> list[tuple[str, str, str, list[str]]]:
    """(label, document with $id, root field, node types $id may name)."""
    found = []
    query = schema._schema.query_type
    assert query is not None
    for name, field in query.fields.items():
        if "id" in field.args:
            types = NODE_TYPES if name == "node" else ["Customer"]
            found.append(
                (
                    f"Query.{name}",
                    f"query($id: ID!) {{ {name}(id: $id) {{ __typename }} }}",
                    name,
                    types,
                )
            )
    mutation = schema._schema.mutation_type
    assert mutation is not None
    for name, field in mutation.fields.items():
        if "input" not in field.args:
            continue  # it names nothing, of another partner's or its own
        input_type = get_named_type(field.args["input"].type)
        assert isinstance(input_type, GraphQLInputObjectType)
        for arg in input_type.fields:
            if arg in ID_TYPES:
                values = {
                    key: placeholder(spec.type)
                    for key, spec in input_type.fields.items()
                    if isinstance(spec.type, GraphQLNonNull) and key != arg
                }
                rest = "".join(f", {k}: {literal(v)}" for k, v in values.items())
                text = (
                    f"mutation($id: ID!) {{ {name}(input: {{{arg}: $id{rest}}}) "
                    "{ __typename userErrors { field code } } }"
                )
                found.append((f"Mutation.{name}.{arg}", text, name, ID_TYPES[arg]))
    return found


OPERATIONS = operations()
KIND_PAIRS = list(itertools.product(PartnerKind, PartnerKind))


def _answer(body: dict[str, Any]) -> Any:
    """What a caller learns: data, and each error's code and path (messages name
    nothing of the owner's, which the secret check covers)."""
    errors = [
        (e.get("extensions", {}).get("code"), e.get("path")) for e in body.get("errors") or []
    ]
    return body.get("data"), errors


@pytest.mark.parametrize("shared", [False, True], ids=["own customers", "a shared customer"])
@pytest.mark.parametrize(
    ("owner_kind", "other_kind"), KIND_PAIRS, ids=[f"{a.name}-{b.name}" for a, b in KIND_PAIRS]
)
async def test_foreign_ids_behave_as_unknown_ids_and_nothing_leaks(
    gql: GraphQLClient, owner_kind: PartnerKind, other_kind: PartnerKind, shared: bool
) -> None:
    shared_name = f"Shared {uuid.uuid4().hex[:8]}"
    owner = await owner_world(gql, owner_kind, shared_name)
    other = await factories.partner(other_kind, name="Other")
    secrets = owner.secrets
    if shared:  # the other partner knows the same customer: its id and name are not foreign
        customer = await factories.customer("Mine")
        await factories.relate(other, customer, RelationshipType.NONE)
        from api.relationships.models import Relationship

        owners = await Relationship.get(partner_id=owner.partner.id)
        await Relationship.create(
            partner=other, customer_id=owners.customer_id, type=RelationshipType.NONE
        )
        secrets = [
            s for s in secrets if s != owner.ids["Customer"] and s != str(owners.customer_id)
        ]
    token = gql.token(other.tenant_id, "GLOBAL_ADMIN")
    for label, document, _field, types in OPERATIONS:
        for type_name in types:
            if shared and type_name == "Customer":
                continue
            foreign = await gql(document, {"id": owner.ids[type_name]}, token=token)
            unknown = await gql(document, {"id": to_base64(type_name, uuid.uuid4())}, token=token)
            assert foreign.status == unknown.status == 200, (label, foreign.body)
            assert _answer(foreign.body) == _answer(unknown.body), (label, type_name)
            text = json.dumps(foreign.body)
            leaked = [secret for secret in secrets if secret in text]
            assert leaked == [], (label, type_name, leaked)
