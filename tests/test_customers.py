"""The customer list and the Customer type (docs/behaviour.md, "The customer list"),
and the viewer's own partner: `viewer`, `indirectProviders`."""

import base64
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from strawberry.relay import to_base64

from api.customers.models import BillingProfile, Customer
from api.partners.models import Partner, PartnerKind
from api.relationships.models import (
    AcquisitionChannel,
    DelegatedAdminGrant,
    DelegatedAdminStatus,
    GdapRelationship,
    GdapStatus,
    Relationship,
    RelationshipType,
)
from tests.support import factories
from tests.support.graphql import GraphQLClient, Result
from tests.support.servers import ApiServer

LIST = """
query($first: Int, $after: String, $search: String) {
  customers(first: $first, after: $after, search: $search) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id companyName } }
  }
}
"""


def customer_id(row: Customer) -> str:
    return to_base64("Customer", row.id)


def cursor(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def in_list_order(rows: list[Customer]) -> list[str]:
    """Company name, then id (docs/behaviour.md, "Paging and cursors"), as global ids."""
    return [customer_id(row) for row in sorted(rows, key=lambda r: (r.company_name, str(r.id)))]


async def page(gql: GraphQLClient, partner: Partner, **variables: Any) -> Result:
    return await gql(LIST, variables, token=gql.token(partner.tenant_id, "SALES_AGENT"))


async def walk(gql: GraphQLClient, partner: Partner, first: int) -> list[dict[str, Any]]:
    """Every page of the partner's list, following endCursor."""
    pages: list[dict[str, Any]] = []
    after = None
    for _ in range(50):
        connection = (await page(gql, partner, first=first, after=after)).ok()["customers"]
        pages.append(connection)
        if not connection["pageInfo"]["hasNextPage"]:
            return pages
        after = connection["pageInfo"]["endCursor"]
    raise AssertionError("the list never ended")


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def partner_with_customers(count: int) -> tuple[Partner, list[Customer]]:
    """Names repeat in threes (the id breaks ties) and rows are created out of order."""
    partner = await factories.partner()
    names = [f"Customer {index // 3:02d}" for index in range(count)]
    random.Random(count).shuffle(names)
    rows = []
    for name in names:
        rows.append(await factories.customer(name, f"c{uuid.uuid4().hex[:8]}.example"))
        await factories.relate(partner, rows[-1])
    return partner, rows


# ------------------------------------------------------------------------ pagination


async def test_walking_the_list_page_by_page(gql: GraphQLClient) -> None:
    partner, rows = await partner_with_customers(25)
    pages = await walk(gql, partner, first=10)

    assert [len(p["edges"]) for p in pages] == [10, 10, 5]
    assert [p["totalCount"] for p in pages] == [25, 25, 25]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, True, False]
    assert [p["pageInfo"]["hasPreviousPage"] for p in pages] == [False, True, True]
    for p in pages:
        assert p["pageInfo"]["startCursor"] == p["edges"][0]["cursor"]
        assert p["pageInfo"]["endCursor"] == p["edges"][-1]["cursor"]
    walked = [node_id for p in pages for node_id in ids(p)]
    assert len(set(walked)) == 25
    assert walked == in_list_order(rows)


async def add_customer(partner: Partner, name: str, id: uuid.UUID | None = None) -> Customer:
    row = await Customer.create(
        id=id or uuid.uuid4(), tenant_id=uuid.uuid4(), company_name=name, default_domain="x.example"
    )
    await factories.relate(partner, row)
    return row


async def test_the_next_page_starts_right_after_the_cursor_whatever_was_inserted(
    gql: GraphQLClient,
) -> None:
    partner, rows = await partner_with_customers(25)
    expected = in_list_order(rows)
    first_page = (await page(gql, partner, first=10)).ok()["customers"]
    assert ids(first_page) == expected[:10]
    [at_cursor] = [row for row in rows if customer_id(row) == expected[9]]

    # Before the cursor: an earlier name, and the cursor's name with a smaller id.
    await add_customer(partner, "AAA Early Bird")
    await add_customer(partner, at_cursor.company_name, uuid.UUID(int=at_cursor.id.int - 1))
    # Right after the cursor: its name with the next id.
    just_after = await add_customer(
        partner, at_cursor.company_name, uuid.UUID(int=at_cursor.id.int + 1)
    )
    after = first_page["pageInfo"]["endCursor"]
    second_page = (await page(gql, partner, first=10, after=after)).ok()["customers"]

    assert ids(second_page) == [customer_id(just_after), *expected[10:19]]
    assert second_page["totalCount"] == 28


async def test_an_empty_list(gql: GraphQLClient) -> None:
    connection = (await page(gql, await factories.partner(), first=10)).ok()["customers"]
    assert connection == {
        "totalCount": 0,
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "edges": [],
    }


async def test_first_may_be_100(gql: GraphQLClient) -> None:
    partner, rows = await partner_with_customers(3)
    assert ids((await page(gql, partner, first=100)).ok()["customers"]) == in_list_order(rows)


def assert_invalid(result: Result) -> None:
    assert result.status == 200, result.body
    assert result.codes == ["INVALID"], result.body
    assert result.data is None


@pytest.mark.parametrize("first", [101, 1000, -1])
async def test_first_out_of_range_is_invalid(gql: GraphQLClient, first: int) -> None:
    assert_invalid(await page(gql, await factories.partner(), first=first))


NIL = "00000000-0000-0000-0000-000000000000"
BAD_CURSORS = {
    "not base64 JSON": "not-a-cursor",
    "empty": "",
    "a JSON object": cursor({"companyName": "Contoso"}),
    "too short": cursor(["Contoso"]),
    "too long": cursor(["Contoso", NIL, NIL]),
    "id not a UUID": cursor(["Contoso", "not-a-uuid"]),
    "wrong types": cursor([1, 2]),
    "deeply nested JSON": base64.urlsafe_b64encode(b"[" * 100_000).decode(),
    "a NUL character": cursor(["\x00", NIL]),
}


@pytest.mark.parametrize("after", BAD_CURSORS.values(), ids=BAD_CURSORS.keys())
async def test_a_bad_cursor_is_invalid(gql: GraphQLClient, after: str) -> None:
    partner, _ = await partner_with_customers(2)
    assert_invalid(await page(gql, partner, first=10, after=after))


# ---------------------------------------------------------------------------- search

SEARCHABLE = {
    "Northwind Traders": "northwindtraders.onmicrosoft.com",
    "Tailspin Toys": "northwind-tailspin.example",
    "Contoso": "contoso.onmicrosoft.com",
    "Wide World Importers": "wwi.example",
    "100% Organic": "organic.example",
    "Foo_Bar": "foobar.example",
    "FooXBar": "fooxbar.example",
    "Ärzte Müller": "aerzte.example",
}


@pytest.fixture(scope="module")
async def searchable(api: ApiServer) -> Partner:
    partner = await factories.partner()
    for name, domain in SEARCHABLE.items():
        await factories.relate(partner, await factories.customer(name, domain))
    await factories.relate(
        await factories.partner(), await factories.customer("Northwind Elsewhere")
    )
    return partner


async def search(gql: GraphQLClient, partner: Partner, term: str) -> list[str]:
    connection = (await page(gql, partner, first=100, search=term)).ok()["customers"]
    assert connection["totalCount"] == len(connection["edges"])
    return sorted(edge["node"]["companyName"] for edge in connection["edges"])


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Northwind", ["Northwind Traders", "Tailspin Toys"]),  # a name, and a domain
        ("NORTHWIND", ["Northwind Traders", "Tailspin Toys"]),
        ("nOrThWiNd-TAIL", ["Tailspin Toys"]),
        ("CONTOSO.onmicrosoft", ["Contoso"]),
        ("world imp", ["Wide World Importers"]),
        ("%", ["100% Organic"]),  # LIKE wildcards match themselves only
        ("o_B", ["Foo_Bar"]),
        ("  contoso  ", ["Contoso"]),
        ("no such customer", []),
    ],
)
async def test_search_matches_name_or_domain_ignoring_case(
    gql: GraphQLClient, searchable: Partner, term: str, expected: list[str]
) -> None:
    assert await search(gql, searchable, term) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (factories.full_width("wood"), ["Woodgrove Bank"]),  # typed with a Japanese IME
        (factories.full_width("WOODGROVE"), ["Woodgrove Bank"]),
        ("wood", ["Woodgrove Bank"]),
        ("fujitsu", [f"{factories.full_width('Fujitsu')} Japan"]),  # stored full-width
        ("\uff8c\uff82\uff89", ["\u30d5\u30c4\u30ce"]),  # half-width katakana, full-width stored
    ],
    ids=["full-width term", "full-width capitals", "plain term", "full-width name", "katakana"],
)
async def test_search_folds_compatibility_forms_the_same_on_both_sides(
    gql: GraphQLClient, term: str, expected: list[str]
) -> None:
    partner = await factories.partner()
    for name in (
        "Woodgrove Bank",
        f"{factories.full_width('Fujitsu')} Japan",
        "\u30d5\u30c4\u30ce",
    ):
        await factories.relate(partner, await factories.customer(name, f"c{len(name)}.example"))
    assert await search(gql, partner, term) == expected


@pytest.mark.parametrize("term", ["ärzte", "ÄRZTE", "MÜLLER", "müller"])
async def test_search_ignores_case_beyond_ascii(
    gql: GraphQLClient, searchable: Partner, term: str
) -> None:
    assert await search(gql, searchable, term) == ["Ärzte Müller"]


@pytest.mark.parametrize(
    "term", ["\x00", "con\x07toso", "line\nbreak", "tab\tbed", "\x1b[31mred", "x" * 201]
)
async def test_bad_search_terms_are_invalid(
    gql: GraphQLClient, searchable: Partner, term: str
) -> None:
    assert_invalid(await page(gql, searchable, first=10, search=term))


async def test_a_search_term_that_is_not_unicode_text_is_invalid(
    http: httpx.AsyncClient, gql: GraphQLClient, searchable: Partner
) -> None:
    """A lone surrogate (JSON allows the escape) is no character at all."""
    body = json.dumps({"query": LIST, "variables": {"search": "\ud800"}})  # ASCII-escaped
    response = await http.post(
        "/graphql",
        content=body,
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {gql.token(searchable.tenant_id, 'SALES_AGENT')}",
        },
    )
    assert_invalid(Result(response.status_code, response.json()))


@pytest.mark.parametrize("field", ["customer", "node"])
async def test_a_malformed_id_is_invalid(gql: GraphQLClient, field: str) -> None:
    partner = await factories.partner()
    result = await gql(
        f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}",
        {"id": "not an id"},
        token=gql.token(partner.tenant_id, "GLOBAL_ADMIN"),
    )
    assert result.codes == ["INVALID"]
    assert result.data == {field: None}


# -------------------------------------------------------------------- customer fields


async def only_customer(
    gql: GraphQLClient, partner: Partner, selection: str, role: str = "GLOBAL_ADMIN"
) -> dict[str, Any]:
    result = await gql(
        f"{{ customers {{ edges {{ node {{ {selection} }} }} }} }}",
        token=gql.token(partner.tenant_id, role),
    )
    [edge] = result.ok()["customers"]["edges"]
    node: dict[str, Any] = edge["node"]
    return node


def when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


async def test_basic_fields(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    row = await factories.customer("Proseware", "proseware.onmicrosoft.com")
    relationship = await factories.relate(
        partner, row, channel=AcquisitionChannel.MICROSOFT_REFERRAL
    )
    node = await only_customer(
        gql,
        partner,
        "id tenantId companyName defaultDomain relationshipToPartner "
        "relationshipEstablishedAt acquisitionChannel",
    )
    assert when(node.pop("relationshipEstablishedAt")) == relationship.established_at
    assert node == {
        "id": customer_id(row),
        "tenantId": str(row.tenant_id),
        "companyName": "Proseware",
        "defaultDomain": "proseware.onmicrosoft.com",
        "relationshipToPartner": "RESELLER",
        "acquisitionChannel": "MICROSOFT_REFERRAL",
    }


async def test_a_customer_known_without_a_reseller_relationship(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    await factories.relate(partner, await factories.customer("Lucerne"), RelationshipType.NONE)
    node = await only_customer(
        gql, partner, "relationshipToPartner relationshipEstablishedAt acquisitionChannel"
    )
    assert node == {
        "relationshipToPartner": "NONE",
        "relationshipEstablishedAt": None,
        "acquisitionChannel": None,
    }


@pytest.mark.parametrize(
    ("kind", "relationship", "can_transact"),
    [
        (PartnerKind.DIRECT_BILL, RelationshipType.RESELLER, True),
        (PartnerKind.DIRECT_BILL, RelationshipType.NONE, False),
        (PartnerKind.INDIRECT_PROVIDER, RelationshipType.RESELLER, True),
        (PartnerKind.INDIRECT_PROVIDER, RelationshipType.NONE, False),
        (PartnerKind.INDIRECT_RESELLER, RelationshipType.RESELLER, False),
        (PartnerKind.INDIRECT_RESELLER, RelationshipType.NONE, False),
    ],
)
async def test_can_transact(
    gql: GraphQLClient, kind: PartnerKind, relationship: RelationshipType, can_transact: bool
) -> None:
    partner = await factories.partner(kind)
    await factories.relate(partner, await factories.customer(), relationship)
    assert await only_customer(gql, partner, "canTransact") == {"canTransact": can_transact}


TWO_TIER = "indirectProvider { id name kind } indirectReseller { id name kind }"


def partner_view(row: Partner) -> dict[str, str]:
    return {"id": to_base64("Partner", row.id), "name": row.name, "kind": row.kind.value}


async def two_tier(
    provider_type: RelationshipType | None, reseller_type: RelationshipType
) -> tuple[Partner, Partner]:
    """A linked provider and reseller; the reseller's relationship with one customer
    records the provider; the provider holds `provider_type` (or nothing)."""
    provider = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Provider")
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER, name="Reseller")
    await factories.link(provider, reseller)
    row = await factories.customer("Trey Research")
    await factories.relate(
        reseller,
        row,
        reseller_type,
        indirect_provider=provider,
        channel=AcquisitionChannel.INDIRECT_PROVIDER,
    )
    if provider_type is not None:
        await factories.relate(provider, row, provider_type)
    return provider, reseller


async def test_a_two_tier_customer_names_the_other_tier(gql: GraphQLClient) -> None:
    provider, reseller = await two_tier(RelationshipType.RESELLER, RelationshipType.RESELLER)
    assert await only_customer(gql, reseller, TWO_TIER) == {
        "indirectProvider": partner_view(provider),
        "indirectReseller": None,
    }
    assert await only_customer(gql, provider, TWO_TIER) == {
        "indirectProvider": None,
        "indirectReseller": partner_view(reseller),
    }


@pytest.mark.parametrize(
    ("provider_type", "reseller_type"),
    [
        (None, RelationshipType.RESELLER),
        (RelationshipType.NONE, RelationshipType.RESELLER),
        (RelationshipType.RESELLER, RelationshipType.NONE),
    ],
    ids=["provider has no record", "provider has no reseller relationship", "reseller has none"],
)
async def test_the_other_tier_shows_only_while_both_relationships_exist(
    gql: GraphQLClient, provider_type: RelationshipType | None, reseller_type: RelationshipType
) -> None:
    provider, reseller = await two_tier(provider_type, reseller_type)
    neither = {"indirectProvider": None, "indirectReseller": None}
    assert await only_customer(gql, reseller, TWO_TIER) == neither
    if provider_type is not None:
        assert await only_customer(gql, provider, TWO_TIER) == neither


async def test_the_other_tier_disappears_when_its_relationship_is_deleted(
    gql: GraphQLClient,
) -> None:
    provider, reseller = await two_tier(RelationshipType.RESELLER, RelationshipType.RESELLER)
    assert (await only_customer(gql, reseller, TWO_TIER))["indirectProvider"] is not None
    await Relationship.filter(partner_id=provider.id).delete()
    assert (await only_customer(gql, reseller, TWO_TIER))["indirectProvider"] is None


T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
ACTIVE, REVOKED = DelegatedAdminStatus.ACTIVE, DelegatedAdminStatus.REVOKED


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([], None),
        ([ACTIVE], (ACTIVE, 0)),
        ([ACTIVE, REVOKED], (REVOKED, 1)),
        ([ACTIVE, REVOKED, ACTIVE], (ACTIVE, 2)),
    ],
    ids=["never granted", "granted", "revoked", "granted again"],
)
async def test_delegated_admin_is_the_latest_grant(
    gql: GraphQLClient,
    history: list[DelegatedAdminStatus],
    expected: tuple[DelegatedAdminStatus, int] | None,
) -> None:
    partner, other = await factories.partner(), await factories.partner()
    row = await factories.customer()
    await factories.relate(partner, row)
    grant_times = [T0 + timedelta(days=index) for index in range(len(history))]
    for status, granted_at in reversed(list(zip(history, grant_times, strict=True))):
        revoked_at = granted_at + timedelta(hours=1) if status is REVOKED else None
        await DelegatedAdminGrant.create(
            partner=partner,
            customer=row,
            status=status,
            granted_at=granted_at,
            revoked_at=revoked_at,
        )
    # Another partner's newer grant for the same customer changes nothing.
    await DelegatedAdminGrant.create(
        partner=other, customer=row, status=ACTIVE, granted_at=T0 + timedelta(days=30)
    )
    node = await only_customer(gql, partner, "delegatedAdmin { status grantedAt revokedAt }")
    grant = node["delegatedAdmin"]
    if expected is None:
        assert grant is None
        return
    status, index = expected
    assert grant["status"] == status.value
    assert when(grant["grantedAt"]) == grant_times[index]
    assert when(grant["revokedAt"]) == (
        grant_times[index] + timedelta(hours=1) if status is REVOKED else None
    )


async def test_gdap_relationships(gql: GraphQLClient) -> None:
    partner, other = await factories.partner(), await factories.partner()
    row = await factories.customer()
    await factories.relate(partner, row)
    ends_at = datetime(2027, 6, 30, tzinfo=UTC)
    for name, status, roles in [
        ("Helpdesk", GdapStatus.ACTIVE, ["Helpdesk Administrator"]),
        ("Billing", GdapStatus.EXPIRED, ["Billing Administrator", "Global Reader"]),
    ]:
        await GdapRelationship.create(
            partner=partner,
            customer=row,
            display_name=name,
            status=status,
            roles=roles,
            ends_at=ends_at,
        )
    await factories.gdap(other, row, "Another partner's")

    node = await only_customer(
        gql, partner, "gdapRelationships { id displayName status roles createdAt endsAt }"
    )
    found = sorted(node["gdapRelationships"], key=lambda gdap: gdap["displayName"])
    assert [(g["displayName"], g["status"], g["roles"]) for g in found] == [
        ("Billing", "EXPIRED", ["Billing Administrator", "Global Reader"]),
        ("Helpdesk", "ACTIVE", ["Helpdesk Administrator"]),
    ]
    assert all(when(g["endsAt"]) == ends_at and when(g["createdAt"]) for g in found)
    assert len({g["id"] for g in found}) == 2


async def test_no_gdap_relationships_is_an_empty_list(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    await factories.relate(partner, await factories.customer())
    assert await only_customer(gql, partner, "gdapRelationships { id }") == {
        "gdapRelationships": []
    }


BILLING = (
    "billingProfile { contactName contactEmail phone culture language "
    "address { line1 line2 city region postalCode country } }"
)


async def test_billing_profile(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    row = await factories.customer("Contoso Japan", billing=False)
    await factories.relate(partner, row)
    await BillingProfile.create(
        customer=row,
        contact_name="Akiko Sato",
        contact_email="akiko@contoso.example",
        phone="+81 3 1234 5678",
        culture="ja-JP",
        language="ja",
        line1="1-2-3 Marunouchi",
        line2="Floor 9",
        city="Chiyoda",
        region="Tokyo",
        postal_code="100-0005",
        country="JP",
    )
    assert await only_customer(gql, partner, BILLING, role="BILLING_ADMIN") == {
        "billingProfile": {
            "contactName": "Akiko Sato",
            "contactEmail": "akiko@contoso.example",
            "phone": "+81 3 1234 5678",
            "culture": "ja-JP",
            "language": "ja",
            "address": {
                "line1": "1-2-3 Marunouchi",
                "line2": "Floor 9",
                "city": "Chiyoda",
                "region": "Tokyo",
                "postalCode": "100-0005",
                "country": "JP",
            },
        }
    }


async def test_no_billing_profile_is_null(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    await factories.relate(partner, await factories.customer(billing=False))
    assert await only_customer(gql, partner, BILLING) == {"billingProfile": None}


# --------------------------------------------------------- the viewer and its partner


async def test_viewer_of_a_partner(gql: GraphQLClient) -> None:
    partner = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Fabrikam")
    token = gql.token(partner.tenant_id, "SALES_AGENT", "BILLING_ADMIN", sub="alice")
    viewer = (
        await gql(
            "{ viewer { userId tenantId roles partner { id name partnerId kind } } }", token=token
        )
    ).ok()["viewer"]
    assert sorted(viewer.pop("roles")) == ["BILLING_ADMIN", "SALES_AGENT"]
    assert viewer == {
        "userId": "alice",
        "tenantId": str(partner.tenant_id),
        "partner": {
            "id": to_base64("Partner", partner.id),
            "name": "Fabrikam",
            "partnerId": partner.partner_id,
            "kind": "INDIRECT_PROVIDER",
        },
    }


async def test_viewer_of_a_customer_side_principal(gql: GraphQLClient) -> None:
    row = await factories.customer()
    token = gql.token(row.tenant_id, "CUSTOMER_ADMIN", sub="bob")
    viewer = (await gql("{ viewer { userId tenantId roles partner { id } } }", token=token)).ok()
    assert viewer == {
        "viewer": {
            "userId": "bob",
            "tenantId": str(row.tenant_id),
            "roles": ["CUSTOMER_ADMIN"],
            "partner": None,
        }
    }


async def test_indirect_providers_of_a_reseller(gql: GraphQLClient) -> None:
    reseller = await factories.partner(PartnerKind.INDIRECT_RESELLER)
    linked = [
        await factories.partner(PartnerKind.INDIRECT_PROVIDER, name=name)
        for name in ("Provider B", "Provider A")
    ]
    for provider in linked:
        await factories.link(provider, reseller)
    unlinked = await factories.partner(PartnerKind.INDIRECT_PROVIDER, name="Provider C")
    await factories.link(unlinked, await factories.partner(PartnerKind.INDIRECT_RESELLER))

    result = await gql(
        "{ indirectProviders { id name partnerId kind } }",
        token=gql.token(reseller.tenant_id, "HELPDESK_AGENT"),
    )
    found = sorted(result.ok()["indirectProviders"], key=lambda p: p["name"])
    assert found == [
        {
            "id": to_base64("Partner", p.id),
            "name": p.name,
            "partnerId": p.partner_id,
            "kind": "INDIRECT_PROVIDER",
        }
        for p in sorted(linked, key=lambda p: p.name)
    ]


@pytest.mark.parametrize("kind", [PartnerKind.DIRECT_BILL, PartnerKind.INDIRECT_PROVIDER])
async def test_only_resellers_have_indirect_providers(
    gql: GraphQLClient, kind: PartnerKind
) -> None:
    partner = await factories.partner(kind)
    if kind is PartnerKind.INDIRECT_PROVIDER:
        await factories.link(partner, await factories.partner(PartnerKind.INDIRECT_RESELLER))
    result = await gql(
        "{ indirectProviders { id } }", token=gql.token(partner.tenant_id, "GLOBAL_ADMIN")
    )
    assert result.ok() == {"indirectProviders": []}


@pytest.mark.parametrize(
    ("relationship", "expected"), [("NONE", ["Known"]), ("RESELLER", ["Resold"])]
)
async def test_the_list_filters_by_relationship(
    gql: GraphQLClient, relationship: str, expected: list[str]
) -> None:
    """The invitation form lists only the customers it can invite (NONE)."""
    partner = await factories.partner()
    await factories.relate(partner, await factories.customer("Known"), RelationshipType.NONE)
    await factories.relate(partner, await factories.customer("Resold"), RelationshipType.RESELLER)
    result = await gql(
        "query($r: RelationshipToPartner) { customers(relationship: $r) "
        "{ totalCount edges { node { companyName } } } }",
        {"r": relationship},
        token=gql.token(partner.tenant_id, "GLOBAL_ADMIN"),
    )
    connection = result.ok()["customers"]
    assert [edge["node"]["companyName"] for edge in connection["edges"]] == expected
    assert connection["totalCount"] == 1
