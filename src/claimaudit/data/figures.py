"""The numbers the report's figures draw, from the same cohorts and measures the data-level results come from.

A :class:`~claimaudit.verdict.Result` carries the recomputed values of the roles a claim prints,
as text. A figure needs more: the Kaplan-Meier curves behind a printed relapse-free proportion
(each patient's time and event, per group), the Wald CI of a hazard ratio whose claim prints
only the HR, the means behind a printed percent change. :func:`figure_data` runs the claim's
data block through the measure that gave its result (``data/measures.py``) on the same cohorts
(an extract, or the source's reconstruction) and keeps every value it produced, as floats. The
verdicts stay the results'; nothing here decides anything.

Like ``recompute``, it imports pandas only when there are data to read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Claim

if TYPE_CHECKING:
    import numpy as np

    from .cohorts import Cohorts

#: Data metrics whose values a figure draws: survival curves, hazard ratios, before/after values.
PLOTTED = frozenset({"kaplan_meier", "cox", "arr", "percent_change", "mean", "median"})
RECONSTRUCTION_NOTE = "jointly achievable numbers, not the authors' data"


@dataclass(frozen=True)
class Recomputed:
    """What one claim's data block gives on the data used: every value of its measure, and the curves.

    ``values`` maps each role the measure produces (``hr``, ``ci_low``, ``before``, ``survival_low``,
    ...) to a float. ``curves`` (metric kaplan_meier) maps each group, in documented order, to the
    (times, events) of its patients: months to the first relapse or to the end of follow-up, and
    1 = relapsed, 0 = censored.
    """

    basis: str
    folder: Path
    values: Mapping[str, float] = field(default_factory=dict)
    curves: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """The figure's statement of what it is drawn from (the folder relative to the working directory when inside it)."""
        folder = self.folder
        if folder.is_absolute() and folder.is_relative_to(Path.cwd()):
            folder = folder.relative_to(Path.cwd())
        if self.basis == "reconstruction":
            return f"reconstruction: {RECONSTRUCTION_NOTE} ({folder})"
        return f"{self.basis}: {folder}"


def figure_data(claims: Iterable[Claim], cohorts: Cohorts | None = None, root: str | Path | None = None,
                kept: Mapping | None = None) -> dict[tuple[str, str], Recomputed]:
    """For each claim whose data metric is drawn (:data:`PLOTTED`), its :class:`Recomputed`, by (path, claim id).

    ``kept`` is the dict ``recompute.data_results(..., keep=...)`` filled while computing the results:
    its measures are reused, not computed again (a Cox model on a large extract takes a while). Without
    it, each claim is measured on ``cohorts`` (an extract, basis ``extract``) or else on its source's
    reconstruction (basis ``reconstruction``). A claim the data cannot compute (no reconstruction yet, a
    column the data lack, a metric undefined on them) is left out, and its result says why.
    """
    from .recompute import default_cohorts

    out: dict[tuple[str, str], Recomputed] = {}
    for claim in claims:
        key = (claim.path, claim.id)
        if claim.data is None or claim.data.get("metric") not in PLOTTED:
            continue
        if kept is not None:
            if key not in kept:
                continue
            basis, data, measured = kept[key]
        else:
            basis, data = ("extract", cohorts) if cohorts is not None else ("reconstruction", default_cohorts(claim.source, root))
            measured = _measure(claim, data) if data is not None else None
            if measured is None:
                continue
        found = _recomputed(claim, data, basis, measured)
        if found is not None:
            out[key] = found
    return out


def _measure(claim: Claim, data: Cohorts):
    from .cohorts import Unavailable
    from .measures import MEASURES, DataSpec
    from .spec import Undefined

    spec = DataSpec.of(claim.data)
    try:
        return MEASURES[spec.metric](spec, data)
    except (Unavailable, Undefined):
        return None


def _recomputed(claim: Claim, data: Cohorts, basis: str, measured) -> Recomputed | None:
    from .cohorts import Unavailable
    from .measures import DataSpec

    spec = DataSpec.of(claim.data)
    try:
        curves = survival_curves(spec, data) if spec.metric == "kaplan_meier" else {}
    except Unavailable:
        return None
    values = {role: float(v) for role, v in measured.values.items()}
    return Recomputed(basis, Path(data.folder), values, curves)


def survival_curves(spec, data: Cohorts) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(times, events) of each group of a kaplan_meier data block, as ``comparisons.kaplan_meier`` reads them."""
    from .comparisons import _survival
    from .spec import group_rows, select_rows

    frame = select_rows(spec, data)
    groups = group_rows(spec, data, frame) if spec.by else [("all", frame)]
    out = {}
    for label, rows in groups:
        times, events = _survival(spec, rows)
        out[label] = (times, events.astype(int))
    return out
