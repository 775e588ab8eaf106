"""The command line: exit codes 0/1/2/3, JSON output, the default claims folder, both entry points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimaudit.cli import main
from claimaudit.kinds import KINDS, KindSpec, load_all

SOURCE = "Female sex, No. (%) 23 (92). Roughly 33% of the patients."
GOOD = """
- id: female
  where: Table 1
  quote: "Female sex, No. (%) 23 (92)"
  kind: percent_of_count
  reported: {count: "23", n: "25", percent: "92"}
"""
FINDING = """
- id: mm
  where: Results
  quote: "Roughly 33% of the patients"
  kind: percent_of_count
  reported: {percent: "33", n: "32"}
  expect: inconsistent
  reason: no whole number of 32 patients rounds to 33%
"""




def test_exit_0_when_every_verdict_meets_its_expectation(claims_dir, capsys):
    claims_dir(GOOD + FINDING)
    assert main(["audit"]) == 0
    out = capsys.readouterr().out
    assert "2 claims (1 consistent, 1 inconsistent); 1 documented finding(s); all verdicts meet their expectations" in " ".join(out.split())


def test_exit_1_when_a_verdict_misses_its_expectation(claims_dir, capsys):
    claims_dir(GOOD.replace('count: "23"', 'count: "24"'))
    assert main(["audit"]) == 1
    assert "1 verdict(s) miss their expectation" in " ".join(capsys.readouterr().out.split())


def test_exit_2_and_one_line_for_a_bad_claim_file(claims_dir, capsys):
    claims_dir(GOOD.replace('"23"', "23"))
    assert main(["audit"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "claimaudit: claims/paper.yaml:9: claim 'female', field 'reported.count': 23 is a YAML number, not a printed value "
        '(write printed values in quotes, e.g. "0.50": unquoted YAML numbers lose trailing zeros)\n'
    )


def test_exit_2_for_a_missing_claim_file(claims_dir, capsys):
    assert main(["audit", "claims/nothing.yaml"]) == 2
    assert capsys.readouterr().err == "claimaudit: claims/nothing.yaml: no such claim file or folder\n"


def test_exit_2_for_a_usage_error(capsys):
    with pytest.raises(SystemExit) as excinfo:
        main(["audit", "--format", "xml"])
    assert excinfo.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_exit_3_and_a_traceback_for_a_bug(claims_dir, capsys, monkeypatch):
    def broken(claim, values):
        raise ZeroDivisionError("a bug in a kind")

    spec = load_all()["percent_of_count"]
    monkeypatch.setitem(KINDS, "percent_of_count", KindSpec(**{**spec.__dict__, "func": broken}))
    claims_dir(GOOD)
    assert main(["audit"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError: a bug in a kind" in err and "internal error" in err


def test_json_has_one_result_per_claim_with_the_documented_fields(claims_dir, capsys):
    claims_dir(GOOD + FINDING)
    assert main(["audit", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [r["claim"] for r in doc["results"]] == ["female", "mm"]
    first = doc["results"][0]
    assert {"claim", "source", "verdict", "expected", "reported", "recomputed", "basis", "explanation"} <= set(first)
    assert (first["source"], first["verdict"], first["expected"], first["basis"]) == ("paper", "consistent", None, "reported")
    assert first["reported"] == {"count": "23", "n": "25", "percent": "92"}
    assert doc["results"][1]["expected"] == "inconsistent" and doc["results"][1]["verdict"] == "inconsistent"


def test_json_output_is_deterministic(claims_dir, capsys):
    claims_dir(GOOD + FINDING)
    main(["audit", "--format", "json"])
    first = capsys.readouterr().out
    main(["audit", "--format", "json"])
    assert capsys.readouterr().out == first


def test_named_files_are_audited_instead_of_the_folder(claims_dir, capsys):
    claims_dir(GOOD)
    claims_dir(GOOD.replace('count: "23"', 'count: "24"'), name="broken.yaml")
    assert main(["audit", "claims/paper.yaml"]) == 0


def test_help_explains_verdicts_and_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "not_checkable (nothing printed can decide it)" in out


@pytest.mark.parametrize("command", [["claimaudit"], [sys.executable, "-m", "claimaudit"]], ids=["script", "module"])
def test_both_entry_points_run_the_audit(claims_dir, command):
    claims_dir(GOOD)
    exe = Path(sys.executable).parent / "claimaudit" if command == ["claimaudit"] else None
    argv = [str(exe)] if exe else command
    proc = subprocess.run([*argv, "audit", "--format", "json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"][0]["claim"] == "female"
