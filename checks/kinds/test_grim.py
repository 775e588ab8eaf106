"""grim: means and medians of n values on a grid."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from claimaudit.rounding import reround
from kit import run_kind

SOURCE = "mean 5.19 of 28 items; EDSS 4.5; median 13.75; QMG 10"


def _grim(audit_claims, role, value, n, **params):
    p = ", ".join(f'{k}: "{v}"' for k, v in params.items())
    return audit_claims(
        f"""
        - {{id: g, where: T, quote: "{SOURCE}", kind: grim, reported: {{{role}: "{value}", n: "{n}"}}, params: {{{p}}}}}
        """, SOURCE)["g"]


def test_a_mean_of_28_integers_cannot_be_5_19(audit_claims):
    # Brown & Heathers' canonical example: 5.19 × 28 = 145.32, no whole sum gives it.
    r = _grim(audit_claims, "mean", "5.19", 28)
    assert r.verdict == "inconsistent"
    assert "nearest attainable: 5.17857, 5.21429" in r.explanation


def test_a_mean_of_25_edss_scores_in_half_steps_can_be_4_5(audit_claims):
    assert _grim(audit_claims, "mean", "4.5", 25, step="0.5", min="0", max="10").verdict == "consistent"


def test_a_median_of_32_doses_in_quarter_tablets_can_be_13_75(audit_claims):
    assert _grim(audit_claims, "median", "13.75", 32, step="1.25").verdict == "consistent"


def test_a_median_of_an_odd_number_of_integers_is_an_integer(audit_claims):
    assert _grim(audit_claims, "median", "4.5", 31).verdict == "inconsistent"


def test_a_mean_outside_the_scale_is_inconsistent(audit_claims):
    assert _grim(audit_claims, "mean", "10.5", 25, step="0.5", min="0", max="10").verdict == "inconsistent"


@given(st.lists(st.integers(0, 39), min_size=1, max_size=80), st.integers(0, 3), st.sampled_from(["half_up", "half_even"]))
def test_every_mean_of_n_integers_passes_grim(values, d, policy):
    mean = reround(float(Fraction(sum(values), len(values))), d, policy)
    assert run_kind("grim", {"mean": mean, "n": str(len(values))}).verdict == "consistent"


@given(st.lists(st.integers(0, 20).map(lambda k: k / 2), min_size=1, max_size=60), st.sampled_from(["half_up", "half_even"]))
def test_every_median_of_half_steps_passes_grim(values, policy):
    xs = sorted(values)
    n = len(xs)
    median = xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2
    check = run_kind("grim", {"median": reround(median, 2, policy), "n": str(n)}, {"step": "0.5"})
    assert check.verdict == "consistent"
