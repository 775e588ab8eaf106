"""fisher_p: Chen et al. 2017, Table 5, the conventions a wrong P is named after, and the kind's laws.

Reference P values: scipy 1.17.1 ``scipy.stats.fisher_exact(table).pvalue`` (R ``fisher.test``
agrees), quoted beside each test; ``checks/metrics/test_fisher.py`` holds the metric's own tests.
"""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit import load_claims
from claimaudit.errors import ClaimFileError
from claimaudit.metrics.fisher import fisher_exact_p
from claimaudit.rounding import reround
from kit import run_kind
from strategies import two_by_two

SOURCE = """Relapse free, % 72 48 0.100b
Improved or stabilized EDSS score, % 96 62 0.003b
Total adverse events, No. 4 9 0.223b
Severe adverse eventsc, No. 1 7 0.056b
(relapse-free rate, 48% vs 72%, P = 0.1; rate of improved or stabilized EDSS score, 62% vs 96%, P = 0.003)"""

TACROLIMUS_VS_AZATHIOPRINE = 'n_1: "25", n_2: "29"'


def _fisher(audit_claims, reported: str, quote: str = "Relapse free, % 72 48 0.100b"):
    """Audit one fisher_p claim written as YAML flow mappings; its Result."""
    return audit_claims(
        f"""
        - {{id: f, where: Table 5, quote: "{quote}", kind: fisher_p, reported: {{{reported}}}}}
        """, SOURCE)["f"]


def _variants(result) -> list[str]:
    return [v for check in result.checks for v in check.variants]


def test_table5_relapse_free_p_is_consistent(audit_claims):
    # fisher_exact([[18, 7], [14, 15]]).pvalue == 0.0998; 72% of 25 is 18, 48% of 29 is 14
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, percent_1: "72", percent_2: "48", p: "0.100"')
    assert r.verdict == "consistent" and r.recomputed == {"p": "0.099793"}


def test_text_relapse_free_p_of_0_1_is_consistent(audit_claims):
    # the text puts azathioprine first: "48% vs 72%, P = 0.1"; "0.1" stands for [0.05, 0.15)
    r = _fisher(audit_claims, 'n_1: "29", n_2: "25", percent_1: "48%", percent_2: "72%", p: "0.1"',
                quote="relapse-free rate, 48% vs 72%, P = 0.1")
    assert r.verdict == "consistent" and r.recomputed == {"p": "0.099793"}


def test_table5_improved_edss_p_is_consistent(audit_claims):
    # fisher_exact([[24, 1], [18, 11]]).pvalue == 0.00306
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, percent_1: "96", percent_2: "62", p: "0.003"',
                quote="Improved or stabilized EDSS score, % 96 62 0.003b")
    assert r.verdict == "consistent" and r.recomputed == {"p": "0.0030649"}


def test_table5_total_adverse_events_p_is_consistent(audit_claims):
    # fisher_exact([[4, 21], [9, 20]]).pvalue == 0.2228
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "4", count_2: "9", p: "0.223"',
                quote="Total adverse events, No. 4 9 0.223b")
    assert r.verdict == "consistent" and r.recomputed == {"p": "0.22283"}


def test_table5_severe_adverse_events_p_is_consistent(audit_claims):
    # fisher_exact([[1, 24], [7, 22]]).pvalue == 0.0561
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "1", count_2: "7", p: "0.056"',
                quote="Severe adverse eventsc, No. 1 7 0.056b")
    assert r.verdict == "consistent" and r.recomputed == {"p": "0.056065"}


def test_the_result_names_the_two_sided_convention(audit_claims):
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "4", count_2: "9", p: "0.223"',
                quote="Total adverse events, No. 4 9 0.223b")
    assert r.conventions[0] == "two-sided Fisher exact, tables with probability ≤ observed (SPSS, scipy.stats.fisher_exact)"


def test_a_percentage_is_read_as_the_count_that_rounds_to_it(audit_claims):
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, percent_1: "72", percent_2: "48", p: "0.100"')
    assert "count_2 read from 48% of 29: 14 (48.28%)" in r.conventions


def test_mutated_p_is_inconsistent_and_names_one_sided_variant(audit_claims):
    # fisher_exact([[18, 7], [14, 15]], alternative="greater").pvalue == 0.0673, printed as 0.067
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "18", count_2: "14", p: "0.067"')
    assert r.verdict == "inconsistent"
    assert _variants(r) == [
        "one-sided Fisher exact P, greater: arm 1 has more events (scipy alternative='greater'; "
        "SPSS 'Exact Sig. (1-sided)'): 18/25 vs 14/29 gives 0.067322"
    ]


@pytest.mark.parametrize(
    ("printed", "variant"),
    [
        ("0.076", "two-sided Fisher mid-P"),  # 0.07591, tables below the observed one plus half of it
        ("0.077", "Pearson chi-square, 1 df, no continuity correction"),  # chi2_contingency(correction=False): 0.07687
        ("0.136", "Pearson chi-square, 1 df, Yates' continuity correction"),  # chi2_contingency(): 0.13584
        ("0.135", "doubled one-sided Fisher exact P"),  # 2 × 0.067322
    ],
    ids=["mid-p", "chi-square", "yates", "doubled-one-sided"],
)
def test_a_p_from_another_convention_is_inconsistent_and_names_it(audit_claims, printed, variant):
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "18", count_2: "14", p: "{printed}"')
    assert r.verdict == "inconsistent"
    assert len(_variants(r)) == 1 and _variants(r)[0].startswith(variant)


def test_a_named_variant_is_shown_in_the_explanation(audit_claims):
    from claimaudit.verdict import explain

    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "18", count_2: "14", p: "0.067"')
    assert "      would match under: one-sided Fisher exact P, greater: arm 1 has more events" in "\n".join(explain(r))


def test_a_p_matching_no_convention_names_no_variant(audit_claims):
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "18", count_2: "14", p: "0.090"')
    assert r.verdict == "inconsistent" and _variants(r) == []


def test_off_by_counts_half_units_of_the_printed_p_last_digit(audit_claims):
    # |0.099793 - 0.090| / 0.0005
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "18", count_2: "14", p: "0.090"')
    assert r.off_by == pytest.approx(19.587, abs=1e-3)


def test_a_p_one_printed_step_away_is_inconsistent(audit_claims):
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "18", count_2: "14", p: "0.099"')
    assert r.verdict == "inconsistent"


def test_a_p_below_a_printed_bound_is_consistent(audit_claims):
    # fisher_exact([[24, 1], [5, 24]]).pvalue == 1.85e-09
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "24", count_2: "5", p: "<0.001"')
    assert r.verdict == "consistent"


def test_every_count_a_percentage_allows_is_tried(audit_claims):
    # 10% of 250 is 24, 25 or 26 patients; fisher_exact([[k, 250 - k], [7, 22]]).pvalue is
    # 0.0280, 0.0332, 0.0601: only 26/250 vs 7/29 gives 0.060
    r = _fisher(audit_claims, 'n_1: "250", n_2: "29", percent_1: "10", count_2: "7", p: "0.060"')
    assert r.verdict == "consistent" and r.recomputed == {"p": "{0.028003, 0.033201, 0.060071}"}
    assert r.explanation.endswith("reaching printed 0.060 (interval [0.0595, 0.0605]): 26/250 vs 7/29")


def test_a_percentage_allowing_too_many_tables_is_undetermined(audit_claims):
    # "<50%" of 1000 allows 500 counts: past the 100 tables the check computes
    r = _fisher(audit_claims, 'n_1: "1000", n_2: "29", percent_1: "<50%", count_2: "7", p: "0.060"')
    assert r.verdict == "undetermined"
    assert r.explanation == "500 tables fit the printed percentages, more than the 100 this check computes"


def test_an_unreachable_percentage_leaves_no_table(audit_claims):
    r = _fisher(audit_claims, 'n_1: "25", n_2: "32", count_1: "18", percent_2: "33", p: "0.100"')
    assert r.verdict == "inconsistent"
    assert r.explanation == "no table fits the printed counts: no count of n_2 = 32 gives percent_2 = 33 ([32.5, 33.5))"


def test_a_count_and_percentage_that_disagree_leave_no_table(audit_claims):
    r = _fisher(audit_claims, f'{TACROLIMUS_VS_AZATHIOPRINE}, count_1: "24", percent_1: "92", count_2: "14", p: "0.100"')
    assert r.verdict == "inconsistent"
    assert r.explanation == "no table fits the printed counts: count_1 = 24 of 25 is 96.00%, not percent_1 = 92"


@pytest.mark.parametrize(
    ("reported", "field", "message"),
    [
        ('n_1: "25", n_2: "29", count_1: "18", count_2: "14", p: "1.2"', "reported.p",
         "'1.2' is not a probability (outside [0, 1])"),
        ('n_1: "25", n_2: "29", count_1: "26", count_2: "14", p: "0.100"', "reported.count_1",
         "count_1 = 26 exceeds n_1 = 25"),
        ('n_1: "25", n_2: "29", count_1: "18.5", count_2: "14", p: "0.100"', "reported.count_1",
         "'18.5' is not a count (a whole number >= 0)"),
        ('n_1: "0", n_2: "29", count_1: "0", count_2: "14", p: "0.100"', "reported.n_1",
         "n_1 = 0: an arm with no patients"),
        ('n_1: "25", n_2: "29", percent_1: "104", count_2: "14", p: "0.100"', "reported.percent_1",
         "'104' is not a percentage (outside 0-100)"),
        ('n_1: "25", n_2: "29", count_1: "18", p: "0.100"', "reported.count_2",
         "arm 2 needs count_2 or percent_2 (its count, or its percentage of n_2)"),
    ],
    ids=["p-above-one", "count-above-n", "count-not-whole", "empty-arm", "percent-above-100", "arm-without-count"],
)
def test_a_printed_value_that_cannot_be_right_is_refused_naming_its_role(write_claim_file, reported, field, message):
    path = write_claim_file(
        f"""
        - {{id: bad, where: Table 5, quote: "Relapse free", kind: fisher_p, reported: {{{reported}}}}}
        """, SOURCE)
    with pytest.raises(ClaimFileError) as info:
        load_claims(path)
    assert str(info.value) == f"{path}:5: claim 'bad', field '{field}': {message}"


def _counts(k_1: int, n_1: int, k_2: int, n_2: int, p: str) -> dict[str, str]:
    return {"n_1": str(n_1), "n_2": str(n_2), "count_1": str(k_1), "count_2": str(k_2), "p": p}


@settings(max_examples=200)
@given(two_by_two(), st.sampled_from(["half_up", "half_even"]))
def test_a_table_printed_with_its_own_rounded_p_is_consistent(table, policy):
    printed = reround(fisher_exact_p(*table), 3, policy)  # the exact P, not its float
    assert run_kind("fisher_p", _counts(*table, printed), rounding=(policy,)).verdict == "consistent"


@settings(max_examples=200)
@given(two_by_two(), st.sampled_from(["half_up", "half_even"]))
def test_a_table_printed_as_percentages_with_its_own_rounded_p_is_consistent(table, policy):
    k_1, n_1, k_2, n_2 = table
    printed = reround(fisher_exact_p(*table), 3, policy)  # the exact P, not its float
    reported = {"n_1": str(n_1), "n_2": str(n_2), "p": printed,
                "percent_1": reround(Fraction(100 * k_1, n_1), 0, policy), "percent_2": reround(Fraction(100 * k_2, n_2), 0, policy)}
    assert run_kind("fisher_p", reported, rounding=(policy,)).verdict == "consistent"


@settings(max_examples=200)
@given(two_by_two(), st.integers(0, 1000))
def test_the_verdict_does_not_depend_on_which_arm_comes_first(table, thousandths):
    k_1, n_1, k_2, n_2 = table
    printed = reround(Fraction(thousandths, 1000), 3)
    first = run_kind("fisher_p", _counts(k_1, n_1, k_2, n_2, printed))
    second = run_kind("fisher_p", _counts(k_2, n_2, k_1, n_1, printed))
    assert first.verdict == second.verdict and first.recomputed == second.recomputed
