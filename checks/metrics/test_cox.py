"""metrics.cox: Newton-Raphson Cox fits against R coxph (Breslow and Efron), lifelines and their laws.

Reference values: fixtures/reference/cox.R (R 4.2.2, survival 3.5-3); each case quotes its call,
e.g. ``coxph(Surv(time, status) ~ high_titer, data = chen, ties = "breslow",
control = coxph.control(eps = 1e-9, iter.max = 30))``, with ``summary(fit)`` for HR, CI and P.
On random data, lifelines 0.30.3 ``CoxPHFitter()`` (Efron, penalizer 0), and
:func:`partial_likelihood_by_definition` below: ℓ, U and I written out one distinct event time at
a time, as the module docstring defines them, against the cumulative sums of ``metrics/cox.py``.
"""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claimaudit.metrics.cox import CoxConvergenceError, CoxFitError, _Design, cox_ph
from claimaudit.metrics.logrank import logrank
from strategies import survival_samples

REFERENCE = json.loads((Path(__file__).parents[2] / "fixtures/reference/cox.json").read_text("utf-8"))["cases"]
FITS = [(case, ties) for case in sorted(REFERENCE) if case != "monotone" for ties in ("breslow", "efron")]


def _data(case):
    data, covariates = REFERENCE[case]["data"], REFERENCE[case]["covariates"]
    return data["time"], data["status"], np.column_stack([data[c] for c in covariates]), covariates


@pytest.mark.parametrize(("case", "ties"), FITS, ids=[f"{c}-{t}" for c, t in FITS])
def test_every_number_of_the_fit_matches_r_coxph(case, ties):
    times, events, x, names = _data(case)
    ref = REFERENCE[case]["fits"][ties]
    fit = cox_ph(times, events, x, ties=ties, names=names)
    assert fit.converged and ref["warnings"] == []
    for field in ("coef", "se", "hr", "ci_low", "ci_high", "z", "p"):
        assert getattr(fit, field).tolist() == pytest.approx(ref[field], rel=1e-8), (ref["call"], field)
    assert fit.loglik == pytest.approx(ref["loglik"], rel=1e-8)
    assert fit.loglik_null == pytest.approx(ref["loglik_null"], rel=1e-8)
    assert fit.score_test == pytest.approx(ref["score"], rel=1e-8)
    assert fit.iterations == ref["iter"]  # same Newton path, same stopping point
    assert fit.names == tuple(names) and fit.ties == ties


def test_the_chen_shaped_titer_model_prints_its_triad_with_breslow_ties():
    times, events, x, _ = _data("chen_titer")
    hr, lo, hi, p = cox_ph(times, events, x, names=["titer"]).triad("titer")
    assert (f"{hr:.3f}", f"{lo:.3f}", f"{hi:.3f}", f"{p:.3f}") == ("3.857", "0.745", "19.956", "0.108")


def test_breslow_and_efron_differ_when_event_times_tie():
    times, events, x, _ = _data("chen_titer")  # three relapses at 12 months
    assert cox_ph(times, events, x, ties="breslow").coef[0] != pytest.approx(
        cox_ph(times, events, x, ties="efron").coef[0], rel=1e-3
    )


def test_a_monotone_likelihood_raises_naming_the_diverging_covariate():
    # R: warning "Loglik converged before variable  1 ; coefficient may be infinite."
    times, events, x, names = _data("monotone")
    assert REFERENCE["monotone"]["fits"]["breslow"]["warnings"] == [
        "Loglik converged before variable  1 ; coefficient may be infinite. "
    ]
    with pytest.raises(CoxConvergenceError) as err:
        cox_ph(times, events, x, names=names)
    assert str(err.value) == (
        "Cox model: monotone likelihood, the coefficient of ['group'] diverges (beta may be infinite, as R warns); "
        "pass strict=False to get the last iterate with converged=False"
    )
    assert err.value.fit.diverged == ("group",)


@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_with_strict_false_a_monotone_fit_is_returned_unconverged_at_rs_last_iterate(ties):
    times, events, x, names = _data("monotone")
    ref = REFERENCE["monotone"]["fits"][ties]
    fit = cox_ph(times, events, x, ties=ties, names=names, strict=False)
    assert (fit.converged, fit.diverged, fit.iterations) == (False, ("group",), ref["iter"])
    assert fit.coef.tolist() == pytest.approx(ref["coef"], rel=1e-8)
    assert fit.loglik == pytest.approx(ref["loglik"], rel=1e-8)


def test_running_out_of_iterations_raises_and_says_so():
    times, events, x, _ = _data("multi_five")
    with pytest.raises(
        CoxConvergenceError, match=r"^Cox model did not converge in max_iter=1 Newton-Raphson steps \(ties='breslow'\)"
    ):
        cox_ph(times, events, x, max_iter=1)
    assert cox_ph(times, events, x, max_iter=1, strict=False).converged is False


def test_a_fit_is_frozen():
    times, events, x, _ = _data("chen_titer")
    fit = cox_ph(times, events, x)
    with pytest.raises(ValueError):
        fit.coef[0] = 0.0


# ---- laws on random data -------------------------------------------------------------------

binary_covariate = survival_samples(min_n=6, max_n=40, groups=True)


@st.composite
def untied_binary(draw):
    """Distinct times (no tied events), events 0/1 with at least one, a binary covariate with both values."""
    n = draw(st.integers(6, 40))
    times = draw(st.permutations(range(1, n + 1)))
    events = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(any))
    groups = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda g: 0 < sum(g) < len(g)))
    return list(times), events, groups


@st.composite
def two_covariates(draw):
    """Tied integer times, a binary and a continuous covariate."""
    times, events, groups = draw(survival_samples(min_n=12, max_n=40, groups=True))
    score = draw(st.lists(st.integers(-200, 200), min_size=len(times), max_size=len(times)))
    return times, events, np.column_stack([groups, np.array(score) / 100])


def _fit_or_reject(times, events, x, ties="breslow"):
    """A converged fit with moderate coefficients, or reject the example (monotone likelihoods are tested above)."""
    assume(sum(events) >= 2)
    try:
        fit = cox_ph(times, events, x, ties=ties, strict=False)
    except CoxFitError:
        assume(False)
    assume(fit.converged and np.all(np.abs(fit.coef) < 5))
    return fit


@settings(max_examples=60)
@given(binary_covariate, st.sampled_from(["breslow", "efron"]))
def test_swapping_the_groups_inverts_the_hazard_ratio_and_keeps_p(data, ties):
    times, events, groups = data
    fit = _fit_or_reject(times, events, groups, ties)
    swapped = cox_ph(times, events, [1 - g for g in groups], ties=ties)
    assert swapped.hr[0] == pytest.approx(1 / fit.hr[0], rel=1e-9)
    assert swapped.p[0] == pytest.approx(fit.p[0], rel=1e-9, abs=1e-15)
    assert (swapped.ci_low[0], swapped.ci_high[0]) == pytest.approx((1 / fit.ci_high[0], 1 / fit.ci_low[0]), rel=1e-9)


@settings(max_examples=60)
@given(untied_binary())
def test_breslow_equals_efron_without_tied_event_times(data):
    times, events, groups = data
    breslow = _fit_or_reject(times, events, groups, "breslow")
    efron = cox_ph(times, events, groups, ties="efron")
    assert efron.coef.tolist() == pytest.approx(breslow.coef.tolist(), rel=1e-12, abs=1e-15)
    assert efron.se.tolist() == pytest.approx(breslow.se.tolist(), rel=1e-12)
    assert efron.loglik == pytest.approx(breslow.loglik, rel=1e-12)


@settings(max_examples=60)
@given(untied_binary())
def test_the_cox_score_test_is_the_log_rank_chi_square_for_one_binary_covariate_without_ties(data):
    # U(0) = O_1 − E_1 and I(0) = Σ (n_1/n)(1 − n_1/n) = V when every d_j = 1 (Collett 2015, §3.9).
    times, events, groups = data
    assume(sum(events) >= 1)
    try:
        fit = cox_ph(times, events, groups, strict=False)
    except CoxFitError:  # no event with both groups at risk: both tests undefined
        assume(False)
    assert fit.score_test == pytest.approx(logrank(times, events, groups).statistic, rel=1e-10)


@settings(max_examples=60)
@given(two_covariates(), st.sampled_from(["breslow", "efron"]))
def test_the_fit_never_lowers_the_partial_likelihood(data, ties):
    fit = _fit_or_reject(*data, ties)
    assert fit.loglik >= fit.loglik_null
    assert fit.likelihood_ratio >= 0


@settings(max_examples=25, deadline=None)
@given(two_covariates())
def test_efron_agrees_with_lifelines(data):
    import pandas as pd
    from lifelines import CoxPHFitter  # lifelines import ~1.8 s, paid once
    from lifelines.exceptions import ConvergenceError

    times, events, x = data
    fit = _fit_or_reject(times, events, x, "efron")
    frame = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "T": times, "E": events})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines' convergence and low-variance advice
        try:
            theirs = CoxPHFitter(penalizer=0.0).fit(frame, "T", "E")
        except ConvergenceError:  # lifelines gives up on some near-singular data that R and we fit
            assume(False)
    # lifelines stops earlier (its own criterion): on a flat likelihood its β can be 4e-4 from the
    # maximum (0.00001 standard errors), ours is within 1e-8; our log likelihood is never the lower one.
    assert (np.abs(fit.coef - theirs.params_.to_numpy()) <= 1e-3 * fit.se).all()
    assert fit.se.tolist() == pytest.approx(theirs.standard_errors_.tolist(), rel=1e-3)
    assert fit.loglik == pytest.approx(theirs.log_likelihood_, rel=1e-7)
    assert fit.loglik >= theirs.log_likelihood_ - 1e-9 * abs(theirs.log_likelihood_)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ties": "exact"}, "ties='exact' must be 'breslow' (SPSS, R ties='breslow') or 'efron' (R default, lifelines)"),
        ({"X": [[1, 2], [3, 4]]}, "X has shape (2, 2): it needs one row per patient (4) and one column per covariate"),
        ({"events": [0, 0, 0, 0]}, "no events: the partial likelihood is constant and a Cox model cannot be fitted"),
        (
            {"X": [[1, 2], [0, 0], [1, 2], [0, 0]]},
            "the information matrix at beta=0 is singular: a covariate among ['x1', 'x2'] is constant or collinear with others",
        ),
        ({"names": ["a", "b"]}, "names has 2 entries but X has 1 column(s)"),
        ({"X": [1, float("nan"), 0, 1]}, "X holds a missing or infinite value: drop or impute it first"),
        ({"events": [1, 2, 0, 1]}, "events[1]=2 must be 1 (event) or 0 (censored)"),
    ],
    ids=["ties", "shape", "no-events", "collinear", "names", "missing", "events"],
)
def test_bad_inputs_are_refused_with_one_line(kwargs, message):
    args = {"times": [1, 2, 3, 4], "events": [1, 1, 0, 1], "X": [1, 0, 1, 0]} | kwargs
    with pytest.raises(CoxFitError) as err:
        cox_ph(args.pop("times"), args.pop("events"), args.pop("X"), **args)
    assert str(err.value) == message


# ---- the cumulative sums against the definition ---------------------------------------------

def partial_likelihood_by_definition(times, events, x, beta, ties):
    """(ℓ(β), U(β), I(β)) straight from the definition: per distinct event time j, the risk set R_j and the tied events D_j.

    ℓ = Σ_j [Σ_{D_j} x_i'β − Σ_{l<d_j} log(S_j − c_l T_j)], c_l = l/d_j (Efron) or 0 (Breslow);
    U and I are its first derivative and minus its second (Therneau & Grambsch 2000, §3.3).
    O(n) per event time and no cumulative sums: slow and obviously right.
    """
    t, e = np.asarray(times, dtype=float), np.asarray(events, dtype=bool)
    x = np.asarray(x, dtype=float).reshape(t.size, -1)
    p = x.shape[1]
    eta = x @ beta
    w = np.exp(eta)
    loglik, score, info = 0.0, np.zeros(p), np.zeros((p, p))
    for tj in np.unique(t[e]):
        sums = []
        for rows in (t >= tj, (t == tj) & e):  # R_j, then D_j
            wr, xr = w[rows], x[rows]
            sums.append((wr.sum(), wr @ xr, (xr.T * wr) @ xr))
        (s0, s1, s2), (t0, t1, t2) = sums
        dead = (t == tj) & e
        d = int(dead.sum())
        loglik += eta[dead].sum()
        score += x[dead].sum(axis=0)
        for k in range(d):
            c = k / d if ties == "efron" else 0.0
            den = s0 - c * t0
            mean = (s1 - c * t1) / den
            loglik -= np.log(den)
            score -= mean
            info += (s2 - c * t2) / den - np.outer(mean, mean)
    return loglik, score, info


@st.composite
def cox_data(draw, max_n: int = 40):
    """Heavily tied integer times 1..6, events 0/1 with at least one, 1-3 covariates, and a moderate β."""
    n = draw(st.integers(2, max_n))
    times = draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))
    events = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(any))
    p = draw(st.integers(1, 3))
    x = np.array(draw(st.lists(st.lists(st.integers(-300, 300), min_size=p, max_size=p), min_size=n, max_size=n))) / 100
    beta = np.array(draw(st.lists(st.floats(-1, 1), min_size=p, max_size=p)))
    return np.array(times, dtype=float), np.array(events, dtype=float), x, beta


def _by_cumulative_sums(times, events, x, beta, ties):
    """ℓ, U, I of metrics/cox.py at β in the covariates' own units (its design centres x and scales it by s)."""
    design = _Design(times, events.astype(bool), x, ties)
    loglik, score, info = design.evaluate(beta / design.scale)  # η unchanged: (x − x̄)·s · β/s; ℓ is invariant to centring
    return loglik, score / design.scale, info / np.outer(design.scale, design.scale)


def _close(ours, theirs, rel=1e-10):
    """Equal to rel of the largest entry (an entry of U or I near 0 is the difference of two larger sums)."""
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    return bool(np.all(np.abs(ours - theirs) <= rel * max(1.0, float(np.max(np.abs(theirs))))))


@settings(max_examples=300)
@given(cox_data(), st.sampled_from(["breslow", "efron"]))
def test_the_cumulative_sums_give_the_partial_likelihood_score_and_information_of_the_definition(data, ties):
    times, events, x, beta = data
    ours = _by_cumulative_sums(times, events, x, beta, ties)
    theirs = partial_likelihood_by_definition(times, events, x, beta, ties)
    for a, b in zip(ours, theirs, strict=True):
        assert _close(a, b), (ties, a, b)


@pytest.mark.parametrize("ties", ["breslow", "efron"])
def test_large_tie_groups_give_the_partial_likelihood_of_the_definition(ties):
    # 20,000 patients on 24 whole months: tie groups of hundreds of events, where Efron's c = l/d matters most
    rng = np.random.default_rng(7)
    n = 20_000
    x = np.column_stack([rng.normal(0, 1, n), rng.integers(0, 2, n), rng.uniform(0, 5, n)])
    times = rng.integers(1, 25, n).astype(float)
    events = (rng.random(n) < 0.4).astype(float)
    beta = np.array([0.3, -0.5, 0.1])
    ours = _by_cumulative_sums(times, events, x, beta, ties)
    theirs = partial_likelihood_by_definition(times, events, x, beta, ties)
    for a, b in zip(ours, theirs, strict=True):
        assert _close(a, b), (ties, a, b)


@settings(max_examples=100, deadline=None)
@given(two_covariates(), st.sampled_from(["breslow", "efron"]))
def test_the_fit_is_the_maximum_of_the_partial_likelihood_of_the_definition(data, ties):
    times, events, x = data
    fit = _fit_or_reject(times, events, x, ties)
    loglik_0, u_0, info_0 = partial_likelihood_by_definition(times, events, x, np.zeros(2), ties)
    loglik, _, info = partial_likelihood_by_definition(times, events, x, fit.coef, ties)
    assert fit.loglik_null == pytest.approx(loglik_0, rel=1e-10)
    assert fit.score_test == pytest.approx(u_0 @ np.linalg.solve(info_0, u_0), rel=1e-8, abs=1e-12)
    assert fit.loglik == pytest.approx(loglik, rel=1e-10)
    assert _close(fit.covariance, np.linalg.inv(info), rel=1e-8)
