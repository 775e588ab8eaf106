"""Inline SVG plots of printed values against recomputed ones: before/after values and percent changes.

* :func:`change_intervals`  one claim: printed before and after (rounding intervals), the printed change against
  the change recomputed from them, and the values recomputed from data as diamonds
* :func:`before_after`      one row per printed before/after pair of a source (ARR, EDSS, MG scores), with the
  values recomputed from data

Pure functions from numbers to an ``<svg>`` string, like ``plots.py``, whose primitives they use.
A diamond's colour is the verdict of the data-level check of its role (blue when that role was
not compared).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

from ..intervals import Interval
from .plots import BLUE, COLORS, GREEN, GREY, INK, RED, _svg, _text, _ticks

AFTER = "#8250df"
#: A value recomputed from data: (value, verdict of its check or None).
DataValue = tuple[float, str | None]


def _diamond(x: float, y: float, value: float, role: str, verdict: str | None, basis: str) -> str:
    color = COLORS.get(verdict or "", BLUE)
    return (f'<path class="data-value" data-role="{escape(role)}" data-verdict="{escape(verdict or "")}" '
            f'd="M{x:.1f},{y - 6:.1f} l6,6 l-6,6 l-6,-6 z" fill="#fff" stroke="{color}" stroke-width="2">'
            f"<title>{escape(basis)}: {escape(role)} = {value:.4g}</title></path>")


def change_intervals(rows: Sequence[tuple[str, str, Interval]], change: tuple[str, Interval] | None = None,
                     recomputed: tuple[str, Interval] | None = None, data: Mapping[str, DataValue] | None = None,
                     basis: str = "data") -> str:
    """Printed before/after values with their rounding intervals; the printed change against the recomputed one.

    ``rows`` are (role, printed text, interval) for before and after; ``change`` the printed change
    and its interval; ``recomputed`` the change every pair inside the input intervals reaches, as the
    check wrote it and as an interval; ``data`` the values recomputed from data by role (``before``,
    ``after``, ``change``), each drawn as a diamond against the printed interval of its role.
    """
    data = data or {}
    width, left = 330, 96
    plot_w = width - left - 16
    body: list[str] = []

    def axis(y: float, lo: float, hi: float, unit: str) -> Callable[[float], float]:
        def px(v: float) -> float:
            return left + plot_w * (v - lo) / (hi - lo)

        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y}" y2="{y}" stroke="{GREY}"/>')
        for t in _ticks(lo, hi, 4):
            body.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{y}" y2="{y + 3}" stroke="{GREY}"/>'
                        + _text(px(t), y + 13, f"{t:g}{unit}", "middle", fill="#57606a"))
        return px

    values = [float(x) for _, _, iv in rows for x in (iv.lo, iv.hi)] + [v for r, (v, _) in data.items() if r != "change"]
    lo, hi = min(0.0, *values), (max(values) * 1.08 or 1.0)
    px = axis(20 + 24 * len(rows), lo, hi, "")
    for i, (role, text, iv) in enumerate(rows):
        y = 14 + 24 * i
        body.append(_text(left - 8, y + 4, f"{role} {text}", "end"))
        body.append(f'<rect class="interval" x="{px(float(iv.lo)):.1f}" y="{y - 5}" width="{max(px(float(iv.hi)) - px(float(iv.lo)), 2):.1f}" '
                    f'height="10" fill="{BLUE}" fill-opacity="0.35" stroke="{BLUE}"><title>{escape(role)} {escape(text)} ∈ {iv}</title></rect>')
        if role in data:
            body.append(_diamond(px(data[role][0]), y, data[role][0], role, data[role][1], basis))
    height = 20 + 24 * len(rows) + 22
    if change is not None or recomputed is not None or "change" in data:
        y0 = height + 12
        shown = [iv for iv in (change[1] if change else None, recomputed[1] if recomputed else None) if iv is not None]
        ends = [float(x) for iv in shown for x in (iv.lo, iv.hi)] + ([data["change"][0]] if "change" in data else [])
        c_lo, c_hi = min(ends), max(ends)
        pad = max((c_hi - c_lo) * 0.15, 0.5)
        bars = []
        if recomputed is not None:
            ok = change is None or recomputed[1].overlaps(change[1])
            bars.append(("recomputed", recomputed[1], recomputed[0], BLUE, "recomputed"))
        if change is not None:
            ok = recomputed is None or recomputed[1].overlaps(change[1])
            bars.append((f"printed {change[0]}", change[1], str(change[1]), GREEN if ok else RED, "printed"))
        if "change" in data and not bars:
            bars.append(("change", None, "", BLUE, ""))
        cx = axis(y0 + 6 + 20 * len(bars), c_lo - pad, c_hi + pad, "%")
        for i, (label, iv, shown_text, color, cls) in enumerate(bars):
            y = y0 + 6 + 20 * i
            body.append(_text(left - 8, y + 4, label, "end"))
            if iv is not None:
                body.append(f'<rect class="{cls}" x="{cx(float(iv.lo)):.1f}" y="{y - 5}" width="{max(cx(float(iv.hi)) - cx(float(iv.lo)), 2):.1f}" '
                            f'height="10" fill="{color}" fill-opacity="0.45" stroke="{color}"><title>{escape(label)} ∈ {escape(shown_text)}</title></rect>')
        if "change" in data:
            value, verdict = data["change"]
            body.append(_diamond(cx(value), y0 + 6 + 20 * (len(bars) - 1), value, "change", verdict, basis))
        body.insert(0, _text(left - 8, y0 - 8, "change", "end", font_weight="bold"))
        height = y0 + 6 + 20 * len(bars) + 20
    if data:
        body.append(f'<path d="M{left},{height - 4} l4,-4 l4,4 l-4,4 z" fill="#fff" stroke="{INK}"/>'
                    + _text(left + 12, height, f"recomputed from {basis}", fill="#57606a"))
        height += 8
    what = f"printed change {change[0]}" if change else "printed before and after values"
    against = f" against the recomputed interval {recomputed[0]}" if recomputed else ""
    return _svg(width, height, what + against + (f" and the values recomputed from {basis}" if data else ""), body, "change")


def before_after(pairs: Sequence[Mapping]) -> str:
    """One row per printed before/after pair: both rounding intervals on the row's own axis, an arrow, data diamonds.

    A pair maps ``label``, ``claims`` (the claim ids that print it), ``before`` and ``after``
    (printed text and interval), and optionally ``data`` (role → :data:`DataValue`) and ``basis``.
    """
    width, left, row = 580, 16, 62
    plot_w = width - left - 24
    body: list[str] = []
    for i, p in enumerate(pairs):
        y = 6 + i * row
        data = p.get("data") or {}
        (b_text, b_iv), (a_text, a_iv) = p["before"], p["after"]
        values = [float(x) for iv in (b_iv, a_iv) for x in (iv.lo, iv.hi)] + [v for v, _ in data.values()]
        lo, hi = min(0.0, *values), max(values) * 1.1 or 1.0

        def px(v: float, lo=lo, hi=hi) -> float:
            return left + plot_w * (v - lo) / (hi - lo)

        found = ""
        if data:
            found = " · " + p.get("basis", "data") + " " + " → ".join(f"{data[r][0]:.3g}" if r in data else "—" for r in ("before", "after"))
        body.append(f'<g class="before-after" data-claims="{escape(" ".join(p.get("claims", ())))}">')
        values_text = "" if b_text in p["label"] and a_text in p["label"] else f": {b_text} → {a_text}"
        body.append(_text(left, y + 10, f"{p['label']}{values_text}{found}", font_weight="bold"))
        yb = y + 26
        xb, xa = px(float(b_iv.mid)), px(float(a_iv.mid))
        side = 1 if xa >= xb else -1
        body.append(f'<line x1="{xb:.1f}" x2="{xa:.1f}" y1="{yb - 10}" y2="{yb - 10}" stroke="{GREY}" stroke-width="1.5"/>'
                    f'<path d="M{xa:.1f},{yb - 10} l{-6 * side},-4 v8 z" fill="{GREY}"/>')
        for role, text, iv, color in (("before", b_text, b_iv, BLUE), ("after", a_text, a_iv, AFTER)):
            x0, x1 = px(float(iv.lo)), px(float(iv.hi))
            body.append(f'<rect class="interval {role}" x="{x0:.1f}" y="{yb - 6}" width="{max(x1 - x0, 2):.1f}" height="12" '
                        f'fill="{color}" fill-opacity="0.4" stroke="{color}"><title>{role} {escape(text)} ∈ {iv}</title></rect>')
        for role, (value, verdict) in data.items():
            body.append(_diamond(px(value), yb, value, role, verdict, p.get("basis", "data")))
        ya = yb + 12
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{ya}" y2="{ya}" stroke="{GREY}"/>')
        for t in _ticks(lo, hi, 6):
            body.append(f'<line x1="{px(t):.1f}" x2="{px(t):.1f}" y1="{ya}" y2="{ya + 3}" stroke="{GREY}"/>'
                        + _text(px(t), ya + 13, f"{t:g}", "middle", fill="#57606a"))
        body.append("</g>")
    height = 6 + row * len(pairs) + 18
    y = height - 8
    body.append(f'<rect x="{left}" y="{y - 9}" width="12" height="10" fill="{BLUE}" fill-opacity="0.4" stroke="{BLUE}"/>'
                + _text(left + 16, y, "before (printed interval)")
                + f'<rect x="{left + 170}" y="{y - 9}" width="12" height="10" fill="{AFTER}" fill-opacity="0.4" stroke="{AFTER}"/>'
                + _text(left + 186, y, "after (printed interval)")
                + f'<path d="M{left + 336},{y - 9} l5,5 l-5,5 l-5,-5 z" fill="#fff" stroke="{INK}" stroke-width="1.5"/>'
                + _text(left + 346, y, "recomputed (colour: its verdict)"))
    return _svg(width, height, "printed before and after values with their rounding intervals and the recomputed ones",
                body, "before-after")
