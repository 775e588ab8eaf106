"""Every number of both sources is in a claim (issue 2, "Coverage").

Every number token of ``claims/sources/*.txt`` (digits, decimals, percentages, P values, titers
such as 1:64, both ends of ranges such as 6–34, number words such as Twenty-five, Seven, one,
"two and half", and ordinals such as seventh) must be covered by a claim: the token lies inside
the claim's quote, as the loader and the HTML report find it (first occurrence, whitespace and
hyphenated line breaks normalised: ``report.html.find_quote``), and the claim prints that number,
in the same form (a word as a word), as one of its ``reported`` values. Each printed value covers
one token, so a number printed twice in one quote needs two values (a matching of tokens to
values, not a lookup). The only exceptions are the tokens of ALLOWED below: numbers that are not
quantitative statements, each with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from claimaudit import load_claims
from claimaudit.report.html import find_quote

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "claims"
SOURCES = ("chen2017", "wu2022")

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
         "seventeen eighteen nineteen".split()
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}
_ORDINALS = {w: i + 1 for i, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth".split())}
WORDS = {w: i for i, w in enumerate(_UNITS)} | _TENS
_WORD = (
    rf"(?:(?:{'|'.join(_TENS)})(?:-(?:{'|'.join(_UNITS[1:10])}))?|{'|'.join(_UNITS)})(?: and (?:a )?half)?"
    rf"|{'|'.join(_ORDINALS)}"
)
TOKEN = re.compile(rf"\d+:\d+|\d+(?:\.\d+)?|\b(?:{_WORD})\b", re.IGNORECASE)


def number_value(text: str) -> str:
    """A number as a comparable string: digits as printed, words lower-cased.

    Two forms the printed-number grammar cannot hold are read as their digits, as the claims print
    them: ordinals ("seventh" is 7) and halves in words ("two and half" is 2.5).
    """
    t = text.strip().lower()
    half = re.fullmatch(r"(.+) and (?:a )?half", t)
    if half:
        return f"{word_digits(half[1])}.5"
    if t in _ORDINALS:
        return str(_ORDINALS[t])
    return t


def word_digits(word: str) -> int:
    """A cardinal number word as its value ("Twenty-five" is 25)."""
    t = word.lower()
    if t in WORDS:
        return WORDS[t]
    tens, _, unit = t.partition("-")
    return _TENS[tens] + WORDS[unit]


def printed_value(text: str) -> str:
    """A claim's printed value as a comparable string: its bound sign and percent sign dropped."""
    return number_value(text.strip().lstrip("<>≤≥=~ ").rstrip("%").strip())


@dataclass(frozen=True)
class Allowed:
    """Tokens that are not quantitative statements: every number inside each context is allowed."""

    source: str
    reason: str
    contexts: tuple[str, ...]  # exact text of the source (whitespace may differ); each must occur


ALLOWED = [
    # ---------------------------------------------------------------- chen2017
    Allowed("chen2017", "author affiliation marks", ("Bo Chen1", "Qian Wu1", "Gaotan Ke2", "Bitao Bu1")),
    Allowed("chen2017", "reference numbers (superscripts glued to the word they follow)", (
        "damage1.", "NMO2, 3.", "studies4–14.", "therapy11, 14.", "NMOSD11,", "nephritis15–18.", "score7.",
        "discontinuation7.", "patients7, 11.", "relapse-free11.", "NMO19, 20,", "methylprednisolone21.",
        "Tanaka et al.22,", "Tanaka et al.22.", "outcome23.", "nephritis18,", "gravis15, 24,", "myopathies16,",
        "NMOSD8, 20, 25.", "reports8, 20, 25.", "dysimmunity1, 26.", "production27.", "cytokines28,",
        "parenchyma29, 30.", "targets31, 32.", "disorders33.",
    )),
    Allowed("chen2017", "table and figure numbers", (
        "Table 1", "Table 2", "Table 3", "Table 4", "Table 5", "Figure 1", "Figure 2", "Fig. 2", "Supplementary Table S1",
    )),
    Allowed("chen2017", "names of molecules and cells that contain a digit", (
        "aquaporin 4", "AQP4", "AQP-4", "CD19", "CD20", "IgG1",
    )),
    Allowed("chen2017", '"on one hand": an idiom, not a count', ("on one hand",)),
    Allowed("chen2017", '"first" orders events in time (the first attack, relapse, months); it counts nothing', (
        "First attack.", "the first relapse", "during the first", "the first few months",
    )),
    # ---------------------------------------------------------------- wu2022
    Allowed("wu2022", "the scale's name (MG QOL-15); its 15 items are claim qol15-items", ("MG QOL-15",)),
    Allowed("wu2022", "names of molecules that contain a digit", (
        "protein-1", "sPD-1", "sPD-L1", "CD40", "sCD40L", "sCD40", "interleukin-2", "IL-2", "differentiation 40",
        "differentiation 25", "sCD25",
    )),
    Allowed("wu2022", "the citation below the report: year, volume, article number and doi", (
        "J Neuroimmunol. 2022;372(577955):577955. doi:10.1016/j.jneuroim.2022.577955",
    )),
]


def _pattern(context: str) -> re.Pattern:
    """The context as a regex: its words in order, any whitespace (or a hyphenated line break) between."""
    words = [re.escape(w) for w in context.split()]
    return re.compile(r"\s+".join(words).replace(r"\-", r"(?:-\s*)"))


@dataclass(frozen=True)
class Token:
    source: str
    start: int
    end: int
    text: str
    line: int

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.text!r}"


def tokens(source: str, text: str) -> list[Token]:
    return [Token(source, m.start(), m.end(), m[0], text.count("\n", 0, m.start()) + 1) for m in TOKEN.finditer(text)]


def _sources():
    for src in SOURCES:
        claims = load_claims(CLAIMS / f"{src}.yaml")
        yield src, claims[0].source.text, claims


SOURCE_DATA = {src: (text, claims) for src, text, claims in _sources()}


def allowed_spans(source: str, text: str) -> dict[str, list[tuple[int, int]]]:
    """Each allowed context's occurrences in the source text."""
    return {ctx: [m.span() for m in _pattern(ctx).finditer(text)] for a in ALLOWED if a.source == source for ctx in a.contexts}


def covering_claims(tok: Token, claims, text: str) -> list:
    """Claims whose quote contains the token."""
    out = []
    for c in claims:
        span = find_quote(c.quote, text)
        if span and span[0] <= tok.start and tok.end <= span[1]:
            out.append(c)
    return out


def printing(tok: Token, claims, text: str) -> list[tuple[str, str]]:
    """The (claim, role) pairs that may stand for the token: the claim quotes it and prints its number."""
    value = number_value(tok.text)
    return [(c.id, role) for c in covering_claims(tok, claims, text) for role, v in c.reported.items() if printed_value(v) == value]


def unmatched(candidates: dict[Token, list[tuple[str, str]]]) -> list[Token]:
    """Tokens left over by a maximum matching of tokens to distinct printed values (Kuhn's augmenting paths)."""
    owner: dict[tuple[str, str], Token] = {}

    def assign(tok: Token, seen: set) -> bool:
        for value in candidates[tok]:
            if value not in seen:
                seen.add(value)
                if value not in owner or assign(owner[value], seen):
                    owner[value] = tok
                    return True
        return False

    return [tok for tok in candidates if not assign(tok, set())]


def uncovered(source: str) -> list[str]:
    """Each number of the source that no printed value of a claim quoting it stands for, with its context."""
    text, claims = SOURCE_DATA[source]
    allowed = [span for spans in allowed_spans(source, text).values() for span in spans]
    candidates = {tok: printing(tok, claims, text) for tok in tokens(source, text)
                  if not any(a <= tok.start and tok.end <= b for a, b in allowed)}
    out = []
    for tok in unmatched(candidates):
        near = text[max(0, tok.start - 40):tok.end + 40].replace("\n", " ")
        quoting = [c.id for c in covering_claims(tok, claims, text)]
        who = (f"quoted by {', '.join(quoting)}; printed by " + (", ".join(f"{c}.{r}" for c, r in candidates[tok]) or "none")
               if quoting else "no claim quotes it")
        out.append(f"{tok} in '…{near}…' ({who})")
    return out


@pytest.mark.parametrize("source", SOURCES)
def test_every_number_of_the_source_is_printed_by_a_claim_whose_quote_holds_it(source):
    missing = uncovered(source)
    assert not missing, f"{len(missing)} numbers in no claim:\n" + "\n".join(missing)


@pytest.mark.parametrize("source", SOURCES)
def test_every_allowed_context_occurs_in_the_source_and_holds_a_number(source):
    text, _ = SOURCE_DATA[source]
    for ctx, spans in allowed_spans(source, text).items():
        assert spans, f"{source}: allowed context {ctx!r} does not occur"
        assert all(TOKEN.search(text, a, b) for a, b in spans), f"{source}: allowed context {ctx!r} holds no number"


def test_no_allowed_number_is_also_claimed():
    # An allowed token that some claim prints from its quote is a claim, not an exception: keep the list tight.
    for source in SOURCES:
        text, claims = SOURCE_DATA[source]
        for ctx, spans in allowed_spans(source, text).items():
            for a, b in spans:
                for m in TOKEN.finditer(text, a, b):
                    tok = Token(source, m.start(), m.end(), m[0], 0)
                    claimed = printing(tok, claims, text)
                    assert not claimed, f"{source}: {tok.text!r} in allowed {ctx!r} is printed by {claimed}"


@pytest.mark.parametrize("text, expected", [
    ("Female sex, No. (%) 23 (92)", ["23", "92"]),
    ("Titer of AQP4-IgG ≥1:64, No. (%) 11 (44)", ["4", "1:64", "11", "44"]),
    ("31 (6–55)", ["31", "6", "55"]),
    ("P < 0.001; P <0.0001", ["0.001", "0.0001"]),
    ("Twenty-five patients, Seven patients (28%), one young child", ["Twenty-five", "Seven", "28", "one"]),
    ("two and half years; in the seventh month; none; someone", ["two and half", "seventh"]),
])
def test_the_tokeniser_finds_every_kind_of_number(text, expected):
    assert [t.text for t in tokens("x", text)] == expected


@pytest.mark.parametrize("printed, token", [
    ("≥1:64", "1:64"), ("<0.001", "0.001"), ("86.2%", "86.2"), ("Twenty-four", "twenty-four"), ("One", "one"),
    ("2.5", "two and half"), ("7", "seventh"), ("0.100", "0.100"),
])
def test_a_printed_value_matches_its_token(printed, token):
    assert printed_value(printed) == number_value(token)


@pytest.mark.parametrize("printed, token", [("1", "one"), ("0.1", "0.100"), ("24", "Twenty-four"), ("92", "9")])
def test_a_printed_value_in_another_form_does_not_match(printed, token):
    assert printed_value(printed) != number_value(token)


def test_a_number_printed_twice_in_one_quote_needs_two_printed_values():
    one, two = Token("x", 0, 1, "1", 1), Token("x", 5, 6, "1", 1)
    assert unmatched({one: [("c", "a")], two: [("c", "a")]}) == [two]
    assert unmatched({one: [("c", "a"), ("c", "b")], two: [("c", "a")]}) == []


def test_number_words_read_as_their_digits():
    assert [word_digits(w) for w in ("Twenty-five", "Seven", "one", "Fourteen")] == [25, 7, 1, 14]
