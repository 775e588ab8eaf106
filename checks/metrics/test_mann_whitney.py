"""metrics.mann_whitney: the U test against R, scipy and its laws.

Reference values: fixtures/reference/mann_whitney.R (R 4.2.2), whose calls are quoted below; on
random data, scipy 1.17.1 ``mannwhitneyu(x, y, use_continuity=False, method="asymptotic")`` and
``method="exact"``.
"""

import json
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from claimaudit.metrics.mann_whitney import mann_whitney_u, mann_whitney_z

REFERENCE = json.loads((Path(__file__).parents[2] / "fixtures/reference/mann_whitney.json").read_text("utf-8"))["cases"]

groups = st.tuples(st.lists(st.integers(0, 15), min_size=1, max_size=30), st.lists(st.integers(0, 15), min_size=1, max_size=30))
untied_groups = st.lists(st.integers(-10_000, 10_000), min_size=2, max_size=30, unique=True).flatmap(
    lambda v: st.integers(1, len(v) - 1).map(lambda k: (v[:k], v[k:]))
)


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_u_and_p_match_r(case):
    # with(spd1, wilcox.test(x, y, exact = FALSE, correct = FALSE)); no_ties_exact: exact = TRUE
    ref, data = REFERENCE[case]["result"], REFERENCE[case]["data"]
    result = mann_whitney_u(data["x"], data["y"], exact=case.endswith("_exact"))
    assert result.statistic == ref["W"]  # R's W is U of x
    assert result.p == pytest.approx(ref["p"], rel=1e-8)
    if "abs_z" in ref:  # -qnorm(p / 2): the |z| behind R's asymptotic P
        assert abs(mann_whitney_z(data["x"], data["y"])) == pytest.approx(ref["abs_z"], rel=1e-8)


def test_three_values_all_below_four_others_give_u_0():
    result = mann_whitney_u([1, 2, 3], [4, 5, 6, 7])
    assert result.statistic == 0.0
    assert mann_whitney_z([1, 2, 3], [4, 5, 6, 7]) < 0


@settings(max_examples=150)
@given(groups)
def test_the_asymptotic_test_agrees_with_scipy(data):
    x, y = data
    assume(len(set(x + y)) > 1)
    ours = mann_whitney_u(x, y)
    theirs = mannwhitneyu(x, y, use_continuity=False, method="asymptotic")
    assert ours.statistic == theirs.statistic
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-9)


@settings(max_examples=100)
@given(untied_groups)
def test_the_exact_test_agrees_with_scipy_without_ties(data):
    x, y = data
    assert mann_whitney_u(x, y, exact=True).p == pytest.approx(mannwhitneyu(x, y, method="exact").pvalue, rel=1e-9)


@settings(max_examples=100)
@given(groups)
def test_u_of_x_plus_u_of_y_is_the_number_of_pairs_and_p_is_symmetric(data):
    x, y = data
    assume(len(set(x + y)) > 1)
    forward, backward = mann_whitney_u(x, y), mann_whitney_u(y, x)
    assert forward.statistic + backward.statistic == len(x) * len(y)
    assert forward.p == pytest.approx(backward.p, rel=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mann_whitney_u([2, 2], [2]), "every value is tied: the Mann-Whitney test is undefined"),
        (lambda: mann_whitney_u([], [1, 2]), "x has 0 and y has 2 value(s): each group needs at least one"),
        (lambda: mann_whitney_u([1], [float("inf")]), "y holds a missing or infinite value: drop or impute it first"),
        (
            lambda: mann_whitney_u([1, 2], [2, 3], exact=True),
            "exact=True: the values have ties, so the exact Mann-Whitney distribution does not apply (use exact=False)",
        ),
    ],
    ids=["all-tied", "empty-group", "infinite", "exact-with-ties"],
)
def test_bad_inputs_are_refused_with_one_line(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message
