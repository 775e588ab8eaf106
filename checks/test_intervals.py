"""Interval arithmetic laws."""

import math

from hypothesis import given
from hypothesis import strategies as st

from claimaudit.intervals import Interval, image, monotone

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@st.composite
def intervals(draw):
    a, b = sorted((draw(finite), draw(finite)))
    return Interval(a, b, draw(st.booleans()), draw(st.booleans()))


@given(intervals(), intervals())
def test_overlap_is_symmetric(a, b):
    assert a.overlaps(b) == b.overlaps(a)


@given(intervals(), intervals())
def test_intersection_exists_exactly_when_intervals_overlap(a, b):
    assert (a.intersect(b) is not None) == a.overlaps(b)


@given(intervals(), intervals())
def test_hull_contains_both(a, b):
    h = a.hull(b)
    assert h.lo <= min(a.lo, b.lo) and h.hi >= max(a.hi, b.hi)


@given(intervals(), intervals(), st.floats(0, 1), st.floats(0, 1))
def test_monotone_image_contains_every_value_of_the_box(a, b, s, t):
    x, y = a.lo + s * (a.hi - a.lo), b.lo + t * (b.hi - b.lo)
    out = monotone(lambda u, v: u - v, [a, b], [1, -1])
    assert out.lo - 1e-6 <= x - y <= out.hi + 1e-6


@given(intervals(), intervals())
def test_image_of_a_sum_equals_the_monotone_image(a, b):
    m = monotone(lambda u, v: u + v, [a, b], [1, 1])
    c = image(lambda u, v: u + v, [a, b])
    assert math.isclose(m.lo, c.lo) and math.isclose(m.hi, c.hi)


def test_open_ends_that_touch_do_not_overlap():
    # "25" is [24.5, 25.5) and "26" is [25.5, 26.5]: adjacent printed values never agree.
    assert not Interval(0, 1, True, False).overlaps(Interval(1, 2, True, True))


def test_intervals_apart_by_more_than_dust_do_not_overlap():
    assert not Interval(0, 1).overlaps(Interval(1 + 1e-9, 2))


def test_closed_ends_that_touch_overlap_in_one_point():
    assert str(Interval(0, 1).intersect(Interval(1, 2))) == "1"


def test_dust_does_not_separate_equal_endpoints():
    # 0.1 + 0.2 is 0.30000000000000004: a closed end at 0.3 still meets it.
    assert Interval(0.1 + 0.2, 1).overlaps(Interval(0, 0.3))


def test_distance_is_zero_inside_and_positive_outside():
    iv = Interval(1, 2)
    assert iv.distance(1.5) == 0 and iv.distance(2.5) == 0.5 and iv.distance(0) == 1
