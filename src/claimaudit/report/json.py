"""JSON rendering: one object with a ``results`` list (``claimaudit audit --format json``)."""

from __future__ import annotations

import json
from collections import Counter

from ..verdict import Result


def summary(results: list[Result]) -> dict:
    """Counts per verdict, per source, and how many results miss their expectation.

    A claim may have a result per basis (reported, and extract or reconstruction): ``claims`` and
    ``findings`` count claims, ``results``, ``bases`` and the verdicts count results.
    """
    def claims(rs) -> int:
        return len({(r.path, r.source, r.claim) for r in rs})

    return {
        "claims": claims(results),
        "results": len(results),
        "bases": dict(sorted(Counter(r.basis for r in results).items())),
        "verdicts": dict(sorted(Counter(r.verdict.value for r in results).items())),
        "sources": dict(sorted(Counter(r.source for r in results).items())),
        "unexpected": sum(not r.meets_expectation for r in results),
        "findings": claims(r for r in results if r.expected == "inconsistent"),
    }


def render(results: list[Result]) -> str:
    """The results and their summary as indented JSON (deterministic key order)."""
    doc = {"summary": summary(results), "results": [r.as_dict() for r in results]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
