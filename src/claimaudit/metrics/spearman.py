"""Spearman's rank correlation and its two-sided P from the t approximation.

rho is Pearson's correlation of the average ranks of x and of y (Spearman 1904; ties share
their mean rank). Its P refers::

    t = rho · √((n − 2) / (1 − rho²))

to Student's t with n − 2 degrees of freedom, two-sided. This is SPSS's "Sig. (2-tailed)" of
NONPAR CORR /PRINT=SPEARMAN (SPSS 20), ``scipy.stats.spearmanr(x, y)`` and R ``cor.test(x, y,
method = "spearman", exact = FALSE)``. |rho| = 1 gives P = 0.

The tests compare with scipy 1.17.1 on random data and with R 4.2.2 (fixtures/reference/spearman.R).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from claimaudit.metrics import TestResult
from claimaudit.metrics._ranks import as_sample, average_ranks


def spearman(x: Iterable[float], y: Iterable[float]) -> TestResult:
    """Spearman's rho with average ranks; P two-sided from t with n − 2 df (SPSS; scipy.stats.spearmanr).

    >>> r = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    >>> round(r.statistic, 4), round(r.p, 4)
    (0.8, 0.1041)
    """
    from scipy.special import stdtr  # scipy.special import ~0.2 s: only when a correlation is computed

    a, b = as_sample(x, "x"), as_sample(y, "y")
    if a.shape != b.shape:
        raise ValueError(f"x has {a.size} value(s) but y has {b.size}: the correlation needs pairs")
    n = a.size
    if n < 3:
        raise ValueError(f"n={n!r} pairs: the t approximation needs at least 3")
    ra, rb = average_ranks(a)[0], average_ranks(b)[0]
    ra, rb = ra - ra.mean(), rb - rb.mean()
    ss = float(np.dot(ra, ra)) * float(np.dot(rb, rb))
    if ss == 0:
        raise ValueError("x or y is constant: Spearman's rho is undefined")
    rho = float(np.dot(ra, rb)) / math.sqrt(ss)
    rho = max(-1.0, min(1.0, rho))
    if abs(rho) == 1.0:
        return TestResult(rho, 0.0, "Spearman rank correlation, t approximation")
    t = rho * math.sqrt((n - 2) / ((1.0 - rho) * (1.0 + rho)))
    p = 2.0 * float(stdtr(n - 2, -abs(t)))
    return TestResult(rho, p, "Spearman rank correlation, t approximation")
