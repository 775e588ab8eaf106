"""km_feasibility: PLACEHOLDER (being implemented). Kaplan-Meier proportions attainable with n and k."""

from __future__ import annotations

from ..model import Claim
from ..verdict import Check
from . import Values, kind


@kind("km_feasibility", optional=("n_*", "survival_*", "events"))
def km_feasibility(claim: Claim, values: Values) -> Check:
    """Each printed Kaplan-Meier proportion is attainable with its n; event counts jointly fit the total."""
    raise NotImplementedError("km_feasibility")
