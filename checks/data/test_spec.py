"""data.spec, exact numbers: vectorised sums, means and medians equal the Fraction of every decimal as written.

The reference is the definition itself, ``exact(x) = Fraction(repr(x))`` per value, summed or
sorted one Fraction at a time (what data/spec.py did before it was vectorised).
"""

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.data.spec import exact, exact_max, exact_mean, exact_median, exact_min, exact_sum, sum_of


def fraction_sum(xs) -> Fraction:
    return sum((exact(x) for x in xs), Fraction(0))


def fraction_median(xs) -> Fraction:
    s = sorted(exact(x) for x in xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


@st.composite
def written_decimals(draw):
    """Numbers as a steward writes them: up to 6 decimals, sometimes large (up to 15 significant digits)."""
    k = draw(st.integers(0, 6))
    digits = draw(st.integers(1, 15))
    m = draw(st.lists(st.integers(-(10**digits) + 1, 10**digits - 1), min_size=1, max_size=40))
    return np.array([v / 10**k for v in m])


finite_floats = st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=40).map(np.array)


@settings(max_examples=300)
@given(written_decimals())
def test_the_sum_of_numbers_with_at_most_six_decimals_is_the_sum_of_their_decimals(xs):
    total = exact_sum(xs)
    assert isinstance(total, Fraction)
    assert total == fraction_sum(xs)
    assert exact_mean(xs) == fraction_sum(xs) / len(xs)


@settings(max_examples=300)
@given(finite_floats)
def test_a_sum_given_as_a_fraction_is_always_the_exact_sum_of_the_decimals(xs):
    # any finite floats: either exact (a Fraction equal to the definition) or, with no short decimal, math.fsum
    total = exact_sum(xs)
    if isinstance(total, Fraction):
        assert total == fraction_sum(xs)
    else:
        assert total == math.fsum(xs.tolist())
        assert total == float(sum(Fraction(x) for x in xs.tolist()))  # the binary values' sum, correctly rounded


def test_computed_values_without_a_short_decimal_are_summed_with_fsum():
    xs = np.array([1 / 3, 2 / 3, 0.1, 1e-7])
    assert exact_sum(xs) == math.fsum(xs.tolist())
    assert exact_mean(xs) == math.fsum(xs.tolist()) / 4


def test_one_tenth_three_times_sums_to_three_tenths_exactly():
    # in floats 0.1 + 0.1 + 0.1 is 0.30000000000000004; the decimals as written sum to 3/10
    assert exact_sum(np.array([0.1, 0.1, 0.1])) == Fraction(3, 10)


def test_whole_numbers_that_would_overflow_int64_are_summed_exactly():
    xs = np.array([2**62, 2**62, 2**62, -5], dtype=np.int64)
    assert exact_sum(xs) == 3 * 2**62 - 5


@settings(max_examples=300)
@given(finite_floats)
def test_the_median_and_the_extremes_are_the_exact_order_statistics(xs):
    assert exact_median(xs) == fraction_median(xs)
    assert exact_min(xs) == min(exact(x) for x in xs)
    assert exact_max(xs) == max(exact(x) for x in xs)


@pytest.mark.parametrize(
    ("column", "total", "whole"),
    [
        (pd.Series([True, False, True]), Fraction(2), True),
        (pd.Series([3, 4, 5]), Fraction(12), True),
        (pd.Series([0.5, 1.25, 2.0]), Fraction(15, 4), False),
    ],
    ids=["true-false", "whole", "decimals"],
)
def test_sum_of_counts_true_false_and_adds_numbers_exactly(column, total, whole):
    assert sum_of(pd.DataFrame({"v": column}), "v") == (total, whole)
