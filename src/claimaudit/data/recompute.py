"""Claims recomputed from patient-level data: one :class:`~claimaudit.verdict.Result` per claim with a ``data`` block.

``recompute(claims, cohorts, basis)`` runs each claim's data block (``data/measures.py``) on the
derived cohorts of an extract (basis ``extract``) or of a source's reconstruction (basis
``reconstruction``) and compares every printed role the metric produces with its printed value,
rounding-aware: the recomputed value must lie in the printed value's interval
(``parse_printed(text, claim.rounding).interval``; a printed whole number in a count role is exact).
A claim that prints no number is checked on what it states: its ``direction``, and its
significance (the claim's ``significant`` with its P, or ``data.significant``) against the
source's alpha from the recomputed P. Where a metric has other definitions (pooled ARR, Efron
ties), the explanation says which of them reproduces the printed values; only the definition the
data block names decides.

Data that cannot decide (a cohort, table or column the data lack, a metric not implemented) give
``not_checkable`` with the reason, never a pass; a metric undefined on the data (every pair tied, a
Cox model that does not converge) gives ``undetermined``.

**Imports.** Nothing here imports pandas or scipy at module level: ``claimaudit audit`` without
``--extract`` and without a reconstruction must stay fast (pandas ~0.5 s, scipy ~0.9 s, and
great_expectations ~3.5 s, which the default path never imports at all: a reconstruction is
validated by the test suite, not at audit time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Claim, Source
from ..printed import parse_printed
from ..verdict import Check, Result, Verdict, combine

if TYPE_CHECKING:
    from .cohorts import Cohorts
    from .measures import Measured

#: The metrics recompute implements (``data/measures.py``: MEASURES; a test keeps them equal).
METRICS = frozenset({"count", "proportion", "mean", "median", "range", "all", "arr", "percent_change", "wilcoxon",
                     "mann_whitney", "fisher", "kaplan_meier", "logrank", "cox", "spearman"})
#: A printed role named by a kind that a metric produces under another name.
SYNONYMS = {"mean_sub": "mean", "total": "count"}
RECONSTRUCTED = Path("fixtures") / "reconstructed"
_DIRECTIONS = {"higher": "higher", "increase": "increase", "lower": "lower", "decrease": "decrease",
               "positive": "positive", "negative": "negative"}
_SAME = {"higher": {"higher", "increase"}, "increase": {"increase", "higher"}, "lower": {"lower", "decrease"},
         "decrease": {"decrease", "lower"}, "positive": {"positive"}, "negative": {"negative"}}


def default_data(source: Source, root: str | Path | None = None) -> Path | None:
    """The default data of a source: its reconstruction ``fixtures/reconstructed/<source-id>/`` under ``root`` (cwd).

    None until that folder exists.
    """
    folder = Path(root if root is not None else Path.cwd()) / RECONSTRUCTED / source.id
    return folder if folder.is_dir() else None


def load_extract(folder: str | Path) -> Cohorts:
    """Read an extract, check it against the contract, and derive its cohorts.

    Raises ExtractError when it cannot be read and ContractViolation when it breaks the contract
    (the number of broken rules, and ``claimaudit validate`` for the details).
    """
    from ..errors import ContractViolation
    from .cohorts import derive_cohorts
    from .contract import check_contract
    from .extract import read_extract

    extract = read_extract(folder)
    check = check_contract(extract)
    if not check.ok:
        n = len(check.violations)
        msg = (f"the extract breaks {n} rule{'s' * (n != 1)} of the data contract; "
               f"run 'claimaudit validate {folder}' to see them")
        raise ContractViolation(msg, path=str(folder))
    return derive_cohorts(extract)


@lru_cache(maxsize=8)
def _reconstruction(folder: str) -> Cohorts:
    from .cohorts import derive_cohorts
    from .extract import read_extract

    return derive_cohorts(read_extract(folder))  # no contract here: the tests validate every reconstruction


def default_cohorts(source: Source, root: str | Path | None = None) -> Cohorts | None:
    """The derived cohorts of the source's reconstruction (read once, cached); None until it exists."""
    folder = default_data(source, root)
    return _reconstruction(str(folder)) if folder is not None else None


def data_results(claims: Iterable[Claim], cohorts: Cohorts | None = None, root: str | Path | None = None,
                 keep: dict | None = None) -> list[Result]:
    """The data-level result of every claim with a data block: on ``cohorts`` (an extract) or on each source's default data.

    ``keep``, a dict, receives what each claim's measure computed (``recompute_claim``), for the report's figures.
    """
    every = list(claims)
    claims = [c for c in every if c.data is not None]
    if cohorts is not None:
        return recompute(claims, cohorts, "extract", keep)
    by_source: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_source[c.source.id].append(c)
    out: dict[int, Result] = {}
    for group in by_source.values():
        folder = default_data(group[0].source, root)
        if folder is None:
            why = f"no reconstruction yet ({RECONSTRUCTED / group[0].source.id}/ does not exist)"
            results = [unavailable(c, "reconstruction", why) for c in group]
        else:
            from .provenance_check import against_provenance, read_provenance

            results = recompute(group, _reconstruction(str(folder)), "reconstruction", keep)
            same_source = [c for c in every if c.source.id == group[0].source.id]
            results = against_provenance(results, same_source, read_provenance(folder))
        out.update({id(c): r for c, r in zip(group, results, strict=True)})
    return [out[id(c)] for c in claims]


def recompute(claims: Iterable[Claim], cohorts: Cohorts, basis: str, keep: dict | None = None) -> list[Result]:
    """One result per claim with a data block, recomputed on ``cohorts``; ``basis`` is extract or reconstruction."""
    return [recompute_claim(c, cohorts, basis, keep) for c in claims if c.data is not None]


def recompute_claim(claim: Claim, cohorts: Cohorts, basis: str, keep: dict | None = None) -> Result:
    """The data-level result of one claim.

    With ``keep`` (a dict), the measure's :class:`~claimaudit.data.spec.Measured` is stored there as
    ``(basis, cohorts, measured)`` under ``(claim.path, claim.id)``: the report draws its figures
    from it (``data/figures.py``) without computing it again.
    """
    from .cohorts import Unavailable
    from .measures import MEASURES, DataSpec
    from .spec import Undefined

    metric = claim.data["metric"]
    if metric not in METRICS:
        return unavailable(claim, basis, f"metric {metric!r} is not implemented (known: {', '.join(sorted(METRICS))})")
    spec = DataSpec.of(claim.data)
    try:
        measured = MEASURES[metric](spec, cohorts)
        if keep is not None:
            keep[(claim.path, claim.id)] = (basis, cohorts, measured)
    except Unavailable as why:
        return unavailable(claim, basis, f"{why}")
    except Undefined as why:
        check = Check(metric, Verdict.UNDETERMINED, {}, f"{metric} is undefined on these data: {why}")
        return _result(claim, basis, [check], {}, f"{_origin(basis, cohorts)}: {check.why}", ())
    checks, notes = _compare(claim, spec, measured)
    if not checks:
        roles = ", ".join(claim.reported) or "none"
        why = f"nothing the claim prints is recomputed by {metric} (printed roles: {roles}; {metric} gives {', '.join(measured.values) or 'no value'})"
        return unavailable(claim, basis, why)
    explanation = "; ".join([f"{_origin(basis, cohorts)}: {measured.definition}", *(c.why for c in checks), *notes])
    shown = {k: v for c in checks for k, v in c.recomputed.items()}
    return _result(claim, basis, checks, shown, explanation, measured.conventions)


def unavailable(claim: Claim, basis: str, why: str) -> Result:
    """A not_checkable data-level result: the data cannot decide the claim, for the reason given."""
    return _result(claim, basis, [Check(claim.data["metric"], Verdict.NOT_CHECKABLE, {}, why)], {}, why, ())


def _origin(basis: str, cohorts: Cohorts) -> str:
    folder = Path(cohorts.folder)
    try:  # shown relative to the working directory when inside it: the same text in every clone
        folder = folder.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        pass
    return f"{basis} {folder}"


def _compare(claim: Claim, spec, measured: Measured) -> tuple[list[Check], list[str]]:
    checks: list[Check] = []
    compared: dict[str, object] = {}
    skipped = []
    for role, text in claim.reported.items():
        key = role if role in measured.values else SYNONYMS.get(role)
        if key not in measured.values:
            skipped.append(role)
            continue
        printed = parse_printed(text, claim.rounding)
        value = measured.values[key]
        interval = printed.count_interval() if key in measured.exact and printed.is_integer else printed.interval
        compared[role] = interval
        ok = interval.contains(value)
        verdict = Verdict.CONSISTENT if ok else Verdict.INCONSISTENT
        off = None if ok or printed.relation != "=" else float(interval.distance(float(value))) / printed.half_unit
        why = f"{role}: printed {text} ({_interval(interval, printed)}), recomputed {measured.shown[key]}"
        checks.append(Check(role, verdict, {role: measured.shown[key]}, why, off_by=off))
    if spec.direction and measured.direction is not None:
        want = _DIRECTIONS[spec.direction]
        ok = measured.direction in _SAME[want]
        checks.append(Check("direction", Verdict.CONSISTENT if ok else Verdict.INCONSISTENT, {"direction": measured.direction},
                            f"direction: stated {want}, recomputed {measured.direction}"))
    stated = claim.significant if claim.significant is not None else spec.significant
    if stated is not None and measured.p is not None:
        alpha = parse_printed(claim.source.alpha, claim.rounding)
        ok = (measured.p < alpha.value) == stated
        words = "significant" if stated else "not significant"
        checks.append(Check("significance", Verdict.CONSISTENT if ok else Verdict.INCONSISTENT, {"P": f"{measured.p:.4g}"},
                            f"significance: called {words}, recomputed P = {measured.p:.4g} {'<' if measured.p < alpha.value else '≥'} {alpha.text}"))
    if measured.holds is not None:
        holds, detail = measured.holds
        checks.append(Check("all", Verdict.CONSISTENT if holds else Verdict.INCONSISTENT, {"holds": detail},
                            f"stated for every row: {'holds' if holds else 'does not hold'} ({detail})"))
    notes = []
    if compared:
        for name, values in measured.alternatives.items():
            roles = [r for r in compared if (r if r in values else SYNONYMS.get(r)) in values]
            if roles:
                fits = all(compared[r].contains(values[r if r in values else SYNONYMS[r]]) for r in roles)
                shown = ", ".join(f"{r} {_num(values[r if r in values else SYNONYMS[r]])}" for r in roles)
                notes.append(f"{name} would give {shown}: {'reproduces' if fits else 'does not reproduce'} the printed values")
    if skipped:
        notes.append(f"not recomputed from data: {', '.join(skipped)}")
    return checks, notes


def _interval(interval, printed) -> str:
    """The printed value's interval, with digits enough to show its ends (a count: 'exact')."""
    if interval.is_point:
        return "exact"
    return interval.format(digits=max(4, len(printed.text.strip("<>≤≥=%-.")) + 2))


def _num(x) -> str:
    from .measures import num

    return num(x)


def _result(claim: Claim, basis: str, checks: list[Check], recomputed, explanation: str, conventions) -> Result:
    verdict = combine([c.verdict for c in checks])
    offs = [c.off_by for c in checks if c.off_by is not None and c.verdict is Verdict.INCONSISTENT]
    # The claim's expectation applies once the data decide; data that cannot decide neither meet nor miss it.
    expect = claim.expect if claim.expect and verdict is not Verdict.NOT_CHECKABLE else None
    return Result(
        claim=claim.id, source=claim.source.id, kind=claim.kind, where=claim.where, quote=claim.quote, verdict=verdict,
        expected=expect.verdict if expect else None, expectation_reason=expect.reason if expect else "",
        reported=dict(claim.reported), recomputed=dict(recomputed), basis=basis, explanation=explanation,
        conventions=tuple(conventions), off_by=max(offs) if offs else None, checks=tuple(checks),
        path=claim.path, line=claim.line,
    )
