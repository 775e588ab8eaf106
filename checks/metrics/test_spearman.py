"""metrics.spearman: rank correlation and its t-approximation P against R, scipy and its laws.

Reference values: fixtures/reference/spearman.R (R 4.2.2), whose calls are quoted below; on
random data, scipy 1.17.1 ``spearmanr(x, y)``.
"""

import json
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from claimaudit.metrics.spearman import spearman

REFERENCE = json.loads((Path(__file__).parents[2] / "fixtures/reference/spearman.json").read_text("utf-8"))["cases"]

paired = st.integers(3, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 12), min_size=n, max_size=n), st.lists(st.integers(0, 12), min_size=n, max_size=n)
    )
)


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_rho_and_p_match_r(case):
    # with(corr, cor.test(x, y, method = "spearman", exact = FALSE))
    ref, data = REFERENCE[case]["result"], REFERENCE[case]["data"]
    result = spearman(data["x"], data["y"])
    assert result.statistic == pytest.approx(ref["rho"], rel=1e-8)
    assert result.p == pytest.approx(ref["p"], rel=1e-8)


@settings(max_examples=150)
@given(paired)
def test_rho_and_p_agree_with_scipy(data):
    x, y = data
    assume(len(set(x)) > 1 and len(set(y)) > 1)
    ours, theirs = spearman(x, y), spearmanr(x, y)
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-9, abs=1e-12)
    assume(abs(ours.statistic) < 1 - 1e-9)  # at |rho| = 1 scipy's P is a rounding of 0
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-9)


@settings(max_examples=100)
@given(paired)
def test_rho_is_symmetric_and_changes_sign_with_the_order_of_y(data):
    x, y = data
    assume(len(set(x)) > 1 and len(set(y)) > 1)
    assert spearman(x, y) == spearman(y, x)
    assert spearman(x, [-v for v in y]).statistic == pytest.approx(-spearman(x, y).statistic, abs=1e-15)


def test_a_monotone_relation_has_rho_1_and_p_0():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]).statistic == 1.0
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]).p == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: spearman([1, 2], [2, 1]), "n=2 pairs: the t approximation needs at least 3"),
        (lambda: spearman([1, 1, 1], [1, 2, 3]), "x or y is constant: Spearman's rho is undefined"),
        (lambda: spearman([1, 2, 3], [1, 2]), "x has 3 value(s) but y has 2: the correlation needs pairs"),
    ],
    ids=["too-few", "constant", "unpaired"],
)
def test_bad_inputs_are_refused_with_one_line(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message
