"""Recomputation from data (data/recompute.py, data/measures.py) on the clean hand-made extracts.

Every distinct data block of claims/*.yaml is recomputed on fixtures/extracts/valid/nmosd-small (Chen
2017) or mg-small (Wu 2022), and its values must equal the calculation written here by hand from
the CSV rows (the arithmetic is in the comments; test statistics apply the textbook formula to
ranks and sums worked out by hand). Those extracts do not reproduce the papers' numbers, so their
verdicts are mostly inconsistent: the values are asserted, not the verdicts. Verdicts are tested on
tiny extracts built here that do reproduce a claim (test_recompute_verdicts.py).

nmosd-small, tacrolimus (T01-T06), from patients.csv and attacks.csv:

    id   age  before on   titer  EDSS     pre-attacks  relapses at   initial  AE
    T01  31   16     11   32     4.5→2.0  3            3             yes      hand tremor
    T02   6    8      9   128    5.0→3.0  2            5, 8          yes
    T03  45   30      7   256    6.5→7.0  4            -             no (mmf) death (severe)
    T04  28    4     14   0      3.0→1.0  2            -             yes      herpes zoster
    T05  52   98     34   64     4.0→4.0  4            20            no (aza)
    T06  38    1      6   16     2.5→1.5  1            -             yes      skin rash

azathioprine (A01-A04): age 40 35 55 22; before 20 12 36 6; on 16 18 10 24; EDSS 4.5→4.0, 3.5→4.0,
5.5→5.5, 3.0→2.0; pre-attacks 2 2 3 2; relapses at 4, 12 | 10 | - | 15; AE agranulocytosis, liver
damage, death (all severe).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction as F
from pathlib import Path

import pytest
from scipy import optimize, stats

from claimaudit import load_paths
from claimaudit.data.cohorts import derive_cohorts
from claimaudit.data.extract import read_extract
from claimaudit.data.measures import MEASURES, DataSpec
from claimaudit.data.recompute import METRICS, SYNONYMS, recompute_claim
from claimaudit.verdict import Verdict

ROOT = Path(__file__).resolve().parents[2]
EXTRACTS = {"chen2017": ROOT / "fixtures/extracts/valid/nmosd-small", "wu2022": ROOT / "fixtures/extracts/valid/mg-small"}
Z = 1.959963984540054


def normal_p(z: float) -> float:
    """Two-sided normal P, 2·(1 − Φ(|z|))."""
    return math.erfc(abs(z) / math.sqrt(2))


def signed_rank_p(w_plus: float, n: int, ties: float = 0) -> float:
    """Wilcoxon z = (W+ − n(n+1)/4)/√(n(n+1)(2n+1)/24 − Σ(t³−t)/48), no continuity correction."""
    return normal_p((w_plus - n * (n + 1) / 4) / math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - ties / 48))


def rank_sum_p(u: float, nx: int, ny: int) -> float:
    """Mann-Whitney z = (U − nx·ny/2)/√(nx·ny·(nx+ny+1)/12), without ties."""
    return normal_p((u - nx * ny / 2) / math.sqrt(nx * ny * (nx + ny + 1) / 12))


def spearman_p(rho: float, n: int) -> float:
    """t = rho·√((n−2)/(1−rho²)) against Student's t with n − 2 df, two-sided (0 when |rho| = 1)."""
    if abs(rho) == 1:
        return 0.0
    return float(2 * stats.t.sf(abs(rho) * math.sqrt((n - 2) / (1 - rho**2)), n - 2))


def mean(xs) -> F:
    return sum(map(F, xs), F(0)) / len(xs)


def change(before, after):
    return 100 * (before - after) / before


# Tacrolimus survival: events at 3 (T01), 5 (T02), 20 (T05); censored T03 7, T04 14, T06 6; no tied times,
# so Breslow = Efron. Risk sets: all six at 3; T02-T06 at 5; T05 alone at 20 (it adds nothing).
RISK = [([0, 1, 2, 3, 4, 5], 0), ([1, 2, 3, 4, 5], 1)]


def univariate_cox(x: list[float]) -> dict[str, float]:
    """HR, Wald CI and P of one covariate: the root of the Breslow score Σ (x_event − Σ_R x e^{bx} / Σ_R e^{bx})."""
    def moments(b, risk):
        w = [math.exp(b * x[j]) for j in risk]
        m1 = sum(wj * x[j] for wj, j in zip(w, risk, strict=True)) / sum(w)
        m2 = sum(wj * x[j] ** 2 for wj, j in zip(w, risk, strict=True)) / sum(w)
        return m1, m2 - m1**2

    b = optimize.brentq(lambda b: sum(x[e] - moments(b, r)[0] for r, e in RISK), -5, 5, xtol=1e-14)
    se = 1 / math.sqrt(sum(moments(b, r)[1] for r, _ in RISK))
    return {"hr": math.exp(b), "ci_low": math.exp(b - Z * se), "ci_high": math.exp(b + Z * se), "p": normal_p(b / se)}


# ARR per tacrolimus patient, 12·attacks/months: before 12·3/16, 12·2/8, 12·4/30, 12·2/4, 12·4/98, 12·1/1;
# after 12·1/11, 12·2/9, 0, 0, 12·1/34, 0.
TAC_BEFORE = [F(36, 16), F(24, 8), F(48, 30), F(24, 4), F(48, 98), F(12)]
TAC_AFTER = [F(12, 11), F(24, 9), F(0), F(0), F(12, 34), F(0)]
INITIAL = [0, 1, 3, 5]  # T01, T02, T04, T06: tacrolimus as the first immunosuppressant
# Azathioprine: before 12·2/20, 12·2/12, 12·3/36, 12·2/6; after 12·2/16, 12·1/18, 0, 12·1/24.
AZA_BEFORE = [F(24, 20), F(24, 12), F(36, 36), F(24, 6)]
AZA_AFTER = [F(24, 16), F(12, 18), F(0), F(12, 24)]
# Titer, by hand: the score of x = high (T02, T03, T05) is 1 − u/(1+u) − 3u/(2+3u) with u = e^b, zero at u² = 2/3.
U = math.sqrt(2 / 3)
SE_TITER = 1 / math.sqrt(U / (1 + U) ** 2 + 6 * U / (2 + 3 * U) ** 2)

HAND_CHEN = {
    # Cohort sizes: 6 tacrolimus, 4 azathioprine patients.
    "abstract-tacrolimus-n": {"n": 6},
    "abstract-azathioprine-n": {"n": 4},
    "table5-patients": {"n_1": 6, "n_2": 4},
    # Mean ARR (per-patient): 25.34/6 = 4.223 before, 4.111/6 = 0.685 after, change 83.8 %.
    "abstract-arr-reduction": {"before": float(mean(TAC_BEFORE)), "after": float(mean(TAC_AFTER)),
                               "change": float(change(mean(TAC_BEFORE), mean(TAC_AFTER))), "direction": "decrease"},
    "discussion-arr": {"before": float(mean(TAC_BEFORE)), "after": float(mean(TAC_AFTER)), "direction": "decrease"},
    # EDSS: before (4.5+5+6.5+3+4+2.5)/6 = 25.5/6; after (2+3+7+1+4+1.5)/6 = 18.5/6; change 700/25.5 %.
    "abstract-edss": {"before": F(255, 60), "after": F(185, 60), "direction": "decrease"},
    "table2-mean-edss": {"before": F(255, 60), "after": F(185, 60), "change": F(700, 1) / F(255, 10)},
    "table2-mean-edss-before-grim": {"mean": F(255, 60)},
    "table2-mean-edss-after-grim": {"mean": F(185, 60)},
    # Wilcoxon EDSS: after − before = −2.5, −2, +0.5, −2, 0 (dropped), −1; ranks of |d|: 0.5→1, 1→2, 2,2→3.5, 2.5→5;
    # W+ = 1, n = 5, one pair of ties (2³ − 2 = 6).
    "abstract-edss-p": {"p": signed_rank_p(1, 5, 6), "direction": "decrease"},
    # Wilcoxon ARR: every after − before is negative, no ties: W+ = 0, n = 6.
    "results-arr-p": {"p": signed_rank_p(0, 6), "direction": "decrease"},
    # Log-rank low (T01 event 3, T04 c14, T06 c6) vs high (T02 event 5, T03 c7, T05 event 20):
    # t=3: n=6, n_low=3, d=1 (low): E=1/2, V=1/4; t=5: n=5, n_low=2, d=1: E=2/5, V=6/25; t=20: n_low=0.
    # O−E = 1 − 0.9, V = 0.49, chi² = 0.01/0.49.
    "abstract-logrank-p": {"p": normal_p(math.sqrt(0.01 / 0.49))},
    "abstract-aqp4-titer-hr": {"hr": U, "ci_low": U * math.exp(-Z * SE_TITER), "ci_high": U * math.exp(Z * SE_TITER),
                               "p": normal_p(math.log(U) / SE_TITER), "direction": "lower"},
    "table4-age-at-onset-crude": univariate_cox([31, 6, 45, 28, 52, 38]),
    "table4-pre-edss-crude": univariate_cox([4.5, 5.0, 6.5, 3.0, 4.0, 2.5]),
    "results-attacks-crude-p": univariate_cox([3, 2, 4, 2, 4, 1]),
    # KM: low 3 at risk, relapse at 3 → 2/3, then censored; high: relapse at 5 of 3 → 2/3, T03 censored at 7,
    # relapse at 20 of 1 → 0.
    "results-km": {"survival_low": 2 / 3, "survival_high": 0.0},
    # Doses 3, 1, 2, 2, 2.5, 3: 5 of 6 in 2-3 mg/d, 1 at 1 mg/d; every dose is 1 or in 2-3.
    "results-standard-dose": {"count": 5, "percent": F(500, 6)},
    "results-dosing-sum": {"part_1": 5, "part_2": 1},
    "results-tacrolimus-doses": {"holds": True},
    # Prednisone T01, T02, T05: 3 of 6 = 50 %.
    "results-prednisone": {"count": 3, "percent": 50},
    # Previous IVIG or plasmapheresis: T02 (both) → 1 patient.
    "results-rescue-therapy": {"total": 1},
    "results-interferon-patient": {"count": 1},  # T04
    # Switched: T03 (mycophenolate), T05 (azathioprine): 2; cyclophosphamide 0, azathioprine 1, mycophenolate 1.
    "results-switched": {"total": 2, "part_1": 0, "part_2": 1, "part_3": 1},
    # Relapsed T01, T02, T05: 3 of 6 = 50 %; relapses 1 + 2 + 1 = 4; relapse-free 3 of 6.
    "results-relapsed": {"count": 3, "percent": 50},
    "results-total-relapses": {"total": 4, "part_1": 3},
    "results-relapse-free": {"count": 3, "n": 6, "percent": 50},
    "results-relapse-status-sum": {"part_1": 3, "part_2": 3},
    # Relapses at 3, 5, 8, 20 months: 2 of 4 within 7 months = 50 %.
    "results-early-relapses": {"n": 4, "count": 2, "percent": 50},
    "results-early-relapse-window": {"count": 2},
    "discussion-early-relapses": {"count": 2, "n": 4},
    # ARR after < before for all 6 (2.25 > 1.09, 3 > 2.67, 1.6 > 0, 6 > 0, 0.49 > 0.35, 12 > 0).
    "results-improved-arr": {"count": 6, "n": 6, "percent": 100},
    # Female: all but T04, 5 of 6.
    "table1-female": {"count": 5, "percent": F(500, 6)},
    # Ages 6 28 31 38 45 52: median (31+38)/2; months before 1 4 8 16 30 98: (8+16)/2; on drug 6 7 9 11 14 34: (9+11)/2.
    "table1-age-at-onset": {"median": F(69, 2), "min": 6, "max": 52},
    "table1-duration-before-tacrolimus": {"median": 12, "min": 1, "max": 98},
    "table1-tacrolimus-duration": {"median": 10, "min": 6, "max": 34},
    "table5-age-at-onset-tacrolimus": {"median": F(69, 2)},
    "table5-treatment-duration-tacrolimus": {"median": 10},
    # Azathioprine ages 22 35 40 55: (35+40)/2; on drug 10 16 18 24: (16+18)/2.
    "table5-age-at-onset-azathioprine": {"median": F(75, 2)},
    "table5-treatment-duration-azathioprine": {"median": 17},
    # AQP4 positive: all but T04 (5 of 6); low titer T01 32, T04 0, T06 16 (3); high T02, T03, T05 (3).
    "table1-aqp4-positive": {"count": 5, "percent": F(500, 6)},
    "table1-titer-low": {"count": 3, "percent": 50},
    "table1-titer-high": {"count": 3, "percent": 50},
    "table1-titer-groups-sum": {"part_1": 3, "part_2": 3},
    "table1-high-titer-within-positive": {"total": 5, "part_1": 3},
    # One patient each: IVIG T02, interferon T04, plasmapheresis T02, azathioprine T05, mycophenolate T03 (1/6);
    # cyclophosphamide nobody.
    "table1-previous-ivig": {"count": 1, "percent": F(100, 6)},
    "table1-previous-interferon": {"count": 1, "percent": F(100, 6)},
    "table1-previous-plasmapheresis": {"count": 1, "percent": F(100, 6)},
    "table1-previous-azathioprine": {"count": 1, "percent": F(100, 6)},
    "table1-previous-cyclophosphamide": {"count": 0, "percent": 0},
    "table1-previous-mycophenolate": {"count": 1, "percent": F(100, 6)},
    # Deaths: T03 (tacrolimus), A03 (azathioprine); 5 tacrolimus patients alive.
    "fig1-death": {"deaths": 1},
    "results-tolerated": {"part_1": 5, "part_2": 1},
    "discussion-deaths": {"tacrolimus": 1, "azathioprine": 1},
    # T03's attacks before tacrolimus: 4, the onset one among them → 3 relapses; she died at month 7, in (6, 7].
    "results-death-history": {"relapses": 3},
    "results-death-month": {"holds": True},
    # EDSS improved or stable: all but T03 (6.5 → 7.0): 5 of 6.
    "results-improved-edss": {"count": 5, "percent": F(500, 6)},
    # Initial immunosuppressant: T01, T02, T04, T06, 4 of 6.
    "results-initial-immunosuppressant": {"count": 4, "percent": F(400, 6)},
    "results-initial-sum": {"part_1": 4},
    "results-initial-arr": {"before": float(mean([TAC_BEFORE[i] for i in INITIAL])),
                            "after": float(mean([TAC_AFTER[i] for i in INITIAL])), "direction": "decrease"},
    # (2.25 + 3 + 6 + 12)/4 = 93/16 before; (12/11 + 24/9 + 0 + 0)/4 after.
    "table3-mean-arr": {"before": 93 / 16, "after": float((F(12, 11) + F(24, 9)) / 4),
                        "change": float(change(F(93, 16), (F(12, 11) + F(24, 9)) / 4))},
    "table3-arr-before-subgroup": {"mean": float(mean([TAC_BEFORE[i] for i in INITIAL]))},  # (2.25+3+6+12)/4
    "table3-arr-after-subgroup": {"mean": float(mean([TAC_AFTER[i] for i in INITIAL]))},  # (12/11 + 24/9)/4
    # Initial ARR, Wilcoxon: 4 negative differences, W+ = 0, n = 4.
    "results-initial-arr-p": {"p": signed_rank_p(0, 4), "direction": "decrease"},
    # Initial EDSS: (4.5+5+3+2.5)/4 = 3.75 → (2+3+1+1.5)/4 = 1.875, change 50 %; d = −2.5, −2, −2, −1:
    # W+ = 0, n = 4, one tie pair.
    "results-initial-edss": {"before": F(15, 4), "after": F(15, 8), "direction": "decrease"},
    "table3-mean-edss": {"before": F(15, 4), "after": F(15, 8), "change": 50},
    "table3-mean-edss-before-grim": {"mean": F(15, 4)},
    "table3-mean-edss-after-grim": {"mean": F(15, 8)},
    "results-initial-edss-p": {"p": signed_rank_p(0, 4, 6), "direction": "decrease"},
    "results-initial-improved-arr": {"count": 4, "percent": 100},
    "results-initial-relapse-free": {"count": 2, "percent": 50},  # T04, T06 of 4
    "results-initial-edss-all": {"holds": True},
    "table3-improved-edss": {"percent": 100},
    # Azathioprine ARR: before (1.2+2+1+4)/4 = 2.05, after (1.5+0.667+0+0.5)/4 = 0.667.
    "results-azathioprine-arr-reduction": {"before": float(mean(AZA_BEFORE)), "after": float(mean(AZA_AFTER)),
                                           "change": float(change(mean(AZA_BEFORE), mean(AZA_AFTER))), "direction": "decrease"},
    # Azathioprine EDSS: (4.5+3.5+5.5+3)/4 = 4.125 → (4+4+5.5+2)/4 = 3.875, change 100·1/16.5.
    "results-azathioprine-edss-reduction": {"before": F(33, 8), "after": F(31, 8), "change": F(200, 33), "direction": "decrease"},
    "table5-edss-azathioprine-before-grim": {"mean": F(33, 8)},
    "table5-edss-azathioprine-after-grim": {"mean": F(31, 8)},
    # Fisher, relapse-free 3/6 vs 1/4: tables x = 0..4 weigh 1, 24, 90, 80, 15 (of 210); x = 3 (80): 1+24+80+15 = 120.
    "results-relapse-free-comparison": {"percent_1": 50, "percent_2": 25, "p": F(120, 210)},
    # Fisher, EDSS improved 5/6 vs 3/4: x = 4, 5, 6 weigh 15, 24, 6 (of 45); all ≤ 24 → 1.
    "results-improved-edss-comparison": {"percent_1": F(500, 6), "percent_2": 75, "p": 1},
    # Fisher, any AE 4/6 vs 3/4: x = 3..6 weigh 20, 60, 36, 4 (of 120), all ≤ 60 → 1.
    "table5-adverse-events-p": {"count_1": 4, "count_2": 3, "p": 1},
    # Fisher, severe AE 1/6 vs 3/4: x = 0..4 weigh 1, 24, 90, 80, 15 (of 210); ≤ 24: 1+24+15 = 40.
    "table5-severe-adverse-events-p": {"count_1": 1, "count_2": 3, "p": F(40, 210)},
    "table5-relapse-free-azathioprine": {"percent": 25},  # A03 of 4
    "table5-improved-edss-azathioprine": {"percent": 75},  # all but A02 (3.5 → 4.0)
    # Mann-Whitney, age: pooled order 6T 22A 28T 31T 35A 38T 40A 45T 52T 55A: tacrolimus ranks 1+3+4+6+8+9 = 31,
    # U = 31 − 21 = 10 of 24. Months on drug: 6T 7T 9T 10A 11T 14T 16A 18A 24A 34T: 1+2+3+5+6+10 = 27, U = 6.
    "table5-age-at-onset-p": {"p": rank_sum_p(10, 6, 4), "direction": "lower"},
    "table5-treatment-duration-p": {"p": rank_sum_p(6, 6, 4), "direction": "lower"},
    # Mild AEs (not severe): T01 hand tremor, T04 herpes zoster, T06 skin rash; any AE T01, T03, T04, T06.
    "results-mild-ae-of-remaining": {"total": 5, "part_1": 3},
    "results-mild-ae-sum": {"total": 3, "part_1": 1, "part_2": 1, "part_3": 1},
    "results-tacrolimus-ae-sum": {"part_1": 3},
    "results-hand-tremor": {"count": 1, "percent": F(100, 6)},
    "results-skin-rash": {"count": 1, "percent": F(100, 6)},
    "results-herpes-zoster": {"count": 1, "percent": F(100, 6)},
    "table5-legend-ae-tacrolimus": {"percent": F(400, 6)},
    "discussion-severe-ae-tacrolimus": {"percent": F(100, 6)},  # T03
    "table5-severe-within-total-tacrolimus": {"total": 4, "part_1": 1},
    # Azathioprine AEs: A01 agranulocytosis, A02 liver damage, A03 death, all severe: 3 of 4.
    "results-azathioprine-ae": {"count": 3, "percent": 75},
    "discussion-severe-ae-azathioprine": {"percent": 75},
    "results-azathioprine-severe-ae-sum": {"total": 3, "part_1": 1, "part_2": 1, "part_3": 1},
    "table5-severe-within-total-azathioprine": {"total": 3, "part_1": 3},
    "results-azathioprine-agranulocytosis": {"count": 1, "percent": 25},
    "results-azathioprine-liver-damage": {"count": 1, "percent": 25},
    "results-azathioprine-death": {"count": 1, "percent": 25},
    # Follow-up: tacrolimus 11 9 7 14 34 6 (every one >= 6; T06 is not > 6); azathioprine 16 18 10 24 (> 6).
    "discussion-last-evaluation": {"holds": True},
    "methods-inclusion-tacrolimus": {"holds": False},
    "methods-inclusion-azathioprine": {"holds": True},
}

# mg-small, M01-M06 (mg_patients.csv), and controls C01-C03 (biomarkers.csv).
# Every molecule ranks the patients alike at baseline (M04 < M06 < M02 < M05 < M01 < M03): ranks M01..M06 =
# 5, 3, 6, 1, 4, 2, so molecule with molecule gives rho = 1. QMG and MMT at baseline rank them 3, 5, 1, 6, 2, 4:
# d = 2, −2, 5, −5, 2, −2, Σd² = 66, rho = 1 − 6·66/(6·35). MG-ADL 5 4 3 6 4 5 ranks 4.5 2.5 1 6 2.5 4.5 (ties):
# Pearson of the ranks = −12.5/√(17.5·16.5).
RHO_SCORE = 1 - 6 * 66 / (6 * 35)
RHO_ADL = -12.5 / math.sqrt(17.5 * 16.5)
# Every patient's level exceeds every control's at baseline: U = 6·3 = 18 for each molecule.
# Each molecule fell in M01-M05 and rose in M06 by the smallest |change|: W+ = 1, n = 6, no ties.
# In the 4 who improved (M01, M02, M03, M05) every level fell: W+ = 0, n = 4.
HAND_WU = {
    # Scores, baseline → 12 m (after − before): QMG −4 −5 −3 −2 −3 +2: |d| ranks 2,2→1.5; 3,3→3.5; 4→5; 5→6;
    # W+ = 1.5, ties 6 + 6. MMT −7 −8 −6 −4 −5 +2: W+ = 1. MG-ADL −3 −2 −2 −1 −1 +1: 1s → 2, 2s → 4.5, W+ = 2,
    # ties 24 + 6. MG-QOL15 −5 −2 −3 −2 −3 +2: 2s → 2, 3s → 4.5, W+ = 2, ties 24 + 6.
    "qmg-p": {"p": signed_rank_p(1.5, 6, 12), "direction": "decrease"},
    "mmt-p": {"p": signed_rank_p(1, 6), "direction": "decrease"},
    "adl-p": {"p": signed_rank_p(2, 6, 30), "direction": "decrease"},
    "qol15-p": {"p": signed_rank_p(2, 6, 30), "direction": "decrease"},
    # Means: course 3.5+6+2.5+8+4+5.5 = 29.5 over 6; onset 34+41+29+52+37+45 = 238 over 6.
    "disease-course-mean": {"mean": F(295, 60)},
    "onset-age-mean": {"mean": F(238, 6)},
    # Medians of six: QMG 8 9 10 11 12 14 → 10.5 and 5 6 6 7 12 13 → 6.5; MMT 9 10 11 12 14 16 → 11.5 and
    # 3 4 5 6 12 14 → 5.5; ADL 3 4 4 5 5 6 → 4.5 and 1 2 2 3 5 6 → 2.5; QOL 9 10 10 11 12 15 → 10.5 and
    # 6 7 8 8 12 13 → 8; prednisone 20 25 30 30 35 40 → 30 and 7.5 10 12.5 15 20 25 → 13.75.
    "qmg-baseline": {"median": F(21, 2)}, "qmg-12-months": {"median": F(13, 2)},
    "mmt-baseline": {"median": F(23, 2)}, "mmt-12-months": {"median": F(11, 2)},
    "adl-baseline": {"median": F(9, 2)}, "adl-12-months": {"median": F(5, 2)},
    "qol15-baseline": {"median": F(21, 2)}, "qol15-12-months": {"median": 8},
    "prednisone-baseline": {"median": 30}, "prednisone-12-months": {"median": F(55, 4)},
    # Prednisone fell in all six (−20 −25 −12.5 −10 −17.5 −5).
    "prednisone-decrease": {"direction": "decrease", "p": signed_rank_p(0, 6)},
    # Status: minimal manifestation M01, M03 (2 of 6); improved M02, M05.
    "minimal-manifestation-percent": {"percent": F(200, 6)},
    "improved-count": {"part_1": 2},
    **{f"hc-{m}-higher": {"direction": "higher", "p": rank_sum_p(18, 6, 3)}
       for m in ("spd1", "sicos", "scd40", "scd40l", "il2", "spdl1", "sicosl", "scd25")},
    **{f"m12-{m}-decrease": {"direction": "decrease", "p": signed_rank_p(1, 6)} for m in ("spd1", "sicosl", "scd40", "scd25", "il2")},
    **{f"improved-{m}-decrease": {"direction": "decrease", "p": signed_rank_p(0, 4)} for m in ("spd1", "sicosl", "scd25")},
    "corr-scd25-qmg": {"rho": RHO_SCORE, "p": spearman_p(RHO_SCORE, 6), "direction": "negative"},
    "corr-scd25-mmt": {"rho": RHO_SCORE, "p": spearman_p(RHO_SCORE, 6), "direction": "negative"},
    "corr-scd40-adl": {"rho": RHO_ADL, "p": spearman_p(RHO_ADL, 6), "direction": "negative"},
    "corr-il2-adl": {"rho": RHO_ADL, "p": spearman_p(RHO_ADL, 6), "direction": "negative"},
    **{f"corr-{a}-{b}": {"rho": 1.0, "p": 0.0, "direction": "positive"}
       for a, b in (("il2", "spd1"), ("il2", "spdl1"), ("il2", "sicos"), ("il2", "sicosl"), ("il2", "scd40"),
                    ("spd1", "spdl1"), ("spd1", "sicos"), ("spd1", "sicosl"))},
}

#: Data blocks these extracts cannot decide, with the verdict and why.
UNDECIDED = {
    "results-prednisone-dose": (Verdict.NOT_CHECKABLE, "name 'prednisone_dose_mg_per_day' is not defined"),
    "tacrolimus-dose": (Verdict.NOT_CHECKABLE, "name 'tacrolimus_mg_per_day' is not defined"),
    # Five covariates and three events: the likelihood has no finite maximum.
    "results-aqp4-titer-adjusted-p": (Verdict.UNDETERMINED, "does not converge"),
    "results-attacks-adjusted-p": (Verdict.UNDETERMINED, "does not converge"),
    "table4-age-at-onset-adjusted": (Verdict.UNDETERMINED, "does not converge"),
    "table4-pre-edss-adjusted": (Verdict.UNDETERMINED, "does not converge"),
    "table4-gender-adjusted": (Verdict.UNDETERMINED, "does not converge"),
    # The only man (T04) did not relapse: monotone likelihood.
    "table4-gender-crude": (Verdict.UNDETERMINED, "monotone likelihood"),
}

CLAIMS = load_paths([ROOT / "claims"])


def blocks() -> list[list]:
    """The claims of each distinct data block, in file order (claims sharing an anchor share a block)."""
    out: dict[tuple[str, str], list] = {}
    for c in CLAIMS:
        if c.data is not None:
            out.setdefault((c.source.id, json.dumps(c.data, sort_keys=True)), []).append(c)
    return list(out.values())


@pytest.fixture(scope="module")
def cohorts():
    return {source: derive_cohorts(read_extract(folder)) for source, folder in EXTRACTS.items()}


def same(recomputed, hand, rel: float = 1e-12) -> bool:
    """Exact for counts, percentages and means (Fractions); floats to ``rel`` (formulas evaluated in another order)."""
    if isinstance(hand, float) or isinstance(recomputed, float):
        return recomputed == pytest.approx(float(hand), rel=rel, abs=1e-15)
    return F(recomputed) == F(hand)


@pytest.mark.parametrize("block", blocks(), ids=lambda b: f"{b[0].source.id}::{b[0].id}")
def test_recomputed_values_equal_the_hand_calculation(block, cohorts):
    first = block[0]
    if first.id in UNDECIDED:
        verdict, why = UNDECIDED[first.id]
        for claim in block:
            result = recompute_claim(claim, cohorts[claim.source.id], "extract")
            assert (result.verdict, why in result.explanation) == (verdict, True), result.explanation
        return
    hand = {**HAND_CHEN, **HAND_WU}[first.id]
    measured = MEASURES[first.data["metric"]](DataSpec.of(first.data), cohorts[first.source.id])
    rel = 1e-8 if first.data["metric"] == "cox" else 1e-12  # Newton-Raphson stops at R's eps = 1e-9 on the log likelihood
    for role, value in hand.items():
        got = {"direction": measured.direction, "holds": measured.holds and measured.holds[0]}.get(role, measured.values.get(role))
        assert got is not None, f"{role} not recomputed"
        assert same(got, value, rel) if role not in ("direction", "holds") else got == value, (role, got, value)
    printed = {SYNONYMS.get(r, r) if r not in measured.values else r for c in block for r in c.reported}
    unchecked = (printed & set(measured.values)) - set(hand)
    assert not unchecked, f"recomputed but not worked out by hand: {sorted(unchecked)}"


def test_every_distinct_data_block_has_a_hand_calculation_or_a_reason():
    firsts = {b[0].id for b in blocks()}
    assert firsts <= set(HAND_CHEN) | set(HAND_WU) | set(UNDECIDED)
    assert not (set(HAND_CHEN) | set(HAND_WU) | set(UNDECIDED)) - firsts, "hand calculations for blocks that no longer exist"


def test_every_data_block_names_an_implemented_metric_and_evaluates_on_the_clean_extract(cohorts):
    assert set(MEASURES) == METRICS
    first = {id(c): b[0].id for b in blocks() for c in b}
    for claim in CLAIMS:
        if claim.data is None:
            continue
        assert claim.data["metric"] in METRICS, claim.id
        result = recompute_claim(claim, cohorts[claim.source.id], "extract")
        # Only the blocks listed in UNDECIDED may fail to evaluate; every other one decides something.
        if first[id(claim)] not in UNDECIDED:
            assert result.verdict in (Verdict.CONSISTENT, Verdict.INCONSISTENT), (claim.id, result.explanation)


def test_a_study_missing_from_the_extract_leaves_its_claims_not_checkable(cohorts):
    for claim in CLAIMS:
        if claim.data is None:
            continue
        other = cohorts["wu2022" if claim.source.id == "chen2017" else "chen2017"]
        result = recompute_claim(claim, other, "extract")
        assert result.verdict is Verdict.NOT_CHECKABLE, claim.id
        assert "is not in the data" in result.explanation, (claim.id, result.explanation)
