"""metrics.wald: Φ via math.erfc against scipy.stats.norm, and the Wald triad's laws.

Reference values are scipy 1.17.1 (``norm.cdf``, ``norm.sf``, ``norm.ppf``: the same numbers as
R 4.x ``pnorm``, ``pnorm(lower.tail = FALSE)``, ``qnorm``).
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from claimaudit.metrics.wald import Z_975, normal_cdf, one_sided_p, two_sided_p, wald_triad

statistics = st.floats(-38, 38, allow_nan=False)


def _tail(x):
    """Relative agreement to expect: rounding x by one ulp moves Φ(x) in the tail by about x²·2⁻⁵³."""
    return 1e-15 * max(10.0, 2 * x * x)


def test_the_exact_quantile_is_scipys_97_5_percent_point():
    assert Z_975 == pytest.approx(norm.ppf(0.975), rel=1e-15)  # qnorm(0.975) = 1.959963984540054
    assert f"{Z_975:.6f}" == "1.959964"


@settings(max_examples=200)
@given(statistics)
def test_phi_via_erfc_matches_scipy_norm_cdf(x):
    assert normal_cdf(x) == pytest.approx(norm.cdf(x), rel=_tail(x), abs=1e-300)


@settings(max_examples=200)
@given(statistics)
def test_the_two_sided_p_is_twice_scipys_upper_tail(w):
    # 2 * norm.sf(abs(w)): accurate in the far tail, where 2 * (1 - norm.cdf(w)) would be 0.
    assert two_sided_p(w) == pytest.approx(2 * norm.sf(abs(w)), rel=_tail(w), abs=1e-300)


@settings(max_examples=200)
@given(statistics)
def test_the_one_sided_p_is_half_the_two_sided_p(w):
    assert one_sided_p(w) == two_sided_p(w) / 2


def test_a_statistic_of_1_959964_has_p_0_05():
    assert f"{two_sided_p(Z_975):.9f}" == "0.050000000"
    assert two_sided_p(math.inf) == 0.0 and two_sided_p(0.0) == 1.0


def test_a_log_hr_of_1_73425_with_se_0_8787_prints_as_the_aqp4_titer_triad():
    # Chen 2017, Table 4: 5.665 (1.012–31.705), P = 0.048 (SPSS 20).
    hr, lo, hi, p = wald_triad(1.73425, 0.8787)
    assert (f"{hr:.3f}", f"{lo:.3f}", f"{hi:.3f}", f"{p:.3f}") == ("5.665", "1.012", "31.705", "0.048")


def test_the_printed_hr_is_not_exactly_the_centre_of_the_printed_ci():
    # β = log 5.665 with SE from the printed CI moves the upper end: the printed numbers are rounded.
    se = (math.log(31.705) - math.log(1.012)) / (2 * Z_975)
    assert f"{wald_triad(math.log(5.665), se)[2]:.3f}" == "31.708"


@settings(max_examples=200)
@given(st.floats(-5, 5), st.floats(1e-3, 3))
def test_a_wald_ci_is_centred_on_the_hr_on_the_log_scale(beta, se):
    hr, lo, hi, _ = wald_triad(beta, se)
    assert math.log(hr) == pytest.approx((math.log(lo) + math.log(hi)) / 2, abs=1e-12)


def test_a_standard_error_must_be_positive():
    with pytest.raises(ValueError, match=r"^se=0\.0 must be > 0$"):
        wald_triad(0.1, 0.0)
