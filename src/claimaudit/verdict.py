"""Verdicts, the result record, and the one explanation every rendering shares."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping


class Verdict(str, enum.Enum):
    """What a check concluded about a claim.

    consistent      some values inside the printed intervals reproduce the printed numbers
    inconsistent    no values inside them do (a proof, under the stated conventions)
    undetermined    a check ran but could not decide within its bounds
    not_checkable   nothing in the printed numbers (or data) can decide it
    """

    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"
    UNDETERMINED = "undetermined"
    NOT_CHECKABLE = "not_checkable"

    def __str__(self) -> str:
        return self.value


#  When a claim has several checks, the worst one decides.
_SEVERITY = {Verdict.INCONSISTENT: 3, Verdict.UNDETERMINED: 2, Verdict.CONSISTENT: 1, Verdict.NOT_CHECKABLE: 0}


def combine(verdicts: list[Verdict]) -> Verdict:
    """The claim's verdict from its checks: inconsistent > undetermined > consistent > not_checkable."""
    return max(verdicts, key=_SEVERITY.__getitem__, default=Verdict.NOT_CHECKABLE)


@dataclass(frozen=True)
class Check:
    """One check of one claim: a kind, an agreement with a linked claim, or a significance test."""

    name: str
    verdict: Verdict
    recomputed: Mapping[str, str] = field(default_factory=dict)
    why: str = ""
    conventions: tuple[str, ...] = ()
    off_by: float | None = None  # distance to the printed value, in half-units of its last digit
    variants: tuple[str, ...] = ()  # conventions that would reproduce a value this check rejects


@dataclass(frozen=True)
class Result:
    """One claim's result: the record every report renders."""

    claim: str
    source: str
    kind: str
    where: str
    quote: str
    verdict: Verdict
    expected: str | None
    expectation_reason: str
    reported: Mapping[str, str]
    recomputed: Mapping[str, str]
    basis: str
    explanation: str
    conventions: tuple[str, ...] = ()
    off_by: float | None = None
    checks: tuple[Check, ...] = ()
    path: str = ""
    line: int = 0

    @property
    def meets_expectation(self) -> bool:
        """A claim with no expectation expects consistent or not_checkable."""
        if self.expected is None:
            return self.verdict in (Verdict.CONSISTENT, Verdict.NOT_CHECKABLE)
        return self.verdict.value == self.expected

    def as_dict(self) -> dict:
        """The JSON form (``claimaudit audit --format json``)."""
        return {
            "claim": self.claim,
            "source": self.source,
            "kind": self.kind,
            "where": self.where,
            "quote": self.quote,
            "verdict": self.verdict.value,
            "expected": self.expected,
            "expectation_reason": self.expectation_reason or None,
            "meets_expectation": self.meets_expectation,
            "reported": dict(self.reported),
            "recomputed": dict(self.recomputed),
            "basis": self.basis,
            "explanation": self.explanation,
            "conventions": list(self.conventions),
            "off_by_half_units": None if self.off_by is None else round(self.off_by, 2),
            "checks": [
                {
                    "check": c.name,
                    "verdict": c.verdict.value,
                    "recomputed": dict(c.recomputed),
                    "why": c.why,
                    "conventions": list(c.conventions),
                    "variants": list(c.variants),
                }
                for c in self.checks
            ],
            "file": self.path,
            "line": self.line,
        }


def explain(result: Result) -> list[str]:
    """The lines that explain a result: quote, printed, recomputed, verdict and why."""
    lines = [
        f"{result.claim} ({result.source}, {result.where}): {result.verdict.value}"
        + (f", expected {result.expected}" if result.expected else ""),
        f'  quote:      "{result.quote}"',
        "  printed:    " + ", ".join(f"{k} = {v}" for k, v in result.reported.items()),
    ]
    if result.recomputed:
        lines.append("  recomputed: " + "; ".join(f"{k} ∈ {v}" for k, v in result.recomputed.items()))
    if result.off_by is not None and result.verdict is Verdict.INCONSISTENT:
        lines.append(f"  off by:     {result.off_by:.1f} half-units of the last printed digit")
    lines.append(f"  basis:      {result.basis}")
    for c in result.checks:
        lines.append(f"  [{c.name}] {c.verdict.value}: {c.why}")
        for v in c.variants:
            lines.append(f"      would match under: {v}")
    if result.conventions:
        lines.append("  assumed:    " + "; ".join(result.conventions))
    if result.expectation_reason:
        lines.append(f"  expectation: {result.expectation_reason}")
    return lines
