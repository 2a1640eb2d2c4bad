"""The report: every figure beside its baseline, the ratio and the issue's target (median
of the rounds, min-max in brackets), the detail of each load case, and the machine."""

import math
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from bench.list_load import BASELINE_CASES, LABELS, PAGE_CASES, SERVER_LABELS
from bench.processes import ROOT
from bench.results import Results
from bench.stats import DASH, TIMES, Spread, paired

MET, NOT_MET, NO_TARGET = "met", "**not met**", "—"


def _verdict(ok: bool | None) -> str:
    if ok is None:
        return NO_TARGET
    return MET if ok else NOT_MET


def _ok(value: float, test: bool) -> bool | None:
    return None if math.isnan(value) else test


class _Table:
    def __init__(self) -> None:
        self.lines = [
            "| figure | service | baseline | ratio | target | |",
            "|---|---:|---:|---:|---|---|",
        ]

    def add(
        self, figure: str, service: str, baseline: str, ratio: str, target: str, ok: bool | None
    ) -> None:
        self.lines.append(
            f"| {figure} | {service} | {baseline} | {ratio} | {target} | {_verdict(ok)} |"
        )


def _size(size: int) -> str:
    return f"{size:,}"


def summary(results: Results) -> str:
    r = results
    table = _Table()
    sizes = [s for s in r.sizes if r.wrk.get(f"api:{s}:first50")]
    for size in sizes:
        service, raw = r.values(f"api:{size}:first50"), r.values(f"raw:{size}:first50")
        ratio = paired(service, raw)
        table.add(
            f"`customers(first: 50)` req/s, {_size(size)} customers",
            Spread.of(service).text(),
            f"{Spread.of(raw).text()} raw asyncpg",
            ratio.text(3),
            "≥ 0.33",
            _ok(ratio.median, ratio.median >= 0.33),
        )
        p50, p99 = (
            r.values(f"api:{size}:first50", "p50_ms"),
            r.values(f"api:{size}:first50", "p99_ms"),
        )
        tail = paired(p99, p50)
        table.add(
            f"… its p99 / p50, {_size(size)}",
            f"p50 {Spread.of(p50).text()} ms, p99 {Spread.of(p99).text()} ms",
            "",
            tail.text(2),
            f"p99 ≤ 4 {TIMES} p50",
            _ok(tail.median, tail.median <= 4),
        )
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for case in ("first50", "middle", "search"):
            at_small, at_large = r.values(f"api:{small}:{case}"), r.values(f"api:{large}:{case}")
            slower = paired(at_large, at_small, invert=True)  # req/s small ÷ req/s large
            p50_small = Spread.of(r.values(f"api:{small}:{case}", "p50_ms"))
            p50_large = Spread.of(r.values(f"api:{large}:{case}", "p50_ms"))
            table.add(
                f"{LABELS[case]}: {_size(large)} vs {_size(small)} (time per request)",
                f"{Spread.of(at_small).text()} → {Spread.of(at_large).text()} req/s; "
                f"p50 {p50_small.text()} → {p50_large.text()} ms",
                "",
                f"{slower.text(2)}{TIMES}",
                f"≤ 1.5{TIMES}",
                _ok(slower.median, slower.median <= 1.5),
            )
    for size in sizes:
        p100 = r.values(f"api:{size}:first100", "p50_ms")
        p10 = r.values(f"api:{size}:first10", "p50_ms")
        ratio = paired(p100, p10)
        table.add(
            f"latency `first: 100` / `first: 10`, {_size(size)}",
            f"p50 {Spread.of(p100).text()} / {Spread.of(p10).text()} ms",
            "",
            ratio.text(2),
            "≤ 3",
            _ok(ratio.median, ratio.median <= 3),
        )
    counted = {size: r.statements[size] for size in r.sizes if r.statements.get(size)}
    if counted:
        per_page = [
            [counts.get(case) for case in ("first10", "first50", "first100")]
            for counts in counted.values()
        ]
        flat = {n for row in per_page for n in row if n is not None}
        table.add(
            "SQL statements per request, `first: 10 / 50 / 100`",
            "; ".join(
                f"{' / '.join(str(n) for n in row)} at {_size(size)}"
                for size, row in zip(counted, per_page, strict=True)
            ),
            "",
            "",
            "constant",
            len(flat) == 1 if flat else None,
        )
    if r.wrk.get("api:viewer"):
        service, bare = r.values("api:viewer"), r.values("jwt:viewer")
        ratio = paired(service, bare)
        table.add(
            "`{ viewer { tenantId } }` req/s",
            Spread.of(service).text(),
            f"{Spread.of(bare).text()} bare JWT endpoint",
            ratio.text(3),
            "≥ 0.5",
            _ok(ratio.median, ratio.median >= 0.5),
        )
    for size in sizes:
        plain = r.values(f"strawberry:{size}:first50")
        if not plain:
            continue
        service, raw = r.values(f"api:{size}:first50"), r.values(f"raw:{size}:first50")
        table.add(
            f"`customers(first: 50)` req/s, {_size(size)}: ours vs a plain Strawberry schema",
            Spread.of(service).text(),
            f"{Spread.of(plain).text()} plain Strawberry",
            f"{paired(service, plain).text(3)} (Strawberry / raw {paired(plain, raw).text(3)})",
            "printed beside ours",
            None,
        )
    if r.wrk.get("api:mutations"):
        service, raw = r.values("api:mutations"), r.values("raw:insert")
        ratio = paired(service, raw)
        table.add(
            "`requestResellerRelationship` + `sendInvitation(MANUAL)` mutations/s",
            Spread.of(service).text(),
            f"{Spread.of(raw).text()} single INSERTs/s",
            ratio.text(3),
            "≥ 0.25",
            _ok(ratio.median, ratio.median >= 0.25),
        )
    if r.samples.get("emails:api"):
        service, loop = r.samples["emails:api"], r.samples["emails:loop"]
        ratio = paired(service, loop)
        table.add(
            f"worker emails/s, {r.parameters.get('emails', 0):,} queued invitations",
            Spread.of(service).text(),
            f"{Spread.of(loop).text()} aiosmtplib loop",
            ratio.text(3),
            "≥ 0.5",
            _ok(ratio.median, ratio.median >= 0.5),
        )
    if r.samples.get("live:api:p99"):
        p99, base99 = r.samples["live:api:p99"], r.samples["live:pubsub:p99"]
        ratio = paired(p99, base99)
        median = Spread.of(p99).median
        table.add(
            "acceptance committed → `invitationAccepted` at "
            f"{r.parameters.get('subscribers', 0):,} subscribers, p99 ms",
            Spread.of(p99).text(),
            f"{Spread.of(base99).text()} Redis pub/sub → websockets",
            f"{ratio.text(2)}{TIMES}",
            f"≤ 250 ms and ≤ 2 {TIMES} baseline",
            _ok(median, median <= 250 and ratio.median <= 2),
        )
        table.add(
            "… the same, p50 ms",
            Spread.of(r.samples["live:api:p50"]).text(),
            Spread.of(r.samples["live:pubsub:p50"]).text(),
            f"{paired(r.samples['live:api:p50'], r.samples['live:pubsub:p50']).text(2)}{TIMES}",
            "",
            None,
        )
    if r.samples.get("removal:p50"):
        middle = Spread.of(r.samples["removal:p50"])
        tail99 = Spread.of(r.samples["removal:p99"])
        table.add(
            "removal committed → DAP revoked (worker, stand-in Partner Center)",
            f"p50 {middle.text()} ms, p99 {tail99.text()} ms",
            "",
            "",
            "p50 ≤ 100 ms, p99 ≤ 500 ms",
            _ok(middle.median, middle.median <= 100 and tail99.median <= 500),
        )
    if r.samples.get("memory:api:final"):
        final = Spread.of(r.samples["memory:api:final"])
        peak = Spread.of(r.samples.get("memory:api:peak", []))
        table.add(
            "API resident memory after the whole run (VmRSS; peak VmHWM)",
            f"{final.text(1)} MiB (peak {peak.text(1)} MiB)",
            "",
            "",
            "≤ 200 MiB",
            _ok(final.median, final.median <= 200),
        )
    if r.samples.get("memory:subscriber:api"):
        mine = r.samples["memory:subscriber:api"]
        theirs = r.samples.get("memory:subscriber:pubsub", [])
        ours = Spread.of(mine)
        table.add(
            "API memory per idle websocket subscriber",
            f"{ours.text(1)} KiB",
            f"{Spread.of(theirs).text(1)} KiB bare websockets server",
            f"{paired(mine, theirs).text(2)}{TIMES}",
            "≤ 50 KiB",
            _ok(ours.median, ours.median <= 50),
        )
    return "\n".join(table.lines)


def details(results: Results) -> str:
    lines = [
        "| case | customers | server | req/s | p50 ms | p90 ms | p99 ms | requests a round |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    order = [
        (f"{server}:{size}:{case}", LABELS[case], _size(size), SERVER_LABELS[server])
        for size in results.sizes
        for case in PAGE_CASES
        for server in ("api", "raw", "strawberry")
        if server == "api" or case in BASELINE_CASES
    ] + [
        ("api:viewer", "`{ viewer { tenantId } }`", "", "service"),
        ("jwt:viewer", "`{ viewer { tenantId } }`", "", "bare JWT endpoint"),
        ("api:mutations", "request + send (MANUAL)", "", "service"),
        ("raw:insert", "one INSERT", "", "raw asyncpg"),
    ]
    for key, label, size, server in order:
        if not results.wrk.get(key):
            continue
        requests = Spread.of(result.requests for result in results.wrk[key])
        lines.append(
            f"| {label} | {size} | {server} | {results.spread(key).text()} "
            f"| {results.spread(key, 'p50_ms').text()} | {results.spread(key, 'p90_ms').text()} "
            f"| {results.spread(key, 'p99_ms').text()} | {requests.text(0)} |"
        )
    return "\n".join(lines)


def statements(results: Results) -> str:
    seen = {case for counts in results.statements.values() for case in counts}
    cases = [case for case in PAGE_CASES if case in seen] + sorted(seen - set(PAGE_CASES))
    if not cases:
        return ""
    lines = [
        "| request | "
        + " | ".join(f"{_size(size)} customers" for size in results.statements)
        + " |",
        "|---|" + "---:|" * len(results.statements),
    ]
    for case in cases:
        cells = [str(counts.get(case, "")) for counts in results.statements.values()]
        lines.append(f"| {LABELS.get(case, case)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _statement(logged: str) -> str:
    """A logged statement without its parameter values, on one line."""
    sql = logged.rsplit(": [", 1)[0] if logged.endswith("]") else logged
    return " ".join(sql.split())[:1000]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def _run(*argv: str) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout or done.stderr).strip()


def machine(postgres: str, redis: str, flags: list[str]) -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) / 1024 / 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        math.nan,
    )
    modified = [line for line in _run("git", "status", "--porcelain").splitlines() if line.strip()]
    return {
        "cores": f"{os.cpu_count()} ({cpu})",
        "memory": f"{memory:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "PostgreSQL": postgres,
        "Redis": redis,
        "strawberry-graphql": _version("strawberry-graphql"),
        "graphql-core": _version("graphql-core"),
        "uvicorn": f"{_version('uvicorn')} (`{' '.join(flags)}`, one worker)",
        "starlette": _version("starlette"),
        "tortoise-orm": _version("tortoise-orm"),
        "asyncpg": _version("asyncpg"),
        "wrk": _run("wrk", "-v").splitlines()[0] if _run("wrk", "-v") else "?",
        "tree": f"{_run('git', 'rev-parse', '--short', 'HEAD')}"
        + (f" with {len(modified)} uncommitted changes" if modified else ""),
    }


METHOD = (
    "One PostgreSQL database made for the run (dropped after it), one `redis-server`, "
    "the API as `uvicorn api.app:app` with one worker and the flags production uses, "
    "the worker as `partner-connect worker`, an aiosmtpd sink and a stand-in Partner "
    "Center, each in its own process; the API logs at WARNING (no access log), rate "
    "limits raised out of the way (their checks still run).",
    "The data: one partner's customers, each with a reseller relationship, a billing "
    "profile (contact name, email, country) and an active DAP grant, loaded with COPY "
    "and `VACUUM ANALYZE`d; names `<word> <word> <number>` so the list order is not the "
    "insertion order; the search text from the app's own `search_key`.",
    "Load: Debian's `wrk` in its own process with a Lua script POSTing the GraphQL "
    "document (variables `first`, `after`, `search`) with the ADMIN_AGENT bearer "
    "token; its `done()` reports requests, latency percentiles and errors. Every case "
    "is first fetched once and checked (HTTP 200, no `errors`, the rows expected, the "
    "same rows from the service and from each baseline), then warmed up, then measured.",
    "The middle cursor is the cursor of the customer at half the list (each server's "
    "own cursor for it, found with a `search`); the 1-match search looks for one "
    "customer's number.",
    "Baselines, each served by uvicorn with the same flags: raw asyncpg (one "
    "hand-written query: relationships join customers, billing profile, latest DAP "
    "grant, keyset `(company_name, id)`; verifies nothing), a bare endpoint verifying "
    "the same JWT with PyJWT, a plain Strawberry schema (no permission extensions, "
    "DataLoaders for billing profile and DAP, asyncpg, the token verified), one INSERT "
    "into a table like `invitations`, a sequential aiosmtplib loop, and a Redis "
    "pub/sub → websockets server.",
    "Mutations: one wrk stream, each connection sending `requestResellerRelationship` "
    "and then `sendInvitation(delivery: MANUAL)` for an invitation it made; mutations/s "
    "counts both; every response is read and must hold no error and no user error.",
    "Emails: with the worker stopped, the invitations are requested and sent (EMAIL) "
    "through the API; the worker is started, and the rate is (messages - 1) / (last "
    "arrival - first arrival) at the sink, for the worker and the loop alike.",
    "Live events and removals are timed from PostgreSQL's commit: triggers in the "
    "benchmark's database NOTIFY when an invitation becomes ACCEPTED, a removal row is "
    "inserted, and a removal becomes COMPLETED (the worker called Partner Center and "
    "recorded the revocation); a notification is delivered when its transaction "
    "commits. Subscribers run in a client process of their own; the baseline is timed "
    "from its PUBLISH.",
    "Memory: VmRSS of the API process from /proc; per idle subscriber, the growth of "
    "the server's VmRSS from before the subscribers connected to after they had all "
    "received a first event, divided by their number.",
    "The machine is shared: anything else running during the run (see the load "
    "averages) slows the service and its baselines alike, but the ratios less than "
    "the absolute figures.",
)


def render(results: Results, elapsed_seconds: float) -> str:
    r = results
    rounds = f"{r.rounds} round{'s' if r.rounds != 1 else ''}"
    parts = [
        f"`python -m bench`: {rounds} of every figure, the median shown with the spread "
        f"(min{DASH}max) in brackets; each list and mutation round is one `wrk "
        f"-t{r.load.threads} -c{r.load.connections} -d{r.load.seconds:g}s` run, the cases "
        f"taken in turn within each round so that a ratio is of figures measured side by "
        f"side (ratios are round by round). Whole run: {elapsed_seconds / 60:.1f} min.",
        "",
        summary(r),
    ]
    if r.problems:
        parts += ["", "**Checks that failed** (the figures they touch are not to be trusted):", ""]
        parts += [f"- {problem}" for problem in r.problems]
    if r.skipped:
        parts += ["", "Not measured:", ""] + [f"- {item}" for item in r.skipped]
    parts += ["", "### Every load case", "", details(r)]
    counted = statements(r)
    if counted:
        parts += [
            "",
            "### SQL statements per request",
            "",
            "As the app logs them (`tortoise.db_client` at DEBUG, counted by request id in "
            "a second API process on the same database).",
            "",
            counted,
        ]
        for size, texts in r.statement_texts.items():
            parts += [
                "",
                f"<details><summary>The {len(texts)} statements of one `customers(first: 50)` "
                f"at {_size(size)} customers</summary>",
                "",
                "```sql",
                *(_statement(text) for text in texts),
                "```",
                "",
                "</details>",
            ]
    parts += ["", "### How it was measured", ""] + [f"- {note}" for note in (*METHOD, *r.notes)]
    parts += ["", "### Machine", ""] + [f"- {key}: {value}" for key, value in r.machine.items()]
    return "\n".join(parts)
