"""Figures over rounds: the median with the spread (min-max), and percentiles."""

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Typographic characters the report uses (written escaped: ruff flags them as confusable).
DASH, TIMES = "\u2013", "\u00d7"


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (`fraction` 0.99 for p99)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Spread:
    """One figure measured over rounds."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, values: Iterable[float]) -> "Spread":
        return cls(tuple(v for v in values if not math.isnan(v)))

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def low(self) -> float:
        return min(self.values) if self.values else math.nan

    @property
    def high(self) -> float:
        return max(self.values) if self.values else math.nan

    def __bool__(self) -> bool:
        return bool(self.values)

    def text(self, digits: int | None = None, unit: str = "") -> str:
        if not self.values:
            return "—"
        median = fmt(self.median, digits)
        if len(self.values) == 1:
            return f"{median}{unit}"
        return f"{median}{unit} ({fmt(self.low, digits)}{DASH}{fmt(self.high, digits)})"


def fmt(value: float, digits: int | None = None) -> str:
    """Three significant figures or so, thousands separated."""
    if math.isnan(value):
        return "—"
    if digits is None:
        magnitude = abs(value)
        digits = 0 if magnitude >= 100 else 1 if magnitude >= 10 else 2 if magnitude >= 1 else 3
    return f"{value:,.{digits}f}"


def paired(top: Sequence[float], bottom: Sequence[float], *, invert: bool = False) -> Spread:
    """Round-by-round ratios of two figures measured in the same rounds."""
    ratios = []
    for a, b in zip(top, bottom, strict=False):
        if a and b and not math.isnan(a) and not math.isnan(b):
            ratios.append(b / a if invert else a / b)
    return Spread.of(ratios)
