"""Rounding policies: how a true value becomes printed digits, and back.

``half_up`` rounds a tie away from zero (SPSS, Excel, and most hand rounding; scrutiny's
"up_or_down" family). ``half_even`` rounds a tie to the even digit (R's ``round()``, Python's
``round()`` on decimals, IEEE 754). A printed value stands for the union of the intervals of
the policies a claim allows.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from .intervals import Interval

POLICIES = ("half_up", "half_even")
DEFAULT_POLICIES = POLICIES

_DECIMAL_MODE = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def reround(value: float | Fraction, decimals: int, policy: str = "half_up") -> str:
    """Print ``value`` with ``decimals`` decimals under ``policy``.

    The value is taken at its exact binary expansion (``Decimal(value)``), so 0.125 is a true
    tie and 0.1 + 0.2 is not.

    >>> reround(0.125, 2, "half_up"), reround(0.125, 2, "half_even")
    ('0.13', '0.12')
    """
    if policy not in _DECIMAL_MODE:
        raise ValueError(f"unknown rounding policy {policy!r}; use one of {POLICIES}")
    quantum = Decimal(1).scaleb(-decimals)
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(value)
        text = str(exact.quantize(quantum, rounding=_DECIMAL_MODE[policy]))
    return "0" + text[2:] if text.startswith("-0") and Decimal(text) == 0 else text


def unround(text: str, policy: str = "half_up") -> Interval:
    """The interval of true values that ``policy`` prints as the decimal ``text``.

    >>> str(unround("2.9"))
    '[2.85, 2.95)'
    >>> str(unround("0.5", "half_even"))
    '(0.45, 0.55)'
    """
    d = Decimal(text)
    exponent = d.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    half = Decimal(5).scaleb(-decimals - 1)
    lo, hi = Fraction(d - half), Fraction(d + half)
    if policy == "half_up":
        # Ties go away from zero: the tie on the zero side belongs to this value.
        if d > 0:
            return Interval(lo, hi, True, False)
        if d < 0:
            return Interval(lo, hi, False, True)
        return Interval(lo, hi, False, False)
    if policy == "half_even":
        last_digit = int(d.scaleb(decimals)) % 10
        even = last_digit % 2 == 0
        return Interval(lo, hi, even, even)
    raise ValueError(f"unknown rounding policy {policy!r}; use one of {POLICIES}")


def unround_any(text: str, policies: tuple[str, ...] = DEFAULT_POLICIES) -> Interval:
    """The union of ``unround(text, p)`` over the policies (always one interval)."""
    result = None
    for policy in policies:
        iv = unround(text, policy)
        result = iv if result is None else result.hull(iv)
    assert result is not None, "at least one rounding policy"
    return result


def rounds_to(value: float, text: str, policies: tuple[str, ...] = DEFAULT_POLICIES) -> bool:
    """Some policy prints ``value`` as ``text`` (exact, via Decimal)."""
    d = Decimal(text)
    exponent = d.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return any(Decimal(reround(value, decimals, p)) == d for p in policies)
