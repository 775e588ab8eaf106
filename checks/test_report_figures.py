"""The report's figures drawn from the data used, and a claim with two results kept as one row everywhere.

A small claim file (a Kaplan-Meier claim printing 0.82 / 0.53, two hazard ratios, a percent change
of ARR, EDSS before/after, two medians quoting one "from 10 to 6" sentence) is reported against
small extracts: ``titer_extract``, built here so that the curves are known by hand (low titer: 5
patients, a relapse at 6 months, S = 4/5; high titer: relapses at 2 and 4 months with a censoring
at 3, S = 4/5 · 2/3 = 0.5333), and the repository's ``fixtures/extracts/valid/nmosd-small``.
"""

from __future__ import annotations

import csv
import os
import pty
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

from claimaudit import audit, load_claims
from claimaudit.cli import main
from claimaudit.printed import parse_printed
from claimaudit.report import figures, html, junit, markdown
from claimaudit.report.files import sources_of
from claimaudit.report.survival_plots import kaplan_meier_svg

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "fixtures" / "extracts" / "valid" / "nmosd-small"

SOURCE = """The relapse-free proportion was 0.82 in the low titer group and 0.53 in the high titer group.
Titer HR 5.665 (1.012–31.705), P = 0.048. Age HR 0.987 (0.936–1.041), P = 0.632.
Mean ARR 2.9 0.4 86.2. EDSS scores 4.5 vs 2.3. QMG score decreased from 10 to 6.
"""

CLAIMS = """
  - id: km
    where: Results
    quote: "The relapse-free proportion was 0.82 in the low titer group and 0.53 in the high titer group"
    kind: data_only
    reported: {survival_low: "0.82", survival_high: "0.53"}
    data: {metric: kaplan_meier, cohort: tacrolimus, variable: time_to_first_relapse, by: aqp4_titer_group}
  - id: titer-hr
    where: Table 4
    quote: "Titer HR 5.665 (1.012–31.705), P = 0.048"
    kind: hr_triad
    reported: {hr: "5.665", ci_low: "1.012", ci_high: "31.705", p: "0.048"}
    data: {metric: cox, cohort: tacrolimus, variable: 'aqp4_titer_group == "high"', ties: breslow}
  - id: age-hr
    where: Table 4
    quote: "Age HR 0.987 (0.936–1.041), P = 0.632"
    kind: hr_triad
    reported: {hr: "0.987", ci_low: "0.936", ci_high: "1.041", p: "0.632"}
    data: {metric: cox, cohort: tacrolimus, variable: age_at_onset_years, ties: breslow}
  - id: mean-arr
    where: Table 2
    quote: "Mean ARR 2.9 0.4 86.2"
    kind: percent_change
    reported: {before: "2.9", after: "0.4", change: "86.2"}
    data: {metric: arr, cohort: tacrolimus, variable: arr_before -> arr_after}
  - id: edss
    where: Abstract
    quote: "EDSS scores 4.5 vs 2.3"
    kind: agreement
    reported: {before: "4.5", after: "2.3"}
    data: {metric: percent_change, cohort: tacrolimus, variable: edss_before -> edss_last}
  - id: qmg-baseline
    where: Results
    quote: "QMG score decreased from 10 to 6"
    kind: grim
    reported: {median: "10", n: "6"}
    params: {step: "1"}
    data: {metric: median, cohort: tacrolimus, variable: edss_before}
  - id: qmg-12-months
    where: Results
    quote: "QMG score decreased from 10 to 6"
    kind: grim
    reported: {median: "6", n: "6"}
    params: {step: "1"}
    data: {metric: median, cohort: tacrolimus, variable: edss_last}
"""
IDS = ["km", "titer-hr", "age-hr", "mean-arr", "edss", "qmg-baseline", "qmg-12-months"]
# (time, relapsed) per patient; low titer 1:16, high 1:128
TITER_GROUPS = {"L": (16, [(6, 1), (12, 0), (12, 0), (24, 0), (24, 0)]), "H": (128, [(2, 1), (3, 0), (4, 1), (20, 0), (24, 0)])}


@pytest.fixture(scope="module")
def claim_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("claims")
    (folder / "source.txt").write_text(SOURCE, "utf-8")
    path = folder / "survival.yaml"
    path.write_text("source:\n  id: survival\n  title: A small survival paper\n  text: source.txt\nclaims:" + CLAIMS, "utf-8")
    return path


def write_titer_extract(folder: Path) -> Path:
    """Ten tacrolimus patients with the times of TITER_GROUPS (nmosd-small's first patient as the template)."""
    folder.mkdir(parents=True)
    with open(SMALL / "patients.csv", encoding="utf-8") as f:
        template = next(csv.DictReader(f))
    patients, attacks = [], []
    for group, (titer, times) in TITER_GROUPS.items():
        for i, (t, relapsed) in enumerate(times, start=1):
            pid = f"{group}{i}"
            patients.append({**template, "patient_id": pid, "aqp4_titer": titer, "months_on_drug": 24 if relapsed else t,
                             "disease_months_before_drug": 12})
            attacks.append({"patient_id": pid, "months_from_drug_start": -12, "is_onset_attack": "true"})
            if relapsed:
                attacks.append({"patient_id": pid, "months_from_drug_start": t, "is_onset_attack": "false"})
    for name, rows in (("patients.csv", patients), ("attacks.csv", attacks)):
        with open(folder / name, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    (folder / "adverse_events.csv").write_text((SMALL / "adverse_events.csv").read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    return folder


@pytest.fixture
def titer_extract(tmp_path: Path) -> Path:
    return write_titer_extract(tmp_path / "extract")


def _report(claim_file: Path, out: Path, extract: Path | None = None, code: int = 1) -> str:
    """audit.html of ``claimaudit report``; exit 1 by default: the data miss the printed numbers."""
    args = ["report", str(claim_file), "--output", str(out), "--quiet"] + (["--extract", str(extract)] if extract else [])
    assert main(args) == code
    return unescape((out / "audit.html").read_text("utf-8"))


@pytest.fixture(scope="module")
def small_page(claim_file, tmp_path_factory) -> str:
    """audit.html of the claims against nmosd-small (the contract is checked once for the module)."""
    return _report(claim_file, tmp_path_factory.mktemp("out"), SMALL)


def _figure(page: str, cls: str) -> str:
    start = page.index(f'<svg class="plot {cls}"')
    return page[start:page.index("</svg>", start) + 6]


# Kaplan-Meier --------------------------------------------------------------------------------

def _km_y(s: float) -> float:
    """The y of survival s in kaplan_meier_svg (top 14, plot height 250 - 14 - 36)."""
    return 14 + 200 * (1 - s)


def test_kaplan_meier_curves_step_as_the_metric_and_mark_the_printed_intervals():
    from claimaudit.metrics.kaplan_meier import kaplan_meier

    low, high = ([6, 12, 12, 24, 24], [1, 0, 0, 0, 0]), ([2, 3, 4, 20, 24], [1, 0, 1, 0, 0])
    printed = {g: (t, parse_printed(t).interval) for g, t in (("low", "0.82"), ("high", "0.53"))}
    svg = kaplan_meier_svg({"low": low, "high": high}, printed)
    assert svg.count('class="km-step"') == 2 and svg.count('class="printed-mark"') == 2
    paths = dict(re.findall(r'class="km-step" data-group="(\w+)" data-end="[^"]*" d="([^"]*)"', svg))
    for group, data in (("low", low), ("high", high)):
        drops = [float(v) for v in re.findall(r"V([\d.]+)", paths[group])]
        assert drops == [pytest.approx(_km_y(s.survival), abs=0.051) for s in kaplan_meier(*data) if s.events]
    assert [float(v) for v in re.findall(r"V([\d.]+)", paths["high"])] == [pytest.approx(_km_y(0.8), abs=0.051),
                                                                           pytest.approx(_km_y(0.8 * 2 / 3), abs=0.051)]
    # one tick per censored time: low at 12 and 24, high at 3, 20 and 24
    assert re.findall(r"<title>(\d+) censored at (\d+)</title>", svg) == [("2", "12"), ("2", "24"), ("1", "3"), ("1", "20"), ("1", "24")]
    for group, lo, hi in (("low", 0.815, 0.825), ("high", 0.525, 0.535)):
        mark = re.search(rf'class="printed-mark" data-group="{group}" data-lo="([\d.]+)" data-hi="([\d.]+)" x="[\d.]+" '
                         rf'y="([\d.]+)" width="9" height="([\d.]+)"', svg)
        assert (float(mark[1]), float(mark[2])) == (lo, hi)
        top, height = float(mark[3]), float(mark[4])
        assert top == pytest.approx(_km_y(hi) - 1, abs=0.051) and height == pytest.approx(_km_y(lo) - _km_y(hi) + 2, abs=0.11)


def test_a_large_cohort_draws_a_small_curve():
    import numpy as np

    rng = np.random.default_rng(7)
    times, events = rng.uniform(0, 60, 20_000).round(3), rng.integers(0, 2, 20_000)
    svg = kaplan_meier_svg({"all": (times, events)})
    assert len(svg) < 50_000 and svg.count('class="censor"') <= 265  # at most one tick per pixel of the 264-pixel axis


def test_the_kaplan_meier_figure_is_drawn_from_the_extract_with_the_printed_marks(claim_file, titer_extract, tmp_path):
    page = _report(claim_file, tmp_path / "out", titer_extract)
    assert html.KM_MISSING not in page
    figure = page[page.index('<figure class="km-wrap" id="km-survival--km">'):]
    figure = figure[:figure.index("</figure>")]
    assert dict(re.findall(r'class="km-step" data-group="(\w+)" data-end="([^"]*)"', figure)) == {"low": "0.8", "high": "0.533333"}
    assert re.findall(r'class="printed-mark" data-group="(\w+)" data-lo="([\d.]+)" data-hi="([\d.]+)"', figure) == [
        ("low", "0.815", "0.825"), ("high", "0.525", "0.535")]
    assert f"from the extract: {titer_extract}." in figure and "Printed: low 0.82, high 0.53" in figure
    assert 'href="#km-survival--km"' in page  # the claim's article points to it


def test_on_a_reconstruction_the_figure_says_it_is_not_the_authors_data(claim_file, tmp_path, monkeypatch):
    write_titer_extract(tmp_path / "fixtures" / "reconstructed" / "survival")
    monkeypatch.chdir(tmp_path)
    page = _report(claim_file, tmp_path / "out")
    figure = page[page.index('<figure class="km-wrap"'):]
    assert ("from the reconstruction: jointly achievable numbers, not the authors' data (fixtures/reconstructed/survival)."
            in figure[:figure.index("</figure>")])
    assert 'data-basis="reconstruction"' in _figure(page, "forest")


# Forest plot -----------------------------------------------------------------------------------

def test_the_forest_plot_draws_the_recomputed_hr_and_wald_ci_beside_each_printed_one(claim_file, small_page, capsys):
    forest = _figure(small_page, "forest")
    assert forest.count('<g class="forest-row"') == 2 and forest.count('<g class="forest-data"') == 2
    assert main(["audit", str(claim_file), "--extract", str(SMALL), "--format", "json"]) == 1
    import json

    data = {r["claim"]: r["recomputed"] for r in json.loads(capsys.readouterr().out)["results"] if r["basis"] == "extract"}
    titles = re.findall(r"<title>extract: HR ([\d.]+) \(([\d.]+)–([\d.]+)\)</title>", forest)
    assert titles == [tuple(data[c][k] for k in ("hr", "ci_low", "ci_high")) for c in ("titer-hr", "age-hr")]
    assert re.findall(r'class="forest-data" data-verdict="(\w+)" data-basis="extract"', forest) == ["inconsistent", "inconsistent"]
    # the recomputed HR 0.8165 lies left of the printed 5.665, on the same log axis
    squares = [float(x) + 4 for x in re.findall(r'class="printed-hr" x="([\d.]+)"', forest)]
    diamonds = [float(x) for x in re.findall(r'class="data-hr" d="M([\d.]+),', forest)]
    assert diamonds[0] < squares[0] and "extract: P 0.8866" in forest


def test_a_model_undefined_on_the_data_is_said_on_its_row_not_drawn():
    from claimaudit.report.survival_plots import forest

    iv = {t: parse_printed(t).interval for t in ("5.671", "0.922", "34.876")}
    row = {"label": "adjusted", "verdict": "consistent", "hr": "5.671", "ci_low": "0.922", "ci_high": "34.876",
           "hr_iv": iv["5.671"], "lo_iv": iv["0.922"], "hi_iv": iv["34.876"], "p": "0.061", "p_recomputed": "[0.0611, 0.0612]",
           "data": {"verdict": "undetermined", "basis": "extract"}}
    svg = forest([row])
    assert 'class="forest-data" data-verdict="undetermined"' in svg and ">extract: undetermined<" in svg
    assert 'class="data-hr"' not in svg and 'class="data-ci"' not in svg


# Before/after -----------------------------------------------------------------------------------

def test_the_change_plot_puts_the_recomputed_values_against_the_printed_intervals(small_page):
    page = small_page
    article = page[page.index('id="survival--mean-arr"'):]
    svg = _figure(article, "change")
    diamonds = re.findall(r'class="data-value" data-role="(\w+)" data-verdict="(\w*)" d="M([\d.]+),', svg)
    assert [(role, verdict) for role, verdict, _ in diamonds] == [("before", "inconsistent"), ("after", "inconsistent"),
                                                                 ("change", "inconsistent")]
    boxes = re.findall(r'class="interval" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    (bx, bw), (ax, aw) = ((float(x), float(w)) for x, w in boxes)
    before, after = (float(x) for _, _, x in diamonds[:2])
    assert before > bx + bw and after > ax + aw  # ARR 4.22 > [2.85, 2.95) and 0.685 > [0.35, 0.45)
    assert "<title>extract: change = 83.78</title>" in svg and "<title>printed 86.2 ∈ [86.15, 86.25]</title>" in svg
    edss = _figure(page[page.index('id="survival--edss"'):], "change")
    assert re.findall(r'data-role="(\w+)"', edss) == ["before", "after"] and ">change<" not in edss


def test_the_before_after_figure_has_one_row_per_pair_with_its_recomputed_values(small_page):
    svg = _figure(small_page, "before-after")
    rows = re.findall(r'<g class="before-after" data-claims="([^"]*)">(.*?)</g>', svg)
    assert [claims for claims, _ in rows] == ["mean-arr", "edss", "qmg-baseline qmg-12-months"]
    assert [len(re.findall(r'class="data-value"', body)) for _, body in rows] == [2, 2, 2]
    assert "QMG score decreased from 10 to 6 · extract 4.25 → 2.5" in rows[2][1]


def test_without_data_the_figures_show_the_printed_side_and_say_why_no_curves(claim_file, tmp_path):
    page = _report(claim_file, tmp_path / "out", code=0)  # no extract, no reconstruction: every data result not_checkable
    assert "Kaplan-Meier curves need patient-level data (extract or reconstruction); claims: km." in page
    assert 'class="data-value"' not in page and 'class="forest-data"' not in page
    assert _figure(page, "forest").count('<g class="forest-row"') == 2 and "No values recomputed from data yet." in page


# GRIM ---------------------------------------------------------------------------------------------

def test_every_percent_of_count_claim_of_the_catalogue_has_its_grim_plot():
    for path in sorted((ROOT / "claims").glob("*.yaml")):
        claims = load_claims(path)
        sources = sources_of(claims)
        results = [r for r in audit(claims) if r.kind == "percent_of_count"]
        assert results
        for r in results:
            assert '<svg class="plot grim"' in figures.claim_plot([r], sources[r.source]), r.claim
        page = html.render(results, sources)
        summary = _figure(page, "grim-summary")
        assert summary.count('<g class="grim-row"') == len(results)


def test_the_grim_summary_marks_each_printed_band_and_the_unreachable_row():
    rows = [("female", 25, parse_printed("92").interval, "92"), ("mm", 32, parse_printed("33%").interval, "33%")]
    from claimaudit.report.plots import reachable_summary

    svg = reachable_summary(rows)
    assert re.findall(r'class="grim-row" data-reachable="(\w+)"', svg) == ["true", "false"]
    assert re.findall(r"<title>printed ([^<]*)</title>", svg) == ["92 = [91.5, 92.5]", "33% = [32.5, 33.5)"]
    assert re.findall(r'class="dot unreachable"[^>]*><title>([^<]*)</title>', svg) == ["10/32 = 31.25%", "11/32 = 34.38%"]
    assert re.findall(r'class="dot reachable"[^>]*><title>([^<]*)</title>', svg) == ["23/25 = 92.00%"]
    assert "none: 33% is unreachable" in svg and ">23/25<" in svg


# Two results per claim: one row -----------------------------------------------------------------

@pytest.fixture
def two_results(claim_file):
    from claimaudit.data.recompute import data_results, load_extract

    claims = load_claims(claim_file)
    data = {r.claim: r for r in data_results(claims, load_extract(SMALL))}
    results = [x for r in audit(claims) for x in (r, data[r.claim])]
    return results, sources_of(claims)


def test_the_html_has_one_article_per_claim_holding_both_results(two_results):
    results, sources = two_results
    page = html.render(*two_results)
    articles = re.findall(r'<article class="claim[^"]*" id="survival--([\w-]+)" data-verdict="(\w+)" data-verdicts="([\w ]+)"', page)
    assert sorted(a for a, _, _ in articles) == sorted(IDS) and len(results) == 2 * len(IDS)
    assert {a: v for a, v, _ in articles}["titer-hr"] == "inconsistent"  # consistent from the printed numbers, not from data
    assert {a: vs for a, _, vs in articles}["titer-hr"] == "consistent inconsistent"
    assert page.count('<section class="result" data-basis="extract"') == len(IDS)
    assert f"{len(IDS)} of {len(IDS)} claims shown" in page


def test_the_markdown_keeps_one_row_per_claim_with_both_results(two_results):
    md = markdown.render(*two_results)
    rows = [re.split(r"(?<!\\)\|", line)[1:-1] for line in md.splitlines() if line.startswith("| `")]
    assert [r[0].strip() for r in rows] == [f"`{i}`" for i in IDS] and {len(r) for r in rows} == {6}
    row = dict(zip(IDS, rows, strict=True))
    assert row["titer-hr"][4].strip() == "consistent · extract: **inconsistent** ⚠ expected consistent or not_checkable"
    assert "· extract: hr ∈ 0.8165; ci_low ∈ 0.05035" in row["titer-hr"][3]
    assert "| survival | 7 | 0 | 7 | 0 | 0 | 0 | 7 |" in md  # claims by the verdict of their row


def test_junit_keeps_one_testcase_per_claim_and_fails_it_on_the_data_result_first(two_results):
    from test_reports import FIXTURES, _validate, _xsd_rules

    xml = junit.render(*two_results)
    root = ET.fromstring(xml.encode("utf-8"))
    _validate(root, _xsd_rules(FIXTURES / "junit-10.xsd"))
    assert [c.get("name") for c in root.iter("testcase")] == IDS and root.get("tests") == "7"
    case = {c.get("name"): c for c in root.iter("testcase")}
    assert case["titer-hr"].find("failure").text.splitlines()[:2] == [
        "from data (extract): verdict inconsistent, expected consistent or not_checkable",
        "titer-hr (survival, Table 4): inconsistent"]
    out = case["titer-hr"].find("system-out").text
    assert "  basis:      reported" in out and "  basis:      extract" in out


# Progress bar -----------------------------------------------------------------------------------

def _run_in_terminal(args: list[str]) -> tuple[int, str]:
    """Run ``python -m claimaudit ARGS`` with stdout and stderr on a pseudo-terminal; its exit code and output."""
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, "-m", "claimaudit", *args], stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_report_shows_a_progress_bar_on_a_terminal_while_auditing_reading_recomputing_and_writing(claim_file, tmp_path):
    code, out = _run_in_terminal(["report", str(claim_file), "--extract", str(SMALL), "--output", str(tmp_path / "out")])
    assert code == 1
    for step in ("auditing", "reading and checking the extract", "recomputing from data", "writing reports"):
        assert step in out, step
    assert re.search(r"recomputing from data .*7/7", out)


def test_report_is_silent_with_quiet_and_off_a_terminal(claim_file, tmp_path):
    args = ["report", str(claim_file), "--output", str(tmp_path / "out")]
    code, out = _run_in_terminal([*args, "--quiet"])
    paths = [str(tmp_path / "out" / name) for name in ("audit.html", "audit.md", "audit.json", "junit.xml")]
    assert code == 0 and out.split() == paths
    piped = subprocess.run([sys.executable, "-m", "claimaudit", *args], capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and piped.stdout.splitlines() == paths and piped.stderr == ""


def test_pytest_claims_report_draws_the_figures_from_the_extract(pytester: pytest.Pytester):
    pytester.makeconftest('pytest_plugins = ["claimaudit.pytest_plugin"]')
    (pytester.path / "claims").mkdir()
    (pytester.path / "claims" / "source.txt").write_text(SOURCE, "utf-8")
    (pytester.path / "claims" / "survival.yaml").write_text("source:\n  id: survival\n  text: source.txt\nclaims:" + CLAIMS, "utf-8")
    shutil.copytree(SMALL, pytester.path / "extract")  # inside the rootdir: an outside path would move it
    result = pytester.runpytest("claims", "--extract", "extract", "--claims-report", "out")
    result.assert_outcomes(failed=7)  # every claim's data result misses the printed numbers
    page = unescape((pytester.path / "out" / "audit.html").read_text("utf-8"))
    assert "from the extract: extract." in page and page.count('class="km-step"') == 2
    assert page.count('<g class="forest-data"') == 2 and page.count("<article ") == 7


def test_the_figures_reuse_the_measures_of_the_results_and_equal_a_fresh_computation(claim_file):
    from claimaudit.data.figures import figure_data
    from claimaudit.data.recompute import data_results, load_extract

    claims, cohorts, kept = load_claims(claim_file), load_extract(SMALL), {}
    data_results(claims, cohorts, keep=kept)
    reused, fresh = figure_data(claims, cohorts, kept=kept), figure_data(claims, cohorts)
    assert sorted(reused) == sorted(fresh) == sorted((str(claim_file), c) for c in IDS)
    for key, rec in fresh.items():
        assert (reused[key].basis, reused[key].values) == (rec.basis, rec.values)
        assert {g: (t.tolist(), e.tolist()) for g, (t, e) in reused[key].curves.items()} == {
            g: (t.tolist(), e.tolist()) for g, (t, e) in rec.curves.items()}
    assert fresh[(str(claim_file), "km")].curves["high"][1].tolist() == [1, 0, 1]  # T02 relapsed, T03 censored, T05 relapsed
