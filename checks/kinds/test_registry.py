"""One name per kind: registry = module name = JSON Schema enum = claims/README.md table = test file."""

from __future__ import annotations

import re
from pathlib import Path

from claimaudit.kinds import MODULES, load_all
from claimaudit.loader import schema

ROOT = Path(__file__).resolve().parents[2]


def test_every_kind_module_registers_the_kind_of_its_name():
    kinds = load_all()
    assert {spec.func.__module__.rsplit(".", 1)[1] for spec in kinds.values()} == set(MODULES)
    assert all(spec.func.__module__.endswith("." + name) for name, spec in kinds.items())


def test_the_schema_enum_lists_exactly_the_registered_kinds():
    enum = schema()["$defs"]["claim"]["properties"]["kind"]["enum"]
    assert sorted(enum) == sorted(load_all())


def test_the_claims_readme_documents_exactly_the_registered_kinds():
    text = (ROOT / "claims" / "README.md").read_text("utf-8")
    section = text.split("## Kinds", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\|\s*`([a-z_]+)`", section, flags=re.M)
    assert sorted(documented) == sorted(load_all())


def test_every_kind_has_its_test_file():
    missing = [k for k in load_all() if not (ROOT / "checks" / "kinds" / f"test_{k}.py").exists()]
    assert missing == []


def test_every_kind_has_a_docstring_that_says_what_it_checks():
    assert all(spec.summary for spec in load_all().values())
