"""The unit a search aims at: a term, one printed value (claim id and role) and the achieved value it is compared with.

The searches themselves are in :mod:`.batch` (a best-improvement descent scoring every
neighbour at once), :mod:`.tacrolimus_search` (its stages) and :mod:`.azathioprine` (annealing
with restarts). None is exhaustive: a term a search leaves unmet is reported ``undetermined``
with the bound searched and the closest value found, never ``inconsistent``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .constraints import Target


@dataclass(frozen=True)
class Term:
    """A printed value and the achieved value (by name) it is compared with; ``weight`` scales its miss."""

    name: str
    target: Target
    weight: float = 1.0
