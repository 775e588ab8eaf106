"""hr_triad: a hazard ratio, its Wald 95% CI and its two-sided Wald P, checked as one triad.

A Cox model estimates β = log HR with standard error SE. SPSS prints ``Exp(B)`` = exp(β),
``95% CI for Exp(B)`` = exp(β ± z·SE) and ``Sig.`` = 2·(1 − Φ(|β|/SE)), the two-sided Wald P
(R ``summary(coxph(...))``: ``exp(coef)``, ``lower .95``, ``upper .95``, ``Pr(>|z|)``). z is
the 97.5% normal quantile, 1.959964 in SPSS and R; 1.96 is tried too, and the check names the
convention(s) that reproduce the printed P.

Every printed number stands for an interval, so the check is exact over all of them. Write
a = log(CI low), b = log(CI high), each anywhere in its printed interval. A Wald CI is
symmetric about β on the log scale, so β = (a + b)/2, which must also be the log of a value in
the HR's interval (*log symmetry*: HR is the geometric mean of the CI ends), and
SE = (b − a)/(2z). The attainable (a, b) form a convex polygon: the box of the two CI ends cut
by the strip 2·log(HR low) ≤ a + b ≤ 2·log(HR high) (and b ≥ a). Over it the Wald statistic
|β|/SE = z·|a + b|/(b − a) is linear-fractional, so its extremes lie at the polygon's vertices,
and it reaches 0 when the polygon meets a + b = 0 (a CI that can be centred on HR 1). The
attainable P form one interval, judged against the printed P's interval.

The polygon is taken closed (its ends are reached), so a claim is inconsistent only when no
triad arbitrarily close to the printed intervals gives the printed P: a proof, not a tolerance.

The CI is a 95% CI unless the claim takes its printed confidence level (role ``level``, "95%"
or "CI95"'s "95"): for another level L, z = Φ⁻¹((1 + L/100)/2) (1.644854 for 90%) and the side
of 1 is judged against α = 1 − L/100.
"""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist

from ..intervals import DUST, Interval
from ..metrics.wald import Z_196, Z_975, two_sided_p
from ..model import Claim
from ..printed import Printed
from ..verdict import Check, Verdict
from . import RoleError, Values, kind
from ._common import judge, off_by, require_probability

Point = tuple[float, float]

CONVENTIONS = (("z = 1.959964", Z_975), ("z = 1.96", Z_196))
_DEFINITION = "95% CI exp(β ± z·SE), P = 2·(1 − Φ(|β|/SE)) (Wald; SPSS Exp(B), 95% CI for Exp(B), Sig.)"
_NAMES = {"z = 1.959964": "z = 1.959964 (exact normal quantile; SPSS, R)", "z = 1.96": "z = 1.96 (rounded quantile)"}


def _validate(values: Values) -> None:
    require_probability(values, "p")
    if "level" in values:
        v = values["level"]
        if v.relation != "=" or not 0 < v.number < 100:
            raise RoleError("level", f"level = {v.text} is not a confidence level between 0 and 100% (e.g. \"95%\")")
    for role in ("hr", "ci_low", "ci_high"):
        v = values[role]
        if v.relation != "=":
            raise RoleError(role, f"{role} = {v.text} is a bound; an HR and its CI ends are printed numbers")
        if v.number <= 0:
            raise RoleError(role, f"{role} = {v.text} is not > 0 (a hazard ratio and its CI ends are positive)")
    hr, lo, hi = values["hr"], values["ci_low"], values["ci_high"]
    if lo.number > hi.number:
        raise RoleError("ci_low", f"ci_low = {lo.text} exceeds ci_high = {hi.text}")
    # Some HR in its interval must lie between some ends in theirs: "1.0 (1.02–1.50)" can.
    if not (Interval(lo.interval.lo, math.inf, lo.interval.lo_closed).overlaps(hr.interval)
            and Interval(-math.inf, hi.interval.hi, True, hi.interval.hi_closed).overlaps(hr.interval)):
        raise RoleError("hr", f"hr = {hr.text} lies outside its CI {lo.text}–{hi.text} (a CI contains its HR)")


def _log_box(iv: Interval) -> Point:
    return math.log(iv.lo), math.log(iv.hi)


def _clip(vertices: list[Point], f) -> list[Point]:
    """Sutherland–Hodgman: the part of a convex polygon where the affine f is >= 0."""
    out: list[Point] = []
    for i, p in enumerate(vertices):
        q = vertices[(i + 1) % len(vertices)]
        fp, fq = f(p), f(q)
        if fp >= 0:
            out.append(p)
        if (fp > 0 > fq) or (fp < 0 < fq):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def polygon(a: Point, b: Point, s: Point | None = None) -> list[Point]:
    """Vertices of {(a, b): a0 ≤ a ≤ a1, b0 ≤ b ≤ b1, s0 ≤ a + b ≤ s1, b ≥ a}; [] when empty.

    The box corners, cut by the lines a + b = s0, a + b = s1 and b = a: every vertex is a box
    corner or a line's crossing with a box edge (or with another line). ``s=None`` drops the strip.
    """
    # Each cut is moved out by floating-point dust (intervals.DUST, the one float guard): a strip
    # that meets the box only along an edge or at a corner in exact arithmetic must not vanish
    # because a + b - s0 came out as -3e-17.
    dust = DUST * max(1.0, *map(abs, a + b + (s or ())))
    cuts = [lambda p: p[1] - p[0] + dust]
    if s is not None:
        cuts += [lambda p: p[0] + p[1] - s[0] + dust, lambda p: s[1] - p[0] - p[1] + dust]
    vertices = [(a[0], b[0]), (a[1], b[0]), (a[1], b[1]), (a[0], b[1])]
    for f in cuts:
        vertices = _clip(vertices, f) if vertices else []
    return vertices


def statistic_range(vertices: list[Point]) -> tuple[float, float]:
    """Min and max of |a + b|/(b − a) over the polygon with these vertices (∞ where b − a reaches 0).

    (a + b)/(b − a) is linear-fractional, so it is monotone along every segment where b > a and
    its extremes over a convex polygon are at vertices; |·| is 0 where a + b changes sign.
    """
    sums = [a + b for a, b in vertices]
    values = [abs(a + b) / (b - a) if b > a else math.inf for a, b in vertices]
    low = 0.0 if min(sums) <= 0 <= max(sums) else min(values)
    return low, max(values)


def strip(hr: Interval) -> Point:
    """The attainable a + b = 2·β = 2·log HR for an HR interval."""
    return 2 * math.log(hr.lo), 2 * math.log(hr.hi)


def geometric_mean(ci_low: Interval, ci_high: Interval) -> Interval:
    """√(low·high) over the CI ends' intervals: the HRs a Wald CI with these ends is centred on."""
    return Interval(math.sqrt(ci_low.lo * ci_high.lo), math.sqrt(ci_low.hi * ci_high.hi),
                    ci_low.lo_closed and ci_high.lo_closed, ci_low.hi_closed and ci_high.hi_closed)


def log_symmetric(hr: Interval, ci_low: Interval, ci_high: Interval) -> bool:
    """Some HR in its interval is the geometric mean of some CI ends in theirs (exact: low·high vs HR²)."""
    product = Interval(ci_low.lo * ci_high.lo, ci_low.hi * ci_high.hi,
                       ci_low.lo_closed and ci_high.lo_closed, ci_low.hi_closed and ci_high.hi_closed)
    return product.overlaps(Interval(hr.lo * hr.lo, hr.hi * hr.hi, hr.lo_closed, hr.hi_closed))


def p_interval(statistic: tuple[float, float], z: float) -> Interval:
    """Two-sided Wald P over |β|/SE = z·t for t in [t_min, t_max] (P falls as t grows)."""
    return Interval(two_sided_p(z * statistic[1]), two_sided_p(z * statistic[0]))


def attainable_p(hr: Interval, ci_low: Interval, ci_high: Interval, z: float = Z_975) -> Interval | None:
    """Two-sided Wald P of every triad inside the printed intervals; None when log symmetry fails.

    Chen 2017, Table 4, age at onset, 0.987 (0.936–1.041): the interval holds the printed P
    0.632, which a point recomputation from the printed numbers (0.6295) misses:

    >>> from claimaudit.printed import parse_printed
    >>> hr, lo, hi = (parse_printed(x).interval for x in ("0.987", "0.936", "1.041"))
    >>> print(attainable_p(hr, lo, hi).format(3))
    [0.619, 0.643]
    """
    if not log_symmetric(hr, ci_low, ci_high):
        return None
    vertices = polygon(_log_box(ci_low), _log_box(ci_high), strip(hr))
    return p_interval(statistic_range(vertices), z) if vertices else None


def conventions_for(level: Fraction = Fraction(95)) -> tuple[tuple[str, float], ...]:
    """The z conventions of a CI level: 1.959964 and 1.96 for 95%, else the exact normal quantile."""
    if level == 95:
        return CONVENTIONS
    z = NormalDist().inv_cdf(float((1 + level / 100) / 2))
    return ((f"z = {z:.6f}", z),)


def side_of_one(lo: Printed, hi: Printed, p: Printed, level: Fraction = Fraction(95)) -> str:
    """A sentence when the CI's side of 1 contradicts P against α = 1 − level, else ''."""
    L, H, P = lo.interval, hi.interval, p.interval
    alpha = 1 - level / 100
    a, pct = f"{float(alpha):g}", f"{float(level):g}%"
    excludes = (L.lo >= 1 and not L.contains(1)) or (H.hi <= 1 and not H.contains(1))
    includes = L.hi <= 1 <= H.lo
    below = P.hi < alpha or (P.hi == alpha and not P.hi_closed)
    if excludes and P.lo >= alpha:
        return (f"the CI {lo.text}–{hi.text} excludes 1, yet P = {p.text} is not below {a} "
                f"(a {pct} Wald CI excludes 1 exactly when its P < {a})")
    if includes and below:
        return (f"the CI {lo.text}–{hi.text} includes 1, yet P = {p.text} is below {a} "
                f"(a {pct} Wald CI includes 1 exactly when its P ≥ {a})")
    return ""


def _variants(hr: Printed, lo: Printed, hi: Printed, p: Printed, triad: dict[str, Interval],
              conventions: tuple[tuple[str, float], ...] = CONVENTIONS) -> list[str]:
    """Other readings that would reproduce the printed P, each with the z conventions that do."""
    a, b = _log_box(lo.interval), _log_box(hi.interval)
    logs = sorted(abs(math.log(x)) for x in (hr.interval.lo, hr.interval.hi))
    beta = (0.0 if hr.interval.contains(1) else logs[0], logs[1])
    width = (max(b[0] - a[1], 0.0), b[1] - a[0])
    from_hr = (2 * beta[0] / width[1], 2 * beta[1] / width[0] if width[0] > 0 else math.inf)
    as_printed = 2 * abs(math.log(hr.value)) / (math.log(hi.value) - math.log(lo.value)) if hi.value > lo.value else math.inf
    ci_only = polygon(a, b)
    readings: dict[str, list[str]] = {}
    for label, z in conventions:
        found = []
        if label in triad and Interval(triad[label].lo / 2, triad[label].hi / 2).overlaps(p.interval):
            found.append("a one-sided Wald P (half the two-sided)")
        if p.interval.contains(two_sided_p(z * as_printed)):
            found.append(f"the HR and CI exactly as printed, unrounded (P = {two_sided_p(z * as_printed):.4f})")
        if p_interval(from_hr, z).overlaps(p.interval):
            found.append("β = log HR and SE = (log high − log low)/(2z), the HR not the CI's geometric mean")
        if ci_only and p_interval(statistic_range(ci_only), z).overlaps(p.interval):
            found.append("β = the midpoint of the log CI, ignoring the printed HR")
        for reading in found:
            readings.setdefault(reading, []).append(label)
    return [f"{reading}, {' or '.join(labels)}" for reading, labels in readings.items()]


@kind("hr_triad", required=("hr", "ci_low", "ci_high", "p"), optional=("level",), validate=_validate)
def hr_triad(claim: Claim, values: Values) -> Check:
    """HR, Wald 95% CI and two-sided Wald P agree (SPSS Exp(B), 95% CI for Exp(B), Sig.)."""
    hr, lo, hi, p = (values[r] for r in ("hr", "ci_low", "ci_high", "p"))
    level = values["level"].number if "level" in values else Fraction(95)
    conventions = conventions_for(level)
    names = {label: _NAMES.get(label, f"{label} ({float(level):g}% CI, exact normal quantile)") for label, _ in conventions}
    read = f"printed values read as {' or '.join(claim.rounding)} rounding"
    side = side_of_one(lo, hi, p, level)
    triad = {label: attainable_p(hr.interval, lo.interval, hi.interval, z) for label, z in conventions}
    if any(iv is None for iv in triad.values()):
        gm = geometric_mean(lo.interval, hi.interval)
        why = (f"log symmetry fails: a Wald CI is centred on β, so HR = √(low·high); the CI {lo.text}–{hi.text} "
               f"gives √(low·high) ∈ {gm.format(5)}, which cannot be printed as HR {hr.text} ({hr.interval.format(5)}): "
               "the HR is not the geometric mean of the CI ends within rounding, so no Wald triad reproduces the print")
        found = _variants(hr, lo, hi, p, {}, conventions)
        if side:
            why += f"; also, {side}"
        return Check("hr_triad", Verdict.INCONSISTENT, {"hr": gm.format(5)}, why, (_DEFINITION, read),
                     off_by(hr, gm), tuple(found))
    checks = {label: judge("hr_triad", "p", p, iv, what=f"two-sided Wald P ({label})", digits=5,
                           conventions=(_DEFINITION, names[label], read))
              for label, iv in triad.items()}
    recomputed = {"p" if label == conventions[0][0] else f"p ({label})": iv.format(5) for label, iv in triad.items()}
    reproducing = [label for label, c in checks.items() if c.verdict is Verdict.CONSISTENT]
    shown = " and ".join(f"{iv.format(5)} ({label})" for label, iv in triad.items())
    where = f"over every HR and CI inside the printed intervals with HR = √(low·high), Wald P ∈ {shown}"
    if reproducing:
        why = f"{where}: printed {p.text} ({p.interval.format(5)}) is reached with " + " and ".join(reproducing)
        if side:
            why += f"; but {side}"
        return Check("hr_triad", Verdict.CONSISTENT, recomputed, why,
                     (_DEFINITION, *(names[label] for label in reproducing), read), 0.0)
    found = _variants(hr, lo, hi, p, triad, conventions)
    why = f"{where}, but printed {p.text} stands for {p.interval.format(5)}"
    if side:
        why += f"; {side}"
    if not found:
        why += ("; not reproducible by any Wald variant (a one-sided P, the unrounded print, β from the HR alone "
                "or from the CI alone): perhaps a likelihood-ratio or score-test P, which the print cannot reproduce")
    return Check("hr_triad", Verdict.INCONSISTENT, recomputed, why,
                 (_DEFINITION, *names.values(), read), min(c.off_by for c in checks.values()), tuple(found))
