"""agreement and significance: the same quantity printed twice; a P called significant."""

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
