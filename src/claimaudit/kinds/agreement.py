"""agreement: the same quantity printed in several places must agree.

Two printed values agree when their intervals overlap: "P < 0.001" ([0, 0.001)) and
"P = 0.001" ([0.0005, 0.0015)) agree on [0.0005, 0.001). The audit adds an agreement check
to every claim with a ``same_as`` link (both ways); this kind is for claims whose only check
is that agreement.

Both printings come from one true value rounded by one policy, so the intervals are overlapped
policy by policy (a policy both claims allow; any pair only when they allow none in common).
The union over policies would let "12" and "13" agree on the tie 12.5, which half_even prints
as 12 and half_up as 13 but no single policy prints both ways.

A bound usually bounds a value ("P < 0.01" and "P < 0.001" can both be true of one P). A bound
that defines a category ("a high titer: ≥1:64") is a threshold instead: with ``params: {bounds:
thresholds}`` on an agreement claim, its links compare bounds as cut-offs, which agree only when
they name the same number in the same direction ("≥1:32" and "≥1:64" are two definitions).
"""

from __future__ import annotations

from ..intervals import Interval
from ..model import Claim, Ref
from ..printed import Printed, parse_printed
from ..rounding import DEFAULT_POLICIES
from ..verdict import Check, Verdict
from . import RoleError, Values, kind


BOUNDS = ("values", "thresholds")


def compares_thresholds(claim: Claim) -> bool:
    """The claim's bounds are cut-offs (``params: {bounds: thresholds}``), not bounds on a value."""
    bounds = claim.params.get("bounds", "values") if claim.kind == "agreement" else "values"
    if bounds not in BOUNDS:
        raise RoleError("bounds", f"bounds={bounds!r} is not one of {', '.join(BOUNDS)}")
    return bounds == "thresholds"


@kind("agreement", optional=("*",), params=("bounds",))
def agreement(claim: Claim, values: Values) -> Check:
    """A printed value checked only against the same quantity printed elsewhere (same_as)."""
    compares_thresholds(claim)
    return Check(
        "agreement",
        Verdict.NOT_CHECKABLE,
        {},
        "a printed value with no arithmetic of its own: checked where it is printed again (same_as) "
        "and where other claims read it (inputs)",
    )


def shared_overlap(
    mine: Printed, theirs: Printed, mine_rounding: tuple[str, ...], theirs_rounding: tuple[str, ...]
) -> Interval | None:
    """Hull of the values some one policy prints both ways; None when no policy does.

    >>> from claimaudit.printed import parse_printed as p
    >>> print(shared_overlap(p("12"), p("13"), ("half_up", "half_even"), ("half_up", "half_even")))
    None
    >>> str(shared_overlap(p("0.1"), p("0.100"), ("half_up",), ("half_up",)))
    '[0.0995, 0.1005)'
    """
    common = [policy for policy in mine_rounding if policy in theirs_rounding]
    pairs = [(policy, policy) for policy in common] or [(a, b) for a in mine_rounding for b in theirs_rounding]
    found: Interval | None = None
    for a, b in pairs:
        overlap = parse_printed(mine.text, (a,)).interval.intersect(parse_printed(theirs.text, (b,)).interval)
        if overlap is not None:
            found = overlap if found is None else found.hull(overlap)
    return found


def agreement_check(
    role: str,
    mine: Printed,
    ref: Ref,
    theirs: Printed,
    mine_rounding: tuple[str, ...] = DEFAULT_POLICIES,
    theirs_rounding: tuple[str, ...] = DEFAULT_POLICIES,
    thresholds: bool = False,
) -> Check:
    """Consistent when some one rounding policy prints a value both ways; the overlap is shown.

    With ``thresholds`` a bound is a cut-off: two bounds (or a bound and a value) agree only on the
    same number in the same direction.
    """
    link = f"same as {ref}"
    if thresholds and (mine.relation != "=" or theirs.relation != "="):
        same = mine.number == theirs.number and (mine.relation == theirs.relation or "=" in (mine.relation, theirs.relation))
        conventions = ("a threshold: the same cut-off in the same direction",)
        why = f"{role} = {mine.text} and {ref} = {theirs.text} " + (
            "name the same cut-off" if same else "are two different cut-offs: the same threshold is printed two ways")
        verdict = Verdict.CONSISTENT if same else Verdict.INCONSISTENT
        return Check(link, verdict, {f"{role} ∩ {ref}": mine.text if same else "∅"}, why, conventions, 0.0 if same else None)
    overlap = shared_overlap(mine, theirs, mine_rounding, theirs_rounding)
    conventions = ("same quantity: intervals must overlap under one rounding policy",)
    if overlap is not None:
        why = f"{role} = {mine.text} {mine.interval} and {ref} = {theirs.text} {theirs.interval} overlap on {overlap}"
        return Check(link, Verdict.CONSISTENT, {f"{role} ∩ {ref}": str(overlap)}, why, conventions, 0.0)
    gap = float(max(mine.interval.lo - theirs.interval.hi, theirs.interval.lo - mine.interval.hi, 0))
    if gap > 0:
        why = (
            f"{role} = {mine.text} {mine.interval} and {ref} = {theirs.text} {theirs.interval} do not overlap "
            f"(gap {gap:.4g}): the same quantity is printed two incompatible ways"
        )
    else:
        tie = mine.interval.intersect(theirs.interval)
        why = (
            f"{role} = {mine.text} {mine.interval} and {ref} = {theirs.text} {theirs.interval} meet only at {tie}, "
            f"a tie that no one rounding policy prints both ways: the same quantity is printed two incompatible ways"
        )
    return Check(link, Verdict.INCONSISTENT, {f"{role} ∩ {ref}": "∅"}, why, conventions, gap / mine.half_unit)
