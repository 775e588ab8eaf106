"""Hand-made inline SVG plots for the HTML report: pure functions from numbers to an ``<svg>`` string.

Hand-made rather than matplotlib: the report stays one self-contained file with no import cost
(matplotlib ~0.5 s), every mark gets a class the tests can count, and text stays text.

* :func:`verdict_bars`       counts per verdict for each source (the summary chart)
* :func:`reachable_percentages`  GRIM map of 100·k/n around a printed percentage
* :func:`change_intervals`   before, after and change of a percent_change claim, with their intervals
* :func:`forest`             printed hazard ratios with their CIs on a log scale, and the recomputed P
* :func:`kaplan_meier_svg`   Kaplan-Meier step curves by group, printed proportions as ticks
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from html import escape

from ..intervals import Interval
from ..kinds.percent_of_count import feasible_counts
from ..printed import parse_printed

COLORS = {"consistent": "#1a7f37", "inconsistent": "#cf222e", "undetermined": "#9a6700", "not_checkable": "#6e7781"}
RED, GREEN, GREY, BLUE, INK = "#cf222e", "#1a7f37", "#8c959f", "#0969da", "#1f2328"
_FONT = 'font-family="system-ui, sans-serif"'


def _svg(width: int, height: int, label: str, body: list[str], cls: str) -> str:
    return (f'<svg class="plot {cls}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" {_FONT} font-size="11">'
            f"<title>{escape(label)}</title>" + "".join(body) + "</svg>")


def _text(x: float, y: float, s: str, anchor: str = "start", cls: str = "", **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    c = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{c}{extra}>{escape(s)}</text>'


def verdict_bars(counts: Mapping[str, Mapping[str, int]]) -> str:
    """One stacked bar per row (a source, or all): the claims per verdict, labelled with their counts."""
    width, left, row = 480, 80, 30
    verdicts = list(COLORS)
    height = row * len(counts) + 34
    most = max((sum(c.values()) for c in counts.values()), default=1) or 1
    body = []
    for i, (name, c) in enumerate(counts.items()):
        y, x = 6 + i * row, float(left)
        body.append(_text(left - 8, y + 15, name, "end"))
        for v in verdicts:
            w = (width - left - 10) * c.get(v, 0) / most
            if w <= 0:
                continue
            body.append(f'<rect class="bar" data-verdict="{v}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" '
                        f'fill="{COLORS[v]}"><title>{escape(name)}: {c[v]} {v}</title></rect>')
            if w > 18:
                body.append(_text(x + w / 2, y + 14, str(c[v]), "middle", fill="#fff"))
            x += w
    x, y = 8.0, height - 8
    for v in verdicts:
        body.append(f'<rect x="{x:.0f}" y="{y - 9}" width="10" height="10" fill="{COLORS[v]}"/>' + _text(x + 14, y, v))
        x += 14 + 6.2 * len(v) + 14
    return _svg(width, height, "claims per verdict and source", body, "verdict-bars")


def reachable_percentages(n: int, percent: Interval, printed: str) -> str:
    """GRIM map: for each denominator near n, the percentages 100·k/n as dots around the printed one.

    The band is the printed percentage's interval. Dots inside it are counts k/n that print as
    the printed value; at the claimed n they are green, and when there are none the printed value
    is unreachable and the nearest k/n are drawn red (Brown & Heathers 2017, GRIM).
    """
    width, height, left, top, bottom = 320, 200, 44, 26, 34
    ns = [m for m in range(n - 4, n + 5) if m >= 1]
    mid = float(percent.lo + percent.hi) / 2
    half = max(2.6 * 100 / n, float(percent.hi - percent.lo) * 2, 1.0)
    lo, hi = max(0.0, mid - half), min(100.0, mid + half)
    if hi - lo < 2 * half:
        lo, hi = (0.0, min(100.0, 2 * half)) if lo == 0 else (max(0.0, 100 - 2 * half), 100.0)
    plot_w, plot_h = width - left - 10, height - top - bottom

    def px(m: int) -> float:
        return left + plot_w * (ns.index(m) + 0.5) / len(ns)

    def py(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    reachable = feasible_counts(n, percent)
    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#f6f8fa"/>',
            f'<rect x="{px(n) - plot_w / len(ns) / 2:.1f}" y="{top}" width="{plot_w / len(ns):.1f}" height="{plot_h}" fill="#ddf4ff"/>']
    band_lo, band_hi = py(min(float(percent.hi), hi)), py(max(float(percent.lo), lo))
    band_color = GREEN if reachable else RED
    body.append(f'<rect class="printed-band" x="{left}" y="{band_lo:.1f}" width="{plot_w}" height="{max(band_hi - band_lo, 1.5):.1f}" '
                f'fill="{band_color}" fill-opacity="0.18" stroke="{band_color}" stroke-width="0.8"/>')
    body.append(_text(left + 4, top - 8, f"printed {printed} = {percent}", fill=band_color))
    for tick in _ticks(lo, hi, 5):
        body.append(f'<line x1="{left - 3}" x2="{left}" y1="{py(tick):.1f}" y2="{py(tick):.1f}" stroke="{INK}"/>'
                    + _text(left - 5, py(tick) + 4, f"{tick:g}%", "end"))
    for m in ns:
        ks = range(math.ceil(lo * m / 100 - 1e-9), math.floor(hi * m / 100 + 1e-9) + 1)
        for k in ks:
            v = 100 * k / m
            inside = percent.contains(Fraction(100 * k, m))
            if m == n:
                color = GREEN if inside else (RED if not reachable and abs(v - mid) <= 100 / n else GREY)
                cls = "dot reachable" if inside else ("dot unreachable" if color == RED else "dot")
                r = 4.2
            else:
                color, cls, r = (GREEN, "dot other", 3.0) if inside else (GREY, "dot other", 2.4)
            fill = color if m == n or inside else "none"
            body.append(f'<circle class="{cls}" cx="{px(m):.1f}" cy="{py(v):.1f}" r="{r}" fill="{fill}" stroke="{color}">'
                        f"<title>{k}/{m} = {v:.2f}%</title></circle>")
        weight = ' font-weight="bold"' if m == n else ""
        body.append(f'<text x="{px(m):.1f}" y="{height - bottom + 14}" text-anchor="middle"{weight}>{m}</text>')
    verdict = (f"{', '.join(f'{k}/{n}' for k in reachable)} print as {printed}" if reachable
               else f"unreachable: no k/{n} prints as {printed}")
    body.append(_text(left + plot_w / 2, height - 4, f"n (patients) — {verdict}", "middle",
                      cls="verdict-note", fill=band_color))
    return _svg(width, height, f"reachable percentages of n = {n} near printed {printed}", body, "grim")


def _ticks(lo: float, hi: float, count: int) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(f for f in (1, 2, 2.5, 5, 10) if raw <= step * f)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step + 1e-9) + 1)]


def change_intervals(rows: Sequence[tuple[str, str, Interval]], change: tuple[str, Interval],
                     recomputed: tuple[str, Interval]) -> str:
    """Printed before/after values with their rounding intervals; the printed change against the recomputed one.

    ``rows`` are (role, printed text, interval) for before and after; ``change`` the printed change
    and its interval; ``recomputed`` the change every pair inside the input intervals reaches, as the
    check wrote it and as an interval.
    """
    width, left = 320, 92
    plot_w = width - left - 14
    body: list[str] = []

    def axis(y: float, lo: float, hi: float, unit: str) -> Callable[[float], float]:
        def px(v: float) -> float:
            return left + plot_w * (v - lo) / (hi - lo)

        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y}" y2="{y}" stroke="{GREY}"/>')
        for t in _ticks(lo, hi, 4):
            body.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{y}" y2="{y + 3}" stroke="{GREY}"/>'
                        + _text(px(t), y + 13, f"{t:g}{unit}", "middle", fill="#57606a"))
        return px

    values = [iv for _, _, iv in rows]
    lo = min(0.0, *(float(iv.lo) for iv in values))
    hi = max(float(iv.hi) for iv in values) * 1.08 or 1.0
    px = axis(20 + 24 * len(rows), lo, hi, "")
    for i, (role, text, iv) in enumerate(rows):
        y = 14 + 24 * i
        body.append(_text(left - 8, y + 4, f"{role} {text}", "end"))
        body.append(f'<rect class="interval" x="{px(float(iv.lo)):.1f}" y="{y - 5}" width="{max(px(float(iv.hi)) - px(float(iv.lo)), 2):.1f}" '
                    f'height="10" fill="{BLUE}" fill-opacity="0.35" stroke="{BLUE}"><title>{escape(role)} {escape(text)} ∈ {iv}</title></rect>')
    y0 = 20 + 24 * len(rows) + 34
    text, printed = change
    recomputed_text, recomputed = recomputed
    c_lo = min(float(printed.lo), float(recomputed.lo))
    c_hi = max(float(printed.hi), float(recomputed.hi))
    pad = max((c_hi - c_lo) * 0.15, 0.5)
    cx = axis(y0 + 40, c_lo - pad, c_hi + pad, "%")
    ok = recomputed.overlaps(printed)
    for i, (label, iv, shown, color, cls) in enumerate((("recomputed", recomputed, recomputed_text, BLUE, "recomputed"),
                                                         (f"printed {text}", printed, str(printed), GREEN if ok else RED, "printed"))):
        y = y0 + 6 + 20 * i
        body.append(_text(left - 8, y + 4, label, "end"))
        body.append(f'<rect class="{cls}" x="{cx(float(iv.lo)):.1f}" y="{y - 5}" width="{max(cx(float(iv.hi)) - cx(float(iv.lo)), 2):.1f}" '
                    f'height="10" fill="{color}" fill-opacity="0.45" stroke="{color}"><title>{escape(label)} ∈ {escape(shown)}</title></rect>')
    height = y0 + 60
    body.insert(0, _text(left - 8, y0 - 8, "change", "end", font_weight="bold"))
    return _svg(width, height, f"printed change {text} against the recomputed interval {recomputed_text}", body, "change")


def forest(rows: Sequence[Mapping[str, str | Interval]]) -> str:
    """Forest plot: each row's printed HR (a square) and CI (a line) on a log axis, P printed and recomputed.

    A row maps ``label``, ``verdict``, ``hr``/``ci_low``/``ci_high`` (printed text) with their
    intervals under ``hr_iv``/``lo_iv``/``hi_iv``, ``p`` (printed) and ``p_recomputed`` (text).
    """
    left, plot_w, right, row = 170, 250, 230, 28
    width, height = left + plot_w + right, 50 + row * len(rows)
    lo = min(float(r["lo_iv"].lo) for r in rows) / 1.3
    hi = max(float(r["hi_iv"].hi) for r in rows) * 1.3
    lo, hi = min(lo, 0.8), max(hi, 1.25)

    def px(v: float) -> float:
        return left + plot_w * (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))

    axis = height - 36
    body = [f'<line x1="{px(1):.1f}" x2="{px(1):.1f}" y1="8" y2="{axis}" stroke="{GREY}" stroke-dasharray="3 3"/>',
            _text(left + plot_w + 8, 14, "P printed · recomputed", font_weight="bold")]
    for t in (x for x in (0.01, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100) if lo <= x <= hi):
        body.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{axis}" y2="{axis + 4}" stroke="{INK}"/>'
                    + _text(px(t), axis + 15, f"{t:g}", "middle"))
    body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{axis}" y2="{axis}" stroke="{INK}"/>')
    body.append(_text(left + plot_w / 2, height - 4, "hazard ratio (log scale)", "middle", fill="#57606a"))
    for i, r in enumerate(rows):
        y = 28 + i * row
        color = COLORS.get(str(r["verdict"]), INK)
        body.append(f'<g class="forest-row" data-verdict="{escape(str(r["verdict"]))}">')
        body.append(_text(left - 8, y + 4, str(r["label"])[:28], "end"))
        body.append(f'<line x1="{px(float(r["lo_iv"].mid)):.1f}" x2="{px(float(r["hi_iv"].mid)):.1f}" y1="{y}" y2="{y}" '
                    f'stroke="{color}" stroke-width="2"/>')
        x = px(float(r["hr_iv"].mid))
        body.append(f'<rect x="{x - 4:.1f}" y="{y - 4}" width="8" height="8" fill="{color}">'
                    f'<title>HR {escape(str(r["hr"]))} ({escape(str(r["ci_low"]))}–{escape(str(r["ci_high"]))})</title></rect>')
        body.append(_text(left + plot_w + 8, y + 4, f"{r['p']} · {r['p_recomputed']}"[:40], fill=color))
        body.append("</g>")
    return _svg(width, height, "printed hazard ratios with their 95% CIs", body, "forest")


def kaplan_meier_steps(times: Sequence[float], events: Sequence[int]) -> list[tuple[float, float]]:
    """Product-limit estimate as (time, survival) at 0 and at each event time: S(t) = Π (1 − d_i/n_i).

    For drawing only; the metric the checks use lives in ``metrics/`` (lifelines KaplanMeierFitter,
    R ``survfit``), which agrees on untied and tied data (events before censorings at a tie).
    """
    pairs = sorted(zip(times, events, strict=True))
    at_risk, s, out, i = len(pairs), 1.0, [(0.0, 1.0)], 0
    while i < len(pairs):
        t = pairs[i][0]
        same = [e for tt, e in pairs[i:] if tt == t]
        deaths = sum(1 for e in same if e)
        if deaths:
            s *= 1 - deaths / at_risk
            out.append((float(t), s))
        at_risk -= len(same)
        i += len(same)
    return out


def kaplan_meier_svg(groups: Mapping[str, tuple[Sequence[float], Sequence[int]]],
                     printed: Mapping[str, str] | None = None, time_label: str = "months") -> str:
    """Kaplan-Meier step curves, one per group (times, events with 1 = event, 0 = censored).

    ``printed`` maps a group to its printed proportion (text, e.g. Chen 2017's ``"0.82"`` for the low
    titer group and ``"0.53"`` for the high), marked as a horizontal tick at the right edge whose
    height is the printed value's rounding interval.
    """
    width, height, left, top, bottom, right = 450, 240, 40, 14, 34, 126
    plot_w, plot_h = width - left - right, height - top - bottom
    t_max = max((max(t) for t, _ in groups.values() if len(t)), default=1) or 1
    palette = [BLUE, "#bc4c00", "#8250df", GREEN]

    def px(t: float) -> float:
        return left + plot_w * t / t_max

    def py(s: float) -> float:
        return top + plot_h * (1 - s)

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{GREY}"/>']
    for s in (0, 0.25, 0.5, 0.75, 1):
        body.append(_text(left - 4, py(s) + 4, f"{s:g}", "end"))
    for t in _ticks(0, t_max, 5):
        body.append(_text(px(t), height - bottom + 14, f"{t:g}", "middle"))
    body.append(_text(left + plot_w / 2, height - 4, time_label, "middle", fill="#57606a"))
    for i, (name, (times, events)) in enumerate(groups.items()):
        color = palette[i % len(palette)]
        steps = kaplan_meier_steps(times, events)
        d = f"M{px(0):.1f},{py(1):.1f}"
        for t, s in steps[1:]:
            d += f" H{px(t):.1f} V{py(s):.1f}"
        d += f" H{px(max(times)):.1f}"
        body.append(f'<path class="km-step" data-group="{escape(name)}" d="{d}" fill="none" stroke="{color}" stroke-width="2"/>')
        for t, e in zip(times, events, strict=True):
            if not e:  # a censored patient: a tick on the curve
                s = [v for tt, v in steps if tt <= t][-1]
                body.append(f'<line class="censor" x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{py(s) - 4:.1f}" y2="{py(s) + 4:.1f}" stroke="{color}"/>')
        if printed and name in printed:
            iv = parse_printed(printed[name]).interval
            y0, y1 = py(float(iv.hi)), py(float(iv.lo))
            body.append(f'<rect class="printed-mark" data-group="{escape(name)}" x="{left + plot_w}" y="{y0 - 1:.1f}" width="10" '
                        f'height="{max(y1 - y0, 2) + 2:.1f}" fill="{color}"><title>printed {escape(name)}: {escape(printed[name])} ∈ {iv}</title></rect>')
            body.append(_text(left + plot_w + 14, (y0 + y1) / 2 + 4, f"{name}: {printed[name]}", fill=color))
    return _svg(width, height, "Kaplan-Meier curves by group with the printed proportions", body, "kaplan-meier")
