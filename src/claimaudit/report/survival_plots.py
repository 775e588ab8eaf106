"""Inline SVG plots of survival analyses: Kaplan-Meier curves and a forest plot of hazard ratios.

* :func:`kaplan_meier_svg`  Kaplan-Meier step curves by group (``metrics.kaplan_meier``), printed proportions marked
* :func:`forest`            printed hazard ratios with their CIs beside the ones recomputed from data, log scale

Pure functions from numbers to an ``<svg>`` string, like ``plots.py``, whose primitives they use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

from ..intervals import Interval
from .plots import BLUE, COLORS, GREEN, GREY, INK, _svg, _text, _ticks

PALETTE = (BLUE, "#bc4c00", "#8250df", GREEN)
HR_RANGE = (0.01, 200.0)  # the forest's widest axis; a CI beyond it is clipped and drawn with an arrow


def kaplan_meier_svg(groups: Mapping[str, tuple[Sequence[float], Sequence[int]]],
                     printed: Mapping[str, tuple[str, Interval]] | None = None, time_label: str = "months") -> str:
    """Kaplan-Meier step curves, one per group (times, events with 1 = event, 0 = censored).

    The steps are ``metrics.kaplan_meier.kaplan_meier`` (the metric the checks use: events before
    censorings at a tie, R ``survfit``). A censored time is a tick on its curve. ``printed`` maps a
    group to its printed proportion (text and rounding interval; Chen 2017 prints 0.82 for the low
    titer group and 0.53 for the high), drawn at the right edge as a bar whose height is that
    interval, beside the curve's last value. Steps closer than half a pixel are merged, and the
    censorings within one pixel share a tick, so a large extract gives a small drawing of the same curve.
    """
    from ..metrics.kaplan_meier import kaplan_meier

    printed = printed or {}
    width, height, left, top, bottom, right = 520, 250, 40, 14, 36, 216
    plot_w, plot_h = width - left - right, height - top - bottom
    t_max = max((float(max(t)) for t, _ in groups.values() if len(t)), default=1.0) or 1.0

    def px(t: float) -> float:
        return left + plot_w * t / t_max

    def py(s: float) -> float:
        return top + plot_h * (1 - s)

    body = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{GREY}"/>']
    for s in (0, 0.25, 0.5, 0.75, 1):
        body.append(f'<line x1="{left - 3}" x2="{left}" y1="{py(s):.1f}" y2="{py(s):.1f}" stroke="{INK}"/>'
                    + _text(left - 5, py(s) + 4, f"{s:g}", "end"))
    for t in _ticks(0, t_max, 5):
        body.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{top + plot_h}" y2="{top + plot_h + 3}" stroke="{INK}"/>'
                    + _text(px(t), height - bottom + 14, f"{t:g}", "middle"))
    body.append(_text(left + plot_w / 2, height - 4, time_label, "middle", fill="#57606a"))
    for i, (name, (times, events)) in enumerate(groups.items()):
        color = PALETTE[i % len(PALETTE)]
        steps = kaplan_meier(times, events)
        points, ticks, s = [(px(0), py(1))], {}, 1.0
        for step in steps:
            s = step.survival
            x = px(step.time)
            if step.events:
                if x - points[-1][0] < 0.5:
                    points[-1] = (points[-1][0], py(s))
                else:
                    points.append((x, py(s)))
            if step.censored:
                n, where = ticks.get(round(x), (0, (x, py(s), step.time)))  # one tick per pixel: the first time in it
                ticks[round(x)] = (n + step.censored, where)
        d = f"M{points[0][0]:.1f},{points[0][1]:.1f}" + "".join(f" H{x:.1f} V{y:.1f}" for x, y in points[1:])
        d += f" H{px(steps[-1].time):.1f}"
        n, relapses = len(times), int(sum(events))
        body.append(f'<path class="km-step" data-group="{escape(name)}" data-end="{s:.6g}" d="{d}" fill="none" '
                    f'stroke="{color}" stroke-width="2"><title>{escape(name)}: S = {s:.3g} at {steps[-1].time:g}</title></path>')
        for count, (x, y, t) in ticks.values():
            body.append(f'<line class="censor" x1="{x:.1f}" x2="{x:.1f}" y1="{y - 4:.1f}" y2="{y + 4:.1f}" stroke="{color}">'
                        f"<title>{count} censored at {t:g}</title></line>")
        ly = top + 8 + 46 * i
        lx = left + plot_w + 22
        body.append(f'<line x1="{lx}" x2="{lx + 16}" y1="{ly - 4}" y2="{ly - 4}" stroke="{color}" stroke-width="2"/>'
                    + _text(lx + 20, ly, f"{name}: n {n}, {relapses} event{'s' * (relapses != 1)}", fill=color))
        body.append(_text(lx + 20, ly + 14, f"recomputed S = {s:.3g}", cls="km-end", fill="#57606a"))
        if name in printed:
            text, iv = printed[name]
            y0, y1 = py(float(min(iv.hi, 1))), py(float(max(iv.lo, 0)))
            body.append(f'<rect class="printed-mark" data-group="{escape(name)}" data-lo="{float(iv.lo):g}" data-hi="{float(iv.hi):g}" '
                        f'x="{left + plot_w + 2}" y="{y0 - 1:.1f}" width="9" height="{max(y1 - y0, 1) + 2:.1f}" fill="{color}">'
                        f"<title>printed {escape(name)}: {escape(text)} ∈ {iv}</title></rect>")
            body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{(y0 + y1) / 2:.1f}" y2="{(y0 + y1) / 2:.1f}" stroke="{color}" '
                        f'stroke-opacity="0.5" stroke-dasharray="2 3"/>')
            body.append(_text(lx + 20, ly + 28, f"printed {text} ∈ {iv.format(digits=3)}", cls="printed-label", fill=color,
                              font_size="10"))
    return _svg(width, height, "Kaplan-Meier curves by group with the printed proportions", body, "kaplan-meier")


def forest(rows: Sequence[Mapping]) -> str:
    """Forest plot: each row's printed HR (a square) and CI (a line) on a log axis, and the one recomputed from data.

    A row maps ``label``, ``verdict`` (of the check from the printed numbers), ``hr``/``ci_low``/
    ``ci_high`` (printed text) with their intervals under ``hr_iv``/``lo_iv``/``hi_iv`` (a role the
    claim does not print may be None), ``p`` (printed) and ``p_recomputed`` (text). An optional
    ``data`` maps ``hr``, ``ci_low``, ``ci_high``, ``p`` (floats; None when not recomputed),
    ``verdict`` (of the data-level result) and ``basis``: drawn as a diamond on a dashed line
    under the printed row. Values beyond :data:`HR_RANGE` are clipped, with an arrow.
    """
    with_data = any(r.get("data") for r in rows)
    left, plot_w, right, row = 170, 260, 250, (42 if with_data else 28)
    width, height = left + plot_w + right, 50 + row * len(rows) + (16 if with_data else 0)
    ends = [float(iv.mid) for r in rows for iv in (r["lo_iv"], r["hi_iv"], r["hr_iv"]) if iv is not None]
    ends += [v for r in rows if r.get("data") for v in (r["data"].get(k) for k in ("hr", "ci_low", "ci_high"))
             if v is not None and math.isfinite(v) and v > 0]
    lo = max(min(min(ends) / 1.3, 0.8), HR_RANGE[0])
    hi = min(max(max(ends) * 1.3, 1.25), HR_RANGE[1])

    def px(v: float) -> float:
        v = min(max(v, lo), hi)
        return left + plot_w * (math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))

    axis = 50 + row * len(rows) - 36
    body = [f'<line x1="{px(1):.1f}" x2="{px(1):.1f}" y1="8" y2="{axis}" stroke="{GREY}" stroke-dasharray="3 3"/>',
            _text(left + plot_w + 8, 14, "P printed · recomputed", font_weight="bold")]
    for t in (x for x in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200) if lo <= x <= hi):
        body.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{axis}" y2="{axis + 4}" stroke="{INK}"/>'
                    + _text(px(t), axis + 15, f"{t:g}", "middle"))
    body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{axis}" y2="{axis}" stroke="{INK}"/>')
    body.append(_text(left + plot_w / 2, axis + 30, "hazard ratio (log scale)", "middle", fill="#57606a"))
    for i, r in enumerate(rows):
        y = 28 + i * row
        color = COLORS.get(str(r["verdict"]), INK)
        body.append(f'<g class="forest-row" data-verdict="{escape(str(r["verdict"]))}">')
        body.append(_text(left - 8, y + 4, str(r["label"])[:28], "end"))
        if r["lo_iv"] is not None and r["hi_iv"] is not None:
            body.append(_ci_line(px(float(r["lo_iv"].mid)), px(float(r["hi_iv"].mid)), y, color, "printed-ci", ""))
        x = px(float(r["hr_iv"].mid))
        ci = f" ({r['ci_low']}–{r['ci_high']})" if r["lo_iv"] is not None and r["hi_iv"] is not None else ""
        body.append(f'<rect class="printed-hr" x="{x - 4:.1f}" y="{y - 4}" width="8" height="8" fill="{color}">'
                    f'<title>HR {escape(str(r["hr"]))}{escape(ci)}</title></rect>')
        body.append(_text(left + plot_w + 8, y + 4, f"{r['p']} · {r['p_recomputed']}"[:40], fill=color))
        body.append("</g>")
        if r.get("data"):
            body.append(_data_row(r["data"], y + 14, px, lo, hi, left + plot_w + 8))
    if with_data:
        body.append(f'<rect x="{left}" y="{height - 12}" width="8" height="8" fill="{INK}"/>'
                    + _text(left + 12, height - 4, "printed")
                    + f'<path d="M{left + 80},{height - 13} l5,5 l-5,5 l-5,-5 z" fill="none" stroke="{INK}" stroke-width="1.5"/>'
                    + _text(left + 90, height - 4, "recomputed from data (Wald CI); colour: verdict"))
    label = "printed hazard ratios with their 95% CIs" + (" and the recomputed ones" if with_data else "")
    return _svg(width, height, label, body, "forest")


def _ci_line(x0: float, x1: float, y: float, color: str, cls: str, dash: str, clipped: tuple[bool, bool] = (False, False)) -> str:
    out = (f'<line class="{cls}" x1="{x0:.1f}" x2="{x1:.1f}" y1="{y}" y2="{y}" stroke="{color}" stroke-width="2"'
           + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
    for at, side in ((x0, -1), (x1, 1)):
        if clipped[side > 0]:
            out += f'<path class="clipped" d="M{at + 6 * side:.1f},{y} l{-6 * side},-4 v8 z" fill="{color}"/>'
    return out


def _data_row(d: Mapping, y: float, px, lo: float, hi: float, text_x: float) -> str:
    color = COLORS.get(str(d.get("verdict")), INK)
    out = [f'<g class="forest-data" data-verdict="{escape(str(d.get("verdict")))}" data-basis="{escape(str(d.get("basis")))}">']
    hr, ci_lo, ci_hi = d.get("hr"), d.get("ci_low"), d.get("ci_high")
    if ci_lo is not None and ci_hi is not None and ci_lo > 0 and math.isfinite(ci_lo):
        top = ci_hi if math.isfinite(ci_hi) else hi * 2
        out.append(_ci_line(px(ci_lo), px(top), y, color, "data-ci", "4 2", (ci_lo < lo, top > hi)))
    if hr is not None and hr > 0 and math.isfinite(hr):
        x = px(hr)
        ci = f" ({ci_lo:.4g}–{ci_hi:.4g})" if ci_lo is not None and ci_hi is not None else ""
        out.append(f'<path class="data-hr" d="M{x:.1f},{y - 5} l5,5 l-5,5 l-5,-5 z" fill="#fff" stroke="{color}" stroke-width="1.8">'
                   f"<title>{escape(str(d.get('basis')))}: HR {hr:.4g}{escape(ci)}</title></path>")
    p = d.get("p")
    out.append(_text(text_x, y + 4, f"{d.get('basis')}: P {p:.4g}" if p is not None else f"{d.get('basis')}: {d.get('verdict')}",
                     fill=color, font_size="10"))
    out.append("</g>")
    return "".join(out)
