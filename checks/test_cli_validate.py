"""``claimaudit validate``: exit 0 when the extract meets the contract, 1 on a violation, 2 when it cannot be read;
the table and JSON renderings; ``--export-suite``; no write into the extract; great_expectations stays unimported
by ``claimaudit audit``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimaudit.cli import main
from kit import digest

ROOT = Path(__file__).resolve().parent.parent
NMOSD = ROOT / "fixtures" / "extracts" / "valid" / "nmosd-small"
ORPHAN = ROOT / "fixtures" / "extracts" / "broken" / "orphan-attack"




def test_exit_0_and_one_summary_line_when_the_extract_meets_the_contract(capsys, tmp_path):
    before = digest(NMOSD)
    suite = tmp_path / "out" / "contract.json"
    assert main(["validate", str(NMOSD), "--export-suite", str(suite)]) == 0
    out = capsys.readouterr().out
    assert " ".join(out.split()) == f"{NMOSD}: 3 files, 50 rows; meets the contract (80 rules checked)"
    doc = json.loads(suite.read_text("utf-8"))
    assert [s["name"] for s in doc["suites"]] == ["claimaudit.patients", "claimaudit.attacks", "claimaudit.adverse_events",
                                                  "claimaudit.extract"]
    assert [p.name for p in suite.parent.iterdir()] == ["contract.json"]  # no temporary file left behind
    assert digest(NMOSD) == before


def test_exit_1_and_a_table_naming_file_column_rows_and_sample(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # rich's width when stdout is not a terminal; wide enough not to wrap a cell
    assert main(["validate", str(ORPHAN)]) == 1
    out = " ".join(capsys.readouterr().out.split())
    for fragment in ("contract violations", "attacks.csv", "patient_id", "every attack belongs to a patient in patients",
                     "row 34: 'T99'", "1 of 80 rules broken"):
        assert fragment in out


def test_json_lists_each_violation_with_its_sample_rows(capsys):
    assert main(["validate", str(ORPHAN), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert (doc["meets_contract"], doc["studies"], doc["rules_checked"]) == (False, ["nmosd"], 80)
    assert doc["violations"] == [{
        "file": "attacks.csv", "table": "attacks", "column": "patient_id",
        "rule": "every attack belongs to a patient in patients", "gx_type": "expect_column_values_to_be_in_set",
        "failing_rows": 1, "observed": None, "sample": [{"row": 34, "values": {"patient_id": "T99"}}],
    }]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fixtures/extracts/broken/bad-encoding"],
         "fixtures/extracts/broken/bad-encoding/adverse_events.csv: row 4, column 'event': not UTF-8 (byte 0xe9) "
         "(save the file as UTF-8, e.g. Excel 'CSV UTF-8' or iconv -f latin1 -t utf-8)"),
        (["fixtures/extracts/nothing"],
         "fixtures/extracts/nothing: no such extract folder (give the folder that holds the extract's CSV or Parquet files)"),
        ([str(NMOSD.relative_to(ROOT)), "--export-suite", str(NMOSD.relative_to(ROOT) / "suite.json")],
         "fixtures/extracts/valid/nmosd-small/suite.json: will not write into the extract (write the suite elsewhere)"),
    ],
    ids=["unreadable", "missing-folder", "suite-into-the-extract"],
)
def test_exit_2_and_one_line_without_traceback(capsys, monkeypatch, argv, message):
    monkeypatch.chdir(ROOT)
    assert main(["validate", *argv]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"claimaudit: {message}\n")
    assert not (NMOSD / "suite.json").exists()


def test_help_explains_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "0 the extract meets the contract, 1 some rule is broken, 2 the extract cannot be read or bad usage" in out


def test_importing_the_cli_does_not_import_great_expectations():
    code = "import sys, claimaudit.cli, claimaudit.data, claimaudit.data.contract; print('great_expectations' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert proc.stdout.strip() == "False"
