"""fisher_p: PLACEHOLDER (being implemented). Two-sided Fisher exact P from a 2x2 table."""

from __future__ import annotations

from ..model import Claim
from ..verdict import Check
from . import Values, kind
from ._common import not_more_than, require_count, require_probability


def _validate(values: Values) -> None:
    require_probability(values, "p")
    for i in ("1", "2"):
        require_count(values, f"n_{i}")
        require_count(values, f"count_{i}")
        not_more_than(values, f"count_{i}", f"n_{i}")


@kind("fisher_p", required=("n_1", "n_2", "p"), optional=("count_1", "count_2", "percent_1", "percent_2"), validate=_validate)
def fisher_p(claim: Claim, values: Values) -> Check:
    """Two-sided Fisher exact P (SPSS "Exact Sig. (2-sided)") from counts or percentages of n."""
    raise NotImplementedError("fisher_p")
