"""percent_change: the paper's six changes, and the law that any rounded change is reachable."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimaudit.rounding import reround
from kit import run_kind


@pytest.mark.parametrize(
    "before, after, change",
    [("2.9", "0.4", "86.2"), ("4.5", "2.3", "48.9"), ("3.0", "0.4", "86.7"), ("4.2", "2.2", "47.6"), ("2.7", "0.6", "77.8"), ("4.3", "3.9", "9.3")],
    ids=["arr-all", "edss-all", "arr-initial", "edss-initial", "arr-azathioprine", "edss-azathioprine"],
)
def test_the_papers_changes_are_reachable_from_the_printed_means(before, after, change):
    assert run_kind("percent_change", {"before": before, "after": after, "change": change}).verdict == "consistent"


def test_86_2_percent_reachable_interval_is_shown():
    check = run_kind("percent_change", {"before": "2.9", "after": "0.4", "change": "86.2"})
    assert check.recomputed == {"change": "[84.211, 88.136)"}


def test_a_change_outside_the_reachable_interval_is_inconsistent():
    check = run_kind("percent_change", {"before": "2.9", "after": "0.4", "change": "90.0"})
    assert check.verdict == "inconsistent" and check.off_by > 1


def test_a_ratio_printed_as_a_change_is_named_as_the_likely_slip():
    check = run_kind("percent_change", {"before": "2.9", "after": "0.4", "change": "13.8"})
    assert check.verdict == "inconsistent"
    assert check.variants == ("after as a percentage of before, not the change",)


def test_an_increase_is_computed_when_asked():
    assert run_kind("percent_change", {"before": "2.0", "after": "3.0", "change": "50"}, {"direction": "increase"}).verdict == "consistent"


@given(
    st.floats(0.1, 20), st.floats(0, 20), st.integers(1, 2), st.integers(0, 2),
    st.sampled_from(["half_up", "half_even"]),
)
def test_a_change_computed_from_any_two_means_and_rounded_is_consistent(before, after, d_in, d_out, policy):
    b, a = reround(before, d_in, policy), reround(after, d_in, policy)
    if float(b) <= 0:
        return
    change = reround(100 * (before - after) / before, d_out, policy)
    assert run_kind("percent_change", {"before": b, "after": a, "change": change}).verdict == "consistent"
