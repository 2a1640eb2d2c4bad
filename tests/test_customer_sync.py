"""The customer sync from Partner Center (`partner-connect sync`, the worker's hourly
run) against the stand-in: paged, idempotent, incremental, and nothing deleted
(docs/behaviour.md, "Customer sync")."""

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from api.audit.models import AuditAction, AuditEvent
from api.customers.models import BillingProfile, Customer
from api.db.outbox import OutboxJob
from api.devtools.partner_center import GLOBAL_READER
from api.devtools.partner_center import Customer as Listed
from api.devtools.partner_center import GdapRelationship as Gdap
from api.integrations import partner_center
from api.integrations.partner_center import PartnerCenterClient, PartnerCenterError
from api.partners.models import Partner
from api.permissions import Role
from api.relationships import billing_profiles
from api.relationships.models import GdapRelationship, GdapStatus, Relationship, RelationshipType
from api.relationships.sync import NOT_LISTED, NOT_RESOLD, sync_customers
from api.relationships.sync_requests import SYNC_CUSTOMERS
from api.relationships.tally import Tally
from api.settings import Settings
from tests.support import factories
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.partner_center import Recorded, Running
from tests.support.processes import CLI, command, environment, partner_connect
from tests.support.servers import ApiServer
from tests.support.statements import recording_statements
from workers import worker_options
from workers.periodic import sync_customers as hourly_sync

CUSTOMERS = """query($search: String) {
  customers(first: 5, search: $search) {
    edges { node { companyName relationshipToPartner reviewReason } }
  }
}"""
WRITES = ("INSERT", "UPDATE", "DELETE")
HELPDESK = "729827e3-9c14-49f7-bb1b-9608f156bbb8"  # Entra's Helpdesk Administrator
CUSTOMERS_PATH = "/v1/customers"
GRAPH_PATH = "/graph/v1.0/tenantRelationships/delegatedAdminRelationships"
NEXT = "/customers?size=500&seekOperation=Next"
SUMMARY = "Synced: {} created, 0 updated, 0 unchanged, 0 failed, 0 flagged."
# A database every test here writes to.
pytestmark = pytest.mark.usefixtures("api")


def listing(stand_in: Running, count: int, *, marker: str) -> list[str]:
    """`count` customers in Partner Center's list; every tenth an advisor's only."""
    tenants = [str(uuid.uuid4()) for _ in range(count)]
    for number, tenant in enumerate(tenants):
        stand_in.state.customers[tenant] = Listed(
            tenant,
            f"{marker} {number:04}",
            relationship_to_partner="advisor" if number % 10 == 0 else "reseller",
        )
    return tenants


def writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(WRITES)]


async def test_a_sync_of_2000_customers_over_20_pages_is_idempotent_and_incremental(
    client: PartnerCenterClient, stand_in: Running, gql: GraphQLClient
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    marker = uuid.uuid4().hex[:8]
    tenants = listing(stand_in, 2000, marker=marker)
    # Known here already: one in our list as NONE (Partner Center resells it), one we
    # resell that Partner Center does not list at all.
    known = await Customer.create(
        tenant_id=uuid.UUID(tenants[1]), company_name=f"{marker} 0001", default_domain="x.example"
    )
    await factories.relate(partner, known, RelationshipType.NONE)
    gone = await factories.customer(f"{marker} gone")
    await factories.relate(partner, gone)
    pages: list[tuple[int, Tally]] = []

    def on_page(what: str, number: int, tally: Tally) -> None:
        if what == "customers":
            pages.append((number, tally))

    first = await sync_customers(partner, client, page_size=100, on_page=on_page)

    assert [number for number, _ in pages] == list(range(1, 21))
    assert all(sum(t.as_dict().values()) == 100 for _, t in pages)
    assert first == Tally(created=1999, updated=1, unchanged=0, failed=0, flagged=1)
    rows = await Relationship.filter(partner_id=partner.id).prefetch_related("customer")
    by_tenant = {str(r.customer.tenant_id): r for r in rows}
    assert len(by_tenant) == 2001
    assert by_tenant[tenants[0]].type is RelationshipType.NONE  # an advisor only
    assert by_tenant[tenants[1]].type is RelationshipType.RESELLER  # promoted
    assert by_tenant[tenants[1]].customer.default_domain == f"{tenants[1][:8]}.onmicrosoft.com"
    resold = sum(1 for t in tenants if by_tenant[t].type is RelationshipType.RESELLER)
    assert resold == 1800
    assert by_tenant[str(gone.tenant_id)].review_reason == NOT_LISTED

    # Again, nothing changed there: nothing written but when the customers without a
    # billing profile were asked for one (one statement), and the audit entry.
    with recording_statements() as statements:
        second = await sync_customers(partner, client, page_size=100)
    assert second == Tally(unchanged=2000)
    assert [s.split()[0].upper() for s in writes(statements)] == ["UPDATE", "INSERT"]

    # Partner Center renames three, and stops reselling one: only those change.
    for tenant in tenants[2:5]:
        stand_in.state.customers[tenant].company_name += " (renamed)"
    stand_in.state.customers[tenants[5]].relationship_to_partner = "advisor"
    third = await sync_customers(partner, client, page_size=100)
    assert third == Tally(updated=3, unchanged=1996, flagged=1)
    await by_tenant[tenants[5]].refresh_from_db()
    assert by_tenant[tenants[5]].type is RelationshipType.RESELLER  # not silently demoted
    assert by_tenant[tenants[5]].review_reason == NOT_RESOLD

    summaries = await AuditEvent.filter(
        partner_id=partner.id, action=AuditAction.CUSTOMERS_SYNCED
    ).order_by("occurred_at")
    assert [(e.details["created"], e.details["pages"]) for e in summaries] == [
        (1999, 20),
        (0, 20),
        (0, 20),
    ]
    # The partner sees what needs review in its list.
    token = gql.token(partner.tenant_id, Role.GLOBAL_ADMIN)
    seen = (await gql(CUSTOMERS, {"search": f"{marker} gone"}, token=token)).ok()
    [edge] = seen["customers"]["edges"]
    assert edge["node"]["reviewReason"] == NOT_LISTED


async def test_a_customer_partner_center_lists_badly_is_counted_and_the_rest_come_in(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    good = str(uuid.uuid4())
    bad = str(uuid.uuid4())
    stand_in.state.customers[good] = Listed(good, "Wide World Importers")
    stand_in.state.customers[bad] = Listed(bad, "Evil\u202eCorp")  # a bidi override

    tally = await sync_customers(partner, client)

    assert tally == Tally(created=1, failed=1)
    assert await Customer.exists(tenant_id=uuid.UUID(good))
    assert not await Customer.exists(tenant_id=uuid.UUID(bad))


async def test_the_command_prints_a_line_a_page_and_the_summary(
    settings: Settings, stand_in: Running
) -> None:
    await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    listing(stand_in, 5, marker=uuid.uuid4().hex[:8])
    configured = stand_in.settings(settings)

    ran = await partner_connect("sync", "--page-size", "2", env=environment(configured))

    assert ran.returncode == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[:4] == [
        "customers page 1: 2 created, 0 updated, 0 unchanged, 0 failed, 0 flagged",
        "customers page 2: 2 created, 0 updated, 0 unchanged, 0 failed, 0 flagged",
        "customers page 3: 1 created, 0 updated, 0 unchanged, 0 failed, 0 flagged",
        "GDAP relationships page 1: 0 created, 0 updated, 0 unchanged, 0 failed, 0 flagged",
    ]
    assert lines[-1] == "Synced: 5 created, 0 updated, 0 unchanged, 0 failed, 0 flagged."


async def test_gdap_relationships_come_from_graph_paged_idempotent_and_incremental(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    tenants = listing(stand_in, 3, marker=uuid.uuid4().hex[:8])
    stranger = str(uuid.uuid4())  # a customer Partner Center does not list
    ends = datetime(2027, 6, 1, tzinfo=UTC)
    graph = stand_in.state.gdap_relationships
    for number in range(450):  # two pages of Graph's 300
        graph.append(Gdap(tenants[number % 3], f"Relationship {number:03}", end=ends))
    graph[0].status, graph[1].status = "approvalPending", "terminated"
    graph[2].auto_extend_duration = "P180D"
    graph[3].roles = [GLOBAL_READER, HELPDESK]
    graph.append(Gdap(stranger, "Not a customer of ours"))
    graph.append(Gdap(tenants[0], "Evil\u202eName"))  # a bidi override
    lines: list[str] = []

    await sync_customers(
        partner, client, on_page=lambda what, n, tally: lines.append(f"{what} {n} {tally}")
    )

    assert [line.split(" Tally")[0] for line in lines] == [
        "customers 1",
        "GDAP relationships 1",
        "GDAP relationships 2",
    ]
    rows = {r.graph_id: r for r in await GdapRelationship.filter(partner_id=partner.id)}
    assert len(rows) == 450
    first, second, third, fourth = (rows[g.id] for g in graph[:4])
    assert (first.status, second.status, third.status) == (
        GdapStatus.APPROVAL_PENDING,
        GdapStatus.TERMINATED,
        GdapStatus.ACTIVE,
    )
    assert third.auto_extend_duration == "P180D"
    assert first.auto_extend_duration is None
    assert fourth.roles == ["Global Reader", "Helpdesk Administrator"]
    assert fourth.ends_at == ends
    [summary] = await AuditEvent.filter(partner_id=partner.id, action=AuditAction.CUSTOMERS_SYNCED)
    assert summary.details["gdapRelationships"] == {
        "created": 450, "updated": 0, "unchanged": 0, "failed": 2, "flagged": 0, "pages": 2,
    }  # fmt: skip

    # Again: nothing written but when the customers without a billing profile were
    # asked for one, and the audit entry; then Graph ends one.
    with recording_statements() as statements:
        await sync_customers(partner, client)
    assert [s.split()[0].upper() for s in writes(statements)] == ["UPDATE", "INSERT"]
    graph[5].status = "expired"
    await sync_customers(partner, client)
    last = (
        await AuditEvent.filter(partner_id=partner.id, action=AuditAction.CUSTOMERS_SYNCED)
        .order_by("-occurred_at")
        .first()
    )
    assert last is not None
    assert last.details["gdapRelationships"]["updated"] == 1
    assert last.details["gdapRelationships"]["unchanged"] == 449
    await rows[graph[5].id].refresh_from_db()
    assert rows[graph[5].id].status is GdapStatus.EXPIRED


async def billing_profile_runs(
    partner: Partner, client: PartnerCenterClient, stand_in: Running, times: int = 3
) -> list[list[str]]:
    """Syncs `times` times; the tenants whose billing profile each run asked for."""
    runs = []
    for _ in range(times):
        before = len(stand_in.state.calls)
        await sync_customers(partner, client)
        calls = stand_in.state.calls[before:]
        runs.append([c.path.split("/")[3] for c in calls if "billing" in c.path])
    return runs


async def test_billing_profiles_are_fetched_for_customers_without_one_a_bounded_number_a_run(
    client: PartnerCenterClient, stand_in: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    tenants = listing(stand_in, 4, marker=uuid.uuid4().hex[:8])
    profile = {
        "id": "b3a2b1f0-0000-4000-8000-000000000001",
        "firstName": "Megan",
        "lastName": "Bowen",
        "email": "megan@tailspin.example",
        "culture": "en-US",
        "language": "en",
        "companyName": "Tailspin Toys",
        "defaultAddress": {
            "country": "US",
            "city": "Redmond",
            "state": "WA",
            "addressLine1": "1 Microsoft Way",
            "postalCode": "98052",
            "phoneNumber": "4255550100",
        },
    }
    # In the order they are asked for: two that read, one that does not, one without.
    good, other, unreadable, without = sorted(tenants)
    for tenant in (good, other):
        stand_in.state.customers[tenant].billing_profile = profile
    stand_in.state.customers[unreadable].billing_profile = {**profile, "email": "not an address"}
    monkeypatch.setattr(billing_profiles, "PER_SYNC", 2)
    runs = await billing_profile_runs(partner, client, stand_in)

    assert runs == [[good, other], [unreadable, without], [unreadable, without]]
    held = await BillingProfile.filter(customer__tenant_id__in=tenants).prefetch_related("customer")
    assert sorted(str(p.customer.tenant_id) for p in held) == [good, other]
    assert {
        (
            p.contact_name,
            p.contact_email,
            p.phone,
            p.culture,
            p.line1,
            p.city,
            p.region,
            p.postal_code,
            p.country,
        )
        for p in held
    } == {
        (
            "Megan Bowen",
            "megan@tailspin.example",
            "4255550100",
            "en-US",
            "1 Microsoft Way",
            "Redmond",
            "WA",
            "98052",
            "US",
        )
    }
    summaries = await AuditEvent.filter(
        partner_id=partner.id, action=AuditAction.CUSTOMERS_SYNCED
    ).order_by("occurred_at")
    assert [e.details["billingProfiles"] for e in summaries] == [
        {"created": 2, "failed": 0},
        {"created": 0, "failed": 2},
        {"created": 0, "failed": 2},
    ]


@pytest.mark.parametrize("chunk", [billing_profiles.CHUNK, 2])
async def test_customers_partner_center_has_no_profile_for_do_not_keep_the_others_waiting(
    api: ApiServer,
    client: PartnerCenterClient,
    stand_in: Running,
    monkeypatch: pytest.MonkeyPatch,
    chunk: int,
) -> None:
    """Of the two customers asked first (the lowest tenant ids), Partner Center has no
    profile for one and fails (500) for the other; the next runs ask the others before
    asking those two again, and the failure does not stop the sync."""
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    tenants = listing(stand_in, 5, marker=uuid.uuid4().hex[:8])
    first, second, *rest = sorted(tenants)
    stand_in.state.customers[second].billing_profile_failure = 500
    for tenant in rest:
        stand_in.state.customers[tenant].billing_profile = {
            "email": f"billing@{tenant[:8]}.example",
            "defaultAddress": {"country": "US"},
        }
    monkeypatch.setattr(billing_profiles, "PER_SYNC", 2)
    runs = await billing_profile_runs(partner, client, stand_in)

    assert runs == [[first, second], rest[:2], [rest[2], first]]
    held = await BillingProfile.filter(customer__tenant_id__in=tenants).prefetch_related("customer")
    assert sorted(str(p.customer.tenant_id) for p in held) == rest


async def test_the_command_says_what_is_missing(settings: Settings, stand_in: Running) -> None:
    unconfigured = await partner_connect("sync", env=environment(settings))
    assert unconfigured.returncode == 2
    assert "Partner Center is not configured" in unconfigured.stderr
    no_partner = await partner_connect("sync", env=environment(stand_in.settings(settings)))
    assert no_partner.returncode == 2
    assert "load it first" in no_partner.stderr


async def test_the_worker_syncs_every_hour_when_partner_center_is_configured(
    settings: Settings, stand_in: Running
) -> None:
    configured = stand_in.settings(settings)
    assert "cron:sync_customers" not in {c.name for c in worker_options(settings)["cron_jobs"]}
    [hourly] = [
        c for c in worker_options(configured)["cron_jobs"] if c.name == "cron:sync_customers"
    ]
    assert hourly.minute == 17
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    listing(stand_in, 3, marker=uuid.uuid4().hex[:8])

    outcome = await hourly_sync({"settings": configured})

    assert outcome["created"] == 3
    assert await Relationship.filter(partner_id=partner.id).count() == 3


async def test_billing_profiles_are_found_due_among_more_customers_than_a_statement_takes(
    api: ApiServer, client: PartnerCenterClient
) -> None:
    """40,000 customers without a profile: more tenants than a statement may take as
    parameters (asyncpg refused one IN list of them: "the number of query arguments
    cannot exceed 32767"); the first 200 by tenant id are asked for."""
    customers = [
        Customer(
            id=uuid.uuid4(), tenant_id=uuid.uuid4(), company_name=f"Big {n}", default_domain="x"
        )
        for n in range(40_000)
    ]
    await Customer.bulk_create(customers, batch_size=2_000)
    tenants = {customer.tenant_id for customer in customers}

    tally = await billing_profiles.fill(client, uuid.uuid4(), tenants)

    assert tally.failed == billing_profiles.PER_SYNC  # the stand-in knows none of them
    asked = await Customer.filter(
        billing_profile_asked_at__isnull=False, tenant_id__in=sorted(tenants)[:1000]
    ).count()
    assert asked == billing_profiles.PER_SYNC


# ------------------------------------------------- a misbehaving Partner Center


def page(*items: object, following: dict[str, Any] | None = None) -> bytes:
    """A customers page as Partner Center writes one, with these items."""
    links = {"next": following} if following is not None else {}
    return json.dumps({"totalCount": len(items), "items": list(items), "links": links}).encode()


def token(value: str) -> dict[str, Any]:
    return {"uri": NEXT, "headers": [{"key": "MS-ContinuationToken", "value": value}]}


GOOD = Listed(str(uuid.uuid4()), "Wide World Importers").resource()


@pytest.mark.parametrize(
    ("path", "answer", "said"),
    [
        (CUSTOMERS_PATH, b"<html>Service Unavailable</html>", "a body that is not JSON"),
        (CUSTOMERS_PATH, b'[{"id": 1}]', "a JSON array"),
        (CUSTOMERS_PATH, b'{"items": "none"}', 'a page whose "items" is not a list'),
        (CUSTOMERS_PATH, page(GOOD, following={"headers": []}), "a next link without an address"),
        (CUSTOMERS_PATH, page(GOOD, following=token("caf\u00e9")), "a continuation token"),
        (GRAPH_PATH, b"{not json", "a body that is not JSON"),
        (GRAPH_PATH, b"42", "a JSON number"),
    ],
)
async def test_a_malformed_answer_ends_the_sync_saying_what_partner_center_answered(
    client: PartnerCenterClient, stand_in: Running, path: str, answer: bytes, said: str
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    stand_in.state.answers[path] = [answer]

    with pytest.raises(PartnerCenterError, match=said):
        await sync_customers(partner, client)


async def test_an_item_that_is_no_object_is_counted_failed_and_the_others_come_in(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    good = [Listed(str(uuid.uuid4()), f"Good {n}").resource() for n in range(2)]
    odd = {"id": str(uuid.uuid4()), "companyProfile": "not an object"}
    stand_in.state.answers[CUSTOMERS_PATH] = [page(good[0], "a customer", [1], odd, good[1])]
    gdap = Gdap(good[0]["id"], "Helpdesk").resource()
    stand_in.state.answers[GRAPH_PATH] = [json.dumps({"value": [gdap, None, "x"]}).encode()]

    tally = await sync_customers(partner, client)

    assert tally == Tally(created=2, failed=3)
    [summary] = await AuditEvent.filter(partner_id=partner.id, action=AuditAction.CUSTOMERS_SYNCED)
    assert (
        summary.details["gdapRelationships"]["created"],
        summary.details["gdapRelationships"]["failed"],
    ) == (1, 2)


async def test_a_next_link_that_cycles_ends_the_sync_at_the_repeated_token(
    client: PartnerCenterClient, stand_in: Running
) -> None:
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    listing(stand_in, 5, marker=uuid.uuid4().hex[:8])
    stand_in.state.cycle = True  # page 3 links back to page 2

    async with asyncio.timeout(30):
        with pytest.raises(PartnerCenterError, match="continuation token it gave before"):
            await sync_customers(partner, client, page_size=2)

    assert [c.path for c in stand_in.state.calls] == [CUSTOMERS_PATH] * 3

    # Graph's next link, the same way.
    stand_in.state.cycle = False
    again = json.dumps(
        {
            "value": [],
            "@odata.nextLink": f"{stand_in.url}{GRAPH_PATH}?$skiptoken=x",
        }
    ).encode()
    stand_in.state.answers[GRAPH_PATH] = [again, again]
    with pytest.raises(PartnerCenterError, match="a page it gave before"):
        await sync_customers(partner, client, page_size=2)


async def test_a_list_longer_than_any_partners_ends_the_sync(
    client: PartnerCenterClient, stand_in: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages with ever new continuation tokens: bounded by the customers a list may
    hold (here 2, so at most 3 pages of 1)."""
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    listing(stand_in, 5, marker=uuid.uuid4().hex[:8])
    monkeypatch.setattr(partner_center, "MAX_LISTED", 2)

    with pytest.raises(PartnerCenterError, match="more than 2 customers"):
        await sync_customers(partner, client, page_size=1)

    assert [c.path for c in stand_in.state.calls] == [CUSTOMERS_PATH] * 3


async def test_the_command_waits_out_a_429_and_goes_on(
    settings: Settings, stand_in: Running
) -> None:
    await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    listing(stand_in, 3, marker=uuid.uuid4().hex[:8])
    # Retry-After 5 s, waited at most the setting's 0.01 s.
    configured = stand_in.settings(settings).model_copy(
        update={"partner_center_sync_max_wait_seconds": 0.01}
    )
    stand_in.state.throttle = ["5", "5"]

    ran = await partner_connect("sync", env=environment(configured))

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[-1] == SUMMARY.format(3)
    throttled, again, answered = stand_in.state.calls[:3]
    assert [c.status for c in (throttled, again, answered)] == [429, 429, 200]
    assert len({c.headers["ms-requestid"] for c in (throttled, again, answered)}) == 1

    stand_in.state.throttle = ["5"] * partner_center.THROTTLED_TRIES
    ran = await partner_connect("sync", env=environment(configured))
    assert ran.returncode == 1
    assert "Partner Center is still throttling" in ran.stderr


async def test_billing_profiles_throttled_past_the_waits_are_left_for_the_next_run(
    settings: Settings, stand_in: Running
) -> None:
    """Partner Center throttles the billing profiles after the list: the first one is
    asked `THROTTLED_TRIES` times, the others not at all this run (each would wait as
    long), and the sync goes on."""
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    listing(stand_in, 4, marker=uuid.uuid4().hex[:8])
    configured = stand_in.settings(settings).model_copy(
        update={"partner_center_sync_max_wait_seconds": 0.01}
    )

    def throttle_after_the_list(call: Recorded) -> None:
        if call.path == CUSTOMERS_PATH:
            stand_in.state.throttle = ["5"] * partner_center.THROTTLED_TRIES

    stand_in.state.on_call = throttle_after_the_list
    pc = PartnerCenterClient(configured)
    try:
        await sync_customers(partner, pc)
    finally:
        await pc.aclose()

    asked = [c.path for c in stand_in.state.calls if c.path.endswith("/profiles/billing")]
    assert len(asked) == partner_center.THROTTLED_TRIES
    assert len(set(asked)) == 1
    [summary] = await AuditEvent.filter(partner_id=partner.id, action=AuditAction.CUSTOMERS_SYNCED)
    assert summary.details["billingProfiles"] == {"created": 0, "failed": 1}


async def test_a_page_of_31000_customers_is_refused_in_bounded_memory(
    settings: Settings, stand_in: Running
) -> None:
    """Asked for 500 a page, Partner Center answers 31,000 (some 20 MB): the answer is
    not read past its bound, and the command's peak memory stays near its resting
    size (254 MB before)."""
    await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    items = [Listed(str(uuid.uuid4())).resource() for _ in range(31_000)]
    stand_in.state.answers[CUSTOMERS_PATH] = [page(*items)]

    ran = await command(
        "/usr/bin/time", "-f", "peak %M KiB", str(CLI), "sync",
        env=environment(stand_in.settings(settings)),
    )  # fmt: skip

    assert ran.returncode == 1, ran.stderr
    assert "answered more than" in ran.stderr
    peak = int(ran.stderr.splitlines()[-1].split()[1])
    assert peak < 120_000, f"{peak} KiB"


# ------------------------------------------------------------ a sync asked for

SYNC_STATE = "customerSync { available pending lastSyncedAt created updated failed flagged }"
ASK = f"mutation {{ syncCustomers {{ {SYNC_STATE} userErrors {{ code message }} }} }}"
STATE = f"{{ {SYNC_STATE} }}"


async def test_a_partner_asks_for_a_sync_and_sees_when_it_ran_and_what_it_did(
    settings: Settings, stand_in: Running
) -> None:
    configured = stand_in.settings(settings)
    partner = await factories.partner(tenant_id=uuid.UUID(stand_in.state.tenant_id))
    other = await factories.partner()  # not the partner Partner Center acts for
    listing(stand_in, 3, marker=uuid.uuid4().hex[:8])
    async with (
        ApiServer.alongside(configured) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as http,
    ):
        gql = GraphQLClient(http, configured)
        admin = gql.token(partner.tenant_id, Role.ADMIN_AGENT)
        before = (await gql(STATE, token=admin)).ok()["customerSync"]
        asked = [(await gql(ASK, token=admin)).ok()["syncCustomers"] for _ in range(2)]
        queued = [
            row
            for row in await OutboxJob.filter(function=SYNC_CUSTOMERS.name, completed_at=None)
            if row.kwargs == {"partner_id": str(partner.id)}
        ]
        await drain(configured)
        after = (await gql(STATE, token=gql.token(partner.tenant_id, Role.SALES_AGENT))).ok()
        refused = (await gql(ASK, token=gql.token(other.tenant_id, Role.GLOBAL_ADMIN))).ok()
        elsewhere = (await gql(STATE, token=gql.token(other.tenant_id, Role.GLOBAL_ADMIN))).ok()

    assert before == {
        "available": True, "pending": False, "lastSyncedAt": None,
        "created": None, "updated": None, "failed": None, "flagged": None,
    }  # fmt: skip
    assert [a["userErrors"] for a in asked] == [[], []]
    assert [a["customerSync"]["pending"] for a in asked] == [True, True]
    assert len(queued) == 1  # asked twice, one sync
    state = after["customerSync"]
    assert (state["pending"], state["created"], state["updated"]) == (False, 3, 0)
    synced_at = datetime.fromisoformat(state["lastSyncedAt"])
    assert abs((datetime.now(UTC) - synced_at).total_seconds()) < 300
    [error] = refused["syncCustomers"]["userErrors"]
    assert error["code"] == "NOT_CONNECTED"
    assert "Partner Center is not connected" in error["message"]
    assert elsewhere["customerSync"]["available"] is False
