"""Every bad claim file in one table: one mistake per file, the exact one-line message asserted.

Each file in checks/bad_inputs/ starts with ``# error: <message after the path>``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimaudit import ClaimFileError, load_claims
from claimaudit.loader import quote_in_source

BAD = Path(__file__).parent / "bad_inputs"
BAD_FILES = sorted(BAD.glob("*.yaml"))


def _expected(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# error: "), f"{path.name} must start with '# error: <message>'"
    return first[len("# error: "):]


def test_there_are_at_least_forty_bad_claim_files():
    assert len(BAD_FILES) >= 40


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.stem for p in BAD_FILES])
def test_a_bad_claim_file_gets_one_line_naming_file_claim_and_field(path, monkeypatch):
    monkeypatch.chdir(path.parent.parent.parent)
    with pytest.raises(ClaimFileError) as excinfo:
        load_claims(path.relative_to(Path.cwd()))
    message = str(excinfo.value)
    assert "\n" not in message
    assert message == f"checks/bad_inputs/{path.name}{_expected(path)}"


def test_a_missing_claim_file_is_a_claim_file_error(tmp_path):
    with pytest.raises(ClaimFileError, match="no such claim file"):
        load_claims(tmp_path / "nothing.yaml")


def test_quotes_match_across_hyphenated_line_breaks():
    assert quote_in_source("tacrolimus was", "treated with tacroli-\nmus was well")


def test_quotes_keep_a_real_hyphen_at_a_line_break():
    assert quote_in_source("Pre-EDSS or Post-EDSS", "Pre-EDSS or Post-\nEDSS 4.5")


def test_quotes_ignore_whitespace_differences():
    assert quote_in_source("5.665 (1.012– 31.705)", "5.665 \n(1.012–\n31.705)")


def test_a_changed_number_in_the_quote_does_not_match():
    assert not quote_in_source("23 (93)", "Female sex, No. (%) 23 (92)")


def test_a_good_claim_file_keeps_the_line_of_each_claim(write_claim_file):
    path = write_claim_file(
        """
        - id: a
          where: T1
          quote: "23 (92)"
          kind: percent_of_count
          reported: {count: "23", n: "25", percent: "92"}
        """, "Female sex 23 (92)")
    (claim,) = load_claims(path)
    assert claim.line == 5 and claim.line_of("reported") == 9
