"""total: counts that must add up."""

from hypothesis import given
from hypothesis import strategies as st

from kit import run_kind


def test_14_plus_11_is_25():
    assert run_kind("total", {"total": "25", "part_1": "14", "part_2": "11"}).verdict == "consistent"


def test_14_plus_12_is_not_25():
    check = run_kind("total", {"total": "25", "part_1": "14", "part_2": "12"})
    assert check.verdict == "inconsistent" and "14 + 12" in check.why


def test_overlapping_parts_may_cover_a_smaller_total():
    # 2 on IVIG and 2 on plasmapheresis: between 2 and 4 patients in all.
    assert run_kind("total", {"total": "4", "part_1": "2", "part_2": "2"}, {"relation": "union"}).verdict == "consistent"
    assert run_kind("total", {"total": "5", "part_1": "2", "part_2": "2"}, {"relation": "union"}).verdict == "inconsistent"


def test_parts_within_a_total():
    assert run_kind("total", {"total": "24", "part_1": "3"}, {"relation": "at_most"}).verdict == "consistent"
    assert run_kind("total", {"total": "2", "part_1": "3"}, {"relation": "at_most"}).verdict == "inconsistent"


def test_rounded_parts_add_up_within_their_intervals():
    assert run_kind("total", {"total": "100", "part_1": "72", "part_2": "28"}).verdict == "consistent"


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=8))
def test_any_parts_add_up_to_their_sum(parts):
    reported = {"total": str(sum(parts))} | {f"part_{i}": str(p) for i, p in enumerate(parts, 1)}
    assert run_kind("total", reported).verdict == "consistent"


@given(st.lists(st.integers(0, 1000), min_size=1, max_size=8), st.integers(1, 50))
def test_a_total_off_by_one_or_more_is_inconsistent(parts, delta):
    reported = {"total": str(sum(parts) + delta)} | {f"part_{i}": str(p) for i, p in enumerate(parts, 1)}
    assert run_kind("total", reported).verdict == "inconsistent"
