"""The structure enumeration behind the survival reconstruction: brute force, the metrics, and Chen 2017's answer."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from claimaudit.intervals import Interval
from claimaudit.metrics.cox import cox_ph
from claimaudit.metrics.kaplan_meier import survival_at_end
from claimaudit.metrics.logrank import logrank
from claimaudit.reconstruction.survival import (
    EventTime,
    censored_before,
    enumerate_structures,
    evaluate,
    km_values,
    realise,
    structure_of,
    whole_month_realisable,
)


def _key(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, 7)


def _metrics_numbers(times, events, high) -> tuple:
    """KM end values, log-rank P and Cox HR (Breslow, Efron) by the metrics functions; None where undefined."""
    t, e, h = np.asarray(times, float), np.asarray(events, int), np.asarray(high, int)
    km = tuple(_key(survival_at_end(t[h == g], e[h == g])) for g in (0, 1))
    try:
        p = logrank(t, e, h).p
    except ValueError:
        p = None
    hrs = []
    for ties in ("breslow", "efron"):
        try:
            fit = cox_ph(t, e, h[:, None].astype(float), ties=ties, strict=False)
            hrs.append(float(fit.hr[0]) if fit.converged else None)
        except ValueError:
            hrs.append(None)
    return km + (_key(p),) + tuple(_key(x) for x in hrs)


def _fast_numbers(structures) -> list[tuple]:
    v = evaluate(structures)
    out = []
    for i in range(len(structures)):
        hrs = [v.cox[t]["hr"][i] if v.cox[t]["converged"][i] else None for t in ("breslow", "efron")]
        out.append((_key(v.km_low[i]), _key(v.km_high[i]), _key(v.logrank_p[i])) + tuple(_key(x) for x in hrs))
    return out


def _datasets(n_low: int, n_high: int):
    """Every data set of n_low + n_high patients, times 1..n (enough for every structure), up to order within a group."""
    n = n_low + n_high
    patient = [(t, e) for t in range(1, n + 1) for e in (0, 1)]
    for low in itertools.combinations_with_replacement(patient, n_low):
        for high in itertools.combinations_with_replacement(patient, n_high):
            rows = low + high
            yield [r[0] for r in rows], [r[1] for r in rows], [0] * n_low + [1] * n_high


@pytest.mark.parametrize("n_low, n_high", [(2, 2), (3, 1), (1, 2)])
def test_enumeration_agrees_with_brute_force_over_every_small_data_set(n_low, n_high):
    brute_structures, brute_numbers = set(), set()
    for times, events, high in _datasets(n_low, n_high):
        s = structure_of(times, events, high)
        k = (sum(t.d_low for t in s), sum(t.d_high for t in s))
        brute_structures.add(s)
        brute_numbers.add(k + _metrics_numbers(times, events, high))
    enumerated, numbers = set(), set()
    for k_low in range(n_low + 1):
        for k_high in range(n_high + 1):
            found = enumerate_structures(n_low, n_high, k_low, k_high)
            assert len(found) == len(set(found))
            enumerated |= set(found)
            numbers |= {(k_low, k_high) + x for x in _fast_numbers(found)}
    assert enumerated == brute_structures
    assert numbers == brute_numbers


def test_km_filter_keeps_exactly_the_structures_whose_end_values_lie_in_the_intervals():
    low, high = Interval(0.6, 0.7), Interval(0.3, 0.55)
    every = enumerate_structures(4, 3, 1, 2)
    kept = enumerate_structures(4, 3, 1, 2, low, high)
    assert kept == [s for s in every if low.contains(km_values(s)[0]) and high.contains(km_values(s)[1])]
    assert 0 < len(kept) < len(every)


def test_structure_of_a_realised_structure_is_the_structure():
    for s in enumerate_structures(3, 3, 2, 1):
        assert structure_of(*realise(s, 3, 3)) == s


def test_fast_evaluator_agrees_with_the_metrics_functions_on_chen_sized_structures():
    rng = np.random.default_rng(20170831)
    structures = enumerate_structures(14, 11, 2, 5, Interval(0.815, 0.825), Interval(0.525, 0.535))
    sample = [structures[i] for i in rng.choice(len(structures), 60, replace=False)]
    v = evaluate(sample)
    for i, s in enumerate(sample):
        t, e, h = realise(s, 14, 11)
        assert math.isclose(logrank(t, e, h).p, v.logrank_p[i], rel_tol=1e-9)
        for ties in ("breslow", "efron"):
            fit = cox_ph(t, e, h[:, None].astype(float), ties=ties)
            for name in ("hr", "ci_low", "ci_high", "p"):
                assert math.isclose(float(getattr(fit, name)[0]), v.cox[ties][name][i], rel_tol=1e-8), (s, ties, name)


def test_censored_before_counts_who_leaves_between_event_times():
    s = (EventTime(14, 11, 0, 1), EventTime(13, 6, 1, 1), EventTime(9, 1, 1, 0))
    assert censored_before(s, 14, 11) == [(0, 0), (1, 4), (3, 4)]


@pytest.mark.parametrize("structure, fits", [
    # four single events, nobody censored before them: months 1-4
    ((EventTime(3, 4, 0, 1), EventTime(3, 3, 0, 1), EventTime(3, 2, 0, 1), EventTime(3, 1, 0, 1)), True),
    # censoring before the 4th event: it goes to month 7, the censored leave in month 6
    ((EventTime(3, 4, 0, 1), EventTime(3, 3, 0, 1), EventTime(3, 2, 0, 1), EventTime(2, 1, 0, 1)), True),
    # censoring before the 3rd event: the 3rd would be in month 7 and the 4th after it
    ((EventTime(3, 4, 0, 1), EventTime(3, 3, 0, 1), EventTime(2, 2, 0, 1), EventTime(2, 1, 0, 1)), False),
])
def test_whole_months_allow_censoring_only_before_the_last_early_event_time(structure, fits):
    assert whole_month_realisable(structure, 3, 4, early_events=4, by_month=7, first_censoring=6) is fits


@pytest.fixture(scope="module")
def chen_decision():
    from claimaudit.reconstruction.constraints import Catalogue
    from claimaudit.reconstruction.survival_decision import decide

    return decide(Catalogue.load("claims/chen2017.yaml"))


def test_chen2017_survival_numbers_hold_together_in_exactly_one_structure_under_breslow(chen_decision):
    d = chen_decision
    assert d.splits == [(2, 5)]
    breslow = d.outcomes["breslow"]
    assert breslow.verdict == "consistent" and breslow.borderline == 0 and breslow.whole_months == 1
    (only,) = breslow.joint
    assert d.structures[only] == (
        EventTime(14, 11, 0, 1), EventTime(14, 10, 0, 1), EventTime(14, 9, 0, 1), EventTime(14, 8, 0, 1),
        EventTime(13, 6, 1, 1), EventTime(9, 1, 1, 0),
    )


def test_chen2017_survival_numbers_cannot_hold_together_under_efron(chen_decision):
    efron = chen_decision.outcomes["efron"]
    assert efron.verdict == "inconsistent" and efron.joint == [] and efron.borderline == 0
    assert efron.meets["ci_high"] == 0  # no structure gives the upper CI end 31.705 under Efron ties
