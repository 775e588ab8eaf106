"""fisher_p: a two-sided Fisher exact P of two arms, from their counts or their percentages of n.

Each arm i gives n_i and its count k_i, or a percentage of n_i; a percentage allows every count
whose 100·k/n_i lies in its interval (usually one; GRIM for proportions, see percent_of_count).
P is recomputed exactly (:mod:`claimaudit.metrics.fisher`) for every table so allowed, and the
claim is consistent when some table's P lies in the printed P's interval. When none does, the
check names the common conventions that would reproduce the printed P (one-sided, mid-P,
chi-square with or without Yates' correction, doubled one-sided): they explain a finding and
never pass one.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..intervals import Interval
from ..metrics.fisher import (
    chi_square_p,
    fisher_doubled_one_sided_p,
    fisher_exact_p,
    fisher_mid_p,
    fisher_one_sided_p,
)
from ..model import Claim
from ..printed import Printed
from ..verdict import Check, Verdict
from . import RoleError, Values, kind
from ._common import not_more_than, off_by, require_count, require_probability
from .percent_of_count import feasible_counts

CONVENTION = "two-sided Fisher exact, tables with probability ≤ observed (SPSS, scipy.stats.fisher_exact)"

# A percentage of a large arm, or a bound such as "<5%", allows many counts; each table costs up
# to ~30 ms at n = 1000 per arm, so past this many tables the check says undetermined.
MAX_TABLES = 100

Table = tuple[int, int, int, int]  # (k_1, n_1, k_2, n_2)

# Conventions that would reproduce a printed P the two-sided Fisher P cannot: (name, P of a table).
VARIANTS: tuple[tuple[str, Callable[..., Fraction | float | None]], ...] = (
    ("one-sided Fisher exact P, less: arm 1 has fewer events (scipy alternative='less'; SPSS 'Exact Sig. (1-sided)')",
     lambda *t: fisher_one_sided_p(*t, "less")),
    ("one-sided Fisher exact P, greater: arm 1 has more events (scipy alternative='greater'; SPSS 'Exact Sig. (1-sided)')",
     lambda *t: fisher_one_sided_p(*t, "greater")),
    ("two-sided Fisher mid-P (Lancaster)", fisher_mid_p),
    ("Pearson chi-square, 1 df, no continuity correction (SPSS 'Pearson Chi-Square'; R chisq.test(correct = FALSE))",
     lambda *t: chi_square_p(*t, yates=False)),
    ("Pearson chi-square, 1 df, Yates' continuity correction (SPSS 'Continuity Correction'; R chisq.test())",
     lambda *t: chi_square_p(*t, yates=True)),
    ("doubled one-sided Fisher exact P, 2·min(less, greater) (R exact2x2 tsmethod = 'central')", fisher_doubled_one_sided_p),
)


def _validate(values: Values) -> None:
    require_probability(values, "p")
    for i in ("1", "2"):
        n, count, percent = f"n_{i}", f"count_{i}", f"percent_{i}"
        require_count(values, n)
        require_count(values, count)
        not_more_than(values, count, n)
        if n in values and values[n].value == 0:
            raise RoleError(n, f"{n} = 0: an arm with no patients")
        if count not in values and percent not in values:
            raise RoleError(count, f"arm {i} needs {count} or {percent} (its count, or its percentage of {n})")
        if percent in values and values[percent].interval.clip(0.0, 100.0) is None:
            raise RoleError(percent, f"{values[percent].text!r} is not a percentage (outside 0-100)")


def _arm_counts(values: Values, i: str) -> tuple[list[int], str]:
    """The counts arm i can have, and how a percentage was read (empty when the count is printed alone).

    Chen et al. 2017, Table 5: 48% of the 29 azathioprine patients were relapse-free.

    >>> from claimaudit.printed import parse_printed
    >>> _arm_counts({"n_1": parse_printed("29"), "percent_1": parse_printed("48")}, "1")
    ([14], 'count_1 read from 48% of 29: 14 (48.28%)')
    """
    n = values[f"n_{i}"].as_count()
    count = values[f"count_{i}"].as_count() if f"count_{i}" in values else None
    if f"percent_{i}" not in values:
        return [count], ""
    percent: Printed = values[f"percent_{i}"]
    counts = feasible_counts(n, percent.interval)
    if count is not None:
        if count not in counts:
            return [], f"count_{i} = {count} of {n} is {100 * count / n:.2f}%, not percent_{i} = {percent.text}"
        counts = [count]
    if not counts:
        return [], f"no count of n_{i} = {n} gives percent_{i} = {percent.text} ({percent.interval})"
    shown = ", ".join(f"{k} ({100 * k / n:.2f}%)" for k in counts)
    return counts, f"count_{i} read from {percent.text.rstrip('%')}% of {n}: {shown}"


def _shown(table: Table) -> str:
    k_1, n_1, k_2, n_2 = table
    return f"{k_1}/{n_1} vs {k_2}/{n_2}"


def _value(x: Fraction | float) -> str:
    return Interval.point(float(x)).format(5)


def _reaches(printed: Printed, x: Fraction | float) -> bool:
    # A Fraction is compared exactly with the printed interval's exact ends.
    return Interval.point(x).overlaps(printed.interval)


def _variants(printed: Printed, tables: list[Table]) -> tuple[str, ...]:
    """The conventions under which some allowed table gives a P inside the printed P's interval."""
    found = []
    for name, p_of in VARIANTS:
        for table in tables:
            x = p_of(*table)
            if x is not None and _reaches(printed, x):
                found.append(f"{name}: {_shown(table)} gives {_value(x)}")
                break
    return tuple(found)


@kind("fisher_p", required=("n_1", "n_2", "p"), optional=("count_1", "count_2", "percent_1", "percent_2"), validate=_validate)
def fisher_p(claim: Claim, values: Values) -> Check:
    """Two-sided Fisher exact P (SPSS "Exact Sig. (2-sided)") from counts or percentages of n.

    P sums the hypergeometric probabilities of every table with the observed margins that is
    no likelier than the observed one (:func:`claimaudit.metrics.fisher.fisher_exact_p`; scipy
    ``fisher_exact``, R ``fisher.test``). Chen et al. 2017, Table 5: 18/25 vs 14/29 gives
    0.099793, printed 0.100 (tested against scipy in ``checks/kinds/test_fisher_p.py``).
    """
    p = values["p"]
    arms = [_arm_counts(values, "1"), _arm_counts(values, "2")]
    (counts_1, _), (counts_2, _) = arms
    n_1, n_2 = values["n_1"].as_count(), values["n_2"].as_count()
    conventions = (CONVENTION, f"printed P {p.text} read as {p.interval} ({' or '.join(claim.rounding)})")
    conventions += tuple(note for counts, note in arms if note and counts)
    if not counts_1 or not counts_2:
        why = "; ".join(note for counts, note in arms if not counts)
        return Check("fisher_p", Verdict.INCONSISTENT, {"p": "∅"}, f"no table fits the printed counts: {why}", conventions)
    tables = [(k_1, n_1, k_2, n_2) for k_1 in counts_1 for k_2 in counts_2]
    if len(tables) > MAX_TABLES:
        why = f"{len(tables)} tables fit the printed percentages, more than the {MAX_TABLES} this check computes"
        return Check("fisher_p", Verdict.UNDETERMINED, {}, why, conventions)
    exact = {table: fisher_exact_p(*table) for table in tables}
    hits = [table for table in tables if _reaches(p, exact[table])]
    shown = [_value(exact[t]) for t in tables]
    recomputed = {"p": shown[0] if len(tables) == 1 else "{" + ", ".join(shown) + "}"}
    listing = "two-sided Fisher exact P of " + "; ".join(f"{_shown(t)} = {v}" for t, v in zip(tables, shown, strict=True))
    printed = f"printed {p.text} (interval {p.interval.format(5)})"
    if hits:
        if len(tables) == 1:
            why = f"{listing}, which reaches {printed}"
        else:
            why = f"{listing}; reaching {printed}: " + ", ".join(_shown(t) for t in hits)
        return Check("fisher_p", Verdict.CONSISTENT, recomputed, why, conventions, 0.0)
    why = f"{listing}, but {printed} is out of reach: no table the printed counts allow gives it"
    distance = min(off_by(p, Interval.point(exact[t])) for t in tables)
    return Check("fisher_p", Verdict.INCONSISTENT, recomputed, why, conventions, distance, _variants(p, tables))
