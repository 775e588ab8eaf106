"""The one walk: claims → kind, agreement and significance checks → one Result per claim."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from .kinds import KINDS, load_all
from .kinds.agreement import agreement_check, compares_thresholds
from .loader import resolve_values
from .model import Claim, Ref
from .printed import Printed, parse_printed
from .significance import significance_check
from .verdict import Check, Result, Verdict, combine


def links(claims: Iterable[Claim]) -> dict[tuple[str, str], list[tuple[str, Ref]]]:
    """Every same_as link of a file, made both ways: (path, claim id) → [(role, ref)]."""
    out: dict[tuple[str, str], list[tuple[str, Ref]]] = defaultdict(list)
    for c in claims:
        for role, refs in c.same_as.items():
            for ref in refs:
                pair = (role, ref)
                if pair not in out[(c.path, c.id)]:
                    out[(c.path, c.id)].append(pair)
                back = (ref.role, Ref(c.id, role))
                if back not in out[(c.path, ref.claim)]:
                    out[(c.path, ref.claim)].append(back)
    return out


def printed_by(claim: Claim, role: str, by_id: dict[str, Claim]) -> tuple[Printed, tuple[str, ...]]:
    """A claim's value for a role and the rounding it was printed with, following ``inputs`` to its claim."""
    while role not in claim.reported and role in claim.inputs:
        claim, role = by_id[claim.inputs[role].claim], claim.inputs[role].role
    return parse_printed(claim.reported[role], claim.rounding), claim.rounding


def check_claim(claim: Claim, by_id: dict[str, Claim], claim_links: list[tuple[str, Ref]]) -> Result:
    """Run every check of one claim from its printed values (basis ``reported``)."""
    spec = KINDS[claim.kind]
    values = resolve_values(claim, by_id)
    checks: list[Check] = [spec.func(claim, values)]
    for role, ref in claim_links:
        # Each value under the rounding of the claim that prints it (an input keeps its own claim's).
        theirs, theirs_rounding = printed_by(by_id[ref.claim], ref.role, by_id)
        mine_rounding = printed_by(claim, role, by_id)[1]
        thresholds = compares_thresholds(claim) or compares_thresholds(by_id[ref.claim])
        checks.append(agreement_check(role, values[role], ref, theirs, mine_rounding, theirs_rounding, thresholds))
    if claim.significant is not None:
        alpha = parse_printed(claim.source.alpha, claim.rounding)
        checks.append(significance_check(values["p"], alpha, claim.significant))
    # A kind that cannot decide alone does not weaken a link that can.
    deciding = [c for c in checks if c.verdict is not Verdict.NOT_CHECKABLE] or checks
    verdict = combine([c.verdict for c in deciding])
    recomputed: dict[str, str] = {}
    for c in checks:
        for k, v in c.recomputed.items():
            recomputed[k if k not in recomputed else f"{c.name}: {k}"] = v
    offs = [c.off_by for c in checks if c.off_by is not None and c.verdict is Verdict.INCONSISTENT]
    conventions = tuple(dict.fromkeys(x for c in checks for x in c.conventions))
    shown = deciding if len(deciding) < len(checks) else checks
    explanation = " | ".join(f"{c.name}: {c.why}" if len(shown) > 1 else c.why for c in shown)
    reported = {role: claim.reported[role] for role in claim.reported}
    for role, ref in claim.inputs.items():
        reported[role] = f"{by_id[ref.claim].reported[ref.role]} (from {ref})"
    return Result(
        claim=claim.id,
        source=claim.source.id,
        kind=claim.kind,
        where=claim.where,
        quote=claim.quote,
        verdict=verdict,
        expected=claim.expect.verdict if claim.expect else None,
        expectation_reason=claim.expect.reason if claim.expect else "",
        reported=reported,
        recomputed=recomputed,
        basis="reported",
        explanation=explanation,
        conventions=conventions,
        off_by=max(offs) if offs else None,
        checks=tuple(checks),
        path=claim.path,
        line=claim.line,
    )


def audit(claims: list[Claim]) -> list[Result]:
    """Check every claim from the printed numbers alone; results in claim order."""
    load_all()
    by_file: dict[str, dict[str, Claim]] = defaultdict(dict)
    for c in claims:
        by_file[c.path][c.id] = c
    all_links = links(claims)
    return [check_claim(c, by_file[c.path], all_links.get((c.path, c.id), [])) for c in claims]
