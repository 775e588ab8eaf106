"""Run one kind on an in-memory claim: for property tests, which must not write files per example."""

from __future__ import annotations

from claimaudit.kinds import get_kind
from claimaudit.model import Claim, Source
from claimaudit.printed import parse_printed
from claimaudit.rounding import POLICIES
from claimaudit.verdict import Check

_SOURCE = Source(id="kit", title="", citation="", text_path="", text="")


def run_kind(kind: str, reported: dict[str, str], params: dict | None = None, rounding: tuple[str, ...] = POLICIES) -> Check:
    """Validate and check ``reported`` with ``kind``, as the audit does for a claim with no links."""
    spec = get_kind(kind)
    claim = Claim(id="c", source=_SOURCE, where="kit", quote="", kind=kind, reported=reported,
                  params=params or {}, rounding=rounding)
    values = {role: parse_printed(text, rounding) for role, text in reported.items()}
    if spec.validate is not None:
        spec.validate(values)
    return spec.func(claim, values)
