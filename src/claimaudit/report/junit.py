"""JUnit XML rendering (``junit.xml``) for CI systems: one testsuite per source, one testcase per claim.

The shape is the one Jenkins, GitLab and GitHub test reporters read (the Ant/Jenkins
``junit-10.xsd``; a copy is in ``checks/fixtures/junit-10.xsd``)::

    testsuites(name, tests, failures, errors, time)
      testsuite(name, tests, failures, errors, skipped, time)      one per source
        testcase(classname = source, name = claim id, time)        one per claim

A testcase is

* a ``<failure>`` when the verdict misses its expectation (an unexpected inconsistency, an
  undetermined claim, or a declared finding that has disappeared); its text is the pytest
  failure text: ``verdict ..., expected ...`` then ``explain(result)``;
* ``<skipped message="finding: ...">`` for a declared finding that holds. This is how pytest's
  own ``--junitxml`` writes the strict xfail the plugin makes of it, so a finding reads the same
  in both files, and a CI summary shows it apart from the passes;
* ``<skipped message="not_checkable: ...">`` when nothing printed can decide the claim;
* passed otherwise (consistent).

Every testcase carries ``explain(result)`` in ``<system-out>``. No check is timed, so times are 0.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

from ..model import Source
from ..verdict import Result, Verdict, explain
from .markdown import by_source

# XML 1.0 forbids most control characters; PDF-extracted text can hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def outcome(r: Result) -> str:
    """``failure``, ``finding``, ``not_checkable`` or ``passed``: how the claim shows in JUnit."""
    if not r.meets_expectation:
        return "failure"
    if r.verdict is Verdict.INCONSISTENT:
        return "finding"
    if r.verdict is Verdict.NOT_CHECKABLE:
        return "not_checkable"
    return "passed"


def _testcase(parent: ET.Element, r: Result) -> str:
    case = ET.SubElement(parent, "testcase", classname=r.source, name=r.claim, time="0")
    kind = outcome(r)
    if kind == "failure":
        want = r.expected or "consistent or not_checkable"
        failure = ET.SubElement(case, "failure", type=r.verdict.value,
                                message=_safe(f"verdict {r.verdict.value}, expected {want}: {r.explanation}"))
        failure.text = _safe("\n".join([f"verdict {r.verdict.value}, expected {want}", *explain(r)]))
    elif kind == "finding":
        ET.SubElement(case, "skipped", type="finding", message=_safe(f"finding: {r.expectation_reason}"))
    elif kind == "not_checkable":
        ET.SubElement(case, "skipped", type="not_checkable", message=_safe(f"not_checkable: {r.explanation}"))
    out = ET.SubElement(case, "system-out")
    out.text = _safe("\n".join([*explain(r), f"  file:       {r.path}:{r.line}"]))
    return kind


def render(results: list[Result], sources: Mapping[str, Source] | None = None) -> str:
    """The results as JUnit XML (UTF-8, indented, deterministic)."""
    root = ET.Element("testsuites", name="claimaudit", tests=str(len(results)), failures="0", errors="0", time="0")
    failures = 0
    for source_id, rs in by_source(results).items():
        suite = ET.SubElement(root, "testsuite", name=source_id, tests=str(len(rs)), failures="0", errors="0",
                              skipped="0", time="0")
        src = (sources or {}).get(source_id)
        if src is not None:
            props = ET.SubElement(suite, "properties")
            for name, value in (("title", src.title), ("citation", src.citation), ("text", src.text_path)):
                if value:
                    ET.SubElement(props, "property", name=name, value=_safe(value))
            if not len(props):
                suite.remove(props)
        kinds = [_testcase(suite, r) for r in rs]
        suite.set("failures", str(kinds.count("failure")))
        suite.set("skipped", str(kinds.count("finding") + kinds.count("not_checkable")))
        failures += kinds.count("failure")
    root.set("failures", str(failures))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
