"""not_checkable: recorded with its reason, never passed or failed."""


def test_a_cited_figure_is_recorded_with_its_reason(audit_claims):
    r = audit_claims(
        """
        - id: rituximab
          where: Introduction
          quote: "with 67% of patients being relapse-free"
          kind: not_checkable
          reported: {percent: "67%"}
          reason: cited from another study; its n is not given here
        """, "rituximab ... with 67% of patients being relapse-free")["rituximab"]
    assert (r.verdict, r.explanation, r.meets_expectation) == ("not_checkable", "cited from another study; its n is not given here", True)
