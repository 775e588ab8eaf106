"""The registry of kinds: named procedures that decide a claim from printed values.

A kind is a function ``(claim, values) -> Check`` registered with :func:`kind`, where
``values`` maps each role (own ``reported`` values and resolved ``inputs``) to a
:class:`~claimaudit.printed.Printed`. It declares the roles it needs and the ``params`` it
reads, so a typo in a claim file is an error, not a silently ignored setting.
"""

from __future__ import annotations

import fnmatch
import importlib
from dataclasses import dataclass
from typing import Callable, Mapping

from ..model import Claim
from ..printed import Printed
from ..verdict import Check


class RoleError(ValueError):
    """A printed value that cannot be right whatever the rest says (k > n, P > 1); names the role."""

    def __init__(self, role: str, message: str) -> None:
        self.role = role
        super().__init__(message)


Values = Mapping[str, Printed]
KindFunc = Callable[[Claim, Values], Check]


@dataclass(frozen=True)
class KindSpec:
    """A registered kind: its function, the roles and params it takes, and a validator."""

    name: str
    func: KindFunc
    required: tuple[str, ...]
    optional: tuple[str, ...]
    params: tuple[str, ...]
    validate: Callable[[Values], None] | None
    summary: str
    needs: tuple[str, ...] = ()  # claim fields the kind requires besides values ("reason", "data")

    def accepts_role(self, role: str) -> bool:
        return any(fnmatch.fnmatchcase(role, pat) for pat in self.required + self.optional)


KINDS: dict[str, KindSpec] = {}

# One module per family; the registry is filled by importing them.
MODULES = (
    "agreement",
    "not_checkable",
    "data_only",
    "percent_of_count",
    "grim",
    "percent_change",
    "fisher_p",
    "hr_triad",
    "km_feasibility",
    "total",
    "range",
    "subgroup_mean",
)


def kind(
    name: str,
    *,
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    params: tuple[str, ...] = (),
    validate: Callable[[Values], None] | None = None,
    needs: tuple[str, ...] = (),
) -> Callable[[KindFunc], KindFunc]:
    """Register a kind under ``name`` (its YAML name, module name and test file name)."""

    def register(func: KindFunc) -> KindFunc:
        if name in KINDS:
            if KINDS[name].func.__module__ != func.__module__:
                raise RuntimeError(f"kind {name!r} registered twice ({KINDS[name].func.__module__}, {func.__module__})")
            return func  # the same module imported again (pytester restores sys.modules): keep the entry
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        KINDS[name] = KindSpec(name, func, required, optional, params, validate, summary, needs)
        return func

    return register


def load_all() -> dict[str, KindSpec]:
    """Import every kind module (idempotent) and return the registry."""
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return KINDS


def get_kind(name: str) -> KindSpec:
    """The registered kind ``name``; KeyError when unknown."""
    load_all()
    return KINDS[name]
