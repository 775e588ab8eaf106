"""km_feasibility: Kaplan-Meier proportions attainable with each group's n, and event counts that fit the total.

Groups are named by role suffix: ``n_low`` patients and printed proportion ``survival_low``
make group ``low``. The proportion is read as the Kaplan-Meier (product-limit) estimate at the
end of the curve (Kaplan & Meier 1958; R ``survfit(Surv(time, status) ~ 1)``, its last
``surv``), ∏ (1 − d_j/r_j) over the event times, with any censoring between events and ties
allowed (:mod:`claimaudit.metrics.km_attainable`). For each group the check lists every event
count k whose attainable values meet the printed proportion's interval, with an at-risk
sequence that reaches it. With ``events`` (patients with an event, all groups together) some
choice of one k per group must add up to it; the splits that do are shown.

Inconsistent when a group has no such k (the nearest attainable values are named) or no split
adds up; undetermined when an enumeration would pass its bound (n above 200 patients, or too
many search states; both bounds are named).

>>> from claimaudit.printed import parse_printed
>>> from claimaudit.model import Claim, Source
>>> values = {r: parse_printed(t) for r, t in
...           {"n_low": "14", "survival_low": "0.82", "n_high": "11", "survival_high": "0.53", "events": "7"}.items()}
>>> claim = Claim(id="km", source=Source("chen2017", "", "", "", ""), where="", quote="", kind="km_feasibility",
...               reported={})
>>> km_feasibility(claim, values).recomputed["events"]  # Chen 2017: 7 relapses, low titer 14, high titer 11
'{low 2 + high 5}'
"""

from __future__ import annotations

from itertools import product

from ..intervals import Interval
from ..metrics.km_attainable import Attained, EnumerationBound, Steps, feasible_events, nearest, survival, witness
from ..model import Claim
from ..printed import Printed
from ..verdict import Check, Verdict
from . import RoleError, Values, kind
from ._common import off_by, require_count

NAME = "km_feasibility"
CONVENTION = "Kaplan-Meier product-limit; censoring anywhere between events; ties allowed"
SHOWN_EXAMPLES = 8  # at-risk examples listed per check; the event counts are always listed in full


def _groups(values: Values) -> list[str]:
    """Group names in the order their printed proportions appear."""
    return [role[len("survival_"):] for role in values if role.startswith("survival_")]


def _proportion(printed: Printed) -> Interval | None:
    """The printed proportion's interval on the 0-1 scale ("82%" counts as 0.82), inside [0, 1]."""
    iv = printed.interval
    if printed.percent:
        iv = Interval(iv.lo / 100, iv.hi / 100, iv.lo_closed, iv.hi_closed)
    return iv.clip(0.0, 1.0)


def _validate(values: Values) -> None:
    for role in values:
        if role.startswith("n_"):
            require_count(values, role)
            if values[role].as_count() == 0:
                raise RoleError(role, f"{role} = {values[role].text!r}: a survival proportion of no patients")
            if "survival_" + role[2:] not in values:
                raise RoleError(role, f"{role} = {values[role].text!r} has no survival_{role[2:]} (give each group both)")
        elif role.startswith("survival_"):
            if "n_" + role[9:] not in values:
                raise RoleError(role, f"{role} = {values[role].text!r} has no n_{role[9:]} (give each group both)")
            if values[role].relation != "=" or _proportion(values[role]) is None:
                raise RoleError(role, f"{role} = {values[role].text!r} is not a proportion in [0, 1] (write it as printed, e.g. \"0.82\")")
    if "events" in values:
        if not _groups(values):
            raise RoleError("events", "events needs at least one group (n_<group> and survival_<group>)")
        require_count(values, "events")
        total = sum(values[f"n_{g}"].as_count() for g in _groups(values))
        if values["events"].as_count() > total:
            raise RoleError("events", f"events = {values['events'].text!r} exceeds the {total} patients of all groups")


def describe(steps: Steps) -> str:
    """An at-risk sequence in words: "events at risk 13, 9" or "events at risk 11 (2 tied)"."""
    if not steps:
        return "no events"
    at = ", ".join(f"{s.at_risk}" + (f" ({s.events} tied)" if s.events > 1 else "") for s in steps)
    return f"events at risk {at}"


def _set(ks) -> str:
    return "{" + ", ".join(map(str, ks)) + "}" if ks else "∅"


def _example(n: int, k: int, target: Interval, steps: Steps) -> str:
    """A sequence reaching the target, taken from its middle half when one does (clearer than an end)."""
    core = Interval(target.mid - target.width / 4, target.mid + target.width / 4)
    try:
        steps = witness(n, k, core) or steps
    except EnumerationBound:
        pass  # the example found first will do
    return f"{describe(steps)} → {float(survival(steps)):.4f}"


def _attained(a: Attained) -> str:
    return f"{float(a.value):.4g} (k = {a.events}: {describe(a.steps)})"


@kind(NAME, optional=("n_*", "survival_*", "events"), validate=_validate)
def km_feasibility(claim: Claim, values: Values) -> Check:
    """Each printed Kaplan-Meier proportion is attainable with its n; event counts jointly fit the total."""
    groups = _groups(values)
    n = {g: values[f"n_{g}"].as_count() for g in groups}
    target = {g: _proportion(values[f"survival_{g}"]) for g in groups}
    conventions = (CONVENTION,) + tuple(
        f"survival_{g} = {values[f'survival_{g}'].text} read as {target[g]} ({' or '.join(claim.rounding)})" for g in groups
    )
    try:
        feasible = {g: feasible_events(n[g], target[g]) for g in groups}
    except EnumerationBound as e:
        return Check(NAME, Verdict.UNDETERMINED, {}, f"not enumerated: {e}", conventions)
    recomputed = {f"events_{g}": _set(feasible[g]) for g in groups}
    listed = "; ".join(f"{g}: k ∈ {_set(feasible[g])}" for g in groups)
    pairs = [(g, k, s) for g in groups for k, s in feasible[g].items()]
    shown = "; ".join(f"{g} k = {k}: {_example(n[g], k, target[g], s)}" for g, k, s in pairs[:SHOWN_EXAMPLES])
    shown += f"; … ({len(pairs) - SHOWN_EXAMPLES} more)" if len(pairs) > SHOWN_EXAMPLES else ""

    empty = [g for g in groups if not feasible[g]]
    if empty:
        return _unreachable(empty, values, n, target, recomputed, listed, conventions)
    if "events" not in values:
        return Check(NAME, Verdict.CONSISTENT, recomputed, f"{listed}. For example: {shown}", conventions, 0.0)

    events = values["events"].as_count()
    splits = [ks for ks in product(*(sorted(feasible[g]) for g in groups)) if sum(ks) == events]
    if not splits:
        totals = sorted({sum(ks) for ks in product(*(feasible[g] for g in groups))})
        recomputed["events"] = _set(totals)
        why = f"{listed}; these add up to {_set(totals)} events in all, never to the printed {events}"
        return Check(NAME, Verdict.INCONSISTENT, recomputed, why, conventions)
    words = " or ".join(", ".join(f"{g} {k}" for g, k in zip(groups, ks, strict=True)) for ks in splits)
    recomputed["events"] = "{" + ", ".join(" + ".join(f"{g} {k}" for g, k in zip(groups, ks, strict=True)) for ks in splits) + "}"
    why = f"{listed}; with {events} events in all: {words}. For example: {shown}"
    return Check(NAME, Verdict.CONSISTENT, recomputed, why, conventions, 0.0)


def _unreachable(empty, values, n, target, recomputed, listed, conventions) -> Check:
    """Inconsistent: no event count gives the printed proportion of some group; name the nearest values."""
    reasons, distances = [], []
    for g in empty:
        printed = values[f"survival_{g}"]
        scale = 100 if printed.percent else 1
        try:
            near = [a for a in nearest(n[g], target[g]) if a is not None]
        except EnumerationBound as e:
            reasons.append(f"no censoring pattern of {n[g]} patients gives survival_{g} = {printed.text} ({e})")
            continue
        recomputed[f"nearest_{g}"] = ", ".join(f"{float(a.value) * scale:.4g}" for a in near)
        distances += [off_by(printed, Interval.point(float(a.value) * scale)) for a in near]
        reasons.append(
            f"no censoring pattern of {n[g]} patients with any number of events gives survival_{g} = {printed.text} "
            f"({target[g]}); nearest attainable: " + ", ".join(_attained(a) for a in near)
        )
    why = f"{listed}: " + "; ".join(reasons)
    return Check(NAME, Verdict.INCONSISTENT, recomputed, why, conventions, min(distances, default=None))
