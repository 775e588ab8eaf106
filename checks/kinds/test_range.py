"""range: median with minimum and maximum, and inclusion limits."""

from kit import run_kind


def test_median_31_range_6_to_55_holds():
    assert run_kind("range", {"median": "31", "min": "6", "max": "55"}).verdict == "consistent"


def test_a_median_below_the_minimum_is_inconsistent():
    check = run_kind("range", {"median": "5", "min": "6", "max": "55"})
    assert check.verdict == "inconsistent"


def test_a_printed_minimum_of_6_meets_more_than_6_months():
    # 6.2 months prints as 6: the rounding interval of "6" reaches above 6.
    check = run_kind("range", {"median": "11", "min": "6", "max": "34", "lower_bound": "6"}, {"strict_lower": True})
    assert check.verdict == "consistent"


def test_a_printed_minimum_of_5_breaks_more_than_6_months():
    check = run_kind("range", {"median": "11", "min": "5", "max": "34", "lower_bound": "6"}, {"strict_lower": True})
    assert check.verdict == "inconsistent" and "breaks the limit" in check.why


def test_a_maximum_beyond_the_study_window_is_inconsistent():
    check = run_kind("range", {"max": "70", "upper_bound": "69"})
    assert check.verdict == "inconsistent"
