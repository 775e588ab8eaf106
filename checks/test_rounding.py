"""reround/unround laws per rounding policy."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given

from claimaudit.rounding import reround, rounds_to, unround, unround_any
from strategies import decimals, policies, true_values


@given(true_values(), decimals, policies)
def test_printed_interval_contains_the_true_value(x, d, policy):
    assert unround(reround(x, d, policy), policy).contains(x)


@given(true_values(), decimals, policies)
def test_every_value_of_the_interval_rounds_back_to_the_text_at_its_midpoint(x, d, policy):
    text = reround(x, d, policy)
    assert reround(unround(text, policy).mid, d, policy) == text


@given(true_values(), decimals, policies)
def test_rounds_to_accepts_the_value_it_rounded(x, d, policy):
    assert rounds_to(x, reround(x, d, policy), (policy,))


def test_half_up_sends_ties_away_from_zero():
    assert reround(0.125, 2, "half_up") == "0.13"


def test_half_even_sends_ties_to_the_even_digit():
    assert reround(0.125, 2, "half_even") == "0.12"


def test_a_tie_belongs_to_the_upper_value_under_half_up():
    iv = unround("2.9", "half_up")
    assert (iv.lo, iv.hi, iv.lo_closed, iv.hi_closed) == (Fraction("2.85"), Fraction("2.95"), True, False)


def test_half_even_closes_the_interval_of_an_even_last_digit():
    assert str(unround("0.4", "half_even")) == "[0.35, 0.45]"
    assert str(unround("0.5", "half_even")) == "(0.45, 0.55)"


def test_union_of_policies_is_closed_below_and_open_above_for_an_odd_digit():
    assert str(unround_any("2.9")) == "[2.85, 2.95)"


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="unknown rounding policy"):
        unround("1.0", "ceiling")


def test_interval_ends_are_exact_decimals():
    # 0.15 as a double is 0.1499999...; the end of "0.1" is exactly 3/20, so that double lies inside.
    assert unround("0.1").hi == Fraction(3, 20) and unround("0.1").contains(0.15)


def test_reround_uses_the_exact_binary_value():
    # 2.675 is stored as 2.67499999..., so it is not a tie.
    assert Decimal(2.675) < Decimal("2.675")
    assert reround(2.675, 2, "half_up") == "2.67"
