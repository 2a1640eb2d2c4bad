"""Mutations under wrk: `requestResellerRelationship`, and `sendInvitation(delivery:
MANUAL)` for every invitation it made, against the raw single-INSERT endpoint. Every
response is read: HTTP errors, GraphQL errors and user errors are counted."""

from pathlib import Path

from bench import wrk
from bench.client import GraphQL
from bench.results import Results
from bench.stack import Server

REQUEST = """mutation Request($input: RequestResellerRelationshipInput!) {
  requestResellerRelationship(input: $input) { invitation { id } userErrors { code } } }"""
SEND = """mutation Send($input: SendInvitationInput!) {
  sendInvitation(input: $input) { invitation { status } userErrors { code } } }"""
RECIPIENT = "new-customer@bench.example"


async def measure(
    api: Server,
    raw: Server,
    client: GraphQL,
    token: str,
    results: Results,
    workdir: Path,
    *,
    warmup_seconds: float,
) -> None:
    # One pair through the suite's client first: it must succeed as it stands.
    await client.invite(RECIPIENT, "MANUAL")
    check = await client.raw({"recipientEmail": RECIPIENT}, url=f"{raw.url}/invitations")
    if check.status_code != 200:
        results.problem(f"raw INSERT endpoint: HTTP {check.status_code} {check.text[:200]}")
    service_script = wrk.request_then_send_script(
        {"query": REQUEST, "variables": {"input": {"recipientEmail": RECIPIENT}}},
        {"query": SEND, "variables": {"input": {"invitationId": "@ID@", "delivery": "MANUAL"}}},
        token,
    )
    raw_script = wrk.post_script({"recipientEmail": RECIPIENT}, token)
    cases = [
        ("api:mutations", "requestResellerRelationship + sendInvitation · service",
         service_script, f"{api.url}/graphql"),
        ("raw:insert", "one INSERT · raw asyncpg", raw_script, f"{raw.url}/invitations"),
    ]  # fmt: skip
    warmup = wrk.Load(results.load.threads, results.load.connections, warmup_seconds)
    for _, _, script, url in cases:
        await wrk.run(script, url, warmup, workdir)
    for round_number in range(1, results.rounds + 1):
        for key, label, script, url in cases:
            result = await wrk.run(script, url, results.load, workdir)
            results.wrk[key].append(result)
            counters = result.counters
            print(
                f"  round {round_number}/{results.rounds}  {label:<58} "
                f"{result.rps:9.1f} req/s  p50 {result.p50_ms:8.1f}  p99 {result.p99_ms:8.1f} ms"
                + (
                    f"  ({counters['requested']} requested, {counters['sent']} sent)"
                    if key == "api:mutations"
                    else ""
                ),
                flush=True,
            )
            failed = result.errors + counters["graphql_errors"] + counters["user_errors"]
            if failed:
                results.problem(
                    f"{label} round {round_number}: {result.non_2xx} non-2xx, "
                    f"{result.socket_errors} socket errors, {counters['graphql_errors']} "
                    f"GraphQL errors, {counters['user_errors']} user errors"
                )
            if key == "api:mutations" and counters["sent"] == 0:
                results.problem(f"{label} round {round_number}: no sendInvitation answered")
