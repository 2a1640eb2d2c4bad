"""`python -m bench`: the performance issue's benchmark suite (see bench/README.md).

python -m bench                      # everything, 3 rounds; writes bench/RESULTS.md
python -m bench --quick              # 1 round of 3 s, 1,000 customers: a fast look
python -m bench --only customers     # some groups: customers viewer mutations
                                     #   emails live removals (comma-separated)
"""

import argparse
import asyncio
import signal
import sys
from dataclasses import replace
from pathlib import Path

from bench import report
from bench.harness import write_section
from bench.suite import GROUPS, Options, run
from bench.wrk import Load

SECTION = "Performance"


def _groups(value: str) -> tuple[str, ...]:
    groups = tuple(group.strip() for group in value.split(",") if group.strip())
    unknown = [group for group in groups if group not in GROUPS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown group {', '.join(unknown)}: choose from {', '.join(GROUPS)}"
        )
    return groups


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Starts PostgreSQL (a fresh database), Redis, the API, the worker, an "
        "SMTP sink and the baselines; measures every figure of the performance issue "
        "beside its baseline; writes bench/RESULTS.md.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="1 round of 3 s, 1,000 customers only, fewer emails, subscribers and "
        "removals; prints, and writes nothing unless --write",
    )
    parser.add_argument(
        "--only",
        type=_groups,
        default=GROUPS,
        metavar="GROUP[,GROUP]",
        help=f"measure only these groups ({', '.join(GROUPS)}); writes nothing unless --write",
    )
    parser.add_argument("--rounds", type=int, help="rounds of every figure (default 3)")
    parser.add_argument("--duration", type=float, help="seconds of each wrk run (default 10)")
    parser.add_argument("--connections", type=int, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, help="wrk threads (default 2)")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="after the list rounds, py-spy flame graphs of the API for each list case, "
        "into DIR/<customers>/ (one more wrk run each, not counted)",
    )
    parser.add_argument(
        "--write",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write the section of bench/RESULTS.md (default: only for a full run)",
    )
    return parser


def options_from(arguments: argparse.Namespace) -> Options:
    options = Options.quick_look() if arguments.quick else Options()
    options = replace(options, groups=arguments.only, profile=arguments.profile)
    if arguments.rounds:
        options = replace(options, rounds=max(1, arguments.rounds))
    load = options.load
    return replace(
        options,
        load=Load(
            threads=arguments.threads or load.threads,
            connections=arguments.connections or load.connections,
            seconds=arguments.duration or load.seconds,
        ),
    )


async def _main(options: Options, write: bool) -> int:
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()

    def stop() -> None:
        # Once: a second Ctrl-C must not cut short the clean-up the first one began.
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, _still_stopping)
        task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    results, elapsed = await run(options)
    text = report.render(results, elapsed)
    print("\n" + text)
    if write:
        write_section(SECTION, text)
        print(f"\nWritten to bench/RESULTS.md (section “{SECTION}”).")
    print(f"\nRun time: {elapsed / 60:.1f} min")
    return 1 if results.problems else 0


def _still_stopping() -> None:
    print("Stopping the processes and dropping the database…", file=sys.stderr)


def main() -> int:
    arguments = _parser().parse_args()
    options = options_from(arguments)
    full = not arguments.quick and tuple(arguments.only) == GROUPS
    write = full if arguments.write is None else arguments.write
    try:
        return asyncio.run(_main(options, write))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\nInterrupted: every process stopped, the database dropped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
