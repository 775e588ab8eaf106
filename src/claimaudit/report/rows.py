"""Results grouped the way a reader counts them: by source, and by claim (one row per claim, all its results).

A claim has one result from its printed numbers (basis ``reported``) and, with a data block, one
recomputed from data (``extract`` or ``reconstruction``). JSON lists results; the HTML page, the
Markdown table and JUnit show one row, article or testcase per claim holding all of them.
"""

from __future__ import annotations

from ..verdict import Result, Verdict, combine


def by_source(results: list[Result]) -> dict[str, list[Result]]:
    """Results grouped by source id, sources in order of first appearance, claims in their order."""
    groups: dict[str, list[Result]] = {}
    for r in results:
        groups.setdefault(r.source, []).append(r)
    return groups


def by_claim(results: list[Result]) -> list[list[Result]]:
    """One list per claim (file and id), in order of first appearance: its results, the reported one first."""
    groups: dict[tuple[str, str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.path, r.source, r.claim), []).append(r)
    return [sorted(rs, key=lambda r: r.basis != "reported") for rs in groups.values()]


def claim_verdict(rs: list[Result]) -> Verdict:
    """The verdict of a claim's row: the worst of its results' (inconsistent > undetermined > consistent > not_checkable)."""
    return combine([r.verdict for r in rs])


def claim_meets(rs: list[Result]) -> bool:
    """Every result of the claim meets its expectation."""
    return all(r.meets_expectation for r in rs)


def is_finding(rs: list[Result]) -> bool:
    """The claim declares a finding (expect: inconsistent) and its result from the printed numbers shows it."""
    return any(r.basis == "reported" and r.expected == Verdict.INCONSISTENT.value and r.meets_expectation for r in rs)
