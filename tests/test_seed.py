"""Seed files (docs/behaviour.md, "Seed file"): `api.seed` and `partner-connect seed FILE`."""

import copy
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from strawberry.relay import to_base64

from api.customers.models import BillingProfile, Customer
from api.devtools.seed import SeedError, load, parse, read
from api.partners.models import Partner, ProviderLink
from api.relationships.models import (
    DelegatedAdminGrant,
    GdapRelationship,
    Relationship,
)
from api.settings import Settings
from tests.support import factories
from tests.support.databases import fetch, fresh_database
from tests.support.graphql import GraphQLClient
from tests.support.processes import environment, partner_connect

Document = dict[str, Any]


def new_id() -> str:
    return str(uuid.uuid4())


def partner_number() -> str:
    return f"9{uuid.uuid4().int % 10**9:09d}"


def seed_document() -> Document:
    """A seed file in the format of docs/behaviour.md, "Seed file", with ids of its own: a linked
    provider and reseller that share a customer, and a direct-bill partner."""
    provider, reseller, direct = new_id(), new_id(), new_id()
    contoso, northwind = new_id(), new_id()
    return {
        "partners": [
            {"id": provider, "tenantId": new_id(), "name": "Fabrikam Distribution",
             "partnerId": partner_number(), "kind": "INDIRECT_PROVIDER"},
            {"id": reseller, "tenantId": new_id(), "name": "Adventure Works",
             "partnerId": partner_number(), "kind": "INDIRECT_RESELLER"},
            {"id": direct, "tenantId": new_id(), "name": "Tailspin Direct",
             "partnerId": partner_number(), "kind": "DIRECT_BILL"},
        ],
        "providerLinks": [{"provider": provider, "reseller": reseller}],
        "customers": [
            {"id": contoso, "tenantId": new_id(), "companyName": "Contoso",
             "defaultDomain": "contoso.onmicrosoft.com",
             "billingProfile": {
                 "contactName": "Akiko Sato", "contactEmail": "akiko@contoso.example",
                 "phone": "+81 3 1234 5678", "language": "ja", "culture": "ja-JP",
                 "address": {"line1": "1-2-3 Marunouchi", "city": "Chiyoda",
                             "postalCode": "100-0005", "country": "JP"}}},
            {"id": northwind, "tenantId": new_id(), "companyName": "Northwind",
             "defaultDomain": "northwind.onmicrosoft.com",
             "billingProfile": {"contactEmail": "ap@northwind.example",
                                "address": {"country": "US"}}},
        ],
        "relationships": [
            {"partner": reseller, "customer": contoso, "type": "RESELLER",
             "delegatedAdmin": True, "channel": "INDIRECT_PROVIDER", "indirectProvider": provider},
            {"partner": provider, "customer": contoso, "type": "RESELLER",
             "delegatedAdmin": True, "channel": "OWN_MARKETING"},
            {"partner": direct, "customer": northwind, "type": "NONE"},
        ],
        "gdapRelationships": [
            {"partner": reseller, "customer": contoso, "displayName": "Helpdesk",
             "roles": ["Helpdesk Administrator"], "status": "ACTIVE",
             "endsAt": "2027-06-30T00:00:00Z"},
        ],
    }  # fmt: skip


def partner_ids(document: Document) -> list[str]:
    return [partner["id"] for partner in document["partners"]]


def customer_ids(document: Document) -> list[str]:
    return [customer["id"] for customer in document["customers"]]


def write(directory: Path, document: Document | str) -> Path:
    path = directory / f"seed-{uuid.uuid4().hex[:8]}.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


async def snapshot(document: Document) -> dict[str, list[dict[str, Any]]]:
    """Every row the document touches, in every table."""
    partners, customers = partner_ids(document), customer_ids(document)
    return {
        "partners": await Partner.filter(id__in=partners).order_by("id").values(),
        "links": await ProviderLink.filter(provider_id__in=partners).order_by("id").values(),
        "customers": await Customer.filter(id__in=customers).order_by("id").values(),
        **{
            model.__name__: await model.filter(customer_id__in=customers).order_by("id").values()
            for model in (BillingProfile, Relationship, DelegatedAdminGrant, GdapRelationship)
        },
    }


# ------------------------------------------------------------------- api.seed in-process


RESELLER_VIEW = """
id tenantId companyName defaultDomain relationshipToPartner acquisitionChannel
indirectProvider { id name } delegatedAdmin { status }
gdapRelationships { displayName status roles endsAt }
billingProfile { contactName contactEmail phone language culture
                 address { line1 city postalCode country } }
"""
PROVIDER_VIEW = "indirectReseller { id } delegatedAdmin { status }"
DIRECT_VIEW = (
    "id relationshipToPartner billingProfile { contactName contactEmail address { country } }"
)


async def test_a_seed_file_loads(api: object, gql: GraphQLClient, tmp_path: Path) -> None:
    document = seed_document()
    await load(read(write(tmp_path, document)))
    provider, reseller, direct = document["partners"]
    contoso, northwind = document["customers"]

    async def customers_of(partner: Document, selection: str) -> list[Any]:
        result = await gql(
            f"{{ customers {{ edges {{ node {{ {selection} }} }} }} }}",
            token=gql.token(partner["tenantId"], "GLOBAL_ADMIN"),
        )
        return [edge["node"] for edge in result.ok()["customers"]["edges"]]

    [seen_by_reseller] = await customers_of(reseller, RESELLER_VIEW)
    [gdap] = seen_by_reseller.pop("gdapRelationships")
    assert datetime.fromisoformat(gdap.pop("endsAt")) == datetime(2027, 6, 30, tzinfo=UTC)
    assert gdap == {
        "displayName": "Helpdesk",
        "status": "ACTIVE",
        "roles": ["Helpdesk Administrator"],
    }
    assert seen_by_reseller == {
        "id": to_base64("Customer", contoso["id"]),
        "tenantId": contoso["tenantId"],
        "companyName": "Contoso",
        "defaultDomain": "contoso.onmicrosoft.com",
        "relationshipToPartner": "RESELLER",
        "acquisitionChannel": "INDIRECT_PROVIDER",
        "indirectProvider": {"id": to_base64("Partner", provider["id"]), "name": provider["name"]},
        "delegatedAdmin": {"status": "ACTIVE"},
        "billingProfile": {
            "contactName": "Akiko Sato",
            "contactEmail": "akiko@contoso.example",
            "phone": "+81 3 1234 5678",
            "language": "ja",
            "culture": "ja-JP",
            "address": {
                "line1": "1-2-3 Marunouchi",
                "city": "Chiyoda",
                "postalCode": "100-0005",
                "country": "JP",
            },
        },
    }
    assert await customers_of(provider, PROVIDER_VIEW) == [
        {
            "indirectReseller": {"id": to_base64("Partner", reseller["id"])},
            "delegatedAdmin": {"status": "ACTIVE"},
        }
    ]
    assert await customers_of(direct, DIRECT_VIEW) == [
        {
            "id": to_base64("Customer", northwind["id"]),
            "relationshipToPartner": "NONE",
            "billingProfile": {
                "contactName": None,
                "contactEmail": "ap@northwind.example",
                "address": {"country": "US"},
            },
        }
    ]
    viewer = await gql(
        "{ viewer { partner { id partnerId kind } } indirectProviders { id } }",
        token=gql.token(reseller["tenantId"], "GLOBAL_ADMIN"),
    )
    assert viewer.ok() == {
        "viewer": {
            "partner": {
                "id": to_base64("Partner", reseller["id"]),
                "partnerId": reseller["partnerId"],
                "kind": "INDIRECT_RESELLER",
            }
        },
        "indirectProviders": [{"id": to_base64("Partner", provider["id"])}],
    }


async def test_loading_the_same_file_twice_changes_nothing(api: object) -> None:
    document = seed_document()
    await load(parse(document))
    first = await snapshot(document)
    assert [len(rows) for rows in first.values()] == [3, 1, 2, 2, 3, 2, 1]

    await load(parse(copy.deepcopy(document)))
    assert await snapshot(document) == first


DELETE = object()
Value = Any | Callable[[Document], Any]

# Entry path, the value it gets (DELETE: removed; a callable: from the document), and
# what the error message must say.
BAD_ENTRIES: dict[str, tuple[tuple[str | int, ...], Value, str]] = {
    "invalid contact email": (
        ("customers", 1, "billingProfile", "contactEmail"), "not-an-email",
        "customers[1].billingProfile.contactEmail",
    ),
    "missing contact email": (
        ("customers", 1, "billingProfile", "contactEmail"), DELETE,
        "customers[1].billingProfile.contactEmail",
    ),
    "missing country": (
        ("customers", 1, "billingProfile", "address", "country"), DELETE,
        "customers[1].billingProfile.address.country",
    ),
    "country not an ISO code": (
        ("customers", 0, "billingProfile", "address", "country"), "Japan",
        "customers[0].billingProfile.address.country",
    ),
    "tenant id not a UUID": (("customers", 0, "tenantId"), "contoso", "customers[0].tenantId"),
    "unknown field": (("customers", 0, "nickname"), "Con", "customers[0].nickname"),
    "unknown partner kind": (("partners", 2, "kind"), "RESELLER", "partners[2].kind"),
    "unknown relationship type": (("relationships", 2, "type"), "FRIEND", "relationships[2].type"),
    "unknown partner": (
        ("relationships", 0, "partner"), lambda _: new_id(), "relationships[0].partner",
    ),
    "unknown customer": (
        ("relationships", 1, "customer"), lambda _: new_id(), "relationships[1].customer",
    ),
    "indirect provider that is not a provider": (
        ("relationships", 0, "indirectProvider"), lambda doc: doc["partners"][2]["id"],
        "relationships[0].indirectProvider",
    ),
    "link from a reseller": (
        ("providerLinks", 0, "provider"), lambda doc: doc["partners"][1]["id"],
        "providerLinks[0].provider",
    ),
    "GDAP with an unknown customer": (
        ("gdapRelationships", 0, "customer"), lambda _: new_id(), "gdapRelationships[0].customer",
    ),
}  # fmt: skip


def spoiled(name: str) -> tuple[Document, str]:
    """A seed document with the entry BAD_ENTRIES[name] spoiled, and the expected text."""
    path, value, expected = BAD_ENTRIES[name]
    document = seed_document()
    *parents, last = path
    entry: Any = document
    for step in parents:
        entry = entry[step]
    if value is DELETE:
        del entry[last]
    else:
        entry[last] = value(document) if callable(value) else value
    return document, expected


@pytest.mark.parametrize("bad_entry", BAD_ENTRIES)
async def test_a_bad_entry_is_named_and_nothing_is_loaded(api: object, bad_entry: str) -> None:
    document, expected = spoiled(bad_entry)
    with pytest.raises(SeedError) as raised:
        await load(parse(document))
    assert expected in str(raised.value)
    assert not await Partner.filter(id__in=partner_ids(document)).exists()


async def test_a_conflict_with_existing_data_loads_nothing(api: object) -> None:
    """The whole file is one transaction: a customer whose tenant is taken by another
    customer fails after the partners were written, and they are rolled back."""
    document = seed_document()
    taken = await factories.customer("Already Here")
    document["customers"][1]["tenantId"] = str(taken.tenant_id)
    with pytest.raises(SeedError):
        await load(parse(document))
    assert not await Partner.filter(id__in=partner_ids(document)).exists()
    assert not await Customer.filter(id__in=customer_ids(document)).exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "cannot read"), ('{"partners": [', "not JSON: line 1")],
    ids=["missing file", "not JSON"],
)
def test_a_file_that_is_not_a_seed_file(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "missing.json" if content is None else write(tmp_path, content)
    with pytest.raises(SeedError, match=expected):
        read(path)


# ------------------------------------------------------------ `partner-connect seed FILE`


@pytest.fixture(scope="module")
async def cli_database(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dict[str, str]]:
    """The environment of a command working on a new database, migrated by the CLI."""
    async with fresh_database(tmp_path_factory.mktemp("cli")) as url:
        env = environment(settings.model_copy(update={"database_url": url}))
        migrated = await partner_connect("migrate", env=env)
        assert migrated.returncode == 0, migrated.stderr
        yield env


SEEDED_TABLES = (
    "partners",
    "provider_links",
    "customers",
    "billing_profiles",
    "relationships",
    "delegated_admin_grants",
    "gdap_relationships",
)


async def tables(env: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    url = env["DATABASE_URL"]
    return {name: await fetch(url, f"SELECT * FROM {name} ORDER BY id") for name in SEEDED_TABLES}


async def test_the_seed_command(cli_database: dict[str, str], tmp_path: Path) -> None:
    path = write(tmp_path, seed_document())
    loaded = await partner_connect("seed", str(path), env=cli_database)
    assert loaded.returncode == 0, loaded.stderr
    assert str(path) in loaded.stdout
    rows = await tables(cli_database)
    assert [len(rows[name]) for name in SEEDED_TABLES] == [3, 1, 2, 2, 3, 2, 1]

    again = await partner_connect("seed", str(path), env=cli_database)
    assert again.returncode == 0, again.stderr
    assert await tables(cli_database) == rows


@pytest.mark.parametrize(
    "case", ["invalid contact email", "unknown partner", "missing file", "not JSON"]
)
async def test_the_seed_command_names_what_is_wrong(
    cli_database: dict[str, str], tmp_path: Path, case: str
) -> None:
    if case == "missing file":
        path, expected = tmp_path / "nowhere.json", "nowhere.json"
    elif case == "not JSON":
        path, expected = write(tmp_path, "{"), "not JSON"
    else:
        document, expected = spoiled(case)
        path = write(tmp_path, document)
    before = await tables(cli_database)

    result = await partner_connect("seed", str(path), env=cli_database)

    assert result.returncode == 1
    assert result.stderr.startswith("error:")
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert await tables(cli_database) == before
