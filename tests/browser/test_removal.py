""" "Remove reseller relationship" in a real browser: the attestation must be ticked, the
reminder that no notice is sent, and the status updating live until DAP is revoked,
with the GDAP relationships kept."""

import re
import uuid

from playwright.async_api import expect

from api.permissions import Role
from api.relationships.models import DelegatedAdminGrant, DelegatedAdminStatus, GdapRelationship
from api.removals.attestation import BUILT_IN
from api.removals.models import RelationshipRemoval
from api.settings import Settings
from tests.browser.support import (
    PHONE,
    Pages,
    assert_accessible,
    assert_no_sideways_scrolling,
    screenshot,
    sign_in,
)
from tests.support import factories
from tests.support.graphql import GraphQLClient
from tests.support.jobs import drain
from tests.support.partner_center import serving


async def test_remove_with_attestation_and_see_dap_revoked_live(
    pages: Pages, gql: GraphQLClient, settings: Settings
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    customer = await factories.customer("Litware")
    await factories.relate(partner, customer, dap=True)
    await factories.gdap(partner, customer, "Helpdesk")
    await factories.gdap(partner, customer, "Security reader")
    staying = await factories.customer("Adatum")
    await factories.relate(partner, staying, dap=True)

    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.ADMIN_AGENT))
    await page.get_by_role("link", name="Litware").click()
    await page.get_by_role("link", name="Remove reseller relationship").click()

    title = "Remove the reseller relationship with Litware"
    await expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    await expect(page.get_by_test_id("attestation-text")).to_have_text(BUILT_IN["en"].text)
    await expect(page.get_by_test_id("no-notice")).to_contain_text(BUILT_IN["en"].legal_notice)
    # Said once, and not in the past tense before anything has happened.
    await expect(page.get_by_text("No notice is sent")).to_have_count(1)
    await expect(page.get_by_test_id("no-notice")).not_to_contain_text("was sent")
    kept = page.get_by_test_id("gdap-table")
    await expect(kept.locator("tbody th")).to_have_text(["Helpdesk", "Security reader"])
    await screenshot(page, "remove-attestation")
    await assert_accessible(page)

    # Not without the attestation.
    await page.get_by_role("button", name="Remove relationship").click()
    attest = page.get_by_label("I accept this attestation")
    await expect(page.get_by_text("Tick the box to accept the attestation.")).to_be_visible()
    await expect(attest).to_be_focused()
    await expect(attest).to_have_attribute("aria-invalid", "true")
    assert (await DelegatedAdminGrant.get(customer=customer)).status is DelegatedAdminStatus.ACTIVE

    await attest.check()
    await page.get_by_label("Reason (optional, for your records)").fill("Contract ended")
    await page.get_by_role("button", name="Remove relationship").click()

    # Removed from the list at once; DAP is being revoked until the worker has run.
    await expect(
        page.get_by_role("heading", level=1, name="Relationship with Litware removed")
    ).to_be_visible()
    removal_status = page.get_by_test_id("removal-status")
    await expect(removal_status.locator("[data-status=PENDING]")).to_be_visible()
    await expect(page.get_by_test_id("dap-step")).to_have_text(
        "Revoking delegated admin privileges (DAP)…"
    )
    await expect(removal_status).to_contain_text("GDAP relationships kept: 2.")
    await expect(page.get_by_test_id("legal-notice")).to_contain_text(
        "Partner Connect sent nothing to the customer"
    )
    await screenshot(page, "removal-revoking")
    await assert_accessible(page)

    await drain(settings)
    await expect(removal_status.locator("[data-status=COMPLETED]")).to_be_visible()
    await expect(page.get_by_test_id("dap-step")).to_have_text(
        "Delegated admin privileges (DAP) revoked."
    )
    await expect(
        page.get_by_role("status").filter(
            has_text="Delegated admin privileges for Litware were revoked"
        )
    ).to_be_visible()
    await screenshot(page, "removal-completed")
    await assert_accessible(page)
    grant = await DelegatedAdminGrant.get(customer=customer)
    assert grant.status is DelegatedAdminStatus.REVOKED
    assert await GdapRelationship.filter(customer=customer).count() == 2

    # The removal is in the history; the customer is no longer in the list.
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Removals").click()
    await expect(page.get_by_test_id("removal-table").locator("tbody tr")).to_have_count(1)
    await expect(page.get_by_test_id("removal-table").locator("thead th")).to_contain_text(
        ["Status", "DAP"]
    )
    await expect(page.get_by_test_id("removal-table")).to_contain_text("Revoked")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    await expect(page.get_by_test_id("customer-table").locator("tbody th")).to_have_text(["Adatum"])


async def test_removal_at_phone_width(pages: Pages, gql: GraphQLClient) -> None:
    partner = await factories.partner(name="Northwind Traders")
    customer = await factories.customer("Proseware")
    await factories.relate(partner, customer, dap=True)
    page = await pages.open("/", viewport=PHONE)
    await sign_in(page, gql.token(partner.tenant_id, Role.SALES_AGENT))
    await page.get_by_role("link", name="Proseware").click()
    await page.get_by_role("link", name="Remove reseller relationship").click()
    await expect(page.get_by_label("I accept this attestation")).to_be_visible()
    # A sales agent may remove but not see DAP/GDAP: no GDAP section is asked for.
    await expect(page.get_by_test_id("gdap-table")).to_have_count(0)
    await assert_no_sideways_scrolling(page)
    await screenshot(page, "remove-attestation-phone")
    await assert_accessible(page)
    await expect(page.get_by_role("button", name=re.compile("Remove relationship"))).to_be_enabled()


async def test_a_japanese_reader_attests_to_the_whole_text_in_japanese(
    pages: Pages, gql: GraphQLClient
) -> None:
    partner = await factories.partner(name="Northwind Traders")
    customer = await factories.customer("Litware")
    await factories.relate(partner, customer, dap=True)
    japanese = BUILT_IN["ja"]
    page = await pages.open("/")
    await sign_in(page, gql.token(partner.tenant_id, Role.SALES_AGENT))
    await page.get_by_label("Language").select_option("ja")
    await page.get_by_role("link", name="Litware").click()
    await page.get_by_role("link", name="リセラー関係を削除").click()

    attestation = page.get_by_test_id("attestation-text")
    await expect(attestation).to_have_text(japanese.text)
    await expect(attestation).to_have_attribute("lang", "ja")
    await expect(page.get_by_test_id("no-notice")).to_contain_text(japanese.legal_notice)
    await expect(page.get_by_text(BUILT_IN["en"].text)).to_have_count(0)
    await expect(page.get_by_text(f"証明のバージョン {japanese.version}")).to_be_visible()
    await assert_accessible(page)

    # Each language shows its own text: a switch loads the other one.
    await page.get_by_label("言語").select_option("en")
    await expect(attestation).to_have_text(BUILT_IN["en"].text)
    await page.get_by_label("Language").select_option("ja")
    await expect(attestation).to_have_text(japanese.text)

    await page.get_by_label("この証明に同意します").check()
    await page.get_by_role("button", name="関係を削除").click()
    await expect(
        page.get_by_role("heading", level=1, name="Litware との関係を削除しました")
    ).to_be_visible()
    removal = await RelationshipRemoval.get(partner_id=partner.id)
    assert (removal.attestation_language, removal.attestation_version) == ("ja", japanese.version)


async def test_a_refused_removal_says_why_brings_the_customer_back_and_is_asked_again(
    pages: Pages, gql: GraphQLClient, settings: Settings
) -> None:
    async with serving() as stand_in:
        tenant = uuid.UUID(stand_in.state.tenant_id)
        partner = await factories.partner(name="Northwind Traders", tenant_id=tenant)
        customer = await factories.customer("Litware")
        await factories.relate(partner, customer, dap=True)
        worker = stand_in.settings(settings)
        stand_in.state.always_fail = 403  # Partner Center refuses, however often asked

        page = await pages.open("/")
        await sign_in(page, gql.token(partner.tenant_id, Role.ADMIN_AGENT))
        await page.get_by_role("link", name="Litware").click()
        await page.get_by_role("link", name="Remove reseller relationship").click()
        await page.get_by_label("I accept this attestation").check()
        await page.get_by_role("button", name="Remove relationship").click()
        removal_status = page.get_by_test_id("removal-status")
        await expect(removal_status.locator("[data-status=PENDING]")).to_be_visible()

        await drain(worker)

        failed = "Removing the relationship with Litware failed"
        await expect(page.get_by_role("heading", level=1, name=failed)).to_be_visible()
        await expect(removal_status.locator("[data-status=FAILED]")).to_be_visible()
        await expect(page.get_by_test_id("removal-error")).to_contain_text(
            "Partner Center refused to end the relationship"
        )
        await expect(page.get_by_test_id("dap-step")).to_have_text(
            "Delegated admin privileges (DAP) were not revoked."
        )
        await expect(page.locator(".spinner")).to_have_count(0)
        await expect(
            page.get_by_role("status").filter(has_text="Litware is back in your customer list")
        ).to_be_visible()
        await screenshot(page, "removal-failed")
        await assert_accessible(page)

        # Back in the list, marked, with the reason and the way to the removal.
        nav = page.get_by_role("navigation", name="Main")
        await nav.get_by_role("link", name="Customers").click()
        mark = page.get_by_test_id("customer-table").get_by_test_id("removal-failed")
        await expect(mark).to_contain_text("Removal failed")
        await expect(mark).to_contain_text("Partner Center refused to end the relationship")
        await mark.get_by_role("link", name="Removal failed").click()

        stand_in.state.always_fail = None
        again = page.get_by_role("button", name="Remove relationship again")
        await again.click()
        attest = page.get_by_test_id("retry-form").get_by_label("I accept this attestation")
        await expect(attest).to_be_focused()
        await attest.check()
        await again.click()
        await expect(removal_status.locator("[data-status=PENDING]")).to_be_visible()
        await expect(page.get_by_test_id("retry-form")).to_have_count(0)
        await expect(page.get_by_role("heading", level=1)).to_have_text(
            "Relationship with Litware removed"
        )

        await drain(worker)

        await expect(removal_status.locator("[data-status=COMPLETED]")).to_be_visible()
        await expect(page.get_by_test_id("dap-step")).to_have_text(
            "Delegated admin privileges (DAP) revoked."
        )
