"""Data blocks read, and evaluated on the derived cohorts: the pieces every data-level measure shares.

:class:`DataSpec` is a claim's ``data`` block; :func:`evaluate` computes one of its expressions
(``variable``, ``subset``, ``by``, ``covariates``, ``counts``) over a cohort's columns with
``DataFrame.eval`` (python engine); :func:`select_rows` and :func:`groups` pick the rows and the
groups of a comparison. :class:`Measured` is what a measure returns. Counts, sums, means and
medians of recorded values are exact (``Fraction`` of the decimal as written, computed with
integer arithmetic in numpy; see "exact numbers" below), so a percentage on a rounding boundary
(66.65) lands on the right side of it.

Missing data raise :class:`~claimaudit.data.cohorts.Unavailable` (a verdict of not_checkable).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd
from pandas.errors import UndefinedVariableError

from ..metrics import summary
from .cohorts import GROUP_ORDER, Cohorts, Unavailable

Value = Fraction | float


class Undefined(Exception):
    """The metric is undefined on these data (every pair tied, no event, a Cox model that does not converge): undetermined."""


def call(metric, *args, **kwargs):
    """``metric(*args, **kwargs)``; the ValueError a metric raises for data it is undefined on becomes :class:`Undefined`.

    Only the metric call is wrapped, so a ValueError anywhere else (a bug) keeps its traceback.
    """
    try:
        return metric(*args, **kwargs)
    except ValueError as err:
        raise Undefined(str(err)) from None

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
    def of(cls, data: dict) -> DataSpec:
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
    if expression in frame.columns:
        return frame[expression]
    missing = {n for n in re.findall(r"\bhad_[a-z0-9_]+\b", expression) if n not in frame.columns}
    if missing and "adverse_event" in frame.columns:
        frame = frame.assign(**dict.fromkeys(missing, False))
    # eval builds a resolver per column of the frame: give it only the columns the expression names (10x faster).
    names = set(re.findall(r"[A-Za-z_]\w*", expression))
    try:
        out = frame[[c for c in frame.columns if c in names]].eval(expression, engine="python")
    except UndefinedVariableError as err:
        raise Unavailable(f"{err} among the cohort's columns (in {expression!r})") from None
    except (SyntaxError, ValueError, TypeError, KeyError, AttributeError) as err:
        raise Unavailable(f"cannot evaluate {expression!r}: {err}") from None
    if not isinstance(out, pd.Series):
        if isinstance(out, pd.DataFrame):
            raise Unavailable(f"{expression!r} is an assignment, not a value per row")
        out = pd.Series(out, index=frame.index)
    return out


def select_rows(spec: DataSpec, data: Cohorts) -> pd.DataFrame:
    frame = data.frame(spec.cohort, spec.rows)
    if spec.subset:
        mask = evaluate(frame, spec.subset)
        if mask.dtype != bool:
            raise Unavailable(f"subset {spec.subset!r} is not true/false")
        frame = frame[mask]
    if frame.empty:
        raise Unavailable(f"no rows in {spec.where()}")
    return frame


def group_rows(spec: DataSpec, data: Cohorts, frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The groups of a comparison: the values of ``by`` (documented order, group 1 first) or the cohorts joined by +."""
    if spec.by:
        labels = evaluate(frame, spec.by)
        order = GROUP_ORDER.get(spec.by, ())
        # one factorize instead of a comparison of the whole (object) column per group: 1M rows, 0.24 s -> 0.05 s
        codes, uniques = pd.factorize(labels)
        code_of = {v: i for i, v in enumerate(uniques.tolist())}
        present = [v for v in order if v in code_of] + sorted(set(code_of) - set(order), key=str)
        return [(str(v), frame[codes == code_of[v]]) for v in present]
    parts = data.parts(spec.cohort)
    if len(parts) > 1:
        return [(name, frame[frame["cohort"] == name]) for name in parts]
    raise Unavailable(f"a comparison needs 'by' or two cohorts joined by + (cohort {spec.cohort!r})")


def two_groups(spec: DataSpec, data: Cohorts, frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    groups = group_rows(spec, data, frame)
    if len(groups) != 2:
        raise Unavailable(f"{spec.by or spec.cohort!r} gives {len(groups)} group(s) {[g for g, _ in groups]} in {spec.where()}; "
                          "the comparison needs two")
    return groups


def as_numbers(frame: pd.DataFrame, expression: str) -> pd.Series:
    values = evaluate(frame, expression)
    if values.dtype == object:
        raise Unavailable(f"{expression!r} is not a number per row")
    return values.astype("float64")


def complete_cases(*columns: pd.Series) -> tuple[list[np.ndarray], int]:
    """The rows where every column has a value, and how many rows were left out."""
    keep = np.logical_and.reduce([c.notna().to_numpy() for c in columns])
    return [c.to_numpy(dtype=float)[keep] for c in columns], int((~keep).sum())


def split_pair(expression: str, sep: str) -> tuple[str, str]:
    left, found, right = expression.partition(sep)
    if not found or not left.strip() or not right.strip():
        raise Unavailable(f"variable {expression!r} must name two expressions joined by {sep.strip()!r}")
    return left.strip(), right.strip()


def need_variable(spec: DataSpec) -> str:
    if not spec.variable:
        raise Unavailable(f"metric {spec.metric!r} needs a 'variable'")
    return spec.variable


# ---------------------------------------------------------------- exact numbers
#
# A recorded number stands for the decimal it was written as: 31.2 is 312/10, the shortest repr of
# the float read. Sums, means, medians and extremes are exact in that sense, and vectorised:
#
# - whole numbers (integer columns, true/false) are summed as integers;
# - floats are scaled by 10^k, for the smallest k <= 6 at which every value v has an integer m with
#   m / 10^k == v (float division, correctly rounded) and |m| <= 10^15. Then m / 10^k is the shortest
#   repr of v: it has at most 15 significant digits and rounds to v, and two distinct decimals of at
#   most 15 significant digits are further apart (relative 1e-15) than the floats that round to one
#   value (2^-52). So Σ v is exactly Fraction(Σ m, 10^k), Σ m summed in int64 without overflow;
# - the median and the extremes are order statistics: repr is monotone, so the exact median is the
#   exact value of the middle float(s) (np.partition), and only those one or two become Fractions;
# - floats that no k <= 6 fits (computed values, not numbers as written) have no short decimal to be
#   exact about: their sum is math.fsum (the correctly rounded sum of the binary values) and the mean
#   that sum / n, a float (one Fraction per value only when fsum overflows).
#
# Measured at 1,000,000 patients: a mean 4.6 s -> ~0.02 s (docs/benchmarks.md).

_MAX_DECIMALS = 6
_MAX_SCALED = 10.0**15


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


def exact_values(frame: pd.DataFrame, expression: str) -> np.ndarray:
    """The expression's value on every row, as float64; Unavailable when a row has none."""
    v = as_numbers(frame, expression)
    if v.isna().any():
        raise Unavailable(f"{expression!r} is missing for {int(v.isna().sum())} of {len(v)} rows in the cohort")
    return v.to_numpy(dtype="float64")


def _int_sum(m: np.ndarray) -> int:
    """Σ m exactly, m int64: one int64 sum when it cannot overflow, else the high and low 32 bits apart."""
    if m.size == 0:
        return 0
    if m.size * max(abs(float(m.min())), abs(float(m.max()))) < 2.0**62:
        return int(m.sum())
    return (int((m >> 32).sum()) << 32) + int((m & 0xFFFFFFFF).sum())  # each part fits for n < 2^31


def _scaled(xs: np.ndarray) -> tuple[np.ndarray, int] | None:
    """(m, k) with xs == m / 10^k exactly as written (see the comment above), smallest k <= 6; None when none fits."""
    for k in range(_MAX_DECIMALS + 1):
        scale = 10.0**k
        m = np.rint(xs * scale)
        if not (np.abs(m) <= _MAX_SCALED).all():
            return None  # a larger k only makes m larger
        if np.array_equal(m / scale, xs):
            return m.astype(np.int64), k
    return None


def exact_sum(xs: np.ndarray) -> Value:
    """Σ xs: exact (a Fraction of the decimals as written) when every value has at most 6 decimals, else math.fsum."""
    if xs.dtype.kind in "iub":
        return Fraction(_int_sum(xs.astype(np.int64)))
    scaled = _scaled(xs)
    if scaled is None:
        try:
            return math.fsum(xs.tolist())
        except OverflowError:  # beyond 1.8e308 on the way: one Fraction per value, as the definition reads
            return sum((exact(x) for x in xs.tolist()), Fraction(0))
    m, k = scaled
    return Fraction(_int_sum(m), 10**k)


def exact_mean(xs: np.ndarray) -> Value:
    """Σx/n (the definition of metrics.summary.mean), exactly as :func:`exact_sum` is."""
    return exact_sum(xs) / len(xs)


def exact_median(xs: np.ndarray) -> Fraction:
    """The middle value, or the midpoint of the two middle ones (metrics.summary.median), exactly."""
    mid = len(xs) // 2
    if len(xs) % 2:
        return exact(np.partition(xs, mid)[mid])
    part = np.partition(xs, (mid - 1, mid))
    return (exact(part[mid - 1]) + exact(part[mid])) / 2


def exact_min(xs: np.ndarray) -> Fraction:
    """The smallest value, exactly."""
    return exact(xs.min())


def exact_max(xs: np.ndarray) -> Fraction:
    """The largest value, exactly."""
    return exact(xs.max())


def as_mask(frame: pd.DataFrame, expression: str) -> pd.Series:
    mask = evaluate(frame, expression)
    if mask.dtype != bool:
        if mask.isna().any() or not mask.isin([0, 1]).all():
            raise Unavailable(f"{expression!r} is not true/false for every row")
        mask = mask.astype(bool)
    return mask


def sum_of(frame: pd.DataFrame, expression: str) -> tuple[Fraction | float, bool]:
    """The sum of the expression over the rows: true/false counts the rows where it holds; (sum, is a count)."""
    values = evaluate(frame, expression)
    if values.dtype == bool:
        return Fraction(summary.count_true(values)), True
    if values.dtype.kind not in "biuf" or values.isna().any():
        raise Unavailable(f"{expression!r} is not a number or true/false for every row")
    whole = values.dtype.kind in "biu"
    total = exact_sum(values.to_numpy(dtype="int64" if whole else "float64"))
    return total, whole
