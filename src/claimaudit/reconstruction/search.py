"""A seeded simulated-annealing search over integer patient values, against printed intervals.

A *term* is one printed value (claim id and role) and the name of the achieved value it is
compared with. The penalty of a term is 0 when the achieved value lies in the printed interval
and log(1 + distance / width) otherwise (width: the interval's, or its finite end's size for a
bound such as "<0.001"), so that no single tight number swamps the others. The search minimises
the sum by single-value changes and swaps proposed by the model, accepting a worse state with
probability exp(−Δ/T) under a geometric temperature schedule; it keeps the best state seen.

What it covers: a fixed number of proposals from a fixed seed (stated in the provenance), so
the same inputs give the same cohort; it is not exhaustive, and a term it leaves unmet is
reported as ``undetermined`` with the closest value found, never as ``inconsistent``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..intervals import Interval
from .constraints import Target


@dataclass(frozen=True)
class Term:
    """A printed value and the achieved value (by name) it is compared with; ``weight`` scales its penalty."""

    name: str
    target: Target
    weight: float = 1.0


def penalty(x: float, iv: Interval) -> float:
    """0 inside the interval, else log(1 + distance/width)."""
    if x is None or not math.isfinite(x):
        return 10.0
    if iv.contains(x):
        return 0.0
    lo, hi = float(iv.lo), float(iv.hi)
    width = hi - lo if math.isfinite(hi - lo) and hi > lo else max(abs(lo) if math.isfinite(lo) else 0.0, abs(hi) if math.isfinite(hi) else 0.0, 1e-12)
    dist = lo - x if x < lo else x - hi
    return math.log1p(max(dist, 0.0) / width + 1e-12)


def total(terms: list[Term], achieved: dict[str, float]) -> float:
    """The weighted sum of penalties."""
    return sum(t.weight * penalty(achieved[t.name], t.target.interval) for t in terms)


def anneal(state: dict[str, np.ndarray], propose: Callable[[dict, np.random.Generator], dict | None],
           measure: Callable[[dict], dict[str, float]], terms: list[Term], *, steps: int, seed: int,
           t_start: float = 1.0, t_end: float = 1e-3, tick: Callable[[], None] | None = None,
           ticks: int = 100) -> tuple[dict[str, np.ndarray], float]:
    """Minimise the penalty of ``terms`` from ``state``; the best state found and its penalty.

    ``propose(state, rng)`` returns a changed copy (only the arrays it changes need copying) or
    None for a move it refuses; ``tick`` is called ``ticks`` times along the way (a progress bar).
    """
    rng = np.random.default_rng(seed)
    current, cost = state, total(terms, measure(state))
    best, best_cost = current, cost
    ratio = (t_end / t_start) ** (1 / max(steps - 1, 1))
    temp = t_start
    every = max(steps // ticks, 1)
    for step in range(steps):
        if tick is not None and step % every == 0:
            tick()
        if best_cost == 0:
            break
        proposal = propose(current, rng)
        temp *= ratio
        if proposal is None:
            continue
        c = total(terms, measure(proposal))
        if c <= cost or rng.random() < math.exp((cost - c) / temp):
            current, cost = proposal, c
            if c < best_cost:
                best, best_cost = proposal, c
    return best, best_cost
