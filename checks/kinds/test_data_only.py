"""data_only: from printed numbers alone such a claim is not_checkable, never passed."""

SOURCE = "(P = 0.028 by log-rank test). Gender — 0.582"


def test_a_log_rank_p_alone_is_not_checkable_and_names_its_metric(audit_claims):
    r = audit_claims(
        """
        - id: logrank
          where: Results
          quote: "(P = 0.028 by log-rank test)"
          kind: data_only
          reported: {p: "0.028"}
          data: {metric: logrank, cohort: tacrolimus, by: aqp4_titer_group, test: log-rank}
        """, SOURCE)["logrank"]
    assert r.verdict == "not_checkable"
    assert r.explanation == "needs patient-level data (metric logrank, cohort tacrolimus, by aqp4_titer_group, test log-rank)"


def test_a_data_only_p_called_significant_is_decided_by_that_statement(audit_claims):
    r = audit_claims(
        """
        - id: logrank
          where: Results
          quote: "(P = 0.028 by log-rank test)"
          kind: data_only
          reported: {p: "0.028"}
          significant: false
          data: {metric: logrank, cohort: tacrolimus}
        """, SOURCE)["logrank"]
    assert r.verdict == "inconsistent"
