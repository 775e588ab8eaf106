"""range: a median (or mean) with its minimum and maximum, against each other and against limits.

``min ≤ median ≤ max`` must be possible inside the printed intervals, and every one of them
must respect the limits a claim takes from elsewhere (``lower_bound``, ``upper_bound``; strict
with params ``strict_lower`` / ``strict_upper`` for "more than 6 months"). A printed minimum of
"6" under "more than 6 months" is consistent: 6.2 months prints as 6.
"""

from __future__ import annotations

import math

from ..intervals import Interval
from ..model import Claim
from ..verdict import Check, Verdict
from . import RoleError, Values, kind

_ORDER = ("min", "median", "mean", "max")


def _validate(values: Values) -> None:
    if sum(r in values for r in _ORDER) < 1:
        raise RoleError("median", "a range needs at least one of min, median, mean, max")


@kind(
    "range",
    optional=("min", "median", "mean", "max", "lower_bound", "upper_bound"),
    params=("strict_lower", "strict_upper"),
    validate=_validate,
)
def range_(claim: Claim, values: Values) -> Check:
    """min ≤ median (or mean) ≤ max can hold inside the printed intervals, within the stated limits."""
    limit = Interval(-math.inf, math.inf, False, False)
    notes = []
    if "lower_bound" in values:
        b = values["lower_bound"]
        strict = bool(claim.params.get("strict_lower", False))
        limit = limit.intersect(Interval(b.value, math.inf, not strict, False)) or limit
        notes.append(f"every value {'>' if strict else '≥'} {b.text}")
    if "upper_bound" in values:
        b = values["upper_bound"]
        strict = bool(claim.params.get("strict_upper", False))
        limit = limit.intersect(Interval(-math.inf, b.value, False, not strict)) or limit
        notes.append(f"every value {'<' if strict else '≤'} {b.text}")
    present = [r for r in _ORDER if r in values]
    clipped: dict[str, Interval] = {}
    for r in present:
        iv = values[r].interval.intersect(limit)
        if iv is None:
            why = f"{r} = {values[r].text} ({values[r].interval}) breaks the limit: {'; '.join(notes)}"
            return Check("range", Verdict.INCONSISTENT, {r: "∅"}, why, tuple(notes), float(_gap(values[r].interval, limit)) / values[r].half_unit)
        clipped[r] = iv
    # Smallest feasible value of each, in order: a chain min ≤ median ≤ max exists iff this walk succeeds.
    floor_value, chain = -math.inf, []
    for r in [r for r in ("min", "median", "max") if r in clipped] + (["mean"] if "mean" in clipped else []):
        iv = clipped[r]
        if r == "mean":
            lo_ok = "min" not in clipped or clipped["min"].lo <= iv.hi
            hi_ok = "max" not in clipped or iv.lo <= clipped["max"].hi
            if not (lo_ok and hi_ok):
                return Check("range", Verdict.INCONSISTENT, {}, f"mean {values['mean'].text} lies outside the range", tuple(notes), None)
            continue
        x = max(floor_value, iv.lo)
        if not (x < iv.hi or (x == iv.hi and iv.hi_closed)):
            why = f"{r} = {values[r].text} cannot be ≥ the values before it in min ≤ median ≤ max ({', '.join(chain)})"
            return Check("range", Verdict.INCONSISTENT, {}, why, tuple(notes), float(x - iv.hi) / values[r].half_unit)
        floor_value = x
        chain.append(f"{r} ∈ {iv}")
    why = "min ≤ median ≤ max holds: " + ", ".join(chain) + (f"; {'; '.join(notes)}" if notes else "")
    return Check("range", Verdict.CONSISTENT, {r: str(iv) for r, iv in clipped.items()}, why, ("min ≤ median ≤ max", *notes), 0.0)


def _gap(a: Interval, b: Interval) -> float:
    return max(0.0, a.lo - b.hi, b.lo - a.hi)
