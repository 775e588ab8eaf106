"""metrics.wilcoxon: the signed-rank test against R, scipy and its laws.

Reference values: fixtures/reference/wilcoxon.R (R 4.2.2), whose calls are quoted below; on
random data, scipy 1.17.1 ``wilcoxon(before, after, zero_method="wilcox", correction=False,
method="approx")`` and ``method="exact"``.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import wilcoxon

from claimaudit.metrics.wilcoxon import signed_ranks, wilcoxon_signed_rank

REFERENCE = json.loads((Path(__file__).parents[2] / "fixtures/reference/wilcoxon.json").read_text("utf-8"))["cases"]

# small integers: zero differences and tied |differences| are common
pairs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 10), min_size=n, max_size=n), st.lists(st.integers(0, 10), min_size=n, max_size=n)
    )
)
untied_pairs = st.integers(1, 25).flatmap(  # (distinct |differences|, which of them are falls)
    lambda n: st.tuples(
        st.lists(st.integers(1, 1000), min_size=n, max_size=n, unique=True), st.lists(st.booleans(), min_size=n, max_size=n)
    )
)


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_p_and_signed_rank_sum_match_r(case):
    # with(edss, wilcox.test(before, after, paired = TRUE, exact = FALSE, correct = FALSE)); qmg_exact: exact = TRUE
    ref, data = REFERENCE[case]["result"], REFERENCE[case]["data"]
    result = wilcoxon_signed_rank(data["before"], data["after"], exact=case.endswith("_exact"))
    assert result.p == pytest.approx(ref["p"], rel=1e-8)
    assert signed_ranks(data["before"], data["after"])[1] == ref["V"]  # R's V: positive ranks of before - after
    if "abs_z" in ref:  # -qnorm(p / 2): the |z| behind R's asymptotic P
        assert abs(result.statistic) == pytest.approx(ref["abs_z"], rel=1e-8)


def test_z_is_negative_when_values_fall_as_spss_prints_it():
    edss = REFERENCE["edss"]["data"]
    result = wilcoxon_signed_rank(edss["before"], edss["after"])
    assert result.statistic < 0
    assert f"{result.statistic:.3f}" == "-3.719"


@settings(max_examples=150)
@given(pairs)
def test_the_asymptotic_test_agrees_with_scipy(data):
    before, after = data
    assume(any(b != a for b, a in zip(before, after, strict=True)))
    ours = wilcoxon_signed_rank(before, after)
    theirs = wilcoxon(before, after, zero_method="wilcox", correction=False, method="approx")
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-300)
    assert abs(ours.statistic) == pytest.approx(abs(theirs.zstatistic), rel=1e-9, abs=1e-12)


@settings(max_examples=100)
@given(untied_pairs)
def test_the_exact_test_agrees_with_scipy_without_ties(data):
    sizes, falls = data
    before = np.array(sizes, dtype=float) + 100
    after = np.where(falls, before - sizes, before + sizes)  # |differences| = sizes, all distinct
    ours = wilcoxon_signed_rank(before, after, exact=True)
    theirs = wilcoxon(before, after, zero_method="wilcox", method="exact")
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-9)


@settings(max_examples=100)
@given(pairs)
def test_swapping_before_and_after_flips_z_and_keeps_p(data):
    before, after = data
    assume(any(b != a for b, a in zip(before, after, strict=True)))
    forward, backward = wilcoxon_signed_rank(before, after), wilcoxon_signed_rank(after, before)
    assert backward.statistic == -forward.statistic
    assert backward.p == forward.p


@settings(max_examples=100)
@given(pairs)
def test_the_positive_and_negative_rank_sums_add_up_to_n_n_plus_1_over_2(data):
    w_plus, w_minus, n, _ = signed_ranks(*data)
    assert w_plus + w_minus == n * (n + 1) / 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: wilcoxon_signed_rank([1, 2], [1, 2]),
            "every difference after - before is zero: the signed-rank test is undefined",
        ),
        (lambda: wilcoxon_signed_rank([1, 2, 3], [1, 2]), "before has 3 value(s) but after has 2: the test needs pairs"),
        (
            lambda: wilcoxon_signed_rank([1, float("nan")], [1, 2]),
            "before holds a missing or infinite value: drop or impute it first",
        ),
        (
            lambda: wilcoxon_signed_rank([1, 2, 5], [2, 3, 4], exact=True),
            "exact=True: the |differences| have ties, so the exact signed-rank distribution does not apply (use exact=False)",
        ),
    ],
    ids=["all-zero", "unpaired", "missing", "exact-with-ties"],
)
def test_bad_inputs_are_refused_with_one_line(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message
