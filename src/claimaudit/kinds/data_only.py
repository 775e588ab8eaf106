"""data_only: a claim only patient-level data can decide (a test's P, a survival estimate, a direction).

From printed numbers alone its verdict is not_checkable; its ``data`` block says how an
extract or a reconstruction recomputes it (basis ``extract`` or ``reconstruction``).
"""

from __future__ import annotations

from ..model import Claim
from ..verdict import Check, Verdict
from . import Values, kind


@kind("data_only", optional=("*",), needs=("data",))
def data_only(claim: Claim, values: Values) -> Check:
    """Not decidable from printed numbers: needs patient-level data (the claim's ``data`` block)."""
    data = claim.data or {}
    how = ", ".join(f"{k} {v}" for k, v in data.items() if k in ("metric", "cohort", "test", "variable", "by"))
    return Check("data_only", Verdict.NOT_CHECKABLE, {}, f"needs patient-level data ({how})")
