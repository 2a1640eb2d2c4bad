"""Load from Debian's `wrk`, in its own process, driven by a generated Lua script: a
fixed POST (a GraphQL document, or a baseline's JSON) or, for the mutations, a stream
that sends `sendInvitation` for every invitation `requestResellerRelationship` made.
The script's `done()` prints the figures as one JSON line, which is parsed here."""

import asyncio
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WRK = shutil.which("wrk") or "/usr/bin/wrk"
MARKER = "BENCH_JSON "

_DONE = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local e = summary.errors
  local counters = {}
  for _, name in ipairs({"non200", "graphql_errors", "user_errors", "requested", "sent"}) do
    local total = 0
    for _, thread in ipairs(threads) do
      total = total + (tonumber(thread:get(name)) or 0)
    end
    counters[#counters + 1] = string.format('"%s":%d', name, total)
  end
  io.write(string.format(
    '%s{"requests":%d,"duration_us":%d,"p50_us":%.1f,"p90_us":%.1f,"p99_us":%.1f,' ..
    '"max_us":%.1f,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,%s}\n',
    MARKER, summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(counters, ",")))
end
"""


def _lua_string(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def _head(token: str | None) -> str:
    lines = [
        f"MARKER = {_lua_string(MARKER)}",
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
    ]
    if token:
        lines.append(f'wrk.headers["Authorization"] = {_lua_string("Bearer " + token)}')
    return "\n".join(lines) + "\n"


def post_script(body: dict[str, Any], token: str | None) -> str:
    """The same POST, over and over (wrk builds it once)."""
    return _head(token) + f"wrk.body = {_lua_string(json.dumps(body))}\n" + _DONE


def request_then_send_script(
    request_body: dict[str, Any], send_body: dict[str, Any], token: str
) -> str:
    """`requestResellerRelationship`, and `sendInvitation` (`send_body`, its invitation
    id written "@ID@") for each invitation it made: every response is read, so GraphQL
    errors and user errors are counted too."""
    send_prefix, send_suffix = json.dumps(send_body).split('"@ID@"')
    send_prefix, send_suffix = send_prefix + '"', '"' + send_suffix
    return (
        _head(token)
        + f"""
local REQUEST = {_lua_string(json.dumps(request_body))}
local SEND_PREFIX = {_lua_string(send_prefix)}
local SEND_SUFFIX = {_lua_string(send_suffix)}

function init(args)
  pending = {{}}
  non200, graphql_errors, user_errors, requested, sent = 0, 0, 0, 0, 0
end

function request()
  local id = table.remove(pending)
  if id then
    return wrk.format(nil, "/graphql", nil, SEND_PREFIX .. id .. SEND_SUFFIX)
  end
  return wrk.format(nil, "/graphql", nil, REQUEST)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    return
  end
  if body:find('"errors"%s*:') then graphql_errors = graphql_errors + 1 end
  if body:find('"userErrors"%s*:%s*%[%s*{{') then user_errors = user_errors + 1 end
  local id = body:match('"invitation"%s*:%s*{{%s*"id"%s*:%s*"([^"]+)"')
  if id then
    requested = requested + 1
    table.insert(pending, id)
  elseif body:find('"sendInvitation"', 1, true) then
    sent = sent + 1
  end
end
"""
        + _DONE
    )


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int
    non_2xx: int
    counters: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx


@dataclass(frozen=True)
class Load:
    threads: int = 2
    connections: int = 32
    seconds: float = 10.0


async def run(script: str, url: str, load: Load, workdir: Path) -> WrkResult:
    path = workdir / f"wrk-{abs(hash(script))}.lua"
    path.write_text(script)
    process = await asyncio.create_subprocess_exec(
        WRK,
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{load.seconds:g}s",
        "--timeout", "60s",
        "-s", str(path),
        url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), load.seconds + 120)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    text = stdout.decode(errors="replace")
    line = next((line for line in text.splitlines() if line.startswith(MARKER)), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({process.returncode}): {text}\n{stderr.decode()}")
    raw = json.loads(line[len(MARKER) :])
    counters = {
        name: int(raw[name])
        for name in ("non200", "graphql_errors", "user_errors", "requested", "sent")
    }
    return WrkResult(
        requests=int(raw["requests"]),
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        socket_errors=raw["connect"] + raw["read"] + raw["write"] + raw["timeout"],
        non_2xx=max(raw["status"], counters["non200"]),
        counters=counters,
    )
