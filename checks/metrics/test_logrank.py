"""metrics.logrank: the Mantel-Cox test against R, lifelines and its laws.

Reference values: fixtures/reference/logrank.R (R 4.2.2, survival 3.5-3), whose calls are quoted
below; on random data, lifelines 0.30.3 ``logrank_test``.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings

from claimaudit.metrics.logrank import logrank, logrank_table
from strategies import survival_samples

REFERENCE = json.loads((Path(__file__).parents[2] / "fixtures/reference/logrank.json").read_text("utf-8"))["cases"]

two_groups = survival_samples(min_n=4, max_n=40, groups=True)


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_chi_square_p_observed_expected_and_variance_match_r_survdiff(case):
    # survdiff(Surv(time, status) ~ high_titer, data = chen); p = pchisq(chisq, 1, lower.tail = FALSE)
    ref, data = REFERENCE[case]["result"], REFERENCE[case]["data"]
    result = logrank(data["time"], data["status"], data["group"])
    assert result.statistic == pytest.approx(ref["chisq"], rel=1e-8)
    assert result.p == pytest.approx(ref["p"], rel=1e-8)
    table = logrank_table(data["time"], data["status"], data["group"])
    assert list(table.groups) == ref["groups"]
    assert list(table.observed) == ref["obs"]
    assert list(table.expected) == pytest.approx(ref["exp"], rel=1e-8)
    assert table.variance == pytest.approx(ref["var"], rel=1e-8)


def test_the_chen_shaped_titer_groups_give_chi_square_3_14():
    data = REFERENCE["chen_titer"]["data"]
    assert f"{logrank(data['time'], data['status'], data['group']).statistic:.2f}" == "3.14"


@settings(max_examples=40, deadline=None)
@given(two_groups)
def test_the_log_rank_test_agrees_with_lifelines(data):
    from lifelines.statistics import logrank_test  # lifelines import ~1.8 s, paid once

    times, events, groups = (np.asarray(v) for v in data)
    ours = logrank_table(times, events, groups)
    assume(ours.variance > 0)
    a, b = groups == 0, groups == 1
    theirs = logrank_test(times[a], times[b], events[a], events[b])
    result = logrank(times, events, groups)
    assert result.statistic == pytest.approx(theirs.test_statistic, rel=1e-9, abs=1e-12)
    assert result.p == pytest.approx(theirs.p_value, rel=1e-9)


@settings(max_examples=100)
@given(two_groups)
def test_relabelling_the_groups_changes_nothing(data):
    times, events, groups = data
    assume(logrank_table(times, events, groups).variance > 0)
    swapped = logrank(times, events, [1 - g for g in groups])
    named = logrank(times, events, ["high" if g else "low" for g in groups])
    assert swapped.statistic == pytest.approx(logrank(times, events, groups).statistic, rel=1e-12)
    assert named.statistic == pytest.approx(swapped.statistic, rel=1e-12)


@settings(max_examples=100)
@given(two_groups)
def test_observed_and_expected_events_add_up_to_the_events(data):
    times, events, groups = data
    table = logrank_table(times, events, groups)
    assert sum(table.observed) == sum(events)
    assert sum(table.expected) == pytest.approx(sum(events), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("groups", "events", "message"),
    [
        ([0, 0, 0, 0], [1, 1, 0, 1], "groups has 1 distinct value(s) [0]: the log-rank test here compares exactly two"),
        ([0, 1, 2, 0], [1, 1, 0, 1], "groups has 3 distinct value(s) [0, 1, 2]: the log-rank test here compares exactly two"),
        (
            [0, 1, 0, 1],
            [0, 0, 0, 0],
            "the log-rank variance is 0 (no events, or no event with both groups at risk): the test is undefined",
        ),
        ([0, 1, 0], [1, 1, 0, 1], "groups has 3 value(s) but times has 4: one of each per patient"),
    ],
    ids=["one-group", "three-groups", "no-events", "lengths"],
)
def test_bad_inputs_are_refused_with_one_line(groups, events, message):
    with pytest.raises(ValueError) as err:
        logrank([1, 2, 3, 4], events, groups)
    assert str(err.value) == message
