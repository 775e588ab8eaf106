"""percent_change: a relative change between two printed values ("86.2%" from 2.9 to 0.4).

A reduction is 100·(before − after)/before; an increase 100·(after − before)/before. Both are
monotone in each input (reduction: rising in before, falling in after), so the reachable
interval comes from the ends of the inputs' intervals.
"""

from __future__ import annotations

from ..intervals import Interval, monotone
from ..model import Claim
from . import RoleError, Values, kind
from ._common import judge


def _validate(values: Values) -> None:
    if values["before"].interval.hi <= 0:
        raise RoleError("before", f"before = {values['before'].text}: a relative change needs a positive baseline")


def reduction(before: float, after: float) -> float:
    """100·(before − after)/before."""
    return 100 * (before - after) / before


def increase(before: float, after: float) -> float:
    """100·(after − before)/before."""
    return 100 * (after - before) / before


@kind("percent_change", required=("before", "after", "change"), params=("direction",), validate=_validate)
def percent_change(claim: Claim, values: Values) -> Check:
    """100·(before − after)/before (a reduction; direction: increase flips it) rounds to the printed change."""
    before, after, change = values["before"], values["after"], values["change"]
    direction = claim.params.get("direction", "decrease")
    b = before.interval.clip(1e-300, float("inf")) or before.interval
    a = after.interval
    if direction == "decrease":
        # Rising in before when after > 0; the corners decide otherwise.
        rec = monotone(reduction, [b, a], [1, -1]) if a.lo >= 0 else _corners(reduction, b, a)
        formula = "100·(before − after)/before"
    elif direction == "increase":
        rec = monotone(increase, [b, a], [-1, 1]) if a.lo >= 0 else _corners(increase, b, a)
        formula = "100·(after − before)/before"
    else:
        raise RoleError("change", f"direction={direction!r} is neither 'decrease' nor 'increase'")
    variants = []
    if not rec.overlaps(change.interval):
        ratio = 100 * after.value / before.value
        if Interval(ratio, ratio).overlaps(change.interval):
            variants.append("after as a percentage of before, not the change")
        rel_after = 100 * (before.value - after.value) / after.value
        if Interval(rel_after, rel_after).overlaps(change.interval):
            variants.append("the change relative to the after value")
    return judge(
        "percent_change", "change", change, rec, what=f"{formula} from {before.text} ({before.interval}) and {after.text} ({after.interval})",
        conventions=(f"{formula}, inputs taken anywhere in their rounding intervals",), variants=variants,
    )


def _corners(f, b: Interval, a: Interval) -> Interval:
    from ..intervals import image

    return image(f, [b, a])
