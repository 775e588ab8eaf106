"""Log-rank (Mantel-Cox) test of two survival curves, chi-square with 1 degree of freedom.

At each distinct event time t_j, n_j patients are at risk (n_1j in group 1), d_j have the event
(d_1j in group 1). Given the margins, d_1j is hypergeometric, and summing over event times
(Mantel 1966; Peto & Peto 1972; Collett, *Modelling Survival Data in Medical Research*, 3rd
ed., 2015, §2.6.2)::

    O_1 = Σ d_1j,   E_1 = Σ d_j n_1j / n_j,
    V   = Σ d_j (n_1j / n_j)(1 − n_1j / n_j)(n_j − d_j)/(n_j − 1)
    chi² = (O_1 − E_1)² / V,   P = P(χ²_1 ≥ chi²)

Patients censored at an event time are at risk at it. This is SPSS's "Log Rank (Mantel-Cox)"
(KM ... /TEST=LOGRANK, SPSS 20), R ``survdiff(Surv(time, status) ~ group)`` (rho = 0) and
lifelines ``logrank_test``. The chi-square P with 1 df is the two-sided normal P of
√chi², computed without scipy (metrics/wald.py).

The tests compare with lifelines 0.30.3 on random data and with R 4.2.2 survival 3.5-3
(fixtures/reference/logrank.R).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from claimaudit.metrics import TestResult
from claimaudit.metrics.kaplan_meier import survival_data
from claimaudit.metrics.wald import two_sided_p


@dataclass(frozen=True)
class LogRankTable:
    """Observed and expected events per group and the variance of O − E (R ``survdiff``: obs, exp, var)."""

    groups: tuple
    observed: tuple[float, float]
    expected: tuple[float, float]
    variance: float

    @property
    def chi_square(self) -> float:
        """(O_1 − E_1)² / V."""
        return (self.observed[0] - self.expected[0]) ** 2 / self.variance


def logrank_table(times: Iterable[float], events: Iterable[float], groups: Iterable) -> LogRankTable:
    """O, E per group (groups in sorted order of their labels) and V, for exactly two groups.

    >>> tab = logrank_table([1, 2, 3, 4], [1, 1, 1, 1], ["a", "b", "a", "b"])
    >>> tab.observed, [round(e, 4) for e in tab.expected], round(tab.variance, 4)
    ((2.0, 2.0), [1.3333, 2.6667], 0.7222)
    """
    t, e = survival_data(times, events)
    g = np.asarray(groups).ravel()
    if g.shape != t.shape:
        raise ValueError(f"groups has {g.size} value(s) but times has {t.size}: one of each per patient")
    labels = np.unique(g)
    if labels.size != 2:
        raise ValueError(
            f"groups has {labels.size} distinct value(s) {labels.tolist()[:5]!r}: the log-rank test here compares exactly two"
        )
    in_1 = g == labels[0]
    distinct, inverse = np.unique(t, return_inverse=True)
    inverse = inverse.ravel()
    m = distinct.size
    leaving = np.bincount(inverse, minlength=m)
    leaving_1 = np.bincount(inverse, weights=in_1, minlength=m)
    d = np.bincount(inverse, weights=e, minlength=m)
    d_1 = np.bincount(inverse, weights=e & in_1, minlength=m)
    n = t.size - np.concatenate(([0.0], np.cumsum(leaving)[:-1]))
    n_1 = in_1.sum() - np.concatenate(([0.0], np.cumsum(leaving_1)[:-1]))
    share = n_1 / n
    e_1 = float(np.sum(d * share))
    with np.errstate(invalid="ignore", divide="ignore"):
        shrink = np.where(n > 1, (n - d) / np.maximum(n - 1, 1), 0.0)
    v = float(np.sum(d * share * (1 - share) * shrink))
    o_1, o_total = float(d_1.sum()), float(d.sum())
    return LogRankTable((labels[0].item(), labels[1].item()), (o_1, o_total - o_1), (e_1, o_total - e_1), v)


def logrank(times: Iterable[float], events: Iterable[float], groups: Iterable) -> TestResult:
    """Two-group log-rank test; statistic chi-square (1 df) (SPSS "Log Rank (Mantel-Cox)"; R ``survdiff``).

    >>> r = logrank([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 0, 1], [0, 0, 0, 1, 1, 1])
    >>> round(r.statistic, 4), round(r.p, 4)
    (5.0517, 0.0246)
    """
    table = logrank_table(times, events, groups)
    if not table.variance > 0:
        raise ValueError("the log-rank variance is 0 (no events, or no event with both groups at risk): the test is undefined")
    chi2 = table.chi_square
    return TestResult(chi2, two_sided_p(math.sqrt(chi2)), "log-rank (Mantel-Cox), chi-square 1 df")
