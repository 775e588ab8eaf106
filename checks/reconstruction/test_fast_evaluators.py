"""The search's fast evaluators agree with the metrics functions they stand in for."""

from __future__ import annotations

import math

import numpy as np
import pytest

from claimaudit.metrics.cox import cox_ph
from claimaudit.metrics.mann_whitney import mann_whitney_u
from claimaudit.metrics.wilcoxon import wilcoxon_signed_rank
from claimaudit.reconstruction.batch import crude_batch, mann_whitney_batch, multi_batch, wilcoxon_batch
from claimaudit.reconstruction.slots import risk_sets, slots_of
from claimaudit.reconstruction.survival import EventTime

STRUCTURE = (EventTime(14, 11, 0, 1), EventTime(14, 10, 0, 1), EventTime(14, 9, 0, 1), EventTime(14, 8, 0, 1),
             EventTime(13, 6, 1, 1), EventTime(9, 1, 1, 0))


@pytest.fixture(scope="module")
def layout():
    slots = slots_of(STRUCTURE, 14, 11)
    times = np.array([s.exit for s in slots])
    events = np.array([s.event for s in slots], int)
    return risk_sets(slots, len(STRUCTURE)), times, events, np.array([s.high for s in slots], float)


def test_slots_reproduce_the_structure(layout):
    from claimaudit.reconstruction.survival import structure_of

    _, times, events, high = layout
    assert structure_of(times, events, high.astype(int)) == STRUCTURE


def test_batched_crude_and_adjusted_fits_agree_with_cox_ph(layout):
    risk, times, events, high = layout
    rng = np.random.default_rng(7)
    X = np.column_stack([rng.integers(6, 56, 25), rng.integers(0, 21, 25) / 2, high, rng.integers(1, 8, 25)]).astype(float)
    crude = crude_batch(risk, X.T)
    multi = multi_batch(risk, X[None])[0]
    single, converged = risk.triads(X)[:2]
    fit = cox_ph(times, events, X, ties="breslow")
    for k in range(X.shape[1]):
        one = cox_ph(times, events, X[:, [k]], ties="breslow")
        for j, name in enumerate(("hr", "ci_low", "ci_high", "p")):
            assert math.isclose(crude[k, j], float(getattr(one, name)[0]), rel_tol=1e-7)
            assert math.isclose(multi[k, j], float(getattr(fit, name)[k]), rel_tol=1e-7)
            assert math.isclose(single[k, j], float(getattr(fit, name)[k]), rel_tol=1e-7)
        assert math.isclose(risk.crude(X[:, k])[0], float(one.hr[0]), rel_tol=1e-7)
    assert converged


def test_batched_rank_tests_agree_with_the_metrics_on_tied_data():
    rng = np.random.default_rng(11)
    before, after = rng.integers(0, 8, (200, 25)) / 2, rng.integers(0, 8, (200, 25)) / 2
    expected = [wilcoxon_signed_rank(b, a).p for b, a in zip(before, after, strict=True)]
    assert np.allclose(wilcoxon_batch(before, after), expected, rtol=1e-12, atol=0)
    x, y = rng.integers(5, 40, (200, 29)), rng.integers(5, 40, 25)
    assert np.allclose(mann_whitney_batch(x, y), [mann_whitney_u(r, y).p for r in x], rtol=1e-12, atol=0)
