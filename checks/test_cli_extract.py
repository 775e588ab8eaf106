"""``--extract DIR`` on ``claimaudit audit``, ``claimaudit report`` and ``pytest``: contract first, then each claim twice.

A broken extract stops with the number of broken rules and the ``claimaudit validate`` hint (exit 1; in
pytest a usage error); a folder that is not there is one line, exit 2. Results from the extract carry
basis "extract", next to the claim's result from the printed numbers. Without ``--extract`` the data are
the reconstruction (not_checkable until one exists), and great_expectations is never imported.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from claimaudit.cli import main

ROOT = Path(__file__).resolve().parent.parent
NMOSD = ROOT / "fixtures" / "extracts" / "valid" / "nmosd-small"
ORPHAN = ROOT / "fixtures" / "extracts" / "broken" / "orphan-attack"
CHEN = ROOT / "claims" / "chen2017.yaml"
BROKEN = (f"claimaudit: {ORPHAN}: the extract breaks 1 rule of the data contract; "
          f"run 'claimaudit validate {ORPHAN}' to see them\n")

SOURCE = "Female sex, No. (%) 5 (83). Seven patients (28%) relapsed."
CLAIMS = """
- id: female
  where: Table 1
  quote: "Female sex, No. (%) 5 (83)"
  kind: percent_of_count
  reported: {count: "5", n: "6", percent: "83"}
  data: {metric: proportion, cohort: tacrolimus, variable: sex == 'female'}
- id: relapsed
  where: Results
  quote: "Seven patients (28%) relapsed"
  kind: percent_of_count
  reported: {count: "Seven", n: "25", percent: "28%"}
  data: {metric: proportion, cohort: tacrolimus, variable: relapsed}
"""


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def chen_json():
    """``claimaudit audit claims/chen2017.yaml --extract nmosd-small --format json``, run once (GX takes ~3 s)."""
    code, out, err = run(["audit", str(CHEN), "--extract", str(NMOSD), "--format", "json"])
    return code, json.loads(out), err


def test_a_broken_extract_stops_before_any_claim_with_exit_1(capsys):
    assert main(["audit", str(CHEN), "--extract", str(ORPHAN)]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", BROKEN)


def test_a_missing_extract_folder_is_one_line_and_exit_2(capsys, tmp_path):
    assert main(["audit", str(CHEN), "--extract", str(tmp_path / "nope")]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"claimaudit: {tmp_path / 'nope'}: no such extract folder "
                            "(give the folder that holds the extract's CSV or Parquet files)\n")
    assert captured.out == ""


def test_json_holds_both_results_of_each_claim_with_its_basis(chen_json):
    code, doc, err = chen_json
    assert (code, err) == (1, "")  # the small extract does not reproduce the paper
    results = doc["results"]
    reported = [r for r in results if r["basis"] == "reported"]
    extract = [r for r in results if r["basis"] == "extract"]
    assert len(reported) + len(extract) == len(results)
    assert doc["summary"]["claims"] == len(reported) and doc["summary"]["results"] == len(results)
    assert doc["summary"]["bases"] == {"extract": len(extract), "reported": len(reported)}
    # Each data-level result follows its claim's reported result.
    for before, after in zip(results, results[1:], strict=False):
        if after["basis"] == "extract":
            assert (before["claim"], before["basis"]) == (after["claim"], "reported")
    female = next(r for r in extract if r["claim"] == "table1-female")
    assert female["verdict"] == "inconsistent"
    assert female["recomputed"] == {"count": "5", "percent": "83.33% (5 of 6)"}
    shown = os.path.relpath(NMOSD) if Path(NMOSD).resolve().is_relative_to(Path.cwd().resolve()) else NMOSD  # as _origin shows it
    assert female["explanation"].startswith(f"extract {shown}: sex == \"female\" over tacrolimus; count: printed 23 (exact), recomputed 5")


def test_exit_code_considers_the_data_level_results(claims_dir, capsys):
    claims_dir(CLAIMS)
    # Printed: 5 of 6 = 83 % and 7 of 25 = 28 % both add up. Data: 5 of 6 tacrolimus patients are women (consistent),
    # but 3 of 6 relapsed (T01, T02, T05), not 7 of 25 (inconsistent): exit 1 from the data-level result alone.
    assert main(["audit", "--extract", str(NMOSD), "--format", "json"]) == 1
    results = json.loads(capsys.readouterr().out)["results"]
    assert [(r["claim"], r["basis"], r["verdict"]) for r in results] == [
        ("female", "reported", "consistent"), ("female", "extract", "consistent"),
        ("relapsed", "reported", "consistent"), ("relapsed", "extract", "inconsistent")]


def test_without_extract_the_data_results_wait_for_a_reconstruction(claims_dir, capsys):
    claims_dir(CLAIMS)
    assert main(["audit", "--format", "json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    data = [r for r in results if r["basis"] != "reported"]
    assert [(r["claim"], r["basis"], r["verdict"]) for r in data] == [
        ("female", "reconstruction", "not_checkable"), ("relapsed", "reconstruction", "not_checkable")]
    assert data[0]["explanation"] == "no reconstruction yet (fixtures/reconstructed/paper/ does not exist)"


def test_the_table_shows_the_basis_next_to_the_claim(claims_dir, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    claims_dir(CLAIMS)
    main(["audit", "--extract", str(NMOSD)])
    out = " ".join(capsys.readouterr().out.split())
    assert "paper::female (extract)" in out
    assert "2 claims, 4 results (2 extract, 2 reported) (3 consistent, 1 inconsistent)" in out
    assert "1 verdict(s) miss their expectation" in out


def test_report_writes_both_bases_and_stops_on_a_broken_extract(claims_dir, capsys, tmp_path):
    claims_dir(CLAIMS)
    out_dir = tmp_path / "reports"
    assert main(["report", "--extract", str(ORPHAN), "--output", str(out_dir), "--quiet"]) == 1
    assert capsys.readouterr().err == BROKEN.replace(" to see them\n", " to see them; no reports written\n")
    assert not out_dir.exists()
    assert main(["report", "--extract", str(NMOSD), "--output", str(out_dir), "--quiet"]) == 1
    doc = json.loads((out_dir / "audit.json").read_text("utf-8"))
    assert [r["basis"] for r in doc["results"]] == ["reported", "extract", "reported", "extract"]


def _imports_after_audit(cwd) -> str:
    code = ("import sys; from claimaudit.cli import main; rc = main(['audit', '--format', 'json']); "
            "print(rc, *(m in sys.modules for m in ('great_expectations', 'lifelines', 'pandas', 'scipy')), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60)
    return done.stderr.strip().splitlines()[-1]


def test_the_default_audit_on_the_reconstructions_imports_neither_great_expectations_nor_lifelines():
    # The reconstructions are validated by the test suite, not at audit time: GX (~3.5 s) stays out.
    rc, gx, lifelines, *_ = _imports_after_audit(ROOT).split()
    assert (rc, gx, lifelines) == ("0", "False", "False")


def test_the_data_free_audit_imports_neither_great_expectations_nor_pandas(tmp_path):
    shutil.copytree(ROOT / "claims", tmp_path / "claims")  # no fixtures/reconstructed/ here: printed numbers only
    assert _imports_after_audit(tmp_path) == "0 False False False False"


# pytest --extract ---------------------------------------------------------------------------------

@pytest.fixture
def project(pytester):
    """A pytester project with claims/paper.yaml and its source."""
    (pytester.path / "claims" / "sources").mkdir(parents=True)
    (pytester.path / "claims" / "sources" / "paper.txt").write_text(SOURCE, "utf-8")
    (pytester.path / "claims" / "paper.yaml").write_text(
        "source:\n  id: paper\n  text: sources/paper.txt\nclaims:\n" + textwrap.indent(CLAIMS.strip("\n"), "  ") + "\n", "utf-8")
    pytester.makeconftest('pytest_plugins = ["claimaudit.pytest_plugin"]')
    return pytester


def test_pytest_extract_runs_one_item_per_claim_and_shows_both_results(project):
    result = project.runpytest("claims", f"--extract={NMOSD}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "from data (extract): verdict inconsistent, expected consistent or not_checkable",
        "relapsed (paper, Results): inconsistent",
        "  printed:    count = Seven, n = 25, percent = 28%",
        "  recomputed: count ∈ 3; n ∈ 6; percent ∈ 50% (3 of 6)",
        "  basis:      extract",
        "  [count] inconsistent: count: printed Seven (exact), recomputed 3",
        "*",
        "verdict consistent, expected consistent or not_checkable",
        "relapsed (paper, Results): consistent",
        "  basis:      reported",
    ])
    result.stdout.fnmatch_lines(["FAILED claims/paper.yaml::relapsed - from data (extract): verdict incons*"])
    assert "Traceback" not in result.stdout.str()


def test_pytest_with_a_broken_extract_is_a_usage_error(project):
    result = project.runpytest("claims", f"--extract={ORPHAN}", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: --extract: {BROKEN.removeprefix('claimaudit: ').strip()}"])


def test_pytest_without_extract_passes_a_claim_whose_data_wait_for_a_reconstruction(project):
    result = project.runpytest("claims", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


