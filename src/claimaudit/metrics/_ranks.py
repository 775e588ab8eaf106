"""Average ranks and tie sizes, shared by the rank tests (Wilcoxon, Mann-Whitney, Spearman).

Tied values share the mean of the ranks they occupy ("average" ranks: R ``rank``,
scipy.stats.rankdata(method="average"), SPSS). Numpy only: no scipy import on this path.
"""

from __future__ import annotations

import numpy as np


def average_ranks(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ranks 1..n with ties averaged, sizes of the tie groups) of a 1-d array.

    >>> r, t = average_ranks(np.array([10.0, 20.0, 10.0, 30.0]))
    >>> r.tolist(), t.tolist()
    ([1.5, 3.0, 1.5, 4.0], [2, 1, 1])
    """
    values, inverse, sizes = np.unique(a, return_inverse=True, return_counts=True)
    ends = np.cumsum(sizes)
    mean_rank = ends - (sizes - 1) / 2.0
    return mean_rank[inverse.ravel()], sizes


def tie_term(sizes: np.ndarray) -> float:
    """Σ (t³ − t) over tie groups of sizes t: the tie correction of the rank tests' variances.

    >>> tie_term(np.array([2, 1, 1]))
    6.0
    """
    t = sizes.astype(float)
    return float(np.sum(t**3 - t))


def as_sample(x, name: str) -> np.ndarray:
    """x as a 1-d float array; ValueError when it holds a NaN or an infinity."""
    a = np.asarray(x, dtype=float).ravel()
    if not np.isfinite(a).all():
        raise ValueError(f"{name} holds a missing or infinite value: drop or impute it first")
    return a
