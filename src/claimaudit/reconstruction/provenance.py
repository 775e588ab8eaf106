"""Provenance: every constraint of a cohort, its printed value, the value achieved on the written data, and whether it holds.

Achieved values are computed from the files as written (read back with
:func:`claimaudit.data.extract.read_extract`, derived with :func:`claimaudit.data.cohorts.derive_cohorts`)
by the ``claimaudit.metrics`` functions, never by the search's own fast evaluators. Counts,
percentages, means and medians of recorded values are exact fractions; test statistics are the
metrics' floats. ``holds`` is the printed interval (rounding-aware, the claim's policies)
containing the achieved value. Numbers are written as text with fixed formatting (integers as
such, others to 6 significant digits), so the files are the same byte for byte on every run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from .constraints import Catalogue


def fmt(x) -> str:
    """A number as provenance text: whole numbers as integers, others to 6 significant digits; 'nan' when undefined."""
    if x is None:
        return "undefined"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{float(x):.6g}"
    if isinstance(x, int):
        return str(x)
    x = float(x)
    if not math.isfinite(x):
        return "inf" if x > 0 else "-inf" if x < 0 else "nan"
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:.6g}"


@dataclass(frozen=True)
class Check:
    """One constraint: ``ref`` (claim-id.role), how the achieved value is computed, and in words."""

    ref: str
    compute: Callable[[], object]
    definition: str
    scale: Fraction | int = 1  # the printed value times scale is compared (1/100 reads "82%" as a proportion)
    note: str = ""
    impossible: str = ""  # a proof that no data meeting the other constraints can meet this one
    unstable: str = ""  # why the achieved value is not determined by the data (a Cox fit that does not converge)
    above: bool = False  # the printed value is a strict lower bound ("more than 6 months"): holds when achieved > it


def entry(cat: Catalogue, check: Check, bound: str = "") -> dict:
    """The provenance record of one constraint; one that does not hold says ``inconsistent`` with its proof, or
    ``undetermined`` with the bound searched (the achieved value is then the closest the search found)."""
    claim_id, _, role = check.ref.rpartition(".")
    printed = cat.printed(check.ref)
    iv = cat.interval(check.ref, check.scale)
    try:
        value = check.compute()
    except ValueError as err:  # a statistic undefined on these data
        value, why = None, str(err)
    else:
        why = ""
    defined = value is not None and not (isinstance(value, float) and math.isnan(value))
    holds = defined and (value > printed.number if check.above else iv.contains(value))
    out = {"claim": claim_id, "role": role, "printed": printed.text, "achieved": fmt(value), "holds": bool(holds),
           "definition": check.definition}
    if check.note or why:
        out["note"] = "; ".join(x for x in (check.note, why) if x)
    if not holds:
        out["verdict"] = "inconsistent" if check.impossible else "undetermined"
        out["proof" if check.impossible else "bound"] = check.impossible or bound or "not met by the search"
    elif check.unstable:
        # A value that holds only where the iteration happened to stop is no evidence either way.
        out["verdict"] = "undetermined"
        out["bound"] = check.unstable
    return out


def document(cat: Catalogue, cohort: str, about: dict, checks: list[Check], bound: str = "") -> dict:
    """The provenance document of one cohort: what it is, how it was made, and every constraint."""
    entries = [entry(cat, c, bound) for c in checks]
    held = sum(e["holds"] for e in entries)
    return {
        "cohort": cohort, "source": cat.path, "basis": "reconstruction",
        "meaning": "A cohort built to meet the printed aggregates jointly; a number that holds here shows that the "
                   "printed numbers are jointly achievable, not that the authors' data are these.",
        **about,
        "summary": {"constraints": len(entries), "hold": held, "do_not_hold": len(entries) - held},
        "constraints": entries,
    }


def dumps(doc: dict) -> str:
    """The JSON text of a provenance document (keys in the order built, 2-space indent, UTF-8, final newline)."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
