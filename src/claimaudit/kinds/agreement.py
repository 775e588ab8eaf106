"""agreement: the same quantity printed in several places must agree.

Two printed values agree when their intervals overlap: "P < 0.001" ([0, 0.001)) and
"P = 0.001" ([0.0005, 0.0015)) agree on [0.0005, 0.001). The audit adds an agreement check
to every claim with a ``same_as`` link (both ways); this kind is for claims whose only check
is that agreement.
"""

from __future__ import annotations

from ..model import Claim, Ref
from ..printed import Printed
from ..verdict import Check, Verdict
from . import Values, kind


@kind("agreement", optional=("*",))
def agreement(claim: Claim, values: Values) -> Check:
    """A printed value checked only against the same quantity printed elsewhere (same_as)."""
    return Check(
        "agreement",
        Verdict.NOT_CHECKABLE,
        {},
        "a printed value with no arithmetic of its own: checked where it is printed again (same_as) "
        "and where other claims read it (inputs)",
    )


def agreement_check(role: str, mine: Printed, ref: Ref, theirs: Printed) -> Check:
    """Consistent when the two printed values' intervals overlap; the overlap is shown."""
    overlap = mine.interval.intersect(theirs.interval)
    link = f"same as {ref}"
    if overlap is not None:
        why = f"{role} = {mine.text} {mine.interval} and {ref} = {theirs.text} {theirs.interval} overlap on {overlap}"
        return Check(link, Verdict.CONSISTENT, {f"{role} ∩ {ref}": str(overlap)}, why, ("same quantity: intervals must overlap",), 0.0)
    gap = float(max(mine.interval.lo - theirs.interval.hi, theirs.interval.lo - mine.interval.hi))
    why = (
        f"{role} = {mine.text} {mine.interval} and {ref} = {theirs.text} {theirs.interval} do not overlap "
        f"(gap {gap:.4g}): the same quantity is printed two incompatible ways"
    )
    return Check(link, Verdict.INCONSISTENT, {f"{role} ∩ {ref}": "∅"}, why, ("same quantity: intervals must overlap",), gap / mine.half_unit)
