"""The pytest plugin: every claim of ``claims/*.yaml`` is a test item.

Follows pytest's documented pattern for non-Python tests (``doc/en/example/nonpython``):
``pytest_collect_file`` returns a :class:`ClaimFile`, whose items are :class:`ClaimItem`.
Three kinds of failure get three displays: a bad claim file is a collection error of one
line; a number that does not add up is an item failure showing ``explain(result)`` with no
traceback; a bug in claimaudit keeps its full traceback.

A claim declared ``expect: inconsistent`` is marked ``xfail(strict=True)``: it stays green
while the finding holds and turns red if it disappears.

A claim with a ``data`` block is also recomputed from patient-level data in the same item: from
``--extract DIR`` (read and checked against the contract once, at configure time; a broken
extract is a usage error) or else from its source's reconstruction (not_checkable until one
exists). The item fails when either result misses its expectation, and shows both.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from .audit import check_claim, links
from .errors import ClaimFileError
from .loader import load_claims
from .verdict import Result, Verdict, explain

RESULTS_KEY = pytest.StashKey[list]()
EXTRACT_KEY = pytest.StashKey[object]()  # the derived cohorts of --extract (data.cohorts.Cohorts)
KEPT_KEY = pytest.StashKey[dict]()  # each claim's data-level measure, for the figures of --claims-report


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("claimaudit")
    parser.addini("claims_glob", "glob (relative to rootdir) of claim files collected as tests", default="claims/*.yaml")
    group.addoption(
        "--claims-report", metavar="DIR", default=None,
        help="write the audit reports of the claims run (audit.html, audit.md, audit.json, junit.xml) into DIR",
    )
    group.addoption(
        "--extract", metavar="DIR", default=None,
        help="also recompute every claim with a data block from this patient-level extract (basis 'extract'), once it "
             "meets the data contract; without it, from each source's reconstruction in fixtures/reconstructed/",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[RESULTS_KEY] = []
    config.stash[KEPT_KEY] = {}
    extract = config.getoption("extract", None)
    if extract:
        from .data.recompute import load_extract
        from .errors import ClaimauditError

        try:
            config.stash[EXTRACT_KEY] = load_extract(extract)
        except ClaimauditError as err:
            raise pytest.UsageError(f"--extract: {err}") from None


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    try:
        rel = file_path.relative_to(parent.config.rootpath).as_posix()
    except ValueError:
        return None
    if fnmatch.fnmatchcase(rel, parent.config.getini("claims_glob")):
        return ClaimFile.from_parent(parent, path=file_path)
    return None


class ClaimMismatch(Exception):
    """A claim's verdict differs from its expectation (a finding in the source, not a bug)."""

    def __init__(self, result: Result, data: Result | None = None) -> None:
        self.result = result
        self.data = data
        super().__init__(result.claim)


class ClaimFile(pytest.File):
    """A claim file; its items are its claims, in file order."""

    def collect(self):
        try:
            claims = load_claims(self.path)
        except ClaimFileError as err:
            raise self.CollectError(str(err)) from None
        by_id = {c.id: c for c in claims}
        all_links = links(claims)
        for claim in claims:
            item = ClaimItem.from_parent(self, name=claim.id, claim=claim, by_id=by_id, links=all_links.get((claim.path, claim.id), []))
            if claim.expect and claim.expect.verdict == Verdict.INCONSISTENT.value:
                item.add_marker(pytest.mark.xfail(strict=True, reason=f"finding: {claim.expect.reason}"))
            yield item


class ClaimItem(pytest.Item):
    """One claim, checked from its printed numbers."""

    def __init__(self, *, claim, by_id, links, **kwargs) -> None:
        super().__init__(**kwargs)
        self.claim = claim
        self.by_id = by_id
        self.claim_links = links
        self.result: Result | None = None
        self.data_result: Result | None = None

    def runtest(self) -> None:
        result = check_claim(self.claim, self.by_id, self.claim_links)
        self.result = result
        self.config.stash[RESULTS_KEY].append(result)
        data = None
        if self.claim.data is not None:
            from .data.recompute import data_results

            data = data_results([self.claim], self.config.stash.get(EXTRACT_KEY, None), root=self.config.rootpath,
                                keep=self.config.stash[KEPT_KEY])[0]
            self.data_result = data
            self.config.stash[RESULTS_KEY].append(data)
        expected = self.claim.expect.verdict if self.claim.expect else None
        if expected == Verdict.INCONSISTENT.value:
            # Under xfail(strict): raising keeps the finding green; passing (it vanished, or data contradict it) goes red.
            if result.verdict is Verdict.INCONSISTENT and (data is None or data.meets_expectation):
                raise ClaimMismatch(result, data)
            return
        if not result.meets_expectation or (data is not None and not data.meets_expectation):
            raise ClaimMismatch(result, data)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimMismatch):
            reported, data = excinfo.value.result, excinfo.value.data
            # The result that misses its expectation comes first: its first line is pytest's short summary.
            order = [data, reported] if data is not None and reported.meets_expectation else [reported, data]
            lines = []
            for r in order:
                if r is not None:
                    head = f"verdict {r.verdict.value}, expected {r.expected or 'consistent or not_checkable'}"
                    head = head if r.basis == "reported" else f"from data ({r.basis}): {head}"
                    lines += [*([""] if lines else []), head, *explain(r)]
            return "\n".join(lines)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, self.claim.line - 1, f"{self.claim.source.id}::{self.claim.id} [{self.claim.kind}]"


REPORTS_WRITTEN_KEY = pytest.StashKey[list]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With ``--claims-report DIR``: write the reports of the results the claim items stashed.

    Not after a run that stopped early (a bad claim file, a usage error, an internal error), as
    ``claimaudit report`` writes nothing on bad input: old reports stay as they were.
    """
    directory = session.config.getoption("claims_report", None)
    stopped = (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR)
    if not directory or exitstatus in stopped:
        return
    from .data.figures import figure_data
    from .report.files import write_reports

    claims = [item.claim for item in session.items if isinstance(item, ClaimItem)]
    sources = {c.source.id: c.source for c in claims}
    figures = figure_data(claims, kept=session.config.stash[KEPT_KEY])
    written = write_reports(session.config.stash[RESULTS_KEY], sources, session.config.invocation_params.dir / directory,
                            figures=figures)
    session.config.stash[REPORTS_WRITTEN_KEY] = written


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    written = config.stash.get(REPORTS_WRITTEN_KEY, [])
    if written:
        terminalreporter.write_sep("-", "claimaudit reports written")
        for path in written:
            terminalreporter.write_line(str(path))
