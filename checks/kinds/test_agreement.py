"""agreement and significance: the same quantity printed twice; a P called significant."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from claimaudit.kinds.agreement import agreement_check
from claimaudit.model import Ref
from claimaudit.printed import parse_printed
from claimaudit.rounding import POLICIES, reround
from claimaudit.verdict import Verdict

SOURCE = "EDSS (4.5 vs 2.3; P < 0.001). EDSS 4.5 2.3 48.9 0.001. P = 0.1. 0.100b. (P = 0.061) did not reach significance"


def test_p_below_0_001_and_p_0_001_agree_on_their_overlap(audit_claims):
    results = audit_claims(
        """
        - {id: abstract, where: A, quote: "P < 0.001", kind: agreement, reported: {p: "<0.001"}, same_as: {p: table.p}}
        - {id: table, where: T, quote: "48.9 0.001", kind: agreement, reported: {p: "0.001"}}
        """, SOURCE)
    assert results["abstract"].verdict == "consistent"
    assert results["abstract"].recomputed == {"p ∩ table.p": "[0.0005, 0.001)"}


def test_a_link_is_checked_from_both_ends(audit_claims):
    results = audit_claims(
        """
        - {id: abstract, where: A, quote: "P < 0.001", kind: agreement, reported: {p: "<0.001"}, same_as: {p: table.p}}
        - {id: table, where: T, quote: "48.9 0.001", kind: agreement, reported: {p: "0.001"}}
        """, SOURCE)
    assert results["table"].recomputed == {"p ∩ abstract.p": "[0.0005, 0.001)"}


def test_the_same_p_printed_to_different_precision_agrees(audit_claims):
    results = audit_claims(
        """
        - {id: text, where: A, quote: "P = 0.1", kind: agreement, reported: {p: "0.1"}, same_as: {p: table.p}}
        - {id: table, where: T, quote: "0.100b", kind: agreement, reported: {p: "0.100"}}
        """, SOURCE)
    assert results["text"].verdict == "consistent"


def test_two_incompatible_prints_of_one_quantity_are_inconsistent_at_both_ends(audit_claims):
    results = audit_claims(
        """
        - {id: abstract, where: A, quote: "P < 0.001", kind: agreement, reported: {p: "<0.001"}, same_as: {p: table.p}}
        - {id: table, where: T, quote: "P = 0.1", kind: agreement, reported: {p: "0.1"}}
        """, SOURCE)
    assert results["abstract"].verdict == "inconsistent" and results["table"].verdict == "inconsistent"


def test_a_p_called_not_significant_must_reach_alpha(audit_claims):
    results = audit_claims(
        """
        - {id: ok, where: T, quote: "(P = 0.061) did not reach significance", kind: agreement, reported: {p: "0.061"}, significant: false}
        - {id: bad, where: T, quote: "(P = 0.061) did not reach significance", kind: agreement, reported: {p: "0.041"}, significant: false}
        """, SOURCE)
    assert results["ok"].verdict == "consistent"
    assert results["bad"].verdict == "inconsistent" and "cannot satisfy P ≥ 0.05" in results["bad"].explanation


def test_an_agreement_with_no_link_is_not_checkable(audit_claims):
    results = audit_claims(
        """
        - {id: alone, where: A, quote: "P = 0.1", kind: agreement, reported: {p: "0.1"}}
        """, SOURCE)
    assert results["alone"].verdict == "not_checkable"


MONTHS = "for 12 months. over the 13 months. after 12 months. for 11 months."


def test_adjacent_whole_numbers_do_not_agree_through_a_tie_no_one_policy_prints_both_ways(audit_claims):
    # 12.5 prints as 12 under half_even and as 13 under half_up; the union of the two policies'
    # intervals touches at 12.5, but one value rounded by one policy never prints both ways.
    results = audit_claims(
        """
        - {id: a, where: P2, quote: "for 12 months", kind: agreement, reported: {months: "12"}}
        - {id: b, where: P8, quote: "over the 13 months", kind: agreement, reported: {months: "13"}, same_as: {months: a.months}}
        """, MONTHS)
    assert results["b"].verdict == "inconsistent" and results["a"].verdict == "inconsistent"
    assert "meet only at 12.5, a tie that no one rounding policy prints both ways" in results["b"].explanation


def test_adjacent_whole_numbers_agree_when_the_claims_declare_different_policies(audit_claims):
    results = audit_claims(
        """
        - {id: a, where: P2, quote: "for 12 months", kind: agreement, reported: {months: "12"}, rounding: [half_even]}
        - {id: b, where: P8, quote: "over the 13 months", kind: agreement, reported: {months: "13"}, rounding: [half_up],
           same_as: {months: a.months}}
        """, MONTHS)
    assert results["b"].verdict == "consistent"
    assert results["b"].recomputed == {"months ∩ a.months": "12.5"}


def test_an_input_is_linked_under_the_rounding_of_the_claim_that_prints_it(audit_claims):
    results = audit_claims(
        """
        - {id: a, where: P2, quote: "for 12 months", kind: agreement, reported: {months: "12"}, rounding: [half_even]}
        - {id: b, where: P8, quote: "over the 13 months", kind: agreement, reported: {months: "13"}, rounding: [half_up]}
        - {id: c, where: P8, quote: "after 12 months", kind: agreement, inputs: {months: b.months}, rounding: [half_even],
           same_as: {months: a.months}}
        """, MONTHS)
    # c reads 13 from b (half_up) and links it to a's 12 (half_even): different policies, so the tie counts.
    assert results["c"].verdict == "consistent"


@given(st.integers(-10**6, 10**6), st.integers(0, 4), st.sampled_from(POLICIES), st.sampled_from((1, 2)))
def test_two_printings_of_one_value_under_one_policy_agree_and_a_shifted_one_does_not(m, decimals, policy, shift):
    value = Fraction(m, 10**decimals) + Fraction(1, 2 * 10**decimals) * (m % 3 == 0)  # ties too
    text = reround(value, decimals, policy)
    other = reround(Fraction(text) + shift * Fraction(1, 10**decimals), decimals, policy)
    same = agreement_check("x", parse_printed(text), Ref("c", "x"), parse_printed(text))
    moved = agreement_check("x", parse_printed(text), Ref("c", "x"), parse_printed(other))
    assert same.verdict is Verdict.CONSISTENT and moved.verdict is Verdict.INCONSISTENT


TITERS = "defined as the titer above or equal to 1:64. patients with high titers (≥1:64). titers (≥1:32)."


def test_two_different_cut_offs_of_one_threshold_do_not_agree(audit_claims):
    # As bounds on a value, ≥1:32 and ≥1:64 overlap; as definitions of one category they contradict.
    results = audit_claims(
        """
        - {id: methods, where: M, quote: "above or equal to 1:64", kind: agreement, reported: {high: "≥1:64"},
           params: {bounds: thresholds}}
        - {id: same, where: A, quote: "(≥1:64)", kind: agreement, reported: {high: "≥1:64"}, same_as: {high: methods.high}}
        - {id: other, where: A, quote: "(≥1:32)", kind: agreement, reported: {high: "≥1:32"}, same_as: {high: methods.high}}
        """, TITERS)
    assert results["same"].verdict == "consistent"
    assert results["other"].verdict == "inconsistent" and results["methods"].verdict == "inconsistent"
    assert "are two different cut-offs" in results["other"].explanation


def test_bounds_on_a_value_agree_when_they_overlap(audit_claims):
    results = audit_claims(
        """
        - {id: methods, where: M, quote: "above or equal to 1:64", kind: agreement, reported: {high: "≥1:64"}}
        - {id: other, where: A, quote: "(≥1:32)", kind: agreement, reported: {high: "≥1:32"}, same_as: {high: methods.high}}
        """, TITERS)
    assert results["other"].verdict == "consistent"


def test_a_threshold_in_the_other_direction_is_another_cut_off():
    lo, hi = parse_printed("<1:64"), parse_printed("≥1:64")
    assert agreement_check("t", lo, Ref("c", "t"), hi, thresholds=True).verdict is Verdict.INCONSISTENT
    assert agreement_check("t", parse_printed("1:64"), Ref("c", "t"), hi, thresholds=True).verdict is Verdict.CONSISTENT
