"""grim: a mean (or median) of n values on a grid (GRIM; Brown & Heathers 2017).

Values move in steps of ``step`` (1 for integer scores, 0.5 for EDSS), so a mean is a whole
number of steps divided by n, and a median is a value (odd n) or the midpoint of two values
(even n), i.e. a multiple of ``step`` or ``step/2``. Optional scale bounds ``min`` and ``max``.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..model import Claim
from ..verdict import Check, Verdict
from . import RoleError, Values, kind
from ._common import off_by, require_count
from ..intervals import Interval


def _validate(values: Values) -> None:
    require_count(values, "n")
    if ("mean" in values) == ("median" in values):
        raise RoleError("mean", "give exactly one of 'mean' or 'median'")


def grid_values(lo: float, hi: float, unit: Fraction) -> tuple[int, int]:
    """The range of whole k with k·unit in [lo, hi] (k_lo > k_hi when none)."""
    return math.ceil(Fraction(lo) / unit), math.floor(Fraction(hi) / unit)


@kind("grim", required=("n",), optional=("mean", "median"), params=("step", "min", "max"), validate=_validate)
def grim(claim: Claim, values: Values) -> Check:
    """Some whole number of steps gives the printed mean (sum/n) or median (value or midpoint)."""
    n = values["n"].as_count()
    step = Fraction(str(claim.params.get("step", "1")))
    role = "mean" if "mean" in values else "median"
    printed = values[role]
    if role == "mean":
        unit, what = step / n, f"mean of {n} values in steps of {step}"
    else:
        unit = step if n % 2 else step / 2
        what = f"median of {n} values in steps of {step}"
    lo, hi = printed.interval.lo, printed.interval.hi
    if "min" in claim.params:
        lo = max(lo, float(Fraction(str(claim.params["min"]))))
    if "max" in claim.params:
        hi = min(hi, float(Fraction(str(claim.params["max"]))))
    k_lo, k_hi = grid_values(lo, hi, unit) if lo <= hi else (1, 0)
    hits = [Fraction(k) * unit for k in range(k_lo, min(k_hi, k_lo + 50) + 1) if printed.interval.contains(float(Fraction(k) * unit))]
    conventions = (f"{what}: granularity {unit}", f"printed {printed.text} read as {printed.interval}")
    if hits:
        shown = ", ".join(f"{float(h):g}" for h in hits[:6]) + (" ..." if len(hits) > 6 else "")
        return Check("grim", Verdict.CONSISTENT, {role: "{" + shown + "}"}, f"{what} can be {shown}, which rounds to {printed.text}", conventions, 0.0)
    k = math.floor(Fraction(printed.value) / unit)
    near = [float(Fraction(j) * unit) for j in (k, k + 1)]
    nearest = min(near, key=lambda v: abs(v - printed.value))
    return Check(
        "grim", Verdict.INCONSISTENT, {role: "∅", "nearest": ", ".join(f"{v:g}" for v in near)},
        f"no {what} rounds to {printed.text}; nearest attainable: " + ", ".join(f"{v:g}" for v in near),
        conventions, off_by(printed, Interval.point(nearest)),
    )
