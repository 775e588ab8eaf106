"""Metrics: definitions computed exactly from counts or patient-level data, one family per module.

Every test metric returns a :class:`TestResult`, so that ``data/recompute.py`` reads them all alike.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TestResult:
    """A statistical test's outcome: its statistic, its two-sided P, and the convention it used."""

    __test__ = False  # not a pytest test class, whatever its name

    statistic: float
    p: float
    method: str = ""
