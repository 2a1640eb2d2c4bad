"""Removal committed → DAP revoked: `removeResellerRelationship` for customers with an
active grant, one at a time; the times are PostgreSQL's commit notifications of the
removal row and of its completion (the worker made the two calls to the stand-in
Partner Center — DAP, then the relationship — and recorded the revocation in the same
transaction as COMPLETED)."""

import json
import uuid

from bench import commits
from bench.client import GraphQL
from bench.results import Results
from bench.stack import Stack
from bench.stats import percentile

TIMEOUT_SECONDS = 60


def partner_center_calls(stack: Stack) -> int:
    log = stack.partner_center_log
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text().splitlines() if json.loads(line)["method"] == "PATCH")


async def measure(
    stack: Stack,
    client: GraphQL,
    events: commits.Commits,
    customers: list[uuid.UUID],
    results: Results,
    per_round: int,
) -> None:
    calls_before = partner_center_calls(stack)
    queue = list(customers)
    # One first, not counted: the worker's first job of its kind.
    warmup = queue.pop()
    await client.remove(warmup)
    await events.wait(commits.REMOVAL_COMPLETED, str(warmup), TIMEOUT_SECONDS)
    removed = 1
    for round_number in range(1, results.rounds + 1):
        latencies: list[float] = []
        for _ in range(per_round):
            customer = queue.pop()
            await client.remove(customer)
            removed += 1
            requested = await events.wait(commits.REMOVAL_REQUESTED, str(customer), TIMEOUT_SECONDS)
            completed = await events.wait(commits.REMOVAL_COMPLETED, str(customer), TIMEOUT_SECONDS)
            if requested is None or completed is None:
                results.problem(
                    f"removal of {customer}: no commit announced in {TIMEOUT_SECONDS} s"
                )
                continue
            latencies.append((completed - requested) * 1000)
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        results.samples["removal:p50"].append(p50)
        results.samples["removal:p99"].append(p99)
        print(
            f"  round {round_number}/{results.rounds}  {per_round} removals: committed → DAP "
            f"revoked p50 {p50:7.1f}  p99 {p99:7.1f} ms",
            flush=True,
        )
    calls = partner_center_calls(stack) - calls_before
    # Two documented calls a removal: DAP, then the relationship.
    if calls != 2 * removed:
        results.problem(f"{removed} removals made {calls} Partner Center calls, not two each")
