from api.permissions import Role
from tests.support import factories
from tests.support.graphql import GraphQLClient


async def test_customers_list(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    contoso = await factories.customer("Contoso")
    await factories.relate(partner, contoso, dap=True)
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    result = await gql(
        "{ viewer { tenantId partner { name } } customers { totalCount edges { node { id companyName billingProfile { contactEmail } delegatedAdmin { status } } } } }",
        token=token,
    )
    print(result.body)
    assert result.ok()["customers"]["totalCount"] == 1
