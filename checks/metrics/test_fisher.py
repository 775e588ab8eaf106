"""metrics.fisher: exact Fisher P values and chi-square of two arms, against scipy and their laws.

Reference values are scipy 1.17.1 (the same numbers as R 4.x ``fisher.test`` and ``chisq.test``)
for Chen et al. 2017, Table 5; each test quotes the call that printed them. Tables of more than
``EXACT_MAX_N`` patients take the log-space path: against scipy.stats.fisher_exact on seeded random
tables of up to a million patients, and against the exact rational sum at the switch point.
"""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, fisher_exact, hypergeom

from claimaudit.metrics.fisher import (
    EXACT_MAX_N,
    RELATIVE_TIE,
    _log_space_p,
    chi_square_p,
    fisher_doubled_one_sided_p,
    fisher_exact_p,
    fisher_mid_p,
    fisher_one_sided_p,
    table_probability,
)
from strategies import two_by_two

# (k_1, n_1, k_2, n_2): tacrolimus 25 patients vs azathioprine 29, Chen et al. 2017, Table 5.
TABLE5 = {
    "relapse-free": (18, 25, 14, 29),
    "improved-edss": (24, 25, 18, 29),
    "total-adverse-events": (4, 25, 9, 29),
    "severe-adverse-events": (1, 25, 7, 29),
}

# R's relative tolerance for "as likely as the observed table" (fisher.test: relErr <- 1 + 10^(-7)),
# needed only where a test recomputes with scipy's floats.
TIE = 1e-7


# scipy.stats.hypergeom is nan when there are no patients at all; claimaudit's P is 1 there.
nonempty_tables = two_by_two(min_n=0).filter(lambda t: t[1] + t[3] > 0)


def scipy_table(k_1: int, n_1: int, k_2: int, n_2: int) -> list[list[int]]:
    return [[k_1, n_1 - k_1], [k_2, n_2 - k_2]]


def hypergeometric_pmf(k_1: int, n_1: int, k_2: int, n_2: int) -> dict[int, float]:
    """scipy.stats.hypergeom's pmf of K_1 over its support, for the table's margins."""
    m = k_1 + k_2
    support = range(max(0, m - n_2), min(n_1, m) + 1)
    return dict(zip(support, hypergeom.pmf(list(support), n_1 + n_2, n_1, m).tolist(), strict=True))


@pytest.mark.parametrize(
    ("table", "scipy_p"),
    [
        # fisher_exact([[18, 7], [14, 15]]).pvalue; printed 0.100 (and "P = 0.1" in the text)
        (TABLE5["relapse-free"], 0.09979327910083963),
        # fisher_exact([[24, 1], [18, 11]]).pvalue; printed 0.003
        (TABLE5["improved-edss"], 0.0030649328611733364),
        # fisher_exact([[4, 21], [9, 20]]).pvalue; printed 0.223
        (TABLE5["total-adverse-events"], 0.22283078178570076),
        # fisher_exact([[1, 24], [7, 22]]).pvalue; printed 0.056
        (TABLE5["severe-adverse-events"], 0.05606481304877885),
    ],
    ids=list(TABLE5),
)
def test_table5_two_sided_p_matches_scipy(table, scipy_p):
    assert float(fisher_exact_p(*table)) == pytest.approx(scipy_p, rel=1e-9)


@pytest.mark.parametrize(
    ("table", "less", "greater"),
    [
        # fisher_exact([[18, 7], [14, 15]], alternative="less" / "greater").pvalue
        (TABLE5["relapse-free"], 0.9804451884780546, 0.06732151793248656),
        # fisher_exact([[1, 24], [7, 22]], alternative="less" / "greater").pvalue
        (TABLE5["severe-adverse-events"], 0.041627168731804234, 0.995874785080632),
    ],
    ids=["relapse-free", "severe-adverse-events"],
)
def test_table5_one_sided_ps_match_scipy(table, less, greater):
    assert float(fisher_one_sided_p(*table, "less")) == pytest.approx(less, rel=1e-9)
    assert float(fisher_one_sided_p(*table, "greater")) == pytest.approx(greater, rel=1e-9)


@pytest.mark.parametrize(
    ("table", "plain", "yates"),
    [
        # chi2_contingency([[18, 7], [14, 15]], correction=False / True).pvalue
        (TABLE5["relapse-free"], 0.07686521842352552, 0.1358426225690041),
        # chi2_contingency([[4, 21], [9, 20]], correction=False / True).pvalue
        (TABLE5["total-adverse-events"], 0.19756541791836002, 0.3323733623879309),
    ],
    ids=["relapse-free", "total-adverse-events"],
)
def test_table5_chi_square_ps_match_scipy(table, plain, yates):
    assert chi_square_p(*table) == pytest.approx(plain, rel=1e-9)
    assert chi_square_p(*table, yates=True) == pytest.approx(yates, rel=1e-9)


def test_a_table_with_an_empty_outcome_column_has_no_chi_square():
    assert chi_square_p(0, 25, 0, 29) is None


def test_a_table_with_an_empty_outcome_column_has_fisher_p_one():
    assert fisher_exact_p(0, 25, 0, 29) == 1


def test_fisher_p_is_an_exact_fraction():
    # 1 event of 2 vs 0 of 2: the four tables with m = 1 have probability 1/2, 1/2 (K_1 = 0, 1).
    assert fisher_exact_p(1, 2, 0, 2) == Fraction(1)
    assert table_probability(1, 2, 0, 2) == Fraction(1, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((26, 25, 14, 29), "k_1=26 must be a count in 0..25 (n=25)"),
        ((18, 25, -1, 29), "k_2=-1 must be a count in 0..29 (n=29)"),
    ],
    ids=["count-above-n", "negative-count"],
)
def test_a_count_outside_its_arm_is_refused(args, message):
    with pytest.raises(ValueError) as info:
        fisher_exact_p(*args)
    assert str(info.value) == message


def test_an_unknown_alternative_is_refused():
    with pytest.raises(ValueError, match=r"^alternative='two-sided' must be 'less' or 'greater'$"):
        fisher_one_sided_p(18, 25, 14, 29, "two-sided")


@settings(max_examples=200)
@given(two_by_two(min_n=0))
def test_fisher_p_equals_scipy_fisher_exact(table):
    assert float(fisher_exact_p(*table)) == pytest.approx(fisher_exact(scipy_table(*table)).pvalue, rel=1e-9)


@settings(max_examples=200)
@given(two_by_two(min_n=0))
def test_fisher_p_is_symmetric_under_swapping_rows(table):
    k_1, n_1, k_2, n_2 = table
    assert fisher_exact_p(k_2, n_2, k_1, n_1) == fisher_exact_p(*table)


@settings(max_examples=200)
@given(two_by_two(min_n=0))
def test_fisher_p_is_symmetric_under_swapping_columns(table):
    k_1, n_1, k_2, n_2 = table
    assert fisher_exact_p(n_1 - k_1, n_1, n_2 - k_2, n_2) == fisher_exact_p(*table)


@settings(max_examples=200)
@given(nonempty_tables)
def test_fisher_p_is_the_hypergeometric_mass_of_tables_no_likelier_than_observed(table):
    pmf = hypergeometric_pmf(*table)
    observed = pmf[table[0]]
    expected = sum(p for p in pmf.values() if p <= observed * (1 + TIE))
    assert float(fisher_exact_p(*table)) == pytest.approx(expected, rel=1e-9)


@settings(max_examples=200)
@given(two_by_two(min_n=0))
def test_fisher_p_lies_in_zero_to_one(table):
    assert 0 < fisher_exact_p(*table) <= 1


@settings(max_examples=200)
@given(two_by_two(min_n=0))
def test_mid_p_is_below_two_sided_p(table):
    assert fisher_mid_p(*table) < fisher_exact_p(*table)


@settings(max_examples=200)
@given(nonempty_tables)
def test_mid_p_takes_half_of_the_tables_as_likely_as_observed(table):
    pmf = hypergeometric_pmf(*table)
    observed = pmf[table[0]]
    below = sum(p for p in pmf.values() if p < observed / (1 + TIE))
    tied = sum(p for p in pmf.values() if observed / (1 + TIE) <= p <= observed * (1 + TIE))
    assert float(fisher_mid_p(*table)) == pytest.approx(below + tied / 2, rel=1e-9)


@settings(max_examples=200)
@given(two_by_two(min_n=0), st.sampled_from(["less", "greater"]))
def test_one_sided_p_equals_scipy_fisher_exact(table, alternative):
    scipy_p = fisher_exact(scipy_table(*table), alternative=alternative).pvalue
    assert float(fisher_one_sided_p(*table, alternative)) == pytest.approx(scipy_p, rel=1e-9)


@settings(max_examples=200)
@given(two_by_two(min_n=0))
def test_the_two_one_sided_ps_share_only_the_observed_table(table):
    less, greater = fisher_one_sided_p(*table, "less"), fisher_one_sided_p(*table, "greater")
    assert less + greater == 1 + table_probability(*table)


@settings(max_examples=200)
@given(two_by_two(min_n=0))
def test_doubled_one_sided_p_is_twice_the_smaller_tail_capped_at_one(table):
    tails = fisher_one_sided_p(*table, "less"), fisher_one_sided_p(*table, "greater")
    assert fisher_doubled_one_sided_p(*table) == min(1, 2 * min(tails))


@settings(max_examples=200)
@given(two_by_two(min_n=0), st.booleans())
def test_chi_square_p_equals_scipy_chi2_contingency(table, yates):
    k_1, n_1, k_2, n_2 = table
    if 0 in (n_1, n_2, k_1 + k_2, n_1 + n_2 - k_1 - k_2):
        assert chi_square_p(*table, yates=yates) is None
    else:
        scipy_p = chi2_contingency(scipy_table(*table), correction=yates).pvalue
        assert chi_square_p(*table, yates=yates) == pytest.approx(scipy_p, rel=1e-9)


# ---- large tables: log space above EXACT_MAX_N patients ----------------------------------------

def exact_p_with_rs_tolerance(k_1: int, n_1: int, k_2: int, n_2: int) -> Fraction:
    """The definition the log-space path follows, in exact integers: Σ weights w with w <= observed · (1 + 1e-7)."""
    m = k_1 + k_2
    weights = [math.comb(n_1, x) * math.comb(n_2, m - x) for x in range(max(0, m - n_2), min(n_1, m) + 1)]
    observed = math.comb(n_1, k_1) * math.comb(n_2, k_2)
    tie = Fraction(RELATIVE_TIE).limit_denominator(10**8)  # 1/10^7
    return Fraction(sum(w for w in weights if w <= observed * (1 + tie)), math.comb(n_1 + n_2, m))


@st.composite
def tables_of(draw, total: int):
    """(k_1, n_1, k_2, n_2) with n_1 + n_2 = total: k_2 anywhere, or near independence (a P that is not tiny)."""
    n_1 = draw(st.integers(0, total))
    n_2 = total - n_1
    k_1 = draw(st.integers(0, n_1))
    expected = round(k_1 * n_2 / n_1) if n_1 else 0
    near = st.integers(max(0, expected - 40), min(n_2, expected + 40))
    return k_1, n_1, draw(near | st.integers(0, n_2)), n_2


def random_large_tables(count: int, seed: int = 20240601) -> list[tuple[int, int, int, int]]:
    """Seeded tables of 1,001 to 1,000,000 patients: half near independence (P anywhere in 0..1), half anywhere; some with n_1 = n_2."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(count):
        total = int(np.exp(rng.uniform(np.log(EXACT_MAX_N + 1), np.log(1_000_000))))
        n_1 = total // 2 if i % 5 == 0 else int(rng.integers(1, total))
        n_2 = total - n_1
        p_1 = rng.uniform(0, 1)
        p_2 = min(1.0, max(0.0, p_1 + rng.normal(0, 2 / math.sqrt(min(n_1, n_2))))) if i % 2 else rng.uniform(0, 1)
        out.append((int(rng.binomial(n_1, p_1)), n_1, int(rng.binomial(n_2, p_2)), n_2))
    return out


def test_the_exact_fraction_stops_at_the_switch_point():
    assert isinstance(fisher_exact_p(250, 500, 240, EXACT_MAX_N - 500), Fraction)
    assert isinstance(fisher_exact_p(250, 500, 240, EXACT_MAX_N - 499), float)


@pytest.mark.parametrize("table", random_large_tables(200), ids=lambda t: f"{t[0]}/{t[1]}-vs-{t[2]}/{t[3]}")
def test_above_the_switch_fisher_p_equals_scipy_fisher_exact(table):
    # scipy's own tolerance is 1 + 1e-14 (ours, R's, 1 + 1e-7): on these tables no other table lies between the two
    assert fisher_exact_p(*table) == pytest.approx(fisher_exact(scipy_table(*table)).pvalue, rel=1e-7, abs=1e-300)


def test_a_million_patients_take_milliseconds_not_days():
    import time

    start = time.perf_counter()
    p = fisher_exact_p(230_000, 500_000, 231_000, 500_000)
    assert time.perf_counter() - start < 1.0  # about 0.01 s; the exact path would need 460,000 binomials of 10^5 digits
    assert p == pytest.approx(fisher_exact(scipy_table(230_000, 500_000, 231_000, 500_000)).pvalue, rel=1e-7)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([EXACT_MAX_N, EXACT_MAX_N + 1]).flatmap(tables_of))
def test_at_the_switch_point_log_space_equals_the_exact_sum(table):
    exact = exact_p_with_rs_tolerance(*table)
    assert _log_space_p(*table) == pytest.approx(float(exact), rel=1e-9, abs=1e-300)
    if sum(table[1::2]) <= EXACT_MAX_N:  # the exact path: the same P without the tolerance, bar a table within 1e-7
        assert float(fisher_exact_p(*table)) == pytest.approx(float(exact), rel=1e-9, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(st.integers(EXACT_MAX_N + 1, 200_000).flatmap(tables_of))
def test_log_space_p_is_symmetric_under_swapping_rows_and_columns(table):
    k_1, n_1, k_2, n_2 = table
    p = fisher_exact_p(*table)
    assert 0 <= p <= 1
    assert fisher_exact_p(k_2, n_2, k_1, n_1) == pytest.approx(p, rel=1e-9, abs=1e-300)
    assert fisher_exact_p(n_1 - k_1, n_1, n_2 - k_2, n_2) == pytest.approx(p, rel=1e-9, abs=1e-300)


def test_a_count_outside_its_arm_is_refused_above_the_switch_too():
    with pytest.raises(ValueError) as info:
        fisher_exact_p(600_001, 600_000, 3, 400_000)
    assert str(info.value) == "k_1=600001 must be a count in 0..600000 (n=600000)"
