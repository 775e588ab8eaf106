"""Which event/censoring structures meet every printed survival number of Chen 2017 at once, per ties method.

The printed numbers (by claim id and role, from the catalogue): the Kaplan-Meier relapse-free
proportions 0.82 (low titer) and 0.53 (high titer) at the end of follow-up
(``results-km``), the log-rank P 0.028 (``results-logrank-p``), and the univariate Cox triad of
the titer group, HR 5.665 (1.012–31.705), P 0.048 (``table4-aqp4-titer-crude``); group sizes 14
and 11 and 7 first relapses (``results-km`` inputs).

**Definitions** (as the claims' data blocks): time from the first tacrolimus dose to the first
relapse, censored at the last follow-up; groups low (< 1:64 or none) and high (≥ 1:64); the
Kaplan-Meier product-limit estimate at the end of each curve; Mantel-Cox log-rank; Cox model of
the high-vs-low indicator with Breslow (SPSS COXREG) or Efron (R, lifelines) ties, Wald CI with
z = 1.959963984540054 and Wald P. A printed value stands for its rounding interval (half-up or
half-even, as the catalogue says).

**Method**: the split of the 7 events between the groups is taken from every count the exact
Kaplan-Meier enumeration of :mod:`claimaudit.metrics.km_attainable` allows; for each split,
:func:`~claimaudit.reconstruction.survival.enumerate_structures` lists every structure whose
Kaplan-Meier values print as 0.82 and 0.53 (all censoring patterns, all tie patterns), and
:func:`~claimaudit.reconstruction.survival.evaluate` computes the rest. The enumeration is
exhaustive, so an empty joint set is a proof that the numbers cannot hold together under these
definitions (``inconsistent``); a non-empty one shows them jointly achievable (``consistent``).
Values within 1e-9 (relative) of an interval end are counted as ``borderline`` and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..intervals import Interval
from ..metrics.km_attainable import feasible_events
from .constraints import Catalogue, Target, target
from .survival import Evaluated, Structure, censored_before, enumerate_structures, evaluate, whole_month_realisable

GROUPS = {"n_low": "results-km.n_low", "n_high": "results-km.n_high", "events": "results-km.events"}
KM = {"km_low": "results-km.survival_low", "km_high": "results-km.survival_high"}
TESTS = {
    "logrank_p": "results-logrank-p.p",
    "hr": "table4-aqp4-titer-crude.hr",
    "ci_low": "table4-aqp4-titer-crude.ci_low",
    "ci_high": "table4-aqp4-titer-crude.ci_high",
    "cox_p": "table4-aqp4-titer-crude.p",
}
TIMING = {
    "relapses": "results-early-relapses.n",
    "early": "results-early-relapses.count",
    "months": "results-early-relapse-window.months",
    "min_follow_up": "table1-tacrolimus-duration.min",
}
TIES = ("breslow", "efron")
CLOSEST = 5


@dataclass(frozen=True)
class TiesOutcome:
    """The outcome under one ties method."""

    ties: str
    meets: dict[str, int]  # structures meeting each printed number alone
    joint: list[int]  # indices of the structures meeting all of them
    without: dict[str, int]  # structures meeting all but this one
    closest: list[int]  # indices nearest to meeting all (normalised distance), best first
    distance: list[float]
    borderline: int
    whole_months: int  # joint structures that also fit whole months with the early relapses

    @property
    def verdict(self) -> str:
        return "consistent" if self.joint else "inconsistent"


@dataclass(frozen=True)
class SurvivalDecision:
    """Everything decided: targets, the event splits, the structures, and the outcome per ties method."""

    targets: dict[str, Target]
    n_low: int
    n_high: int
    events: int
    feasible_low: list[int]
    feasible_high: list[int]
    splits: list[tuple[int, int]]
    structures: list[Structure]
    values: Evaluated = field(repr=False)
    outcomes: dict[str, TiesOutcome]
    early_first_relapses: int
    by_month: int
    first_censoring: int

    def value(self, name: str, index: int, ties: str = "breslow") -> float:
        """A number of one structure: km_low, km_high, logrank_p, hr, ci_low, ci_high or cox_p."""
        v = self.values
        arrays = {"km_low": v.km_low, "km_high": v.km_high, "logrank_p": v.logrank_p, "hr": v.cox[ties]["hr"],
                  "ci_low": v.cox[ties]["ci_low"], "ci_high": v.cox[ties]["ci_high"], "cox_p": v.cox[ties]["p"]}
        return float(arrays[name][index])


def _inside(x: np.ndarray, iv: Interval) -> np.ndarray:
    lo, hi = float(iv.lo), float(iv.hi)
    return ((x > lo) | ((x >= lo) & iv.lo_closed)) & ((x < hi) | ((x <= hi) & iv.hi_closed))


def _distance(x: np.ndarray, iv: Interval) -> np.ndarray:
    lo, hi = float(iv.lo), float(iv.hi)
    with np.errstate(invalid="ignore"):
        d = np.maximum(0.0, np.maximum(lo - x, x - hi)) / (hi - lo)
    return np.where(np.isfinite(d), d, 1e6)


def decide(cat: Catalogue) -> SurvivalDecision:
    """Enumerate and evaluate every structure; the outcome under Breslow and under Efron ties."""
    n_low, n_high, events = (cat.count(GROUPS[k]) for k in ("n_low", "n_high", "events"))
    targets = {k: target(cat, ref) for k, ref in {**KM, **TESTS}.items()}
    km_low, km_high = targets["km_low"].interval, targets["km_high"].interval
    feasible_low, feasible_high = sorted(feasible_events(n_low, km_low)), sorted(feasible_events(n_high, km_high))
    splits = [(a, b) for a in feasible_low for b in feasible_high if a + b == events]
    structures: list[Structure] = []
    for a, b in splits:
        structures += enumerate_structures(n_low, n_high, a, b, km_low, km_high)
    values = evaluate(structures)
    relapses, early, months = (cat.count(TIMING[k]) for k in ("relapses", "early", "months"))
    early_first = early - (relapses - events)  # extra relapses (beyond each patient's first) can be early at most
    first_censoring = int(cat.printed(TIMING["min_follow_up"]).number)
    outcomes = {}
    for ties in TIES:
        cox = values.cox[ties]
        arrays = {"logrank_p": values.logrank_p, "hr": cox["hr"], "ci_low": cox["ci_low"], "ci_high": cox["ci_high"], "cox_p": cox["p"]}
        ok = {k: _inside(arrays[k], targets[k].interval) & (cox["converged"] | (k == "logrank_p")) for k in TESTS}
        every = np.logical_and.reduce(list(ok.values())) if structures else np.zeros(0, bool)
        without = {k: int(np.logical_and.reduce([ok[j] for j in TESTS if j != k]).sum()) for k in TESTS}
        dist = sum(_distance(arrays[k], targets[k].interval) for k in TESTS)
        order = np.lexsort((np.arange(len(structures)), dist))[:CLOSEST]
        near = np.zeros(len(structures), bool)
        for k in TESTS:
            iv = targets[k].interval
            near |= np.minimum(np.abs(arrays[k] - float(iv.lo)), np.abs(arrays[k] - float(iv.hi))) < 1e-9 * np.abs(arrays[k])
        joint = [int(i) for i in np.flatnonzero(every)]
        fits = sum(whole_month_realisable(structures[i], n_low, n_high, early_events=early_first, by_month=months,
                                          first_censoring=first_censoring) for i in joint)
        outcomes[ties] = TiesOutcome(ties, {k: int(v.sum()) for k, v in ok.items()}, joint, without,
                                     [int(i) for i in order], [float(dist[i]) for i in order], int(near.sum()), int(fits))
    return SurvivalDecision(targets, n_low, n_high, events, feasible_low, feasible_high, splits, structures, values,
                            outcomes, early_first, months, first_censoring)


def first_low_censoring(decision: SurvivalDecision, indices: list[int]) -> tuple[set[int], set[int]]:
    """Over these structures: the patients censored before the first low-titer relapse (low only, all)."""
    low, total = set(), set()
    for i in indices:
        s = decision.structures[i]
        gaps = censored_before(s, decision.n_low, decision.n_high)
        c_low = c_all = 0
        for t, (g_l, g_h) in zip(s, gaps, strict=True):
            c_low, c_all = c_low + g_l, c_all + g_l + g_h
            if t.d_low:
                break
        low.add(c_low)
        total.add(c_all)
    return low, total


def _structure_json(decision: SurvivalDecision, i: int) -> list[dict]:
    gaps = censored_before(decision.structures[i], decision.n_low, decision.n_high)
    return [{"censored_before_low": g[0], "censored_before_high": g[1], "at_risk_low": t.n_low, "at_risk_high": t.n_high,
             "relapses_low": t.d_low, "relapses_high": t.d_high} for t, g in zip(decision.structures[i], gaps, strict=True)]


def describe(decision: SurvivalDecision) -> dict:
    """The enumeration and its outcome per ties method, as a JSON-able record (numbers as fixed-format text)."""
    from .provenance import fmt

    out = {
        "definitions": "time from the first tacrolimus dose to the first relapse, censored at the last follow-up; "
                       "Kaplan-Meier at the end of follow-up; Mantel-Cox log-rank; Cox of high vs low titer, Wald CI "
                       "(z = 1.959964) and P; printed values as rounding intervals (half-up or half-even)",
        "event_counts_allowed_by_km": {"low": decision.feasible_low, "high": decision.feasible_high},
        "splits_of_the_first_relapses": [{"low": a, "high": b} for a, b in decision.splits],
        "structures_enumerated": len(decision.structures),
        "exhaustive": True,
        "early_first_relapses_at_least": decision.early_first_relapses,
        "ties": {},
    }
    for ties, o in decision.outcomes.items():
        rec = {
            "verdict": o.verdict,
            "proof": "exhaustive enumeration of every structure (all censoring and tie patterns) meeting the Kaplan-Meier values",
            "structures_meeting_each": {decision.targets[k].ref: v for k, v in o.meets.items()},
            "structures_meeting_all_but_one": {decision.targets[k].ref: v for k, v in o.without.items()},
            "structures_meeting_all": len(o.joint),
            "of_which_fit_whole_months": o.whole_months,
            "borderline_values": o.borderline,
        }
        shown = o.joint if o.joint else o.closest
        rec["joint" if o.joint else "closest"] = [
            {"structure": _structure_json(decision, i),
             "values": {decision.targets[k].ref: fmt(decision.value(k, i, ties)) for k in ("km_low", "km_high", *TESTS)},
             **({} if o.joint else {"distance_in_interval_widths": fmt(dist)})}
            for i, dist in zip(shown, o.distance if not o.joint else [0.0] * len(shown), strict=False)]
        out["ties"][ties] = rec
    return out
