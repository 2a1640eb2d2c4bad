"""What a run measured, gathered for the report."""

from collections import defaultdict
from dataclasses import dataclass, field

from bench.stats import Spread
from bench.wrk import Load, WrkResult


@dataclass
class Results:
    rounds: int
    load: Load
    sizes: list[int]
    # "server:size:case" → one wrk result a round.
    wrk: dict[str, list[WrkResult]] = field(default_factory=lambda: defaultdict(list))
    # Other figures, one value a round ("emails:api" → emails/s).
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # Size → case → SQL statements one request sent.
    statements: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    # Size → the statements of one `customers(first: 50)`.
    statement_texts: dict[int, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Checks that failed: errors, non-2xx responses, pages that differ.
    problems: list[str] = field(default_factory=list)
    # Figures not measured, and why.
    skipped: list[str] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)
    # Sizes the figures were measured at: "emails" (queued), "subscribers".
    parameters: dict[str, int] = field(default_factory=dict)

    def spread(self, key: str, metric: str = "rps") -> Spread:
        if key in self.wrk:
            return Spread.of(getattr(result, metric) for result in self.wrk[key])
        return Spread.of(self.samples.get(key, []))

    def values(self, key: str, metric: str = "rps") -> list[float]:
        if key in self.wrk:
            return [getattr(result, metric) for result in self.wrk[key]]
        return list(self.samples.get(key, []))

    def problem(self, text: str) -> None:
        print(f"  !! {text}", flush=True)
        self.problems.append(text)
