"""Test helpers: run one kind on an in-memory claim (property tests must not write files per example); digest a folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

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


def digest(folder: Path) -> str:
    """A hash of every file name and byte under ``folder``: equal before and after means nothing was written."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        h.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()
