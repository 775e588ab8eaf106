"""Mutated printed numbers must turn the audit red (issue 2, "Detection").

Each mutant changes one printed value of ``claims/`` to a value the other printed numbers
contradict, writes the mutated claim file next to a copy of ``claims/sources/``, and runs
``claimaudit audit``: it must exit 1, and the claim whose verdict turns inconsistent must be the
mutated one (or, where said, the one claim that reads the value through ``inputs``), so a test
cannot pass for the wrong reason. Every ``why`` was worked out by hand before the row was added.

The laws at the end mutate in memory (no files per example) every claim of a family at once.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claimaudit import audit, load_claims
from claimaudit.audit import check_claim, links
from claimaudit.cli import main
from claimaudit.kinds import KINDS, RoleError
from claimaudit.loader import resolve_values
from claimaudit.printed import parse_printed

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "claims"
SOURCES = ("chen2017", "wu2022")


@dataclasses.dataclass(frozen=True)
class Mutant:
    source: str
    claim: str
    role: str
    old: str
    new: str
    why: str
    caught_by: str | None = None  # the claim that reads the value through inputs, when only it can tell

    @property
    def flagged(self) -> str:
        return self.caught_by or self.claim


def M(source: str, claim: str, role: str, old: str, new: str, why: str, caught_by: str | None = None):
    return pytest.param(Mutant(source, claim, role, old, new, why, caught_by), id=f"{source}:{claim}.{role}:{old}->{new}")


C, W = "chen2017", "wu2022"
MUTANTS = [
    # --- a percentage of a printed count: 100·k/n is exact, so it must round to the printed percentage
    M(C, "table1-female", "percent", "92", "90", "23 of 25 is exactly 92%"),
    M(C, "table1-titer-low", "count", "14", "15", "15/25 = 60%, not the printed 56%"),
    M(C, "results-improved-arr", "count", "23", "22", "22/25 = 88%, not the printed 92%"),
    M(C, "results-early-relapses", "percent", "66.7%", "67.7%", "6 of 9 relapses is 66.67%"),
    M(C, "results-standard-dose", "count", "Twenty-four", "Twenty-three", "23/25 = 92%, not the printed 96%"),
    M(C, "results-relapsed", "count", "Seven", "Eight", "8/25 = 32%, not the printed 28%"),
    M(C, "results-initial-immunosuppressant", "count", "Twenty", "Nineteen", "19/25 = 76%, not the printed 80%"),
    M(C, "results-azathioprine-death", "percent", "3%", "4%", "1/29 = 3.45%, which never rounds to 4%"),
    M(C, "results-azathioprine-ae", "percent", "31%", "32%", "9/29 = 31.03%"),
    M(C, "discussion-severe-ae-azathioprine", "percent", "24%", "25%", "7/29 = 24.14%"),
    M(C, "table5-legend-ae-tacrolimus", "percent", "16%", "18%", "4/25 is exactly 16%"),
    M(C, "table3-relapse-free", "percent", "70", "75", "the text's 14 relapse-free of the 20 is 70% (15/20 would be 75%)"),
    # --- GRIM for proportions: no whole count of n reaches the percentage
    M(C, "table5-relapse-free-azathioprine", "percent", "48", "50", "of 29: 14/29 = 48.3%, 15/29 = 51.7%; nothing is 50%"),
    M(C, "table3-improved-arr", "percent", "95", "96", "of 20 patients percentages move in steps of 5%"),
    M(C, "table2-improved-edss", "percent", "96", "94", "of 25 patients percentages move in steps of 4%"),
    M(C, "discussion-mmf-relapse-free", "percent", "75%", "74%", "of 28: 20/28 = 71.4%, 21/28 = 75.0%"),
    M(C, "discussion-mmf-improved-edss", "percent", "91%", "92%", "of 58: 53/58 = 91.4%, 54/58 = 93.1%"),
    M(C, "discussion-mmf-patients", "n", "58", "60", "91% of 60 is unreachable (54/60 = 90.0%, 55/60 = 91.7%)",
      caught_by="discussion-mmf-improved-edss"),
    # --- percent change between printed means, the means anywhere in their intervals
    M(C, "table2-mean-arr", "change", "86.2", "82.6", "from 2.9 to 0.4 the reduction lies in [84.2%, 88.1%]"),
    M(C, "abstract-arr-reduction", "change", "86.2%", "68.2%", "from 2.9 to 0.4 the reduction lies in [84.2%, 88.1%]"),
    M(C, "table2-mean-edss", "change", "48.9", "45.9", "from 4.5 to 2.3 the reduction lies in [47.2%, 50.6%]"),
    M(C, "table5-arr-azathioprine", "change", "77.8", "87.8", "from 2.7 to 0.6 the reduction lies in [75.5%, 80.0%]"),
    M(C, "table5-edss-azathioprine", "change", "9.3", "19.3", "from 4.3 to 3.9 the reduction lies in [7.1%, 11.5%]"),
    # --- Fisher's exact P of the printed 2x2 counts (two-sided, SPSS)
    M(C, "table5-relapse-free-p", "p", "0.100", "0.010", "18/25 vs 14/29 gives P = 0.100"),
    M(C, "table5-improved-edss-p", "p", "0.003", "0.030", "24/25 vs 18/29 gives P = 0.003"),
    M(C, "table5-adverse-events-p", "p", "0.223", "0.322", "4/25 vs 9/29 gives P = 0.223"),
    M(C, "table5-severe-adverse-events-p", "p", "0.056", "0.065", "1/25 vs 7/29 gives P = 0.056"),
    M(C, "table5-adverse-events-p", "count_1", "4", "5", "5/25 vs 9/29 no longer gives P = 0.223"),
    M(C, "table5-improved-edss-azathioprine", "percent", "62", "69", "20/29 (69%) against 24/25 does not give P = 0.003, "
      "and the text prints 62%"),
    # --- hazard ratio, 95% CI and Wald P as one triad
    M(C, "table4-aqp4-titer-crude", "ci_high", "31.705", "37.105", "the HR is the geometric mean of the CI: 5.665²/1.012 = 31.71"),
    M(C, "table4-age-at-onset-crude", "p", "0.632", "0.362", "the CI 0.936-1.041 around 0.987 gives z = 0.48, P = 0.63"),
    M(C, "table4-pre-edss-crude", "hr", "0.994", "0.949", "√(0.615 × 1.607) = 0.994: an HR near 1 off its CI's centre"),
    M(C, "table4-pre-edss-crude", "p", "0.980", "0.890", "the CI 0.615-1.607 around 0.994 gives z = 0.02, P = 0.98"),
    M(C, "table4-aqp4-titer-adjusted", "p", "0.061", "0.041", "the CI 0.922-34.876 contains 1, so the Wald P exceeds 0.05"),
    M(C, "abstract-aqp4-titer-hr", "p", "0.048", "0.084", "the CI 1.012-31.705 around 5.665 gives z = 1.97, P = 0.048"),
    M(C, "table4-ci-level", "level_crude", "95%", "90%", "a 90% CI 1.012-31.705 around 5.665 gives P = 0.098, not 0.048",
      caught_by="table4-aqp4-titer-crude"),
    M(C, "abstract-ci-level", "level", "95", "90", "Table 4 prints 95% CIs, and P = 0.048 follows from a 95% CI"),
    # --- Kaplan-Meier feasibility with 14 low-titer and 11 high-titer patients and 7 relapses
    M(C, "results-km", "survival_low", "0.82", "0.95", "with 14 patients the largest estimate below 1 is 13/14 = 0.93"),
    M(C, "results-km", "survival_high", "0.53", "0.93", "with 11 patients the largest estimate below 1 is 10/11 = 0.91"),
    M(C, "results-km", "survival_high", "0.53", "0.91", "0.91 needs exactly 1 event of 11, leaving 6 of the 7 relapses to the "
      "low group, where 6 events give at most 8/14 = 0.57, not 0.82"),
    # --- counts that must add up
    M(C, "table1-titer-groups-sum", "part_1", "14", "15", "15 + 11 = 26, not the 25 patients"),
    M(C, "results-azathioprine-severe-ae-sum", "part_1", "4", "5", "5 + 2 + 1 = 8, not the 7 severe adverse events"),
    M(C, "results-mild-ae-of-remaining", "part_1", "3", "4", "hand tremor, skin rash and herpes zoster, 1 each, are 3"),
    M(C, "results-switched", "part_2", "3", "4", "1 + 4 + 1 = 6, not the 5 switched; Table 1 prints 3 on azathioprine"),
    M(C, "results-tolerated", "part_1", "24", "23", "23 + one death = 24, not the 25 patients"),
    M(C, "results-dosing-sum", "part_2", "one", "two", "24 on 2-3 mg/d + 2 = 26, not the 25 patients"),
    M(C, "results-tacrolimus-ae-sum", "part_1", "3", "2", "2 mild + 1 death = 3, not Table 5's 4 patients with adverse events"),
    M(C, "results-total-relapses", "total", "9", "6", "7 patients with at least 1 relapse each have at least 7 relapses"),
    M(C, "table1-high-titer-within-positive", "total", "22", "10", "the 11 high-titer patients are among the positive ones"),
    M(C, "results-rescue-therapy", "total", "4", "5", "2 on IVIG and 2 on plasmapheresis cover at most 4 patients"),
    M(C, "abstract-study-period", "part_2", "five", "six", "2011 + 6 = 2017, not 2016"),
    # --- medians and ranges against each other and the inclusion criteria
    M(C, "table1-age-at-onset", "median", "31", "56", "a median of 56 above the maximum 55"),
    M(C, "table1-age-at-onset", "min", "6", "32", "a minimum of 32 above the median 31"),
    M(C, "table1-duration-before-tacrolimus", "max", "98", "15", "a maximum of 15 below the median 16"),
    M(C, "table1-tacrolimus-duration", "min", "6", "5", "every patient was treated for more than 6 months"),
    M(C, "table5-treatment-duration-azathioprine", "median", "16", "5", "every azathioprine patient was treated for more than 6 months"),
    M(C, "table1-tacrolimus-duration", "min", "6", "8", "the patient who died in the seventh month was treated at most 7 months",
      caught_by="results-death-within-duration-range"),
    M(C, "results-death-month", "month", "7", "5", "Table 1's shortest treatment, 6 months, cannot exceed her 5",
      caught_by="results-death-within-duration-range"),
    # --- subgroup means: the 5 switched patients must keep an attainable mean
    M(C, "table3-arr-before-subgroup", "mean_sub", "3.0", "3.8", "25 × 2.95 − 20 × 3.75 < 0: the other 5 would have a negative ARR"),
    # --- the same quantity printed twice must agree (same_as, checked from both ends)
    M(C, "table1-patients", "n", "25", "24", "the abstract, the text and Table 5 print 25 (Twenty-five)"),
    M(C, "results-tacrolimus-n", "n", "Twenty-five", "Twenty-six", "Table 1 prints 25 patients"),
    M(C, "table5-patients", "n_2", "29", "30", "the abstract and the text print 29 (Twenty-nine)"),
    M(C, "fig1-death", "deaths", "1", "2", "the text prints one death on tacrolimus"),
    M(C, "discussion-deaths", "azathioprine", "1", "2", "the results print 1 death (3%) on azathioprine"),
    M(C, "results-interferon-patient", "count", "One", "Two", "Table 1 prints 1 patient on interferon-beta"),
    M(C, "table5-age-at-onset-tacrolimus", "median", "31", "33", "Table 1 prints a median age at onset of 31"),
    M(C, "discussion-early-relapses", "count", "6", "5", "the results print 6 of the 9 relapses within 7 months"),
    M(C, "table5-relapse-free-tacrolimus", "percent", "72", "76", "Table 2 and the text print 72% (18 of 25)"),
    M(C, "table2-mean-edss", "before", "4.5", "4.6", "the abstract, the text, the discussion and Table 5 print 4.5"),
    M(C, "table2-mean-edss-before-grim", "mean", "4.5", "4.6", "the same Table 2 cell prints 4.5"),
    M(C, "table3-arr-after-subgroup", "mean_sub", "0.4", "0.5", "the same Table 3 cell prints 0.4"),
    M(C, "table2-mean-edss-p", "p", "0.001", "0.01", "the abstract prints P < 0.001, which 0.01 cannot be"),
    M(C, "results-logrank-p", "p", "0.028", "0.28", "the abstract, the Figure 2 legend and the discussion print 0.028"),
    M(C, "methods-alpha", "alpha", "0.05", "0.01", "P = 0.048 is called significant (source.alpha reads this claim)",
      caught_by="table4-aqp4-titer-crude"),
    M(C, "methods-alpha", "alpha", "0.05", "0.1", "P = 0.061 is called not significant", caught_by="table4-aqp4-titer-adjusted"),
    M(C, "abstract-titer-threshold", "high", "≥1:64", "≥1:32", "the Methods define a high titer as ≥1:64, a cut-off, not a bound"),
    M(C, "table1-titer-thresholds", "low", "<1:64", "<1:128", "the Methods define a low titer as below 1:64"),
    M(C, "methods-titer-threshold", "high", "≥1:64", "≥1:128", "the abstract, Table 1 and the Figure 2 legend print ≥1:64"),
    M(C, "methods-study-window", "end_year", "2016", "2017", "the abstract prints 2011-2016 (no one rounding policy prints a "
      "year as both 2016 and 2017)"),
    M(W, "treatment-months", "months", "12", "13", "paragraph 8 prints 12 months twice"),
    M(W, "biomarker-months", "months", "12", "11", "the treatment lasted 12 months (paragraph 2)"),
    # --- medians of 32 whole-number scores are whole or half-whole
    M(W, "qmg-baseline", "median", "10", "10.3", "a median of 32 integer scores is k or k + 0.5"),
    M(W, "mmt-baseline", "median", "11", "11.4", "a median of 32 integer scores is k or k + 0.5"),
    M(W, "mmt-12-months", "median", "4", "4.2", "a median of 32 integer scores is k or k + 0.5"),
    M(W, "adl-baseline", "median", "4.5", "4.3", "a median of 32 integer scores is k or k + 0.5"),
    M(W, "adl-12-months", "median", "2", "2.2", "a median of 32 integer scores is k or k + 0.5"),
    M(W, "qol15-baseline", "median", "10.5", "10.7", "a median of 32 integer scores is k or k + 0.5"),
    M(W, "qol15-12-months", "median", "7", "7.3", "a median of 32 integer scores is k or k + 0.5"),
    # --- a count of the cohort
    M(W, "improved-count", "part_1", "16", "33", "another 33 of the 32 patients"),
]


def mutate(text: str, m: Mutant) -> str:
    """The claim file with one printed value of one claim changed (its one-line ``reported`` mapping)."""
    start = re.search(rf"^  - id: {re.escape(m.claim)}\n", text, re.M)
    assert start, f"no claim {m.claim!r} in {m.source}"
    after = re.compile(r"^  - id: |^  # ", re.M).search(text, start.end())
    end = after.start() if after else len(text)
    block = text[start.start():end]
    line = re.search(r"^    reported: \{.*\}$", block, re.M)
    assert line, f"{m.claim}: no one-line 'reported' mapping"
    value = re.compile(rf"(?<![\w-]){re.escape(m.role)}: \"{re.escape(m.old)}\"")
    assert len(value.findall(line[0])) == 1, f"{m.claim}.{m.role} does not print {m.old!r}: {line[0].strip()}"
    new_line = value.sub(f'{m.role}: "{m.new}"', line[0])
    return text[:start.start()] + block[:line.start()] + new_line + block[line.end():] + text[end:]


def audit_json(path: Path, capsys) -> tuple[int, dict[str, dict]]:
    """``claimaudit audit --format json PATH``: the exit code and the results from the printed numbers."""
    capsys.readouterr()
    code = main(["audit", "--format", "json", str(path)])
    out = capsys.readouterr().out
    # The results from the printed numbers (basis "reported"); data-level results follow them.
    return code, {r["claim"]: r for r in json.loads(out)["results"] if r["basis"] == "reported"}


def audit_file(path: Path) -> tuple[int, dict]:
    """The audit API on one file: the exit code ``claimaudit audit`` gives from these results, and the results.

    The table uses the API, not the CLI, so that it checks the printed numbers alone and stays fast
    (the CLI adds data-level results); test_the_cli_exits_1_on_a_mutant ties the two together.
    """
    results = {r.claim: r for r in audit(load_claims(path))}
    return (0 if all(r.meets_expectation for r in results.values()) else 1), results


def write_mutant(workdir: Path, m: Mutant) -> Path:
    path = workdir / f"{m.source}.yaml"
    path.write_text(mutate((CLAIMS / f"{m.source}.yaml").read_text("utf-8"), m), "utf-8")
    return path


@pytest.fixture(scope="module")
def unmutated() -> dict[str, dict]:
    """The verdicts of the catalogue as it stands, by source and claim."""
    return {src: {r.claim: r for r in audit(load_claims(CLAIMS / f"{src}.yaml"))} for src in SOURCES}


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(CLAIMS / "sources", tmp_path / "sources")
    return tmp_path


def test_the_unmutated_catalogue_exits_0(capsys):
    code, results = audit_json(CLAIMS, capsys)
    assert code == 0
    assert {r["source"] for r in results.values()} == set(SOURCES)


@pytest.mark.parametrize("m", MUTANTS)
def test_a_contradicted_printed_number_turns_the_audit_red(m: Mutant, workdir: Path, unmutated):
    before = unmutated[m.source][m.flagged]
    assert before.meets_expectation and before.verdict.value != "inconsistent", f"{m.flagged} is red already"
    code, results = audit_file(write_mutant(workdir, m))
    flagged = results[m.flagged]
    assert (code, flagged.verdict.value) == (1, "inconsistent"), f"{m.why}; {flagged.explanation}"


def test_the_cli_exits_1_on_a_mutant(workdir: Path, capsys):
    m = MUTANTS[0].values[0]
    code, results = audit_json(write_mutant(workdir, m), capsys)
    assert (code, results[m.claim]["verdict"]) == (1, "inconsistent")


def test_the_mutant_table_covers_both_sources_with_unique_rows():
    rows = [p.values[0] for p in MUTANTS]
    assert len({(m.source, m.claim, m.role, m.new) for m in rows}) == len(rows)
    assert {m.source for m in rows} == set(SOURCES) and len(rows) >= 30


def test_a_finding_that_disappears_turns_the_audit_red(workdir: Path, capsys):
    # 11/32 = 34.38% prints as 34%: the documented finding "roughly 33%" would be gone, and it is strict.
    m = Mutant(W, "minimal-manifestation-percent", "percent", "33%", "34%", "11 of 32 patients")
    code, results = audit_json(write_mutant(workdir, m), capsys)
    assert (code, results[m.claim]["verdict"], results[m.claim]["expected"]) == (1, "consistent", "inconsistent")


def test_a_mutant_that_names_a_value_the_claim_does_not_print_is_refused():
    with pytest.raises(AssertionError, match="does not print '93'"):
        mutate((CLAIMS / "chen2017.yaml").read_text("utf-8"), Mutant(C, "table1-female", "percent", "93", "90", ""))


# --------------------------------------------------------------------------- laws, in memory


def verdict_with(src: str, claim_id: str, role: str, text: str) -> str:
    """The verdict of one claim with one printed value replaced (its links and inputs as in the file)."""
    by_id, all_links = _CATALOGUE[src]
    old = by_id[claim_id]
    new = dataclasses.replace(old, reported={**old.reported, role: text})
    by_id = {**by_id, claim_id: new}
    spec = KINDS[new.kind]
    try:  # what the loader refuses (a percentage above 100, k > n) is a bad claim file, not a verdict
        if spec.validate is not None:
            spec.validate(resolve_values(new, by_id))
    except RoleError:
        return "refused by the loader"
    return check_claim(new, by_id, all_links.get((new.path, new.id), [])).verdict.value


def shifted(text: str, units: int) -> str | None:
    """The printed decimal moved by a whole number of units of its last digit (None below zero)."""
    p = parse_printed(text)
    steps = int(p.number / p.unit) + units  # the value in units of its last digit
    if steps < 0:
        return None
    digits = str(steps).rjust(p.decimals + 1, "0")
    digits = f"{digits[:-p.decimals]}.{digits[-p.decimals:]}" if p.decimals else digits
    return digits + ("%" if p.percent else "")


def _rounded(text: str) -> bool:
    p = parse_printed(text)
    return p.relation == "=" and not p.exact


_LOADED = {src: load_claims(CLAIMS / f"{src}.yaml") for src in SOURCES}
_CATALOGUE = {src: ({c.id: c for c in claims}, links(claims)) for src, claims in _LOADED.items()}
_ALL = [(src, c) for src, claims in _LOADED.items() for c in claims]
_BY_ID = {(src, c.id): c for src, c in _ALL}
PERCENTS_OF_COUNTS = [
    (src, c.id) for src, c in _ALL
    if c.kind == "percent_of_count" and "percent" in c.reported and ("count" in c.reported or "count" in c.inputs)
]
SUMS = [
    (src, c.id, role) for src, c in _ALL
    if c.kind == "total" and c.params.get("relation", "sum") == "sum" for role in c.reported
]
TWICE_PRINTED = sorted({
    (src, c.id, role) for src, c in _ALL for role, refs in c.same_as.items() for ref in refs
    if role in c.reported and _rounded(c.reported[role]) and c.reported[role] == _BY_ID[src, ref.claim].reported[ref.role]
})


def test_the_laws_have_material():
    assert len(PERCENTS_OF_COUNTS) >= 30 and len(SUMS) >= 20 and len(TWICE_PRINTED) >= 40


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(PERCENTS_OF_COUNTS), st.integers(2, 40), st.sampled_from((-1, 1)))
def test_a_percentage_of_a_count_moved_two_or_more_units_is_inconsistent(target, units, sign):
    # 100·k/n is exact and lies within half a unit of the printed percentage; two units away it cannot.
    src, claim_id = target
    text = shifted(_BY_ID[src, claim_id].reported["percent"], sign * units)
    assume(text is not None)
    verdict = verdict_with(src, claim_id, "percent", text)
    assume(verdict != "refused by the loader")
    assert verdict == "inconsistent"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(SUMS), st.integers(1, 10), st.sampled_from((-1, 1)))
def test_a_count_of_a_sum_moved_by_any_whole_number_is_inconsistent(target, units, sign):
    src, claim_id, role = target
    p = parse_printed(_BY_ID[src, claim_id].reported[role])
    value = p.as_count() + sign * units
    assume(value >= 0)
    verdict = verdict_with(src, claim_id, role, str(value))
    assume(verdict != "refused by the loader")
    assert verdict == "inconsistent"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.sampled_from(TWICE_PRINTED), st.integers(1, 20), st.sampled_from((-1, 1)))
def test_a_value_printed_twice_alike_moved_by_one_or_more_units_in_one_place_is_inconsistent(target, units, sign):
    # Under one rounding policy the intervals of two different printings at one precision are disjoint.
    src, claim_id, role = target
    text = shifted(_BY_ID[src, claim_id].reported[role], sign * units)
    assume(text is not None)
    verdict = verdict_with(src, claim_id, role, text)
    assume(verdict != "refused by the loader")
    assert verdict == "inconsistent"
