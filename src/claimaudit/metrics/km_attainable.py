"""Kaplan-Meier survival proportions attainable with n patients and k events, enumerated exactly.

The Kaplan-Meier (product-limit) estimate at the end of a curve (Kaplan & Meier 1958, JASA
53:457; R ``survival::survfit``, lifelines ``KaplanMeierFitter``) is::

    S = ∏_j (1 − d_j / r_j)

over the distinct event times j, with r_j patients at risk and d_j ≥ 1 events at time j. A
patient censored at an event time still counts as at risk there (R, SAS, SPSS, lifelines), and
any number of patients may be censored between events, so the at-risk sequences of n patients
with k events are exactly

    r_1 ≤ n,   r_{j+1} ≤ r_j − d_j,   1 ≤ d_j ≤ r_j,   Σ d_j = k.

Every value is an exact ``Fraction``. Two laws bound the search, and both are tested: the
largest value is (n − k)/n (no censoring: the product telescopes), and every positive value is
at least 1/(k + 1) (with someone left at the end, at least d_{j+1} + ... + d_m + 1 patients
remain after time j, so each factor is at least the one that telescopes to 1/(k + 1)); 0 is
attained whenever k ≥ 1.

:func:`attainable` lists the whole set, memoised on (patients at risk, events left). It grows
fast: at most 1,091 values per k for n = 14 (26 ms for every k) but up to 1.9 million for
n = 29 (minutes), so it is offered up to n = 16 and serves the tests. :func:`witness`,
:func:`values_in`, :func:`feasible_events` and :func:`nearest` answer what a printed value asks
(which k reach its interval; what comes closest) by a branch-and-bound over the same recursion,
memoised on (at risk, events left, product so far) and cut by the two bounds: about 1 ms per
printed value for n = 11, 14 and 29. Pure Python: importing scipy or lifelines costs seconds,
and the data-free audit must stay under 3 s.

>>> from claimaudit.printed import parse_printed
>>> sorted(feasible_events(14, parse_printed("0.82").interval))  # Chen 2017, low titer group
[2]
>>> sorted(feasible_events(11, parse_printed("0.53").interval))  # high titer group
[2, 3, 4, 5]
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache
from typing import NamedTuple

from ..intervals import Interval

MAX_N = 200  # patients per group beyond which no enumeration is tried
MAX_FULL_SET_N = 16  # attainable(n, k) lists every value only up to this n (sizes grow exponentially)
MAX_NODES = 200_000  # search states per question; beyond it the answer is "undetermined"

# Pruning compares floats of exact fractions with the target's ends. It only has to be
# conservative (never drop a branch that could reach the target), so it widens the ends by far
# more than float error; whether a value lies in the target is Interval.contains's exact answer.
_SLACK = 1e-9


class EnumerationBound(ValueError):
    """An enumeration would pass its bound; the message states the bound."""


@dataclass(frozen=True)
class Step:
    """One distinct event time: ``at_risk`` patients at risk, ``events`` of them with the event."""

    at_risk: int
    events: int


Steps = tuple[Step, ...]


class Attained(NamedTuple):
    """An attainable value, its number of events and an at-risk sequence that reaches it."""

    value: Fraction
    events: int
    steps: Steps


def survival(steps: Iterable[Step]) -> Fraction:
    """The product-limit estimate ∏ (1 − d_j/r_j) of an at-risk sequence.

    >>> survival([Step(13, 1), Step(9, 1)])  # 12/13 · 8/9
    Fraction(32, 39)
    """
    s = Fraction(1)
    for step in steps:
        s *= Fraction(step.at_risk - step.events, step.at_risk)
    return s


def is_sequence(steps: Steps, n: int) -> bool:
    """The steps are a censoring pattern of n patients: r_1 ≤ n, r_{j+1} ≤ r_j − d_j, 1 ≤ d_j ≤ r_j."""
    room = n
    for step in steps:
        if not 1 <= step.events <= step.at_risk <= room:
            return False
        room = step.at_risk - step.events
    return True


def _check(n: int, k: int | None = None) -> None:
    if n < 0 or (k is not None and not 0 <= k <= n):
        raise ValueError(f"need 0 <= k <= n (n={n!r}, k={k!r})")
    if n > MAX_N:
        raise EnumerationBound(f"n={n} patients is above the enumeration bound of {MAX_N} patients")


def attainable(n: int, k: int) -> frozenset[Fraction]:
    """Every Kaplan-Meier end value of n patients with k events (any censoring, ties allowed).

    >>> sorted(attainable(3, 1))  # one event at risk 1, 2 or 3
    [Fraction(0, 1), Fraction(1, 2), Fraction(2, 3)]
    """
    _check(n, k)
    if n > MAX_FULL_SET_N:
        raise EnumerationBound(f"the full set is listed only up to n={MAX_FULL_SET_N} (asked n={n}); use witness()")
    return _upto(n, k)


@cache
def _upto(r: int, k: int) -> frozenset[Fraction]:
    """Values with at most r at risk at the first event time and k events left."""
    if k == 0:
        return frozenset((Fraction(1),))
    if r < k:
        return frozenset()
    exactly_r = (Fraction(r - d, r) * v for d in range(1, min(k, r) + 1) for v in _upto(r - d, k - d))
    return _upto(r - 1, k).union(exactly_r)


_PRIMES = [q for q in range(2, MAX_N + 1) if all(q % d for d in range(2, math.isqrt(q) + 1))]


def _smooth(x: Fraction, r: int) -> bool:
    """No prime above r divides the numerator or the denominator of x."""
    num, den = x.numerator, x.denominator
    for q in _PRIMES:
        if q > r:
            break
        while num % q == 0:
            num //= q
        while den % q == 0:
            den //= q
    return num == 1 and den == 1


class _Search:
    """Branch-and-bound over at-risk sequences for one target interval; memo shared across n and k."""

    def __init__(self, target: Interval) -> None:
        self.target = target
        self.lo, self.hi = float(target.lo) - _SLACK, float(target.hi) + _SLACK
        self.aim = math.log(max(target.mid if math.isfinite(target.mid) else 1.0, 1e-12))
        self.memo: dict[tuple[int, int, Fraction, bool], dict[Fraction, Steps]] = {}
        self.nodes = 0  # states visited by the current question
        self.visited = 0  # states visited since this search began
        # An exact point target (a Fraction) allows a number-theoretic cut, see _hits.
        exact = target.is_point and isinstance(target.lo, Fraction) and target.lo > 0
        self.point = target.lo if exact else None

    def hits(self, r: int, k: int, p: Fraction, first: bool) -> dict[Fraction, Steps]:
        """Positive values p·v in the target, v from at most r at risk and k events (only one if first)."""
        key = (r, k, p, first)
        if key not in self.memo:
            self.nodes += 1
            self.visited += 1
            if self.nodes > MAX_NODES:
                raise EnumerationBound(f"the search passed its bound of {MAX_NODES:,} states (target {self.target.format(6)})")
            self.memo[key] = self._hits(r, k, p, first)
        return self.memo[key]

    def _hits(self, r: int, k: int, p: Fraction, first: bool) -> dict[Fraction, Steps]:
        if k == 0:
            return {p: ()} if self.target.contains(p) else {}
        if self.point is not None and not _smooth(self.point / p, r):
            return {}  # the factors left are ratios of whole numbers ≤ r: no prime above r can remain
        if k == 1:
            return self._one(r, p, first)
        # Try first the branches whose range of values is centred (log scale) nearest the target.
        pf, branches = float(p), []
        if pf / (k + 1) <= self.hi:
            for r1 in range(r, k, -1):  # r1 at risk at the next event time: r − r1 censored before it
                top = pf * (r1 - k) / r1
                if top < self.lo:
                    break
                for d in range(1, min(k, r1 - 1) + 1):
                    low = pf * (r1 - d) / (r1 * (k - d + 1))
                    if low <= self.hi:
                        branches.append((abs(math.log(low * top) / 2 - self.aim), r1, d))
        found: dict[Fraction, Steps] = {}
        for _, r1, d in sorted(branches):
            for value, rest in self.hits(r1 - d, k - d, p * Fraction(r1 - d, r1), first).items():
                found.setdefault(value, (Step(r1, d), *rest))
                if first:
                    return found
        return found

    def _one(self, r: int, p: Fraction, first: bool) -> dict[Fraction, Steps]:
        # One event at risk s ≤ r: p·(s − 1)/s rises with s; start where it crosses the low end.
        lo = Fraction(self.target.lo) if math.isfinite(self.target.lo) else Fraction(0)
        s = max(2, min(r, math.ceil(p / (p - lo))) - 1) if p > lo else r
        found: dict[Fraction, Steps] = {}
        while s <= r:
            value = p * Fraction(s - 1, s)
            if float(value) > self.hi:
                break
            if self.target.contains(value):
                found[value] = (Step(s, 1),)
            s += 1
        if first and found:  # the example nearest the middle of the target reads best
            best = min(found, key=lambda v: abs(v - self.target.mid))
            return {best: found[best]}
        return found

    def at_end(self, n: int, k: int, first: bool) -> dict[Fraction, Steps]:
        """Every end value (or one) of n patients with k events in the target, with a sequence."""
        self.nodes = 0
        found = self.hits(n, k, Fraction(1), first)
        if k >= 1 and self.target.contains(0.0) and not (first and found):
            found = {**found, Fraction(0): (Step(k, k),)}  # censor n − k; all k at risk fail together
        return found


@lru_cache(maxsize=32)  # a few printed values at a time; old memos go (large heaps slow the GC)
def _search(target: Interval) -> _Search:
    return _Search(target)


def values_in(n: int, k: int, target: Interval) -> dict[Fraction, Steps]:
    """Every attainable value of n patients with k events that lies in target, each with a sequence.

    >>> sorted(values_in(11, 5, Interval(0.525, 0.535)))  # Chen 2017, high titer group
    [Fraction(35, 66)]
    """
    _check(n, k)
    return _search(target).at_end(n, k, first=False)


def witness(n: int, k: int, target: Interval) -> Steps | None:
    """An at-risk sequence of n patients with k events whose estimate lies in target; None if none.

    >>> witness(14, 2, Interval(0.815, 0.825))  # Chen 2017, low titer group: 2 tied events at risk 11
    (Step(at_risk=11, events=2),)
    """
    _check(n, k)
    found = _search(target).at_end(n, k, first=True)
    return next(iter(found.values()), None)


def feasible_events(n: int, target: Interval) -> dict[int, Steps]:
    """Each event count k in 0..n that can give a value in target, with a sequence that does."""
    _check(n)
    found = {}
    for k in range(n + 1):
        steps = witness(n, k, target)
        if steps is not None:
            found[k] = steps
    return found


def nearest(n: int, target: Interval) -> tuple[Attained | None, Attained | None]:
    """The attainable values (any k) closest to a target that none of them reaches, below and above.

    A window next to the target doubles in width (from 1/16 of the target's) until some value
    lies in it, is then halved towards the target while it still holds one, and the closest of
    the values left in it is the answer.

    >>> from claimaudit.printed import parse_printed
    >>> below, above = nearest(14, parse_printed("0.87").interval)  # [0.865, 0.875): 7/8 prints "0.88"
    >>> below.value, above.value
    (Fraction(6, 7), Fraction(7, 8))
    """
    _check(n)
    below = above = None
    if target.lo > 0:
        below = _closest(n, target, target.lo, -1)
    if target.hi < 1:
        above = _closest(n, target, target.hi, +1)
    return below, above


def _closest(n: int, target: Interval, edge: float, side: int) -> Attained | None:
    """The attainable value nearest ``edge`` on ``side`` (−1 below, +1 above) of the target."""

    searches: dict[float, _Search] = {}  # one-off windows: kept out of the shared cache

    def search(w: float) -> _Search:
        if w not in searches:
            far = min(Fraction(1), max(Fraction(0), edge + side * Fraction(w)))
            searches[w] = _Search(Interval(min(edge, far), max(edge, far)))
        return searches[w]

    def any_in(w: float) -> bool:
        found = any(search(w).at_end(n, k, first=True) for k in range(n + 1))
        if sum(s.visited for s in searches.values()) > MAX_NODES:
            raise EnumerationBound(f"the search for the nearest values passed its bound of {MAX_NODES:,} states")
        return found

    w = max(target.width, 1e-6) / 16
    while not any_in(w):
        if w > 1:
            return None
        w *= 2
    narrow = w / 2 if w > max(target.width, 1e-6) / 16 else 0.0  # no value within `narrow` of the edge
    while w - narrow > max(target.width, 1e-6) / 1024:
        mid = (w + narrow) / 2
        if any_in(mid):
            w = mid
        else:
            narrow = mid
    found = [
        Attained(v, k, steps)
        for k in range(n + 1)
        for v, steps in search(w).at_end(n, k, first=False).items()
        if not target.contains(v)
    ]
    return (max if side < 0 else min)(found, key=lambda a: a.value, default=None)
