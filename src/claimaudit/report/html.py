"""HTML rendering (``audit.html``): one self-contained page a reviewer can open, read and attach.

Everything is inline (CSS, a few lines of vanilla JS, SVG plots); the page makes no request.
A summary (counts per verdict and per source, a chart) comes first, then one section per source
with every claim, inconsistent ones first. Each claim is an ``<article class="claim">`` with
``data-verdict`` and ``data-source``, showing its quote highlighted in the sentence of the source
text around it, printed and recomputed values, verdict, basis and ``explain(result)``. Filters by
verdict and source and a search box hide and show claims.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from html import escape

from ..model import Source
from ..printed import parse_printed
from ..verdict import Result, Verdict, explain
from . import plots
from .json import summary
from .markdown import by_source, status_line

_ORDER = {Verdict.INCONSISTENT: 0, Verdict.UNDETERMINED: 1, Verdict.CONSISTENT: 2, Verdict.NOT_CHECKABLE: 3}
_HYPHEN_BREAK = re.compile(r"-[ \t]*\r?\n\s*")
_FROM = re.compile(r"\s*\(from [^)]*\)$")
_INTERVAL = re.compile(r"^([\[(])\s*(-?inf|[-\d.e]+),\s*(-?inf|[-\d.e]+)\s*([\])])$")
KM_MISSING = "Kaplan-Meier curves need patient-level data (extract or reconstruction)"
CONTEXT = 240  # characters of source text shown at most on each side of a quote


@lru_cache(maxsize=16)
def _normalised(text: str, keep_hyphen: bool) -> tuple[str, tuple[int, ...]]:
    """The text without whitespace (hyphenated line breaks joined or kept), and each kept char's offset."""
    chars, offsets, i = [], [], 0
    while i < len(text):
        m = _HYPHEN_BREAK.match(text, i)
        if m:
            if keep_hyphen:
                chars.append("-")
                offsets.append(i)
            i = m.end()
            continue
        if not text[i].isspace():
            chars.append(text[i])
            offsets.append(i)
        i += 1
    return "".join(chars), tuple(offsets)


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Start and end offsets of the quote in the text, matched as ``loader.quote_in_source`` does."""
    q = re.sub(r"\s+", "", quote)
    for keep in (False, True):
        joined, offsets = _normalised(text, keep)
        at = joined.find(q) if q else -1
        if at >= 0:
            return offsets[at], offsets[at + len(q) - 1] + 1
    return None


def _display(text: str) -> str:
    """Source text for reading: hyphenated line breaks joined inside words, whitespace folded."""
    text = re.sub(r"(?<=[a-z])-[ \t]*\r?\n\s*(?=[a-z])", "", text)
    text = _HYPHEN_BREAK.sub("-", text)
    return re.sub(r"\s+", " ", text)


def quote_in_context(quote: str, text: str) -> tuple[str, str, str] | None:
    """(before, quote, after) for display: the quote as the source has it and about one sentence around it."""
    found = find_quote(quote, text)
    if found is None:
        return None
    start, end = found
    ends = [m.end() for m in re.finditer(r"[.!?][\"”’)]?\s+|\n\s*\n", text[max(0, start - CONTEXT):start])]
    s = max(0, start - CONTEXT) + ends[-1] if ends else max(0, start - CONTEXT)
    m = re.search(r"[.!?][\"”’)]?(?=\s|$)|\n\s*\n", text[end:end + CONTEXT])
    e = end + m.end() if m else min(len(text), end + CONTEXT)
    before, after = _display(text[s:start]).lstrip(), _display(text[end:e]).rstrip()
    if not ends and s > 0:
        before = "…" + before.split(" ", 1)[-1]
    if not m and e < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    return before, _display(text[start:end]), after


def _printed(r: Result, role: str) -> str | None:
    text = r.reported.get(role)
    return _FROM.sub("", text) if text is not None else None


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


def _plot(r: Result, src: Source | None) -> str:
    """The plot a reader would rather look at than read, for the kinds that have one."""
    rounding = src.rounding if src else ("half_up", "half_even")
    try:
        if r.kind == "percent_of_count":
            n, pct = parse_printed(_printed(r, "n"), rounding), parse_printed(_printed(r, "percent"), rounding)
            if pct.relation == "=" and n.is_integer and n.value >= 1:
                return plots.reachable_percentages(n.as_count(), pct.interval, pct.text)
        if r.kind == "percent_change" and "change" in r.recomputed:
            recomputed = interval_of(r.recomputed["change"])
            rows = [(role, _printed(r, role), parse_printed(_printed(r, role), rounding).interval) for role in ("before", "after")]
            change = parse_printed(_printed(r, "change"), rounding)
            if recomputed is not None and change.relation == "=":
                return plots.change_intervals(rows, (change.text, change.interval), (r.recomputed["change"], recomputed))
    except (TypeError, ValueError):  # a printed value this plot cannot place (a bound, a word): no plot
        return ""
    return ""


def _forest(rs: list[Result], src: Source | None) -> str:
    rounding = src.rounding if src else ("half_up", "half_even")
    rows = []
    for r in rs:
        if r.kind != "hr_triad":
            continue
        try:
            values = {role: parse_printed(_printed(r, role), rounding) for role in ("hr", "ci_low", "ci_high", "p")}
        except (TypeError, ValueError):
            continue
        rows.append({"label": r.claim, "verdict": r.verdict.value, "hr": values["hr"].text, "ci_low": values["ci_low"].text,
                     "ci_high": values["ci_high"].text, "hr_iv": values["hr"].interval, "lo_iv": values["ci_low"].interval,
                     "hi_iv": values["ci_high"].interval, "p": values["p"].text, "p_recomputed": r.recomputed.get("p", "—")})
    if not rows:
        return ""
    return ('<figure class="forest-wrap">' + plots.forest(rows) + "<figcaption>Printed hazard ratios and 95% CIs (log scale); "
            "right: printed P · two-sided Wald P recomputed over every triad inside the printed intervals.</figcaption></figure>")


def _needs_km(r: Result) -> bool:
    return r.kind == "km_feasibility" or any("metric kaplan_meier" in c.why or "metric logrank" in c.why for c in r.checks)


def _claim(r: Result, src: Source | None) -> str:
    v, tag = r.verdict.value, _tag(r)
    ctx = quote_in_context(r.quote, src.text) if src else None
    before, quote, after = ctx if ctx else ("", r.quote, "")
    printed = "".join(f"<li><code>{escape(k)}</code> = {escape(x)}</li>" for k, x in r.reported.items())
    recomputed = "".join(f"<li><code>{escape(k)}</code> ∈ {escape(x)}</li>" for k, x in r.recomputed.items()) or "<li>—</li>"
    plot = _plot(r, src)
    reason = f'<p class="expectation"><strong>Expectation:</strong> {escape(r.expectation_reason)}</p>' if r.expectation_reason else ""
    is_open = " open" if r.verdict is not Verdict.CONSISTENT and r.verdict is not Verdict.NOT_CHECKABLE else ""
    return f"""<article class="claim v-{v}" id="{escape(r.source)}--{escape(r.claim)}{"" if r.basis == "reported" else "--" + escape(r.basis)}" data-verdict="{v}" data-source="{escape(r.source)}" data-kind="{escape(r.kind)}" data-meets="{str(r.meets_expectation).lower()}">
<header><span class="badge v-{v}">{v}</span>{tag}<h3><code>{escape(r.claim)}</code></h3><span class="meta">{escape(r.where)} · {escape(r.kind)} · {escape(r.path)}:{r.line}</span></header>
<blockquote class="context">{escape(before)}<mark>{escape(quote)}</mark>{escape(after)}</blockquote>
<div class="body"><dl class="values"><dt>printed</dt><dd><ul>{printed}</ul></dd><dt>recomputed</dt><dd><ul>{recomputed}</ul></dd>
<dt>basis</dt><dd>{escape(r.basis)}</dd></dl>{f'<figure class="plot-wrap">{plot}</figure>' if plot else ""}</div>
{_explanation(r)}{reason}
<details{is_open}><summary>explanation, checks and conventions</summary><pre>{escape(chr(10).join(explain(r)))}</pre></details>
</article>"""


def _explanation(r: Result) -> str:
    """The explanation; with several checks, one line per check (the parts ``Result.explanation`` joins)."""
    if len(r.checks) < 2:
        return f'<p class="explanation">{escape(r.explanation)}</p>'
    items = "".join(f'<li><span class="check">{escape(c.name)}</span> <span class="v-text v-{c.verdict.value}">'
                    f"{c.verdict.value}</span>: {escape(c.why)}</li>" for c in r.checks)
    return f'<ul class="explanation checks">{items}</ul>'


def _summary(results: list[Result]) -> str:
    """Status line, counts (one column per source and one for all: narrow screens keep it whole), chart, read-first list."""
    groups = by_source(results)
    columns = [*groups.items(), ("all", results)]
    stats = [summary(rs) for _, rs in columns]
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name, _ in columns)
    rows = "<tr><th scope=\"row\">claims</th>" + "".join(f"<td>{s['claims']}</td>" for s in stats) + "</tr>"
    for v in Verdict:
        rows += (f'<tr><th scope="row"><span class="badge v-{v.value}">{v.value}</span></th>'
                 + "".join(f"<td>{s['verdicts'].get(v.value, 0)}</td>" for s in stats) + "</tr>")
    for key in ("findings", "unexpected"):
        rows += f'<tr><th scope="row">{key}</th>' + "".join(f"<td>{s[key]}</td>" for s in stats) + "</tr>"
    counts = {name: summary(rs)["verdicts"] for name, rs in groups.items()}
    ok = "ok" if not summary(results)["unexpected"] else "bad"
    return f"""<section id="summary"><h2>Summary</h2><p class="status {ok}">{escape(status_line(results))}.</p>
<div class="overview"><div class="table-wrap"><table class="counts"><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table></div>
<figure class="chart">{plots.verdict_bars(counts) if counts else ""}</figure></div>{_attention(results)}</section>"""


def _attention(results: list[Result]) -> str:
    """Links to every claim a reviewer should read first: inconsistent, undetermined, or missing its expectation."""
    rs = [r for r in results if r.verdict in (Verdict.INCONSISTENT, Verdict.UNDETERMINED) or not r.meets_expectation]
    if not rs:
        return ""
    items = "".join(
        f'<li><a href="#{escape(r.source)}--{escape(r.claim)}"><code>{escape(r.source)}::{escape(r.claim)}</code></a> '
        f'<span class="badge v-{r.verdict.value}">{r.verdict.value}</span>{_tag(r)} {escape(r.explanation)}</li>' for r in rs)
    return f'<h3>Read first</h3><ul class="attention">{items}</ul>'


def _tag(r: Result) -> str:
    if r.expected == Verdict.INCONSISTENT.value and r.meets_expectation:
        return '<span class="tag finding">finding</span>'
    if not r.meets_expectation:
        return f'<span class="tag unexpected">expected {escape(r.expected or "consistent or not_checkable")}</span>'
    return ""


def _filters(results: list[Result]) -> str:
    counts = summary(results)["verdicts"]
    boxes = "".join(f'<label><input type="checkbox" name="verdict" value="{v.value}" checked> <span class="badge v-{v.value}">'
                    f"{v.value}</span> ({counts.get(v.value, 0)})</label>" for v in Verdict)
    options = "".join(f'<option value="{escape(s)}">{escape(s)}</option>' for s in by_source(results))
    return f"""<form id="filters" role="search"><fieldset><legend>verdict</legend>{boxes}</fieldset>
<label>source <select id="source-filter"><option value="">all sources</option>{options}</select></label>
<label>search <input type="search" id="search" placeholder="claim, quote, explanation"></label>
<output id="shown">{len(results)} of {len(results)} claims shown</output></form>"""


def render(results: list[Result], sources: Mapping[str, Source] | None = None) -> str:
    """The results as one self-contained HTML page (no external request)."""
    sources = sources or {}
    sections = []
    for source_id, rs in by_source(results).items():
        src = sources.get(source_id)
        ordered = sorted(enumerate(rs), key=lambda p: (p[1].meets_expectation, _ORDER[p[1].verdict], p[0]))
        km = [r.claim for r in rs if _needs_km(r)]
        km_note = (f'<p class="km-missing">{KM_MISSING}; claims: {escape(", ".join(km))}.</p>' if km else "")
        title = f": {escape(src.title)}" if src and src.title else ""
        cite = f'<p class="citation">{escape(src.citation)}</p>' if src and src.citation else ""
        sections.append(f'<section class="source" id="source-{escape(source_id)}" data-source="{escape(source_id)}">'
                        f"<h2>{escape(source_id)}{title}</h2>{cite}<p>{escape(status_line(rs))}.</p>"
                        + _forest(rs, src) + km_note + "\n".join(_claim(r, src) for _, r in ordered) + "</section>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>claimaudit report</title><style>{CSS}</style></head>
<body><header class="top"><h1>claimaudit report</h1><p>Every claim checked from its printed numbers, rounding-aware.
Verdicts: <b>consistent</b> (some values inside the printed numbers' rounding intervals reproduce them), <b>inconsistent</b> (none do),
<b>undetermined</b> (a check could not decide within its bounds), <b>not_checkable</b> (nothing printed can decide it).
A <b>finding</b> is an inconsistency the claim file declares in advance.</p></header>
<main>{_summary(results)}{_filters(results)}{"".join(sections)}</main>
<footer>Generated by claimaudit. Under each claim, "explanation, checks and conventions" is explain(result): the text a pytest failure of the claim shows.</footer>
<script>{JS}</script></body></html>
"""


CSS = """
:root{--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--consistent:#1a7f37;--inconsistent:#cf222e;
--undetermined:#9a6700;--not_checkable:#6e7781}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:var(--bg)}
header.top,main,footer{max-width:1100px;margin:0 auto;padding:0 16px}header.top p{color:var(--muted);margin-top:0}
h1{font-size:1.6rem;margin:18px 0 4px}h2{font-size:1.25rem;margin:28px 0 6px;border-bottom:1px solid var(--line);padding-bottom:4px}
table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid var(--line);padding:4px 8px;text-align:right}
th[scope=row]{text-align:left}thead th{text-align:right}.table-wrap{overflow-x:auto}
.status{font-weight:600}.status.ok{color:var(--consistent)}.status.bad{color:var(--inconsistent)}
.chart svg,.plot-wrap svg,.forest-wrap svg{max-width:100%;height:auto}.chart{margin:0;flex:1 1 320px;max-width:480px}.overview{display:flex;flex-wrap:wrap;gap:16px 32px;align-items:center}
.forest-wrap{overflow-x:auto}.forest-wrap svg{min-width:560px}
ul.attention{padding-left:1.2em}ul.attention li{margin:4px 0}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:.8rem;font-weight:600;color:#fff;white-space:nowrap}
.badge.v-consistent{background:var(--consistent)}.badge.v-inconsistent{background:var(--inconsistent)}
.badge.v-undetermined{background:var(--undetermined)}.badge.v-not_checkable{background:var(--not_checkable)}
.tag{margin-left:6px;font-size:.8rem;border:1px solid currentColor;border-radius:10px;padding:0 6px}
.tag.finding{color:#8250df}.tag.unexpected{color:var(--inconsistent);font-weight:700}
#filters{position:sticky;top:0;z-index:2;background:var(--soft);border:1px solid var(--line);border-radius:8px;
padding:8px 12px;margin:18px 0;display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center}
#filters fieldset{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:4px 12px}#filters legend{float:left;margin-right:8px;color:var(--muted)}
#filters input[type=search]{min-width:14em;padding:3px 6px}#shown{color:var(--muted);font-size:.9rem}
.claim{border:1px solid var(--line);border-left:5px solid var(--not_checkable);border-radius:8px;padding:10px 14px;margin:12px 0}
.claim.v-consistent{border-left-color:var(--consistent)}.claim.v-inconsistent{border-left-color:var(--inconsistent);background:#fff8f8}
.claim.v-undetermined{border-left-color:var(--undetermined)}
.claim header{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px}.claim h3{margin:0;font-size:1rem}
.claim h3 code{font-size:.95rem}.meta{color:var(--muted);font-size:.85rem}
blockquote.context{margin:8px 0;padding:6px 12px;border-left:3px solid var(--line);color:var(--muted);background:var(--soft)}
mark{background:#fff3b0;color:var(--ink);padding:0 2px;border-radius:2px}
.body{display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start}
dl.values{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:4px 0;flex:1 1 320px;min-width:0}
dl.values dt{color:var(--muted)}dl.values dd{margin:0;overflow-wrap:anywhere}dl.values ul{margin:0;padding:0;list-style:none}
.plot-wrap{margin:0;flex:0 1 320px}.forest-wrap{margin:8px 0}.forest-wrap figcaption{color:var(--muted);font-size:.85rem}
.explanation{margin:6px 0}ul.checks{padding-left:1.2em}ul.checks li{margin:2px 0}.check{font-weight:600}
.v-text{font-weight:600}.v-text.v-consistent{color:var(--consistent)}.v-text.v-inconsistent{color:var(--inconsistent)}
.v-text.v-undetermined{color:var(--undetermined)}.v-text.v-not_checkable{color:var(--not_checkable)}.expectation{margin:6px 0;color:#8250df}
details pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8rem;background:var(--soft);padding:8px;border-radius:6px}
summary{cursor:pointer;color:var(--muted);font-size:.85rem}.km-missing{padding:8px 12px;border:1px dashed var(--line);color:var(--muted)}
footer{color:var(--muted);font-size:.85rem;margin:32px auto 24px}
@media (max-width:600px){body{font-size:14px}table{font-size:.75rem}th,td{padding:2px 4px}th .badge{font-size:.7rem;padding:0 5px}#filters{position:static}#filters input[type=search]{min-width:0;width:100%}
.claim{padding:8px 10px}.meta{flex-basis:100%}}
@media print{#filters,details{display:none}.claim{break-inside:avoid}}
"""

JS = """
(function () {
  var claims = Array.prototype.slice.call(document.querySelectorAll('.claim'));
  var boxes = Array.prototype.slice.call(document.querySelectorAll('#filters input[name=verdict]'));
  var source = document.getElementById('source-filter'), search = document.getElementById('search');
  var shown = document.getElementById('shown');
  function apply() {
    var on = {}, s = source.value, q = search.value.trim().toLowerCase(), n = 0;
    boxes.forEach(function (b) { on[b.value] = b.checked; });
    claims.forEach(function (c) {
      var ok = on[c.dataset.verdict] && (!s || c.dataset.source === s) && (!q || c.textContent.toLowerCase().indexOf(q) >= 0);
      c.hidden = !ok; if (ok) n++;
    });
    document.querySelectorAll('section.source').forEach(function (sec) { sec.hidden = !!s && sec.dataset.source !== s; });
    shown.textContent = n + ' of ' + claims.length + ' claims shown';
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  source.addEventListener('change', apply);
  search.addEventListener('input', apply);
  document.getElementById('filters').addEventListener('submit', function (e) { e.preventDefault(); });
  apply();
})();
"""
