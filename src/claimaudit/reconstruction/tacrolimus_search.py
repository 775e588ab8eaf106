"""The staged search for the tacrolimus cohort's patient values, every candidate scored in batch.

A state is an integer array, one row per variable of :data:`VARS` and one column per patient
(see :mod:`.tacrolimus`). Each stage moves some variables, keeps its *hard* terms met (a
candidate missing one scores 1000 per interval width of the miss) and brings its *soft* terms
nearer (the sum of their misses in interval widths), by
:func:`claimaudit.reconstruction.batch.descend` over every single change and every +1/−1 pair:

1. follow-up, relapses, attacks and months before the drug: the printed ARR means, their
   changes, the improved counts, the Wilcoxon Ps, and the medians and ranges of the durations;
2. attacks and months before the drug: the crude Cox row of the number of attacks;
3. ages: median and range, the crude Cox row of age at onset;
4. EDSS before: the means (all, initial users), the crude Cox row of pre-EDSS;
5. EDSS at the last follow-up: the means, changes, improved or stable counts, Wilcoxon Ps;
6. the two men: every placement is tried (an exhaustive answer for the crude gender P);
7. everything: the adjusted (five-covariate) Cox rows, every term met so far kept met, by single
   changes, pairs and swaps of values between interchangeable patients.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import combinations

import numpy as np

from .batch import crude_batch, descend, interval_distance, multi_batch, wilcoxon_batch
from .search import Term
from .tacrolimus import BY_MONTH, COVARIATES, Design

VARS = ("age", "before", "attacks", "edss_before", "edss_last", "fu", "relapses", "male")
ROW = {v: k for k, v in enumerate(VARS)}
LIMITS = {"age": (6, 55), "before": (1, 98), "attacks": (1, 30), "edss_before": (0, 20), "edss_last": (0, 20)}
ATTEMPTS = 2  # runs of a stage that misses (seeds in a fixed sequence)
FINAL_ATTEMPTS = 3  # runs of the adjusted-Cox stage (about 8 s each)
STEPS = {"age": (-2, -1, 1, 2), "before": (-5, -2, -1, 1, 2, 5), "attacks": (-1, 1), "edss_before": (-1, 1),
         "edss_last": (-1, 1), "fu": (-5, -1, 1, 5)}


def values_batch(d: Design, S: np.ndarray, adjusted: bool, names: set[str] | None = None, warm: bool = False) -> dict[str, np.ndarray]:
    """The achieved values for each candidate S[c] (variables × patients): all terms, or those in ``names``.

    ``warm``: the candidates are neighbours of one state, so every adjusted fit starts from the first
    candidate's (fitted from 0) and takes at most 10 Newton steps.
    """
    sub = d.initial
    g = {v: S[:, k] for v, k in ROW.items()}

    def want(*prefixes: str) -> bool:
        return names is None or any(n.startswith(prefixes) for n in names)

    out: dict[str, np.ndarray] = {}
    for v in ("age", "before"):
        if want(f"{v}_"):
            out[f"{v}_median"], out[f"{v}_min"], out[f"{v}_max"] = np.median(g[v], axis=1), g[v].min(axis=1), g[v].max(axis=1)
    fu = g["fu"] / 10
    if want("fu_"):
        out["fu_median"], out["fu_min"], out["fu_max"] = np.median(fu, axis=1), fu.min(axis=1), fu.max(axis=1)
    if want("arr_", "sub_arr"):
        arr_b, arr_a = 12 * g["attacks"] / g["before"], 12 * g["relapses"] / fu
        out["arr_improved"], out["sub_arr_improved"] = (arr_a < arr_b).sum(axis=1), (arr_a < arr_b)[:, sub].sum(axis=1)
        out["arr_p"], out["sub_arr_p"] = wilcoxon_batch(arr_b, arr_a), wilcoxon_batch(arr_b[:, sub], arr_a[:, sub])
        _means(out, "arr", arr_b, arr_a, sub)
    eb, el = g["edss_before"] / 2, g["edss_last"] / 2
    if want("edss_", "sub_edss"):
        out["edss_improved"], out["sub_edss_improved"] = (el <= eb).sum(axis=1), 100 * (el <= eb)[:, sub].mean(axis=1)
        out["edss_p"], out["sub_edss_p"] = wilcoxon_batch(eb, el), wilcoxon_batch(eb[:, sub], el[:, sub])
        out["edss_p_abstract"] = out["edss_p"]
        _means(out, "edss", eb, el, sub)
    x = {"age": g["age"].astype(float), "edss": eb, "titer": np.broadcast_to(d.high.astype(float), eb.shape),
         "gender": g["male"].astype(float), "attacks": g["attacks"].astype(float)}
    for cov in ("age", "edss", "attacks", "gender"):
        if want(f"cox_crude_{cov}"):
            rows = crude_batch(d.risk, x[cov])
            for k, role in enumerate(("hr", "ci_low", "ci_high", "p")):
                if cov != "gender" or role == "p":
                    out[f"cox_crude_{cov}_{role}"] = rows[:, k]
    if adjusted and want("cox_adjusted"):
        X = np.stack([x[c] for c in COVARIATES], axis=2)
        if warm and len(X) > 1:
            first = multi_batch(d.risk, X[:1])
            beta0 = np.log(first[0, :, 0])
            rows = multi_batch(d.risk, X, iterations=10, beta0=np.where(np.isfinite(beta0), beta0, 0.0))
        else:
            rows = multi_batch(d.risk, X)
        for j, cov in enumerate(COVARIATES):
            for k, role in enumerate(("hr", "ci_low", "ci_high", "p")):
                if cov != "gender" or role == "p":
                    out[f"cox_adjusted_{cov}_{role}"] = rows[:, j, k]
    return out


def _means(out: dict, prefix: str, b: np.ndarray, a: np.ndarray, sub: np.ndarray) -> None:
    for name, cols in ((prefix, slice(None)), (f"sub_{prefix}", sub)):
        mb, ma = b[:, cols].mean(axis=1), a[:, cols].mean(axis=1)
        out[f"{name}_before"], out[f"{name}_after"], out[f"{name}_change"] = mb, ma, 100 * (mb - ma) / mb


def fu_floor(d: Design, relapses: np.ndarray) -> np.ndarray:
    """The least follow-up (tenths) per patient: extra relapses come after the early window and after the first."""
    first = np.nan_to_num(10 * d.first_relapse).astype(int)
    need = np.maximum(10 * BY_MONTH + 1, first + 1)
    return np.where((relapses > 1) & d.event, np.maximum(d.fu_lo, need), d.fu_lo)


FIXED = {"before": (0, 1)}  # columns of the patients holding the printed minimum and maximum (see start)


def _extremes(d: Design) -> tuple[int, int]:
    """Two initial, relapse-free patients who hold the shortest (1 month) and longest (98 months) disease before the drug."""
    free = np.flatnonzero(~d.event & d.initial)
    return int(free[0]), int(free[-1])


def neighbours(d: Design, variables: tuple[str, ...], swaps: bool = False) -> Callable[[np.ndarray], list]:
    """Candidate states: single changes, +1/−1 pairs, relapse transfers, men moved; with ``swaps``, exchanges
    of (age), (EDSS before, last), (attacks, months before) or (sex) between patients of one group, exit and subgroup."""
    n = len(d.slots)
    relapsers = np.flatnonzero(d.event & (np.arange(n) != d.dead))
    transfers = np.array([(a, b) for a in relapsers for b in relapsers if a != b])
    pairs = np.array([(i, j) for i in range(n) for j in range(n) if i != j])
    anywhere = np.array(list(combinations(range(n), 2)))
    same = np.array([(i, j) for i, j in combinations(range(n), 2) if d.slots[i] == d.slots[j] and d.initial[i] == d.initial[j]])
    bundles = (("age",), ("edss_before", "edss_last"), ("attacks", "before"), ("male",))
    lo_patient, hi_patient = _extremes(d)

    def make(s: np.ndarray) -> np.ndarray:
        out = []
        for v in variables:
            r = ROW[v]
            if v == "relapses":
                c = np.repeat(s[None], len(transfers), 0)
                c[np.arange(len(c)), r, transfers[:, 0]] -= 1
                c[np.arange(len(c)), r, transfers[:, 1]] += 1
                c = c[c[:, r].min(axis=1) >= 0]
                c = c[(c[:, r][:, d.event] >= 1).all(axis=1)]
                c[:, ROW["fu"]] = np.maximum(c[:, ROW["fu"]], fu_floor(d, c[:, r]))
                out.append(c)
            elif v == "male":
                men, women = np.flatnonzero(s[r]), np.flatnonzero(s[r] == 0)
                c = np.repeat(s[None], len(men) * len(women), 0)
                k = np.arange(len(c))
                c[k, r, np.repeat(men, len(women))] = 0
                c[k, r, np.tile(women, len(men))] = 1
                out.append(c)
            else:
                if v == "attacks" and "before" in variables:  # one attack more or less, months scaled: ARR before nearly kept
                    for step in (-1, 1):
                        c = np.repeat(s[None], n, 0)
                        a = s[r] + step
                        ok = a >= 1
                        c[np.arange(n), r, np.arange(n)] = np.where(ok, a, s[r])
                        scaled = np.clip(np.round(s[ROW["before"]] * np.maximum(a, 1) / s[r]), 1, 98).astype(int)
                        c[np.arange(n), ROW["before"], np.arange(n)] = np.where(ok, scaled, s[ROW["before"]])
                        out.append(c[ok])
                steps = np.array(STEPS[v])
                c = np.repeat(s[None], n * len(steps), 0)
                c[np.arange(len(c)), r, np.repeat(np.arange(n), len(steps))] += np.tile(steps, n)
                if v != "fu":
                    p = np.repeat(s[None], len(pairs), 0)
                    p[np.arange(len(p)), r, pairs[:, 0]] += 1
                    p[np.arange(len(p)), r, pairs[:, 1]] -= 1
                    w = np.repeat(s[None], len(anywhere), 0)  # exchange two patients' values
                    k = np.arange(len(w))
                    w[k, r, anywhere[:, 0]], w[k, r, anywhere[:, 1]] = s[r, anywhere[:, 1]], s[r, anywhere[:, 0]]
                    c = np.concatenate([c, p, w[(w != s[None]).any(axis=(1, 2))]])
                    lo, hi = LIMITS[v]
                    c = c[(c[:, r].min(axis=1) >= lo) & (c[:, r].max(axis=1) <= hi)]
                else:
                    c = c[((c[:, r] >= fu_floor(d, s[ROW["relapses"]])) & (c[:, r] <= d.fu_hi)).all(axis=1)]
                out.append(c)
        if swaps and len(same):
            for keys in bundles:
                rows = [ROW[k] for k in keys]
                if not any(k in variables for k in keys):
                    continue
                c = np.repeat(s[None], len(same), 0)
                k = np.arange(len(c))
                for r in rows:
                    c[k, r, same[:, 0]], c[k, r, same[:, 1]] = s[r, same[:, 1]], s[r, same[:, 0]]
                out.append(c[(c != s[None]).any(axis=(1, 2))])
        c = np.concatenate(out) if out else np.zeros((0,) + s.shape, s.dtype)
        keep = (c[:, ROW["attacks"], d.dead] == d.dead_attacks) & (c[:, ROW["before"], d.dead] >= d.dead_months_before)
        keep &= (c[:, ROW["before"], lo_patient] == 1) & (c[:, ROW["before"], hi_patient] == 98)
        return list(c[keep])

    return make


def scorer(d: Design, hard: list[Term], soft: list[Term], adjusted: bool, warm: bool = False) -> Callable[[list], np.ndarray]:
    """10⁶ × the hard terms' misses + the soft terms' misses, in interval widths, for each candidate."""
    bounds = {t.name: (float(t.target.interval.lo), float(t.target.interval.hi)) for t in hard + soft}
    names = set(bounds)

    def score(states: list) -> np.ndarray:
        v = values_batch(d, np.stack(states), adjusted, names, warm)
        h = sum((interval_distance(v[t.name], *bounds[t.name]) for t in hard), np.zeros(len(states)))
        s = sum((t.weight * interval_distance(v[t.name], *bounds[t.name]) for t in soft), np.zeros(len(states)))
        return 1e6 * h + s

    return score


def start(d: Design, seed: int) -> np.ndarray:
    """A first state: values spread around the printed medians and ranges, 9 relapses, 2 men, all deterministic."""
    rng = np.random.default_rng(seed)
    n = len(d.slots)
    fu = np.where(d.fu_lo == d.fu_hi, d.fu_lo, np.minimum(d.fu_hi, np.maximum(d.fu_lo, 110)))
    fu[np.flatnonzero(d.fu_hi == 344)[-1]] = 340  # someone is followed 34 months
    relapses = d.event.astype(int)
    relapses[np.flatnonzero(d.event & (np.arange(n) != d.dead))[:2]] += 1
    s = np.zeros((len(VARS), n), int)
    s[ROW["age"]] = rng.permutation(np.r_[6, 55, 31, rng.integers(20, 31, 11), rng.integers(32, 50, 11)])
    s[ROW["attacks"]] = 3
    before = rng.permutation(np.r_[16, rng.integers(4, 16, 11), rng.integers(17, 60, 11)])
    lo_patient, hi_patient = _extremes(d)
    others = [i for i in range(n) if i not in (lo_patient, hi_patient)]
    s[ROW["before"], others] = before
    s[ROW["before"], lo_patient], s[ROW["before"], hi_patient] = 1, 98
    s[ROW["attacks"], lo_patient] = 1
    s[ROW["edss_before"]], s[ROW["edss_last"]] = 9, 5
    s[ROW["attacks"]] = 3
    s[ROW["relapses"]] = relapses
    s[ROW["fu"]] = np.maximum(fu, fu_floor(d, relapses))
    s[ROW["male"], np.flatnonzero(~d.event)[:2]] = 1
    s[ROW["attacks"], d.dead], s[ROW["before"], d.dead] = d.dead_attacks, max(int(s[ROW["before"], d.dead]), d.dead_months_before)
    return s


STAGES = (
    ("follow-up and ARR", ("fu", "relapses", "attacks", "before"), ("fu_", "before_", "arr_", "sub_arr"), ()),
    ("attacks (Cox)", ("attacks", "before"), ("fu_", "before_", "arr_", "sub_arr"), ("cox_crude_attacks",)),
    ("age (Cox)", ("age",), ("age_",), ("cox_crude_age",)),
    ("EDSS before (Cox)", ("edss_before",), ("edss_before", "sub_edss_before"), ("cox_crude_edss",)),
    ("EDSS last", ("edss_before", "edss_last"), ("edss_before", "sub_edss_before", "cox_crude_edss"), ("edss_", "sub_edss")),
)


def _pick(terms: list[Term], prefixes: tuple[str, ...]) -> list[Term]:
    return [t for t in terms if prefixes and t.name.startswith(prefixes)]


def met(d: Design, terms: list[Term], state: np.ndarray, adjusted: bool = True) -> set[str]:
    """The names of the terms the state meets (by the search's own measure)."""
    v = values_batch(d, state[None], adjusted)
    return {t.name for t in terms if t.name in v
            and interval_distance(v[t.name], float(t.target.interval.lo), float(t.target.interval.hi))[0] == 0}


def search(d: Design, terms: list[Term], *, seed: int, rounds: int, final_rounds: int, tick=None) -> tuple[np.ndarray, list[str]]:
    """Run the stages; the final state and one line per stage for the provenance."""
    state = start(d, seed)
    log = []
    for k, (name, variables, hard, soft) in enumerate(STAGES):
        h = _pick(terms, hard)
        s = [t for t in _pick(terms, soft) if t not in h]
        begin, best, score = state, state, math.inf
        for attempt in range(ATTEMPTS):  # restarts from the stage's start, seeds in a fixed sequence
            found, value = descend(begin, neighbours(d, variables), scorer(d, h, s, False), rounds=rounds,
                                   seed=seed + k + 100 * attempt, tick=tick)
            if value < score:
                best, score = found, value
            if score == 0:
                break
        state = best
        log.append(f"{name}: best-improvement descent, {attempt + 1} run(s) of at most {rounds} rounds (seeds {seed + k} + 100·run); "
                   f"final score {score:.6g}")
    state, score = _men(d, terms, state)
    log.append(f"men: all {score[1]} placements of the {int(state[ROW['male']].sum())} men among the never-relapsed tried; adjusted gender P first, then the nearest crude one")
    kept = met(d, terms, state, adjusted=True)
    hard = [t for t in terms if t.name in kept]
    soft = [t for t in terms if t.name not in kept]
    variables = ("age", "edss_before", "edss_last", "attacks", "before")
    begin, score = state, math.inf
    for attempt in range(FINAL_ATTEMPTS):
        found, value = descend(begin, neighbours(d, variables, swaps=True), scorer(d, hard, soft, True, warm=True),
                               rounds=final_rounds, seed=seed + 99 + 100 * attempt, kick=1 + attempt, tick=tick)
        if value < score:
            state, score = found, value
    log.append(f"adjusted Cox: best-improvement descent keeping every term met so far, {FINAL_ATTEMPTS} run(s) of at most "
               f"{final_rounds} rounds (seeds {seed + 99} + 100·run, kicks of 1 + run steps); final score {score:.6g}")
    return state, log


def _men(d: Design, terms: list[Term], state: np.ndarray) -> tuple[np.ndarray, tuple[float, int]]:
    """The men among the patients who never relapsed: every such placement is tried, nearest the crude gender P.

    No placement gives the crude gender P on this structure (docs/implications.md, fact 5, tries all of them); the
    adjusted P (">0.99") needs a gender coefficient that runs off, which men who never relapse give (SPSS's
    monotone likelihood), so the men are taken among the censored patients.
    """
    r = ROW["male"]
    k = int(state[r].sum())
    cands = []
    for idx in combinations(np.flatnonzero(~d.event), k):
        c = state.copy()
        c[r] = 0
        c[r, list(idx)] = 1
        cands.append(c)
    crude = [t for t in terms if t.name == "cox_crude_gender_p"]
    adjusted = [t for t in terms if t.name == "cox_adjusted_gender_p"]
    first, second = scorer(d, [], adjusted, True)(cands), scorer(d, [], crude, False)(cands)
    best = int(np.lexsort((np.arange(len(cands)), second, first))[0])
    return cands[best], (float(first[best] + second[best]), len(cands))
