"""Patients laid on a survival structure: each one's titer group, whether it relapsed, and where it leaves follow-up.

The structure (one entry per distinct event time, :mod:`.survival`) fixes every risk set; a
patient is a *slot*: its group, its status (first relapse, or censored) and its exit, the event
time index j of its first relapse, or the gap it is censored in (before event time j, or after
the last one). Patients of one group in one gap are interchangeable for every survival number.
Patients are numbered in exit order, low before high within one exit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .fastcox import RiskSets
from .survival import Structure, censored_after, censored_before


@dataclass(frozen=True)
class Slot:
    """One patient of the structure: ``high`` titer group, ``event`` (a first relapse), ``exit`` (see module)."""

    high: bool
    event: bool
    exit: float  # j for a first relapse at event time j (1-based); j - 0.5 when censored before it; m + 0.5 after the last


def slots_of(structure: Structure, n_low: int, n_high: int) -> list[Slot]:
    """The patients of a structure in exit order."""
    out: list[Slot] = []
    m = len(structure)
    for j, (t, (c_l, c_h)) in enumerate(zip(structure, censored_before(structure, n_low, n_high), strict=True), start=1):
        out += [Slot(False, False, j - 0.5)] * c_l + [Slot(True, False, j - 0.5)] * c_h
        out += [Slot(False, True, j)] * t.d_low + [Slot(True, True, j)] * t.d_high
    a_l, a_h = censored_after(structure, n_low, n_high)
    out += [Slot(False, False, m + 0.5)] * a_l + [Slot(True, False, m + 0.5)] * a_h
    return out


def risk_sets(slots: list[Slot], m: int) -> RiskSets:
    """The risk-set and event matrices of these slots over the m event times."""
    exits = np.array([s.exit for s in slots])
    times = np.arange(1, m + 1)[:, None]
    at_risk = exits[None, :] >= times
    events = (exits[None, :] == times) & np.array([s.event for s in slots])[None, :]
    return RiskSets(at_risk, events)
