"""Verdicts of data-level results: tiny extracts built here that do (or by one patient do not) reproduce a claim.

The values themselves are pinned against hand calculations in test_recompute.py; here: which
verdict a recomputed value earns against a printed one, what the explanation says (the definition
used, the alternative definition that reproduces the printed value), why data that cannot decide
are not_checkable, and the default data (a source's reconstruction, or none yet).
"""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
import pytest
from hypothesis import given

from claimaudit import load_paths
from claimaudit.data.cohorts import Cohorts, derive_cohorts
from claimaudit.data.extract import read_extract
from claimaudit.data.recompute import data_results, default_data, recompute, recompute_claim
from claimaudit.model import Claim, Expectation, Source
from claimaudit.verdict import Verdict

ROOT = Path(__file__).resolve().parents[2]
CHEN = {c.id: c for c in load_paths([ROOT / "claims" / "chen2017.yaml"])}
SOURCE = Source(id="paper", title="", citation="", text_path="", text="")
FALSE = dict.fromkeys(["prior_ivig", "prior_interferon_beta", "prior_plasmapheresis", "prior_azathioprine",
                       "prior_cyclophosphamide", "prior_mycophenolate", "concomitant_prednisone", "died"], "false")


def claim(reported: dict, data: dict, **fields) -> Claim:
    return Claim(id="c", source=SOURCE, where="here", quote="q", kind=fields.pop("kind", "data_only"), reported=reported,
                 data=data, **fields)


def write_nmosd(folder: Path, patients: list[dict], attacks: list[tuple], events: list[tuple] = ()) -> Path:
    """An NMOSD extract: each patient dict overrides a default tacrolimus patient (female, 30 y, 12 + 12 months)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"patient_id": f"P{i:02d}", "arm": "tacrolimus", "sex": "female", "age_at_onset_years": 30,
             "disease_months_before_drug": 12, "months_on_drug": 12, "aqp4_igg_positive": "false", "aqp4_titer": 0,
             "edss_before": 3.0, "edss_last": 2.0, "initial_immunosuppressant": "true", "switched_from": "", **FALSE,
             "tacrolimus_dose_mg_per_day": 2, **p} for i, p in enumerate(patients, start=1)]
    pd.DataFrame(rows).to_csv(folder / "patients.csv", index=False)
    onset = [(r["patient_id"], -r["disease_months_before_drug"], "true") for r in rows]
    pd.DataFrame(onset + list(attacks), columns=["patient_id", "months_from_drug_start", "is_onset_attack"]).to_csv(
        folder / "attacks.csv", index=False)
    pd.DataFrame(list(events), columns=["patient_id", "event", "severe"]).to_csv(folder / "adverse_events.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def relapses_as_printed(tmp_path_factory):
    """25 tacrolimus patients as Chen 2017 prints them: 23 women; 7 relapsed with 9 relapses, 6 within 7 months."""
    patients = [{"sex": "male"} if i < 2 else {} for i in range(25)]
    # P01-P05 one relapse each (months 2, 3, 4, 5, 6); P06, P07 two each (7 and 9; 10 and 11): 9 relapses, 6 by month 7.
    attacks = [(f"P{i:02d}", m, "false") for i, m in zip(range(1, 6), (2, 3, 4, 5, 6), strict=True)]
    attacks += [("P06", 7, "false"), ("P06", 9, "false"), ("P07", 10, "false"), ("P07", 11, "false")]
    return derive_cohorts(read_extract(write_nmosd(tmp_path_factory.mktemp("chen") / "x", patients, attacks)))


@pytest.mark.parametrize("claim_id", [
    "table1-patients", "table1-female", "results-relapsed", "results-relapse-free", "results-total-relapses",
    "results-relapse-status-sum", "results-early-relapses", "results-early-relapse-window", "discussion-early-relapses",
    "table2-relapse-free", "discussion-relapse-free",
])
def test_an_extract_that_reproduces_the_printed_numbers_is_consistent(relapses_as_printed, claim_id):
    result = recompute_claim(CHEN[claim_id], relapses_as_printed, "extract")
    assert (result.verdict, result.basis) == (Verdict.CONSISTENT, "extract"), result.explanation


def test_one_patient_more_with_a_relapse_makes_the_printed_counts_inconsistent(tmp_path):
    patients = [{} for _ in range(25)]
    attacks = [(f"P{i:02d}", 3, "false") for i in range(1, 9)]  # 8 relapsed, 17 relapse-free
    cohorts = derive_cohorts(read_extract(write_nmosd(tmp_path / "x", patients, attacks)))
    result = recompute_claim(CHEN["results-relapse-free"], cohorts, "extract")
    assert result.verdict is Verdict.INCONSISTENT
    assert "count: printed 18 (exact), recomputed 17" in result.explanation
    assert "percent: printed 72% ([71.5, 72.5]), recomputed 68% (17 of 25)" in result.explanation
    assert result.recomputed == {"count": "17", "percent": "68% (17 of 25)"}


@pytest.fixture
def arr_cohorts(tmp_path):
    # Two patients: 2 relapses in 18 months and none in 6. Per-patient ARRs 12·2/18 = 1.333 and 0: mean 0.667;
    # pooled 12·2/24 = 1.0. Before: 1 onset attack in 12 months each, ARR 1.0 either way.
    attacks = [("P01", 5, "false"), ("P01", 10, "false")]
    return derive_cohorts(read_extract(write_nmosd(tmp_path / "x", [{"months_on_drug": 18}, {"months_on_drug": 6}], attacks)))


def test_arr_says_which_definition_reproduces_the_printed_value(arr_cohorts):
    data = {"metric": "arr", "cohort": "tacrolimus", "variable": "arr_before -> arr_after"}
    mean = recompute_claim(claim({"after": "1.0"}, {**data, "definition": "per_patient_mean"}), arr_cohorts, "extract")
    assert mean.verdict is Verdict.INCONSISTENT
    assert "after: printed 1.0 ([0.95, 1.05]), recomputed 0.6667" in mean.explanation
    assert "pooled relapses per patient-year would give after 1: reproduces the printed values" in mean.explanation
    pooled = recompute_claim(claim({"after": "1.0"}, {**data, "definition": "pooled"}), arr_cohorts, "extract")
    assert pooled.verdict is Verdict.CONSISTENT
    assert "mean over patients of each patient's ARR would give after 0.6667: does not reproduce" in pooled.explanation


def test_a_percent_change_is_recomputed_from_the_data_means(arr_cohorts):
    # ARR mean 1.0 before, 0.667 after: change 100·(1 − 2/3)/1 = 33.3 %.
    data = {"metric": "arr", "cohort": "tacrolimus", "variable": "arr_before -> arr_after"}
    assert recompute_claim(claim({"change": "33.3%"}, data), arr_cohorts, "extract").verdict is Verdict.CONSISTENT
    assert recompute_claim(claim({"change": "33.4%"}, data), arr_cohorts, "extract").verdict is Verdict.INCONSISTENT


def test_cox_reports_efron_next_to_breslow(tmp_path):
    # Tied relapses at month 4 (two high-titer patients and one low), so Breslow and Efron differ.
    patients = [{"aqp4_titer": t, "aqp4_igg_positive": "true" if t else "false"} for t in (128, 128, 128, 0, 0, 0)]
    attacks = [("P01", 4, "false"), ("P02", 4, "false"), ("P04", 4, "false"), ("P03", 8, "false")]
    cohorts = derive_cohorts(read_extract(write_nmosd(tmp_path / "x", patients, attacks)))
    data = {"metric": "cox", "cohort": "tacrolimus", "variable": 'aqp4_titer_group == "high"', "ties": "breslow"}
    first = recompute_claim(claim({"hr": "1.000"}, data), cohorts, "extract")
    assert "efron ties would give hr" in first.explanation
    efron_hr = first.explanation.split("efron ties would give hr ")[1].split(":")[0]
    breslow_hr = first.recomputed["hr"]
    assert efron_hr != breslow_hr
    again = recompute_claim(claim({"hr": efron_hr}, data), cohorts, "extract")
    assert again.verdict is Verdict.INCONSISTENT  # the data block names Breslow; Efron only explains
    assert f"efron ties would give hr {efron_hr}: reproduces the printed values" in again.explanation


def test_a_stated_direction_and_significance_are_checked_against_the_data(tmp_path):
    # EDSS rose by 1 in all six patients (3.0 → 4.0): a decrease is contradicted. Six tied |d| share rank 3.5:
    # W+ = 21, Var = 22.75 − (6³ − 6)/48 = 18.375, z = 10.5/√18.375 = 2.449, P = 0.0143 < 0.05.
    cohorts = derive_cohorts(read_extract(write_nmosd(tmp_path / "x", [{"edss_last": 4.0}] * 6, [])))
    data = {"metric": "wilcoxon", "cohort": "tacrolimus", "variable": "edss_before -> edss_last"}
    down = recompute_claim(claim({}, {**data, "direction": "decrease", "significant": True}), cohorts, "extract")
    assert down.verdict is Verdict.INCONSISTENT
    assert [(c.name, c.verdict) for c in down.checks] == [("direction", Verdict.INCONSISTENT), ("significance", Verdict.CONSISTENT)]
    up = recompute_claim(claim({}, {**data, "direction": "increase", "significant": False}), cohorts, "extract")
    assert [(c.name, c.verdict) for c in up.checks] == [("direction", Verdict.CONSISTENT), ("significance", Verdict.INCONSISTENT)]
    assert "significance: called not significant, recomputed P = 0.01431 < 0.05" in up.explanation


def test_a_statement_about_every_patient_names_the_ones_that_break_it(tmp_path):
    cohorts = derive_cohorts(read_extract(write_nmosd(tmp_path / "x", [{}, {"months_on_drug": 6}, {}], [])))
    result = recompute_claim(claim({"months": "6"}, {"metric": "all", "cohort": "tacrolimus", "variable": "months_on_drug > 6"}),
                             cohorts, "extract")
    assert result.verdict is Verdict.INCONSISTENT
    assert "does not hold (2 of 3 rows; not for P02)" in result.explanation
    assert "not recomputed from data: months" in result.explanation


@pytest.mark.parametrize(("data", "why"), [
    ({"metric": "bootstrap", "cohort": "tacrolimus"}, "metric 'bootstrap' is not implemented"),
    ({"metric": "proportion", "cohort": "tacrolimus", "variable": "rescue_therapy"}, "name 'rescue_therapy' is not defined"),
    ({"metric": "proportion", "cohort": "mg", "variable": "qmg_12m < 5"}, "cohort 'mg' is not in the data"),
    ({"metric": "proportion", "cohort": "tacrolimus", "variable": "relapses_on_treatment =="}, "cannot evaluate"),
    ({"metric": "mann_whitney", "cohort": "tacrolimus", "variable": "age_at_onset_years"}, "a comparison needs 'by'"),
    ({"metric": "arr", "cohort": "tacrolimus", "variable": "edss_before -> edss_last"}, "metric 'arr' reads arr_before"),
    ({"metric": "count", "cohort": "tacrolimus"}, "nothing the claim prints is recomputed by count"),
])
def test_data_that_cannot_decide_give_not_checkable_with_the_reason(arr_cohorts, data, why):
    result = recompute_claim(claim({"months": "6"}, data), arr_cohorts, "extract")
    assert result.verdict is Verdict.NOT_CHECKABLE
    assert why in result.explanation


def test_the_claims_expectation_applies_only_once_the_data_decide(arr_cohorts):
    finding = Expectation("inconsistent", "no count of 32 gives 33%")
    data = {"metric": "proportion", "cohort": "tacrolimus", "variable": "relapsed"}
    decided = recompute_claim(claim({"percent": "50%"}, data, expect=finding), arr_cohorts, "extract")
    assert (decided.verdict, decided.expected, decided.meets_expectation) == (Verdict.CONSISTENT, "inconsistent", False)
    undecided = recompute_claim(claim({"percent": "50%"}, {**data, "cohort": "mg"}, expect=finding), arr_cohorts, "extract")
    assert (undecided.verdict, undecided.expected, undecided.meets_expectation) == (Verdict.NOT_CHECKABLE, None, True)


def test_without_a_reconstruction_the_default_data_results_are_not_checkable(tmp_path):
    claims = [c for c in CHEN.values() if c.data][:3]
    assert default_data(claims[0].source, tmp_path) is None
    results = data_results(claims, root=tmp_path)
    assert [(r.claim, r.basis, r.verdict) for r in results] == [(c.id, "reconstruction", Verdict.NOT_CHECKABLE) for c in claims]
    assert results[0].explanation == "no reconstruction yet (fixtures/reconstructed/chen2017/ does not exist)"


def test_a_reconstruction_folder_is_the_default_data_of_its_source(tmp_path):
    folder = tmp_path / "fixtures" / "reconstructed" / "chen2017"
    shutil.copytree(ROOT / "fixtures" / "extracts" / "valid" / "nmosd-small", folder)
    assert default_data(CHEN["table1-patients"].source, tmp_path) == folder
    (result,) = data_results([CHEN["table1-patients"]], root=tmp_path)
    assert (result.basis, result.verdict) == ("reconstruction", Verdict.INCONSISTENT)
    assert "n: printed 25 (exact), recomputed 6 patients" in result.explanation


def test_recompute_gives_one_result_per_claim_with_a_data_block(relapses_as_printed):
    claims = list(CHEN.values())
    results = recompute(claims, relapses_as_printed, "extract")
    assert [r.claim for r in results] == [c.id for c in claims if c.data is not None]
    assert {r.basis for r in results} == {"extract"}


def _half_up(x: Decimal, decimals: int) -> str:
    return str(x.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@given(st.integers(1, 300).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))), st.integers(0, 2))
def test_a_percentage_of_k_in_n_is_consistent_with_its_own_rounding(kn, decimals):
    """The law: 100·k/n printed half-up to any number of decimals lies in its own interval; a count one off does not."""
    n, k = kn
    frame = pd.DataFrame({"patient_id": [f"P{i}" for i in range(n)], "arm": "tacrolimus", "flag": [i < k for i in range(n)]})
    cohorts = Cohorts(Path("memory"), nmosd=frame)
    printed = _half_up(Decimal(100 * k) / Decimal(n), decimals) + "%"
    data = {"metric": "proportion", "cohort": "tacrolimus", "variable": "flag"}
    result = recompute_claim(claim({"count": str(k), "n": str(n), "percent": printed}, data), cohorts, "extract")
    assert result.verdict is Verdict.CONSISTENT, result.explanation
    off = recompute_claim(claim({"count": str(k + 1)}, data), cohorts, "extract")
    assert off.verdict is Verdict.INCONSISTENT
