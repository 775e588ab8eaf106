"""Reconstruction-basis results read against the reconstruction's own provenance.

A reconstruction is a cohort a search built to meet the printed numbers jointly. Where it meets a
claim, the recomputed result is ``consistent``: the printed numbers are jointly achievable. Where
it does not, a miss is no proof that no data could: the provenance file of the cohort
(``fixtures/reconstructed/<source>/<cohort>.provenance.json``, written by ``claimaudit
reconstruct``) says for each constraint whether it gives way, and why: ``inconsistent`` with a
proof (an exhaustive enumeration, a count no n reaches) or ``undetermined`` with the bound searched.

This module turns that record into the result's expectation, so that the audit stays green while
the reconstruction and an independent recomputation (``data/recompute.py``) agree on what gives
way, and goes red when they disagree:

- a claim whose every constraint holds keeps its own expectation (``consistent`` when it has none);
- a claim with a constraint that gives way expects that verdict (inconsistent before undetermined),
  and the reason quotes the proof or bound;
- a recomputed ``inconsistent`` that the provenance records only as ``undetermined`` becomes
  ``undetermined``: a search that missed proves nothing about the source;
- a recomputed ``undetermined`` (these data cannot decide) that the provenance proves
  ``inconsistent`` (an enumeration of every alternative) becomes ``inconsistent``, with the proof.

A claim with no constraint of its own reads the constraints of the claims it is linked to by
``same_as`` (the abstract repeating Table 4 shares Table 4's record).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from ..model import Claim
from ..verdict import Result, Verdict

_RANK = {"inconsistent": 2, "undetermined": 1}


def read_provenance(folder: str | Path) -> dict[tuple[str, str], dict]:
    """Every constraint of every ``*.provenance.json`` in ``folder``, by (claim id, role), with its file name."""
    out: dict[tuple[str, str], dict] = {}
    for path in sorted(Path(folder).glob("*.provenance.json")):
        for entry in json.loads(path.read_text("utf-8"))["constraints"]:
            out[(entry["claim"], entry["role"])] = {**entry, "file": path.name}
    return out


def _related(claims: list[Claim]) -> dict[str, set[tuple[str, str]]]:
    """(claim id, role) pairs whose constraints bear on each claim: its own roles and their same_as links, both ways."""
    related: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for c in claims:
        for role in (*c.reported, *c.inputs):
            related[c.id].add((c.id, role))
        for role, refs in c.same_as.items():
            for ref in refs:
                related[c.id].add((ref.claim, ref.role))
                related[ref.claim].add((c.id, role))
    return related


def against_provenance(results: list[Result], claims: list[Claim], entries: dict[tuple[str, str], dict]) -> list[Result]:
    """The reconstruction-basis ``results`` of ``claims`` with expectations (and misses) taken from the provenance."""
    related = _related(claims)
    out = []
    for r in results:
        given_way = [entries[k] for k in sorted(related.get(r.claim, ())) if k in entries and "verdict" in entries[k]]
        if not given_way or r.verdict is Verdict.NOT_CHECKABLE:
            out.append(r)
            continue
        worst = max(given_way, key=lambda e: _RANK[e["verdict"]])
        expected = worst["verdict"]
        reason = "; ".join(
            f"the reconstruction gives way on {e['claim']}.{e['role']} (printed {e['printed']}, achieved {e['achieved']}; "
            f"{e['file']}): {e['verdict']}, {'proof' if 'proof' in e else 'bound'}: {e.get('proof') or e.get('bound')}"
            for e in given_way)
        verdict, explanation = r.verdict, r.explanation
        if verdict is Verdict.INCONSISTENT and expected == "undetermined":
            verdict = Verdict.UNDETERMINED
            explanation += "; a reconstruction that misses proves nothing about the source: undetermined"
        elif verdict is Verdict.UNDETERMINED and expected == "inconsistent":
            # These data cannot decide (e.g. a Cox fit that diverges), but the search that built them
            # enumerated every alternative: its proof decides.
            verdict = Verdict.INCONSISTENT
            explanation += f"; inconsistent by the reconstruction's proof: {worst['proof']}"
        out.append(replace(r, verdict=verdict, expected=expected, expectation_reason=reason, explanation=explanation))
    return out
