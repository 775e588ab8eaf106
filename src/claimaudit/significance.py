"""The significance check: a P the source calls significant must lie below its alpha, and vice versa."""

from __future__ import annotations

from .intervals import Interval
from .printed import Printed
from .verdict import Check, Verdict


def significance_check(p: Printed, alpha: Printed, significant: bool) -> Check:
    """Consistent when some value of the printed P's interval lies on the stated side of alpha.

    Significant means P < alpha (the usual "P < 0.05"); not significant means P >= alpha.
    """
    a = alpha.value
    side = Interval(0.0, a, True, False) if significant else Interval(a, 1.0, True, True)
    words = f"P < {alpha.text}" if significant else f"P ≥ {alpha.text}"
    said = "significant" if significant else "not significant"
    conventions = (f"significance level {alpha.text} as the source states it",)
    if p.interval.overlaps(side):
        return Check("significance", Verdict.CONSISTENT, {}, f"called {said}; {p.text} allows {words}", conventions)
    return Check(
        "significance",
        Verdict.INCONSISTENT,
        {},
        f"called {said}, but printed P = {p.text} ({p.interval}) cannot satisfy {words}",
        conventions,
        None,
    )
