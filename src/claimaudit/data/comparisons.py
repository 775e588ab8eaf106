"""The data-level tests: paired (Wilcoxon), two groups (Mann-Whitney, Fisher), survival (Kaplan-Meier, log-rank, Cox), correlation (Spearman).

Each reads a claim's data block, evaluates its expressions on the cohort (``spec.py``) and calls
the metric in ``claimaudit.metrics``, whose docstrings pin the conventions (SPSS asymptotic P,
Breslow ties as SPSS COXREG, Wald CI with z = 1.959964). Rows missing a value are left out of a
paired or two-group test, and the definition says how many. The survival outcome is the one of
the sources: ``time_to_first_relapse`` with the event ``relapsed`` (docs/extract-format.md).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..metrics import summary
from ..metrics.cox import CoxConvergenceError, cox_ph
from ..metrics.fisher import fisher_exact_p
from ..metrics.kaplan_meier import survival_at_end
from ..metrics.logrank import logrank as logrank_test
from ..metrics.mann_whitney import mann_whitney_u
from ..metrics.spearman import spearman as spearman_test
from ..metrics.wilcoxon import wilcoxon_signed_rank
from .cohorts import Cohorts, Unavailable
from .spec import (
    DataSpec,
    Measured,
    Undefined,
    as_mask,
    as_numbers,
    call,
    complete_cases,
    group_rows,
    need_variable,
    num,
    select_rows,
    split_pair,
    two_groups,
)

SURVIVAL = ("time_to_first_relapse", "relapsed")  # the one survival outcome of the sources: time and event


def _pairs(spec: DataSpec, data: Cohorts, sep: str):
    """The complete pairs of ``a <sep> b`` over the claim's rows, and the definition that names them."""
    frame = select_rows(spec, data)
    a, b = split_pair(need_variable(spec), sep)
    (x, y), dropped = complete_cases(as_numbers(frame, a), as_numbers(frame, b))
    definition = f"{a} {sep.strip()} {b} over {spec.where()}, {len(x)} pairs" + (f" ({dropped} incomplete left out)" if dropped else "")
    return (x, y), definition


def wilcoxon(spec: DataSpec, data: Cohorts) -> Measured:
    """Wilcoxon signed-rank of ``before -> after`` per patient (metrics.wilcoxon, SPSS asymptotic); complete pairs only."""
    (before, after), definition = _pairs(spec, data, "->")
    result = call(wilcoxon_signed_rank, before, after)
    m = Measured(definition=definition, conventions=(result.method,))
    m.put("p", result.p, f"{num(result.p)} (z = {result.statistic:.3f})")
    m.p = result.p
    m.direction = "decrease" if result.statistic < 0 else "increase" if result.statistic > 0 else "none"
    return m


def mann_whitney(spec: DataSpec, data: Cohorts) -> Measured:
    """Mann-Whitney U of ``variable`` between two groups (metrics.mann_whitney, SPSS asymptotic)."""
    frame = select_rows(spec, data)
    expression = need_variable(spec)
    (l1, g1), (l2, g2) = two_groups(spec, data, frame)
    (x,), d1 = complete_cases(as_numbers(g1, expression))
    (y,), d2 = complete_cases(as_numbers(g2, expression))
    result = call(mann_whitney_u, x, y)
    m = Measured(definition=f"{expression}: {l1} (n = {len(x)}) vs {l2} (n = {len(y)})" + (f", {d1 + d2} missing left out" if d1 + d2 else ""),
                 conventions=(result.method,))
    m.put("p", result.p, f"{num(result.p)} (U = {num(result.statistic)})")
    m.p = result.p
    half = len(x) * len(y) / 2
    m.direction = "higher" if result.statistic > half else "lower" if result.statistic < half else "none"
    return m


def fisher(spec: DataSpec, data: Cohorts) -> Measured:
    """Two-sided Fisher exact P of ``variable`` (true/false) by group, with each group's count and percentage."""
    m = _proportion_of_groups(spec, data)
    k1, n1, k2, n2 = (int(m.values[r]) for r in ("count_1", "n_1", "count_2", "n_2"))
    p = call(fisher_exact_p, k1, n1, k2, n2)
    m.put("p", p, f"{num(p)} ({k1}/{n1} vs {k2}/{n2})")
    m.p = float(p)
    m.conventions = ("Fisher's exact test, two-sided (SPSS 'Exact Sig. (2-sided)')",)
    return m


def _proportion_of_groups(spec: DataSpec, data: Cohorts) -> Measured:
    frame = select_rows(spec, data)
    m = Measured(definition=f"{need_variable(spec)} over {spec.where()}")
    for i, (label, rows) in enumerate(two_groups(spec, data, frame), start=1):
        k, n = summary.count_true(as_mask(rows, spec.variable)), len(rows)
        for s in (f"_{i}", f"_{label}"):
            m.put(f"count{s}", Fraction(k), str(k), exact=True)
            m.put(f"n{s}", Fraction(n), str(n), exact=True)
            m.put(f"percent{s}", Fraction(100 * k, n), f"{num(Fraction(100 * k, n))}% ({k} of {n})")
    return m


# ---------------------------------------------------------------- survival

def _survival(spec: DataSpec, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    for column in SURVIVAL:
        if column not in frame:
            raise Unavailable(f"the survival outcome needs {column!r}, which the cohort lacks")
    return frame[SURVIVAL[0]].to_numpy(dtype=float), frame[SURVIVAL[1]].to_numpy(dtype=bool)


def _survival_variable(spec: DataSpec) -> None:
    if spec.variable not in (None, SURVIVAL[0]):
        raise Unavailable(f"metric {spec.metric!r} reads time_to_first_relapse (with the event relapsed), not {spec.variable!r}")


def kaplan_meier(spec: DataSpec, data: Cohorts) -> Measured:
    """Kaplan-Meier relapse-free proportion at the end of follow-up, per group of ``by`` (metrics.kaplan_meier)."""
    _survival_variable(spec)
    frame = select_rows(spec, data)
    groups = group_rows(spec, data, frame) if spec.by else [("", frame)]
    m = Measured(definition=f"Kaplan-Meier S at the last time of each group, time_to_first_relapse with event relapsed, {spec.where()}",
                 conventions=("Kaplan-Meier product-limit estimate; censored at months_on_drug",))
    for i, (label, rows) in enumerate(groups, start=1):
        t, e = _survival(spec, rows)
        s = call(survival_at_end, t, e)
        for sfx in ([f"_{i}", f"_{label}"] if spec.by else [""]):
            m.put(f"survival{sfx}", s, f"{num(s)} ({int(e.sum())} relapsed of {len(t)}" + (f", {label})" if label else ")"))
    return m


def logrank(spec: DataSpec, data: Cohorts) -> Measured:
    """Log-rank (Mantel-Cox) P of time_to_first_relapse between the groups of ``by`` (metrics.logrank)."""
    _survival_variable(spec)
    frame = select_rows(spec, data)
    groups = two_groups(spec, data, frame)
    rows = pd.concat([g for _, g in groups])
    labels = np.concatenate([[i] * len(g) for i, (_, g) in enumerate(groups)])
    t, e = _survival(spec, rows)
    result = call(logrank_test, t, e, labels)
    m = Measured(definition=f"time_to_first_relapse (event relapsed): {groups[0][0]} vs {groups[1][0]}, {spec.where()}",
                 conventions=(result.method,))
    m.put("p", result.p, f"{num(result.p)} (chi² = {result.statistic:.3f})")
    m.p = result.p
    return m


def cox(spec: DataSpec, data: Cohorts) -> Measured:
    """Cox HR, Wald 95% CI and P of ``variable``, alone or among ``covariates``; ``ties`` (breslow, SPSS) and Efron alongside."""
    frame = select_rows(spec, data)
    term = need_variable(spec)
    terms = list(spec.covariates) or [term]
    if term not in terms:
        raise Unavailable(f"variable {term!r} is not one of the covariates {terms}")
    x = np.column_stack([as_numbers(frame, c).to_numpy(dtype=float) for c in terms])
    if np.isnan(x).any():
        raise Unavailable(f"a covariate is missing for {int(np.isnan(x).any(axis=1).sum())} patient(s)")
    t, e = _survival(spec, frame)
    other = "efron" if spec.ties == "breslow" else "breslow"
    try:
        fit = cox_ph(t, e, x, ties=spec.ties, names=terms)
    except CoxConvergenceError as err:
        raise Undefined(f"the Cox model ({spec.ties}) does not converge: {err}") from None
    except ValueError as err:  # CoxFitError: no events, collinear covariates
        raise Undefined(str(err)) from None
    hr, lo, hi, p = fit.triad(term)
    model = "univariate" if len(terms) == 1 else f"adjusted for {', '.join(c for c in terms if c != term)}"
    m = Measured(definition=f"Cox model of time_to_first_relapse (event relapsed) on {term}, {model}, "
                            f"{int(e.sum())} events in {len(t)} patients, {spec.ties} ties",
                 conventions=(f"Cox partial likelihood, {spec.ties} ties" + (" (SPSS COXREG)" if spec.ties == "breslow" else ""),
                              "Wald 95% CI with z = 1.959964, Wald P"))
    for role, v in (("hr", hr), ("ci_low", lo), ("ci_high", hi), ("p", p)):
        m.put(role, v, num(v))
    m.p = p
    m.direction = "higher" if hr > 1 else "lower" if hr < 1 else "none"
    try:
        hr2, lo2, hi2, p2 = cox_ph(t, e, x, ties=other, names=terms).triad(term)
        m.alternatives = {f"{other} ties": {"hr": hr2, "ci_low": lo2, "ci_high": hi2, "p": p2}}
    except ValueError:  # CoxConvergenceError, CoxFitError
        m.definition += f" ({other} ties do not converge)"
    return m


def spearman(spec: DataSpec, data: Cohorts) -> Measured:
    """Spearman's rho and its P for ``x with y`` (metrics.spearman), complete pairs only."""
    (x, y), definition = _pairs(spec, data, " with ")
    result = call(spearman_test, x, y)
    m = Measured(definition=definition, conventions=(result.method,))
    m.put("rho", result.statistic, num(result.statistic))
    m.put("p", result.p, num(result.p))
    m.p = result.p
    m.direction = "positive" if result.statistic > 0 else "negative" if result.statistic < 0 else "none"
    return m
