"""Worker emails per second: with the worker stopped, invitations are requested and
sent (delivery EMAIL) through the API until the queue holds them all; the worker is
started and the SMTP sink notes each message's arrival. The rate is the drain's, from
the first message to the last; the baseline is a plain sequential aiosmtplib loop to
the same sink, timed the same way."""

import asyncio
import json
import time
from pathlib import Path

from bench.client import GraphQL, gather_limited
from bench.processes import python
from bench.results import Results
from bench.stack import Stack

QUEUEING_AT_ONCE = 16
DRAIN_TIMEOUT_SECONDS = 900


def arrivals(log: Path, tag: str) -> list[float]:
    times = []
    prefix = f"{tag}-"
    for line in log.read_text().splitlines() if log.exists() else []:
        record = json.loads(line)
        if any(address.startswith(prefix) for address in record["to"]):
            times.append(float(record["t"]))
    return sorted(times)


async def _wait_for(log: Path, tag: str, count: int, within: float) -> list[float]:
    deadline = time.monotonic() + within
    while True:
        times = arrivals(log, tag)
        if len(times) >= count or time.monotonic() > deadline:
            return times
        await asyncio.sleep(0.2)  # the sink is another process


def rate(times: list[float]) -> float:
    if len(times) < 2 or times[-1] <= times[0]:
        return float("nan")
    return (len(times) - 1) / (times[-1] - times[0])


async def measure(stack: Stack, client: GraphQL, results: Results, count: int) -> None:
    for round_number in range(1, results.rounds + 1):
        tag = f"mail-r{round_number}"
        await stack.stop_worker()
        started = time.perf_counter()
        await gather_limited(
            QUEUEING_AT_ONCE,
            *(client.invite(f"{tag}-{index}@bench.example", "EMAIL") for index in range(count)),
        )
        queued = time.perf_counter() - started
        await stack.start_worker()
        times = await _wait_for(stack.smtp_log, tag, count, DRAIN_TIMEOUT_SECONDS)
        if len(times) != count:
            results.problem(
                f"worker delivered {len(times)} of {count} emails (round {round_number})"
            )
        service = rate(times)
        results.samples["emails:api"].append(service)

        loop_tag = f"loop-r{round_number}"
        await stack.shell(
            "baseline-smtp-loop",
            python(
                "-m", "bench.baselines.smtp_loop", "127.0.0.1", str(stack.smtp_port),
                str(count), loop_tag,
            ),
        )  # fmt: skip
        loop_times = await _wait_for(stack.smtp_log, loop_tag, count, 60)
        baseline = rate(loop_times)
        results.samples["emails:loop"].append(baseline)
        print(
            f"  round {round_number}/{results.rounds}  {count} emails: worker {service:7.1f}/s "
            f"(queued through the API in {queued:.1f} s), aiosmtplib loop {baseline:7.1f}/s",
            flush=True,
        )
