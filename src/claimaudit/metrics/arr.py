"""Annualized relapse rate (ARR): relapses per patient-year, per patient or pooled over a cohort.

Two definitions are in use, and a paper's number can come from either, so both are offered and
``data/recompute.py`` says which one reproduces the printed value:

* **per-patient mean** (:func:`mean_arr`): each patient's ARR_i = c_i / (m_i / 12) for c_i
  relapses over m_i months, then the mean of the ARR_i over patients. This is what "the mean
  ARR" of a table of patients usually means (an SPSS DESCRIPTIVES mean of a computed ARR column).
* **pooled** (:func:`pooled_arr`): Σ c_i / (Σ m_i / 12), "the total number of relapses per
  patient-year" (Chen et al., *Sci Rep* 2017, Methods), the incidence rate of a Poisson model.

The two agree when every patient has the same follow-up. A year is 12 months: months are the
unit of the extract, and the papers compute years as months / 12. Each rate is computed as
12·c / m, one correctly rounded division (``c / (m / 12)`` would round twice), so doubling every
follow-up halves every rate exactly in floating point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np


def _counts_and_months(counts: Iterable[float], months: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
    """Validated (counts, months) arrays: same length, counts whole and >= 0, months finite and > 0."""
    c = np.asarray(counts, dtype=float).ravel()
    m = np.asarray(months, dtype=float).ravel()
    if c.shape != m.shape:
        raise ValueError(f"counts has {c.size} value(s) but months has {m.size}: one of each per patient")
    if c.size == 0:
        raise ValueError("no patients: an ARR needs at least one patient")
    bad = ~np.isfinite(c) | (c < 0) | (c != np.floor(c))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"counts[{i}]={float(c[i])!r} must be a whole number of relapses >= 0")
    bad = ~(np.isfinite(m) & (m > 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(f"months[{i}]={float(m[i])!r} must be a follow-up > 0 months (an ARR over no time is undefined)")
    return c, m


def annualized_rates(counts: Iterable[float], months: Iterable[float]) -> np.ndarray:
    """Each patient's ARR, c_i / (m_i / 12) = 12·c_i / m_i relapses per year of follow-up.

    Two relapses in 18 months, none in 6:

    >>> annualized_rates([2, 0], [18, 6]).tolist()
    [1.3333333333333333, 0.0]
    """
    c, m = _counts_and_months(counts, months)
    return 12.0 * c / m


def mean_arr(counts: Iterable[float], months: Iterable[float]) -> float:
    """Mean over patients of the per-patient ARR, (1/n) Σ 12·c_i / m_i (an SPSS "Mean" of an ARR column).

    >>> mean_arr([2, 0], [18, 6])
    0.6666666666666666
    """
    rates = annualized_rates(counts, months)
    return math.fsum(rates.tolist()) / rates.size


def pooled_arr(counts: Iterable[float], months: Iterable[float]) -> float:
    """Relapses per patient-year pooled over the cohort, Σ c_i / (Σ m_i / 12) (Chen 2017, Methods).

    "The total number of relapses per patient-year": the same two patients give 2 relapses in
    24 months, 1 per year, where the per-patient mean is 0.667:

    >>> pooled_arr([2, 0], [18, 6])
    1.0
    """
    c, m = _counts_and_months(counts, months)
    return 12.0 * math.fsum(c.tolist()) / math.fsum(m.tolist())
