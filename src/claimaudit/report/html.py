"""HTML rendering (``audit.html``): one self-contained page a reviewer can open, read and attach.

Everything is inline (CSS, a few lines of vanilla JS, SVG plots; ``assets.py``); the page makes
no request. A summary (claims per verdict and per source, a chart of the results per basis) comes
first, then one section per source: its figures (``figures.py``: forest plot, Kaplan-Meier curves,
before/after values, GRIM summary), then every claim, inconsistent ones first.

Each claim is one ``<article class="claim">`` holding all its results: the one from the printed
numbers, and the one recomputed from data (extract or reconstruction) when it has a data block.
The article's ``data-verdict`` is the worst of them (``rows.claim_verdict``), which the verdict
filter reads; each result is a ``<section class="result">`` with its basis, verdict, recomputed
values, explanation and ``explain(result)``. The quote is highlighted in the sentence of the
source text around it. Filters by verdict and source and a search box hide and show claims.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from html import escape

from ..model import Source
from ..verdict import Result, Verdict, explain
from . import plots
from .assets import CSS, JS
from .figures import KM_MISSING, Figures, claim_plot, source_figures
from .markdown import claim_counts, status_line
from .rows import by_claim, by_source, claim_meets, claim_verdict, is_finding

__all__ = ["KM_MISSING", "find_quote", "quote_in_context", "render"]

_HYPHEN_BREAK = re.compile(r"-[ \t]*\r?\n\s*")
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


def _anchor(r: Result) -> str:
    return f"{r.source}--{r.claim}"


def _claim(rs: list[Result], src: Source | None, figures: Figures | None) -> str:
    """One article for a claim: header, quote in context, printed values once, then each of its results."""
    first = rs[0]
    v = claim_verdict(rs).value
    ctx = quote_in_context(first.quote, src.text) if src else None
    before, quote, after = ctx if ctx else ("", first.quote, "")
    printed = "".join(f"<li><code>{escape(k)}</code> = {escape(x)}</li>" for k, x in first.reported.items()) or "<li>—</li>"
    plot = claim_plot(rs, src, figures)
    reason = next((r.expectation_reason for r in rs if r.expectation_reason), "")
    reason = f'<p class="expectation"><strong>Expectation:</strong> {escape(reason)}</p>' if reason else ""
    verdicts = " ".join(sorted({r.verdict.value for r in rs}))
    bases = " ".join(r.basis for r in rs)
    return f"""<article class="claim v-{v}" id="{escape(_anchor(first))}" data-verdict="{v}" data-verdicts="{verdicts}" data-bases="{escape(bases)}" data-source="{escape(first.source)}" data-kind="{escape(first.kind)}" data-meets="{str(claim_meets(rs)).lower()}">
<header><span class="badge v-{v}">{v}</span>{_tag(rs)}<h3><code>{escape(first.claim)}</code></h3><span class="meta">{escape(first.where)} · {escape(first.kind)} · {escape(first.path)}:{first.line}</span></header>
<blockquote class="context">{escape(before)}<mark>{escape(quote)}</mark>{escape(after)}</blockquote>
<div class="body"><div class="results"><dl class="values"><dt>printed</dt><dd><ul>{printed}</ul></dd></dl>{"".join(_result(r, len(rs) > 1) for r in rs)}</div>{f'<figure class="plot-wrap">{plot}</figure>' if plot else ""}</div>
{reason}</article>"""


_BASIS = {"reported": "from the printed numbers", "extract": "from the extract", "reconstruction": "from the reconstruction"}


def _result(r: Result, several: bool) -> str:
    """One result of a claim: basis and verdict (when the claim has several), recomputed values, explanation, explain()."""
    v = r.verdict.value
    recomputed = "".join(f"<li><code>{escape(k)}</code> ∈ {escape(x)}</li>" for k, x in r.recomputed.items()) or "<li>—</li>"
    head = (f'<h4><span class="basis">{escape(_BASIS.get(r.basis, r.basis))}</span> <span class="badge v-{v}">{v}</span>'
            f"{_result_tag(r)}</h4>") if several else ""
    is_open = " open" if r.verdict is not Verdict.CONSISTENT and r.verdict is not Verdict.NOT_CHECKABLE else ""
    rid = f' id="{escape(_anchor(r))}--{escape(r.basis)}"' if r.basis != "reported" else ""
    return f"""<section class="result" data-basis="{escape(r.basis)}" data-verdict="{v}"{rid}>{head}
<dl class="values"><dt>recomputed</dt><dd><ul>{recomputed}</ul></dd><dt>basis</dt><dd>{escape(r.basis)}</dd></dl>
{_explanation(r)}<details{is_open}><summary>explanation, checks and conventions</summary><pre>{escape(chr(10).join(explain(r)))}</pre></details></section>"""


def _explanation(r: Result) -> str:
    """The explanation; with several checks, one line per check (the parts ``Result.explanation`` joins)."""
    if len(r.checks) < 2:
        return f'<p class="explanation">{escape(r.explanation)}</p>'
    items = "".join(f'<li><span class="check">{escape(c.name)}</span> <span class="v-text v-{c.verdict.value}">'
                    f"{c.verdict.value}</span>: {escape(c.why)}</li>" for c in r.checks)
    return f'<ul class="explanation checks">{items}</ul>'


def _summary(results: list[Result]) -> str:
    """Status line; claims per verdict (one column per source and one for all: narrow screens keep it whole); chart; read-first list."""
    groups = by_source(results)
    columns = [*groups.items(), ("all", results)]
    stats = [claim_counts(rs) for _, rs in columns]
    head = "".join(f'<th scope="col">{escape(name)}</th>' for name, _ in columns)
    rows = "<tr><th scope=\"row\">claims</th>" + "".join(f"<td>{s['claims']}</td>" for s in stats) + "</tr>"
    for v in Verdict:
        rows += (f'<tr><th scope="row"><span class="badge v-{v.value}">{v.value}</span></th>'
                 + "".join(f"<td>{s['verdicts'][v.value]}</td>" for s in stats) + "</tr>")
    for key in ("findings", "unexpected"):
        rows += f'<tr><th scope="row">{key}</th>' + "".join(f"<td>{s[key]}</td>" for s in stats) + "</tr>"
    bases = sorted({r.basis for r in results}, key=lambda b: b != "reported")
    counts = {}
    for name, rs in groups.items():
        for b in bases:
            c = Counter(r.verdict.value for r in rs if r.basis == b)
            if c:
                counts[name if len(bases) == 1 else f"{name} · {_SHORT.get(b, b)}"] = dict(c)
    ok = "ok" if all(r.meets_expectation for r in results) else "bad"
    chart = ("<figcaption>Results per verdict" + (", by source and basis (printed numbers, data)" if len(bases) > 1 else ", by source")
             + "</figcaption>")
    return f"""<section id="summary"><h2>Summary</h2><p class="status {ok}">{escape(status_line(results))}.</p>
<div class="overview"><div class="table-wrap"><table class="counts"><caption>Claims by the verdict of their row (the worse of its results)</caption><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table></div>
<figure class="chart">{plots.verdict_bars(counts) + chart if counts else ""}</figure></div>{_attention(results)}</section>"""


_SHORT = {"reported": "printed", "reconstruction": "reconstruction", "extract": "extract"}
_BRIEF = 160  # characters of an explanation in the read-first list; the claim's article has all of it


def _attention(results: list[Result]) -> str:
    """Links to every claim a reviewer should read first: a result inconsistent, undetermined, or missing its expectation."""
    items = []
    for rs in by_claim(results):
        bad = [r for r in rs if r.verdict in (Verdict.INCONSISTENT, Verdict.UNDETERMINED) or not r.meets_expectation]
        if not bad:
            continue
        first = rs[0]
        what = " ".join(f'<span class="badge v-{r.verdict.value}">{r.verdict.value}</span>{_result_tag(r)}'
                        + ("" if r.basis == "reported" else f' <span class="meta">({escape(r.basis)})</span>') for r in bad)
        why = _brief(bad[0])
        items.append(f'<li><a href="#{escape(_anchor(first))}"><code>{escape(first.source)}::{escape(first.claim)}</code></a> '
                     f"{what} {escape(why)}</li>")
    if not items:
        return ""
    limit = 40
    shown = "".join(items[:limit])
    more = (f'<details><summary>{len(items) - limit} more</summary><ul class="attention">{"".join(items[limit:])}</ul></details>'
            if len(items) > limit else "")
    return f'<h3>Read first ({len(items)})</h3><ul class="attention">{shown}</ul>{more}'


def _brief(r: Result) -> str:
    """What is wrong, shortly: the why of the checks that are inconsistent or undetermined (else the explanation), cut at _BRIEF."""
    why = "; ".join(c.why for c in r.checks if c.verdict in (Verdict.INCONSISTENT, Verdict.UNDETERMINED)) or r.explanation
    return why if len(why) <= _BRIEF else why[:_BRIEF - 1].rstrip() + "…"


def _tag(rs: list[Result]) -> str:
    if not claim_meets(rs):
        miss = next(r for r in rs if not r.meets_expectation)
        return f'<span class="tag unexpected">expected {escape(miss.expected or "consistent or not_checkable")}</span>'
    if is_finding(rs):
        return '<span class="tag finding">finding</span>'
    return ""


def _result_tag(r: Result) -> str:
    return _tag([r])


def _filters(results: list[Result]) -> str:
    counts = claim_counts(results)
    boxes = "".join(f'<label><input type="checkbox" name="verdict" value="{v.value}" checked> <span class="badge v-{v.value}">'
                    f"{v.value}</span> ({counts['verdicts'][v.value]})</label>" for v in Verdict)
    options = "".join(f'<option value="{escape(s)}">{escape(s)}</option>' for s in by_source(results))
    n = counts["claims"]
    return f"""<form id="filters" role="search"><fieldset><legend>verdict</legend>{boxes}</fieldset>
<label>source <select id="source-filter"><option value="">all sources</option>{options}</select></label>
<label>search <input type="search" id="search" placeholder="claim, quote, explanation"></label>
<output id="shown">{n} of {n} claims shown</output></form>"""


_ORDER_OF = {Verdict.INCONSISTENT: 0, Verdict.UNDETERMINED: 1, Verdict.CONSISTENT: 2, Verdict.NOT_CHECKABLE: 3}


def render(results: list[Result], sources: Mapping[str, Source] | None = None, figures: Figures | None = None) -> str:
    """The results as one self-contained HTML page (no external request); ``figures`` the data the plots draw (data/figures.py)."""
    sources = sources or {}
    sections = []
    for source_id, rs in by_source(results).items():
        src = sources.get(source_id)
        rows = by_claim(rs)
        ordered = sorted(enumerate(rows), key=lambda p: (claim_meets(p[1]), _ORDER_OF[claim_verdict(p[1])], p[0]))
        title = f": {escape(src.title)}" if src and src.title else ""
        cite = f'<p class="citation">{escape(src.citation)}</p>' if src and src.citation else ""
        figs = source_figures(rows, src, figures)
        sections.append(f'<section class="source" id="source-{escape(source_id)}" data-source="{escape(source_id)}">'
                        f"<h2>{escape(source_id)}{title}</h2>{cite}<p>{escape(status_line(rs))}.</p>"
                        + (f'<div class="figures">{figs}</div>' if figs else "")
                        + "\n".join(_claim(c, src, figures) for _, c in ordered) + "</section>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>claimaudit report</title><style>{CSS}</style></head>
<body><header class="top"><h1>claimaudit report</h1><p>Every claim checked from its printed numbers, rounding-aware, and, where it has a data block,
recomputed from patient-level data (an extract, or a reconstruction: cohorts built to meet the printed numbers jointly, not the authors' data).
Verdicts: <b>consistent</b> (some values inside the printed numbers' rounding intervals reproduce them), <b>inconsistent</b> (none do),
<b>undetermined</b> (a check could not decide within its bounds), <b>not_checkable</b> (nothing printed, or in the data, can decide it).
A <b>finding</b> is an inconsistency the claim file declares in advance.</p></header>
<main>{_summary(results)}{_filters(results)}{"".join(sections)}</main>
<footer>Generated by claimaudit. Under each result, "explanation, checks and conventions" is explain(result): the text a pytest failure of the claim shows.</footer>
<script>{JS}</script></body></html>
"""
