"""The data contract: valid extracts meet it, each broken extract breaks exactly its one rule, MG rules bite,
the exported GX suites reload, the docs list every rule, and checking opens no network connection.

Each GX check costs ~0.5 s (plus ~3 s to import GX once): every extract is checked once per module, by
``checked``, with every socket connection refused and recorded.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from claimaudit.data import COLUMNS, read_extract
from claimaudit.data.contract import RULES, check_contract, column_rules, derive, export_suites
from claimaudit.errors import ContractViolation
from kit import digest

# folder -> the one violation it must show, as printed
VIOLATIONS = {
    "duplicate-id": "patients.csv: column 'patient_id': 2 rows break 'patient_id is unique': "
                    "row 6: patient_id='T06'; row 11: patient_id='T06'",
    "edss-11": "patients.csv: column 'edss_before': 1 row breaks 'EDSS is on its scale: 0 to 10 in steps of 0.5': "
               "row 2: edss_before=11",
    "edss-not-half-step": "patients.csv: column 'edss_last': 1 row breaks 'EDSS is on its scale: 0 to 10 in steps of 0.5': "
                          "row 4: edss_last=1.3",
    "attack-after-follow-up": "attacks.csv: column 'months_from_drug_start': 1 row breaks 'no attack after the end of follow-up "
                              "(months_from_drug_start <= months_on_drug of the patient)': "
                              "row 4: months_from_drug_start=13, patient_id='T01', patient_months_on_drug=11",
    "orphan-attack": "attacks.csv: column 'patient_id': 1 row breaks 'every attack belongs to a patient in patients': "
                     "row 34: patient_id='T99'",
    "unknown-arm": "patients.csv: column 'arm': 1 row breaks 'arm is tacrolimus or azathioprine': row 8: arm='cyclosporine'",
    "negative-dose": "patients.csv: column 'tacrolimus_dose_mg_per_day': 1 row breaks 'a dose is >= 0 mg/day': "
                     "row 6: tacrolimus_dose_mg_per_day=-3",
    "pre-attack-outside-window": "attacks.csv: column 'months_from_drug_start': 1 row breaks 'a pre-treatment attack is inside "
                                 "the pre-treatment window (months_from_drug_start >= -disease_months_before_drug)': "
                                 "row 14: months_from_drug_start=-7, patient_id='T04', patient_onset_month=-4",
}
UNREADABLE = ("missing-column", "wrong-type", "empty-file", "bad-encoding", "both-csv-and-parquet")  # test_extract.py
ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "fixtures" / "extracts" / "valid"
BROKEN = ROOT / "fixtures" / "extracts" / "broken"
MEETS = [VALID / "nmosd-small", VALID / "mg-small", VALID / "nmosd-parquet"]




def readme_fragment(folder: Path) -> str:
    """The expected message fragment in a broken extract's README.md (as in test_extract.py)."""
    return (folder / "README.md").read_text("utf-8").split("Expected: `", 1)[1].split("`", 1)[0]


@pytest.fixture(scope="module")
def connections():
    """Every socket connection attempted while the module's checks run (each one is also refused)."""
    return []


@pytest.fixture(scope="module")
def checked(connections):
    """Check an extract folder once per module, with the network blocked; returns the ContractCheck."""
    cache = {}

    def refuse(sock, address):
        connections.append(address)
        raise OSError(f"claimaudit's contract check must not open a connection (to {address!r})")

    def check(folder: Path):
        if folder not in cache:
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(socket.socket, "connect", refuse)
                mp.setattr(socket.socket, "connect_ex", refuse)
                cache[folder] = check_contract(read_extract(folder))
        return cache[folder]

    return check


def test_every_broken_extract_is_in_one_table():
    assert {d.name for d in BROKEN.iterdir()} == set(VIOLATIONS) | set(UNREADABLE)


@pytest.mark.parametrize("folder", MEETS, ids=lambda p: p.name)
def test_a_valid_extract_meets_the_contract(checked, folder):
    check = checked(folder)
    assert [str(v) for v in check.violations] == []
    assert check.summary().endswith(f"meets the contract ({len(check.rules)} rules checked)")


@pytest.mark.parametrize("name", sorted(VIOLATIONS), ids=str)
def test_a_broken_extract_breaks_exactly_its_one_rule(checked, name):
    before = digest(BROKEN / name)
    check = checked(BROKEN / name)
    assert [str(v) for v in check.violations] == [VIOLATIONS[name]]
    assert readme_fragment(BROKEN / name) in VIOLATIONS[name]
    assert digest(BROKEN / name) == before


def test_checking_opens_no_network_connection(checked, connections):
    for folder in MEETS:
        checked(folder)
    assert connections == []


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """One extract with both studies and several mistakes, so that one GX run covers the MG and cross-table rules."""
    folder = tmp_path_factory.mktemp("mixed")
    for src in (VALID / "nmosd-small", VALID / "mg-small"):
        for f in src.glob("*.csv"):
            shutil.copy(f, folder / f.name)
    (folder / "adverse_events.csv").unlink()
    mg = folder / "mg_patients.csv"
    mg.write_text(mg.read_text().replace("M04,52,8,14,12,", "M04,52,8,14,40,").replace(",worse\n", ",better\n"))
    bio = folder / "biomarkers.csv"
    lines = bio.read_text().splitlines()
    lines += ["C01,control,12m,IL-2,9.0,pg/mL", "M99,patient,baseline,IL-2,9.0,pg/mL", "M01,patient,baseline,sCD25,1.9,ng/mL"]
    bio.write_text("\n".join(lines) + "\n")
    return folder


def test_the_mg_and_cross_table_rules_name_each_mistake(checked, mixed):
    check = checked(mixed)
    assert check.extract.studies == ("nmosd", "mg")
    assert [str(v) for v in check.violations] == [
        f"{mixed.name}/: column 'table': 1 row breaks 'every table of the study is in the extract (.csv or .parquet)': "
        "row 3: table='adverse_events'",
        "mg_patients.csv: column 'qmg_12m': 1 row breaks 'QMG is a score from 0 to 39': row 4: qmg_12m=40",
        "mg_patients.csv: column 'post_intervention_status': 1 row breaks 'post_intervention_status is minimal_manifestation, "
        "improved, unchanged or worse': row 6: post_intervention_status='better'",
        "biomarkers.csv: column 'subject_id': 2 rows break 'one value per subject, visit and molecule': "
        "row 7: subject_id='M01', visit='baseline', molecule='sCD25'; row 123: subject_id='M01', visit='baseline', molecule='sCD25'",
        "biomarkers.csv: column 'visit': 1 row breaks 'a control is measured at baseline only': row 121: visit='12m'",
        "biomarkers.csv: column 'subject_id': 1 row breaks \"a patient's subject_id is in mg_patients\": row 122: subject_id='M99'",
        "biomarkers.csv: column 'unit': 1 row breaks 'one unit per molecule (the unit most of its rows use)': "
        "row 123: unit='ng/mL', molecule='sCD25', molecule_usual_unit='pg/mL'",
    ]


def test_a_contract_violation_is_one_line_naming_the_first_and_counting_the_rest(checked, mixed):
    with pytest.raises(ContractViolation) as excinfo:
        checked(mixed).raise_for_violations()
    assert str(excinfo.value).startswith(f"{mixed}: {mixed.name}/: column 'table': 1 row breaks")
    assert str(excinfo.value).endswith("(and 6 more violations) (run 'claimaudit validate' on the extract)")


def test_the_exported_suites_reload_in_gx_and_find_the_same_violation(checked):
    import great_expectations as gx

    extract = read_extract(BROKEN / "orphan-attack")
    doc = json.loads(export_suites(extract))
    suites = {s["meta"]["table"]: gx.ExpectationSuite(**s) for s in doc["suites"]}
    assert set(suites) == {"extract", "patients", "attacks", "adverse_events"}
    assert sum(len(s.expectations) for s in suites.values()) == len(checked(BROKEN / "orphan-attack").rules)
    assert suites["attacks"].meta["derived_columns"]["patient_known"] == "patient_id is one of patients.patient_id"
    # a steward's run: the reloaded suite on the attacks table with its derived columns
    context = gx.get_context(mode="ephemeral")
    batch = context.data_sources.add_pandas("steward").add_dataframe_asset("attacks").add_batch_definition_whole_dataframe("all")
    run = batch.get_batch(batch_parameters={"dataframe": derive(extract)["attacks"]}).validate(suites["attacks"])
    failed = [r.expectation_config for r in run.results if not r.success]
    assert [(e.type, e.kwargs["column"]) for e in failed] == [("expect_column_values_to_be_in_set", "patient_known")]


def test_the_docs_state_every_rule():
    docs = " ".join((ROOT / "docs" / "extract-format.md").read_text("utf-8").split())
    says = {r.says for r in RULES} | {r.says for t in COLUMNS for r in column_rules(t)}
    assert sorted(s for s in says if s not in docs) == []
