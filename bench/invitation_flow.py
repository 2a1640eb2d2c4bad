"""Sequential request → send (manual) → accept flows per second."""

import asyncio
import time
import uuid

from api.http.auth import mint_token
from api.partners.models import Partner, PartnerKind
from bench.harness import peak_memory_mib, running_app

FLOWS = 200
REQUEST = """mutation($input: RequestResellerRelationshipInput!) {
  requestResellerRelationship(input: $input) { invitation { id url } userErrors { code } } }"""
SEND = """mutation($input: SendInvitationInput!) {
  sendInvitation(input: $input) { invitation { status } userErrors { code } } }"""
ACCEPT = """mutation($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { customerTenantId userErrors { code } } }"""
COMPANY = {
    "companyName": "Bench Customer",
    "defaultDomain": "bench.onmicrosoft.com",
    "contactEmail": "it@bench.example",
    "country": "JP",
}


async def main() -> None:
    async with running_app() as (client, settings):
        partner = await Partner.create(
            tenant_id=uuid.uuid4(), name="Bench", partner_id="4899998", kind=PartnerKind.DIRECT_BILL
        )
        agent = {
            "Authorization": "Bearer "
            + mint_token(settings, tenant_id=partner.tenant_id, roles=["SALES_AGENT"])
        }

        async def call(query: str, variables: dict, headers: dict) -> dict:
            body = (
                await client.post(
                    "/graphql", json={"query": query, "variables": variables}, headers=headers
                )
            ).json()
            assert "errors" not in body, body
            [payload] = body["data"].values()
            assert not payload["userErrors"], payload
            return payload

        async def flow() -> None:
            invitation = (
                await call(REQUEST, {"input": {"recipientEmail": "it@bench.example"}}, agent)
            )["invitation"]
            await call(
                SEND, {"input": {"invitationId": invitation["id"], "delivery": "MANUAL"}}, agent
            )
            admin = {
                "Authorization": "Bearer "
                + mint_token(settings, tenant_id=uuid.uuid4(), roles=["CUSTOMER_ADMIN"])
            }
            token = invitation["url"].rsplit("/", 1)[1]
            await call(ACCEPT, {"input": {"token": token, "company": COMPANY}}, admin)

        await flow()
        start = time.perf_counter()
        for _ in range(FLOWS):
            await flow()
        elapsed = time.perf_counter() - start
        print(f"{FLOWS} sequential invitation flows (3 mutations each): {elapsed:.2f} s")
        print(f"  {FLOWS / elapsed:.1f} flows/s, {elapsed / FLOWS * 1000 / 3:.1f} ms per mutation")
        print(f"  peak memory of the process: {peak_memory_mib():.1f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
