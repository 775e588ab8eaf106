"""percent_of_count: a percentage of n patients, with or without its count ("23 (92)", "roughly 33%").

With a count k the percentage is exactly 100·k/n and must round to the printed percentage.
Without a count, the check is GRIM for proportions (Brown & Heathers 2017): some whole k in
0..n must give 100·k/n inside the printed percentage's interval; the feasible k are listed.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..intervals import Interval
from ..model import Claim
from ..printed import Printed
from ..verdict import Check, Verdict
from . import Values, kind
from ._common import judge, not_more_than, off_by, require_count


def _validate(values: Values) -> None:
    require_count(values, "n")
    require_count(values, "count")
    not_more_than(values, "count", "n")
    if values["n"].value == 0:
        from . import RoleError

        raise RoleError("n", "n = 0: a percentage of no patients")
    if values["percent"].interval.clip(0.0, 100.0) is None:
        from . import RoleError

        raise RoleError("percent", f"{values['percent'].text!r} is not a percentage (outside 0-100)")


def feasible_counts(n: int, percent: Interval) -> list[int]:
    """Every whole k in 0..n whose 100·k/n lies in the interval."""
    lo = max(0, math.floor(percent.lo * n / 100) - 1) if math.isfinite(percent.lo) else 0
    hi = min(n, math.ceil(percent.hi * n / 100) + 1) if math.isfinite(percent.hi) else n
    return [k for k in range(lo, hi + 1) if percent.contains(Fraction(100 * k, n))]


def _variants(n: int, printed: Printed, k: int | None = None) -> list[str]:
    """Conventions or slips that would reproduce a percentage that 100·k/n cannot (never a pass)."""
    out = []
    target = printed.interval
    if k is None:
        near = [m for m in range(max(1, n - 3), n + 4) if m != n and feasible_counts(m, target)]
        if near:
            out.append("a different denominator: " + ", ".join(f"{feasible_counts(m, target)[0]}/{m}" for m in near[:3]))
    else:
        near = [m for m in range(max(1, k, n - 3), n + 4) if m != n and target.contains(Fraction(100 * k, m))]
        if near:
            out.append("a different denominator: " + ", ".join(f"{k}/{m}" for m in near[:3]))
        typos = [j for j in (k - 1, k + 1) if 0 <= j <= n and target.contains(Fraction(100 * j, n))]
        if typos:
            out.append("a different count: " + ", ".join(f"{j}/{n}" for j in typos))
    if printed.relation == "=":
        truncated = Interval(printed.number, printed.number + printed.unit, True, False)
        ks = [k] if k is not None else feasible_counts(n, truncated)
        ks = [j for j in ks if truncated.contains(Fraction(100 * j, n))]
        if ks:
            out.append(f"truncation instead of rounding: {ks[0]}/{n} = {100 * ks[0] / n:.2f}%")
    return out


@kind("percent_of_count", required=("percent", "n"), optional=("count",), validate=_validate)
def percent_of_count(claim: Claim, values: Values) -> Check:
    """100·count/n rounds to the printed percentage; without a count, some whole count does (GRIM)."""
    n = values["n"].as_count()
    pct = values["percent"]
    conventions = (f"percent = 100·k/n; printed {pct.text} read as {pct.interval} ({' or '.join(claim.rounding)})",)
    if "count" in values:
        k = values["count"].as_count()
        return judge(
            "percent_of_count", "percent", pct, Interval.point(Fraction(100 * k, n)), what=f"100·{k}/{n}",
            conventions=conventions, variants=_variants(n, pct, k),
        )
    ks = feasible_counts(n, pct.interval)
    if ks:
        shown = ", ".join(f"{k} ({100 * k / n:.2f}%)" for k in ks)
        return Check("percent_of_count", Verdict.CONSISTENT, {"count": "{" + ", ".join(map(str, ks)) + "}"},
                     f"of {n}, count {shown} rounds to {pct.text.rstrip('%')}%", conventions, 0.0)
    below = math.floor(pct.value * n / 100)
    near = [k for k in (below, below + 1) if 0 <= k <= n]
    nearest = min(near, key=lambda k: abs(100 * k / n - pct.value))
    shown = ", ".join(f"{k}/{n} = {100 * k / n:.2f}%" for k in near)
    return Check(
        "percent_of_count", Verdict.INCONSISTENT, {"count": "∅", "nearest": shown},
        f"no whole number of {n} patients gives {pct.text.rstrip('%')}% ({pct.interval}); nearest: {shown}",
        conventions, off_by(pct, Interval.point(Fraction(100 * nearest, n))), tuple(_variants(n, pct)),
    )
