"""A Cox fit on fixed risk sets, for the inner loop of a search: Breslow ties, Newton-Raphson, no checks.

When the event/censoring structure of a cohort is fixed, every risk set is a fixed set of
patients, so the partial likelihood of covariates X (n×p) needs only the risk-set matrix R
(R[j, i] = 1 when patient i is at risk at event time j) and the event matrix D (D[j, i] = 1 when
patient i has the event at time j). With w = exp(Xβ), S0 = R w, S1 = R (w·X), S2 = R (w·XX'),
and d_j events at time j, the Breslow score and information are::

    U = Σ_events x_i − Σ_j d_j S1_j / S0_j,   I = Σ_j d_j (S2_j / S0_j − a_j a_j'),  a_j = S1_j / S0_j

Newton from β = 0, at most 25 steps, each capped at 5 in every coordinate (SPSS COXREG stops at
20 iterations; R at 20). The result is the (HR, CI low, CI high, Wald P) of each covariate with
z = 1.959963984540054. This is for searching only: the tests check it against
:func:`claimaudit.metrics.cox.cox_ph`, and every value a provenance file states comes from
``cox_ph`` on the written cohort.
"""

from __future__ import annotations

import math

import numpy as np

from ..metrics.wald import Z_975

_SQRT2 = math.sqrt(2.0)


class RiskSets:
    """R and D of a fixed structure (event times × patients)."""

    def __init__(self, at_risk: np.ndarray, events: np.ndarray) -> None:
        self.R = np.asarray(at_risk, float)
        self.D = np.asarray(events, float)
        self.d = self.D.sum(axis=1)
        self.event_rows = self.D.sum(axis=0) > 0

    def fit(self, X: np.ndarray, max_iter: int = 25, beta0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """(β̂, SE, P, converged) for covariates X (n×p), Newton from ``beta0`` (default 0)."""
        X = np.asarray(X, float)
        if X.ndim == 1:
            X = X[:, None]
        X = X - X.mean(axis=0)
        p = X.shape[1]
        xe = self.D.sum(axis=0) @ X
        outer = np.einsum("ni,nj->nij", X, X).reshape(X.shape[0], p * p)
        beta = np.zeros(p) if beta0 is None else np.array(beta0, float)
        converged = False
        for _ in range(max_iter):
            w = np.exp(np.clip(X @ beta, -50, 50))
            s0 = self.R @ w
            s1 = self.R @ (w[:, None] * X)
            s2 = (self.R @ (w[:, None] * outer)).reshape(-1, p, p)
            a = s1 / s0[:, None]
            u = xe - self.d @ a
            info = np.einsum("j,jkl->kl", self.d, s2 / s0[:, None, None] - a[:, :, None] * a[:, None, :])
            try:
                step = np.linalg.solve(info, u)
            except np.linalg.LinAlgError:
                break
            step = np.clip(step, -5, 5)
            beta = beta + step
            if np.max(np.abs(step)) < 1e-9:
                converged = True
                break
        w = np.exp(np.clip(X @ beta, -50, 50))
        s0 = self.R @ w
        s1 = self.R @ (w[:, None] * X)
        s2 = (self.R @ (w[:, None] * outer)).reshape(-1, p, p)
        a = s1 / s0[:, None]
        info = np.einsum("j,jkl->kl", self.d, s2 / s0[:, None, None] - a[:, :, None] * a[:, None, :])
        try:
            se = np.sqrt(np.diag(np.linalg.inv(info)))
        except np.linalg.LinAlgError:
            se = np.full(p, np.inf)
        with np.errstate(invalid="ignore", divide="ignore"):
            pval = np.array([math.erfc(abs(b / s) / _SQRT2) if s > 0 and math.isfinite(s) else 1.0 for b, s in zip(beta, se, strict=True)])
        return beta, se, pval, converged and bool(np.all(np.abs(beta) < 15))

    def crude(self, x: np.ndarray, beta: float = 0.0, max_iter: int = 25) -> tuple[float, float, float, float, float]:
        """(HR, CI low, CI high, P, β̂) of one covariate, Newton from ``beta`` (a warm start from a nearby fit)."""
        x = np.asarray(x, float)
        x = x - x.mean()
        xe = float(self.D.sum(axis=0) @ x)
        x2 = x * x
        for _ in range(max_iter):
            w = np.exp(np.clip(beta * x, -50, 50))
            s0, s1, s2 = self.R @ w, self.R @ (w * x), self.R @ (w * x2)
            a = s1 / s0
            info = float(self.d @ (s2 / s0 - a * a))
            if not info > 0:
                return (math.nan,) * 5
            step = max(-5.0, min(5.0, (xe - float(self.d @ a)) / info))
            beta += step
            if abs(step) < 1e-10:
                break
        w = np.exp(np.clip(beta * x, -50, 50))
        s0, s1, s2 = self.R @ w, self.R @ (w * x), self.R @ (w * x2)
        a = s1 / s0
        info = float(self.d @ (s2 / s0 - a * a))
        se = 1 / math.sqrt(info) if info > 0 else math.inf
        with np.errstate(over="ignore", invalid="ignore"):
            ends = np.exp([beta, beta - Z_975 * se, beta + Z_975 * se])
        return (float(ends[0]), float(ends[1]), float(ends[2]), math.erfc(abs(beta / se) / _SQRT2), beta)

    def triads(self, X: np.ndarray, beta0: np.ndarray | None = None) -> tuple[np.ndarray, bool, np.ndarray]:
        """Rows (HR, CI low, CI high, P) per covariate, whether the fit converged, and β̂."""
        beta, se, p, ok = self.fit(X, beta0=beta0)
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.stack([np.exp(beta), np.exp(beta - Z_975 * se), np.exp(beta + Z_975 * se), p], axis=1)
        return out, ok, beta
