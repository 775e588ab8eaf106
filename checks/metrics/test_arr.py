"""metrics.arr: per-patient and pooled annualized relapse rates, against R and their laws.

Reference values: fixtures/reference/arr.R (R 4.2.2), whose calls are quoted below.
"""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.metrics.arr import annualized_rates, mean_arr, pooled_arr

REFERENCE = json.loads((Path(__file__).parents[2] / "fixtures/reference/arr.json").read_text("utf-8"))["cases"]

cohorts = st.integers(1, 30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 12), min_size=n, max_size=n),
        st.lists(st.integers(1, 240), min_size=n, max_size=n),
    )
)


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_rates_mean_and_pooled_match_r(case):
    # with(before, list(rates = counts / (months / 12), mean = mean(counts / (months / 12)),
    #                   pooled = sum(counts) / (sum(months) / 12)))
    ref, data = REFERENCE[case]["result"], REFERENCE[case]["data"]
    assert annualized_rates(data["counts"], data["months"]).tolist() == pytest.approx(ref["rates"], rel=1e-8)
    assert mean_arr(data["counts"], data["months"]) == pytest.approx(ref["mean"], rel=1e-8)
    assert pooled_arr(data["counts"], data["months"]) == pytest.approx(ref["pooled"], rel=1e-8)


def test_two_relapses_in_18_months_and_none_in_6_is_a_mean_of_two_thirds_but_one_per_patient_year():
    assert mean_arr([2, 0], [18, 6]) == 2 / 3
    assert pooled_arr([2, 0], [18, 6]) == 1.0


def test_the_per_patient_and_pooled_arr_agree_when_follow_up_is_equal():
    assert mean_arr([0, 1, 3], [24, 24, 24]) == pooled_arr([0, 1, 3], [24, 24, 24]) == 2 / 3


@settings(max_examples=200)
@given(cohorts)
def test_doubling_the_follow_up_halves_the_arr_exactly(cohort):
    counts, months = cohort
    doubled = [2 * m for m in months]
    assert (annualized_rates(counts, doubled) == annualized_rates(counts, months) / 2).all()
    assert pooled_arr(counts, doubled) == pooled_arr(counts, months) / 2
    assert mean_arr(counts, doubled) == pytest.approx(mean_arr(counts, months) / 2, rel=1e-15)


@settings(max_examples=100)
@given(cohorts, st.integers(2, 5))
def test_the_arr_scales_inversely_with_follow_up(cohort, k):
    counts, months = cohort
    assert pooled_arr(counts, [k * m for m in months]) == pytest.approx(pooled_arr(counts, months) / k, rel=1e-15)
    assert mean_arr(counts, [k * m for m in months]) == pytest.approx(mean_arr(counts, months) / k, rel=1e-14)


@settings(max_examples=100)
@given(cohorts)
def test_the_pooled_arr_lies_between_the_smallest_and_largest_patient_arr(cohort):
    rates = annualized_rates(*cohort)
    assert rates.min() * (1 - 1e-15) <= pooled_arr(*cohort) <= rates.max() * (1 + 1e-15)


@pytest.mark.parametrize(
    ("counts", "months", "message"),
    [
        ([1, 2], [12, 0], "months[1]=0.0 must be a follow-up > 0 months (an ARR over no time is undefined)"),
        ([1], [-6], "months[0]=-6.0 must be a follow-up > 0 months (an ARR over no time is undefined)"),
        ([1], [float("nan")], "months[0]=nan must be a follow-up > 0 months (an ARR over no time is undefined)"),
        ([-1], [12], "counts[0]=-1.0 must be a whole number of relapses >= 0"),
        ([1.5], [12], "counts[0]=1.5 must be a whole number of relapses >= 0"),
        ([1, 2], [12], "counts has 2 value(s) but months has 1: one of each per patient"),
        ([], [], "no patients: an ARR needs at least one patient"),
    ],
    ids=["zero-months", "negative-months", "missing-months", "negative-count", "fractional-count", "lengths", "empty"],
)
def test_bad_inputs_are_refused_with_one_line(counts, months, message):
    for f in (annualized_rates, mean_arr, pooled_arr):
        with pytest.raises(ValueError) as err:
            f(counts, months)
        assert str(err.value) == message
