"""The figures of ``audit.html``: which plot each claim and each source gets, from its results and the figure data.

Per claim: the GRIM map of a percentage (``percent_of_count``), and the before/after plot of a
claim that prints before and after values (ARR, EDSS), with the printed change when it has one.
Per source: the forest plot of every printed hazard ratio, the Kaplan-Meier curves behind each
printed relapse-free proportion, the before/after values of the source on one figure (MG
scores included), and the GRIM summary of its percentages.

The printed side comes from the claim's result from the printed numbers (its ``reported``
values; an input's ``(from ...)`` suffix dropped); the recomputed side from the claim's
:class:`~claimaudit.data.figures.Recomputed` (the data used: extract or reconstruction), coloured
by the verdicts of its data-level result. Without figure data a figure shows the printed side.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

from ..data.figures import Recomputed
from ..model import Source
from ..printed import Printed, parse_printed
from ..verdict import Result, Verdict
from . import plots, survival_plots, value_plots

Figures = Mapping[tuple[str, str], Recomputed]
KM_MISSING = "Kaplan-Meier curves need patient-level data (extract or reconstruction)"
_FROM = re.compile(r"\s*\(from [^)]*\)$")
_INTERVAL = re.compile(r"^([\[(])\s*(-?inf|[-\d.e]+),\s*(-?inf|[-\d.e]+)\s*([\])])$")
_MEANS = ("mean", "median")


def printed_text(r: Result, role: str) -> str | None:
    """The printed text of a role, an input's ``(from claim.role)`` dropped."""
    text = r.reported.get(role)
    return _FROM.sub("", text) if text is not None else None


def _number(r: Result, role: str, rounding) -> Printed | None:
    """The role's printed value when it is one number (not a bound, a titer range or a word that fails to parse)."""
    text = printed_text(r, role)
    if text is None:
        return None
    try:
        p = parse_printed(text, rounding)
    except (TypeError, ValueError):
        return None
    return p if p.relation == "=" else None


def interval_of(text: str):
    """An interval as the checks format it (``[84.211, 88.136)``, or one number); None otherwise."""
    from fractions import Fraction

    from ..intervals import Interval

    m = _INTERVAL.match(text.strip())
    if m:
        lo, hi = (float(x) if "inf" in x else Fraction(x) for x in (m[2], m[3]))
        return Interval(lo, hi, m[1] == "[", m[4] == "]")
    if re.fullmatch(r"-?\d+(\.\d+)?", text.strip()):
        return Interval.point(Fraction(text.strip()))
    return None


def _rounding(src: Source | None):
    return src.rounding if src else ("half_up", "half_even")


def _data_values(rs: list[Result], rec: Recomputed | None, roles) -> dict[str, tuple[float, str | None]]:
    """The value recomputed from data for each role, with the verdict of that role's data-level check (None: not compared)."""
    if rec is None:
        return {}
    checks = {c.name: c.verdict.value for r in rs[1:] for c in r.checks}
    return {role: (rec.values[role], checks.get(role)) for role in roles if role in rec.values}


# ---------------------------------------------------------------- one claim

def claim_plot(rs: list[Result], src: Source | None, figures: Figures | None = None) -> str:
    """The plot of one claim (its results, the one from the printed numbers first), or ''."""
    r, rounding = rs[0], _rounding(src)
    rec = (figures or {}).get((r.path, r.claim))
    if r.kind == "percent_of_count":
        n, pct = _number(r, "n", rounding), _number(r, "percent", rounding)
        if n is not None and pct is not None and n.is_integer and n.value >= 1:
            return plots.reachable_percentages(n.as_count(), pct.interval, pct.text)
        return ""
    sides = [(role, _number(r, role, rounding)) for role in ("before", "after")]
    change = _number(r, "change", rounding)
    recomputed = interval_of(r.recomputed["change"]) if r.kind == "percent_change" and "change" in r.recomputed else None
    if all(p is not None for _, p in sides) or (change is not None and recomputed is not None):
        rows = [(role, p.text, p.interval) for role, p in sides if p is not None]
        return value_plots.change_intervals(
            rows, (change.text, change.interval) if change is not None else None,
            (r.recomputed["change"], recomputed) if recomputed is not None else None,
            _data_values(rs, rec, ("before", "after", "change") if change is not None else ("before", "after")),
            rec.basis if rec else "data")
    if rec is not None and rec.curves:
        return (f'<p class="see-figure"><a href="#{km_id(r)}">Kaplan-Meier curves</a> of the {escape(rec.basis)} '
                f"by group, with the printed values marked: above, under the source's figures.</p>")
    return ""


def km_id(r: Result) -> str:
    return f"km-{r.source}--{r.claim}"


# ---------------------------------------------------------------- one source

def source_figures(rows: list[list[Result]], src: Source | None, figures: Figures | None = None) -> str:
    """The source-level figures: forest plot, Kaplan-Meier curves (or why there are none), before/after, GRIM summary."""
    figures = figures or {}
    parts = [_forest(rows, src, figures), *_kaplan_meier(rows, src, figures), _before_after(rows, src, figures),
             _grim_summary(rows, src)]
    return "".join(parts)


def _forest(rows, src, figures: Figures) -> str:
    rounding = _rounding(src)
    out, basis = [], ""
    for rs in rows:
        r = rs[0]
        if r.kind != "hr_triad":
            continue
        values = {role: _number(r, role, rounding) for role in ("hr", "ci_low", "ci_high", "p")}
        if values["hr"] is None:
            continue
        row = {"label": r.claim, "verdict": r.verdict.value, "hr": values["hr"].text, "hr_iv": values["hr"].interval,
               "ci_low": values["ci_low"].text if values["ci_low"] else "", "lo_iv": values["ci_low"].interval if values["ci_low"] else None,
               "ci_high": values["ci_high"].text if values["ci_high"] else "", "hi_iv": values["ci_high"].interval if values["ci_high"] else None,
               "p": printed_text(r, "p") or "—", "p_recomputed": r.recomputed.get("p", "—")}
        rec = figures.get((r.path, r.claim))
        data = rs[1] if len(rs) > 1 else None
        if rec is not None and "hr" in rec.values:
            row["data"] = {**{k: rec.values.get(k) for k in ("hr", "ci_low", "ci_high", "p")},
                           "verdict": data.verdict.value if data else "", "basis": rec.basis}
            basis = rec.label
        elif data is not None and data.verdict is Verdict.UNDETERMINED:  # the model ran on the data but gave no HR
            row["data"] = {"verdict": data.verdict.value, "basis": data.basis}
        out.append(row)
    if not out:
        return ""
    recomputed = (f" Diamonds and dashed lines: the HR and Wald 95% CI recomputed from the {escape(basis)}, with its P "
                  "(Cox model as the claim's data block names it, Breslow ties as SPSS).") if basis else ""
    return ('<figure class="forest-wrap">' + survival_plots.forest(out) + "<figcaption>Printed hazard ratios and 95% CIs "
            "(squares and lines, log scale); right: printed P · two-sided Wald P recomputed over every triad inside the "
            f"printed intervals.{recomputed}</figcaption></figure>")


def _kaplan_meier(rows, src, figures: Figures) -> list[str]:
    rounding, out = _rounding(src), []
    for rs in rows:
        r = rs[0]
        rec = figures.get((r.path, r.claim))
        if rec is None or not rec.curves:
            continue
        printed = {}
        for i, group in enumerate(rec.curves, start=1):
            p = _number(r, f"survival_{group}", rounding) or _number(r, f"survival_{i}", rounding)
            if p is not None:
                printed[group] = (p.text, p.interval)
        marks = ", ".join(f"{g} {t}" for g, (t, _) in printed.items())
        svg = survival_plots.kaplan_meier_svg(rec.curves, printed, "months from the first dose (time to the first relapse)")
        out.append(f'<figure class="km-wrap" id="{escape(km_id(r))}">{svg}<figcaption>Kaplan-Meier relapse-free curves of '
                   f"<code>{escape(r.claim)}</code> by group (ticks: censored), from the {escape(rec.label)}. "
                   f"Printed: {escape(marks or 'none')} (bars at the right edge: their rounding intervals).</figcaption></figure>")
    if not out:
        need = [rs[0].claim for rs in rows if _needs_km(rs[0])]
        if need:
            out.append(f'<p class="km-missing">{KM_MISSING}; claims: {escape(", ".join(need))}.</p>')
    return out


def _needs_km(r: Result) -> bool:
    return r.kind == "km_feasibility" or any("metric kaplan_meier" in c.why or "metric logrank" in c.why for c in r.checks)


def _before_after(rows, src, figures: Figures) -> str:
    """Every distinct printed before/after pair: one claim printing both, or two claims quoting one sentence, a mean or median each."""
    rounding = _rounding(src)
    pairs = _pairs_within_claims(rows, rounding, figures) + _pairs_across_claims(rows, rounding, figures)
    if not pairs:
        return ""
    for p in pairs:
        if p["label"] in p["claims"] and len(p["claims"]) > 1:
            p["label"] = f"{p['label']} (+{len(p['claims']) - 1} more)"
    with_data = [p for p in pairs if p["data"]]
    basis = next((figures[(r.path, r.claim)].label for rs in rows for r in rs[:1] if (r.path, r.claim) in figures), "")
    note = (f" Diamonds: the values recomputed from the {escape(basis)} (colour: the verdict of that value's check; blue: "
            "not compared)." if with_data and basis else " No values recomputed from data yet.")
    return ('<figure class="before-after-wrap">' + value_plots.before_after(pairs) + "<figcaption>Printed before/after values "
            "with their rounding intervals (boxes), one row per distinct pair: a claim printing both, or two claims "
            f"quoting one sentence, a mean or median each.{note}</figcaption></figure>")


def _pairs_within_claims(rows, rounding, figures: Figures) -> list[dict]:
    """A pair per distinct (before, after, recomputed) of the claims printing before and after (ARR, EDSS)."""
    pairs, seen = [], {}
    for rs in rows:
        r = rs[0]
        b, a = _number(r, "before", rounding), _number(r, "after", rounding)
        if b is None or a is None:
            continue
        rec = figures.get((r.path, r.claim))
        data = _data_values(rs, rec, ("before", "after"))
        key = (b.text, a.text, tuple(v for v, _ in data.values()))
        own = {"before", "after"} <= set(_own_roles(r))
        if key not in seen:
            seen[key] = {"label": r.claim, "own": own, "claims": [], "before": (b.text, b.interval),
                         "after": (a.text, a.interval), "data": {}, "basis": rec.basis if rec else "data"}
            pairs.append(seen[key])
        pair = seen[key]
        pair["claims"].append(r.claim)
        if own and not pair["own"]:  # named after a claim that prints both itself, not through inputs
            pair["label"], pair["own"] = r.claim, True
        for role, (value, verdict) in data.items():  # a role one claim of the pair compares gets its verdict
            if pair["data"].get(role, (None, None))[1] is None:
                pair["data"][role] = (value, verdict)
    return pairs


def _pairs_across_claims(rows, rounding, figures: Figures) -> list[dict]:
    """A pair per sentence quoted by exactly two claims that each print one mean or median (MG scores: "from 10 to 6")."""
    by_quote: dict[str, list[list[Result]]] = {}
    for rs in rows:
        by_quote.setdefault(rs[0].quote, []).append(rs)
    pairs = []
    for quote, group in by_quote.items():
        if len(group) != 2:
            continue
        rb, ra = group
        roles = [_own_roles(rb[0]), _own_roles(ra[0])]
        if roles[0] != roles[1] or len(roles[0]) != 1 or roles[0][0] not in _MEANS:
            continue
        role = roles[0][0]
        b, a = _number(rb[0], role, rounding), _number(ra[0], role, rounding)
        if b is None or a is None:
            continue
        data = {}
        for side, rs in (("before", rb), ("after", ra)):
            found = _data_values(rs, figures.get((rs[0].path, rs[0].claim)), (role,))
            if role in found:
                data[side] = found[role]
        rec = figures.get((rb[0].path, rb[0].claim)) or figures.get((ra[0].path, ra[0].claim))
        label = quote if len(quote) <= 60 else quote[:57] + "…"
        pairs.append({"label": label, "claims": [rb[0].claim, ra[0].claim], "before": (b.text, b.interval),
                      "after": (a.text, a.interval), "data": data, "basis": rec.basis if rec else "data"})
    return pairs


def _grim_summary(rows, src) -> str:
    rounding, out = _rounding(src), []
    for rs in rows:
        r = rs[0]
        if r.kind != "percent_of_count":
            continue
        n, pct = _number(r, "n", rounding), _number(r, "percent", rounding)
        if n is not None and pct is not None and n.is_integer and n.value >= 1:
            out.append((r.claim, n.as_count(), pct.interval, pct.text))
    if not out:
        return ""
    bad = sum(not plots.feasible_counts(n, iv) for _, n, iv, _ in out)
    is_open = " open" if bad else ""
    return (f'<details class="grim-summary-wrap"{is_open}><summary>Reachable percentages of the {len(out)} percentage claims: '
            f"{bad} unreachable</summary><figure>{plots.reachable_summary(out)}<figcaption>GRIM for proportions: the dots "
            "are 100·k/n for whole counts k of the claim's n; a green dot inside the band (the printed value's rounding "
            "interval) is a count that prints as the claim does.</figcaption></figure></details>")


def _own_roles(r: Result) -> list[str]:
    """The roles the claim prints itself (not its inputs from other claims), its n left out."""
    return [role for role, text in r.reported.items() if not _FROM.search(text) and role != "n"]
