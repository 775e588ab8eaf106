"""Hypothesis strategies shared by the tests: true values, printed numbers, rounding policies."""

from __future__ import annotations

from hypothesis import strategies as st

from claimaudit.rounding import POLICIES

policies = st.sampled_from(POLICIES)
decimals = st.integers(min_value=0, max_value=4)


@st.composite
def true_values(draw, lo: float = 0.0, hi: float = 1000.0):
    """A real value in [lo, hi], sometimes exactly on a rounding tie."""
    if draw(st.booleans()):
        d = draw(decimals)
        k = draw(st.integers(min_value=int(lo * 10**d), max_value=int(hi * 10**d)))
        return (k + 0.5) / 10**d  # a tie at d decimals
    return draw(st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False))
