"""percent_of_count: the paper's percentages, GRIM for proportions, and its law."""

from hypothesis import given
from hypothesis import strategies as st

from claimaudit.intervals import Interval
from claimaudit.kinds.percent_of_count import feasible_counts
from claimaudit.rounding import reround, unround_any

SOURCE = "Female sex, No. (%) 23 (92). Roughly 33% of the patients. Relapse free, % 72. 24 (92)"


def test_23_of_25_is_92_percent(audit_claims):
    r = audit_claims(
        """
        - {id: female, where: T1, quote: "23 (92)", kind: percent_of_count, reported: {count: "23", n: "25", percent: "92"}}
        """, SOURCE)["female"]
    assert r.verdict == "consistent" and r.recomputed == {"percent": "92"}


def test_24_of_25_is_not_92_percent(audit_claims):
    r = audit_claims(
        """
        - {id: wrong, where: T1, quote: "24 (92)", kind: percent_of_count, reported: {count: "24", n: "25", percent: "92"}}
        """, SOURCE)["wrong"]
    assert r.verdict == "inconsistent"
    assert r.off_by == 8.0  # 96 vs 92: 4 units = 8 half-units of the last digit


def test_roughly_33_percent_of_32_is_unreachable(audit_claims):
    r = audit_claims(
        """
        - {id: mm, where: text, quote: "Roughly 33%", kind: percent_of_count, reported: {percent: "33%", n: "32"}}
        """, SOURCE)["mm"]
    assert r.verdict == "inconsistent"
    assert "10/32 = 31.25%, 11/32 = 34.38%" in r.explanation


def test_a_bare_percentage_lists_the_counts_that_reach_it(audit_claims):
    r = audit_claims(
        """
        - {id: rf, where: T2, quote: "Relapse free, % 72", kind: percent_of_count, reported: {percent: "72", n: "25"}}
        """, SOURCE)["rf"]
    assert r.verdict == "consistent" and r.recomputed == {"count": "{18}"}


def test_an_unreachable_percentage_names_a_denominator_that_would_reach_it(audit_claims):
    r = audit_claims(
        """
        - {id: mm, where: text, quote: "Roughly 33%", kind: percent_of_count, reported: {percent: "33%", n: "32"}}
        """, SOURCE)["mm"]
    assert any("denominator" in v for c in r.checks for v in c.variants)


@given(st.integers(1, 500), st.data(), st.integers(0, 2), st.sampled_from(["half_up", "half_even"]))
def test_every_percentage_of_a_whole_count_is_reachable(n, data, d, policy):
    k = data.draw(st.integers(0, n))
    text = reround(100 * k / n, d, policy)
    assert k in feasible_counts(n, unround_any(text))


@given(st.integers(1, 300), st.floats(0, 100))
def test_feasible_counts_are_exactly_those_inside_the_interval(n, p):
    iv = Interval(p, min(100.0, p + 1.0))
    ks = feasible_counts(n, iv)
    assert ks == [k for k in range(n + 1) if iv.contains(100 * k / n)]
