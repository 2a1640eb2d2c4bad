"""Who a token's principal is: the partner its tenant is, remembered by the API process
for a few seconds (no database lookup per request), and a tenant that is no partner
asked about every time, so a partner seeded a moment ago is known at once."""

import uuid

from api.partners.models import PartnerKind
from tests.support import factories
from tests.support.graphql import GraphQLClient
from tests.support.statements import recording_statements

VIEWER = "{ viewer { tenantId partner { name } } }"


def partner_lookups(statements: list[str]) -> int:
    return sum('FROM "partners"' in statement for statement in statements)


async def test_a_partner_is_looked_up_once_and_remembered(gql: GraphQLClient) -> None:
    partner = await factories.partner(PartnerKind.DIRECT_BILL, name="Remembered Traders")
    token = gql.token(partner.tenant_id, "GLOBAL_ADMIN")
    with recording_statements() as first:
        assert (await gql(VIEWER, token=token)).ok()["viewer"]["partner"]["name"] == (
            "Remembered Traders"
        )
    with recording_statements() as again:
        assert (await gql(VIEWER, token=token)).ok()["viewer"]["partner"]["name"] == (
            "Remembered Traders"
        )
    assert partner_lookups(first) == 1
    assert partner_lookups(again) == 0


async def test_a_tenant_becomes_a_partner_at_once(gql: GraphQLClient) -> None:
    tenant = uuid.uuid4()
    token = gql.token(tenant, "GLOBAL_ADMIN")
    assert (await gql(VIEWER, token=token)).ok()["viewer"]["partner"] is None
    await factories.partner(PartnerKind.DIRECT_BILL, name="Newly Seeded", tenant_id=tenant)
    assert (await gql(VIEWER, token=token)).ok()["viewer"]["partner"]["name"] == "Newly Seeded"
