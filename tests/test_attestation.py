"""The removal attestation: what Partner Center asks a partner to state, replaceable
by an operator with a version of its own, and stored with every removal."""

from collections.abc import AsyncIterator

import httpx
import pydantic
import pytest

from api.audit.models import AuditAction, AuditEvent
from api.removals.attestation import ATTESTATION_TEXT
from api.removals.models import RelationshipRemoval
from api.settings import Settings
from tests.support import factories
from tests.support.documents import REMOVE_WITHOUT_GDAP, customer_id
from tests.support.graphql import GraphQLClient
from tests.support.processes import ApiProcess
from tests.support.servers import ApiServer

OURS = "We, the partner, confirm this removal follows our reseller agreement, clause 12."
ATTESTATION = "{ removalAttestation { version text legalNotice } }"


def test_the_built_in_text_states_what_partner_center_asks() -> None:
    for part in (
        "good faith",
        "legitimate business purpose",
        "agreements with this customer and with its other partners",
        "harmless",
    ):
        assert part in ATTESTATION_TEXT


def test_a_replaced_text_needs_a_version_of_its_own() -> None:
    with pytest.raises(pydantic.ValidationError, match="together"):
        Settings(jwt_secret="x" * 40, removal_attestation_text=OURS)


@pytest.fixture(scope="module")
async def operator_text(api: ApiServer, migrated: Settings) -> AsyncIterator[GraphQLClient]:
    settings = migrated.model_copy(
        update={"removal_attestation_text": OURS, "removal_attestation_version": "acme-7"}
    )
    async with (
        ApiProcess.running(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as http,
    ):
        yield GraphQLClient(http, settings)


async def test_an_operator_replaces_the_text_and_each_removal_keeps_its_version(
    operator_text: GraphQLClient,
) -> None:
    gql = operator_text
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    token = gql.token(partner.tenant_id, "GLOBAL_ADMIN")

    shown = (await gql(ATTESTATION, token=token)).ok()["removalAttestation"]
    assert (shown["version"], shown["text"]) == ("acme-7", OURS)
    removed = await gql(
        REMOVE_WITHOUT_GDAP,
        {"input": {"customerId": customer_id(customer), "attestationAccepted": True}},
        token=token,
    )
    assert removed.ok()["removeResellerRelationship"]["userErrors"] == []

    removal = await RelationshipRemoval.get(partner_id=partner.id)
    assert removal.attestation_version == "acme-7"
    audit = await AuditEvent.get(partner_id=partner.id, action=AuditAction.RELATIONSHIP_REMOVED)
    assert audit.details["attestation"] == {"accepted": True, "version": "acme-7", "text": OURS}
    listed = await gql(
        "{ relationshipRemovals { edges { node { attestationVersion } } } }", token=token
    )
    assert listed.ok()["relationshipRemovals"]["edges"] == [
        {"node": {"attestationVersion": "acme-7"}}
    ]
