"""Intervals of real numbers with open or closed ends, and the arithmetic claimaudit needs.

A printed value stands for an interval of true values (``"2.9"`` is ``[2.85, 2.95)`` under
round-half-up). Checks push intervals through monotone formulas and ask whether the result
overlaps the interval of the printed result. This is interval arithmetic, not a tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product
from typing import Callable, Sequence

# The one floating-point guard of claimaudit (scrutiny calls it "dust"): an endpoint computed
# through log/exp/division can land 1e-15 on the wrong side of an exact decimal boundary, so
# comparisons of endpoints allow this relative slack. It is far below any printed precision.
DUST = 1e-12


def _le(a: float, b: float) -> bool:
    """a <= b, forgiving floating-point dust."""
    return a <= b + DUST * max(1.0, abs(a), abs(b))


def _lt(a: float, b: float) -> bool:
    """a < b, where values equal up to dust count as equal (so not less)."""
    return a < b - DUST * max(1.0, abs(a), abs(b))


@dataclass(frozen=True)
class Interval:
    """The set of reals between ``lo`` and ``hi``; each end open or closed."""

    lo: float
    hi: float
    lo_closed: bool = True
    hi_closed: bool = True

    @classmethod
    def point(cls, x: float) -> "Interval":
        """The degenerate interval [x, x]."""
        return cls(x, x, True, True)

    @property
    def is_point(self) -> bool:
        return self.lo == self.hi

    @property
    def width(self) -> float:
        return self.hi - self.lo

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2

    def is_empty(self) -> bool:
        """True when no real number lies in the interval."""
        if self.lo == self.hi:
            return not (self.lo_closed and self.hi_closed)
        return self.lo > self.hi

    def contains(self, x: float) -> bool:
        """x lies in the interval (endpoints forgiving dust)."""
        lo_ok = _le(self.lo, x) if self.lo_closed else _lt(self.lo, x) or self.lo == -math.inf
        hi_ok = _le(x, self.hi) if self.hi_closed else _lt(x, self.hi) or self.hi == math.inf
        return lo_ok and hi_ok

    def intersect(self, other: "Interval") -> "Interval | None":
        """The common part of two intervals, or None when they are disjoint."""
        if self.lo > other.lo or (self.lo == other.lo and not self.lo_closed):
            lo, lo_c = self.lo, self.lo_closed
        else:
            lo, lo_c = other.lo, other.lo_closed
        if self.hi < other.hi or (self.hi == other.hi and not self.hi_closed):
            hi, hi_c = self.hi, self.hi_closed
        else:
            hi, hi_c = other.hi, other.hi_closed
        if not self.overlaps(other):
            return None
        if hi < lo:  # disjoint only by dust: the common part is the touching point
            lo, hi = hi, lo
        return Interval(lo, hi, lo_c, hi_c)

    def overlaps(self, other: "Interval") -> bool:
        """Some real number lies in both intervals (ends forgiving dust)."""
        return self._below(other) and other._below(self)

    def _below(self, other: "Interval") -> bool:
        # self.lo is not past other.hi
        if self.lo_closed and other.hi_closed:
            return _le(self.lo, other.hi)
        return _lt(self.lo, other.hi) or self.lo == -math.inf or other.hi == math.inf

    def hull(self, other: "Interval") -> "Interval":
        """The smallest interval holding both."""
        lo, lo_c = min((self.lo, not self.lo_closed), (other.lo, not other.lo_closed))
        hi, hi_c = max((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        return Interval(lo, hi, not lo_c, hi_c)

    def distance(self, x: float) -> float:
        """How far x lies outside the interval (0 inside)."""
        if x < self.lo:
            return self.lo - x
        if x > self.hi:
            return x - self.hi
        return 0.0

    def clip(self, lo: float, hi: float) -> "Interval | None":
        """The part inside [lo, hi]."""
        return self.intersect(Interval(lo, hi))

    def format(self, digits: int = 4) -> str:
        """Render as ``[a, b)`` with ``digits`` significant digits; a point renders as a number."""
        def f(x: float) -> str:
            if math.isinf(x):
                return "inf" if x > 0 else "-inf"
            return f"{x:.{digits}g}" if abs(x) < 1e5 else f"{x:.6g}"

        if self.is_point:
            return f(self.lo)
        return f"{'[' if self.lo_closed else '('}{f(self.lo)}, {f(self.hi)}{']' if self.hi_closed else ')'}"

    def __str__(self) -> str:
        return self.format()


def monotone(
    f: Callable[..., float], args: Sequence[Interval], directions: Sequence[int]
) -> Interval:
    """Image of a box of intervals under f, monotone in each argument.

    ``directions[i]`` is +1 when f increases with argument i and -1 when it decreases. The
    lower end takes each argument at the end that minimises f; an end of the result is closed
    only when every end it was computed from is closed.
    """
    lo_args, hi_args, lo_c, hi_c = [], [], True, True
    for iv, d in zip(args, directions):
        if d >= 0:
            lo_args.append(iv.lo), hi_args.append(iv.hi)
            lo_c, hi_c = lo_c and iv.lo_closed, hi_c and iv.hi_closed
        else:
            lo_args.append(iv.hi), hi_args.append(iv.lo)
            lo_c, hi_c = lo_c and iv.hi_closed, hi_c and iv.lo_closed
    return Interval(f(*lo_args), f(*hi_args), lo_c, hi_c)


def image(f: Callable[..., float], args: Sequence[Interval]) -> Interval:
    """Image of a box under f when f is monotone in each argument but the direction is unknown.

    Evaluates f at every corner; exact for functions monotone in each argument separately.
    Ends are reported closed only when all inputs are closed (a safe over-approximation).
    """
    values = [f(*corner) for corner in product(*[(iv.lo, iv.hi) for iv in args])]
    closed = all(iv.lo_closed and iv.hi_closed for iv in args)
    return Interval(min(values), max(values), closed, closed)
