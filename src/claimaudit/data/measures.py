"""What each data-level metric computes from a cohort: one function per ``data.metric``, all in the registry :data:`MEASURES`.

A measure reads a claim's data block (:class:`~claimaudit.data.spec.DataSpec`), selects its rows
from the derived cohorts (``cohorts.py``), evaluates its ``variable`` and calls the metric in
``claimaudit.metrics``. It returns a :class:`~claimaudit.data.spec.Measured`: the recomputed
value of each role it produces, how it got each one, and the direction and P a statement can be
checked against; ``recompute.py`` compares them with the printed values. This module holds the
descriptive and before/after measures; ``comparisons.py`` the tests (paired, two groups,
survival, correlation).

Definitions are those of docs/extract-format.md, sections 4 and 5. A measure raises
:class:`~claimaudit.data.cohorts.Unavailable` when the data lack what it needs (not_checkable)
and ``ValueError`` when its metric is undefined on these data (undetermined).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..metrics import arr as arr_metric
from ..metrics import summary
from . import comparisons
from .cohorts import Cohorts, Unavailable
from .spec import (
    DataSpec,
    Measured,
    Undefined,
    Value,
    as_mask,
    call,
    evaluate,
    exact_max,
    exact_mean,
    exact_median,
    exact_min,
    exact_sum,
    exact_values,
    group_rows,
    need_variable,
    num,
    select_rows,
    split_pair,
    sum_of,
)

__all__ = ["MEASURES", "DataSpec", "Measured", "evaluate", "num"]

def count(spec: DataSpec, data: Cohorts) -> Measured:
    """n = the rows of the cohort; ``count`` = the sum of ``variable``; ``counts``: each role's own sum (per group with ``by``)."""
    frame = select_rows(spec, data)
    m = Measured(definition=f"counted over {spec.where()}")
    groups = group_rows(spec, data, frame) if spec.by else [("", frame)]
    for i, (label, rows) in enumerate(groups, start=1):
        sfx = [f"_{i}", f"_{label}"] if spec.by else [""]
        items = ([("count", spec.variable)] if spec.variable else []) + list(spec.counts)
        for s in sfx:
            m.put(f"n{s}", Fraction(len(rows)), f"{len(rows)} {'relapses' if spec.rows == 'relapse' else 'patients'}"
                  + (f" ({label})" if label else ""), exact=True)
            for role, expression in items:
                total, whole = sum_of(rows, expression)
                m.put(f"{role}{s}", total, f"{num(total)} ({expression}" + (f", {label})" if label else ")"), exact=whole)
    return m


def proportion(spec: DataSpec, data: Cohorts) -> Measured:
    """k = rows where ``variable`` holds, n = rows, percent = 100·k/n exactly (metrics.summary.count_true, percent)."""
    frame = select_rows(spec, data)
    expression = need_variable(spec)
    m = Measured(definition=f"{expression} over {spec.where()}")
    groups = group_rows(spec, data, frame) if spec.by else [("", frame)]
    for i, (label, rows) in enumerate(groups, start=1):
        k, n = summary.count_true(as_mask(rows, expression)), len(rows)
        pct = Fraction(100 * k, n)
        for s in ([f"_{i}", f"_{label}"] if spec.by else [""]):
            m.put(f"count{s}", Fraction(k), f"{k}", exact=True)
            m.put(f"n{s}", Fraction(n), f"{n}", exact=True)
            m.put(f"percent{s}", pct, f"{num(pct)}% ({k} of {n})")
    return m


def _describe(spec: DataSpec, data: Cohorts, centre: str) -> Measured:
    frame = select_rows(spec, data)
    expression = need_variable(spec)
    xs = exact_values(frame, expression)
    m = Measured(definition=f"{centre} of {expression} over {spec.where()} (n = {len(xs)})")
    m.put("n", Fraction(len(xs)), str(len(xs)), exact=True)
    if centre == "mean":
        total = exact_sum(xs)
        m.put("mean", total / len(xs), f"{num(total / len(xs))} (Σ = {num(total)}, n = {len(xs)})")
    if centre == "median":
        median_ = exact_median(xs)
        m.put("median", median_, num(median_))
    low, high = exact_min(xs), exact_max(xs)
    m.put("min", low, num(low))
    m.put("max", high, num(high))
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
    frame = select_rows(spec, data)
    expression = need_variable(spec)
    mask = as_mask(frame, expression)
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
        raise Undefined("the mean before is 0: a percent change from it is undefined")
    return 100 * (before - after) / before


def _direction(before: Value, after: Value) -> str:
    return "decrease" if after < before else "increase" if after > before else "none"


def arr(spec: DataSpec, data: Cohorts) -> Measured:
    """ARR before and after (``arr_before -> arr_after``) or one of them; per-patient mean or pooled (metrics.arr).

    The claim's ``definition`` (per_patient_mean, the default, or pooled) gives the values compared;
    the other definition's values are kept as an alternative.
    """
    frame = select_rows(spec, data)
    expression = need_variable(spec)
    sides = split_pair(expression, "->") if "->" in expression else (expression,)
    for side in sides:
        if side not in _ARR:
            raise Unavailable(f"metric 'arr' reads arr_before and arr_after, not {side!r}")
    chosen = spec.definition or "per_patient_mean"
    if chosen not in ARR_DEFINITIONS:
        raise Unavailable(f"unknown ARR definition {chosen!r} (per_patient_mean or pooled)")
    found: dict[str, dict[str, Value]] = {}
    for name, fn in (("per_patient_mean", arr_metric.mean_arr), ("pooled", arr_metric.pooled_arr)):
        rates = [call(fn, frame[_ARR[s][0]], frame[_ARR[s][1]]) for s in sides]
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
    frame = select_rows(spec, data)
    a, b = split_pair(need_variable(spec), "->")
    before, after = exact_mean(exact_values(frame, a)), exact_mean(exact_values(frame, b))
    m = Measured(definition=f"means of {a} and {b} over {spec.where()}, n = {len(frame)}; change = 100·(before − after)/before")
    m.put("before", before, num(before))
    m.put("after", after, num(after))
    change = _change(before, after)
    m.put("change", change, f"{num(change)}%")
    m.direction = _direction(before, after)
    return m


#: Every data-level metric: ``data.metric`` → its measure.
MEASURES: dict[str, Callable[[DataSpec, Cohorts], Measured]] = {
    "count": count, "proportion": proportion, "mean": mean, "median": median, "range": range_, "all": all_rows,
    "arr": arr, "percent_change": percent_change, "wilcoxon": comparisons.wilcoxon, "mann_whitney": comparisons.mann_whitney,
    "fisher": comparisons.fisher, "kaplan_meier": comparisons.kaplan_meier, "logrank": comparisons.logrank, "cox": comparisons.cox,
    "spearman": comparisons.spearman,
}
