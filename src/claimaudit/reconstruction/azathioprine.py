"""The azathioprine cohort of Chen 2017 (29 patients): the search over its patient values, against Table 5.

Table 5 and the text print, for azathioprine: 29 patients; relapse-free 48% (14 of 29); improved
or stabilised EDSS 62% (18 of 29); ARR 2.7 → 0.6 (77.8%); EDSS 4.3 → 3.9 (9.3%); median age at
onset 38 and median treatment duration 16 months, with Mann-Whitney Ps 0.142 and 0.220 against
the tacrolimus cohort; adverse events in 9 (7 severe: agranulocytosis 4, liver damage 2, death 1).
The counts are laid down directly; the search (:func:`claimaudit.reconstruction.batch.descend`)
chooses ages, months before the drug, pre-treatment attacks, relapses of the 15 patients who
relapsed, follow-up (tenths of a month, more than 6 months) and EDSS in half points.
"""

from __future__ import annotations

import math

import numpy as np

from .batch import interval_distance, mann_whitney_batch
from .constraints import Catalogue, target
from .search import Term

N_REF = "table5-patients.n_2"
VARS = ("age", "before", "attacks", "relapses", "fu", "edss_before", "edss_last")
ROW = {v: k for k, v in enumerate(VARS)}
LIMITS = {"age": (6, 75), "before": (1, 200), "attacks": (1, 30), "relapses": (1, 6), "fu": (61, 600),
          "edss_before": (0, 20), "edss_last": (0, 20)}
STEPS = {"age": (-2, -1, 1, 2), "before": (-5, -1, 1, 5), "attacks": (-1, 1), "relapses": (-1, 1), "fu": (-10, -1, 1, 10),
         "edss_before": (-1, 1), "edss_last": (-1, 1)}
TERMS = {
    "arr_before": "table5-arr-azathioprine.before", "arr_after": "table5-arr-azathioprine.after",
    "arr_change": "table5-arr-azathioprine.change",
    "edss_before": "table5-edss-azathioprine.before", "edss_after": "table5-edss-azathioprine.after",
    "edss_change": "table5-edss-azathioprine.change",
    "edss_improved": "table5-improved-edss-azathioprine.percent",
    "age_median": "table5-age-at-onset-azathioprine.median", "age_p": "table5-age-at-onset-p.p",
    "fu_median": "table5-treatment-duration-azathioprine.median", "fu_p": "table5-treatment-duration-p.p",
}
COUNTS = {"relapse_free": "table5-relapse-free-azathioprine.percent", "improved_edss": "table5-improved-edss-azathioprine.percent"}


def terms(cat: Catalogue) -> list[Term]:
    """Every printed value the search aims at, with its claim id and role."""
    return [Term(name, target(cat, ref)) for name, ref in TERMS.items()]


def count_of(cat: Catalogue, ref: str, n: int) -> int:
    """The one whole number of n patients whose percentage prints as ``ref`` (a ReconstructionError if none or several)."""
    from ..errors import ReconstructionError

    iv = cat.interval(ref)
    fits = [k for k in range(n + 1) if iv.contains(100 * k / n)]
    if len(fits) != 1:
        claim_id, _, role = ref.rpartition(".")
        raise ReconstructionError(f"{len(fits)} counts of {n} print as {cat.printed(ref).text}%", path=cat.path,
                                  claim_id=claim_id, field=f"reported.{role}")
    return fits[0]


def values_batch(S: np.ndarray, relapsed: np.ndarray, tac_age: np.ndarray, tac_fu: np.ndarray) -> dict[str, np.ndarray]:
    """The achieved value of every term for each candidate S[c] (variables × patients)."""
    g = {v: S[:, k] for v, k in ROW.items()}
    fu = g["fu"] / 10
    arr_b = 120 * g["attacks"] / np.maximum(g["before"], 1)  # months before the drug in tenths
    arr_a = 12 * np.where(relapsed, g["relapses"], 0) / fu
    eb, el = g["edss_before"] / 2, g["edss_last"] / 2
    out = {"edss_improved": 100 * (el <= eb).mean(axis=1), "age_median": np.median(g["age"], axis=1),
           "fu_median": np.median(fu, axis=1), "age_p": mann_whitney_batch(g["age"], tac_age),
           "fu_p": mann_whitney_batch(fu, tac_fu)}
    for name, b, a in (("arr", arr_b, arr_a), ("edss", eb, el)):
        mb, ma = b.mean(axis=1), a.mean(axis=1)
        out[f"{name}_before"], out[f"{name}_after"], out[f"{name}_change"] = mb, ma, 100 * (mb - ma) / mb
    return out


def search(cat: Catalogue, tac_age: np.ndarray, tac_fu: np.ndarray, *, seed: int, rounds: int, tick=None):
    """(state, relapsed mask, log lines): the searched values of the azathioprine cohort, stage by stage."""
    n = cat.count(N_REF)
    relapsed = np.arange(n) >= count_of(cat, COUNTS["relapse_free"], n)  # the relapse-free first
    rng = np.random.default_rng(seed)
    s = np.zeros((len(VARS), n), int)
    s[ROW["age"]] = rng.integers(20, 60, n)
    s[ROW["before"]] = rng.integers(60, 600, n)
    s[ROW["attacks"]] = 3
    s[ROW["relapses"]] = 1
    s[ROW["fu"]] = rng.integers(80, 300, n)
    s[ROW["edss_before"]], s[ROW["edss_last"]] = 9, 8
    ts = terms(cat)
    improved = count_of(cat, COUNTS["improved_edss"], n)
    s[ROW["edss_before"]], s[ROW["edss_last"]], edss_line = edss(cat, n, improved)
    log = [edss_line]
    for k, (variables, prefixes) in enumerate(STAGES):
        chosen = [t for t in ts if t.name.startswith(prefixes)]
        score = _scorer(chosen, relapsed, tac_age, tac_fu)
        best, value = s, float(score([s])[0])
        for attempt in range(RESTARTS):  # restarts from the stage's start, seeds in a fixed sequence
            found, c = anneal(s, variables, score, steps=rounds, seed=seed + 10 * k + attempt, tick=tick)
            if c < value:
                best, value = found, c
            if value == 0:
                break
        s = best
        if variables == ("fu",):
            # who relapsed: the patients followed longest (one relapse over a long follow-up is the smallest ARR after)
            order = np.lexsort((np.arange(n), -s[ROW["fu"]]))
            relapsed = np.zeros(n, bool)
            relapsed[order[: int((~(np.arange(n) < count_of(cat, COUNTS["relapse_free"], n))).sum())]] = True
            s, line = arr(cat, s, relapsed)
            log.append(line)
        log.append(f"azathioprine {'/'.join(variables)}: simulated annealing, {attempt + 1} run(s) of {rounds} single changes "
                   f"or exchanges (seeds from {seed + 10 * k}); final score {value:.6g}")
    return s, relapsed, log


def arr(cat: Catalogue, s: np.ndarray, relapsed: np.ndarray) -> tuple[np.ndarray, str]:
    """Relapses and pre-treatment attacks meeting the printed ARR means and change, given the follow-up.

    Relapses: one each, then one more at a time to the relapsed patient with the longest follow-up until the mean
    ARR after reaches the middle of what both the printed ARR after and the printed ARR before at the printed change allow. Before: 2, 3 or 4 attacks in turn over months (tenths) that put
    each patient's ARR at the mean the change needs; the last patient's months close the sum. Checked exactly.
    """
    from ..errors import ReconstructionError

    s = s.copy()
    fu = s[ROW["fu"]] / 10
    iv = {k: cat.interval(TERMS[k]) for k in ("arr_before", "arr_after", "arr_change")}
    r = np.where(relapsed, 1, 0)
    # the ARR after must also allow a before inside its interval at the printed change: after = before · (1 − change)
    keep = 1 - float(iv["arr_change"].mid) / 100
    lo = max(float(iv["arr_after"].lo), keep * float(iv["arr_before"].lo))
    hi = min(float(iv["arr_after"].hi), keep * float(iv["arr_before"].hi))
    aim_after = (lo + hi) / 2
    while float((12 * r / fu).mean()) < aim_after and relapsed.any():
        longest = int(np.argmax(np.where(relapsed, fu, -1)))  # the smallest step up: one more relapse over the longest follow-up
        r[longest] += 1
    after = float((12 * r / fu).mean())
    aim_before = after / (1 - float(iv["arr_change"].mid) / 100)
    n = len(fu)
    attacks = 2 + np.arange(n) % 3
    tenths = np.maximum(10, np.round(120 * attacks / aim_before)).astype(int)
    for _ in range(200):  # close the sum with the last patient's months
        rest = (120 * attacks[:-1] / tenths[:-1]).sum()
        need = n * aim_before - rest
        if need <= 0:
            tenths[:-1] += 1
            continue
        tenths[-1] = max(10, int(round(120 * attacks[-1] / need)))
        break
    s[ROW["relapses"]], s[ROW["attacks"]], s[ROW["before"]] = r, attacks, tenths
    before = float((120 * attacks / tenths).mean())
    ok = iv["arr_before"].contains(before) and iv["arr_after"].contains(after) and iv["arr_change"].contains(100 * (before - after) / before)
    if not ok:
        raise ReconstructionError(f"the ARR construction missed (before {before:.4f}, after {after:.4f})", path=cat.path,
                                  claim_id=TERMS["arr_before"].rpartition(".")[0])
    return s, (f"azathioprine ARR: {int(r.sum())} relapses (mean ARR after {after:.4f}), attacks 2-4 over months chosen "
               f"for a mean ARR before of {before:.4f}")


def anneal(s: np.ndarray, variables: tuple[str, ...], score, *, steps: int, seed: int, tick=None,
           t_start: float = 0.3, t_end: float = 1e-3) -> tuple[np.ndarray, float]:
    """Simulated annealing by single changes (a step of the variable) and exchanges of two patients' values."""
    rng = np.random.default_rng(seed)
    n = s.shape[1]
    cur, cost = s, float(score([s])[0])
    best, best_cost = cur, cost
    ratio = (t_end / t_start) ** (1 / max(steps - 1, 1))
    temp = t_start
    for step in range(steps):
        if tick is not None and step % max(steps // 20, 1) == 0:
            tick()
        if best_cost == 0:
            break
        temp *= ratio
        v = variables[int(rng.integers(0, len(variables)))]
        r, (lo, hi) = ROW[v], LIMITS[v]
        new = cur.copy()
        i, j = rng.integers(0, n, 2)
        if rng.random() < 0.3:
            new[r, i], new[r, j] = cur[r, j], cur[r, i]
        else:
            new[r, i] = min(hi, max(lo, cur[r, i] + STEPS[v][int(rng.integers(0, len(STEPS[v])))]))
        c = float(score([new])[0])
        if c <= cost or rng.random() < math.exp((cost - c) / temp):
            cur, cost = new, c
            if c < best_cost:
                best, best_cost = new, c
    return best, best_cost


RESTARTS = 16
STAGES = ((("fu",), ("fu_",)), (("age",), ("age_",)))


def _scorer(chosen: list[Term], relapsed, tac_age, tac_fu):
    bounds = [(t, float(t.target.interval.lo), float(t.target.interval.hi)) for t in chosen]

    def score(states: list) -> np.ndarray:
        v = values_batch(np.stack(states), relapsed, tac_age, tac_fu)
        return sum((np.log1p(interval_distance(v[t.name], lo, hi)) for t, lo, hi in bounds), np.zeros(len(states)))

    return score


def edss(cat: Catalogue, n: int, improved: int) -> tuple[np.ndarray, np.ndarray, str]:
    """EDSS before and last (half points) meeting the printed means and change with ``improved`` patients not worse.

    Every pair of sums (half points) is tried, smallest first; the first whose means print as Table 5's and whose
    change prints as 9.3% is laid out: before values as even as the sum allows, the other n − improved one half point
    worse at the last follow-up, and the decrease the after sum needs spread over the improved.
    """
    from fractions import Fraction

    from ..errors import ReconstructionError

    iv = {k: cat.interval(TERMS[k]) for k in ("edss_before", "edss_after", "edss_change")}
    worse = n - improved
    for sb in range(0, 20 * n + 1):
        mb = Fraction(sb, 2 * n)
        if not iv["edss_before"].contains(mb):
            continue
        for sa in range(0, 20 * n + 1):
            ma = Fraction(sa, 2 * n)
            if iv["edss_after"].contains(ma) and iv["edss_change"].contains(100 * (mb - ma) / mb):
                before = np.full(n, sb // n) + (np.arange(n) < sb % n)
                last = before.copy()
                last[improved:] += 1  # the worse ones
                drop = int(last.sum()) - sa
                for k in range(drop):
                    last[k % improved] -= 1
                if (last >= 0).all() and (last[:improved] <= before[:improved]).all() and int(last.sum()) == sa:
                    line = (f"azathioprine EDSS: sums {sb}/2 and {sa}/2 (means {float(mb):.4f} and {float(ma):.4f}), "
                            f"{worse} patients half a point worse, the others improved or stable")
                    return before, last, line
    raise ReconstructionError("no EDSS sums meet the printed means and change", path=cat.path, claim_id=TERMS["edss_before"].rpartition(".")[0])
