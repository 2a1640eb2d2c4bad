"""SQL statements per request, as the app itself logs them: a second API process on the
same database, started with the measured one, with LOG_LEVEL=DEBUG (JSON lines, each
tagged with its request id); one request per case after a warm-up one, then the
`tortoise.db_client` records of each request id. The measured API logs at WARNING."""

import asyncio
import json
from typing import Any

import httpx

from bench.client import SEND
from bench.stack import Stack

LOGGER = "tortoise.db_client"
NOT_STATEMENTS = ("Created connection", "Closed connection")
MUTATION_REQUEST = """mutation Request($input: RequestResellerRelationshipInput!) {
  requestResellerRelationship(input: $input) { invitation { id } userErrors { code } } }"""


async def count(
    stack: Stack, bodies: dict[str, dict[str, Any]], token: str, *, mutations: bool
) -> dict[str, list[str]]:
    """The statements sent for each body (POST /graphql), and, with `mutations`, for one
    `requestResellerRelationship` and one `sendInvitation(delivery: MANUAL)`."""
    server = stack.debug_api
    assert server is not None
    request_ids: dict[str, str] = {}
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=120, headers=headers) as http:
        for case, body in bodies.items():
            await http.post("/graphql", json=body)  # warm-up: first-use work
            response = await http.post("/graphql", json=body)
            request_ids[case] = response.headers["x-request-id"]
        if mutations:
            for attempt in range(2):  # the first is the warm-up
                requested = await http.post(
                    "/graphql",
                    json={
                        "query": MUTATION_REQUEST,
                        "variables": {"input": {"recipientEmail": "count@bench.example"}},
                    },
                )
                invitation = requested.json()["data"]["requestResellerRelationship"]
                delivered = await http.post(
                    "/graphql",
                    json={
                        "query": SEND,
                        "variables": {
                            "input": {
                                "invitationId": invitation["invitation"]["id"],
                                "delivery": "MANUAL",
                            }
                        },
                    },
                )
                if attempt:
                    request_ids["requestResellerRelationship"] = requested.headers["x-request-id"]
                    request_ids["sendInvitation"] = delivered.headers["x-request-id"]
    await asyncio.sleep(0.5)  # the last records written out
    sent: dict[str, list[str]] = {case: [] for case in request_ids}
    by_id = {request_id: case for case, request_id in request_ids.items()}
    for line in server.child.log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict) or record.get("logger") != LOGGER:
            continue
        named = by_id.get(str(record.get("request_id")))
        message = str(record.get("message", ""))
        if named is not None and not any(marker in message for marker in NOT_STATEMENTS):
            sent[named].append(message)
    return sent
