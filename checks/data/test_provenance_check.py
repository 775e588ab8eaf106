"""Reconstruction-basis results read against the reconstruction's provenance (data/provenance_check.py)."""

from __future__ import annotations

import json

import pytest

from claimaudit.data.provenance_check import against_provenance, read_provenance
from claimaudit.model import Claim, Ref, Source
from claimaudit.verdict import Result, Verdict

SOURCE = Source(id="paper", title="", citation="", text_path="", text="")


def claim(cid: str, same_as: dict | None = None) -> Claim:
    return Claim(id=cid, source=SOURCE, where="Table 4", quote="q", kind="data_only", reported={"p": "0.061"},
                 same_as=same_as or {}, data={"metric": "cox", "cohort": "c"})


def result(cid: str, verdict: Verdict) -> Result:
    return Result(claim=cid, source="paper", kind="data_only", where="Table 4", quote="q", verdict=verdict, expected=None,
                  expectation_reason="", reported={"p": "0.061"}, recomputed={}, basis="reconstruction", explanation="recomputed")


def entry(cid: str, verdict: str | None, **why) -> dict:
    e = {"claim": cid, "role": "p", "printed": "0.061", "achieved": "0.164", "holds": verdict is None, "file": "c.provenance.json"}
    return {**e, "verdict": verdict, **why} if verdict else e


def test_a_claim_whose_constraints_hold_keeps_its_result():
    r = result("a", Verdict.CONSISTENT)
    assert against_provenance([r], [claim("a")], {("a", "p"): entry("a", None)}) == [r]


def test_a_search_that_missed_makes_a_recomputed_miss_undetermined_and_expected():
    [r] = against_provenance([result("a", Verdict.INCONSISTENT)], [claim("a")],
                             {("a", "p"): entry("a", "undetermined", bound="600 rounds from seed 1")})
    assert (r.verdict, r.expected) == (Verdict.UNDETERMINED, "undetermined")
    assert "bound: 600 rounds from seed 1" in r.expectation_reason and r.meets_expectation


def test_a_proof_decides_where_the_data_cannot():
    [r] = against_provenance([result("a", Verdict.UNDETERMINED)], [claim("a")],
                             {("a", "p"): entry("a", "inconsistent", proof="all 300 placements fitted")})
    assert (r.verdict, r.expected) == (Verdict.INCONSISTENT, "inconsistent")
    assert r.explanation.endswith("inconsistent by the reconstruction's proof: all 300 placements fitted")


def test_a_recomputation_that_meets_what_the_provenance_gave_up_on_misses_its_expectation():
    # Solver and recomputation disagree: the audit must go red, not pass.
    [r] = against_provenance([result("a", Verdict.CONSISTENT)], [claim("a")], {("a", "p"): entry("a", "undetermined", bound="b")})
    assert r.expected == "undetermined" and not r.meets_expectation


def test_a_linked_claim_reads_the_constraint_of_the_claim_it_repeats():
    linked = claim("abstract", same_as={"p": (Ref("table4", "p"),)})
    [r] = against_provenance([result("abstract", Verdict.UNDETERMINED)], [linked, claim("table4")],
                             {("table4", "p"): entry("table4", "undetermined", bound="b")})
    assert r.expected == "undetermined" and "table4.p" in r.expectation_reason


def test_a_not_checkable_result_is_left_alone():
    r = result("a", Verdict.NOT_CHECKABLE)
    assert against_provenance([r], [claim("a")], {("a", "p"): entry("a", "undetermined", bound="b")}) == [r]


def test_provenance_files_are_read_by_claim_and_role(tmp_path):
    doc = {"constraints": [entry("a", None), entry("b", "undetermined", bound="b")]}
    (tmp_path / "x.provenance.json").write_text(json.dumps(doc), "utf-8")
    read = read_provenance(tmp_path)
    assert set(read) == {("a", "p"), ("b", "p")} and read[("b", "p")]["file"] == "x.provenance.json"


@pytest.mark.parametrize("source", ["chen2017", "wu2022"])
def test_every_committed_constraint_that_gives_way_says_why(source):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "fixtures" / "reconstructed" / source
    for e in read_provenance(folder).values():
        if "verdict" in e:
            assert e["verdict"] in ("inconsistent", "undetermined")
            assert e.get("proof" if e["verdict"] == "inconsistent" else "bound")
