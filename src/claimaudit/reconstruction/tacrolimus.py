"""The tacrolimus cohort of Chen 2017 (25 patients): the search over patient values on the forced survival structure.

The survival structure (who relapses first, who is censored when, in risk-set terms) is the one
the exhaustive enumeration leaves under Breslow ties (:mod:`.survival_decision`); it fixes each
patient's titer group and exit. Event times are laid on months: the event times before anyone
can be censored at months 1, 2, ...; the event time with censoring before it at month 7 (the
early-relapse window, the shortest follow-up being just over 6 months); later ones 3 months
apart. The search then chooses, per patient, integer values: age at onset (years), months of
disease before the drug, pre-treatment attacks (the onset attack included), EDSS before and at
the last follow-up (half points), follow-up (tenths of a month, inside the patient's slot),
relapses on treatment (the 9 among the 7 relapsed patients) and sex (2 men). Everything the
printed counts fix directly (roles, therapies, AQP4, adverse events) is assigned in :mod:`.nmosd`.

Roles laid down before the search (choices, recorded in the provenance): the patient who died
is the fourth high-titer first relapse, followed 6.2 months (she died "in the seventh month");
she and four censored patients are the five switched from another immunosuppressant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .constraints import Catalogue, target
from .fastcox import RiskSets
from .search import Term
from .slots import Slot, risk_sets, slots_of
from .survival import Structure

BY_MONTH = 7
GAP_AFTER = 3  # months between event times after the early window
DEAD_MONTHS10 = 62  # 6.2 months: "in the seventh month", and the shortest follow-up (printed 6, "more than 6")
SWITCHED_CENSORED = (-9, -8, -4, -1)  # four censored patients (indices from the end of the exit order)

COVARIATES = ("age", "edss", "titer", "gender", "attacks")  # Table 4 order: age, pre-EDSS, titer, gender, attacks
COX_ROWS = {"age": "age-at-onset", "edss": "pre-edss", "titer": "aqp4-titer", "gender": "gender", "attacks": "attacks"}

TERMS = {
    "age_median": "table1-age-at-onset.median", "age_min": "table1-age-at-onset.min", "age_max": "table1-age-at-onset.max",
    "before_median": "table1-duration-before-tacrolimus.median", "before_min": "table1-duration-before-tacrolimus.min",
    "before_max": "table1-duration-before-tacrolimus.max",
    "fu_median": "table1-tacrolimus-duration.median", "fu_min": "table1-tacrolimus-duration.min",
    "fu_max": "table1-tacrolimus-duration.max",
    "arr_before": "table2-mean-arr.before", "arr_after": "table2-mean-arr.after", "arr_change": "table2-mean-arr.change",
    "arr_improved": "results-improved-arr.count", "arr_p": "table2-mean-arr-p.p",
    "edss_before": "table2-mean-edss.before", "edss_after": "table2-mean-edss.after", "edss_change": "table2-mean-edss.change",
    "edss_improved": "results-improved-edss.count", "edss_p": "table2-mean-edss-p.p", "edss_p_abstract": "abstract-edss-p.p",
    "sub_arr_before": "table3-mean-arr.before", "sub_arr_after": "table3-mean-arr.after", "sub_arr_change": "table3-mean-arr.change",
    "sub_arr_improved": "results-initial-improved-arr.count", "sub_arr_p": "table3-mean-arr-p.p",
    "sub_edss_before": "table3-mean-edss.before", "sub_edss_after": "table3-mean-edss.after",
    "sub_edss_change": "table3-mean-edss.change", "sub_edss_improved": "table3-improved-edss.percent",
    "sub_edss_p": "table3-mean-edss-p.p",
}
for _cov, _row in COX_ROWS.items():
    for _kind in ("crude", "adjusted"):
        for _role in (("p",) if _cov == "gender" else ("hr", "ci_low", "ci_high", "p")):
            if not (_cov == "titer" and _kind == "crude"):  # the crude titer row is the survival enumeration's
                TERMS[f"cox_{_kind}_{_cov}_{_role}"] = f"table4-{_row}-{_kind}.{_role}"


@dataclass(frozen=True)
class Design:
    """What the structure and the roles fix: slots, risk sets, event months, bounds of follow-up, subgroup."""

    slots: list[Slot]
    risk: RiskSets
    high: np.ndarray
    event: np.ndarray
    first_relapse: np.ndarray  # month of the first relapse (nan when censored)
    fu_lo: np.ndarray  # bounds of follow-up, tenths of a month
    fu_hi: np.ndarray
    initial: np.ndarray
    dead: int
    event_months: tuple[float, ...]
    dead_attacks: int = 4  # the onset attack and 3 relapses (results-death-history.relapses)
    dead_months_before: int = 30  # over two and a half years (results-death-history.years)


def design(structure: Structure, n_low: int, n_high: int, dead_attacks: int = 4, dead_months_before: int = 30) -> Design:
    """Lay the structure on months and fix the roles (see the module docstring)."""
    slots = slots_of(structure, n_low, n_high)
    m = len(structure)
    months, before_censoring = [], True
    gaps_seen = [s.exit for s in slots if not s.event]
    for j in range(1, m + 1):
        censored_before = any(g == j - 0.5 for g in gaps_seen)
        if censored_before and before_censoring:
            months.append(float(BY_MONTH))
            before_censoring = False
        elif before_censoring:
            months.append(float(j))
        else:
            months.append(months[-1] + GAP_AFTER)
    n = len(slots)
    lo, hi = np.full(n, 61), np.full(n, 344)
    first = np.full(n, np.nan)
    for i, s in enumerate(slots):
        if s.event:
            first[i] = months[int(s.exit) - 1]
        else:
            j = int(s.exit + 0.5)  # censored before event time j (j = m + 1: after the last)
            lo[i] = max(61, int(round(10 * months[j - 2])) if j >= 2 else 61)
            hi[i] = int(round(10 * months[j - 1])) - 1 if j <= m else 344
    high = np.array([s.high for s in slots])
    event = np.array([s.event for s in slots])
    dead = int(np.flatnonzero(high & event)[3])  # the fourth high-titer first relapse
    lo[dead], hi[dead] = DEAD_MONTHS10, DEAD_MONTHS10
    initial = np.ones(n, bool)
    initial[dead] = False
    censored = np.flatnonzero(~event)
    initial[censored[list(SWITCHED_CENSORED)]] = False
    return Design(slots, risk_sets(slots, m), high, event, first, lo, hi, initial, dead, tuple(months), dead_attacks,
                  dead_months_before)


def terms(cat: Catalogue) -> list[Term]:
    """Every printed value the search aims at, with its claim id and role."""
    return [Term(name, target(cat, ref)) for name, ref in TERMS.items()]


