"""metrics.km_attainable: the attainable Kaplan-Meier values against brute force, lifelines and their laws.

The reference is a product-limit estimate computed here from patient-level data, written
independently of the enumeration (R: ``tail(survfit(Surv(time, status) ~ 1)$surv, 1)``), and
lifelines 0.30 ``KaplanMeierFitter`` on a few cohorts. The enumeration must give exactly the
values some cohort gives: every cohort of up to 6 patients is tried.
"""

import doctest
from collections import defaultdict
from fractions import Fraction
from itertools import combinations_with_replacement, product

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claimaudit.intervals import Interval
from claimaudit.metrics import km_attainable
from claimaudit.metrics.km_attainable import (
    MAX_FULL_SET_N,
    EnumerationBound,
    Step,
    attainable,
    feasible_events,
    is_sequence,
    nearest,
    survival,
    values_in,
    witness,
)
from claimaudit.printed import parse_printed

Cohort = list[tuple[int, bool]]  # (time, event) per patient; event False means censored


def product_limit(cohort: Cohort) -> Fraction:
    """Kaplan-Meier at the last time, exactly; censored at an event time still count as at risk there."""
    s = Fraction(1)
    for t in sorted({t for t, event in cohort if event}):
        at_risk = sum(1 for u, _ in cohort if u >= t)
        deaths = sum(1 for u, event in cohort if u == t and event)
        s *= Fraction(at_risk - deaths, at_risk)
    return s


def cohort_from(n: int, steps: tuple[Step, ...]) -> Cohort:
    """A cohort of n patients that follows the at-risk sequence: time 2j for event time j."""
    cohort, left = [], n
    for j, step in enumerate(steps, start=1):
        cohort += [(2 * j - 1, False)] * (left - step.at_risk)  # censored just before the event time
        cohort += [(2 * j, True)] * step.events
        left = step.at_risk - step.events
    return cohort + [(2 * len(steps) + 1, False)] * left


def lifelines_end_value(cohort: Cohort) -> float:
    from lifelines import KaplanMeierFitter  # ~1.5 s to import; only these tests need it

    times, events = zip(*cohort, strict=True)
    return float(KaplanMeierFitter().fit(times, events).survival_function_.iloc[-1, 0])


cohorts = st.lists(st.tuples(st.integers(1, 10), st.booleans()), min_size=1, max_size=20)
small_n = st.integers(1, 11)


def every_cohort(n: int):
    """Every cohort of n patients with times 1..n (times 1..n suffice: ≤ n event times and one censoring time before them).

    Up to 4 patients every assignment is tried; beyond, every multiset, since a Kaplan-Meier
    estimate does not depend on the order of the patients.
    """
    pairs = [(t, e) for t in range(1, n + 1) for e in (False, True)]
    return product(pairs, repeat=n) if n <= 4 else combinations_with_replacement(pairs, n)


@pytest.mark.parametrize("n", range(1, 7))
def test_the_attainable_sets_are_exactly_the_values_of_every_small_cohort(n):
    by_events = defaultdict(set)
    for cohort in every_cohort(n):
        by_events[sum(e for _, e in cohort)].add(product_limit(list(cohort)))
    assert {k: attainable(n, k) for k in range(n + 1)} == by_events


@pytest.mark.parametrize(
    "cohort",
    [
        [(1, True), (2, False), (2, True), (3, True), (5, False)],
        [(3, True), (3, True), (4, False), (6, True), (6, False), (7, True), (9, False)],
        [(2, False), (4, True), (4, True), (4, False), (8, True)],
    ],
    ids=["tie-with-censoring", "two-ties", "ends-with-event"],
)
def test_the_product_limit_here_agrees_with_lifelines(cohort):
    assert lifelines_end_value(cohort) == pytest.approx(float(product_limit(cohort)), rel=1e-12)
    assert product_limit(cohort) in attainable(len(cohort), sum(e for _, e in cohort))


# Chen et al. 2017, Results: "0.82 in the low titer group (14 patients) and 0.53 in the high titer group (11)".
LOW, HIGH = parse_printed("0.82").interval, parse_printed("0.53").interval


def test_chen_low_titer_0_82_of_14_needs_exactly_2_events():
    assert sorted(feasible_events(14, LOW)) == [2]
    for steps in [(Step(11, 2),), (Step(13, 1), Step(9, 1))]:  # 9/11 = 0.818; 12/13 · 8/9 = 0.821
        assert LOW.contains(float(survival(steps)))


def test_chen_high_titer_0_53_of_11_fits_2_to_5_events_under_censoring():
    assert sorted(feasible_events(11, HIGH)) == [2, 3, 4, 5]
    # 4/5 · 2/3 = 0.533: six censored first, one event at risk 5, one censored, one event at risk 3.
    assert values_in(11, 2, HIGH) == {Fraction(8, 15): (Step(5, 1), Step(3, 1))}
    four = (Step(11, 1), Step(9, 1), Step(8, 1), Step(4, 1))
    five = (Step(11, 1), Step(10, 1), Step(9, 1), Step(8, 1), Step(6, 1))  # 7/11 · 5/6 = 35/66
    assert survival(four) in values_in(11, 4, HIGH) and survival(five) == Fraction(35, 66)
    assert values_in(11, 5, HIGH) == {Fraction(35, 66): values_in(11, 5, HIGH)[Fraction(35, 66)]}


@pytest.mark.parametrize("n, text", [(14, "0.82"), (11, "0.53"), (29, "0.48"), (60, "0.333")])
def test_every_witness_is_a_cohort_that_lifelines_reproduces(n, text):
    target = parse_printed(text).interval
    for k, steps in feasible_events(n, target).items():
        cohort = cohort_from(n, steps)
        assert len(cohort) == n and sum(e for _, e in cohort) == k
        assert target.contains(float(product_limit(cohort)))
    k, steps = next(iter(feasible_events(n, target).items()))
    assert target.contains(lifelines_end_value(cohort_from(n, steps)))


def test_nearest_names_the_attainable_values_around_an_unreachable_proportion():
    below, above = nearest(14, parse_printed("0.87").interval)  # 6/7 = 0.857 and 7/8 = 0.875, which prints "0.88"
    assert (below, above) == ((Fraction(6, 7), 1, (Step(7, 1),)), (Fraction(7, 8), 1, (Step(8, 1),)))


def test_more_than_200_patients_are_not_enumerated():
    with pytest.raises(EnumerationBound, match="^n=201 patients is above the enumeration bound of 200 patients$"):
        feasible_events(201, LOW)


def test_the_full_set_is_listed_only_for_small_n():
    with pytest.raises(EnumerationBound, match=f"only up to n={MAX_FULL_SET_N} \\(asked n=17\\)"):
        attainable(17, 3)


def test_the_docstring_examples_hold():
    assert doctest.testmod(km_attainable).failed == 0


@given(st.integers(1, 200), st.data())
@settings(max_examples=40, deadline=None)
def test_the_uncensored_value_n_minus_k_over_n_is_always_attainable(n, data):
    k = data.draw(st.integers(0, n))
    value = Fraction(n - k, n)
    assert survival(witness(n, k, Interval.point(value))) == value
    if n <= MAX_FULL_SET_N - 5:
        assert value in attainable(n, k)


@given(small_n, st.data())
@settings(deadline=None)  # the first example builds the cached sets
def test_every_attainable_value_lies_between_0_and_n_minus_k_over_n(n, data):
    k = data.draw(st.integers(0, n))
    assert all(0 <= v <= Fraction(n - k, n) for v in attainable(n, k))


@given(small_n, st.data())
@settings(deadline=None)  # the first example builds the cached sets
def test_every_positive_value_is_at_least_one_over_k_plus_one_and_that_is_attained(n, data):
    k = data.draw(st.integers(0, n))
    positive = [v for v in attainable(n, k) if v > 0]
    assert all(v >= Fraction(1, k + 1) for v in positive)
    assert (Fraction(1, k + 1) in positive) == (n > k)


@given(st.integers(1, 10), st.data())
@settings(deadline=None)
def test_attainable_sets_grow_with_n(n, data):
    k = data.draw(st.integers(0, n))
    assert attainable(n, k) <= attainable(n + 1, k)


@given(cohorts)
@settings(max_examples=60, deadline=None)
def test_the_estimate_of_any_small_cohort_is_attainable_for_its_n_and_k(cohort):
    n, k, value = len(cohort), sum(e for _, e in cohort), product_limit(cohort)
    steps = witness(n, k, Interval.point(value))  # an exact point: the search finds this very fraction
    assert steps is not None and survival(steps) == value
    if n <= MAX_FULL_SET_N - 4:
        assert value in attainable(n, k)


@given(cohorts)
@settings(deadline=None)
def test_survival_is_non_increasing_when_one_more_event_is_added_at_the_end(cohort):
    last = max(t for t, _ in cohort)
    censored_last = [i for i, (t, e) in enumerate(cohort) if t == last and not e]
    assume(censored_last)
    one_more = cohort[:]
    one_more[censored_last[0]] = (last + 1, True)  # the last censored patient has the event after all others
    assert product_limit(one_more) <= product_limit(cohort)
    n, k = len(cohort), sum(e for _, e in cohort)
    if n <= MAX_FULL_SET_N - 4:
        assert max(attainable(n, k + 1)) <= max(attainable(n, k))


windows = st.tuples(st.floats(0, 1), st.sampled_from([0.0, 0.001, 0.01, 0.1])).map(
    lambda a: Interval(a[0], min(1.0, a[0] + a[1]))
)


@given(small_n, windows)
@settings(max_examples=150, deadline=None)
def test_the_search_finds_exactly_the_attainable_values_in_a_window(n, window):
    for k in range(n + 1):
        inside = {v for v in attainable(n, k) if window.contains(float(v))}
        found = values_in(n, k, window)
        assert set(found) == inside
        assert all(is_sequence(s, n) and sum(x.events for x in s) == k and survival(s) == v for v, s in found.items())
        steps = witness(n, k, window)
        assert (steps is not None) == bool(inside)
        assert steps is None or survival(steps) in inside


@given(small_n, windows)
@settings(max_examples=150, deadline=None)
def test_nearest_values_are_the_closest_attainable_ones_outside_the_window(n, window):
    assume(not feasible_events(n, window))
    every = set().union(*(attainable(n, k) for k in range(n + 1)))
    below = max((v for v in every if v < window.lo), default=None)
    above = min((v for v in every if v > window.hi), default=None)
    got = nearest(n, window)
    assert tuple(None if a is None else a.value for a in got) == (below, above)
    for a in got:
        assert a is None or (survival(a.steps) == a.value and is_sequence(a.steps, n) and sum(s.events for s in a.steps) == a.events)
