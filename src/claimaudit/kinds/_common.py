"""Helpers the kinds share: judging a recomputed interval or set against a printed value."""

from __future__ import annotations

from typing import Iterable

from ..intervals import Interval
from ..printed import Printed
from ..verdict import Check, Verdict
from ..kinds import RoleError


def rounding_note(printed: Printed, policies: tuple[str, ...]) -> str:
    return f"{printed.text!r} read as {printed.interval} ({' or '.join(policies)})"


def off_by(printed: Printed, recomputed: Interval) -> float:
    """Distance from the printed value to the recomputed interval, in half-units of its last digit.

    For a bound ("<0.001") the distance is from the bound's interval instead of a point.
    """
    if printed.relation == "=":
        return float(recomputed.distance(printed.number)) / printed.half_unit
    iv = printed.interval
    gap = max(0.0, float(iv.lo - recomputed.hi), float(recomputed.lo - iv.hi))
    return gap / printed.half_unit


def judge(
    name: str,
    role: str,
    printed: Printed,
    recomputed: Interval,
    *,
    what: str,
    conventions: Iterable[str] = (),
    variants: Iterable[str] = (),
    digits: int = 5,
    target: Interval | None = None,
) -> Check:
    """Consistent when the recomputed interval overlaps the printed value's interval.

    ``target`` replaces the printed value's rounding interval where the kind knows better
    (an exact count is its point, not [k − 0.5, k + 0.5)).
    """
    target = target or printed.interval
    overlap = recomputed.intersect(target)
    shown = recomputed.format(digits)
    if overlap is not None:
        why = f"{what} ∈ {shown}, which reaches printed {printed.text} (interval {target.format(digits)})"
        return Check(name, Verdict.CONSISTENT, {role: shown}, why, tuple(conventions), 0.0)
    d = off_by(printed, recomputed)
    why = (
        f"{what} ∈ {shown}, but printed {printed.text} stands for {target.format(digits)}: "
        f"no value in the printed inputs' intervals gives {printed.text}"
    )
    return Check(name, Verdict.INCONSISTENT, {role: shown}, why, tuple(conventions), d, tuple(variants))


def require_probability(values, role: str) -> None:
    """RoleError unless the printed P (or proportion) can lie in [0, 1]."""
    if role in values and values[role].interval.clip(0.0, 1.0) is None:
        raise RoleError(role, f"{values[role].text!r} is not a probability (outside [0, 1])")


def require_count(values, role: str) -> None:
    """RoleError unless the printed value is a whole number >= 0."""
    if role in values:
        try:
            values[role].as_count()
        except ValueError as e:
            raise RoleError(role, str(e)) from None


def not_more_than(values, small: str, big: str) -> None:
    """RoleError when count ``small`` exceeds count ``big`` (k > n)."""
    if small in values and big in values and values[small].value > values[big].value:
        raise RoleError(small, f"{small} = {values[small].text} exceeds {big} = {values[big].text}")
