"""JSON rendering: one object with a ``results`` list (``claimaudit audit --format json``)."""

from __future__ import annotations

import json
from collections import Counter

from ..verdict import Result


def summary(results: list[Result]) -> dict:
    """Counts per verdict, per source, and how many results miss their expectation."""
    return {
        "claims": len(results),
        "verdicts": dict(sorted(Counter(r.verdict.value for r in results).items())),
        "sources": dict(sorted(Counter(r.source for r in results).items())),
        "unexpected": sum(not r.meets_expectation for r in results),
        "findings": sum(r.expected == "inconsistent" for r in results),
    }


def render(results: list[Result]) -> str:
    """The results and their summary as indented JSON (deterministic key order)."""
    doc = {"summary": summary(results), "results": [r.as_dict() for r in results]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
