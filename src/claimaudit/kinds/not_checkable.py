"""not_checkable: a claim these documents cannot decide (e.g. a figure cited from another study)."""

from __future__ import annotations

from ..model import Claim
from ..verdict import Check, Verdict
from . import Values, kind


@kind("not_checkable", optional=("*",), needs=("reason",))
def not_checkable(claim: Claim, values: Values) -> Check:
    """Recorded, not checked: the claim's ``reason`` says why nothing here can decide it."""
    return Check("not_checkable", Verdict.NOT_CHECKABLE, {}, claim.reason)
