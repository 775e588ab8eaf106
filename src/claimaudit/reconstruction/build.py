"""Regenerate every reconstructed file, or compare a regeneration with the committed files byte for byte.

Outputs (paths relative to the project root)::

    fixtures/reconstructed/chen2017/{patients,attacks,adverse_events}.csv      both arms (an NMOSD extract)
    fixtures/reconstructed/chen2017/{tacrolimus,azathioprine}.provenance.json
    fixtures/reconstructed/wu2022/{mg_patients,biomarkers}.csv                  an MG extract
    fixtures/reconstructed/wu2022/mg.provenance.json
    docs/implications.md

Determinism: fixed seeds, rows sorted, numbers written with fixed formatting, no timestamps.
The CSV files are written first into a temporary folder and read back (``read_extract``,
``derive_cohorts``), so every achieved value in a provenance file is computed from the data as
written.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .constraints import Catalogue

CHEN, WU = "claims/chen2017.yaml", "claims/wu2022.yaml"
OUT = Path("fixtures/reconstructed")
IMPLICATIONS = Path("docs/implications.md")
SORT = {"patients": ["patient_id"], "attacks": ["patient_id", "months_from_drug_start"], "adverse_events": ["patient_id", "event"],
        "mg_patients": ["patient_id"], "biomarkers": ["group", "subject_id", "molecule", "visit"]}


def cell(x) -> str:
    """A CSV cell: true/false, integers as integers, decimals shortest (at most 10 significant digits), missing empty."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, bool) or type(x).__name__ == "bool_":
        return "true" if x else "false"
    if isinstance(x, str):
        return x
    x = float(x)
    return str(int(x)) if x.is_integer() else format(x, ".10g")


def to_csv(df: pd.DataFrame, table: str) -> str:
    """The table as CSV text, rows sorted, cells formatted by :func:`cell`; quotes only where a cell holds a comma."""
    df = df.sort_values(SORT[table], kind="stable").reset_index(drop=True)
    lines = [",".join(df.columns)]
    for row in df.itertuples(index=False):
        cells = [cell(v) for v in row]
        lines.append(",".join(f'"{c}"' if "," in c or '"' in c else c for c in cells))
    return "\n".join(lines) + "\n"


@dataclass
class Outputs:
    """Every generated file's text, by path relative to the root, and a log of what the searches did."""

    files: dict[Path, str]
    log: list[str]


def generate(root: Path, tick: Callable[[], None] | None = None) -> Outputs:
    """Build every output in memory."""
    from ..data.cohorts import derive_cohorts
    from ..data.extract import read_extract
    from . import implications, nmosd, nmosd_checks, provenance, survival_decision
    from . import mg as mg_module

    chen = Catalogue.load(root / CHEN, label=str(CHEN))
    decision = survival_decision.decide(chen)
    if tick:
        tick()
    built = nmosd.reconstruct(chen, decision, tick=tick)
    files: dict[Path, str] = {}
    folder = OUT / "chen2017"
    for table, df in built.tables.items():
        files[folder / f"{table}.csv"] = to_csv(df, table)
    with tempfile.TemporaryDirectory() as tmp:
        for path, text in files.items():
            (Path(tmp) / path.name).write_text(text, "utf-8")
        cohorts = derive_cohorts(read_extract(tmp))
    t, a = cohorts.frame("tacrolimus"), cohorts.frame("azathioprine")
    relapses = cohorts.frame("tacrolimus", rows="relapse")
    about = nmosd_about(decision, built)
    files[folder / "tacrolimus.provenance.json"] = provenance.dumps(
        provenance.document(chen, "tacrolimus", about, nmosd_checks.tacrolimus(t, relapses, implications.gender_proof(chen, decision)),
                            bound="the staged search of method.search (fixed seed, stated rounds); not exhaustive: the "
                                  "achieved value is the closest it found"))
    files[folder / "azathioprine.provenance.json"] = provenance.dumps(
        provenance.document(chen, "azathioprine", {"method": {"search": [x for x in built.log if x.startswith("azathioprine")],
                                                               "choices": list(nmosd.CHOICES[-2:])}},
                            nmosd_checks.azathioprine(a, t),
                            bound="the annealing runs of method.search (fixed seeds, stated steps); not exhaustive: the "
                                  "achieved value is the closest found"))
    wu = Catalogue.load(root / WU, label=str(WU))
    mg_files, mg_doc = mg_module.build(wu, tick=tick)
    for name, text in mg_files.items():
        files[OUT / "wu2022" / name] = text
    files[OUT / "wu2022" / "mg.provenance.json"] = provenance.dumps(mg_doc)
    files[IMPLICATIONS] = implications.render(chen, decision, t, wu, mg_doc)
    return Outputs(files, built.log)


def nmosd_about(decision, built) -> dict:
    """The method section of the tacrolimus provenance: the survival enumeration and the search."""
    from .nmosd import CHOICES, SEED
    from .survival_decision import describe

    return {"method": {"survival": describe(decision), "seed": SEED, "search": [x for x in built.log if not x.startswith("azathioprine")],
                       "choices": list(CHOICES[:-2])}}


def differences(root: Path, outputs: Outputs) -> list[Path]:
    """The generated files whose committed copy is missing or differs byte for byte."""
    return [p for p, text in sorted(outputs.files.items()) if not (root / p).is_file() or (root / p).read_bytes() != text.encode("utf-8")]


def write(root: Path, outputs: Outputs) -> list[Path]:
    """Write every output (atomically); the paths written."""
    from .._atomic import write_atomic

    for path, text in sorted(outputs.files.items()):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(root / path, text)
    return sorted(outputs.files)
