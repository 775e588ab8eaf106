"""Hand-made inline SVG plots for the HTML report: pure functions from numbers to an ``<svg>`` string.

Hand-made rather than matplotlib: the report stays one self-contained file with no import cost
(matplotlib ~0.5 s), every mark gets a class the tests can count, and text stays text.

* :func:`verdict_bars`           counts per verdict for each source and basis (the summary chart)
* :func:`reachable_percentages`  GRIM map of 100·k/n around a printed percentage
* :func:`reachable_summary`      every percentage claim of a source on one figure: which k/n print as it

``value_plots.py`` draws printed against recomputed values (before/after, percent changes) and
``survival_plots.py`` Kaplan-Meier curves and the forest plot of hazard ratios, with the
primitives defined here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from html import escape

from ..intervals import Interval
from ..kinds.percent_of_count import feasible_counts

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
    """One stacked bar per row (a source, or a source and basis): the results per verdict, labelled with their counts."""
    width, row = 480, 30
    left = max(80, 12 + round(6.4 * max((len(name) for name in counts), default=0)))
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


def reachable_summary(rows: Sequence[tuple[str, int, Interval, str]]) -> str:
    """GRIM summary of a source: one strip per percentage claim, given as (label, n, printed interval, printed text).

    Each strip has its own scale, the printed percentage ± 1.6 steps of 100/n: the band is the
    printed value's interval and the dots are 100·k/n for whole k; a dot inside the band is a
    count that prints as the printed value (green). A strip with none is unreachable, drawn red
    (GRIM for proportions, Brown & Heathers 2017).
    """
    left, strip, right, row, top = 220, 250, 190, 20, 26
    width, height = left + strip + right, top + row * len(rows) + 6
    body = [_text(left - 8, 14, "claim (n)", "end", font_weight="bold"),
            _text(left + strip / 2, 14, "100·k/n near the printed value", "middle", font_weight="bold"),
            _text(left + strip + 10, 14, "counts that print as it", font_weight="bold")]
    for i, (label, n, iv, text) in enumerate(rows):
        y = top + i * row + row / 2
        reachable = feasible_counts(n, iv)
        mid = float(iv.lo + iv.hi) / 2
        half = max(1.6 * 100 / n, 1.5 * float(iv.hi - iv.lo), 0.5)
        a, b = mid - half, mid + half

        def px(v: float, a=a, b=b) -> float:
            return left + strip * (v - a) / (b - a)

        color = GREEN if reachable else RED
        body.append(f'<g class="grim-row" data-reachable="{str(bool(reachable)).lower()}">')
        if i % 2:
            body.append(f'<rect x="0" y="{y - row / 2:.1f}" width="{width}" height="{row}" fill="#f6f8fa"/>')
        body.append(_text(left - 8, y + 4, f"{label[:30]} ({n})", "end"))
        x0, x1 = px(max(float(iv.lo), a)), px(min(float(iv.hi), b))
        body.append(f'<line x1="{left}" x2="{left + strip}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GREY}"/>')
        body.append(f'<rect class="printed-band" x="{x0:.1f}" y="{y - 7:.1f}" width="{max(x1 - x0, 1.5):.1f}" height="14" '
                    f'fill="{color}" fill-opacity="0.2" stroke="{color}" stroke-width="0.8"><title>printed {escape(text)} = {iv}</title></rect>')
        nearest = [] if reachable else [k for k in (math.floor(mid * n / 100), math.floor(mid * n / 100) + 1) if 0 <= k <= n]
        for k in range(max(0, math.ceil(a * n / 100)), min(n, math.floor(b * n / 100)) + 1):
            v = 100 * k / n
            cls, dot = (("dot reachable", GREEN) if k in reachable else ("dot unreachable", RED) if k in nearest else ("dot", GREY))
            body.append(f'<circle class="{cls}" cx="{px(v):.1f}" cy="{y:.1f}" r="{3 if dot == GREY else 4}" '
                        f'fill="{"#fff" if dot == GREY else dot}" stroke="{dot}"><title>{k}/{n} = {v:.2f}%</title></circle>')
        note = (", ".join(f"{k}/{n}" for k in reachable[:3]) + (" …" if len(reachable) > 3 else "") if reachable
                else f"none: {text} is unreachable")
        body.append(_text(left + strip + 10, y + 4, note, fill=color))
        body.append("</g>")
    return _svg(width, height, "reachable percentages of every percentage claim", body, "grim-summary")
