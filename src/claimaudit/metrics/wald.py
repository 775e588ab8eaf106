"""The normal distribution behind Wald tests: Φ, the 97.5% quantile, Wald P values and Wald CIs.

A Wald test divides an estimate by its standard error, ``W = β / SE``, and refers W to the
standard normal (Wald 1943; Agresti, *Categorical Data Analysis*, 3rd ed., 2013, §1.3.3). For a
Cox model β is the log hazard ratio; SPSS prints ``Exp(B)`` = exp(β), ``95% CI for Exp(B)`` =
exp(β ± z·SE) and ``Sig.`` = the two-sided P, 2·(1 − Φ(|W|)) (R: ``summary(coxph(...))``,
columns ``exp(coef)``, ``lower .95``, ``upper .95``, ``Pr(>|z|)``).

Φ comes from ``math.erfc``: Φ(x) = erfc(−x/√2)/2, accurate in both tails (no cancellation in
1 − Φ). Pure Python on purpose: importing scipy costs ~0.8 s and the data-free audit must stay
under 3 s. The tests compare with ``scipy.stats.norm``.
"""

from __future__ import annotations

import math
from statistics import NormalDist

Z_975 = NormalDist().inv_cdf(0.975)
"""The exact 97.5% standard normal quantile, 1.959963984540054 (R ``qnorm(0.975)``; SPSS)."""

Z_196 = 1.96
"""The quantile rounded to two decimals, as hand calculations and some programs use it."""

_SQRT2 = math.sqrt(2.0)


def normal_cdf(x: float) -> float:
    """Φ(x), the standard normal distribution function (scipy.stats.norm.cdf; R ``pnorm``).

    >>> round(normal_cdf(1.959963984540054), 6)
    0.975
    """
    return 0.5 * math.erfc(-x / _SQRT2)


def two_sided_p(w: float) -> float:
    """Two-sided Wald P of a statistic w: 2·(1 − Φ(|w|)) = erfc(|w|/√2) (SPSS "Sig."; R ``Pr(>|z|)``).

    ``w = ±inf`` gives 0. Chen 2017, Table 4, AQP4-IgG titer, HR 5.665 (1.012–31.705):

    >>> beta = math.log(5.665)
    >>> se = (math.log(31.705) - math.log(1.012)) / (2 * Z_975)
    >>> round(two_sided_p(beta / se), 3)
    0.048
    """
    return math.erfc(abs(w) / _SQRT2)


def one_sided_p(w: float) -> float:
    """One-sided Wald P in the direction of the estimate: 1 − Φ(|w|), half the two-sided P.

    >>> round(one_sided_p(1.959963984540054), 6)
    0.025
    """
    return 0.5 * math.erfc(abs(w) / _SQRT2)


def wald_triad(beta: float, se: float, z: float = Z_975) -> tuple[float, float, float, float]:
    """(HR, CI low, CI high, P) of a log hazard ratio β with standard error SE.

    HR = exp(β), CI = exp(β ± z·SE), P = two-sided Wald P of β/SE (SPSS ``Exp(B)``,
    ``95% CI for Exp(B)``, ``Sig.``). Chen 2017, Table 4, age at onset prints 0.987 (0.936–1.041)
    and P 0.632, which β = −0.0130, SE = 0.02715 reproduce, although the printed numbers taken
    as exact give P = 0.629 (rounding the HR and CI to 3 decimals moves P by about ±0.012):

    >>> hr, lo, hi, p = wald_triad(-0.0130, 0.02715)
    >>> f"{hr:.3f} ({lo:.3f}–{hi:.3f}) P = {p:.3f}"
    '0.987 (0.936–1.041) P = 0.632'
    """
    if not se > 0:
        raise ValueError(f"se={se!r} must be > 0")
    return math.exp(beta), math.exp(beta - z * se), math.exp(beta + z * se), two_sided_p(beta / se)
