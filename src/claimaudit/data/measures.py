"""What each data-level metric computes from a cohort: one function per ``data.metric``, all in the registry :data:`MEASURES`.

A measure reads a claim's data block (:class:`DataSpec`), selects its cohort from the derived
frames (``cohorts.py``), evaluates its ``variable`` (a pandas expression over the columns,
``DataFrame.eval``) and calls the metric in ``claimaudit.metrics``. It returns a
:class:`Measured`: the recomputed value of each role it produces, how it got each one, and the
direction and P a statement can be checked against. ``recompute.py`` compares them with the
printed values. Counts, percentages and means of recorded values are exact (``Fraction``: a
percentage on a rounding boundary, 66.65, lands on the right side of it); test statistics and
rates are the metrics' floats.

Definitions are those of docs/extract-format.md, section 4. A measure raises
:class:`~claimaudit.data.cohorts.Unavailable` when the data lack what it needs (a verdict of
not_checkable), and ``ValueError`` when its metric is undefined on these data (undetermined).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import numpy as np
import pandas as pd
from pandas.errors import UndefinedVariableError

from ..metrics import arr as arr_metric
from ..metrics import summary
from ..metrics.cox import CoxConvergenceError, cox_ph
from ..metrics.fisher import fisher_exact_p
from ..metrics.kaplan_meier import survival_at_end
from ..metrics.logrank import logrank as logrank_test
from ..metrics.mann_whitney import mann_whitney_u
from ..metrics.spearman import spearman as spearman_test
from ..metrics.wilcoxon import wilcoxon_signed_rank
from .cohorts import GROUP_ORDER, Cohorts, Unavailable

Value = Fraction | float

SURVIVAL = ("time_to_first_relapse", "relapsed")  # the one survival outcome of the sources: time and event


@dataclass(frozen=True)
class DataSpec:
    """A claim's data block, read (docs: claims/README.md, the ``data`` table)."""

    metric: str
    cohort: str
    variable: str | None = None
    by: str | None = None
    subset: str | None = None
    covariates: tuple[str, ...] = ()
    counts: tuple[tuple[str, str], ...] = ()
    rows: str = "patient"
    ties: str = "breslow"
    definition: str | None = None
    direction: str | None = None
    significant: bool | None = None

    @classmethod
    def of(cls, data: dict) -> "DataSpec":
        """The spec of a data block as the loader keeps it (a mapping)."""
        return cls(
            metric=data["metric"], cohort=data["cohort"], variable=data.get("variable"), by=data.get("by"),
            subset=data.get("subset"), covariates=tuple(data.get("covariates", ())),
            counts=tuple(dict(data.get("counts", {})).items()), rows=data.get("rows", "patient"),
            ties=data.get("ties", "breslow"), definition=data.get("definition"), direction=data.get("direction"),
            significant=data.get("significant"),
        )

    def where(self) -> str:
        """The rows it is computed on, in words: ``tacrolimus where initial_immunosuppressant``."""
        rows = " relapses" if self.rows == "relapse" else ""
        return f"{self.cohort}{rows}" + (f" where {self.subset}" if self.subset else "")


@dataclass
class Measured:
    """What a measure recomputed: values by role, how each was computed, and what a statement is checked against.

    ``exact`` names the roles that are counts (compared with a printed whole number exactly).
    ``alternatives`` holds the values under other definitions (pooled ARR, Efron ties), by name,
    so that the result can say which one reproduces the printed numbers. ``direction`` is the
    observed one (increase, decrease, higher, lower, positive, negative, or none); ``holds`` is the
    truth of a statement about every row (metric ``all``), with the rows that break it.
    """

    values: dict[str, Value] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    exact: set[str] = field(default_factory=set)
    definition: str = ""
    conventions: tuple[str, ...] = ()
    alternatives: dict[str, dict[str, Value]] = field(default_factory=dict)
    direction: str | None = None
    p: float | None = None
    holds: tuple[bool, str] | None = None

    def put(self, role: str, value: Value, shown: str, *, exact: bool = False) -> None:
        self.values[role] = value
        self.shown[role] = shown
        if exact:
            self.exact.add(role)


# ---------------------------------------------------------------- expressions and cohorts

def evaluate(frame: pd.DataFrame, expression: str) -> pd.Series:
    """The expression over the frame's columns (``DataFrame.eval``, python engine), one value per row.

    ``had_<event>`` of an adverse event nobody had is false for everyone.
    """
    missing = {n for n in re.findall(r"\bhad_[a-z0-9_]+\b", expression) if n not in frame.columns}
    if missing and "adverse_event" in frame.columns:
        frame = frame.assign(**dict.fromkeys(missing, False))
    try:
        out = frame.eval(expression, engine="python")
    except UndefinedVariableError as err:
        raise Unavailable(f"{err} among the cohort's columns (in {expression!r})") from None
    except (SyntaxError, ValueError, TypeError, KeyError, AttributeError) as err:
        raise Unavailable(f"cannot evaluate {expression!r}: {err}") from None
    if not isinstance(out, pd.Series):
        if isinstance(out, pd.DataFrame):
            raise Unavailable(f"{expression!r} is an assignment, not a value per row")
        out = pd.Series(out, index=frame.index)
    return out


def _rows(spec: DataSpec, data: Cohorts) -> pd.DataFrame:
    frame = data.frame(spec.cohort, spec.rows)
    if spec.subset:
        mask = evaluate(frame, spec.subset)
        if mask.dtype != bool:
            raise Unavailable(f"subset {spec.subset!r} is not true/false")
        frame = frame[mask]
    if frame.empty:
        raise Unavailable(f"no rows in {spec.where()}")
    return frame


def _groups(spec: DataSpec, data: Cohorts, frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The groups of a comparison: the values of ``by`` (documented order, group 1 first) or the cohorts joined by +."""
    if spec.by:
        labels = evaluate(frame, spec.by)
        order = GROUP_ORDER.get(spec.by, ())
        present = [v for v in order if (labels == v).any()] + sorted(set(labels.dropna()) - set(order), key=str)
        return [(str(v), frame[labels == v]) for v in present]
    parts = data.parts(spec.cohort)
    if len(parts) > 1:
        return [(name, frame[frame["cohort"] == name]) for name in parts]
    raise Unavailable(f"a comparison needs 'by' or two cohorts joined by + (cohort {spec.cohort!r})")


def _two(spec: DataSpec, data: Cohorts, frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    groups = _groups(spec, data, frame)
    if len(groups) != 2:
        raise Unavailable(f"{spec.by or spec.cohort!r} gives {len(groups)} group(s) {[g for g, _ in groups]} in {spec.where()}; "
                          "the comparison needs two")
    return groups


def _numbers(frame: pd.DataFrame, expression: str) -> pd.Series:
    values = evaluate(frame, expression)
    if values.dtype == object:
        raise Unavailable(f"{expression!r} is not a number per row")
    return values.astype("float64")


def _complete(*columns: pd.Series) -> tuple[list[np.ndarray], int]:
    """The rows where every column has a value, and how many rows were left out."""
    keep = np.logical_and.reduce([c.notna().to_numpy() for c in columns])
    return [c.to_numpy(dtype=float)[keep] for c in columns], int((~keep).sum())


def _pair(expression: str, sep: str) -> tuple[str, str]:
    left, found, right = expression.partition(sep)
    if not found or not left.strip() or not right.strip():
        raise Unavailable(f"variable {expression!r} must name two expressions joined by {sep.strip()!r}")
    return left.strip(), right.strip()


def _need(spec: DataSpec) -> str:
    if not spec.variable:
        raise Unavailable(f"metric {spec.metric!r} needs a 'variable'")
    return spec.variable


# ---------------------------------------------------------------- exact numbers

def exact(x) -> Fraction:
    """A recorded number as the decimal it was written as: 31.2 is 312/10 (via its shortest repr), 7 is 7."""
    if isinstance(x, (bool, np.bool_)):
        return Fraction(int(x))
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    return Fraction(repr(float(x)))


def num(x: Value, digits: int = 4) -> str:
    """A recomputed value for reading: whole numbers as such, others to ``digits`` significant digits."""
    if isinstance(x, Fraction) and x.denominator == 1:
        return str(x.numerator)
    f = float(x)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return f"{f:.{digits}g}"


def _values(frame: pd.DataFrame, expression: str) -> list[Fraction]:
    v = _numbers(frame, expression)
    if v.isna().any():
        raise Unavailable(f"{expression!r} is missing for {int(v.isna().sum())} of {len(v)} rows in the cohort")
    return [exact(x) for x in v.tolist()]


def _mean(xs: list[Fraction]) -> Fraction:
    """Σx/n exactly (the definition of metrics.summary.mean, in Fraction arithmetic)."""
    return sum(xs, Fraction(0)) / len(xs)


def _median(xs: list[Fraction]) -> Fraction:
    """The middle value, or the midpoint of the two middle ones (metrics.summary.median, exactly)."""
    s = sorted(xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def _mask(frame: pd.DataFrame, expression: str) -> pd.Series:
    mask = evaluate(frame, expression)
    if mask.dtype != bool:
        if mask.isna().any() or not mask.isin([0, 1]).all():
            raise Unavailable(f"{expression!r} is not true/false for every row")
        mask = mask.astype(bool)
    return mask


def _total(frame: pd.DataFrame, expression: str) -> tuple[Fraction, bool]:
    """The sum of the expression over the rows: true/false counts the rows where it holds; (sum, is a count)."""
    values = evaluate(frame, expression)
    if values.dtype == bool:
        return Fraction(summary.count_true(values)), True
    if values.dtype == object or values.isna().any():
        raise Unavailable(f"{expression!r} is not a number or true/false for every row")
    total = sum((exact(x) for x in values.tolist()), Fraction(0))
    return total, total.denominator == 1 and values.dtype.kind in "iu"


# ---------------------------------------------------------------- descriptive measures

def count(spec: DataSpec, data: Cohorts) -> Measured:
    """n = the rows of the cohort; ``count`` = the sum of ``variable``; ``counts``: each role's own sum (per group with ``by``)."""
    frame = _rows(spec, data)
    m = Measured(definition=f"counted over {spec.where()}")
    groups = _groups(spec, data, frame) if spec.by else [("", frame)]
    for i, (label, rows) in enumerate(groups, start=1):
        sfx = [f"_{i}", f"_{label}"] if spec.by else [""]
        items = ([("count", spec.variable)] if spec.variable else []) + list(spec.counts)
        for s in sfx:
            m.put(f"n{s}", Fraction(len(rows)), f"{len(rows)} {'relapses' if spec.rows == 'relapse' else 'patients'}"
                  + (f" ({label})" if label else ""), exact=True)
            for role, expression in items:
                total, whole = _total(rows, expression)
                m.put(f"{role}{s}", total, f"{num(total)} ({expression}" + (f", {label})" if label else ")"), exact=whole)
    return m


def proportion(spec: DataSpec, data: Cohorts) -> Measured:
    """k = rows where ``variable`` holds, n = rows, percent = 100·k/n exactly (metrics.summary.count_true, percent)."""
    frame = _rows(spec, data)
    expression = _need(spec)
    m = Measured(definition=f"{expression} over {spec.where()}")
    groups = _groups(spec, data, frame) if spec.by else [("", frame)]
    for i, (label, rows) in enumerate(groups, start=1):
        k, n = summary.count_true(_mask(rows, expression)), len(rows)
        pct = Fraction(100 * k, n)
        for s in ([f"_{i}", f"_{label}"] if spec.by else [""]):
            m.put(f"count{s}", Fraction(k), f"{k}", exact=True)
            m.put(f"n{s}", Fraction(n), f"{n}", exact=True)
            m.put(f"percent{s}", pct, f"{num(pct)}% ({k} of {n})")
    return m


def _describe(spec: DataSpec, data: Cohorts, centre: str) -> Measured:
    frame = _rows(spec, data)
    expression = _need(spec)
    xs = _values(frame, expression)
    m = Measured(definition=f"{centre} of {expression} over {spec.where()} (n = {len(xs)})")
    m.put("n", Fraction(len(xs)), str(len(xs)), exact=True)
    if centre == "mean":
        m.put("mean", _mean(xs), f"{num(_mean(xs))} (Σ = {num(sum(xs))}, n = {len(xs)})")
    if centre == "median":
        m.put("median", _median(xs), num(_median(xs)))
    m.put("min", min(xs), num(min(xs)))
    m.put("max", max(xs), num(max(xs)))
    return m


def mean(spec: DataSpec, data: Cohorts) -> Measured:
    """Mean, minimum and maximum of ``variable`` (exact)."""
    return _describe(spec, data, "mean")


def median(spec: DataSpec, data: Cohorts) -> Measured:
    """Median, minimum and maximum of ``variable`` (exact; the midpoint of the two middle values for even n)."""
    return _describe(spec, data, "median")


def range_(spec: DataSpec, data: Cohorts) -> Measured:
    """Minimum and maximum of ``variable``."""
    return _describe(spec, data, "range")


def all_rows(spec: DataSpec, data: Cohorts) -> Measured:
    """A statement about every row: ``variable`` (true/false) holds for all of them."""
    frame = _rows(spec, data)
    expression = _need(spec)
    mask = _mask(frame, expression)
    broken = frame[~mask]
    ids = broken["patient_id"].tolist() if "patient_id" in broken else broken.index.tolist()
    m = Measured(definition=f"{expression} for every row of {spec.where()}")
    k, n = int(mask.sum()), len(mask)
    m.holds = (bool(mask.all()), f"{k} of {n} rows" + (f"; not for {', '.join(map(str, ids[:5]))}" if len(ids) else ""))
    return m


# ---------------------------------------------------------------- before and after

_ARR = {"arr_before": ("attacks_before_treatment", "disease_months_before_drug"),
        "arr_after": ("relapses_on_treatment", "months_on_drug")}
ARR_DEFINITIONS = {"per_patient_mean": "mean over patients of each patient's ARR", "pooled": "pooled relapses per patient-year"}


def _change(before: Value, after: Value) -> Value:
    if before == 0:
        raise ValueError("the mean before is 0: a percent change from it is undefined")
    return 100 * (before - after) / before


def _direction(before: Value, after: Value) -> str:
    return "decrease" if after < before else "increase" if after > before else "none"


def arr(spec: DataSpec, data: Cohorts) -> Measured:
    """ARR before and after (``arr_before -> arr_after``) or one of them; per-patient mean or pooled (metrics.arr).

    The claim's ``definition`` (per_patient_mean, the default, or pooled) gives the values compared;
    the other definition's values are kept as an alternative.
    """
    frame = _rows(spec, data)
    expression = _need(spec)
    sides = _pair(expression, "->") if "->" in expression else (expression,)
    for side in sides:
        if side not in _ARR:
            raise Unavailable(f"metric 'arr' reads arr_before and arr_after, not {side!r}")
    chosen = spec.definition or "per_patient_mean"
    if chosen not in ARR_DEFINITIONS:
        raise Unavailable(f"unknown ARR definition {chosen!r} (per_patient_mean or pooled)")
    found: dict[str, dict[str, Value]] = {}
    for name, fn in (("per_patient_mean", arr_metric.mean_arr), ("pooled", arr_metric.pooled_arr)):
        rates = [fn(frame[_ARR[s][0]], frame[_ARR[s][1]]) for s in sides]
        v = {"mean": rates[0]} if len(sides) == 1 else {"before": rates[0], "after": rates[1], "change": _change(*rates)}
        found[name] = v
    m = Measured(definition=f"ARR as the {ARR_DEFINITIONS[chosen]} (data.definition {chosen}) over {spec.where()}, n = {len(frame)}",
                 conventions=("ARR = 12 · relapses / months of the window (years = months / 12)",))
    for role, v in found[chosen].items():
        m.put(role, v, num(v) + ("%" if role == "change" else ""))
    m.alternatives = {ARR_DEFINITIONS[n]: v for n, v in found.items() if n != chosen}
    if len(sides) == 2:
        m.direction = _direction(found[chosen]["before"], found[chosen]["after"])
    return m


def percent_change(spec: DataSpec, data: Cohorts) -> Measured:
    """Means before and after (``a -> b``) and 100·(mean before − mean after)/mean before, exactly."""
    frame = _rows(spec, data)
    a, b = _pair(_need(spec), "->")
    before, after = _mean(_values(frame, a)), _mean(_values(frame, b))
    m = Measured(definition=f"means of {a} and {b} over {spec.where()}, n = {len(frame)}; change = 100·(before − after)/before")
    m.put("before", before, num(before))
    m.put("after", after, num(after))
    change = _change(before, after)
    m.put("change", change, f"{num(change)}%")
    m.direction = _direction(before, after)
    return m


def wilcoxon(spec: DataSpec, data: Cohorts) -> Measured:
    """Wilcoxon signed-rank of ``before -> after`` per patient (metrics.wilcoxon, SPSS asymptotic); complete pairs only."""
    frame = _rows(spec, data)
    a, b = _pair(_need(spec), "->")
    (before, after), dropped = _complete(_numbers(frame, a), _numbers(frame, b))
    result = wilcoxon_signed_rank(before, after)
    m = Measured(definition=f"{a} -> {b} over {spec.where()}, {len(before)} pairs" + (f" ({dropped} incomplete left out)" if dropped else ""),
                 conventions=(result.method,))
    m.put("p", result.p, f"{num(result.p)} (z = {result.statistic:.3f})")
    m.p = result.p
    m.direction = "decrease" if result.statistic < 0 else "increase" if result.statistic > 0 else "none"
    return m


def mann_whitney(spec: DataSpec, data: Cohorts) -> Measured:
    """Mann-Whitney U of ``variable`` between two groups (metrics.mann_whitney, SPSS asymptotic)."""
    frame = _rows(spec, data)
    expression = _need(spec)
    (l1, g1), (l2, g2) = _two(spec, data, frame)
    (x,), d1 = _complete(_numbers(g1, expression))
    (y,), d2 = _complete(_numbers(g2, expression))
    result = mann_whitney_u(x, y)
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
    p = fisher_exact_p(k1, n1, k2, n2)
    m.put("p", p, f"{num(p)} ({k1}/{n1} vs {k2}/{n2})")
    m.p = float(p)
    m.conventions = ("Fisher's exact test, two-sided (SPSS 'Exact Sig. (2-sided)')",)
    return m


def _proportion_of_groups(spec: DataSpec, data: Cohorts) -> Measured:
    frame = _rows(spec, data)
    m = Measured(definition=f"{_need(spec)} over {spec.where()}")
    for i, (label, rows) in enumerate(_two(spec, data, frame), start=1):
        k, n = summary.count_true(_mask(rows, spec.variable)), len(rows)
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
    frame = _rows(spec, data)
    groups = _groups(spec, data, frame) if spec.by else [("", frame)]
    m = Measured(definition=f"Kaplan-Meier S at the last time of each group, time_to_first_relapse with event relapsed, {spec.where()}",
                 conventions=("Kaplan-Meier product-limit estimate; censored at months_on_drug",))
    for i, (label, rows) in enumerate(groups, start=1):
        t, e = _survival(spec, rows)
        s = survival_at_end(t, e)
        for sfx in ([f"_{i}", f"_{label}"] if spec.by else [""]):
            m.put(f"survival{sfx}", s, f"{num(s)} ({int(e.sum())} relapsed of {len(t)}" + (f", {label})" if label else ")"))
    return m


def logrank(spec: DataSpec, data: Cohorts) -> Measured:
    """Log-rank (Mantel-Cox) P of time_to_first_relapse between the groups of ``by`` (metrics.logrank)."""
    _survival_variable(spec)
    frame = _rows(spec, data)
    groups = _two(spec, data, frame)
    rows = pd.concat([g for _, g in groups])
    labels = np.concatenate([[i] * len(g) for i, (_, g) in enumerate(groups)])
    t, e = _survival(spec, rows)
    result = logrank_test(t, e, labels)
    m = Measured(definition=f"time_to_first_relapse (event relapsed): {groups[0][0]} vs {groups[1][0]}, {spec.where()}",
                 conventions=(result.method,))
    m.put("p", result.p, f"{num(result.p)} (chi² = {result.statistic:.3f})")
    m.p = result.p
    return m


def cox(spec: DataSpec, data: Cohorts) -> Measured:
    """Cox HR, Wald 95% CI and P of ``variable``, alone or among ``covariates``; ``ties`` (breslow, SPSS) and Efron alongside."""
    frame = _rows(spec, data)
    term = _need(spec)
    terms = list(spec.covariates) or [term]
    if term not in terms:
        raise Unavailable(f"variable {term!r} is not one of the covariates {terms}")
    x = np.column_stack([_numbers(frame, c).to_numpy(dtype=float) for c in terms])
    if np.isnan(x).any():
        raise Unavailable(f"a covariate is missing for {int(np.isnan(x).any(axis=1).sum())} patient(s)")
    t, e = _survival(spec, frame)
    other = "efron" if spec.ties == "breslow" else "breslow"
    fits = {}
    for ties in (spec.ties, other):
        try:
            fits[ties] = cox_ph(t, e, x, ties=ties, names=terms)
        except CoxConvergenceError as err:
            raise ValueError(f"the Cox model ({ties}) does not converge: {err}") from None
    hr, lo, hi, p = fits[spec.ties].triad(term)
    model = "univariate" if len(terms) == 1 else f"adjusted for {', '.join(c for c in terms if c != term)}"
    m = Measured(definition=f"Cox model of time_to_first_relapse (event relapsed) on {term}, {model}, "
                            f"{int(e.sum())} events in {len(t)} patients, {spec.ties} ties",
                 conventions=(f"Cox partial likelihood, {spec.ties} ties" + (" (SPSS COXREG)" if spec.ties == "breslow" else ""),
                              "Wald 95% CI with z = 1.959964, Wald P"))
    for role, v in (("hr", hr), ("ci_low", lo), ("ci_high", hi), ("p", p)):
        m.put(role, v, num(v))
    m.p = p
    m.direction = "higher" if hr > 1 else "lower" if hr < 1 else "none"
    hr2, lo2, hi2, p2 = fits[other].triad(term)
    m.alternatives = {f"{other} ties": {"hr": hr2, "ci_low": lo2, "ci_high": hi2, "p": p2}}
    return m


def spearman(spec: DataSpec, data: Cohorts) -> Measured:
    """Spearman's rho and its P for ``x with y`` (metrics.spearman), complete pairs only."""
    frame = _rows(spec, data)
    a, b = _pair(_need(spec), " with ")
    (x, y), dropped = _complete(_numbers(frame, a), _numbers(frame, b))
    result = spearman_test(x, y)
    m = Measured(definition=f"{a} with {b} over {spec.where()}, {len(x)} pairs" + (f" ({dropped} incomplete left out)" if dropped else ""),
                 conventions=(result.method,))
    m.put("rho", result.statistic, num(result.statistic))
    m.put("p", result.p, num(result.p))
    m.p = result.p
    m.direction = "positive" if result.statistic > 0 else "negative" if result.statistic < 0 else "none"
    return m


#: Every data-level metric: ``data.metric`` → its measure.
MEASURES: dict[str, Callable[[DataSpec, Cohorts], Measured]] = {
    "count": count, "proportion": proportion, "mean": mean, "median": median, "range": range_, "all": all_rows,
    "arr": arr, "percent_change": percent_change, "wilcoxon": wilcoxon, "mann_whitney": mann_whitney, "fisher": fisher,
    "kaplan_meier": kaplan_meier, "logrank": logrank, "cox": cox, "spearman": spearman,
}
