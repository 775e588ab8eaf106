"""total: counts that must add up (14 + 11 = 25; 4 + 2 + 1 = 7 severe events).

relation ``sum`` (default): the parts add to the total. ``union``: the parts may overlap, so
the total lies between the largest part and their sum (2 on IVIG, 2 on plasmapheresis, 4 in
all). ``at_most``: the parts add to no more than the total (3 of the remaining 24).
Whole numbers are exact counts; with ``values: rounded`` (percentages that should add to
100) every printed value is taken at its rounding interval instead.
"""

from __future__ import annotations

from ..intervals import Interval, monotone
from ..model import Claim
from ..verdict import Check, Verdict
from . import RoleError, Values, kind
from ._common import judge


def _validate(values: Values) -> None:
    if not any(r.startswith("part_") for r in values):
        raise RoleError("part_1", "a total needs parts: part_1, part_2, ...")


def _interval(p, rounded: bool) -> Interval:
    return p.interval if rounded or not p.is_integer else p.count_interval()


@kind("total", required=("total",), optional=("part_*",), params=("relation", "values"), validate=_validate)
def total(claim: Claim, values: Values) -> Check:
    """The parts add up to the total (relation sum), cover it (union), or stay within it (at_most)."""
    parts = {r: v for r, v in sorted(values.items()) if r.startswith("part_")}
    rounded = claim.params.get("values", "counts") == "rounded"
    tot = values["total"]
    tot_iv = _interval(tot, rounded)
    ivs = [_interval(p, rounded) for p in parts.values()]
    s = monotone(lambda *xs: sum(xs), ivs, [1] * len(ivs))
    relation = claim.params.get("relation", "sum")
    expr = " + ".join(p.text for p in parts.values())
    if relation == "sum":
        return judge("total", "total", tot, s, what=f"{expr}", conventions=("the parts add up to the total",), target=tot_iv)
    if relation == "union":
        largest = max(ivs, key=lambda iv: iv.lo)
        rec = Interval(largest.lo, s.hi, largest.lo_closed, s.hi_closed)
        return judge("total", "total", tot, rec, what=f"the union of {expr} (overlap allowed)",
                     conventions=("parts may overlap: largest part ≤ total ≤ sum of parts",), target=tot_iv)
    if relation == "at_most":
        ok = s.lo <= tot_iv.hi
        why = f"{expr} = {s} {'≤' if ok else '>'} {tot.text}"
        return Check("total", Verdict.CONSISTENT if ok else Verdict.INCONSISTENT, {"sum of parts": str(s)}, why,
                     ("the parts add up to no more than the total",), 0.0 if ok else float(s.lo - tot_iv.hi) / tot.half_unit)
    raise RoleError("total", f"relation={relation!r} is not one of sum, union, at_most")
