"""The pytest plugin through pytester: node ids, failure text, strict findings, three displays."""

from __future__ import annotations

import textwrap

import pytest

from claimaudit.kinds import KINDS, KindSpec, load_all

SOURCE = "Female sex, No. (%) 23 (92). Patients, No. 25. 14 + 11 low and high. Roughly 33% of the patients."

GOOD = """
- id: female
  where: Table 1
  quote: "Female sex, No. (%) 23 (92)"
  kind: percent_of_count
  reported: {count: "23", n: "25", percent: "92"}
"""

WRONG = """
- id: female
  where: Table 1
  quote: "Female sex, No. (%) 23 (92)"
  kind: percent_of_count
  reported: {count: "24", n: "25", percent: "92"}
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


@pytest.fixture
def project(pytester: pytest.Pytester):
    """A project with the plugin loaded and one claim file (claims/paper.yaml)."""
    pytester.makeconftest('pytest_plugins = ["claimaudit.pytest_plugin"]')
    (pytester.path / "claims" / "sources").mkdir(parents=True)
    (pytester.path / "claims" / "sources" / "paper.txt").write_text(SOURCE, "utf-8")

    def write(claims: str) -> pytest.Pytester:
        head = "source:\n  id: paper\n  text: sources/paper.txt\nclaims:\n"
        (pytester.path / "claims" / "paper.yaml").write_text(head + textwrap.indent(claims.strip("\n"), "  ") + "\n", "utf-8")
        return pytester

    return write


def test_each_claim_is_an_item_named_file_and_id(project):
    result = project(GOOD).runpytest("claims", "-v")
    result.stdout.fnmatch_lines(["claims/paper.yaml::female PASSED*"])
    assert result.ret == 0


def test_a_claim_that_does_not_add_up_fails_with_quote_printed_recomputed_and_why(project):
    result = project(WRONG).runpytest("claims")
    result.stdout.fnmatch_lines([
        "verdict inconsistent, expected consistent or not_checkable",
        "female (paper, Table 1): inconsistent",
        '  quote:      "Female sex, No. (%) 23 (92)"',
        "  printed:    count = 24, n = 25, percent = 92",
        "  recomputed: percent ∈ 96",
        "  off by:     8.0 half-units of the last printed digit",
        "*100·24/25 ∈ 96, but printed 92 stands for ?91.5, 92.5?*",
        "      would match under: a different denominator: 24/26",
        "      would match under: a different count: 23/25",
    ])
    assert "Traceback" not in result.stdout.str() and "runtest" not in result.stdout.str()
    assert result.ret == 1


def test_a_declared_finding_is_a_strict_xfail(project):
    result = project(FINDING).runpytest("claims", "-rx")
    result.stdout.fnmatch_lines(["*XFAIL*mm*finding: no whole number of 32 patients rounds to 33%*"])
    assert result.ret == 0


def test_a_finding_that_disappears_turns_the_run_red(project):
    vanished = FINDING.replace('reported: {percent: "33", n: "32"}', 'reported: {percent: "34", n: "32"}').replace(
        "Roughly 33%", "Roughly 33%")
    result = project(vanished).runpytest("claims")
    result.stdout.fnmatch_lines(["*XPASS(strict)*"])
    assert result.ret == 1


def test_a_bad_claim_file_is_a_one_line_collection_error(project):
    result = project(GOOD.replace('"23"', "23")).runpytest("claims")
    result.stdout.fnmatch_lines([
        "claims/paper.yaml:9: claim 'female', field 'reported.count': 23 is a YAML number, not a printed value*",
    ])
    assert "Traceback" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_a_bug_in_claimaudit_keeps_its_traceback(project, monkeypatch):
    def broken(claim, values):
        raise ZeroDivisionError("a bug in a kind")

    spec = load_all()["percent_of_count"]
    monkeypatch.setitem(KINDS, "percent_of_count", KindSpec(**{**spec.__dict__, "func": broken}))
    result = project(GOOD).runpytest_inprocess("claims")
    result.stdout.fnmatch_lines(["*def broken(claim, values):*", "*ZeroDivisionError: a bug in a kind*"])
    assert result.ret == 1


def test_reportinfo_points_at_the_claims_line(project):
    items, _ = project(GOOD).inline_genitems("claims")
    path, line, description = items[0].reportinfo()
    assert (line, description) == (4, "paper::female [percent_of_count]")


def test_only_files_matching_the_claims_glob_are_collected(project, pytester):
    project(GOOD)
    (pytester.path / "other.yaml").write_text("not: claims\n", "utf-8")
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["claims/paper.yaml::female"])
    assert "other.yaml" not in result.stdout.str()
