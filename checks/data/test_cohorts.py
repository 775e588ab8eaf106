"""Derived cohorts (data/cohorts.py): every derived column of the hand-made extracts, worked out from the CSV rows.

fixtures/extracts/valid/nmosd-small: tacrolimus T01-T06, azathioprine A01-A04; attacks.csv lists each
patient's attacks in months from the drug's start (<= 0 before it, > 0 relapses). mg-small: M01-M06
and healthy controls C01-C03.
"""

from __future__ import annotations

from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given, settings

from claimaudit.data.cohorts import DERIVED, Unavailable, derive_cohorts, event_column
from claimaudit.data.extract import read_extract

ROOT = Path(__file__).resolve().parents[2]
NMOSD = ROOT / "fixtures" / "extracts" / "valid" / "nmosd-small"
MG = ROOT / "fixtures" / "extracts" / "valid" / "mg-small"


@pytest.fixture(scope="module")
def nmosd():
    return derive_cohorts(read_extract(NMOSD))


@pytest.fixture(scope="module")
def mg():
    return derive_cohorts(read_extract(MG))


def column(cohorts, name, cohort="both"):
    frame = cohorts.frame(cohort)
    return dict(zip(frame["patient_id"], frame[name].tolist(), strict=True))


def test_attacks_split_at_month_zero_into_pre_treatment_attacks_and_relapses(nmosd):
    # T01: -16 (onset), -9, -2 before; 3 after. T02: -8, -3 | 5, 8. T03: -30, -20, -10, -3 | none.
    # T04: -4, -1. T05: -98, -60, -30, -12 | 20. T06: -1. A01: -20, -8 | 4, 12. A02: -12, -5 | 10.
    # A03: -36, -24, -6. A04: -6, -2 | 15.
    assert column(nmosd, "attacks_before_treatment") == {
        "T01": 3, "T02": 2, "T03": 4, "T04": 2, "T05": 4, "T06": 1, "A01": 2, "A02": 2, "A03": 3, "A04": 2}
    assert column(nmosd, "relapses_on_treatment") == {
        "T01": 1, "T02": 2, "T03": 0, "T04": 0, "T05": 1, "T06": 0, "A01": 2, "A02": 1, "A03": 0, "A04": 1}
    assert column(nmosd, "relapse_times") == {
        "T01": [3.0], "T02": [5.0, 8.0], "T03": [], "T04": [], "T05": [20.0], "T06": [],
        "A01": [4.0, 12.0], "A02": [10.0], "A03": [], "A04": [15.0]}
    assert [k for k, v in column(nmosd, "relapsed").items() if v] == ["T01", "T02", "T05", "A01", "A02", "A04"]


def test_time_to_first_relapse_is_the_first_relapse_or_the_end_of_follow_up(nmosd):
    # Relapsed: the month of the first relapse. Not relapsed: months_on_drug (T03 7, T04 14, T06 6, A03 10).
    assert column(nmosd, "time_to_first_relapse") == {
        "T01": 3.0, "T02": 5.0, "T03": 7.0, "T04": 14.0, "T05": 20.0, "T06": 6.0, "A01": 4.0, "A02": 10.0, "A03": 10.0, "A04": 15.0}


def test_arr_before_and_after_are_twelve_times_attacks_over_months(nmosd):
    # before: 12·3/16, 12·2/8, 12·4/30, 12·2/4, 12·4/98, 12·1/1; after: 12·1/11, 12·2/9, 0, 0, 12·1/34, 0.
    before = column(nmosd, "arr_before", "tacrolimus")
    after = column(nmosd, "arr_after", "tacrolimus")
    assert before == pytest.approx({"T01": 2.25, "T02": 3.0, "T03": 1.6, "T04": 6.0, "T05": 48 / 98, "T06": 12.0}, rel=1e-15)
    assert after == pytest.approx({"T01": 12 / 11, "T02": 24 / 9, "T03": 0.0, "T04": 0.0, "T05": 12 / 34, "T06": 0.0}, rel=1e-15)


def test_titer_group_is_high_from_1_64(nmosd):
    # aqp4_titer: T01 32, T02 128, T03 256, T04 0, T05 64 (exactly 1:64 is high), T06 16; A01 128, A02 32, A03 0, A04 512.
    assert column(nmosd, "aqp4_titer_group") == {
        "T01": "low", "T02": "high", "T03": "high", "T04": "low", "T05": "high", "T06": "low",
        "A01": "high", "A02": "low", "A03": "low", "A04": "high"}


def test_edss_improved_or_stable_is_last_at_most_before(nmosd):
    # T03 6.5 -> 7.0 and A02 3.5 -> 4.0 got worse; T05 4.0 -> 4.0 and A03 5.5 -> 5.5 are stable.
    flags = column(nmosd, "edss_improved_or_stable")
    assert [k for k, v in flags.items() if not v] == ["T03", "A02"]


def test_adverse_event_flags_per_patient(nmosd):
    # adverse_events.csv: T01 hand tremor, T03 death (severe), T04 herpes zoster, T06 skin rash;
    # A01 agranulocytosis, A02 liver damage, A03 death (all severe).
    ae, severe = column(nmosd, "adverse_event"), column(nmosd, "severe_adverse_event")
    assert [k for k, v in ae.items() if v] == ["T01", "T03", "T04", "T06", "A01", "A02", "A03"]
    assert [k for k, v in severe.items() if v] == ["T03", "A01", "A02", "A03"]
    assert [k for k, v in column(nmosd, "had_death").items() if v] == ["T03", "A03"]
    assert [k for k, v in column(nmosd, "had_hand_tremor").items() if v] == ["T01"]
    assert event_column(" Herpes  zoster ") == "had_herpes_zoster"


def test_one_row_per_relapse_with_its_patients_columns(nmosd):
    relapses = nmosd.frame("tacrolimus", rows="relapse")
    assert sorted(zip(relapses["patient_id"], relapses["relapse_month"], strict=True)) == [("T01", 3.0), ("T02", 5.0), ("T02", 8.0), ("T05", 20.0)]
    assert set(relapses["arm"]) == {"tacrolimus"} and "aqp4_titer_group" in relapses


def test_cohorts_select_their_arm_and_name_each_row(nmosd):
    assert nmosd.frame("tacrolimus")["patient_id"].tolist() == ["T01", "T02", "T03", "T04", "T05", "T06"]
    assert nmosd.frame("azathioprine")["patient_id"].tolist() == ["A01", "A02", "A03", "A04"]
    assert set(nmosd.frame("both")["cohort"]) == {"both"}
    assert nmosd.parts("tacrolimus + azathioprine") == ["tacrolimus", "azathioprine"]


def test_mg_frame_has_one_column_per_molecule_and_visit(mg):
    # biomarkers.csv: M01 sPD-1 453.2 at baseline, 317.2 at 12m; IL-2 20.4 and 14.2; sCD40L 5.3 ng/mL.
    m01 = mg.frame("mg").set_index("patient_id").loc["M01"]
    assert (m01["spd1_baseline"], m01["spd1_12m"], m01["il2_baseline"], m01["il2_12m"], m01["scd40l_baseline"]) == (
        453.2, 317.2, 20.4, 14.2, 5.3)
    assert m01["group"] == "patient" and m01["qmg_baseline"] == 10


def test_healthy_controls_are_the_control_subjects_at_baseline(mg):
    controls = mg.frame("healthy_controls")
    assert controls["subject_id"].tolist() == ["C01", "C02", "C03"]
    assert controls["spd1_baseline"].tolist() == [255.4, 292.5, 226.6]
    both = mg.frame("mg + healthy_controls")
    assert both["cohort"].tolist() == ["mg"] * 6 + ["healthy_controls"] * 3


@pytest.mark.parametrize(("cohort", "rows", "message"), [
    ("mg", "patient", "cohort 'mg' is not in the data"),
    ("tacrolimus", "visit", "unknown rows 'visit' (patient or relapse)"),
    ("placebo", "patient", "unknown cohort 'placebo'"),
])
def test_a_cohort_the_data_lack_is_unavailable_with_its_reason(nmosd, cohort, rows, message):
    with pytest.raises(Unavailable, match=message.replace("(", r"\(").replace(")", r"\)")):
        nmosd.frame(cohort, rows)


def test_relapse_rows_exist_only_for_the_nmosd_cohorts(mg):
    with pytest.raises(Unavailable, match="cohort 'mg' has no relapses"):
        mg.frame("mg", rows="relapse")


def test_every_derived_column_is_documented(nmosd, mg):
    documented = set(DERIVED["nmosd"]) | set(DERIVED["relapses"]) | set(DERIVED["mg"])
    nmosd_new = set(nmosd.nmosd.columns) - set(read_extract(NMOSD).tables["patients"].columns)
    assert {c for c in nmosd_new if not c.startswith("had_")} <= documented
    mg_new = set(mg.mg.columns) - set(read_extract(MG).tables["mg_patients"].columns) - {"subject_id"}
    assert {c for c in mg_new if not c.endswith(("_baseline", "_12m"))} <= documented
    docs = (ROOT / "docs" / "extract-format.md").read_text("utf-8")
    for name in documented:
        assert f"`{name}`" in docs, name


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4), st.integers(1, 120), st.integers(1, 60)), min_size=1, max_size=8))
def test_arr_is_attacks_per_year_of_each_window(tmp_path_factory, patients):
    """The law: arr_before = 12·(pre-treatment attacks)/(months before), arr_after = 12·relapses/(months on drug)."""
    folder = tmp_path_factory.mktemp("arr")
    rows, attacks = [], []
    for i, (extra_before, relapses, before, on) in enumerate(patients):
        pid = f"P{i}"
        rows.append({"patient_id": pid, "arm": "tacrolimus", "sex": "female", "age_at_onset_years": 30,
                     "disease_months_before_drug": before, "months_on_drug": on, "aqp4_igg_positive": "false",
                     "aqp4_titer": 0, "edss_before": 3.0, "edss_last": 2.0, "initial_immunosuppressant": "true",
                     "switched_from": "", **dict.fromkeys(["prior_ivig", "prior_interferon_beta", "prior_plasmapheresis",
                                                           "prior_azathioprine", "prior_cyclophosphamide", "prior_mycophenolate",
                                                           "concomitant_prednisone", "died"], "false"),
                     "tacrolimus_dose_mg_per_day": 2})
        attacks.append((pid, -before, "true"))
        attacks += [(pid, -before / 2, "false")] * extra_before + [(pid, on, "false")] * relapses
    pd.DataFrame(rows).to_csv(folder / "patients.csv", index=False)
    pd.DataFrame(attacks, columns=["patient_id", "months_from_drug_start", "is_onset_attack"]).to_csv(folder / "attacks.csv", index=False)
    pd.DataFrame(columns=["patient_id", "event", "severe"]).to_csv(folder / "adverse_events.csv", index=False)
    frame = derive_cohorts(read_extract(folder)).frame("tacrolimus")
    for (extra_before, relapses, before, on), b, a in zip(patients, frame["arr_before"], frame["arr_after"], strict=True):
        assert b == 12 * (1 + extra_before) / before  # one correctly rounded division, as metrics.arr computes it
        assert a == 12 * relapses / on
