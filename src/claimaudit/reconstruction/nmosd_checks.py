"""The constraints of the two NMOSD cohorts, each computed from the written extract by the metrics functions.

Definitions are those of docs/extract-format.md, section 4, through :mod:`claimaudit.data.cohorts`
(relapse: an attack after month 0; ARR per patient 12·count/months, averaged over patients;
titer groups low < 1:64 ≤ high; time to the first relapse, censored at the last follow-up; Cox
with Breslow ties, Wald CI and P; Wilcoxon and Mann-Whitney asymptotic, tie-corrected, no
continuity correction; Fisher two-sided).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..metrics.cox import cox_ph
from ..metrics.fisher import fisher_exact_p
from ..metrics.kaplan_meier import survival_at_end
from ..metrics.logrank import logrank
from ..metrics.mann_whitney import mann_whitney_u
from ..metrics.wilcoxon import wilcoxon_signed_rank
from .provenance import Check

EXACT = "exact: counts and sums of recorded values as fractions"


def _exact(values) -> list[Fraction]:
    return [Fraction(repr(float(v))) for v in values]


def mean(values) -> Fraction:
    """The exact mean of recorded decimal values."""
    v = _exact(values)
    return sum(v, Fraction(0)) / len(v)


def median(values) -> Fraction:
    """The exact median (the middle value, or the mean of the two middle ones)."""
    v = sorted(_exact(values))
    k = len(v) // 2
    return v[k] if len(v) % 2 else (v[k - 1] + v[k]) / 2


def _cox(df: pd.DataFrame, covariates: list[str], ties: str = "breslow"):
    X = np.column_stack([_covariate(df, c) for c in covariates])
    return cox_ph(df["time_to_first_relapse"], df["relapsed"].astype(int), X, ties=ties, names=covariates, strict=False)


def _covariate(df: pd.DataFrame, name: str) -> np.ndarray:
    return {"age": df["age_at_onset_years"], "edss": df["edss_before"], "titer": df["aqp4_titer_group"] == "high",
            "gender": df["sex"] == "male", "attacks": df["attacks_before_treatment"]}[name].to_numpy(float)


COX_DEF = "Cox proportional hazards, time to the first relapse (censored at the last follow-up), Breslow ties (SPSS), Wald CI (z = 1.959964) and P"
ROWS = {"age": "age-at-onset", "edss": "pre-edss", "titer": "aqp4-titer", "gender": "gender", "attacks": "attacks"}
ALL = ["age", "edss", "titer", "gender", "attacks"]


def tacrolimus(t: pd.DataFrame, relapses: pd.DataFrame, gender_proof: str = "") -> list[Check]:
    """Every constraint of the tacrolimus cohort, computed on its derived frame ``t`` and its relapses.

    ``gender_proof``: the proof that the crude gender P cannot hold (see :func:`.implications.gender_proof`), if any.
    """
    n = len(t)
    sub = t[t["initial_immunosuppressant"]]
    out: list[Check] = []

    def count(ref, mask, what, pct_ref=None):
        out.append(Check(ref, lambda m=mask: int(m.sum()), f"count of patients: {what}"))
        if pct_ref:
            out.append(Check(pct_ref, lambda m=mask: Fraction(100 * int(m.sum()), len(m)), f"percent of the {len(mask)}: {what}"))

    out.append(Check("table1-patients.n", lambda: n, "rows of patients with arm tacrolimus"))
    count("table1-female.count", t["sex"] == "female", "sex female", "table1-female.percent")
    for ref, col in (("table1-age-at-onset", "age_at_onset_years"), ("table1-duration-before-tacrolimus", "disease_months_before_drug"),
                     ("table1-tacrolimus-duration", "months_on_drug")):
        out.append(Check(f"{ref}.median", lambda c=col: median(t[c]), f"median of {col} ({EXACT})"))
        out.append(Check(f"{ref}.min", lambda c=col: Fraction(repr(float(t[c].min()))), f"minimum of {col}"))
        out.append(Check(f"{ref}.max", lambda c=col: Fraction(repr(float(t[c].max()))), f"maximum of {col}"))
    out.append(Check("methods-inclusion-tacrolimus.months", lambda: Fraction(repr(float(t["months_on_drug"].min()))),
                     "shortest months_on_drug, above the printed 'more than 6 months'", above=True))
    out.append(Check("table5-treatment-duration-tacrolimus.median", lambda: median(t["months_on_drug"]), "median of months_on_drug"))
    out.append(Check("table5-age-at-onset-tacrolimus.median", lambda: median(t["age_at_onset_years"]), "median of age_at_onset_years"))
    count("table1-aqp4-positive.count", t["aqp4_igg_positive"], "AQP4-IgG positive", "table1-aqp4-positive.percent")
    count("table1-titer-low.count", t["aqp4_titer_group"] == "low", "titer below 1:64 or none", "table1-titer-low.percent")
    count("table1-titer-high.count", t["aqp4_titer_group"] == "high", "titer 1:64 or more", "table1-titer-high.percent")
    for name, col in (("ivig", "prior_ivig"), ("interferon", "prior_interferon_beta"), ("plasmapheresis", "prior_plasmapheresis"),
                      ("azathioprine", "prior_azathioprine"), ("cyclophosphamide", "prior_cyclophosphamide"),
                      ("mycophenolate", "prior_mycophenolate")):
        count(f"table1-previous-{name}.count", t[col], col, f"table1-previous-{name}.percent")
    count("results-standard-dose.count", t["tacrolimus_dose_mg_per_day"].between(2, 3), "dose 2-3 mg/d", "results-standard-dose.percent")
    count("results-prednisone.count", t["concomitant_prednisone"], "concomitant prednisone", "results-prednisone.percent")
    count("results-rescue-therapy.total", t["prior_ivig"] | t["prior_plasmapheresis"], "IVIG or plasmapheresis")
    count("results-switched.total", ~t["initial_immunosuppressant"], "switched from another immunosuppressant")
    count("results-initial-immunosuppressant.count", t["initial_immunosuppressant"], "tacrolimus the first immunosuppressant",
          "results-initial-immunosuppressant.percent")
    count("results-relapsed.count", t["relapsed"], "at least one relapse", "results-relapsed.percent")
    out.append(Check("results-total-relapses.total", lambda: int(t["relapses_on_treatment"].sum()), "sum of relapses on treatment"))
    count("results-relapse-free.count", ~t["relapsed"], "no relapse", "results-relapse-free.percent")
    early = relapses["relapse_month"] <= 7
    out.append(Check("results-early-relapses.count", lambda: int(early.sum()), "relapses with months_from_drug_start <= 7"))
    out.append(Check("results-early-relapses.percent", lambda: Fraction(100 * int(early.sum()), len(early)), "percent of all relapses"))
    improved = t["arr_after"] < t["arr_before"]
    count("results-improved-arr.count", improved, "ARR after < ARR before", "table2-improved-arr.percent")
    out += _means(t, "table2", "arr", "per-patient ARR (12 · count / months) averaged over the patients")
    out += _means(t, "table2", "edss", "mean EDSS before and at the last follow-up")
    out.append(Check("table2-mean-arr-p.p", lambda: wilcoxon_signed_rank(t["arr_before"], t["arr_after"]).p, "Wilcoxon signed-rank, asymptotic"))
    out.append(Check("table2-mean-edss-p.p", lambda: wilcoxon_signed_rank(t["edss_before"], t["edss_last"]).p, "Wilcoxon signed-rank, asymptotic"))
    out.append(Check("abstract-edss-p.p", lambda: wilcoxon_signed_rank(t["edss_before"], t["edss_last"]).p, "Wilcoxon signed-rank, asymptotic"))
    count("results-improved-edss.count", t["edss_improved_or_stable"], "EDSS last <= EDSS before", "table2-improved-edss.percent")
    out.append(Check("table2-relapse-free.percent", lambda: Fraction(100 * int((~t["relapsed"]).sum()), n), "percent relapse-free"))
    # Table 3: the initial users
    out += _means(sub, "table3", "arr", "per-patient ARR averaged over the initial users")
    out += _means(sub, "table3", "edss", "mean EDSS of the initial users")
    out.append(Check("table3-mean-arr-p.p", lambda: wilcoxon_signed_rank(sub["arr_before"], sub["arr_after"]).p, "Wilcoxon signed-rank, initial users"))
    out.append(Check("table3-mean-edss-p.p", lambda: wilcoxon_signed_rank(sub["edss_before"], sub["edss_last"]).p, "Wilcoxon signed-rank, initial users"))
    count("results-initial-improved-arr.count", sub["arr_after"] < sub["arr_before"], "initial users with ARR after < before",
          "table3-improved-arr.percent")
    count("results-initial-relapse-free.count", ~sub["relapsed"], "initial users without a relapse", "table3-relapse-free.percent")
    out.append(Check("table3-improved-edss.percent", lambda: Fraction(100 * int(sub["edss_improved_or_stable"].sum()), len(sub)),
                     "percent of initial users with EDSS last <= before"))
    # survival
    for group, role in (("low", "survival_low"), ("high", "survival_high")):
        g = t[t["aqp4_titer_group"] == group]
        out.append(Check(f"results-km.{role}", lambda g=g: survival_at_end(g["time_to_first_relapse"], g["relapsed"].astype(int)),
                         f"Kaplan-Meier relapse-free proportion at the end of follow-up, {group} titer group"))
    out.append(Check("results-logrank-p.p", lambda: logrank(t["time_to_first_relapse"], t["relapsed"].astype(int), (t["aqp4_titer_group"] == "high").astype(int)).p,
                     "log-rank (Mantel-Cox), titer groups"))
    for kind, covs in (("crude", None), ("adjusted", ALL)):
        for cov in ALL:
            roles = ("p",) if cov == "gender" else ("hr", "ci_low", "ci_high", "p")
            for k, role in enumerate(("hr", "ci_low", "ci_high", "p")):
                if role in roles:
                    ref = f"table4-{ROWS[cov]}-{kind}.{role}"
                    out.append(_cox_check(t, ref, covs or [cov], cov, k, kind, gender_proof if ref == "table4-gender-crude.p" else ""))
    # adverse events and the death
    count("results-tolerated.part_2", t["died"], "died")
    count("results-tolerated.part_1", ~t["died"], "did not die")
    mild = t["adverse_event"] & ~t["severe_adverse_event"]
    count("results-mild-ae-sum.total", mild, "an adverse event, none severe")
    for name, col in (("hand-tremor", "had_hand_tremor"), ("skin-rash", "had_skin_rash"), ("herpes-zoster", "had_herpes_zoster")):
        count(f"results-{name}.count", t[col], col, f"results-{name}.percent")
    count("table5-adverse-events-p.count_1", t["adverse_event"], "any adverse event", "table5-legend-ae-tacrolimus.percent")
    count("table5-severe-adverse-events-p.count_1", t["severe_adverse_event"], "a severe adverse event", "table5-legend-severe-ae-tacrolimus.percent")
    dead = t[t["died"]]
    out.append(Check("results-death-history.relapses", lambda: int(dead["attacks_before_treatment"].iloc[0]) - 1,
                     "pre-treatment attacks of the patient who died, less the onset attack", note="printed 3; read as at least 3 (constraint >= 3 checked by the search)"))
    return out


def _means(df: pd.DataFrame, table: str, what: str, definition: str) -> list[Check]:
    b, a = (("arr_before", "arr_after") if what == "arr" else ("edss_before", "edss_last"))
    ref = f"{table}-mean-{what}"

    def m(col):
        return mean(df[col]) if what == "edss" else float(df[col].mean())

    def change():
        mb, ma = m(b), m(a)
        return 100 * (mb - ma) / mb

    return [Check(f"{ref}.before", lambda: m(b), definition), Check(f"{ref}.after", lambda: m(a), definition),
            Check(f"{ref}.change", change, "100 · (mean before − mean after) / mean before")]


def _cox_check(t: pd.DataFrame, ref: str, covs: list[str], cov: str, k: int, kind: str, proof: str = "") -> Check:
    def value():
        fit = _cox(t, covs)
        return fit.triad(cov)[k]

    note = ""
    fit = _cox(t, covs)
    if not fit.converged:
        note = f"the fit does not converge ({', '.join(fit.diverged) or 'likelihood'} diverges: monotone likelihood); value after {fit.iterations} Newton steps"
    unstable = "" if fit.converged else ("the fit does not converge, so its values depend on where the iteration stops "
                                         "(SPSS and R print them with a warning)")
    return Check(ref, value, f"{COX_DEF}; {kind}: {', '.join(covs)}", note=note, impossible=proof, unstable=unstable)


def azathioprine(a: pd.DataFrame, t: pd.DataFrame) -> list[Check]:
    """Every constraint of the azathioprine cohort (and of Table 5's comparisons with tacrolimus)."""
    n = len(a)
    out: list[Check] = [Check("table5-patients.n_2", lambda: n, "rows of patients with arm azathioprine")]

    def pct(ref, mask, what):
        out.append(Check(ref, lambda: Fraction(100 * int(mask.sum()), n), f"percent of the {n}: {what}"))

    pct("table5-relapse-free-azathioprine.percent", ~a["relapsed"], "no relapse")
    pct("table5-improved-edss-azathioprine.percent", a["edss_improved_or_stable"], "EDSS last <= EDSS before")
    for ref, (b, c), exact in (("table5-arr-azathioprine", ("arr_before", "arr_after"), False),
                               ("table5-edss-azathioprine", ("edss_before", "edss_last"), True)):
        def m(col, exact=exact):
            return mean(a[col]) if exact else float(a[col].mean())
        out.append(Check(f"{ref}.before", lambda b=b, m=m: m(b), f"mean of {b}"))
        out.append(Check(f"{ref}.after", lambda c=c, m=m: m(c), f"mean of {c}"))
        out.append(Check(f"{ref}.change", lambda b=b, c=c, m=m: 100 * (m(b) - m(c)) / m(b), "100 · (mean before − mean after) / mean before"))
    out.append(Check("table5-age-at-onset-azathioprine.median", lambda: median(a["age_at_onset_years"]), "median of age_at_onset_years"))
    out.append(Check("table5-treatment-duration-azathioprine.median", lambda: median(a["months_on_drug"]), "median of months_on_drug"))
    out.append(Check("methods-inclusion-azathioprine.months", lambda: Fraction(repr(float(a["months_on_drug"].min()))),
                     "shortest months_on_drug, above the printed 'more than 6 months'", above=True))
    out.append(Check("table5-age-at-onset-p.p", lambda: mann_whitney_u(t["age_at_onset_years"], a["age_at_onset_years"]).p,
                     "Mann-Whitney U, asymptotic, tacrolimus vs azathioprine"))
    out.append(Check("table5-treatment-duration-p.p", lambda: mann_whitney_u(t["months_on_drug"], a["months_on_drug"]).p,
                     "Mann-Whitney U, asymptotic, tacrolimus vs azathioprine"))
    for ref, col in (("table5-relapse-free-p.p", "relapsed"), ("table5-improved-edss-p.p", "edss_improved_or_stable"),
                     ("table5-adverse-events-p.p", "adverse_event"), ("table5-severe-adverse-events-p.p", "severe_adverse_event")):
        flip = col == "relapsed"
        out.append(Check(ref, lambda col=col, flip=flip: float(fisher_exact_p(
            int((~t[col] if flip else t[col]).sum()), len(t), int((~a[col] if flip else a[col]).sum()), n)),
            f"Fisher exact two-sided, {'no relapse' if flip else col} by arm"))
    for ref, mask, what in (("results-azathioprine-ae.count", a["adverse_event"], "any adverse event"),
                            ("table5-severe-adverse-events-p.count_2", a["severe_adverse_event"], "a severe adverse event"),
                            ("results-azathioprine-agranulocytosis.count", a["had_agranulocytosis"], "agranulocytosis"),
                            ("results-azathioprine-liver-damage.count", a["had_liver_damage"], "liver damage"),
                            ("results-azathioprine-death.count", a["died"], "died")):
        out.append(Check(ref, lambda mask=mask: int(mask.sum()), f"count of patients: {what}"))
    pct("results-azathioprine-ae.percent", a["adverse_event"], "any adverse event")
    pct("table5-legend-severe-ae-azathioprine.percent", a["severe_adverse_event"], "a severe adverse event")
    pct("results-azathioprine-agranulocytosis.percent", a["had_agranulocytosis"], "agranulocytosis")
    pct("results-azathioprine-liver-damage.percent", a["had_liver_damage"], "liver damage")
    pct("results-azathioprine-death.percent", a["died"], "died")
    return out
