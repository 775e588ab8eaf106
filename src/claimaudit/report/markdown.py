"""Markdown rendering (``audit.md``): a summary, then one table row per claim, for pasting into a review.

A claim with a data-level result keeps one row: its cells hold the result from the printed
numbers first, then the one from data, prefixed with its basis (``reconstruction: ...``).

GitHub-flavoured Markdown: pipes and backslashes in cells are escaped and line breaks folded, so
every claim stays on one table row whatever its quote or explanation holds.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import Source
from ..verdict import Result, Verdict
from .json import summary
from .rows import by_claim, by_source, claim_meets, claim_verdict

__all__ = ["by_source", "cell", "claim_counts", "render", "status_line", "verdict_cell"]

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


def status_line(results: list[Result]) -> str:
    """One sentence: claims, verdict counts, findings, and whether every verdict meets its expectation."""
    s = summary(results)
    counts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items())
    status = ("all verdicts meet their expectations" if not s["unexpected"]
              else f"{s['unexpected']} verdict(s) miss their expectation")
    order = sorted(s["bases"].items(), key=lambda item: item[0] != "reported")  # the printed numbers first
    bases = f", {s['results']} results ({', '.join(f'{n} {b}' for b, n in order)})" if s["results"] != s["claims"] else ""
    return f"{s['claims']} claims{bases} ({counts or 'none'}); {s['findings']} documented finding(s); {status}"


def claim_counts(results: list[Result]) -> dict:
    """Claims (not results) per verdict of their row, findings and claims with a result missing its expectation."""
    rows = by_claim(results)
    verdicts = {v: sum(claim_verdict(rs).value == v for rs in rows) for v in VERDICTS}
    findings = sum(any(r.expected == Verdict.INCONSISTENT.value for r in rs) for rs in rows)  # declared, as summary()
    return {"claims": len(rows), "verdicts": verdicts, "findings": findings,
            "unexpected": sum(not claim_meets(rs) for rs in rows)}


def _summary_table(results: list[Result]) -> list[str]:
    head = ["source", "claims", *VERDICTS, "findings", "unexpected"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    rows = [*by_source(results).items(), ("**all**", results)] if results else []
    for name, rs in rows:
        s = claim_counts(rs)
        values = [str(s["claims"]), *(str(s["verdicts"][v]) for v in VERDICTS), str(s["findings"]), str(s["unexpected"])]
        lines.append(f"| {cell(name)} | " + " | ".join(values) + " |")
    return lines


def _basis(r: Result, several: bool) -> str:
    return f"{r.basis}: " if several and r.basis != "reported" else ""


def _row(rs: list[Result]) -> str:
    """One table row for a claim: its printed values once, then each result's recomputed values, verdict and explanation."""
    first, several = rs[0], len(rs) > 1
    printed = ", ".join(f"{k} = {v}" for k, v in first.reported.items())
    recomputed = " · ".join(_basis(r, several) + ("; ".join(f"{k} ∈ {v}" for k, v in r.recomputed.items()) or "—") for r in rs)
    verdict = " · ".join(_basis(r, several) + verdict_cell(r) for r in rs)
    explanations = []
    for r in rs:
        text = _basis(r, several) + r.explanation
        if r.expectation_reason and r.basis == "reported":
            text += f" — expectation: {r.expectation_reason}"
        explanations.append(text)
    cells = [f"`{first.claim}`", *map(cell, (first.where, printed, recomputed, verdict, " · ".join(explanations)))]
    return "| " + " | ".join(cells) + " |"


def render(results: list[Result], sources: Mapping[str, Source] | None = None) -> str:
    """The results as Markdown: a summary (claims per verdict and per source), then a table per source, one row per claim."""
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
        out += [_row(claim) for claim in by_claim(rs)]
        out.append("")
    out.append("Verdicts: consistent (some values inside the printed numbers' rounding intervals reproduce them), "
               "inconsistent (none do), undetermined (a check could not decide within its bounds), not_checkable "
               "(nothing printed can decide it). A finding is an inconsistency the claim file declares in advance.")
    return "\n".join(out) + "\n"
