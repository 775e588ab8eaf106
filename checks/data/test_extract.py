"""Reading an extract: the documented tables and types, one-line errors naming file, row and column, never a write.

The broken extracts are in fixtures/extracts/broken/<name>/, one mistake each, stated in their README.md.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from claimaudit.data import COLUMNS, read_extract
from claimaudit.errors import ExtractError
from kit import digest

ROOT = Path(__file__).resolve().parents[2]
VALID = ROOT / "fixtures" / "extracts" / "valid"
BROKEN = ROOT / "fixtures" / "extracts" / "broken"
NMOSD_HEADER = ",".join(COLUMNS["patients"])
T01 = "T01,tacrolimus,female,31,16,11,true,32,4.5,2.0,true,,false,false,false,false,false,false,true,3,false"

# folder -> the one-line error, after "<path>: "
UNREADABLE = {
    "missing-column": (
        "patients.csv", "missing column 'edss_last' (the columns of patients are listed in docs/extract-format.md)"),
    "wrong-type": (
        "patients.csv", "row 3, column 'age_at_onset_years': 'forty-five' is not a number (write digits, e.g. 31 or 31.5)"),
    "empty-file": (
        "adverse_events.csv", "empty file (not even a header row) (the first row names the columns; see docs/extract-format.md)"),
    "bad-encoding": (
        "adverse_events.csv", "row 4, column 'event': not UTF-8 (byte 0xe9) "
        "(save the file as UTF-8, e.g. Excel 'CSV UTF-8' or iconv -f latin1 -t utf-8)"),
    "both-csv-and-parquet": ("", "patients is there twice, as patients.csv and patients.parquet (keep one file per table)"),
}




def readme_fragment(folder: Path) -> str:
    """The expected message fragment a broken extract's README.md states, between backticks after 'Expected:'."""
    text = (folder / "README.md").read_text("utf-8")
    return text.split("Expected: `", 1)[1].split("`", 1)[0]


@pytest.mark.parametrize("name", sorted(UNREADABLE), ids=str)
def test_an_unreadable_extract_is_one_line_naming_file_row_and_column(name):
    file, problem = UNREADABLE[name]
    folder = BROKEN / name
    with pytest.raises(ExtractError) as excinfo:
        read_extract(folder)
    path = folder / file if file else folder
    assert str(excinfo.value) == f"{path}: {problem}"
    assert readme_fragment(folder) in str(excinfo.value)


@pytest.mark.parametrize("folder", [*sorted(VALID.iterdir()), *sorted(BROKEN.iterdir())], ids=lambda p: p.name)
def test_reading_never_writes_into_the_extract(folder):
    before = digest(folder)
    try:
        read_extract(folder)
    except ExtractError:
        pass
    assert digest(folder) == before


def test_the_nmosd_extract_has_the_documented_columns_and_types():
    extract = read_extract(VALID / "nmosd-small")
    assert extract.studies == ("nmosd",)
    assert set(extract.tables) == {"patients", "attacks", "adverse_events"}
    for name, df in extract.tables.items():
        assert list(df.columns) == list(COLUMNS[name])
        assert df.index[0] == 1  # data rows are numbered from 1, as errors and violations name them
    p = extract.tables["patients"]
    assert p.loc[3, "patient_id"] == "T03" and p.loc[3, "switched_from"] == "mycophenolate"
    assert p["aqp4_titer"].dtype == "int64" and p["edss_last"].dtype == "float64" and p["died"].dtype == "bool"
    assert p.loc[1, "switched_from"] is None and pd.isna(p.loc[7, "tacrolimus_dose_mg_per_day"])


def test_the_mg_extract_holds_only_the_mg_tables():
    extract = read_extract(VALID / "mg-small")
    assert extract.studies == ("mg",)
    assert len(extract.tables["mg_patients"]) == 6 and set(extract.tables["biomarkers"]["group"]) == {"patient", "control"}


def test_a_parquet_extract_reads_the_same_as_its_csv_original():
    csv, parquet = read_extract(VALID / "nmosd-small"), read_extract(VALID / "nmosd-parquet")
    assert {n: p.suffix for n, p in parquet.files.items()} == dict.fromkeys(csv.tables, ".parquet")
    for name, df in csv.tables.items():
        pd.testing.assert_frame_equal(parquet.tables[name], df)


def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_utf8_bom_blank_lines_and_any_case_of_true_are_accepted(tmp_path):
    write(tmp_path, "patients.csv", "\ufeff" + NMOSD_HEADER + "\n\n" + T01.replace(",true,32", ",TRUE,32") + "\n\n")
    p = read_extract(tmp_path).tables["patients"]
    assert len(p) == 1 and bool(p.loc[1, "aqp4_igg_positive"]) is True


def test_a_header_only_file_is_an_empty_table(tmp_path):
    write(tmp_path, "adverse_events.csv", "patient_id,event,severe\n")
    assert read_extract(tmp_path).tables["adverse_events"].empty


def test_other_files_in_the_folder_are_ignored(tmp_path):
    write(tmp_path, "adverse_events.csv", "patient_id,event,severe\nT01,rash,false\n")
    write(tmp_path, "notes.txt", "not a table")
    assert set(read_extract(tmp_path).tables) == {"adverse_events"}


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("adverse_events.csv", "patient_id,event,severe\nT01,rash,maybe\n", "row 1, column 'severe': 'maybe' is not true or false"),
        ("adverse_events.csv", "patient_id,event,severe\nT01,rash\n",
         "row 1: 2 values, but the header names 3 columns (quote values that contain commas)"),
        ("adverse_events.csv", "patient_id,event,event,severe\n", "column 'event' appears 2 times in the header"),
        ("mg_patients.csv", ",".join(COLUMNS["mg_patients"]) + "\nM01,34,3.5,10.5,6,11,4,5,2,12,7,30,10,improved\n",
         "row 1, column 'qmg_baseline': '10.5' is not a whole number"),
        ("attacks.csv", "patient_id,months_from_drug_start,is_onset_attack\nT01,inf,true\n",
         "row 1, column 'months_from_drug_start': 'inf' is not a number (write digits, e.g. 31 or 31.5)"),
    ],
    ids=["not-a-bool", "ragged-row", "duplicate-header", "not-whole", "infinite"],
)
def test_a_bad_value_is_named_by_row_and_column(tmp_path, name, text, problem):
    path = write(tmp_path, name, text)
    with pytest.raises(ExtractError) as excinfo:
        read_extract(tmp_path)
    assert str(excinfo.value) == f"{path}: {problem}"


def test_a_parquet_column_of_the_wrong_type_is_named(tmp_path):
    path = tmp_path / "attacks.parquet"
    pd.DataFrame({"patient_id": ["T01"], "months_from_drug_start": ["-3"], "is_onset_attack": [True]}).to_parquet(path)
    with pytest.raises(ExtractError) as excinfo:
        read_extract(tmp_path)
    assert str(excinfo.value) == f"{path}: column 'months_from_drug_start': Parquet type string, expected number (see docs/extract-format.md)"


def test_a_parquet_whole_number_id_is_read_as_text(tmp_path):
    pd.DataFrame({"patient_id": [7], "event": ["rash"], "severe": [False]}).to_parquet(tmp_path / "adverse_events.parquet")
    assert read_extract(tmp_path).tables["adverse_events"].loc[1, "patient_id"] == "7"


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p / "nothing", "no such extract folder (give the folder that holds the extract's CSV or Parquet files)"),
        (lambda p: write(p, "patients.txt", "x"), "not a folder (give the folder that holds the extract's CSV or Parquet files)"),
        (lambda p: write(p / "x", "notes.txt", "x").parent,
         "no known table (expected some of patients.csv, attacks.csv, adverse_events.csv, mg_patients.csv, biomarkers.csv, "
         "or .parquet) (see docs/extract-format.md)"),
    ],
    ids=["missing-folder", "a-file", "no-known-table"],
)
def test_a_folder_without_an_extract_is_one_line(tmp_path, make, problem):
    folder = make(tmp_path)
    with pytest.raises(ExtractError) as excinfo:
        read_extract(folder)
    assert str(excinfo.value) == f"{folder}: {problem}"
