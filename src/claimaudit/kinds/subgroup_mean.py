"""subgroup_mean: a whole-cohort mean and a subgroup mean imply the mean of the rest.

With n_all patients of mean m_all and n_sub of them with mean m_sub, the other
n_all − n_sub patients have mean (n_all·m_all − n_sub·m_sub)/(n_all − n_sub), rising in
m_all and falling in m_sub. That mean must be attainable: within the scale (params ``min``,
``max``, e.g. EDSS 0-10, ARR ≥ 0) and, with ``step``, on the grid of means of the rest.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..intervals import Interval, monotone
from ..model import Claim
from ..verdict import Check, Verdict
from . import RoleError, Values, kind
from ._common import not_more_than, require_count


def _validate(values: Values) -> None:
    require_count(values, "n_all")
    require_count(values, "n_sub")
    not_more_than(values, "n_sub", "n_all")
    if values["n_sub"].value == values["n_all"].value:
        raise RoleError("n_sub", "the subgroup is the whole cohort: no rest to check")


@kind("subgroup_mean", required=("mean_all", "n_all", "mean_sub", "n_sub"), params=("min", "max", "step"), validate=_validate)
def subgroup_mean(claim: Claim, values: Values) -> Check:
    """The rest of the cohort has an attainable mean: (n_all·m_all − n_sub·m_sub)/(n_all − n_sub) within the scale."""
    n_all, n_sub = values["n_all"].as_count(), values["n_sub"].as_count()
    n_rest = n_all - n_sub

    def rest(m_all: float, m_sub: float) -> float:
        return (n_all * m_all - n_sub * m_sub) / n_rest

    rec = monotone(rest, [values["mean_all"].interval, values["mean_sub"].interval], [1, -1])
    lo = float(claim.params.get("min", "-inf"))
    hi = float(claim.params.get("max", "inf"))
    scale = Interval(lo, hi)
    what = f"mean of the other {n_rest} = ({n_all}·{values['mean_all'].text} − {n_sub}·{values['mean_sub'].text})/{n_rest}"
    feasible = rec.intersect(scale)
    conventions = [f"scale [{lo:g}, {hi:g}]"]
    if feasible is not None and "step" in claim.params:
        unit = Fraction(str(claim.params["step"])) / n_rest
        k_lo, k_hi = math.ceil(Fraction(feasible.lo) / unit), math.floor(Fraction(feasible.hi) / unit)
        conventions.append(f"values in steps of {claim.params['step']}: the mean of {n_rest} moves in steps of {unit}")
        if k_lo > k_hi:
            feasible = None
    if feasible is None:
        why = f"{what} ∈ {rec}, outside what {n_rest} patients can have ({'; '.join(conventions)})"
        return Check("subgroup_mean", Verdict.INCONSISTENT, {"mean_rest": str(rec)}, why, tuple(conventions), None)
    return Check("subgroup_mean", Verdict.CONSISTENT, {"mean_rest": str(feasible)}, f"{what} ∈ {feasible}, attainable", tuple(conventions), 0.0)
