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


@st.composite
def two_by_two(draw, max_n: int = 60, min_n: int = 1):
    """(k_1, n_1, k_2, n_2): two arms of min_n..max_n patients and their event counts."""
    n_1, n_2 = draw(st.integers(min_n, max_n)), draw(st.integers(min_n, max_n))
    return draw(st.integers(0, n_1)), n_1, draw(st.integers(0, n_2)), n_2


@st.composite
def survival_samples(draw, min_n: int = 1, max_n: int = 30, max_time: int = 12, groups: bool = False):
    """(times, events[, groups]): integer times 1..max_time (so ties are common), events 0/1.

    With ``groups=True`` a third list of 0/1 labels with both groups present.
    """
    n = draw(st.integers(min_n, max_n))
    times = draw(st.lists(st.integers(1, max_time), min_size=n, max_size=n))
    events = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    if not groups:
        return times, events
    labels = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda g: 0 < sum(g) < len(g)))
    return times, events, labels
