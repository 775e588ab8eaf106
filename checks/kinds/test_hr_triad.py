"""hr_triad: Chen 2017 Table 4 (SPSS 20 Cox models), its mutants, and the laws of the vertex method."""

import math
from statistics import NormalDist

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claimaudit import ClaimFileError, audit, load_claims
from claimaudit.intervals import DUST, Interval
from claimaudit.kinds import RoleError
from claimaudit.kinds.hr_triad import attainable_p, p_interval, polygon, statistic_range
from claimaudit.metrics.wald import Z_196, Z_975, two_sided_p, wald_triad
from claimaudit.printed import parse_printed
from claimaudit.rounding import POLICIES, reround
from kit import run_kind

# Chen 2017, Table 4: HR (95% CI) and P, univariate then adjusted, as SPSS 20 printed them.
TABLE_4 = {
    "age": ("Age at onset", "0.987", "0.936", "1.041", "0.632"),
    "age-adjusted": ("Age at onset", "1.011", "0.946", "1.081", "0.739"),
    "pre-edss": ("Pre-EDSS", "0.994", "0.615", "1.607", "0.980"),
    "pre-edss-adjusted": ("Pre-EDSS", "1.109", "0.674", "1.825", "0.683"),
    "aqp4-titer": ("AQP4-IgG titer", "5.665", "1.012", "31.705", "0.048"),
    "aqp4-titer-adjusted": ("AQP4-IgG titer", "5.671", "0.922", "34.876", "0.061"),
    "attacks": ("Number of attacks", "1.310", "0.989", "1.736", "0.060"),
    "attacks-adjusted": ("Number of attacks", "1.360", "0.974", "1.899", "0.071"),
}
SOURCE = "\n".join(f"{row} {hr} ({lo}–{hi}) {p}" for row, hr, lo, hi, p in TABLE_4.values())


def _triad(write_claim_file, hr, lo, hi, p, quote="AQP4-IgG titer"):
    path = write_claim_file(
        f"""
        - {{id: c, where: Table 4, quote: "{quote}", kind: hr_triad,
            reported: {{hr: "{hr}", ci_low: "{lo}", ci_high: "{hi}", p: "{p}"}}}}
        """, SOURCE)
    return audit(load_claims(path))[0]


@pytest.mark.parametrize("row", TABLE_4.values(), ids=TABLE_4.keys())
def test_every_table_4_triad_is_consistent(write_claim_file, row):
    r = _triad(write_claim_file, *row[1:], quote=row[0])
    assert r.verdict == "consistent"
    # Every row is reproduced by SPSS's exact quantile; none needs z = 1.96 (it works too).
    assert "z = 1.959964 (exact normal quantile; SPSS, R)" in r.conventions
    assert "z = 1.96 (rounded quantile)" in r.conventions


@pytest.mark.parametrize(("row", "naive"), [("age", "0.629"), ("age-adjusted", "0.748")])
def test_a_point_recomputation_misses_the_printed_p_that_the_intervals_reach(write_claim_file, row, naive):
    _, hr, lo, hi, p = TABLE_4[row]
    point = {role: parse_printed(text).value for role, text in (("hr", hr), ("lo", lo), ("hi", hi))}
    se = (math.log(point["hi"]) - math.log(point["lo"])) / (2 * Z_975)
    assert f"{two_sided_p(math.log(point['hr']) / se):.3f}" == naive != p
    assert _triad(write_claim_file, hr, lo, hi, p).verdict == "consistent"


def test_the_recomputed_p_interval_is_shown_for_both_conventions(write_claim_file):
    r = _triad(write_claim_file, "0.987", "0.936", "1.041", "0.632")
    assert r.recomputed == {"p": "[0.61921, 0.64332]", "p (z = 1.96)": "[0.6192, 0.64331]"}


@pytest.mark.parametrize(("ci_low", "ci_high", "named", "not_named"), [
    ("1.02022", "7.24261", "z = 1.959964 (exact normal quantile; SPSS, R)", "z = 1.96 (rounded quantile)"),
    ("1.02020", "7.24274", "z = 1.96 (rounded quantile)", "z = 1.959964 (exact normal quantile; SPSS, R)"),
], ids=["exact-quantile", "rounded-quantile"])
def test_a_precise_print_names_the_one_quantile_that_reproduces_it(ci_low, ci_high, named, not_named):
    # β = 1, SE = 0.5 printed to 5 and 6 decimals: exp(1 ± z·0.5) tells z = 1.959964 from z = 1.96.
    check = run_kind("hr_triad", {"hr": "2.71828", "ci_low": ci_low, "ci_high": ci_high, "p": "0.045500"})
    assert check.verdict == "consistent"
    assert named in check.conventions and not_named not in check.conventions


def test_aqp4_p_0_048_mutated_to_0_030_is_inconsistent(write_claim_file):
    r = _triad(write_claim_file, "5.665", "1.012", "31.705", "0.030")
    assert r.verdict == "inconsistent"
    assert r.recomputed == {"p": "[0.048382, 0.048432]", "p (z = 1.96)": "[0.048378, 0.048428]"}
    assert round(r.off_by, 2) == 36.76  # 0.048378 − 0.030 = 0.018378: 36.76 half-units of 0.001
    assert r.explanation.endswith(
        "but printed 0.030 stands for [0.0295, 0.0305]; not reproducible by any Wald variant (a one-sided P, "
        "the unrounded print, β from the HR alone or from the CI alone): perhaps a likelihood-ratio or "
        "score-test P, which the print cannot reproduce"
    )


def test_aqp4_hr_5_665_mutated_to_3_0_breaks_log_symmetry(write_claim_file):
    r = _triad(write_claim_file, "3.0", "1.012", "31.705", "0.048")
    assert r.verdict == "inconsistent"
    assert r.recomputed == {"hr": "[5.663, 5.6658)"}
    assert r.explanation.startswith(
        "log symmetry fails: a Wald CI is centred on β, so HR = √(low·high); the CI 1.012–31.705 gives "
        "√(low·high) ∈ [5.663, 5.6658), which cannot be printed as HR 3.0 ([2.95, 3.05]): the HR is not the "
        "geometric mean of the CI ends within rounding"
    )
    assert round(r.off_by, 1) == 53.3  # 5.663 − 3.0 in half-units of 0.1
    # The CI and P still agree with each other: the HR is the odd one out.
    assert r.checks[0].variants == ("β = the midpoint of the log CI, ignoring the printed HR, z = 1.959964 or z = 1.96",)


def test_a_ci_excluding_1_with_p_not_below_0_05_is_called_out(write_claim_file):
    r = _triad(write_claim_file, "5.665", "1.012", "31.705", "0.061")
    assert r.verdict == "inconsistent"
    assert ("the CI 1.012–31.705 excludes 1, yet P = 0.061 is not below 0.05 "
            "(a 95% Wald CI excludes 1 exactly when its P < 0.05)") in r.explanation


def test_a_ci_including_1_with_p_below_0_05_is_called_out(write_claim_file):
    r = _triad(write_claim_file, "1.310", "0.989", "1.736", "0.040", quote="Number of attacks")
    assert r.verdict == "inconsistent"
    assert ("the CI 0.989–1.736 includes 1, yet P = 0.040 is below 0.05 "
            "(a 95% Wald CI includes 1 exactly when its P ≥ 0.05)") in r.explanation


def test_half_the_two_sided_p_is_named_as_a_one_sided_p():
    check = run_kind("hr_triad", {"hr": "5.665", "ci_low": "1.012", "ci_high": "31.705", "p": "0.024"})
    assert check.verdict == "inconsistent"
    assert check.variants == ("a one-sided Wald P (half the two-sided), z = 1.959964 or z = 1.96",)


def test_an_asymmetric_ci_names_the_readings_that_reproduce_p():
    # 2.00 (1.20–4.00): √(1.2·4) = 2.19, so no Wald CI; a profile-likelihood CI can be this skewed.
    check = run_kind("hr_triad", {"hr": "2.00", "ci_low": "1.20", "ci_high": "4.00", "p": "0.024"})
    assert check.verdict == "inconsistent" and check.why.startswith("log symmetry fails")
    assert check.variants == (
        "the HR and CI exactly as printed, unrounded (P = 0.0240), z = 1.959964 or z = 1.96",
        "β = log HR and SE = (log high − log low)/(2z), the HR not the CI's geometric mean, z = 1.959964 or z = 1.96",
    )


def test_an_hr_interval_holding_1_lets_p_reach_1():
    check = run_kind("hr_triad", {"hr": "1.00", "ci_low": "0.50", "ci_high": "2.00", "p": "1.00"})
    assert check.verdict == "consistent" and check.recomputed["p"].endswith(", 1]")


def test_a_ci_printed_with_equal_ends_cannot_pin_p():
    # 1.00 (1.00–1.00): SE may be any tiny value and β any value near 0, so P may be anything.
    check = run_kind("hr_triad", {"hr": "1.00", "ci_low": "1.00", "ci_high": "1.00", "p": "0.50"})
    assert check.verdict == "consistent" and check.recomputed["p"] == "[0, 1]"


BAD_TRIADS = {
    "hr-below-its-ci": ({"hr": "0.900", "ci_low": "0.936", "ci_high": "1.041", "p": "0.632"},
                        "reported.hr", "hr = 0.900 lies outside its CI 0.936–1.041 (a CI contains its HR)"),
    "hr-above-its-ci": ({"hr": "1.050", "ci_low": "0.936", "ci_high": "1.041", "p": "0.632"},
                        "reported.hr", "hr = 1.050 lies outside its CI 0.936–1.041 (a CI contains its HR)"),
    "ci-reversed": ({"hr": "0.987", "ci_low": "1.041", "ci_high": "0.936", "p": "0.632"},
                    "reported.ci_low", "ci_low = 1.041 exceeds ci_high = 0.936"),
    "ci-low-zero": ({"hr": "0.987", "ci_low": "0.000", "ci_high": "1.041", "p": "0.632"},
                    "reported.ci_low", "ci_low = 0.000 is not > 0 (a hazard ratio and its CI ends are positive)"),
    "hr-a-bound": ({"hr": "<1", "ci_low": "0.936", "ci_high": "1.041", "p": "0.632"},
                   "reported.hr", "hr = <1 is a bound; an HR and its CI ends are printed numbers"),
    "p-above-1": ({"hr": "0.987", "ci_low": "0.936", "ci_high": "1.041", "p": "1.632"},
                  "reported.p", "'1.632' is not a probability (outside [0, 1])"),
}


@pytest.mark.parametrize(("reported", "field", "problem"), BAD_TRIADS.values(), ids=BAD_TRIADS.keys())
def test_a_triad_that_cannot_be_right_is_a_bad_claim_file(write_claim_file, reported, field, problem):
    values = ", ".join(f'{k}: "{v}"' for k, v in reported.items())
    path = write_claim_file(f"- {{id: c, where: T4, quote: Age at onset, kind: hr_triad, reported: {{{values}}}}}", SOURCE)
    with pytest.raises(ClaimFileError) as e:
        load_claims(path)
    assert str(e.value) == f"{path}:5: claim 'c', field '{field}': {problem}"


# Laws. A Wald triad: any log HR (often near 0, so CIs straddle 1) and SE, printed to 3 decimals.
log_hrs = st.one_of(st.floats(-3, 3), st.floats(-0.02, 0.02))
ses = st.floats(1e-4, 1.5)
quantiles = st.sampled_from([Z_975, Z_196])


def _printed(beta, se, z, policy):
    return tuple(reround(x, 3, policy) for x in wald_triad(beta, se, z))


@settings(max_examples=200)
@given(log_hrs, ses, quantiles, st.sampled_from(POLICIES))
def test_a_rounded_wald_triad_is_judged_consistent(beta, se, z, policy):
    hr, lo, hi, p = _printed(beta, se, z, policy)
    assume(parse_printed(lo).number > 0)
    check = run_kind("hr_triad", {"hr": hr, "ci_low": lo, "ci_high": hi, "p": p}, rounding=(policy,))
    assert check.verdict == "consistent", check.why


@settings(max_examples=200)
@given(log_hrs, ses, quantiles, st.sampled_from(POLICIES))
def test_the_attainable_p_contains_the_p_of_the_unrounded_triad(beta, se, z, policy):
    hr, lo, hi, _ = _printed(beta, se, z, policy)
    assume(parse_printed(lo).number > 0)
    attainable = attainable_p(*(parse_printed(x, (policy,)).interval for x in (hr, lo, hi)), z)
    assert attainable is not None and attainable.contains(two_sided_p(beta / se))


@st.composite
def boxes(draw):
    """A box of (log CI low, log CI high) and a strip of a + b = 2·log HR that meets it."""
    real = {"allow_subnormal": False}
    a0, b0 = draw(st.floats(-3, 1, **real)), draw(st.floats(-1, 3, **real))
    a1, b1 = a0 + draw(st.floats(0, 1, **real)), b0 + draw(st.floats(0, 1, **real))
    centre = draw(st.floats(a0 + b0, a1 + b1, **real))
    half = draw(st.floats(0, 1, **real))
    return (a0, a1), (b0, b1), (centre - half, centre + half)


@settings(max_examples=200)
@given(boxes())
def test_the_vertex_method_agrees_with_a_grid_search(box):
    # Compared as P, not as |β|/SE: near b = a the statistic is huge and float-noisy, its P is 0.
    a, b, s = box
    vertices = polygon(a, b, s)
    assume(vertices)
    attainable = p_interval(statistic_range(vertices), Z_975)
    steps = 40
    for i in range(steps + 1):
        for j in range(steps + 1):
            # min(): a float grid step must not carry a point past the box's far edge.
            x, y = min(a[1], a[0] + (a[1] - a[0]) * i / steps), min(b[1], b[0] + (b[1] - b[0]) * j / steps)
            if s[0] <= x + y <= s[1] and y > x:
                assert attainable.contains(two_sided_p(Z_975 * ((x + y) / (y - x)))), (x, y)


@settings(max_examples=200)
@given(boxes())
def test_every_vertex_lies_in_the_box_the_strip_and_above_the_diagonal(box):
    a, b, s = box
    dust = 2 * DUST * max(1.0, *map(abs, a + b + s))  # polygon() moves each cut out by one dust

    def near(lo, hi):
        return Interval(lo - dust, hi + dust)

    for x, y in polygon(a, b, s):
        assert near(*a).contains(x) and near(*b).contains(y)
        assert near(*s).contains(x + y) and near(0, math.inf).contains(y - x)


def test_the_printed_confidence_level_fixes_z():
    # Chen 2017's titer triad is a 95% CI: read as a 90% CI (z = 1.644854) its P would be about 0.098.
    reported = {"hr": "5.665", "ci_low": "1.012", "ci_high": "31.705", "p": "0.048"}
    assert run_kind("hr_triad", {**reported, "level": "95%"}).verdict == "consistent"
    at_90 = run_kind("hr_triad", {**reported, "level": "90%"})
    assert at_90.verdict == "inconsistent"
    assert "z = 1.644854" in at_90.why and at_90.recomputed["p"] == "[0.097594, 0.097668]"


def test_a_90_percent_ci_that_excludes_1_needs_p_below_0_10():
    check = run_kind("hr_triad", {"hr": "2.000", "ci_low": "1.100", "ci_high": "3.636", "p": "0.120", "level": "90%"})
    assert check.verdict == "inconsistent" and "is not below 0.1 (a 90% Wald CI excludes 1 exactly when its P < 0.1)" in check.why


@pytest.mark.parametrize("level", ["101%", "0", "<95%"])
def test_a_confidence_level_outside_0_to_100_is_refused(level):
    with pytest.raises(RoleError, match="not a confidence level"):
        run_kind("hr_triad", {"hr": "5.665", "ci_low": "1.012", "ci_high": "31.705", "p": "0.048", "level": level})


@settings(max_examples=200)
@given(log_hrs, ses, st.sampled_from(["80", "90", "95", "99"]), st.sampled_from(POLICIES))
def test_a_rounded_wald_triad_at_any_printed_level_is_judged_consistent(beta, se, level, policy):
    z = NormalDist().inv_cdf((1 + int(level) / 100) / 2)
    hr, lo, hi, p = _printed(beta, se, z, policy)
    assume(parse_printed(lo).number > 0)
    check = run_kind("hr_triad", {"hr": hr, "ci_low": lo, "ci_high": hi, "p": p, "level": f"{level}%"}, rounding=(policy,))
    assert check.verdict == "consistent", check.why
