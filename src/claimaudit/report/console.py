"""The console rendering: a rich table (claim, printed, recomputed, verdict, why) and a summary."""

from __future__ import annotations

from ..verdict import Result
from .json import summary

_STYLE = {"consistent": "green", "inconsistent": "bold red", "undetermined": "yellow", "not_checkable": "dim"}


def print_results(results: list[Result], only: str = "all", console=None) -> None:
    """Print the table of results and the summary line."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title="claimaudit: claims checked from the printed numbers", show_lines=False, expand=True)
    table.add_column("claim", overflow="fold", ratio=3)
    table.add_column("printed", overflow="fold", ratio=3)
    table.add_column("recomputed", overflow="fold", ratio=3)
    table.add_column("verdict", min_width=13, no_wrap=True)
    table.add_column("why", overflow="fold", ratio=6)
    for r in results:
        if only == "unexpected" and r.meets_expectation:
            continue
        if only == "inconsistent" and r.verdict.value != "inconsistent":
            continue
        verdict = f"[{_STYLE[r.verdict.value]}]{r.verdict.value}[/]"
        if r.expected == "inconsistent" and r.meets_expectation:
            verdict += "\n[dim](finding)[/]"
        elif not r.meets_expectation:
            verdict += f"\n[bold red]expected {r.expected or 'consistent'}[/]"
        table.add_row(
            f"{r.source}::{r.claim}" + ("" if r.basis == "reported" else f" ({r.basis})"),
            ", ".join(f"{k}={v}" for k, v in r.reported.items()),
            "; ".join(f"{k} ∈ {v}" for k, v in r.recomputed.items()),
            verdict,
            r.explanation,
        )
    console.print(table)
    s = summary(results)
    counts = ", ".join(f"{n} {v}" for v, n in s["verdicts"].items())
    status = "[green]all verdicts meet their expectations[/]" if not s["unexpected"] else f"[bold red]{s['unexpected']} verdict(s) miss their expectation[/]"
    bases = f", {s['results']} results ({', '.join(f'{n} {b}' for b, n in s['bases'].items())})" if s["results"] != s["claims"] else ""
    console.print(f"{s['claims']} claims{bases} ({counts}); {s['findings']} documented finding(s); {status}")
