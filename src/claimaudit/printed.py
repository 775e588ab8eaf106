"""Printed values: numbers exactly as a source prints them, and the intervals they stand for.

A printed value stays a string until :func:`parse_printed` reads it; nothing else in
claimaudit calls ``float`` on a claim field. Accepted forms::

    "92"  "2.9"  "0.100"  ".000"  "-0.5"  "86.2%"     a rounded decimal
    "<0.001"  ">0.99"  "≤5"  "≥1:64"                   a bound (open or closed)
    "1:64"                                             a titer (dilution 64, exact)
    "Seven"  "Twenty-five"                             a number word (exact)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from .intervals import Interval
from .rounding import DEFAULT_POLICIES, unround_any

_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}

_NUMBER = re.compile(
    r"^(?P<rel><=|>=|≤|≥|<|>|=)?\s*(?P<titer>1:)?(?P<num>[-−]?(\d+(\.\d*)?|\.\d+))\s*(?P<pct>%)?$"
)


def _word_value(text: str) -> int | None:
    t = text.strip().lower()
    if t in _WORDS:
        return _WORDS[t]
    if t in _TENS:
        return _TENS[t]
    parts = t.split("-")
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _WORDS and 0 < _WORDS[parts[1]] < 10:
        return _TENS[parts[0]] + _WORDS[parts[1]]
    return None


@dataclass(frozen=True)
class Printed:
    """A printed number: its text, the number it shows, and the interval of true values."""

    text: str
    value: float
    decimals: int
    interval: Interval
    relation: str = "="
    exact: bool = False
    percent: bool = False
    number: Fraction = Fraction(0)  # the printed digits as an exact fraction ("0.100" is 1/10)

    @property
    def half_unit(self) -> float:
        """Half a unit of the last printed digit (0.05 for "2.9", 0.5 for "92")."""
        return 0.5 * 10.0 ** (-self.decimals)

    @property
    def unit(self) -> Fraction:
        """One unit of the last printed digit, exactly (1/10 for "2.9")."""
        return Fraction(1, 10**self.decimals)

    @property
    def is_integer(self) -> bool:
        return self.decimals == 0 and self.relation == "=" and float(self.value).is_integer()

    def as_count(self) -> int:
        """The printed value as an exact count; ValueError when it is not a whole number."""
        if not self.is_integer or self.value < 0:
            raise ValueError(f"{self.text!r} is not a count (a whole number >= 0)")
        return int(self.value)

    def count_interval(self) -> Interval:
        """A count is exact: the point interval of its value."""
        return Interval.point(Fraction(self.as_count()))

    def __str__(self) -> str:
        return self.text


def parse_printed(text: str, rounding: tuple[str, ...] = DEFAULT_POLICIES) -> Printed:
    """Read a printed value; the interval is the union over the ``rounding`` policies.

    >>> p = parse_printed("0.100")
    >>> p.decimals, str(p.interval)
    (3, '[0.0995, 0.1005]')
    >>> str(parse_printed("<0.001").interval)
    '(-inf, 0.001)'
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a string (write printed values in quotes, e.g. \"0.50\")")
    word = _word_value(text)
    if word is not None:
        return Printed(text, float(word), 0, Interval.point(Fraction(word)), exact=True, number=Fraction(word))
    m = _NUMBER.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a printed number")
    num = m["num"].replace("−", "-")
    if num.endswith("."):
        num = num[:-1]
    decimals = len(num.split(".")[1]) if "." in num else 0
    value = float(num)
    rel = {"<=": "≤", ">=": "≥"}.get(m["rel"] or "=", m["rel"] or "=")
    titer = bool(m["titer"])
    if rel == "=":
        interval = Interval.point(Fraction(num)) if titer else unround_any(num if not num.startswith(".") else "0" + num, rounding)
    elif rel in "<≤":
        interval = Interval(-math.inf, Fraction(num), False, rel == "≤")
    else:
        interval = Interval(Fraction(num), math.inf, rel == "≥", False)
    return Printed(text, value, decimals, interval, rel, exact=titer, percent=bool(m["pct"]), number=Fraction(num))
