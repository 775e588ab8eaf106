"""JUnit XML rendering (``junit.xml``) for CI systems: one testsuite per source, one testcase per claim.

The shape is the one Jenkins, GitLab and GitHub test reporters read (the Ant/Jenkins
``junit-10.xsd``; a copy is in ``checks/fixtures/junit-10.xsd``)::

    testsuites(name, tests, failures, errors, time)
      testsuite(name, tests, failures, errors, skipped, time)      one per source
        testcase(classname = source, name = claim id, time)        one per claim

A testcase is

* a ``<failure>`` when a verdict misses its expectation (an unexpected inconsistency, an
  undetermined claim, or a declared finding that has disappeared), from the printed numbers or
  from data; its text is the pytest failure text: ``verdict ..., expected ...`` then
  ``explain(result)``, the result that misses first, then the other;
* ``<skipped message="finding: ...">`` for a declared finding that holds. This is how pytest's
  own ``--junitxml`` writes the strict xfail the plugin makes of it, so a finding reads the same
  in both files, and a CI summary shows it apart from the passes;
* ``<skipped message="not_checkable: ...">`` when nothing printed can decide the claim;
* passed otherwise (consistent).

A claim with a data-level result is still one testcase (as it is one pytest item): it fails when
either result misses its expectation. Every testcase carries ``explain(result)`` of each of its
results in ``<system-out>``. No check is timed, so times are 0.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from ..model import Source
from ..verdict import Result, Verdict, explain
from .rows import by_claim, by_source, claim_meets

# XML 1.0 forbids most control characters; PDF-extracted text can hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def outcome(rs: list[Result]) -> str:
    """``failure``, ``finding``, ``not_checkable`` or ``passed``: how a claim (all its results) shows in JUnit."""
    if not claim_meets(rs):
        return "failure"
    if any(r.verdict is Verdict.INCONSISTENT for r in rs):
        return "finding"
    if all(r.verdict is Verdict.NOT_CHECKABLE for r in rs):
        return "not_checkable"
    return "passed"


def _head(r: Result) -> str:
    head = f"verdict {r.verdict.value}, expected {r.expected or 'consistent or not_checkable'}"
    return head if r.basis == "reported" else f"from data ({r.basis}): {head}"


def _testcase(parent: ET.Element, rs: list[Result]) -> str:
    first = rs[0]
    case = ET.SubElement(parent, "testcase", classname=first.source, name=first.claim, time="0")
    kind = outcome(rs)
    if kind == "failure":
        # As the pytest item shows it: the result that misses its expectation first.
        order = sorted(rs, key=lambda r: r.meets_expectation)
        miss = order[0]
        failure = ET.SubElement(case, "failure", type=miss.verdict.value, message=_safe(f"{_head(miss)}: {miss.explanation}"))
        failure.text = _safe("\n\n".join("\n".join([_head(r), *explain(r)]) for r in order))
    elif kind == "finding":
        reason = next((r.expectation_reason for r in rs if r.expectation_reason), "")
        ET.SubElement(case, "skipped", type="finding", message=_safe(f"finding: {reason}"))
    elif kind == "not_checkable":
        ET.SubElement(case, "skipped", type="not_checkable", message=_safe(f"not_checkable: {first.explanation}"))
    out = ET.SubElement(case, "system-out")
    out.text = _safe("\n\n".join("\n".join(explain(r)) for r in rs) + f"\n  file:       {first.path}:{first.line}")
    return kind


def render(results: list[Result], sources: Mapping[str, Source] | None = None) -> str:
    """The results as JUnit XML (UTF-8, indented, deterministic)."""
    root = ET.Element("testsuites", name="claimaudit", tests=str(len(by_claim(results))), failures="0", errors="0", time="0")
    failures = 0
    for source_id, rs in by_source(results).items():
        claims = by_claim(rs)
        suite = ET.SubElement(root, "testsuite", name=source_id, tests=str(len(claims)), failures="0", errors="0",
                              skipped="0", time="0")
        src = (sources or {}).get(source_id)
        if src is not None:
            props = ET.SubElement(suite, "properties")
            for name, value in (("title", src.title), ("citation", src.citation), ("text", src.text_path)):
                if value:
                    ET.SubElement(props, "property", name=name, value=_safe(value))
            if not len(props):
                suite.remove(props)
        kinds = [_testcase(suite, claim) for claim in claims]
        suite.set("failures", str(kinds.count("failure")))
        suite.set("skipped", str(kinds.count("finding") + kinds.count("not_checkable")))
        failures += kinds.count("failure")
    root.set("failures", str(failures))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
