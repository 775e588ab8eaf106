"""Wilcoxon signed-rank test of paired values (before and after treatment), two-sided.

For each patient d_i = after_i − before_i. Zero differences are dropped (Wilcoxon's own
convention; SPSS; R ``wilcox.test``; scipy ``zero_method="wilcox"``), leaving n patients. The
|d_i| get average ranks (ties share their mean rank), W+ is the sum of the ranks of the positive
d_i, and under no change (Wilcoxon 1945; Hollander & Wolfe, *Nonparametric Statistical
Methods*, 3rd ed., 2014, §3.1)::

    E[W+] = n(n + 1)/4,   Var[W+] = n(n + 1)(2n + 1)/24 − Σ (t³ − t)/48

over the groups of t tied |d_i|. The asymptotic test refers z = (W+ − E[W+]) / √Var[W+] to the
standard normal with **no continuity correction**: P = 2·(1 − Φ(|z|)). This is SPSS's
"Asymp. Sig. (2-tailed)" of the Related-Samples Wilcoxon Signed Rank Test (SPSS 20), R
``wilcox.test(before, after, paired = TRUE, exact = FALSE, correct = FALSE)`` and
``scipy.stats.wilcoxon(before, after, zero_method="wilcox", correction=False, method="approx")``.

**Sign of z**: the statistic is SPSS's "Standardized Test Statistic": positive ranks of
after − before, so z < 0 when values fell (after < before). R's V and scipy's differences are
before − after: they give the same |z| and P with the opposite sign.

``exact=True`` gives the exact permutation P instead, 2·min(P(W+ ≤ w), P(W+ ≥ w)) capped at 1
(R ``exact = TRUE``, scipy ``method="exact"``; SPSS "Exact Sig. (2-tailed)"), defined only when
the |d_i| have no ties; the statistic stays z.

The tests compare with scipy 1.17.1 on random data and with R 4.2.2 (fixtures/reference/wilcoxon.R).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from claimaudit.metrics import TestResult
from claimaudit.metrics._ranks import as_sample, average_ranks, tie_term
from claimaudit.metrics.wald import two_sided_p


def signed_ranks(before: Iterable[float], after: Iterable[float]) -> tuple[float, float, int, float]:
    """(W+, W−, n, Σ(t³ − t)) of after − before with zero differences dropped.

    W+ + W− = n(n + 1)/2. R's ``V`` of ``wilcox.test(before, after, paired = TRUE)`` is W−.

    >>> signed_ranks([5, 6, 7, 8], [3, 6, 4, 9])
    (1.0, 5.0, 3, 0.0)
    """
    b, a = as_sample(before, "before"), as_sample(after, "after")
    if b.shape != a.shape:
        raise ValueError(f"before has {b.size} value(s) but after has {a.size}: the test needs pairs")
    d = a - b
    d = d[d != 0]
    ranks, sizes = average_ranks(np.abs(d))
    w_plus = float(ranks[d > 0].sum())
    w_minus = float(ranks[d < 0].sum())
    return w_plus, w_minus, int(d.size), tie_term(sizes)


def _exact_p(w_plus: float, n: int) -> float:
    """Two-sided exact P of W+ = w_plus over ranks 1..n without ties: the subset-sum distribution."""
    total = n * (n + 1) // 2
    counts = np.zeros(total + 1)
    counts[0] = 1.0
    for k in range(1, n + 1):  # multiply the generating function by (1 + z^k)
        counts[k:] = counts[k:] + counts[: total + 1 - k].copy()
    probs = counts / 2.0**n
    w = int(round(w_plus))
    lower, upper = probs[: w + 1].sum(), probs[w:].sum()
    return float(min(1.0, 2.0 * min(lower, upper)))


def wilcoxon_signed_rank(before: Iterable[float], after: Iterable[float], *, exact: bool = False) -> TestResult:
    """Two-sided Wilcoxon signed-rank test of after − before; statistic z (SPSS "Asymp. Sig. (2-tailed)").

    Normal approximation, zeros dropped, tie-corrected variance, no continuity correction
    (see the module docstring); ``exact=True``: the exact P, only without tied |differences|.

    >>> r = wilcoxon_signed_rank([5, 6, 7, 8, 9, 10], [3, 6, 4, 9, 2, 7])
    >>> round(r.statistic, 4), round(r.p, 4)
    (-1.7609, 0.0782)
    """
    w_plus, _, n, ties = signed_ranks(before, after)
    if n == 0:
        raise ValueError("every difference after - before is zero: the signed-rank test is undefined")
    mean = n * (n + 1) / 4.0
    var = n * (n + 1) * (2 * n + 1) / 24.0 - ties / 48.0
    z = (w_plus - mean) / math.sqrt(var)
    if not exact:
        return TestResult(
            z, two_sided_p(z), "Wilcoxon signed-rank, normal approximation, ties corrected, no continuity correction"
        )
    if ties:
        raise ValueError(
            "exact=True: the |differences| have ties, so the exact signed-rank distribution does not apply (use exact=False)"
        )
    return TestResult(z, _exact_p(w_plus, n), "Wilcoxon signed-rank, exact distribution")
