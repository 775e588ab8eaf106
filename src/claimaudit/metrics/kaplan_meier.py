"""Kaplan-Meier (product-limit) estimate of the survival (relapse-free) function.

Patient i has a time t_i (months to the first relapse, or to the end of follow-up) and an event
indicator e_i (1 = relapse, 0 = censored). At each distinct time t_j, r_j patients are at risk
(t_i ≥ t_j), d_j have the event and c_j are censored there, and::

    S(t) = ∏_{t_j ≤ t} (1 − d_j / r_j)

(Kaplan & Meier 1958, JASA 53:457). At a tied time the events come before the censorings: a
patient censored at t_j is still at risk at t_j (R ``survival::survfit``, SAS LIFETEST, SPSS KM,
lifelines ``KaplanMeierFitter``). The curve is right-continuous and steps only at event times;
S is exactly 1 − (events so far)/n while nobody has been censored.

The tests compare with lifelines 0.30.3 and with R 4.2.2 survival 3.5-3
(fixtures/reference/kaplan_meier.R).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class KMStep:
    """One distinct time of a Kaplan-Meier table (R ``summary(survfit(...), censored = TRUE)``).

    ``survival`` is S(time), just after the events at ``time``.
    """

    time: float
    at_risk: int
    events: int
    censored: int
    survival: float


def survival_data(times: Iterable[float], events: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """Validated (times, events): same length, times finite and >= 0, events 0/1 (or booleans)."""
    t = np.asarray(times, dtype=float).ravel()
    e_raw = np.asarray(events).ravel()
    if t.shape != e_raw.shape:
        raise ValueError(f"times has {t.size} value(s) but events has {e_raw.size}: one of each per patient")
    if t.size == 0:
        raise ValueError("no patients: a survival curve needs at least one")
    bad = ~(np.isfinite(t) & (t >= 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"times[{i}]={float(t[i])!r} must be a finite time >= 0")
    if e_raw.dtype != bool and not np.isin(e_raw, (0, 1)).all():
        i = int(np.argmax(~np.isin(e_raw, (0, 1))))
        raise ValueError(f"events[{i}]={e_raw[i].item()!r} must be 1 (event) or 0 (censored)")
    return t, e_raw.astype(bool)


def kaplan_meier(times: Iterable[float], events: Iterable[float]) -> list[KMStep]:
    """Product-limit table: one :class:`KMStep` per distinct time, events before censorings.

    Five patients, relapses at 2 and 4 months, one censored at 4 (still at risk there):

    >>> [(s.time, s.at_risk, s.events, s.censored, round(s.survival, 4))
    ...  for s in kaplan_meier([2, 4, 4, 6, 8], [1, 1, 0, 0, 1])]  # doctest: +NORMALIZE_WHITESPACE
    [(2.0, 5, 1, 0, 0.8), (4.0, 4, 1, 1, 0.6), (6.0, 2, 0, 1, 0.6), (8.0, 1, 1, 0, 0.0)]
    """
    t, e = survival_data(times, events)
    distinct, inverse = np.unique(t, return_inverse=True)
    inverse = inverse.ravel()
    n_at = np.bincount(inverse, minlength=distinct.size)
    d = np.bincount(inverse, weights=e, minlength=distinct.size).astype(int)
    at_risk = t.size - np.concatenate(([0], np.cumsum(n_at)[:-1]))
    surv = np.cumprod(1.0 - d / at_risk)
    return [
        KMStep(float(tj), int(r), int(dj), int(nj - dj), float(s))
        for tj, r, dj, nj, s in zip(distinct, at_risk, d, n_at, surv, strict=True)
    ]


def survival_at(times: Iterable[float], events: Iterable[float], t: float) -> float:
    """S(t): the product over event times ≤ t (1 before the first event; R ``summary(fit, times = t)``).

    >>> round(survival_at([2, 4, 4, 6, 8], [1, 1, 0, 0, 1], 5), 12)
    0.6
    """
    if not t == t:  # NaN
        raise ValueError(f"t={t!r} must be a time")
    surv = 1.0
    for step in kaplan_meier(times, events):
        if step.time > t:
            break
        surv = step.survival
    return surv


def survival_at_end(times: Iterable[float], events: Iterable[float]) -> float:
    """S at the last observed time: the relapse-free proportion a paper quotes for the whole follow-up.

    Without censoring before the last event it is 1 − events/n; here 2 events among 5 patients:

    >>> round(survival_at_end([3, 5, 9, 12, 12], [1, 1, 0, 0, 0]), 12)
    0.6
    """
    return kaplan_meier(times, events)[-1].survival
