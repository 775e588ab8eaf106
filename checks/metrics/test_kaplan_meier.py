"""metrics.kaplan_meier: the product-limit table against R, lifelines and its laws.

Reference values: fixtures/reference/kaplan_meier.R (R 4.2.2, survival 3.5-3), whose calls are
quoted below; on random data, lifelines 0.30.3 ``KaplanMeierFitter``.
"""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.metrics.kaplan_meier import kaplan_meier, survival_at, survival_at_end
from strategies import survival_samples

REFERENCE = json.loads((Path(__file__).parents[2] / "fixtures/reference/kaplan_meier.json").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_the_table_matches_r_survfit(case):
    # summary(survfit(Surv(time, status) ~ 1, data = chen[chen$high_titer == 1, ]), censored = TRUE)
    ref, data = REFERENCE[case]["result"], REFERENCE[case]["data"]
    steps = kaplan_meier(data["time"], data["status"])
    assert [s.time for s in steps] == ref["time"]
    assert [s.at_risk for s in steps] == ref["n_risk"]
    assert [s.events for s in steps] == ref["n_event"]
    assert [s.censored for s in steps] == ref["n_censor"]
    assert [s.survival for s in steps] == pytest.approx(ref["surv"], rel=1e-8)


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_survival_at_a_time_matches_r_summary_times(case):
    # summary(fit, times = at, extend = TRUE)$surv
    ref, data = REFERENCE[case]["result"], REFERENCE[case]["data"]
    got = [survival_at(data["time"], data["status"], t) for t in ref["at"]]
    assert got == pytest.approx(ref["surv_at"], rel=1e-8)


def test_the_chen_shaped_high_titer_curve_ends_at_0_491():
    data = REFERENCE["chen_high_titer"]["data"]
    # 11 patients, relapses at 6, 8, 12, 12, 16: (10/11)(9/10)(6/8)(4/5) = 0.4909
    assert survival_at_end(data["time"], data["status"]) == pytest.approx(10 / 11 * 9 / 10 * 6 / 8 * 4 / 5, rel=1e-15)


def test_a_patient_censored_at_an_event_time_is_at_risk_there():
    steps = kaplan_meier([2, 4, 4, 6], [1, 1, 0, 1])
    assert (steps[1].time, steps[1].at_risk, steps[1].events, steps[1].censored) == (4.0, 3, 1, 1)
    assert steps[1].survival == pytest.approx(3 / 4 * 2 / 3, rel=1e-15)


@settings(max_examples=150)
@given(survival_samples())
def test_a_kaplan_meier_curve_never_rises(data):
    surv = [s.survival for s in kaplan_meier(*data)]
    assert all(later <= earlier for earlier, later in zip([1.0] + surv, surv, strict=False))
    assert all(0.0 <= s <= 1.0 for s in surv)


@settings(max_examples=150)
@given(st.lists(st.integers(1, 12), min_size=1, max_size=30))
def test_without_censoring_the_curve_is_one_minus_events_over_n(times):
    n = len(times)
    for step in kaplan_meier(times, [1] * n):
        failed = sum(t <= step.time for t in times)
        assert step.survival == pytest.approx(1 - failed / n, rel=1e-12, abs=1e-15)


@settings(max_examples=100)
@given(survival_samples())
def test_censoring_only_after_the_last_event_gives_one_minus_events_over_n_at_the_end(data):
    times, events = data
    last_event = max((t for t, e in zip(times, events, strict=True) if e), default=0)
    censored_late = [t if e else max(t, last_event) for t, e in zip(times, events, strict=True)]
    assert survival_at_end(censored_late, events) == pytest.approx(1 - sum(events) / len(events), rel=1e-12, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(survival_samples(min_n=2))
def test_the_curve_agrees_with_lifelines(data):
    from lifelines import KaplanMeierFitter  # lifelines import ~1.8 s, paid once

    times, events = data
    fitted = KaplanMeierFitter().fit(times, events).survival_function_["KM_estimate"]
    for step in kaplan_meier(times, events):
        assert step.survival == pytest.approx(fitted.loc[step.time], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("times", "events", "message"),
    [
        ([1, 2], [1], "times has 2 value(s) but events has 1: one of each per patient"),
        ([], [], "no patients: a survival curve needs at least one"),
        ([1, -2], [1, 0], "times[1]=-2.0 must be a finite time >= 0"),
        ([1, 2], [1, 2], "events[1]=2 must be 1 (event) or 0 (censored)"),
    ],
    ids=["lengths", "empty", "negative-time", "event-not-0-1"],
)
def test_bad_inputs_are_refused_with_one_line(times, events, message):
    with pytest.raises(ValueError) as err:
        kaplan_meier(times, events)
    assert str(err.value) == message
