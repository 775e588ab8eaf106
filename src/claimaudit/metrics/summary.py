"""Descriptive statistics of a cohort's column: mean, median, extremes, counts and percentages.

Trivial, but each is written down once so that ``data/recompute.py`` names one definition and
the tests pin it (R ``mean``, ``median``, ``min``, ``max``, ``sum(mask)``; SPSS DESCRIPTIVES,
FREQUENCIES). Missing values are not dropped silently: a NaN is an error, because a published
mean over "all patients" must not quietly become a mean over the complete cases.

Floats computed from integers are correctly rounded (``percent(7, 25)`` is exactly 28.0), so a
value that is exactly representable, such as 12.5 = 100·1/8, reaches the rounding intervals of
``printed.py`` exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def _values(x: Iterable[float], name: str = "x") -> np.ndarray:
    """x as a 1-d float array; ValueError when it is empty or holds a NaN."""
    a = np.asarray(x, dtype=float).ravel()
    if a.size == 0:
        raise ValueError(f"{name} is empty: a summary needs at least one value")
    if np.isnan(a).any():
        raise ValueError(f"{name} holds {int(np.isnan(a).sum())} missing value(s) (NaN): drop or impute them first")
    return a


def mean(x: Iterable[float]) -> float:
    """Arithmetic mean Σx/n (R ``mean``; SPSS DESCRIPTIVES "Mean"), summed with math.fsum.

    >>> mean([1, 2, 3, 4])
    2.5
    """
    a = _values(x)
    return math.fsum(a.tolist()) / a.size


def median(x: Iterable[float]) -> float:
    """Sample median: the middle value, or the midpoint of the two middle values when n is even.

    The usual definition (R ``median``, quantile type 7 at 0.5; SPSS FREQUENCIES "Median";
    numpy.median).

    >>> median([3, 1, 2])
    2.0
    >>> median([4, 1, 3, 2])
    2.5
    """
    a = np.sort(_values(x))
    mid = a.size // 2
    if a.size % 2:
        return float(a[mid])
    lo, hi = float(a[mid - 1]), float(a[mid])
    mid_value = (lo + hi) / 2  # correctly rounded; halving first would lose subnormals
    return mid_value if math.isfinite(mid_value) else lo / 2 + hi / 2  # lo + hi overflowed


def minimum(x: Iterable[float]) -> float:
    """Smallest value (R ``min``; SPSS "Minimum").

    >>> minimum([6, 34, 12])
    6.0
    """
    return float(_values(x).min())


def maximum(x: Iterable[float]) -> float:
    """Largest value (R ``max``; SPSS "Maximum").

    >>> maximum([6, 34, 12])
    34.0
    """
    return float(_values(x).max())


def count_true(mask: Iterable[bool]) -> int:
    """Number of patients for whom a condition holds, Σ mask (R ``sum(mask)``).

    The mask must be boolean (or 0/1): any other value is an error, not silently "true".

    >>> count_true([True, False, True])
    2
    """
    a = np.asarray(mask).ravel()
    if a.dtype != bool:
        if a.size and not np.isin(a, (0, 1)).all():
            raise ValueError(f"mask must be boolean or 0/1, found values {sorted(set(a.tolist()) - {0, 1})[:5]!r}")
        a = a.astype(bool)
    return int(a.sum())


def percent(k: int, n: int) -> float:
    """Percentage 100·k/n of n patients, correctly rounded from the exact ratio.

    Chen 2017, 7 of 25 patients:

    >>> percent(7, 25)
    28.0
    """
    k, n = (v.item() if hasattr(v, "item") else v for v in (k, n))  # numpy scalars print as plain numbers
    if k != int(k) or n != int(n):
        raise ValueError(f"k={k!r} and n={n!r} must be whole numbers of patients")
    if n <= 0:
        raise ValueError(f"n={n!r} must be > 0")
    if not 0 <= k <= n:
        raise ValueError(f"k={k!r} must be a count in 0..{n} (n={n!r})")
    return 100 * int(k) / int(n)
