"""Errors a user can cause, one type per kind of mistake.

The tree::

    ClaimauditError                 anything the user can fix; the CLI prints str(err), exits 2
    ├── ClaimFileError              a claim file: YAML, schema, ids, references, quotes, values
    ├── ExtractError                a patient-level extract that cannot be read
    ├── ContractViolation           an extract that breaks the data contract
    └── ReconstructionError         a reconstruction that cannot be built or checked

Every error carries where it happened (``path``, ``line``, ``claim_id``, ``field``) and its
``str()`` is one line: location, problem, what was found, and a hint.
"""

from __future__ import annotations


class ClaimauditError(Exception):
    """Base of every error caused by user input; never a bug in claimaudit."""

    def __init__(
        self,
        problem: str,
        *,
        path: str | None = None,
        line: int | None = None,
        claim_id: str | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.path = path
        self.line = line
        self.claim_id = claim_id
        self.field = field
        self.hint = hint
        super().__init__(self._one_line())

    def _one_line(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        who = []
        if self.claim_id:
            who.append(f"claim {self.claim_id!r}")
        if self.field:
            who.append(f"field {self.field!r}")
        subject = (", ".join(who) + ": ") if who else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{subject}{self.problem}{hint}".replace("\n", " ")


class ClaimFileError(ClaimauditError):
    """A claim file is malformed, inconsistent with its schema, or misquotes its source."""


class ExtractError(ClaimauditError):
    """A patient-level extract cannot be read (missing, unreadable, wrong encoding)."""


class ContractViolation(ClaimauditError):
    """A patient-level extract breaks the data contract."""


class ReconstructionError(ClaimauditError):
    """A reconstruction cannot be built, or differs from the one committed."""
