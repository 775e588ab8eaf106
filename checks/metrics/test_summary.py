"""metrics.summary: mean, median, extremes, counts and percentages, against R.

Reference values: fixtures/reference/summary.R (R 4.2.2), whose calls are quoted below.
"""

import json
import statistics
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.metrics.summary import count_true, maximum, mean, median, minimum, percent

REFERENCE = json.loads((Path(__file__).parents[2] / "fixtures/reference/summary.json").read_text("utf-8"))["cases"]

samples = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40)


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_mean_median_min_max_match_r(case):
    # c(mean(x), median(x), min(x), max(x)), e.g. x = edss$before
    x, ref = REFERENCE[case]["data"]["x"], REFERENCE[case]["result"]
    assert mean(x) == pytest.approx(ref["mean"], rel=1e-8)
    assert median(x) == pytest.approx(ref["median"], rel=1e-8)
    assert (minimum(x), maximum(x)) == (ref["min"], ref["max"])


def test_the_median_of_an_even_number_of_values_is_the_midpoint_of_the_middle_two():
    assert median([14, 9, 21, 17, 11, 25, 8, 19, 16, 12]) == 15.0  # (14 + 16) / 2
    assert median([1, 2]) == 1.5
    assert median([1.7e308, 1.7e308]) == 1.7e308  # no overflow in the midpoint


@settings(max_examples=200)
@given(samples)
def test_median_and_mean_agree_with_the_standard_library(x):
    assert median(x) == statistics.median(x)
    assert mean(x) == pytest.approx(statistics.fmean(x), rel=1e-12, abs=1e-9)


@settings(max_examples=100)
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_a_percentage_is_the_correctly_rounded_exact_ratio(kn):
    k, n = kn
    assert percent(k, n) == 100 * k / n
    assert 0 <= percent(k, n) <= 100


def test_seven_of_twenty_five_is_exactly_28_percent_and_one_of_eight_exactly_12_5():
    assert percent(7, 25) == 28.0 and percent(1, 8) == 12.5


def test_count_true_counts_booleans_and_0_1_values():
    assert count_true([True, False, True]) == 2
    assert count_true(np.array([1, 0, 1, 1])) == 3
    assert count_true([]) == 0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mean([]), "x is empty: a summary needs at least one value"),
        (lambda: median([1.0, float("nan")]), "x holds 1 missing value(s) (NaN): drop or impute them first"),
        (lambda: count_true([0, 2, 1]), "mask must be boolean or 0/1, found values [2]"),
        (lambda: percent(3, 0), "n=0 must be > 0"),
        (lambda: percent(5, 4), "k=5 must be a count in 0..4 (n=4)"),
        (lambda: percent(2.5, 10), "k=2.5 and n=10 must be whole numbers of patients"),
    ],
    ids=["empty", "nan", "mask-not-boolean", "no-patients", "k-above-n", "fractional-k"],
)
def test_bad_inputs_are_refused_with_one_line(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message
