"""Markdown rendering (``audit.md``): a summary, then one table row per claim, for pasting into a review.

GitHub-flavoured Markdown: pipes and backslashes in cells are escaped and line breaks folded, so
every claim stays on one table row whatever its quote or explanation holds.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import Source
from ..verdict import Result, Verdict
from .json import summary

VERDICTS = tuple(v.value for v in Verdict)


def cell(text: str) -> str:
    """Text safe inside one Markdown table cell: backslashes and pipes escaped, line breaks folded."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def verdict_cell(r: Result) -> str:
    """The verdict, marked as a finding or as missing its expectation."""
    text = f"**{r.verdict.value}**" if r.verdict is Verdict.INCONSISTENT else r.verdict.value
    if r.expected == Verdict.INCONSISTENT.value and r.meets_expectation:
        return text + " (finding)"
    if not r.meets_expectation:
        return text + f" ⚠ expected {r.expected or 'consistent or not_checkable'}"
    return text


def by_source(results: list[Result]) -> dict[str, list[Result]]:
    """Results grouped by source id, sources in order of first appearance, claims in their order."""
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.source, []).append(r)
    return groups


def status_line(results: list[Result]) -> str:
    """One sentence: claims, verdict counts, findings, and whether every verdict meets its expectation."""
    s = summary(results)
    counts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items())
    status = ("all verdicts meet their expectations" if not s["unexpected"]
              else f"{s['unexpected']} verdict(s) miss their expectation")
    bases = f", {s['results']} results ({', '.join(f'{n} {b}' for b, n in s['bases'].items())})" if s["results"] != s["claims"] else ""
    return f"{s['claims']} claims{bases} ({counts or 'none'}); {s['findings']} documented finding(s); {status}"


def _summary_table(results: list[Result]) -> list[str]:
    head = ["source", "claims", *VERDICTS, "findings", "unexpected"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    rows = [*by_source(results).items(), ("**all**", results)] if results else []
    for name, rs in rows:
        s = summary(rs)
        values = [str(len(rs)), *(str(s["verdicts"].get(v, 0)) for v in VERDICTS), str(s["findings"]), str(s["unexpected"])]
        lines.append(f"| {cell(name)} | " + " | ".join(values) + " |")
    return lines


def _row(r: Result) -> str:
    printed = ", ".join(f"{k} = {v}" for k, v in r.reported.items())
    recomputed = "; ".join(f"{k} ∈ {v}" for k, v in r.recomputed.items()) or "—"
    explanation = r.explanation
    if r.expectation_reason:
        explanation += f" — expectation: {r.expectation_reason}"
    cells = [f"`{r.claim}`", *map(cell, (r.where, printed, recomputed, verdict_cell(r), explanation))]
    return "| " + " | ".join(cells) + " |"


def render(results: list[Result], sources: Mapping[str, Source] | None = None) -> str:
    """The results as Markdown: a summary (counts per verdict and per source), then a table per source."""
    sources = sources or {}
    out = ["# claimaudit report", "", status_line(results) + ".", "", *_summary_table(results), ""]
    for source_id, rs in by_source(results).items():
        src = sources.get(source_id)
        out.append(f"## {source_id}" + (f": {cell(src.title)}" if src and src.title else ""))
        out.append("")
        if src and src.citation:
            out += [cell(src.citation), ""]
        out.append("| claim | where | printed | recomputed | verdict | explanation |")
        out.append("|---|---|---|---|---|---|")
        out += [_row(r) for r in rs]
        out.append("")
    out.append("Verdicts: consistent (some values inside the printed numbers' rounding intervals reproduce them), "
               "inconsistent (none do), undetermined (a check could not decide within its bounds), not_checkable "
               "(nothing printed can decide it). A finding is an inconsistency the claim file declares in advance.")
    return "\n".join(out) + "\n"
