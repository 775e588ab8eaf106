"""Intervals of real numbers with open or closed ends, and the arithmetic claimaudit needs.

A printed value stands for an interval of true values (``"2.9"`` is ``[2.85, 2.95)`` under
round-half-up). Checks push intervals through monotone formulas and ask whether the result
overlaps the interval of the printed result. This is interval arithmetic, not a tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product
from fractions import Fraction
from typing import Callable, Sequence, Union

Real = Union[float, Fraction]

# Ends are exact where they can be: a printed value's interval has Fraction ends (0.15 is 3/20,
# not the double 0.1499999...), and Python compares Fractions with floats exactly, so open ends
# are honoured exactly: "25" and "26" do not meet at 25.5.
#
# The one floating-point guard of claimaudit (scrutiny calls it "dust"): a value computed through
# log/exp can land 1e-15 outside a closed end it reaches in exact arithmetic, so a closed end
# forgives this relative slack. Far below any printed precision; never applied to open ends.
DUST = 1e-12


def _le(a: Real, b: Real) -> bool:
    """a <= b exactly, or a above a closed end b by no more than floating-point dust."""
    if a <= b:
        return True
    if math.isinf(a) or math.isinf(b):
        return False
    return float(a) - float(b) <= DUST * max(1.0, abs(float(a)), abs(float(b)))


@dataclass(frozen=True)
class Interval:
    """The set of reals between ``lo`` and ``hi``; each end open or closed."""

    lo: Real
    hi: Real
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

    def contains(self, x: Real) -> bool:
        """x lies in the interval (open ends exact, closed ends forgiving dust)."""
        lo_ok = _le(self.lo, x) if self.lo_closed else self.lo < x
        hi_ok = _le(x, self.hi) if self.hi_closed else x < self.hi
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
        # self.lo is not past other.hi; where either end is open they must not merely touch.
        if self.lo_closed and other.hi_closed:
            return _le(self.lo, other.hi)
        return self.lo < other.hi

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
        def f(x: Real) -> str:
            x = float(x)
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
