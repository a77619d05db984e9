"""Interleaved rounds and their statistics.

Every round runs every variant once on the same number of cases, in the same order
(A B C D, A B C D, ...), so that a burst of load on the machine falls on all variants alike
instead of on whichever ran during it. Figures are medians over the rounds with their spread;
a ratio is computed from the medians, and the per-round ratios (each from one round's
neighbouring runs) show how far it moves.
"""
from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from core import Variant


@dataclass(frozen=True)
class Summary:
    """Throughput of one variant over the rounds, in cases per second."""

    median: float
    low: float
    high: float
    q1: float
    q3: float

    @property
    def spread(self) -> float:
        """(max - min) / median."""
        return (self.high - self.low) / self.median


def run_rounds(variants: Sequence[Variant], cases: int, rounds: int, warmup: int) -> dict[str, list[float]]:
    """Seconds per round for each variant; one warm-up round of ``warmup`` cases is not kept."""
    for variant in variants:
        variant.run(warmup)
    seconds: dict[str, list[float]] = {v.key: [] for v in variants}
    for r in range(rounds):
        for variant in variants:
            seconds[variant.key].append(variant.run(cases))
        done = ", ".join(f"{key} {cases / s[-1]:.1f}/s" for key, s in seconds.items())
        print(f"  round {r + 1}/{rounds}: {done}", file=sys.stderr, flush=True)
    return seconds


def summarise(seconds: list[float], cases: int) -> Summary:
    rates = sorted(cases / s for s in seconds)
    q1, _, q3 = statistics.quantiles(rates, n=4, method="inclusive") if len(rates) > 1 else rates * 3
    return Summary(statistics.median(rates), rates[0], rates[-1], q1, q3)


@dataclass(frozen=True)
class Ratio:
    """Throughput of ``top`` over ``bottom``: from the medians, and the range of per-round ratios."""

    top: str
    bottom: str
    value: float
    low: float
    high: float


def ratio(seconds: dict[str, list[float]], top: str, bottom: str) -> Ratio:
    per_round = sorted(b / t for t, b in zip(seconds[top], seconds[bottom], strict=True))
    value = statistics.median(seconds[bottom]) / statistics.median(seconds[top])
    return Ratio(top, bottom, value, per_round[0], per_round[-1])
