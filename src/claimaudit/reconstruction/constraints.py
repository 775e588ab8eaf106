"""The printed values a reconstruction must meet, read from the claim catalogue by claim id and role.

Nothing is restated by hand: a constraint names a claim and a role (``results-km.survival_low``),
and its printed value and interval come from the claim file through the loader (roles taken
from other claims via ``inputs`` resolve to the printed value they point at) and
:func:`claimaudit.printed.parse_printed`, under the claim's rounding policies.

>>> cat = Catalogue.load("claims/chen2017.yaml")  # doctest: +SKIP
>>> cat.printed("results-km.survival_low").interval  # doctest: +SKIP
Interval(lo=Fraction(163, 200), hi=Fraction(33, 40), lo_closed=True, hi_closed=True)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import ReconstructionError
from ..intervals import Interval
from ..model import Claim
from ..printed import Printed


@dataclass(frozen=True)
class Catalogue:
    """The claims of one claim file, by id, with their printed values resolved."""

    path: str
    claims: dict[str, Claim]

    @classmethod
    def load(cls, path: str | Path, label: str | None = None) -> Catalogue:
        """Load a claim file (its errors are :class:`~claimaudit.errors.ClaimFileError`, exit 2).

        ``label`` is the path written into outputs (relative to the project root), so that a clone
        elsewhere regenerates the same bytes.
        """
        from ..loader import load_claims

        claims = load_claims(path)
        return cls(label or str(path), {c.id: c for c in claims})

    def claim(self, claim_id: str) -> Claim:
        """The claim with this id; a :class:`ReconstructionError` naming the file when there is none."""
        try:
            return self.claims[claim_id]
        except KeyError:
            msg = f"the reconstruction needs claim {claim_id!r}, which the catalogue does not have"
            raise ReconstructionError(msg, path=self.path, claim_id=claim_id, hint="restore the claim or update the reconstruction") from None

    def printed(self, ref: str) -> Printed:
        """The printed value ``claim-id.role`` (own ``reported`` or resolved ``inputs``), parsed under the claim's rounding."""
        from ..loader import resolve_values

        claim_id, _, role = ref.rpartition(".")
        claim = self.claim(claim_id)
        values = resolve_values(claim, self.claims)
        if role not in values:
            known = ", ".join(sorted(values)) or "none"
            raise ReconstructionError(f"claim has no printed value {role!r} (known: {known})", path=self.path,
                                      claim_id=claim_id, field=f"reported.{role}")
        return values[role]

    def interval(self, ref: str, scale: Fraction | int = 1) -> Interval:
        """The interval of ``claim-id.role``; ``scale`` multiplies it (1/100 turns a percentage into a proportion)."""
        iv = self.printed(ref).interval
        return Interval(iv.lo * scale, iv.hi * scale, iv.lo_closed, iv.hi_closed)

    def count(self, ref: str) -> int:
        """A printed count (``"Seven"``, ``"25"``) as an int."""
        printed = self.printed(ref)
        try:
            return printed.as_count()
        except ValueError as e:
            claim_id, _, role = ref.rpartition(".")
            raise ReconstructionError(str(e), path=self.path, claim_id=claim_id, field=f"reported.{role}") from None

    def definition(self, claim_id: str) -> str:
        """The claim's data definition in words: metric, variable, subset, by, ties, definition (what was computed)."""
        data = self.claim(claim_id).data or {}
        keys = ("metric", "variable", "subset", "by", "ties", "definition", "test")
        return "; ".join(f"{k}: {data[k]}" for k in keys if k in data)


def target(cat: Catalogue, ref: str, definition: str = "") -> Target:
    """A :class:`Target` for ``claim-id.role``, with the claim's data definition unless one is given."""
    claim_id, _, role = ref.rpartition(".")
    printed = cat.printed(ref)
    return Target(claim_id, role, printed, definition or cat.definition(claim_id))


@dataclass(frozen=True)
class Target:
    """One printed value a cohort must meet: claim id, role, the printed value, and what is computed for it."""

    claim_id: str
    role: str
    printed: Printed
    definition: str = ""

    @property
    def ref(self) -> str:
        return f"{self.claim_id}.{self.role}"

    @property
    def interval(self) -> Interval:
        return self.printed.interval
