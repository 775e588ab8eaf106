"""The NMOSD extract of Chen 2017, both arms: the searched values laid out as patients, attacks and adverse events.

Everything a printed count fixes is assigned here, deterministically (the choices are listed in
:data:`CHOICES` and copied into the provenance): AQP4-IgG status and titers, previous therapies,
the switched patients' drugs, prednisone, doses, adverse events, the death. The searched values
come from :mod:`.tacrolimus_search` and :mod:`.azathioprine`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import azathioprine as aza
from . import tacrolimus as tac
from . import tacrolimus_search as ts
from .constraints import Catalogue
from .survival_decision import SurvivalDecision

SEED = 20170831  # Sci Rep 7:831, 2017
ROUNDS, FINAL_ROUNDS, AZA_ROUNDS = 600, 60, 10000
HIGH_TITERS, LOW_TITERS = (64, 128, 256), (10, 32)

CHOICES = (
    "Months: relapse months and follow-up in tenths of a month; the first four relapses (high titer) in months 1-4, the "
    "tied pair (one low, one high) in month 7, the last low-titer relapse in month 10; later relapses of a patient after "
    "month 7, so that 6 of the 9 relapses fall within 7 months.",
    "The patient who died is the fourth high-titer first relapse, switched from mycophenolate mofetil, followed 6.2 months "
    "(died in the seventh month; the shortest follow-up, printed 6, above the inclusion's 6 months); she had the onset "
    "attack and at least 3 relapses over at least 30 months before tacrolimus.",
    "The other four switched patients are censored patients (three from azathioprine, one from cyclophosphamide); "
    "interferon-beta, IVIG (2) and plasmapheresis (2) went to five different initial users (the 4 rescue-therapy "
    "patients are the 2 + 2 of Table 1, so no one had both).",
    "AQP4-IgG: high titers 1:64, 1:128, 1:256 in turn; the low group has the 3 seronegative patients and titers 1:10 "
    "and 1:32; the youngest patient (age at onset 6) is the child on 1 mg/d, the others 2 or 3 mg/d.",
    "Azathioprine: sex, AQP4-IgG, previous therapies and prednisone are not printed for this arm and no claim reads "
    "them: every patient is recorded female, AQP4-IgG positive at 1:64, without previous therapies (placeholders).",
    "Azathioprine: relapse-free patients first; adverse events: agranulocytosis 4, liver damage 2, death 1 (severe) and "
    "two mild events recorded as 'mild adverse event (unspecified)', on nine different patients.",
)


@dataclass(frozen=True)
class NmosdReconstruction:
    """The tables and what the search says about itself."""

    tables: dict[str, pd.DataFrame]
    tac_state: np.ndarray
    design: tac.Design
    aza_state: np.ndarray
    log: list[str]


def reconstruct(cat: Catalogue, decision: SurvivalDecision, tick=None) -> NmosdReconstruction:
    """Search both arms and lay them out as the three NMOSD tables."""
    (index,) = decision.outcomes["breslow"].joint[:1] or (None,)
    if index is None:  # no structure meets every survival number: take the nearest one
        index = decision.outcomes["breslow"].closest[0]
    structure = decision.structures[index]
    history = cat.printed("results-death-history.years").number
    design = tac.design(structure, decision.n_low, decision.n_high, 1 + cat.count("results-death-history.relapses"),
                        math.ceil(12 * history))
    terms = tac.terms(cat)
    state, log = ts.search(design, terms, seed=SEED, rounds=ROUNDS, final_rounds=FINAL_ROUNDS, tick=tick)
    g = {v: state[k] for v, k in ts.ROW.items()}
    a_state, relapsed, a_log = aza.search(cat, g["age"], g["fu"] / 10, seed=SEED + 1000, rounds=AZA_ROUNDS, tick=tick)
    patients_t, attacks_t, events_t = _tacrolimus(design, g)
    patients_a, attacks_a, events_a = _azathioprine(cat, a_state, relapsed)
    tables = {
        "patients": pd.concat([patients_t, patients_a], ignore_index=True),
        "attacks": pd.concat([attacks_t, attacks_a], ignore_index=True),
        "adverse_events": pd.concat([events_t, events_a], ignore_index=True),
    }
    return NmosdReconstruction(tables, state, design, a_state, log + a_log)


def _attacks(pid: str, before: float, attacks: int, relapse_months10: list[int]) -> list[dict]:
    """The onset attack at −before, the other pre-treatment attacks spread over (−before, 0), then the relapses."""
    rows = [{"patient_id": pid, "months_from_drug_start": -float(before), "is_onset_attack": True}]
    for k in range(1, attacks):
        rows.append({"patient_id": pid, "months_from_drug_start": -round(before * (1 - k / attacks), 1) or -0.1,
                     "is_onset_attack": False})
    rows += [{"patient_id": pid, "months_from_drug_start": m / 10, "is_onset_attack": False} for m in relapse_months10]
    return rows


def _relapse_months(first10: int, count: int, fu10: int, by10: int) -> list[int]:
    """The first relapse, then the others after the early window (and the first), spread up to the end of follow-up."""
    if count == 0:
        return []
    lo = max(first10, by10)
    gap = max(1, (fu10 - lo) // count)
    return [first10] + [min(lo + k * gap, fu10) for k in range(1, count)]


def _tacrolimus(d: tac.Design, g: dict) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n = len(d.slots)
    ids = [f"T{i + 1:02d}" for i in range(n)]
    high = d.high
    switched = np.flatnonzero(~d.initial)
    switched_from = np.full(n, None, object)
    switched_from[d.dead] = "mycophenolate"
    others = [i for i in switched if i != d.dead]
    for i, drug in zip(others, ("azathioprine", "azathioprine", "azathioprine", "cyclophosphamide"), strict=True):
        switched_from[i] = drug
    initial = np.flatnonzero(d.initial)
    low_initial = [i for i in initial if not high[i]]
    negative = set(low_initial[:3])
    titer = np.zeros(n, int)
    hi_k = lo_k = 0
    for i in range(n):
        if high[i]:
            titer[i], hi_k = HIGH_TITERS[hi_k % 3], hi_k + 1
        elif i not in negative:
            titer[i], lo_k = LOW_TITERS[lo_k % 2], lo_k + 1
    rescue = [i for i in initial if i not in negative][:5]  # interferon, IVIG ×2, plasmapheresis ×2
    youngest = int(np.argmin(g["age"]))
    dose = np.where(np.arange(n) % 2 == 0, 2.0, 3.0)
    dose[youngest] = 1.0
    prednisone = np.zeros(n, bool)
    prednisone[[i for i in range(n) if i != d.dead][:15]] = True
    patients = pd.DataFrame({
        "patient_id": ids, "arm": "tacrolimus", "sex": np.where(g["male"] == 1, "male", "female"),
        "age_at_onset_years": g["age"], "disease_months_before_drug": g["before"], "months_on_drug": g["fu"] / 10,
        "aqp4_igg_positive": titer > 0, "aqp4_titer": titer, "edss_before": g["edss_before"] / 2,
        "edss_last": g["edss_last"] / 2, "initial_immunosuppressant": d.initial, "switched_from": switched_from,
        "prior_ivig": np.isin(np.arange(n), rescue[1:3]), "prior_interferon_beta": np.isin(np.arange(n), rescue[:1]),
        "prior_plasmapheresis": np.isin(np.arange(n), rescue[3:5]),
        "prior_azathioprine": switched_from == "azathioprine", "prior_cyclophosphamide": switched_from == "cyclophosphamide",
        "prior_mycophenolate": switched_from == "mycophenolate", "concomitant_prednisone": prednisone,
        "tacrolimus_dose_mg_per_day": dose, "died": np.arange(n) == d.dead,
    })
    attacks = []
    for i in range(n):
        first10 = int(round(10 * d.first_relapse[i])) if d.event[i] else 0
        months = _relapse_months(first10, int(g["relapses"][i]) if d.event[i] else 0, int(g["fu"][i]), 10 * tac.BY_MONTH + 1)
        attacks += _attacks(ids[i], int(g["before"][i]), int(g["attacks"][i]), months)
    mild = [i for i in range(n) if i != d.dead][-3:]
    events = [{"patient_id": ids[d.dead], "event": "death", "severe": True}]
    events += [{"patient_id": ids[i], "event": e, "severe": False} for i, e in zip(mild, ("hand tremor", "skin rash", "herpes zoster"), strict=True)]
    return patients, pd.DataFrame(attacks), pd.DataFrame(events)


def _azathioprine(cat: Catalogue, s: np.ndarray, relapsed: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    g = {v: s[k] for v, k in aza.ROW.items()}
    n = s.shape[1]
    ids = [f"A{i + 1:02d}" for i in range(n)]
    events = [("agranulocytosis", True)] * 4 + [("liver damage", True)] * 2 + [("death", True)] + [("mild adverse event (unspecified)", False)] * 2
    died = np.zeros(n, bool)
    died[6] = True
    patients = pd.DataFrame({
        "patient_id": ids, "arm": "azathioprine", "sex": "female", "age_at_onset_years": g["age"],
        "disease_months_before_drug": g["before"] / 10, "months_on_drug": g["fu"] / 10, "aqp4_igg_positive": True,
        "aqp4_titer": 64, "edss_before": g["edss_before"] / 2, "edss_last": g["edss_last"] / 2,
        "initial_immunosuppressant": True, "switched_from": None, "prior_ivig": False, "prior_interferon_beta": False,
        "prior_plasmapheresis": False, "prior_azathioprine": False, "prior_cyclophosphamide": False,
        "prior_mycophenolate": False, "concomitant_prednisone": False, "tacrolimus_dose_mg_per_day": np.nan, "died": died,
    })
    attacks = []
    for i in range(n):
        count = int(g["relapses"][i]) if relapsed[i] else 0
        fu10 = int(g["fu"][i])
        months = [max(1, round(fu10 * (k + 1) / (count + 1))) for k in range(count)]
        attacks += _attacks(ids[i], g["before"][i] / 10, int(g["attacks"][i]), months)
    ae = pd.DataFrame([{"patient_id": ids[i], "event": e, "severe": sev} for i, (e, sev) in enumerate(events)])
    return patients, pd.DataFrame(attacks), ae
