"""The claim model: sources, claims, expectations (frozen; built only by the loader)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Ref:
    """A printed value of another claim: ``claim-id.role``."""

    claim: str
    role: str

    @classmethod
    def parse(cls, text: str) -> "Ref":
        claim, _, role = text.rpartition(".")
        return cls(claim, role)

    def __str__(self) -> str:
        return f"{self.claim}.{self.role}"


@dataclass(frozen=True)
class Source:
    """A document whose numbers are audited."""

    id: str
    title: str
    citation: str
    text_path: str
    text: str = field(repr=False)
    software: str = ""
    alpha: str = "0.05"
    rounding: tuple[str, ...] = ("half_up", "half_even")


@dataclass(frozen=True)
class Expectation:
    """The verdict a claim declares in advance, and why."""

    verdict: str
    reason: str


@dataclass(frozen=True)
class Claim:
    """One quantitative statement of a source (one pytest item)."""

    id: str
    source: Source = field(repr=False)
    where: str
    quote: str
    kind: str
    reported: Mapping[str, str]
    inputs: Mapping[str, Ref] = field(default_factory=dict)
    same_as: Mapping[str, tuple[Ref, ...]] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] | None = None
    significant: bool | None = None
    expect: Expectation | None = None
    reason: str = ""
    rounding: tuple[str, ...] = ("half_up", "half_even")
    path: str = ""
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=dict, repr=False)

    @property
    def nodeid(self) -> str:
        return f"{self.path}::{self.id}"

    def line_of(self, field_name: str) -> int:
        """Line of a field of this claim in its file (the claim's line when unknown)."""
        return self.lines.get(field_name, self.line)
