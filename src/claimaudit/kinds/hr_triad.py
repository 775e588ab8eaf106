"""hr_triad: PLACEHOLDER (being implemented). Hazard ratio, Wald 95% CI and P as one triad."""

from __future__ import annotations

from ..model import Claim
from ..verdict import Check
from . import Values, kind
from ._common import require_probability


def _validate(values: Values) -> None:
    require_probability(values, "p")


@kind("hr_triad", required=("hr", "ci_low", "ci_high", "p"), validate=_validate)
def hr_triad(claim: Claim, values: Values) -> Check:
    """HR, Wald CI and two-sided Wald P agree."""
    raise NotImplementedError("hr_triad")
