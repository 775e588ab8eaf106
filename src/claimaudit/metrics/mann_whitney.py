"""Mann-Whitney U test (Wilcoxon rank-sum test) of two independent groups, two-sided.

Pool the n_x + n_y = N values and give them average ranks; R_x is the sum of x's ranks and
U = R_x − n_x(n_x + 1)/2, the number of pairs (x_i, y_j) with x_i > y_j, ties counting ½
(Mann & Whitney 1947; Hollander & Wolfe, *Nonparametric Statistical Methods*, 3rd ed., 2014,
§4.1). With no difference between the groups::

    E[U] = n_x n_y / 2,   Var[U] = n_x n_y / 12 · [(N + 1) − Σ (t³ − t) / (N(N − 1))]

over the groups of t tied values. The asymptotic test refers z = (U − E[U]) / √Var[U] to the
standard normal with **no continuity correction**: P = 2·(1 − Φ(|z|)). This is SPSS's
"Asymp. Sig. (2-tailed)" (NPAR TESTS /M-W, SPSS 20), R ``wilcox.test(x, y, exact = FALSE,
correct = FALSE)`` (whose ``W`` is this U) and ``scipy.stats.mannwhitneyu(x, y,
use_continuity=False, method="asymptotic")`` (whose statistic is this U).

``exact=True`` gives the exact permutation P, 2·min(P(U ≤ u), P(U ≥ u)) capped at 1 (R
``exact = TRUE``, scipy ``method="exact"``; SPSS "Exact Sig. [2*(1-tailed Sig.)]"), defined
only without ties; the statistic stays U.

The tests compare with scipy 1.17.1 on random data and with R 4.2.2 (fixtures/reference/mann_whitney.R).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from claimaudit.metrics import TestResult
from claimaudit.metrics._ranks import as_sample, average_ranks, tie_term
from claimaudit.metrics.wald import two_sided_p


def _exact_p(u: float, n_x: int, n_y: int) -> float:
    """Two-sided exact P of U = u without ties: counts of n_x-subsets of ranks 1..N by rank sum."""
    n = n_x + n_y
    top = n_x * n_y
    # ways[j, v]: ways to choose j of the ranks seen so far with U-contribution v (rank sum − j(j+1)/2)
    ways = np.zeros((n_x + 1, top + 1))
    ways[0, 0] = 1.0
    for k in range(1, n + 1):
        # choosing rank k as the j-th smallest x adds k − j to U; j runs down so each rank is used once
        for j in range(min(k, n_x), 0, -1):
            shift = k - j
            if shift <= top:
                ways[j, shift:] += ways[j - 1, : top + 1 - shift]
    probs = ways[n_x] / ways[n_x].sum()
    w = int(round(u))
    return float(min(1.0, 2.0 * min(probs[: w + 1].sum(), probs[w:].sum())))


def _u_z_ties(x: Iterable[float], y: Iterable[float]) -> tuple[float, float, bool, int, int]:
    """(U of x, z, any ties, n_x, n_y), validated."""
    a, b = as_sample(x, "x"), as_sample(y, "y")
    n_x, n_y = a.size, b.size
    if n_x == 0 or n_y == 0:
        raise ValueError(f"x has {n_x} and y has {n_y} value(s): each group needs at least one")
    ranks, sizes = average_ranks(np.concatenate([a, b]))
    n = n_x + n_y
    u = float(ranks[:n_x].sum()) - n_x * (n_x + 1) / 2.0
    var = n_x * n_y / 12.0 * ((n + 1) - tie_term(sizes) / (n * (n - 1))) if n > 1 else 0.0
    if not var > 0:
        raise ValueError("every value is tied: the Mann-Whitney test is undefined")
    return u, (u - n_x * n_y / 2.0) / math.sqrt(var), bool((sizes > 1).any()), n_x, n_y


def mann_whitney_z(x: Iterable[float], y: Iterable[float]) -> float:
    """The standardized statistic z = (U − n_x n_y/2)/√Var[U], tie-corrected (SPSS "Z").

    Positive when x tends to be larger than y.

    >>> round(mann_whitney_z([1, 2, 3], [4, 5, 6, 7]), 4)
    -2.1213
    """
    return _u_z_ties(x, y)[1]


def mann_whitney_u(x: Iterable[float], y: Iterable[float], *, exact: bool = False) -> TestResult:
    """Two-sided Mann-Whitney test; statistic U of x (SPSS "Asymp. Sig. (2-tailed)"; R ``W``).

    Normal approximation, tie-corrected variance, no continuity correction (see the module
    docstring); ``exact=True``: the exact P, only without ties.

    >>> r = mann_whitney_u([1, 2, 3], [4, 5, 6, 7])
    >>> r.statistic, round(r.p, 5)
    (0.0, 0.03389)
    """
    u, z, tied, n_x, n_y = _u_z_ties(x, y)
    if not exact:
        return TestResult(u, two_sided_p(z), "Mann-Whitney U, normal approximation, ties corrected, no continuity correction")
    if tied:
        raise ValueError(
            "exact=True: the values have ties, so the exact Mann-Whitney distribution does not apply (use exact=False)"
        )
    return TestResult(u, _exact_p(u, n_x, n_y), "Mann-Whitney U, exact distribution")
