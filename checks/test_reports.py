"""Each report renders the same Result list: Markdown, JUnit XML, HTML, JSON; written atomically.

The results come from auditing one small claim file (7 claims: 3 consistent, a finding, an
unexpected inconsistency, 2 not_checkable), so every renderer sees every kind of outcome.
"""

from __future__ import annotations

import json
import re
import textwrap
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claimaudit import audit, load_claims
from claimaudit.cli import main
from claimaudit.report import figures, html, junit, markdown
from claimaudit.report.files import REPORTS, sources_of, write_reports

FIXTURES = Path(__file__).parent / "fixtures"

SOURCE = """Female sex, No. (%) 23 (92). The cohort consisted of 32 patients. Mean age at disease onset was 37.8 years.
Roughly 33% of the patients achieved minimal manifestation status after the year of treatment, and another 16 were
improved. Tacrolimus could reduce the relapse rate by 86.2%. Mean ARR 2.9 0.4 86.2 <0.001. Relapse-free, No. (%) 24 (92).
AQP4-IgG exists in approximately 70% | of cases. Survival differed between the titer groups (P = 0.028 by log-rank test).
"""

CLAIMS = textwrap.indent(textwrap.dedent("""
    - id: female
      where: Table 1
      quote: "Female sex, No. (%) 23 (92)"
      kind: percent_of_count
      reported: {count: "23", n: "25", percent: "92"}
    - id: cohort-n
      where: Paragraph 5
      quote: "cohort consisted of 32 patients"
      kind: grim
      reported: {mean: "37.8", n: "32"}
      params: {step: "1"}
    - id: mm-percent
      where: Paragraph 6
      quote: "Roughly 33% of the patients achieved minimal manifestation status"
      kind: percent_of_count
      reported: {percent: "33%", n: "32"}
      expect: inconsistent
      reason: No whole number of 32 patients gives 33%.
    - id: arr-reduction
      where: Abstract
      quote: "could reduce the relapse rate by 86.2%"
      kind: percent_change
      reported: {before: "2.9", after: "0.4", change: "86.2%"}
    - id: relapse-free
      where: Table 3
      quote: "Relapse-free, No. (%) 24 (92)"
      kind: percent_of_count
      reported: {count: "24", n: "25", percent: "92"}
    - id: aqp4-prevalence
      where: Introduction
      quote: "approximately 70% | of cases"
      kind: not_checkable
      reported: {percent: "70%"}
      reason: Cited from the literature | no denominator here.
    - id: logrank-p
      where: Results
      quote: "(P = 0.028 by log-rank test)"
      kind: data_only
      reported: {p: "0.028"}
      data: {metric: logrank, cohort: tacrolimus, by: titer}
"""), "  ")

IDS = ["female", "cohort-n", "mm-percent", "arr-reduction", "relapse-free", "aqp4-prevalence", "logrank-p"]


@pytest.fixture
def claim_file(tmp_path: Path) -> Path:
    (tmp_path / "source.txt").write_text(SOURCE, "utf-8")
    path = tmp_path / "paper.yaml"
    path.write_text("source:\n  id: paper\n  title: A small paper\n  text: source.txt\nclaims:\n" + CLAIMS, "utf-8")
    return path


@pytest.fixture
def results_and_sources(claim_file):
    claims = load_claims(claim_file)
    return audit(claims), sources_of(claims)


def test_the_small_catalogue_has_every_kind_of_outcome(results_and_sources):
    results, _ = results_and_sources
    assert [(r.claim, r.verdict.value, r.meets_expectation) for r in results] == [
        ("female", "consistent", True), ("cohort-n", "consistent", True), ("mm-percent", "inconsistent", True),
        ("arr-reduction", "consistent", True), ("relapse-free", "inconsistent", False),
        ("aqp4-prevalence", "not_checkable", True), ("logrank-p", "not_checkable", True),
    ]


# Markdown -------------------------------------------------------------------------------------

def _table_rows(md: str) -> list[list[str]]:
    rows = [line for line in md.splitlines() if line.startswith("| `")]
    return [re.split(r"(?<!\\)\|", row)[1:-1] for row in rows]


def test_the_markdown_table_has_one_row_of_six_cells_per_claim(results_and_sources):
    rows = _table_rows(markdown.render(*results_and_sources))
    assert [r[0].strip() for r in rows] == [f"`{i}`" for i in IDS]
    assert {len(r) for r in rows} == {6}


def test_the_markdown_summary_counts_verdicts_per_source_and_escapes_pipes(results_and_sources):
    md = markdown.render(*results_and_sources)
    assert "7 claims (3 consistent, 2 inconsistent, 2 not_checkable); 1 documented finding(s); 1 verdict(s) miss their expectation." in md
    assert "| paper | 7 | 3 | 2 | 0 | 2 | 1 | 1 |" in md
    assert "Cited from the literature \\| no denominator here." in md
    row = dict(zip(IDS, _table_rows(md), strict=True))
    assert row["relapse-free"][4].strip() == "**inconsistent** ⚠ expected consistent or not_checkable"
    assert row["mm-percent"][4].strip() == "**inconsistent** (finding)"


# JSON -----------------------------------------------------------------------------------------

def test_audit_json_is_exactly_what_audit_format_json_prints(claim_file, tmp_path, capsys):
    assert main(["audit", str(claim_file), "--format", "json"]) == 1
    printed = capsys.readouterr().out
    assert main(["report", str(claim_file), "--output", str(tmp_path / "out"), "--quiet"]) == 1
    assert (tmp_path / "out" / "audit.json").read_text("utf-8") == printed
    results = json.loads(printed)["results"]
    assert [r["claim"] for r in results if r["basis"] == "reported"] == IDS
    assert [(r["claim"], r["basis"]) for r in results if r["basis"] != "reported"] == [("logrank-p", "reconstruction")]


# JUnit XML ------------------------------------------------------------------------------------

def _xsd_rules(path: Path) -> dict:
    """Element → (attributes with their pattern or None, required attributes, allowed children, text allowed)."""
    xs = "{http://www.w3.org/2001/XMLSchema}"
    schema = ET.parse(path).getroot()
    patterns = {t.get("name"): t.find(f".//{xs}pattern").get("value") for t in schema.findall(f"{xs}simpleType")}
    rules = {}
    for el in schema.findall(f"{xs}element"):
        ct = el.find(f"{xs}complexType")
        if ct is None:  # a simple element: text only
            rules[el.get("name")] = ({}, set(), set(), True)
            continue
        attrs = {a.get("name"): patterns.get(a.get("type")) for a in ct.iter(f"{xs}attribute")}
        required = {a.get("name") for a in ct.iter(f"{xs}attribute") if a.get("use") == "required"}
        children = {e.get("ref") for e in ct.iter(f"{xs}element")}
        rules[el.get("name")] = (attrs, required, children, ct.get("mixed") == "true")
    return rules


def _validate(el: ET.Element, rules: dict, where: str = "") -> None:
    where = f"{where}/{el.tag}"
    assert el.tag in rules, f"{where}: element not in the schema"
    attrs, required, children, text = rules[el.tag]
    assert set(el.attrib) <= set(attrs), f"{where}: attributes {set(el.attrib) - set(attrs)} not in the schema"
    assert required <= set(el.attrib), f"{where}: missing {required - set(el.attrib)}"
    for name, pattern in attrs.items():
        if pattern and name in el.attrib:
            assert re.fullmatch(pattern, el.attrib[name]), f"{where}@{name}={el.attrib[name]!r}"
    assert text or not (el.text or "").strip(), f"{where}: text not allowed"
    for child in el:
        assert child.tag in children, f"{where}: child {child.tag!r} not allowed"
        assert text or not (child.tail or "").strip(), f"{where}: text not allowed"
        _validate(child, rules, where)


def test_junit_is_valid_against_the_ci_schema_with_one_testcase_per_claim(results_and_sources):
    xml = junit.render(*results_and_sources)
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    _validate(root, _xsd_rules(FIXTURES / "junit-10.xsd"))
    [suite] = root.findall("testsuite")
    assert suite.attrib == {"name": "paper", "tests": "7", "failures": "1", "errors": "0", "skipped": "3", "time": "0"}
    assert [(c.get("classname"), c.get("name")) for c in suite.iter("testcase")] == [("paper", i) for i in IDS]
    try:
        from lxml import etree
    except ImportError:
        return
    assert etree.XMLSchema(etree.parse(str(FIXTURES / "junit-10.xsd"))).validate(etree.fromstring(xml.encode("utf-8")))


def test_junit_fails_only_the_unexpected_and_skips_findings_and_not_checkable(results_and_sources):
    root = ET.fromstring(junit.render(*results_and_sources).encode("utf-8"))
    case = {c.get("name"): c for c in root.iter("testcase")}
    outcome = {name: [child.tag for child in c if child.tag != "system-out"] for name, c in case.items()}
    assert outcome == {"female": [], "cohort-n": [], "mm-percent": ["skipped"], "arr-reduction": [],
                       "relapse-free": ["failure"], "aqp4-prevalence": ["skipped"], "logrank-p": ["skipped"]}
    assert case["mm-percent"].find("skipped").get("message") == "finding: No whole number of 32 patients gives 33%."
    failure = case["relapse-free"].find("failure")
    assert failure.text.splitlines()[:3] == [
        "verdict inconsistent, expected consistent or not_checkable",
        "relapse-free (paper, Table 3): inconsistent",
        '  quote:      "Relapse-free, No. (%) 24 (92)"',
    ]
    assert case["female"].find("system-out").text.startswith("female (paper, Table 1): consistent")


# HTML -----------------------------------------------------------------------------------------

class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.claims, self.links, self.marks, self._in_mark = [], [], [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "claim" in (a.get("class") or "").split():
            self.claims.append(a)
        self.links += [v for k, v in attrs if k in ("src", "href", "xlink:href", "action", "poster", "srcset") and v is not None]
        self._in_mark = tag == "mark"

    def handle_data(self, data):
        if self._in_mark:
            self.marks.append(data)
            self._in_mark = False


def _page(text: str) -> _Page:
    p = _Page()
    p.feed(text)
    return p


def test_the_html_has_one_claim_row_per_claim_with_verdict_and_source(results_and_sources):
    page = _page(html.render(*results_and_sources))
    assert sorted(c["id"] for c in page.claims) == sorted(f"paper--{i}" for i in IDS)
    assert {c["data-source"] for c in page.claims} == {"paper"}
    verdicts = [c["data-verdict"] for c in page.claims]
    assert verdicts == ["inconsistent", "inconsistent", "consistent", "consistent", "consistent", "not_checkable", "not_checkable"]
    assert page.claims[0]["id"] == "paper--relapse-free"  # the unexpected one leads


def test_the_html_makes_no_request_to_another_host(results_and_sources):
    text = html.render(*results_and_sources)
    page = _page(text)
    assert page.links and all(link.startswith(("data:", "#")) for link in page.links), page.links
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", text)
    outside_svg_namespace = text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"https?://", outside_svg_namespace)


def test_the_html_highlights_the_quote_inside_its_sentence(results_and_sources):
    text = html.render(*results_and_sources)
    assert ('<blockquote class="context"><mark>Roughly 33% of the patients achieved minimal manifestation status</mark> '
            "after the year of treatment, and another 16 were improved.</blockquote>") in text
    assert "Tacrolimus <mark>could reduce the relapse rate by 86.2%</mark>.</blockquote>" in text


@pytest.mark.parametrize(("quote", "found"), [
    ("neuromyelitis optica spectrum disorder", "neuromyelitis optica \nspectrum disorder"),
    ("central nervous system", "central nerv-\nous system"),
    ("AQP4-IgG titers", "AQP4-\nIgG titers"),
])
def test_a_quote_is_found_across_line_breaks_and_hyphenated_breaks(quote, found):
    text = f"Before. In the {found} we looked. After."
    start, end = html.find_quote(quote, text)
    assert text[start:end] == found
    before, shown, after = html.quote_in_context(quote, text)
    assert (before, after) == ("In the ", " we looked.")
    assert shown == quote


def test_roughly_33_percent_of_32_is_unreachable_in_the_grim_plot(results_and_sources):
    results, sources = results_and_sources
    by_id = {r.claim: r for r in results}
    svg = figures.claim_plot([by_id["mm-percent"]], sources["paper"])
    assert 'class="dot unreachable"' in svg and 'class="dot reachable"' not in svg
    assert "unreachable: no k/32 prints as 33%" in svg
    red = re.findall(r'class="dot unreachable"[^>]*><title>([^<]*)</title>', svg)
    assert sorted(red) == ["10/32 = 31.25%", "11/32 = 34.38%"]
    reachable = figures.claim_plot([by_id["female"]], sources["paper"])
    assert 'class="dot reachable"' in reachable and "23/25 print as 92" in reachable


def test_the_change_plot_shows_the_printed_change_inside_the_recomputed_interval(results_and_sources):
    results, sources = results_and_sources
    svg = figures.claim_plot([{r.claim: r for r in results}["arr-reduction"]], sources["paper"])
    assert svg.count('class="interval"') == 2
    assert "<title>recomputed ∈ [84.211, 88.136)</title>" in svg and "<title>printed 86.2% ∈ [86.15, 86.25]</title>" in svg


def test_the_forest_plot_has_one_row_per_hazard_ratio(write_claim_file):
    text = "HR 5.665 (1.012–31.705), P = 0.048. HR 0.987 (0.936–1.041), P = 0.632."
    path = write_claim_file("""
        - id: titer-hr
          where: Table 4
          quote: "HR 5.665 (1.012–31.705), P = 0.048"
          kind: hr_triad
          reported: {hr: "5.665", ci_low: "1.012", ci_high: "31.705", p: "0.048"}
        - id: age-hr
          where: Table 4
          quote: "HR 0.987 (0.936–1.041), P = 0.632"
          kind: hr_triad
          reported: {hr: "0.987", ci_low: "0.936", ci_high: "1.041", p: "0.632"}
    """, text)
    claims = load_claims(path)
    try:
        results = audit(claims)
    except NotImplementedError:
        pytest.skip("hr_triad is being implemented")
    page = html.render(results, sources_of(claims))
    forest = page[page.index('<svg class="plot forest"'):]
    assert forest.count('<g class="forest-row"') == 2
    assert "hazard ratio (log scale)" in forest and "<title>HR 5.665 (1.012–31.705)</title>" in forest


def test_without_patient_level_data_the_report_says_kaplan_meier_curves_need_it(results_and_sources):
    assert ("Kaplan-Meier curves need patient-level data (extract or reconstruction); claims: logrank-p."
            in html.render(*results_and_sources))


# Writing --------------------------------------------------------------------------------------

def test_report_writes_the_four_files_and_prints_their_paths(claim_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", str(claim_file), "--output", str(out)]) == 1
    assert capsys.readouterr().out.splitlines() == [str(out / name) for name in REPORTS]
    assert sorted(p.name for p in out.iterdir()) == sorted(REPORTS)


def test_report_exits_2_on_bad_input_and_writes_nothing(tmp_path, capsys):
    assert main(["report", str(tmp_path / "missing.yaml"), "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"claimaudit: {tmp_path / 'missing.yaml'}: no such claim file or folder\n"
    assert not (tmp_path / "out").exists()


def test_report_exits_2_when_the_output_folder_is_a_file(claim_file, tmp_path, capsys):
    (tmp_path / "taken").write_text("x", "utf-8")
    assert main(["report", str(claim_file), "--output", str(tmp_path / "taken")]) == 2
    assert capsys.readouterr().err == f"claimaudit: {tmp_path / 'taken'}: the output folder is a file (give a folder with --output)\n"


def test_a_failing_renderer_leaves_every_old_report_unchanged(results_and_sources, tmp_path, monkeypatch):
    results, sources = results_and_sources
    out = tmp_path / "reports"
    out.mkdir()
    for name in REPORTS:
        (out / name).write_text(f"old {name}", "utf-8")

    def broken(results, sources=None):
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(junit, "render", broken)
    with pytest.raises(RuntimeError, match="renderer broke"):
        write_reports(results, sources, out)
    assert {p.name: p.read_text("utf-8") for p in out.iterdir()} == {name: f"old {name}" for name in REPORTS}


def test_write_atomic_leaves_no_partial_file_when_the_write_fails(tmp_path, monkeypatch):
    import os

    from claimaudit._atomic import write_atomic

    target = tmp_path / "sub" / "audit.md"
    assert write_atomic(target, "first") == target and target.read_text("utf-8") == "first"
    write_atomic(target, b"\x00second")
    assert target.read_bytes() == b"\x00second"

    def no_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, "third")
    assert target.read_bytes() == b"\x00second" and [p.name for p in target.parent.iterdir()] == ["audit.md"]


# Progress, plugin -----------------------------------------------------------------------------

def test_the_progress_bar_is_silent_off_a_terminal_and_with_quiet(capsys):
    import io

    from rich.console import Console

    from claimaudit.report.progress import progress

    assert list(progress(range(3), 3, "auditing", quiet=False)) == [0, 1, 2]
    assert capsys.readouterr().out == ""
    terminal = Console(file=io.StringIO(), force_terminal=True, width=60)
    assert list(progress(range(3), 3, "auditing", quiet=True, console=terminal)) == [0, 1, 2]
    assert terminal.file.getvalue() == ""
    assert list(progress(range(3), 3, "auditing", console=terminal)) == [0, 1, 2]
    assert "auditing" in terminal.file.getvalue()


def test_pytest_claims_report_writes_the_reports_from_the_items_results(pytester: pytest.Pytester, capsys):
    pytester.makeconftest('pytest_plugins = ["claimaudit.pytest_plugin"]')
    (pytester.path / "claims").mkdir()
    (pytester.path / "claims" / "source.txt").write_text(SOURCE, "utf-8")
    (pytester.path / "claims" / "paper.yaml").write_text(
        "source:\n  id: paper\n  text: source.txt\nclaims:\n" + CLAIMS, "utf-8")
    result = pytester.runpytest("claims", "--claims-report", "out")
    result.assert_outcomes(passed=5, failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["*claimaudit reports written*", "*out/audit.html*"])
    assert sorted(p.name for p in (pytester.path / "out").iterdir()) == sorted(REPORTS)
    capsys.readouterr()
    assert main(["audit", "claims", "--format", "json"]) == 1
    assert (pytester.path / "out" / "audit.json").read_text("utf-8") == capsys.readouterr().out


def test_pytest_claims_report_writes_nothing_when_a_claim_file_is_bad(pytester: pytest.Pytester):
    pytester.makeconftest('pytest_plugins = ["claimaudit.pytest_plugin"]')
    (pytester.path / "claims").mkdir()
    (pytester.path / "claims" / "paper.yaml").write_text("source:\n  id: paper\n  text: missing.txt\nclaims: []\n", "utf-8")
    result = pytester.runpytest("claims", "--claims-report", "out")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert not (pytester.path / "out").exists()
