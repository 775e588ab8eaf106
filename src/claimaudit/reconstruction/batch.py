"""Cox fits of many candidate covariate vectors at once, and a seeded best-improvement descent that uses them.

On fixed risk sets (:mod:`.fastcox`) a Cox fit needs only matrix products, so every neighbour of
a state (each single change and each +1/−1 pair of one covariate) can be fitted in one batch of
Newton steps. :func:`descend` moves to the best neighbour by a score (violated *hard* terms first,
then the distance of the *soft* ones), kicks the state by a few random moves when no neighbour is
better, and keeps the best state seen; a fixed number of rounds from a fixed seed, so it is
deterministic. Like :mod:`.search`, it is not exhaustive: what it does not reach is reported
with the closest value found.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.special import erfc

from ..metrics.wald import Z_975
from .fastcox import RiskSets


def crude_batch(risk: RiskSets, X: np.ndarray) -> np.ndarray:
    """(C, 4) rows (HR, CI low, CI high, P) of the one-covariate Breslow fit of each row of X (C × n)."""
    X = np.asarray(X, float)
    X = X - X.mean(axis=1, keepdims=True)
    R, d = risk.R, risk.d
    xe = X @ risk.D.sum(axis=0)
    beta = np.zeros(X.shape[0])
    X2 = X * X
    for _ in range(40):
        w = np.exp(np.clip(beta[:, None] * X, -50, 50))
        s0, s1, s2 = w @ R.T, (w * X) @ R.T, (w * X2) @ R.T
        a = s1 / s0
        info = (s2 / s0 - a * a) @ d
        step = np.clip((xe - a @ d) / np.where(info > 0, info, np.inf), -5, 5)
        beta += step
        if np.max(np.abs(step)) < 1e-11:
            break
    w = np.exp(np.clip(beta[:, None] * X, -50, 50))
    s0, s1, s2 = w @ R.T, (w * X) @ R.T, (w * X2) @ R.T
    a = s1 / s0
    info = (s2 / s0 - a * a) @ d
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        se = 1 / np.sqrt(np.where(info > 0, info, 0))
        z = np.where(np.isfinite(se), beta / se, 0.0)  # no information left (a diverging fit): P = 1, as SPSS prints
        return np.stack([np.exp(beta), np.exp(beta - Z_975 * se), np.exp(beta + Z_975 * se),
                         erfc(np.abs(z) / math.sqrt(2))], axis=1)


def multi_batch(risk: RiskSets, X: np.ndarray, iterations: int = 30, beta0: np.ndarray | None = None) -> np.ndarray:
    """(C, p, 4) rows (HR, CI low, CI high, P) per covariate of the p-covariate Breslow fit of each X[c] (n × p).

    Newton from ``beta0`` (p,) for every candidate (a warm start from the current state's fit), else from 0.
    """
    X = np.asarray(X, float)
    X = X - X.mean(axis=1, keepdims=True)
    C, n, p = X.shape
    R, d = risk.R, risk.d
    xe = np.einsum("cnp,n->cp", X, risk.D.sum(axis=0))
    outer = (X[:, :, :, None] * X[:, :, None, :]).reshape(C, n, p * p)
    beta = np.zeros((C, p)) if beta0 is None else np.repeat(np.asarray(beta0, float)[None], C, 0)
    eye = np.eye(p) * 1e-12

    def parts(beta):
        w = np.exp(np.clip(np.einsum("cnp,cp->cn", X, beta), -50, 50))[:, :, None]
        s0 = np.matmul(R, w)  # (C, m, 1)
        a = np.matmul(R, w * X) / s0  # (C, m, p)
        s2 = (np.matmul(R, w * outer) / s0).reshape(C, -1, p, p)
        info = np.einsum("m,cmpq->cpq", d, s2 - a[..., :, None] * a[..., None, :])
        return xe - np.einsum("m,cmp->cp", d, a), info + eye

    for _ in range(iterations):
        u, info = parts(beta)
        step = np.clip(np.linalg.solve(info, u[..., None])[..., 0], -5, 5)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    _, info = parts(beta)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        se = np.sqrt(np.clip(np.diagonal(np.linalg.inv(info), axis1=1, axis2=2), 0, None))
        return np.stack([np.exp(beta), np.exp(beta - Z_975 * se), np.exp(beta + Z_975 * se),
                         erfc(np.abs(beta / se) / math.sqrt(2))], axis=2)


def descend(state, neighbours: Callable[[object], list], score: Callable[[list], np.ndarray], *, rounds: int, seed: int,
            kick: int = 2, tick: Callable[[], None] | None = None) -> tuple[object, float]:
    """Best-improvement descent: each round scores every neighbour at once and moves to the best one when it is
    better; at a local minimum it takes ``kick`` random neighbour steps and goes on. The best state seen is kept
    (states are never changed in place), and the search stops early when a state scores 0 (every term met).
    """
    rng = np.random.default_rng(seed)
    current, current_score = state, float(score([state])[0])
    best, best_score = current, current_score
    for r in range(rounds):
        if tick is not None and r % max(rounds // 20, 1) == 0:
            tick()
        if best_score == 0:
            break
        cand = neighbours(current)
        if not len(cand):
            break
        scores = score(cand)
        k = int(np.argmin(scores))
        if scores[k] < current_score:
            current, current_score = cand[k], float(scores[k])
            if current_score < best_score:
                best, best_score = current, current_score
        else:
            for _ in range(kick):
                cand = neighbours(current)
                current = cand[int(rng.integers(0, len(cand)))]
            current_score = float(score([current])[0])
    return best, best_score


def interval_distance(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """How far each x lies outside [lo, hi], in widths of the interval (0 inside)."""
    width = hi - lo if math.isfinite(hi - lo) and hi > lo else max(abs(lo) if math.isfinite(lo) else 0, abs(hi) if math.isfinite(hi) else 0, 1e-12)
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.maximum(0.0, np.maximum(lo - x, x - hi)) / width
    return np.where(np.isnan(out), 1e6, out)


def wilcoxon_batch(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Two-sided Wilcoxon signed-rank P of each row pair (zeros dropped, ties corrected, no continuity correction).

    The same convention as :func:`claimaudit.metrics.wilcoxon.wilcoxon_signed_rank` (SPSS "Asymp. Sig."); NaN where
    every difference is zero.
    """
    diff = np.asarray(after, float) - np.asarray(before, float)
    C, n = diff.shape
    nonzero = diff != 0
    a = np.where(nonzero, np.abs(diff), np.inf)
    order = np.argsort(a, axis=1, kind="stable")
    s = np.take_along_axis(a, order, axis=1)
    m = nonzero.sum(axis=1)
    new_run = np.ones((C, n), bool)
    new_run[:, 1:] = s[:, 1:] != s[:, :-1]
    run = np.cumsum(new_run, axis=1) - 1  # run index within the row
    flat = run + (np.arange(C) * n)[:, None]
    counts = np.bincount(flat.ravel(), minlength=C * n).reshape(C, n)
    starts = np.cumsum(np.c_[np.zeros((C, 1), int), counts[:, :-1]], axis=1)
    avg = starts + (counts + 1) / 2  # average 1-based rank of each run
    ranks_sorted = np.take_along_axis(avg, run, axis=1)
    ranks = np.empty_like(ranks_sorted)
    np.put_along_axis(ranks, order, ranks_sorted, axis=1)
    run_finite = np.zeros((C, n), bool)
    np.put_along_axis(run_finite, run, np.isfinite(s), axis=1)
    t = np.where(run_finite, counts, 0).astype(float)
    ties = (t**3 - t).sum(axis=1)
    w_plus = np.where(nonzero & (diff > 0), ranks, 0).sum(axis=1)
    mean = m * (m + 1) / 4
    var = m * (m + 1) * (2 * m + 1) / 24 - ties / 48
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (w_plus - mean) / np.sqrt(var)
        return np.where(m > 0, erfc(np.abs(z) / math.sqrt(2)), np.nan)


def mann_whitney_batch(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Two-sided Mann-Whitney P of each row of x (C × n_x) against the fixed sample y (tie-corrected, no continuity
    correction), as :func:`claimaudit.metrics.mann_whitney.mann_whitney_u` (SPSS "Asymp. Sig.")."""
    x = np.asarray(x, float)
    C, n_x = x.shape
    y = np.broadcast_to(np.asarray(y, float), (C, len(y)))
    pooled = np.concatenate([x, y], axis=1)
    n = pooled.shape[1]
    order = np.argsort(pooled, axis=1, kind="stable")
    s = np.take_along_axis(pooled, order, axis=1)
    new_run = np.ones((C, n), bool)
    new_run[:, 1:] = s[:, 1:] != s[:, :-1]
    run = np.cumsum(new_run, axis=1) - 1
    counts = np.bincount((run + (np.arange(C) * n)[:, None]).ravel(), minlength=C * n).reshape(C, n)
    starts = np.cumsum(np.c_[np.zeros((C, 1), int), counts[:, :-1]], axis=1)
    ranks_sorted = np.take_along_axis(starts + (counts + 1) / 2, run, axis=1)
    ranks = np.empty_like(ranks_sorted)
    np.put_along_axis(ranks, order, ranks_sorted, axis=1)
    u = ranks[:, :n_x].sum(axis=1) - n_x * (n_x + 1) / 2
    n_y = n - n_x
    t = counts.astype(float)
    var = n_x * n_y / 12 * ((n + 1) - (t**3 - t).sum(axis=1) / (n * (n - 1)))
    z = (u - n_x * n_y / 2) / np.sqrt(var)
    return erfc(np.abs(z) / math.sqrt(2))
