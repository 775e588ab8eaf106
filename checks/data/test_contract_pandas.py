"""The contract in plain pandas (data/contract_pandas.py) finds exactly the violations GX finds: the same rules, counts
and sample rows, on every fixture and on extracts that break every rule at once.

Each GX check costs ~0.5 s (plus ~3 s to import GX once).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claimaudit.data import read_extract
from claimaudit.data.contract import RULES, check_contract
from claimaudit.data.contract_pandas import check_contract_pandas
from claimaudit.data.extract import Extract
from claimaudit.data.synthetic import generate, write

ROOT = Path(__file__).resolve().parents[2]
READABLE = [p for p in sorted((ROOT / "fixtures" / "extracts").glob("*/*"))
            if p.name not in ("missing-column", "wrong-type", "empty-file", "bad-encoding", "both-csv-and-parquet")]


def same_violations(extract: Extract) -> list[dict]:
    """Check ``extract`` with GX and with pandas; assert they agree; the violations as JSON."""
    gx, plain = check_contract(extract), check_contract_pandas(extract)
    assert [v.to_json() for v in plain.violations] == [v.to_json() for v in gx.violations]
    assert plain.rules == gx.rules and plain.summary() == gx.summary()
    return [v.to_json() for v in gx.violations]


@pytest.mark.parametrize("folder", READABLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pandas_and_gx_agree_on_every_readable_fixture(folder):
    same_violations(read_extract(folder))


def broken_everywhere(tmp_path: Path) -> Extract:
    """A synthetic extract (both studies) with one mistake per rule of the contract, written in pandas."""
    write(generate(300, seed=5, mg_patients=20), tmp_path, "csv")
    e = read_extract(tmp_path)
    p, a, ae = (e.tables[n].copy() for n in ("patients", "attacks", "adverse_events"))
    mg, bio = e.tables["mg_patients"].copy(), e.tables["biomarkers"].copy()
    ids = p["patient_id"]
    p.loc[2, "patient_id"] = ids[1]
    p.loc[3, "arm"] = "cyclosporine"
    p.loc[4, "sex"] = 5  # an int in a text column: breaks its type and its set
    p.loc[5, "age_at_onset_years"] = 101
    p.loc[6, "disease_months_before_drug"] = 0
    p.loc[7, "months_on_drug"] = 0
    p.loc[8, ["aqp4_igg_positive", "aqp4_titer"]] = [False, 5]
    p.loc[9, ["aqp4_igg_positive", "aqp4_titer"]] = [True, 0]
    p.loc[10, ["aqp4_igg_positive", "aqp4_titer"]] = [False, -1]
    p.loc[11, "edss_before"], p.loc[12, "edss_last"] = 11, 1.3
    p.loc[13, ["initial_immunosuppressant", "switched_from"]] = [False, "cyclosporine"]
    p.loc[14, ["initial_immunosuppressant", "switched_from"]] = [True, "other"]
    p.loc[15, ["initial_immunosuppressant", "switched_from"]] = [False, None]
    p.loc[16, ["arm", "tacrolimus_dose_mg_per_day"]] = ["tacrolimus", -3]
    p.loc[17, ["arm", "tacrolimus_dose_mg_per_day"]] = ["tacrolimus", np.nan]
    p.loc[18, "died"] = not p.loc[18, "died"]
    p["prior_ivig"] = p["prior_ivig"].astype("int64")  # a column of the wrong dtype
    p["prior_interferon_beta"] = p["prior_interferon_beta"].astype(object)
    p.loc[19, "prior_interferon_beta"] = None
    a.loc[a["patient_id"] == ids[20], "is_onset_attack"] = False  # no onset attack
    months = dict(zip(ids, p["months_on_drug"], strict=True)), dict(zip(ids, p["disease_months_before_drug"], strict=True))
    a.loc[a.index[a["patient_id"] == ids[21]][-1], "months_from_drug_start"] = months[0][ids[21]] + 5
    a.loc[a.index[a["patient_id"] == ids[22]][0], "months_from_drug_start"] = -months[1][ids[22]] - 5
    a.loc[a.index[(a["patient_id"] == ids[23]) & a["is_onset_attack"]], "months_from_drug_start"] = 1
    a.loc[30, "months_from_drug_start"], a.loc[31, "patient_id"] = np.nan, "ZZZ"
    ae["severe"] = ae["severe"].astype(object)
    ae.loc[1, "severe"], ae.loc[2, "patient_id"] = None, "ZZZ"
    mg.loc[2, "patient_id"] = mg.loc[1, "patient_id"]
    for row, (column, value) in enumerate([("age_at_onset_years", 200), ("disease_course_years", 0), ("qmg_baseline", 40),
                                           ("mmt_12m", 121), ("mg_adl_baseline", -1), ("mg_qol15_12m", 61),
                                           ("prednisone_mg_12m", -5), ("post_intervention_status", "better")], start=3):
        mg.loc[row, column] = value
    bio.loc[2] = bio.loc[1]
    bio.loc[3, "group"], bio.loc[4, "visit"], bio.loc[5, "molecule"], bio.loc[6, "value"], bio.loc[7, "unit"] = "x", "x", "x", -1, "x"
    controls = bio.index[bio["group"] == "control"]
    bio.loc[controls[0], "visit"], bio.loc[controls[1], "subject_id"] = "12m", mg.loc[1, "patient_id"]
    bio.loc[8, "subject_id"], bio.loc[9, "unit"] = "M9999", "ng/mL"
    tables = {"patients": p, "attacks": a, "adverse_events": ae, "mg_patients": mg, "biomarkers": bio}
    return Extract(e.folder, e.files, tables)


def test_pandas_and_gx_agree_when_every_rule_is_broken(tmp_path):
    violations = same_violations(broken_everywhere(tmp_path / "all"))
    valid = ROOT / "fixtures" / "extracts" / "valid"
    nmosd, mg = read_extract(valid / "nmosd-small").tables, read_extract(valid / "mg-small").tables
    tables = {"patients": nmosd["patients"].iloc[:0], "attacks": nmosd["attacks"], "mg_patients": mg["mg_patients"].iloc[:0]}
    no_patients = Extract(tmp_path, {n: tmp_path / f"{n}.csv" for n in tables}, tables)  # and no adverse_events, no biomarkers
    violations += same_violations(no_patients)
    broken = {(v["table"], v["rule"]) for v in violations}
    unbroken = [(r.table, r.says) for r in RULES if (r.table, r.says) not in broken]
    assert unbroken == []
    gx_types = {v["gx_type"] for v in violations}
    assert {"expect_column_values_to_be_in_type_list", "expect_column_values_to_not_be_null"} <= gx_types
    # the reader refuses an extract without a documented column, so 'every documented column is there' cannot fail here
