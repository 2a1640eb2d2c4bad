"""The benchmark suite of the performance issue, in the order its figures were asked
for: the customer list (and its baselines), the viewer, mutations, the worker's
email rate, live events, removals, and the API's memory."""

import asyncio
import hashlib
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from redis.asyncio import Redis

from bench import (
    commits,
    dataset,
    email_drain,
    list_load,
    live,
    removals,
    report,
    statements,
    writes,
)
from bench.client import GraphQL, token
from bench.processes import ROOT, status_kib
from bench.results import Results
from bench.stack import Stack
from bench.wrk import Load

GROUPS = ("customers", "viewer", "mutations", "emails", "live", "removals")


@dataclass(frozen=True)
class Options:
    groups: tuple[str, ...] = GROUPS
    quick: bool = False
    rounds: int = 3
    load: Load = field(default_factory=Load)
    sizes: tuple[int, ...] = (1_000, 100_000)
    warmup_seconds: float = 3.0
    emails: int = 1_000
    subscribers: int = 1_000
    events_per_round: int = 3
    removals_per_round: int = 50
    # Where py-spy flame graphs of the service's list cases go (None: no profiles).
    profile: Path | None = None

    @classmethod
    def quick_look(cls, **overrides: object) -> "Options":
        values: dict[str, object] = {
            "quick": True,
            "rounds": 1,
            "load": Load(seconds=3.0),
            "sizes": (1_000,),
            "warmup_seconds": 1.0,
            "emails": 200,
            "subscribers": 200,
            "events_per_round": 2,
            "removals_per_round": 10,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


def _say(text: str) -> None:
    print(text, flush=True)


async def run(options: Options) -> tuple[Results, float]:
    started = time.monotonic()
    results = Results(rounds=options.rounds, load=options.load, sizes=list(options.sizes))
    results.parameters.update(emails=options.emails, subscribers=options.subscribers)
    workdir = Path(tempfile.mkdtemp(prefix="partner-connect-bench-"))
    code_at_start = code_fingerprint()
    succeeded = False
    try:
        async with Stack(workdir) as stack:
            _say(f"Starting PostgreSQL database {stack.database_name}, Redis, the API, the worker…")
            await stack.start()
            await _suite(stack, options, results, workdir)
        code_at_end = code_fingerprint()
        results.machine["service code (api/, workers/)"] = (
            f"digest {code_at_start}"
            if code_at_end == code_at_start
            else f"digest {code_at_start} at the start, {code_at_end} at the end"
        )
        if code_at_end != code_at_start:
            results.notes.append(
                "The service's code changed in the tree during the run: the worker, "
                "restarted for the email figure, ran the newer code from then on; the "
                "measured API (and the statement-counting one, started with it) the code "
                "they started with."
            )
        succeeded = True
    finally:
        if succeeded:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            _say(f"Logs of the processes: {workdir / 'logs'}")
    return results, time.monotonic() - started


async def _suite(stack: Stack, options: Options, results: Results, workdir: Path) -> None:
    assert stack.api is not None
    api = stack.api
    connection = await asyncpg.connect(stack.database_url)
    events = commits.Commits()
    client: GraphQL | None = None
    try:
        await events.start(stack.database_url)
        partner = await dataset.create_partner(connection)
        stack.partner_id = str(partner.id)
        admin = token(stack.settings, partner.tenant_id, "ADMIN_AGENT")
        client = GraphQL(api.url, stack.settings, admin)
        results.machine = report.machine(
            str(await connection.fetchval("SHOW server_version")),
            await _redis_version(stack.settings.redis_url),
            stack.flags,
        )
        results.machine["load average at the start"] = _load_average()
        groups = set(options.groups)

        loaded = 0
        for size in options.sizes:
            if size != options.sizes[0] and "customers" not in groups:
                break
            _say(f"Loading customers {loaded:,} to {size:,}…")
            begun = time.perf_counter()
            await dataset.add_customers(connection, partner, loaded, size)
            loaded = size
            _say(f"  {size:,} customers in the list ({time.perf_counter() - begun:.1f} s)")
            first = size == options.sizes[0]
            if "customers" in groups:
                await _guarded(
                    results,
                    f"customer list at {size:,}",
                    lambda size=size, first=first: _customer_list(  # type: ignore[misc]
                        stack, connection, partner, size, admin, options, results, workdir,
                        viewer=first and "viewer" in groups,
                        mutations=first and "mutations" in groups,
                    ),
                )  # fmt: skip
            elif first and "viewer" in groups:
                await _guarded(
                    results, "viewer", lambda: _viewer(stack, admin, options, results, workdir)
                )

        if "mutations" in groups:
            _say("Mutations: requestResellerRelationship + sendInvitation(MANUAL) vs one INSERT")
            raw = await stack.baseline("raw-insert")
            await _guarded(
                results,
                "mutations",
                lambda: writes.measure(
                    api, raw, client, admin, results, workdir,
                    warmup_seconds=options.warmup_seconds,
                ),
            )  # fmt: skip
        if "emails" in groups:
            _say(f"Worker: draining {options.emails:,} queued invitation emails")
            await _guarded(
                results,
                "emails",
                lambda: email_drain.measure(stack, client, results, options.emails),
            )
        if "live" in groups:
            _say(f"Live: acceptance → invitationAccepted at {options.subscribers:,} subscribers")
            await _guarded(
                results,
                "live events",
                lambda: live.measure(
                    stack, client, events, admin, results,
                    count=options.subscribers, events_per_round=options.events_per_round,
                ),
            )  # fmt: skip
        if "removals" in groups:
            _say("Removals: removal committed → DAP revoked")
            wanted = 1 + options.rounds * options.removals_per_round
            customers = [
                key for key, _ in await dataset.reseller_customers(connection, partner, wanted)
            ]
            if len(customers) < wanted:
                results.skipped.append(f"removals: only {len(customers)} customers to remove")
            else:
                await _guarded(
                    results,
                    "removals",
                    lambda: removals.measure(
                        stack, client, events, customers, results, options.removals_per_round
                    ),
                )
        if api.child.running:
            results.samples["memory:api:final"].append(status_kib(api.pid, "VmRSS") / 1024)
            results.samples["memory:api:peak"].append(status_kib(api.pid, "VmHWM") / 1024)
        else:
            results.problem("the API process died during the run")
        results.machine["load average at the end"] = _load_average()
    finally:
        if client is not None:
            await client.aclose()
        await events.close()
        await connection.close()


async def _guarded(results: Results, name: str, action: Callable[[], Awaitable[None]]) -> None:
    """Runs one group of figures; a failure is reported and the suite goes on."""
    try:
        await action()
    except (asyncio.CancelledError, KeyboardInterrupt):
        raise
    except Exception as error:
        traceback.print_exc()
        results.problem(f"{name}: failed with {error!r}"[:600])
        results.skipped.append(f"{name}: stopped by the failure above")


async def _customer_list(
    stack: Stack,
    connection: asyncpg.Connection,
    partner: dataset.Partner,
    size: int,
    admin: str,
    options: Options,
    results: Results,
    workdir: Path,
    *,
    viewer: bool,
    mutations: bool,
) -> None:
    assert stack.api is not None
    _say(f"Customer list at {size:,} customers: service, raw asyncpg, plain Strawberry")
    servers = list_load.Servers(
        stack.api, await stack.baseline("raw-list"), await stack.baseline("plain-strawberry")
    )
    cases = await list_load.page_cases(connection, partner, size, servers, admin, results)
    if viewer:
        cases += list_load.viewer_cases(stack.api, await stack.baseline("bare-jwt"), admin)
    await list_load.check(cases, results)
    await list_load.measure(cases, results, workdir, warmup_seconds=options.warmup_seconds)
    if options.profile is not None:
        _say("  profiling the service with py-spy…")
        await list_load.profile(cases, stack.api.pid, results, workdir, options.profile / str(size))
    _say("  counting SQL statements per request…")
    bodies = {
        case.key.rsplit(":", 1)[1]: case.body for case in cases if case.key.startswith("api:")
    }
    sent = await statements.count(stack, bodies, admin, mutations=mutations)
    results.statements[size] = {case: len(texts) for case, texts in sent.items()}
    results.statement_texts[size] = sent.get("first50", [])
    _say("  statements: " + ", ".join(f"{case} {len(texts)}" for case, texts in sent.items()))


async def _viewer(
    stack: Stack, admin: str, options: Options, results: Results, workdir: Path
) -> None:
    assert stack.api is not None
    _say("Viewer: { viewer { tenantId } } vs a bare JWT endpoint")
    cases = list_load.viewer_cases(stack.api, await stack.baseline("bare-jwt"), admin)
    await list_load.check(cases, results)
    await list_load.measure(cases, results, workdir, warmup_seconds=options.warmup_seconds)


async def _redis_version(url: str) -> str:
    redis = Redis.from_url(url)
    try:
        info = await redis.info("server")
        return str(info.get("redis_version", "?"))
    finally:
        await redis.aclose()


def code_fingerprint() -> str:
    """A digest of the service's code (api/, workers/) as it is in the tree now."""
    digest = hashlib.sha1()
    for path in sorted([*ROOT.glob("api/**/*.py"), *ROOT.glob("workers/**/*.py")]):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())
