"""Analysis cohorts derived from an extract: the per-patient frames that ``recompute`` evaluates claims on.

An extract holds what was recorded (a patient, an attack, an adverse event, a biomarker value);
a published number is computed from what those records imply (relapses on treatment, ARR before
and after, time to the first relapse, the titer group). This module derives those columns once,
in pandas, vectorised (no loop over patients), as ``docs/extract-format.md`` section 4 defines
them, and names the cohorts a claim's ``data.cohort`` may ask for. The derived columns are listed
in :data:`DERIVED`, which the docs' "Derived columns for recompute" table mirrors.

Words as in the docs: a *relapse* is an attack with ``months_from_drug_start > 0``; a
*pre-treatment attack* one with ``months_from_drug_start <= 0``, the onset attack included.

>>> from claimaudit.data.extract import read_extract
>>> c = derive_cohorts(read_extract("fixtures/extracts/valid/nmosd-small"))  # doctest: +SKIP
>>> c.frame("tacrolimus")["relapses_on_treatment"].tolist()  # doctest: +SKIP
[1, 2, 0, 0, 1, 0]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..metrics.arr import annualized_rates
from .extract import Extract

TITER_HIGH = 64  # "a high titer ... above or equal to 1:64" (Chen 2017, Methods)
MOLECULES = {"sPD-1": "spd1", "sPD-L1": "spdl1", "sICOS": "sicos", "sICOSL": "sicosl", "sCD40": "scd40",
             "sCD40L": "scd40l", "sCD25": "scd25", "IL-2": "il2"}
VISITS = ("baseline", "12m")

#: Every derived column, by frame, with its definition (docs/extract-format.md, "Derived columns for recompute").
DERIVED: dict[str, dict[str, str]] = {
    "nmosd": {
        "drug": "the arm: tacrolimus or azathioprine",
        "attacks_before_treatment": "number of pre-treatment attacks (months_from_drug_start <= 0), the onset attack included",
        "relapses_on_treatment": "number of relapses (attacks with months_from_drug_start > 0)",
        "relapsed": "relapses_on_treatment >= 1: the event of the survival analyses",
        "time_to_first_relapse": "months from the start of the drug to the first relapse; without one, months_on_drug (censored)",
        "relapse_times": "the months of the patient's relapses, in order (a list; for reading, not for expressions)",
        "arr_before": "12 · attacks_before_treatment / disease_months_before_drug (metrics.arr.annualized_rates)",
        "arr_after": "12 · relapses_on_treatment / months_on_drug",
        "aqp4_titer_group": f"'high' when aqp4_titer >= {TITER_HIGH} (1:{TITER_HIGH}), else 'low' (below 1:64 or none)",
        "edss_improved_or_stable": "edss_last <= edss_before",
        "adverse_event": "the patient has at least one row in adverse_events",
        "severe_adverse_event": "the patient has at least one severe adverse event",
        "had_<event>": "the patient has an adverse event <event>, spaces written _: had_hand_tremor, had_death "
                       "(false for an event nobody had)",
    },
    "relapses": {
        "relapse_month": "months_from_drug_start of the relapse (> 0); every column of its patient alongside",
    },
    "mg": {
        "group": "'patient' (MG patients) or 'control' (healthy controls)",
        "<molecule>_<visit>": "the molecule's value at the visit (baseline, 12m); molecules spd1, spdl1, sicos, sicosl, "
                              "scd40, scd40l, scd25, il2 (sPD-1 ... IL-2 lower-cased without '-'); missing when not measured",
    },
}

#: The cohorts a data block may name: the frame and the rows of it (None: all of them).
COHORTS: dict[str, tuple[str, str | None]] = {
    "tacrolimus": ("nmosd", "tacrolimus"),
    "azathioprine": ("nmosd", "azathioprine"),
    "both": ("nmosd", None),
    "mg": ("mg", None),
    "healthy_controls": ("controls", None),
}

#: The documented order of a grouping column's values: group 1 (roles ``*_1``) first.
GROUP_ORDER: dict[str, tuple[str, ...]] = {
    "drug": ("tacrolimus", "azathioprine"),
    "arm": ("tacrolimus", "azathioprine"),
    "aqp4_titer_group": ("low", "high"),
    "sex": ("female", "male"),
    "group": ("patient", "control"),
    "post_intervention_status": ("minimal_manifestation", "improved", "unchanged", "worse"),
}

_TABLES = {"nmosd": "patients and attacks", "relapses": "patients and attacks", "mg": "mg_patients",
           "controls": "biomarkers"}


class Unavailable(LookupError):
    """The data lack what a data block needs (a cohort, a table, a column): a reason for not_checkable, not an error."""


@dataclass(frozen=True)
class Cohorts:
    """The derived frames of one extract (None where the extract lacks the tables).

    ``nmosd``: one row per NMOSD patient; ``relapses``: one row per relapse on treatment, with its
    patient's columns; ``mg``: one row per MG patient, biomarkers as ``<molecule>_<visit>``
    columns; ``controls``: one row per healthy control, biomarkers at baseline.
    """

    folder: Path
    nmosd: pd.DataFrame | None = None
    relapses: pd.DataFrame | None = None
    mg: pd.DataFrame | None = None
    controls: pd.DataFrame | None = None
    _frames: dict = field(default_factory=dict, repr=False, compare=False)  # frame() by (cohort, rows); never mutated

    def parts(self, cohort: str) -> list[str]:
        """The cohorts of ``cohort``: ``"mg + healthy_controls"`` is ``["mg", "healthy_controls"]``."""
        names = [p.strip() for p in cohort.split("+")]
        for name in names:
            if name not in COHORTS:
                raise Unavailable(f"unknown cohort {name!r} (known: {', '.join(COHORTS)}; join two with +)")
        return names

    def frame(self, cohort: str, rows: str = "patient") -> pd.DataFrame:
        """The rows of ``cohort`` (one name, or two joined by ``+``), with a column ``cohort`` naming each row's.

        ``rows="relapse"``: one row per relapse on treatment instead of one per patient (NMOSD only).
        """
        if (cohort, rows) not in self._frames:
            self._frames[(cohort, rows)] = self._frame(cohort, rows)
        return self._frames[(cohort, rows)]

    def _frame(self, cohort: str, rows: str) -> pd.DataFrame:
        frames = []
        for name in self.parts(cohort):
            table, arm = COHORTS[name]
            if rows == "relapse":
                if table != "nmosd":
                    raise Unavailable(f"cohort {name!r} has no relapses (rows: relapse is for the NMOSD cohorts)")
                table = "relapses"
            elif rows != "patient":
                raise Unavailable(f"unknown rows {rows!r} (patient or relapse)")
            df = getattr(self, table)
            if df is None:
                raise Unavailable(f"cohort {name!r} is not in the data ({self.folder} has no {_TABLES[table]} table)")
            if arm is not None:
                df = df[df["arm"] == arm]
            frames.append(df.assign(cohort=name))
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def derive_cohorts(extract: Extract) -> Cohorts:
    """Every derived frame the extract's tables allow."""
    t = extract.tables
    nmosd = relapses = mg = controls = None
    if "patients" in t and "attacks" in t:
        nmosd, relapses = _nmosd(t["patients"], t["attacks"], t.get("adverse_events"))
    if "mg_patients" in t:
        mg = _mg(t["mg_patients"], t.get("biomarkers"))
    if "biomarkers" in t:
        controls = _controls(t["biomarkers"])
    return Cohorts(extract.folder, nmosd, relapses, mg, controls)


def event_column(event: str) -> str:
    """The ``had_<event>`` column of an adverse event: ``'hand tremor'`` → ``had_hand_tremor``."""
    return "had_" + re.sub(r"[^a-z0-9]+", "_", event.strip().lower()).strip("_")


def _nmosd(patients: pd.DataFrame, attacks: pd.DataFrame, events: pd.DataFrame | None):
    p = patients.copy()
    ids = p["patient_id"]
    months = attacks["months_from_drug_start"]
    before, after = attacks[months <= 0], attacks[months > 0].sort_values(["patient_id", "months_from_drug_start"], kind="stable")

    def per_patient(series: pd.Series, fill):
        return ids.map(series).fillna(fill)

    p["drug"] = p["arm"]
    p["attacks_before_treatment"] = per_patient(before.groupby("patient_id").size(), 0).astype("int64")
    p["relapses_on_treatment"] = per_patient(after.groupby("patient_id").size(), 0).astype("int64")
    p["relapsed"] = p["relapses_on_treatment"] > 0
    first = ids.map(after.groupby("patient_id")["months_from_drug_start"].min())
    p["time_to_first_relapse"] = first.where(first.notna(), p["months_on_drug"]).astype("float64")
    p["relapse_times"] = [t if isinstance(t, list) else [] for t in ids.map(_lists(after))]
    p["arr_before"] = annualized_rates(p["attacks_before_treatment"], p["disease_months_before_drug"]) if len(p) else []
    p["arr_after"] = annualized_rates(p["relapses_on_treatment"], p["months_on_drug"]) if len(p) else []
    p["aqp4_titer_group"] = np.where(p["aqp4_titer"] >= TITER_HIGH, "high", "low")
    p["edss_improved_or_stable"] = p["edss_last"] <= p["edss_before"]
    if events is not None:
        p["adverse_event"] = ids.isin(events["patient_id"])
        p["severe_adverse_event"] = ids.isin(events.loc[events["severe"] == True, "patient_id"])  # noqa: E712 - NaN is not severe
        names = events["event"].unique()  # one event_column call per distinct event, not per row
        for event, rows in events.groupby(events["event"].map(dict(zip(names, map(event_column, names), strict=True)))):
            p[event] = ids.isin(rows["patient_id"])
    r = after.rename(columns={"months_from_drug_start": "relapse_month"})[["patient_id", "relapse_month"]]
    relapses = r.merge(p, on="patient_id", how="inner", validate="many_to_one")
    return p, relapses


def _lists(after: pd.DataFrame) -> pd.Series:
    """Each patient's relapse months as a list, by patient_id: one split of ``after`` (sorted by patient_id, then month).

    The same lists as ``groupby("patient_id")["months_from_drug_start"].agg(list)``, which calls Python once per
    patient (6 s for a million patients); here one slice per patient (0.3 s). Months are Python floats.
    """
    after = after[after["patient_id"].notna()]
    ids, months = after["patient_id"].to_numpy(), after["months_from_drug_start"].tolist()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, dtype=int)
    ends = np.r_[starts[1:], len(ids)] if len(ids) else starts
    return pd.Series([months[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)], index=ids[starts], dtype=object)


def _wide(biomarkers: pd.DataFrame, group: str) -> pd.DataFrame:
    """One row per subject of ``group``, one column ``<molecule>_<visit>`` per value."""
    b = biomarkers[biomarkers["group"] == group]
    b = b[b["molecule"].isin(list(MOLECULES)) & b["visit"].isin(VISITS)]
    columns = b["molecule"].map(MOLECULES) + "_" + b["visit"]
    wide = pd.DataFrame({"subject_id": b["subject_id"], "column": columns, "value": b["value"]})
    return wide.pivot_table(index="subject_id", columns="column", values="value", aggfunc="first")


def _mg(patients: pd.DataFrame, biomarkers: pd.DataFrame | None) -> pd.DataFrame:
    m = patients.copy()
    m["subject_id"] = m["patient_id"]
    m["group"] = "patient"
    wide = _wide(biomarkers, "patient") if biomarkers is not None else pd.DataFrame()
    for stem in MOLECULES.values():
        for visit in VISITS:
            column = f"{stem}_{visit}"
            m[column] = m["patient_id"].map(wide[column]) if column in wide else np.nan
    return m


def _controls(biomarkers: pd.DataFrame) -> pd.DataFrame:
    wide = _wide(biomarkers, "control")
    c = pd.DataFrame({"subject_id": wide.index.astype(str), "group": "control"})
    for stem in MOLECULES.values():
        column = f"{stem}_baseline"
        c[column] = c["subject_id"].map(wide[column]) if column in wide else np.nan
    return c
