"""Every event/censoring structure of two groups, and the Kaplan-Meier, log-rank and Cox numbers each one gives.

Kaplan-Meier, the log-rank test and a Cox model with one binary covariate (the titer group)
depend on the data only through the *structure*: at each distinct event time j, in time order,
the patients at risk in each group (n_low_j, n_high_j) and the events of each group
(d_low_j, d_high_j). A patient censored at an event time counts as at risk there (Kaplan &
Meier 1958; SPSS, R ``survival``, lifelines), so any censoring pattern is a choice of how many
of each group leave between consecutive event times, and the structures of n_L + n_H patients
with k_L + k_H events are exactly the sequences with::

    n_low_1 ≤ n_L,  n_low_{j+1} ≤ n_low_j − d_low_j,  d_low_j ≤ n_low_j,  Σ d_low_j = k_L
    (the same for high), and d_low_j + d_high_j ≥ 1 at every event time.

Tied events (d_j > 1, or one event of each group at one time) are structures of their own, so
the enumeration covers every tie pattern; Breslow and Efron ties differ only on them.
:func:`enumerate_structures` lists every structure whose two Kaplan-Meier end values lie in
given intervals (a branch-and-bound: the largest end value reachable is s·(n − k)/n and the
smallest positive one s/(k + 1), as in :mod:`claimaudit.metrics.km_attainable`; the end values
are checked exactly in ``Fraction``), and :func:`evaluate` computes, vectorised over all of them:

* the log-rank (Mantel-Cox) chi-square and P (SPSS "Log Rank (Mantel-Cox)"; R ``survdiff``):
  O − E of the high group over V = Σ d_j (n_H n_L / n_j²)(n_j − d_j)/(n_j − 1);
* the Cox model of the high-vs-low indicator, Breslow (SPSS COXREG) and Efron (R, lifelines)
  ties, by Newton-Raphson from β = 0: HR = exp(β̂), Wald 95% CI exp(β̂ ± z·SE) with
  z = 1.959963984540054, Wald P.

This fast evaluator exists for the search; the tests check it against
:func:`claimaudit.metrics.cox.cox_ph` and :func:`claimaudit.metrics.logrank.logrank` on realised
data sets, and against brute force over every data set of a few patients. The values stated in a
provenance file are computed by the metrics functions on the written cohort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import numpy as np

from ..intervals import Interval
from ..metrics.wald import Z_975

_SLACK = 1e-9  # float pruning only; membership of an end value in its interval is decided exactly
MAX_STRUCTURES = 5_000_000  # beyond this the enumeration stops and says so (never reached for Chen 2017)


class EventTime(NamedTuple):
    """One distinct event time: patients at risk and events, per group."""

    n_low: int
    n_high: int
    d_low: int
    d_high: int


Structure = tuple[EventTime, ...]


class StructureBound(RuntimeError):
    """The enumeration would pass :data:`MAX_STRUCTURES`; the message states the bound."""


def _room(s: float, avail: int, k: int, lo: float, hi: float) -> tuple[bool, bool]:
    """(too low for good, too high for now) of a partial product s with ``avail`` at risk and k events to come."""
    if k == 0:
        return s < lo - _SLACK, s > hi + _SLACK
    return s * (avail - k) / avail < lo - _SLACK, s / (k + 1) > hi + _SLACK


def enumerate_structures(n_low: int, n_high: int, k_low: int, k_high: int,
                         km_low: Interval | None = None, km_high: Interval | None = None) -> list[Structure]:
    """Every structure of n_low + n_high patients with k_low + k_high events (any censoring, any ties).

    With ``km_low`` / ``km_high`` only those whose group's Kaplan-Meier end value lies in the
    interval (exactly). Sorted, so the list is the same on every run.

    >>> len(enumerate_structures(1, 1, 1, 0))  # one low event, the high patient censored before it or not
    2
    """
    if not (0 <= k_low <= n_low and 0 <= k_high <= n_high):
        raise ValueError(f"need 0 <= k <= n per group (n_low={n_low}, k_low={k_low}, n_high={n_high}, k_high={k_high})")
    lo_l, hi_l = (float(km_low.lo), float(km_low.hi)) if km_low else (-1.0, 2.0)
    lo_h, hi_h = (float(km_high.lo), float(km_high.hi)) if km_high else (-1.0, 2.0)
    out: list[Structure] = []
    path: list[EventTime] = []

    def rec(a_l: int, a_h: int, k_l: int, k_h: int, s_l: float, s_h: float) -> None:
        if k_l == 0 and k_h == 0:
            out.append(tuple(path))
            if len(out) > MAX_STRUCTURES:
                raise StructureBound(f"more than {MAX_STRUCTURES:,} structures")
            return
        for d_l in range(k_l + 1):
            for d_h in range(k_h + 1):
                if d_l + d_h == 0:
                    continue
                for n_l in range(a_l, max(k_l, 0) - 1, -1):
                    if n_l == 0 and (d_l or k_l):
                        break
                    low_l = k_l and s_l * (n_l - k_l) / n_l < lo_l - _SLACK
                    if low_l:
                        break  # fewer at risk only lowers the best reachable end value
                    s_l2 = s_l * (n_l - d_l) / n_l if d_l else s_l
                    if _room(s_l2, n_l - d_l, k_l - d_l, lo_l, hi_l)[1] or (k_l == d_l and s_l2 < lo_l - _SLACK):
                        continue
                    for n_h in range(a_h, max(k_h, 0) - 1, -1):
                        if (n_h == 0 and (d_h or k_h)) or n_l + n_h == 0:
                            break
                        if k_h and s_h * (n_h - k_h) / n_h < lo_h - _SLACK:
                            break
                        s_h2 = s_h * (n_h - d_h) / n_h if d_h else s_h
                        if _room(s_h2, n_h - d_h, k_h - d_h, lo_h, hi_h)[1] or (k_h == d_h and s_h2 < lo_h - _SLACK):
                            continue
                        path.append((n_l, n_h, d_l, d_h))
                        rec(n_l - d_l, n_h - d_h, k_l - d_l, k_h - d_h, s_l2, s_h2)
                        path.pop()

    rec(n_low, n_high, k_low, k_high, 1.0, 1.0)
    structures = [tuple(EventTime(*t) for t in s) for s in sorted(out)]
    return [s for s in structures if _km_in(s, km_low, km_high)]


def _km_in(structure: Structure, km_low: Interval | None, km_high: Interval | None) -> bool:
    """Both end values in their intervals: decided in floats when far from the ends, else exactly."""
    values = None
    for k, iv in enumerate((km_low, km_high)):
        if iv is None:
            continue
        x = 1.0
        for t in structure:
            n, d = (t.n_low, t.d_low) if k == 0 else (t.n_high, t.d_high)
            if d:
                x *= (n - d) / n
        if min(abs(x - float(iv.lo)), abs(x - float(iv.hi))) < 1e-9:
            values = values or km_values(structure)
            if not iv.contains(values[k]):
                return False
        elif not float(iv.lo) < x < float(iv.hi):
            return False
    return True


def km_values(structure: Structure) -> tuple[Fraction, Fraction]:
    """The exact Kaplan-Meier end values (low, high) of a structure: ∏ (1 − d_j/n_j) per group."""
    low = high = Fraction(1)
    for t in structure:
        if t.d_low:
            low *= Fraction(t.n_low - t.d_low, t.n_low)
        if t.d_high:
            high *= Fraction(t.n_high - t.d_high, t.n_high)
    return low, high


def censored_before(structure: Structure, n_low: int, n_high: int) -> list[tuple[int, int]]:
    """Patients of each group censored after the previous event time and before each event time (low, high)."""
    out, a_l, a_h = [], n_low, n_high
    for t in structure:
        out.append((a_l - t.n_low, a_h - t.n_high))
        a_l, a_h = t.n_low - t.d_low, t.n_high - t.d_high
    return out


def censored_after(structure: Structure, n_low: int, n_high: int) -> tuple[int, int]:
    """Patients of each group still in follow-up after the last event time (censored at or after it)."""
    if not structure:
        return n_low, n_high
    t = structure[-1]
    return t.n_low - t.d_low, t.n_high - t.d_high


def realise(structure: Structure, n_low: int, n_high: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A data set with this structure: (times, events, high) per patient, low group first.

    Event time j is at 2j; patients censored before it at 2j − 1; those left after the last
    event at 2m + 1 (m event times).
    """
    times, events, high = [], [], []
    gaps = censored_before(structure, n_low, n_high)
    for j, (t, (c_l, c_h)) in enumerate(zip(structure, gaps, strict=True), start=1):
        for group, c, d in ((0, c_l, t.d_low), (1, c_h, t.d_high)):
            times += [2 * j - 1] * c + [2 * j] * d
            events += [0] * c + [1] * d
            high += [group] * (c + d)
    a_l, a_h = censored_after(structure, n_low, n_high)
    end = 2 * len(structure) + 1
    times += [end] * (a_l + a_h)
    events += [0] * (a_l + a_h)
    high += [0] * a_l + [1] * a_h
    order = np.argsort(np.asarray(high), kind="stable")
    return (np.asarray(times, float)[order], np.asarray(events, int)[order], np.asarray(high, int)[order])


def structure_of(times: Sequence[float], events: Sequence[int], high: Sequence[int]) -> Structure:
    """The structure of a data set (the inverse of :func:`realise`, computed directly from the data)."""
    t, e, h = np.asarray(times, float), np.asarray(events, int), np.asarray(high, int)
    out = []
    for u in np.unique(t[e == 1]):
        at = t >= u
        ev = (t == u) & (e == 1)
        out.append(EventTime(int((at & (h == 0)).sum()), int((at & (h == 1)).sum()),
                             int((ev & (h == 0)).sum()), int((ev & (h == 1)).sum())))
    return tuple(out)


def whole_month_realisable(structure: Structure, n_low: int, n_high: int, *, early_events: int,
                           by_month: int, first_censoring: int) -> bool:
    """Can the structure be laid on whole months with ``early_events`` events by ``by_month`` (inclusive)?

    In whole months nobody is censored before month ``first_censoring`` (the shortest follow-up),
    and a patient censored in the month of an event is at risk at it. So every event time up to
    month ``first_censoring`` has nobody censored before it, and all events in month
    ``first_censoring + 1 .. by_month`` share one time when ``by_month = first_censoring + 1``.
    The event times holding the first ``early_events`` events must all be by ``by_month``: all but
    the last of them need no censoring before them (they lie in months 1 .. first_censoring, one
    month each), and the last may have censoring before it (month by_month, the censored leaving
    in month first_censoring or later but before it).
    """
    gaps = censored_before(structure, n_low, n_high)
    seen = 0
    for j, t in enumerate(structure):
        seen += t.d_low + t.d_high
        if seen >= early_events:
            last = j
            break
    else:
        return False
    if last + 1 > first_censoring + (1 if by_month > first_censoring else 0):
        return False  # not enough whole months for these event times
    if by_month <= first_censoring:
        return all(g == (0, 0) for g in gaps[: last + 1])
    if by_month > first_censoring + 1:
        return True  # several months after the first censoring: any order fits
    return all(g == (0, 0) for g in gaps[:last])


@dataclass(frozen=True)
class Evaluated:
    """The numbers of every structure, as float arrays in structure order (per ties method for Cox)."""

    km_low: np.ndarray
    km_high: np.ndarray
    logrank_chi2: np.ndarray
    logrank_p: np.ndarray
    cox: dict[str, dict[str, np.ndarray]]  # ties -> {"hr", "ci_low", "ci_high", "p", "converged"}


def _arrays(structures: Sequence[Structure]) -> tuple[np.ndarray, ...]:
    m = max(max((len(s) for s in structures), default=1), 1)
    a = np.zeros((len(structures), m, 4))
    for i, s in enumerate(structures):
        if s:
            a[i, : len(s)] = s
    return a[..., 0], a[..., 1], a[..., 2], a[..., 3]


def _erfc(x: np.ndarray) -> np.ndarray:
    from scipy.special import erfc  # ~0.3 s; only a reconstruction pays it

    return erfc(x)


def evaluate(structures: Sequence[Structure]) -> Evaluated:
    """KM end values, log-rank chi-square and P, and the Cox triad (Breslow and Efron) of every structure."""
    n_l, n_h, d_l, d_h = _arrays(structures)
    n, d = n_l + n_h, d_l + d_h
    has = d > 0
    safe_n = np.where(has, n, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        km_low = np.prod(np.where(d_l > 0, (n_l - d_l) / np.where(n_l > 0, n_l, 1), 1.0), axis=1)
        km_high = np.prod(np.where(d_h > 0, (n_h - d_h) / np.where(n_h > 0, n_h, 1), 1.0), axis=1)
        expected = np.where(has, d * n_h / safe_n, 0).sum(axis=1)
        shrink = np.where(has & (n > 1), (n - d) / np.where(n > 1, n - 1, 1), 0.0)
        var = np.where(has, d * n_h * n_l / safe_n**2 * shrink, 0).sum(axis=1)
        chi2 = (d_h.sum(axis=1) - expected) ** 2 / var
    p = _erfc(np.sqrt(chi2 / 2))
    cox = {ties: _cox(n_l, n_h, d_l, d_h, ties) for ties in ("breslow", "efron")}
    return Evaluated(km_low, km_high, chi2, p, cox)


def _score_info(beta: np.ndarray, n_l, n_h, d_l, d_h, efron: bool) -> tuple[np.ndarray, np.ndarray]:
    """Score and information of β for every structure (rows of the arrays)."""
    r = np.exp(beta)[:, None]
    d = d_l + d_h
    score = d_h.sum(axis=1)
    info = np.zeros_like(beta)
    for step in range(int(d.max()) if efron else 1):
        if efron:
            c = step / np.where(d > 0, d, 1)
            s0 = n_l + n_h * r - c * (d_l + d_h * r)
            s1 = n_h * r - c * d_h * r
            weight = (d > step).astype(float)
        else:
            s0, s1, weight = n_l + n_h * r, n_h * r, d
        ok = weight > 0
        q = np.where(ok, s1 / np.where(ok, s0, 1), 0)
        score = score - (weight * q).sum(axis=1)
        info = info + (weight * (q - q * q)).sum(axis=1)
    return score, info


def _cox(n_l, n_h, d_l, d_h, ties: str) -> dict[str, np.ndarray]:
    """Newton-Raphson from β = 0, steps capped at ±1, vectorised; ``converged`` false where β̂ looks infinite.

    The log partial likelihood of one covariate is concave, so capped Newton steps converge; rows
    stop iterating once their step is below 1e-13.
    """
    efron = ties == "efron"
    beta = np.zeros(n_l.shape[0])
    info = np.zeros_like(beta)
    score = np.zeros_like(beta)
    active = np.arange(beta.size)
    for _ in range(80):
        if not active.size:
            break
        u, i = _score_info(beta[active], n_l[active], n_h[active], d_l[active], d_h[active], efron)
        score[active], info[active] = u, i
        step = np.clip(np.where(i > 0, u / np.where(i > 0, i, 1), np.sign(u)), -1, 1)
        beta[active] += step
        moving = (np.abs(step) >= 1e-13) & (np.abs(beta[active]) < 30)
        active = active[moving]
    score, info = _score_info(beta, n_l, n_h, d_l, d_h, efron)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        se = 1 / np.sqrt(info)
        converged = (np.abs(beta) < 15) & (info > 1e-10) & (np.abs(score) < 1e-8)
        return {"hr": np.exp(beta), "ci_low": np.exp(beta - Z_975 * se), "ci_high": np.exp(beta + Z_975 * se),
                "p": _erfc(np.abs(beta / se) / np.sqrt(2)), "converged": converged, "coef": beta, "se": se}
