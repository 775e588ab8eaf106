"""Shared fixtures: write a claim file into a temporary folder with a tiny source text."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = ROOT / "claims"


@pytest.fixture
def write_claim_file(tmp_path: Path):
    """Write ``claims_yaml`` (the claims list, YAML) with a source whose text is ``source_text``."""

    def write(claims_yaml: str, source_text: str = "", name: str = "paper.yaml", source_id: str = "paper") -> Path:
        (tmp_path / "source.txt").write_text(source_text, "utf-8")
        head = f"source:\n  id: {source_id}\n  text: source.txt\nclaims:\n"
        path = tmp_path / name
        path.write_text(head + textwrap.indent(textwrap.dedent(claims_yaml).strip("\n"), "  ") + "\n", "utf-8")
        return path

    return write


@pytest.fixture
def audit_claims(write_claim_file):
    """Write a claim file, load and audit it; the results by claim id."""
    from claimaudit import audit, load_claims

    def run(claims_yaml: str, source_text: str) -> dict:
        return {r.claim: r for r in audit(load_claims(write_claim_file(claims_yaml, source_text)))}

    return run


@pytest.fixture
def claims_dir(tmp_path: Path, monkeypatch, request):
    """A working folder with claims/sources/paper.txt (the test module's SOURCE); returns a writer of claims/<name>."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "claims" / "sources").mkdir(parents=True)
    (tmp_path / "claims" / "sources" / "paper.txt").write_text(request.module.SOURCE, "utf-8")

    def write(claims: str, name: str = "paper.yaml") -> Path:
        path = tmp_path / "claims" / name
        path.write_text("source:\n  id: paper\n  text: sources/paper.txt\nclaims:\n" + textwrap.indent(claims.strip("\n"), "  ") + "\n", "utf-8")
        return path

    return write
