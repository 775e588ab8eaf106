"""Parsing printed values: "0.100", "<0.001", "1:64", "Seven", "86.2%"."""

import math
from fractions import Fraction

import pytest
from hypothesis import given

from claimaudit.printed import parse_printed
from claimaudit.rounding import reround
from strategies import decimals, policies, true_values


def test_trailing_zeros_set_the_precision():
    p = parse_printed("0.100")
    assert (p.text, p.decimals, p.half_unit) == ("0.100", 3, 0.0005)
    assert str(p.interval) == "[0.0995, 0.1005]"


def test_less_than_is_an_open_bound():
    p = parse_printed("<0.001")
    assert p.relation == "<" and p.interval.hi == Fraction("0.001") and not p.interval.hi_closed and p.interval.lo == -math.inf


def test_more_than_is_an_open_bound():
    assert str(parse_printed(">0.99").interval) == "(0.99, inf)"


def test_at_least_is_a_closed_bound():
    assert str(parse_printed("≥1:64").interval) == "[64, inf)"


def test_a_titer_is_its_exact_dilution():
    p = parse_printed("1:64")
    assert p.exact and str(p.interval) == "64"


@pytest.mark.parametrize("text, value", [("Seven", 7), ("Twenty-five", 25), ("twenty-four", 24), ("Fourteen", 14)])
def test_number_words_are_exact_counts(text, value):
    p = parse_printed(text)
    assert p.as_count() == value and p.interval.is_point


def test_a_percent_sign_is_read_and_remembered():
    p = parse_printed("86.2%")
    assert p.percent and p.value == 86.2 and p.decimals == 1


def test_spss_leading_dot_is_a_number():
    assert parse_printed(".000").value == 0.0


def test_unicode_minus_is_a_minus():
    assert parse_printed("−0.5").value == -0.5


@pytest.mark.parametrize("text", ["0.22 3", "—", "", "abc", "1,5", "P=0.1", "2–3"])
def test_anything_else_is_not_a_printed_number(text):
    with pytest.raises(ValueError, match="not a printed number"):
        parse_printed(text)


def test_a_yaml_number_is_refused_with_a_hint():
    with pytest.raises(ValueError, match="in quotes"):
        parse_printed(0.5)  # type: ignore[arg-type]


def test_a_rounded_value_is_not_a_count():
    with pytest.raises(ValueError, match="not a count"):
        parse_printed("2.5").as_count()


@given(true_values(), decimals, policies)
def test_parsed_interval_contains_the_value_that_was_printed(x, d, policy):
    assert parse_printed(reround(x, d, policy)).interval.contains(x)
