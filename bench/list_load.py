"""The customer list under wrk: the service, the raw baseline and the plain Strawberry
baseline, page sizes 10/50/100, a cursor in the middle and a 1-match search, and
`{ viewer { tenantId } }` beside a bare JWT endpoint. Every case's page is fetched
once first and checked (200, no `errors`, the expected rows, the same rows from
every server); the rounds then run the cases in turn, so that each ratio is of
figures measured side by side."""

import asyncio
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import dataset, wrk
from bench.results import Results
from bench.stack import Server

QUERY = """query Customers($first: Int, $after: String, $search: String) {
  customers(first: $first, after: $after, search: $search) {
    edges { node {
      id tenantId companyName defaultDomain relationshipToPartner
      billingProfile { contactName contactEmail address { country } }
      delegatedAdmin { status grantedAt }
    } }
  }
}"""
CURSOR_QUERY = """query Cursor($search: String) {
  customers(first: 1, search: $search) { edges { cursor node { companyName } } }
}"""
VIEWER = "query Viewer { viewer { tenantId } }"

PAGE_CASES = ("first10", "first50", "first100", "middle", "search")
BASELINE_CASES = ("first50", "middle", "search")
LABELS = {
    "first10": "customers(first: 10)",
    "first50": "customers(first: 50)",
    "first100": "customers(first: 100)",
    "middle": "customers(first: 50, after: <middle>)",
    "search": "customers(search: <1 match>)",
}
SERVER_LABELS = {"api": "service", "raw": "raw asyncpg", "strawberry": "plain Strawberry"}


@dataclass(frozen=True)
class Case:
    key: str
    label: str
    url: str
    body: dict[str, Any]
    token: str | None
    # Rows the page must hold (None: not a page).
    rows: int | None = None


@dataclass(frozen=True)
class Servers:
    api: Server
    raw: Server
    strawberry: Server


def _variables(case: str, cursor: Any) -> dict[str, Any]:
    first = {"first10": 10, "first100": 100}.get(case, 50)
    variables: dict[str, Any] = {"first": first}
    if case == "middle":
        variables["after"] = cursor
    if case == "search":
        variables["search"] = dataset.SEARCH_TERM
    return variables


async def _cursor(
    http: httpx.AsyncClient, url: str, token: str, row: dataset.Row, results: Results
) -> str | None:
    """The cursor of `row` in the list, as `url` issues it (found by searching for it;
    a list's cursor is a position in its order, whatever the search)."""
    response = await http.post(
        url,
        json={"query": CURSOR_QUERY, "variables": {"search": row.number}},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    edges = (body.get("data") or {}).get("customers", {}).get("edges", [])
    if response.status_code != 200 or body.get("errors") or len(edges) != 1:
        results.problem(f"no cursor for the middle of the list from {url}: {body}"[:500])
        return None
    if edges[0]["node"]["companyName"] != row.company_name:
        results.problem(f"{url} found {edges[0]['node']} searching for {row}")
        return None
    return str(edges[0]["cursor"])


async def page_cases(
    connection: asyncpg.Connection,
    partner: dataset.Partner,
    size: int,
    servers: Servers,
    token: str,
    results: Results,
) -> list[Case]:
    total = await dataset.count(connection, partner)
    middle = await dataset.row_at(connection, partner, total // 2)
    after_middle = min(50, total - total // 2 - 1)
    async with httpx.AsyncClient(timeout=120) as http:
        cursors = {
            "api": await _cursor(http, f"{servers.api.url}/graphql", token, middle, results),
            "strawberry": await _cursor(
                http, f"{servers.strawberry.url}/graphql", token, middle, results
            ),
            "raw": [middle.company_name, str(middle.id)],
        }
    rows = {
        "first10": min(10, total),
        "first50": min(50, total),
        "first100": min(100, total),
        "middle": after_middle,
        "search": 1,
    }
    urls = {
        "api": f"{servers.api.url}/graphql",
        "raw": f"{servers.raw.url}/customers",
        "strawberry": f"{servers.strawberry.url}/graphql",
    }
    cases = []
    for case in PAGE_CASES:
        for server in ("api", "raw", "strawberry"):
            if server != "api" and case not in BASELINE_CASES:
                continue
            if case == "middle" and cursors[server] is None:
                continue
            variables = _variables(case, cursors[server])
            cases.append(
                Case(
                    f"{server}:{size}:{case}",
                    f"{LABELS[case]} · {SERVER_LABELS[server]}",
                    urls[server],
                    variables if server == "raw" else {"query": QUERY, "variables": variables},
                    token,
                    rows[case],
                )
            )
    return cases


def viewer_cases(api: Server, bare_jwt: Server, token: str) -> list[Case]:
    return [
        Case("api:viewer", "{ viewer { tenantId } } · service", f"{api.url}/graphql",
             {"query": VIEWER}, token),
        Case("jwt:viewer", "{ viewer { tenantId } } · bare JWT endpoint",
             f"{bare_jwt.url}/viewer", {}, token),
    ]  # fmt: skip


async def check(cases: list[Case], results: Results) -> None:
    """Each case once: 200, no `errors`, the rows expected, and the same page from the
    service as from the baselines."""
    pages: dict[str, list[dict[str, Any]]] = {}
    async with httpx.AsyncClient(timeout=120) as http:
        for case in cases:
            headers = {"Authorization": f"Bearer {case.token}"} if case.token else {}
            response = await http.post(case.url, json=case.body, headers=headers)
            try:
                body = response.json()
            except json.JSONDecodeError:
                body = {"errors": [response.text[:300]]}
            if response.status_code != 200 or body.get("errors"):
                results.problem(
                    f"{case.label}: HTTP {response.status_code}, {str(body.get('errors'))[:300]}"
                )
                continue
            if case.rows is None:
                continue
            nodes = [edge["node"] for edge in body["data"]["customers"]["edges"]]
            if len(nodes) != case.rows:
                results.problem(f"{case.label}: {len(nodes)} rows, expected {case.rows}")
            pages[case.key] = nodes
    for key, nodes in pages.items():
        server, size, name = key.split(":")
        reference = pages.get(f"api:{size}:{name}")
        if server != "api" and reference is not None and nodes != reference:
            differing = next(
                (pair for pair in zip(reference, nodes, strict=False) if pair[0] != pair[1]),
                (reference[:1], nodes[:1]),
            )
            results.problem(
                f"{SERVER_LABELS[server]} answers {LABELS[name]} at {size} differently "
                f"from the service: {differing}"
            )


async def measure(
    cases: list[Case], results: Results, workdir: Path, *, warmup_seconds: float
) -> None:
    """A warm-up run of each case, then `results.rounds` rounds of all of them in turn."""
    scripts = {case.key: wrk.post_script(case.body, case.token) for case in cases}
    warmup = wrk.Load(results.load.threads, results.load.connections, warmup_seconds)
    for case in cases:
        await wrk.run(scripts[case.key], case.url, warmup, workdir)
    for round_number in range(1, results.rounds + 1):
        for case in cases:
            result = await wrk.run(scripts[case.key], case.url, results.load, workdir)
            results.wrk[case.key].append(result)
            print(
                f"  round {round_number}/{results.rounds}  {case.label:<58} "
                f"{result.rps:9.1f} req/s  p50 {result.p50_ms:8.1f}  p99 {result.p99_ms:8.1f} ms"
                + (f"  {result.errors} ERRORS" if result.errors else ""),
                flush=True,
            )
            if result.errors:
                results.problem(
                    f"{case.label} round {round_number}: {result.non_2xx} non-2xx, "
                    f"{result.socket_errors} socket errors"
                )


async def profile(
    cases: list[Case], api_pid: int, results: Results, workdir: Path, out: Path
) -> None:
    """One more (unrecorded) wrk run of each of the service's cases with py-spy attached
    to the API: a flame graph each, in `out`."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        results.skipped.append("profiles: py-spy is not installed (`pip install py-spy`)")
        return
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    load = results.load
    for case in cases:
        if not case.key.startswith("api:"):
            continue
        target = out / f"{case.key.replace(':', '-')}.svg"
        spying = await asyncio.create_subprocess_exec(
            spy, "record", "--pid", str(api_pid), "--duration", f"{max(1, int(load.seconds))}",
            "--format", "flamegraph", "--output", str(target),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await wrk.run(wrk.post_script(case.body, case.token), case.url, load, workdir)
            _, errors = await spying.communicate()
        finally:
            if spying.returncode is None:
                spying.kill()
                await spying.wait()
        if spying.returncode == 0:
            print(f"  profile of {case.label}: {target}", flush=True)
            results.notes.append(f"py-spy flame graph of {case.label}: `{target}`")
        else:
            results.problem(f"py-spy failed for {case.label}: {errors.decode()[-300:]}")
