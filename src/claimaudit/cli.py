"""The command line: ``claimaudit audit``.

Exit codes: 0 every verdict meets its expectation; 1 some verdict does not; 2 bad input or
usage (one line on stderr, no traceback); 3 an internal error (with its traceback: a bug is
never shown as a claim failure).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from . import __version__
from .errors import ClaimauditError, ContractViolation

DEFAULT_CLAIMS = Path("claims")

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its one-line form
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="claimaudit",
        description="Audit the numbers of published clinical research, claim by claim.",
        epilog="Exit codes: 0 every verdict meets its expectation, 1 some does not, 2 bad input or usage, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"claimaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    a = sub.add_parser(
        "audit",
        help="check every claim from the printed numbers, and from data (the reconstructions, or --extract DIR)",
        description=(
            "Check every claim of the given claim files (default: all of claims/) from the printed numbers alone, "
            "rounding-aware, and each claim with a data block also from patient-level data (--extract DIR, or the "
            "source's reconstruction); print a table of claim, printed, recomputed, verdict and why, then a summary."
        ),
        epilog=(
            "Verdicts: consistent (some values inside the printed intervals reproduce the numbers), inconsistent "
            "(none do), undetermined (a check could not decide within its bounds), not_checkable (nothing printed "
            "can decide it). A claim with 'expect: inconsistent' is a documented finding and meets its expectation."
        ),
    )
    a.add_argument("claim_files", nargs="*", metavar="CLAIM_FILE", help="claim files or folders of them (default: claims/)")
    a.add_argument("--format", choices=("table", "json"), default="table", help="table (rich, default) or json (one object with a 'results' list)")
    a.add_argument("--only", choices=("all", "unexpected", "inconsistent"), default="all", help="rows to show in the table (default: all)")
    a.add_argument("--extract", type=Path, metavar="DIR", help=_EXTRACT_HELP)
    _add_report_parser(sub)
    _add_reconstruct_parser(sub)
    v = sub.add_parser(
        "validate",
        help="check a patient-level extract against the data contract",
        description=(
            "Read the extract (a folder of CSV or Parquet files, see docs/extract-format.md) without writing to it, check "
            "it against the data contract (great-expectations, run locally, no network) and print each broken rule with "
            "its file, column, number of failing rows and up to five of them."
        ),
        epilog="Exit codes: 0 the extract meets the contract, 1 some rule is broken, 2 the extract cannot be read or bad usage, "
               "3 internal error.",
    )
    v.add_argument("extract_dir", metavar="EXTRACT_DIR", type=Path, help="the extract folder")
    v.add_argument("--format", choices=("table", "json"), default="table", help="table (rich, default) or json (one object with a 'violations' list)")
    v.add_argument("--export-suite", type=Path, metavar="FILE", help="also write the contract as great-expectations suites (JSON) to FILE")
    return parser


DEFAULT_REPORTS = Path("reports")
_EXTRACT_HELP = ("also recompute every claim with a data block from this patient-level extract (basis 'extract'), after it "
                 "meets the data contract; without it, from each source's reconstruction in fixtures/reconstructed/ (basis "
                 "'reconstruction'), not_checkable until one exists")


def _add_report_parser(sub) -> None:
    r = sub.add_parser(
        "report",
        help="audit, then write the reports a reviewer can read and attach",
        description=(
            "Audit the given claim files (default: all of claims/) once and write audit.html (one self-contained page), "
            "audit.md (for pasting into a review), audit.json (as 'audit --format json' prints it) and junit.xml (for CI) "
            "into the output folder, then print the paths written."
        ),
        epilog="Exit codes as 'claimaudit audit': 0 every verdict meets its expectation, 1 some does not (the reports are "
               "written either way), 2 bad input or usage (nothing written), 3 internal error (nothing written).",
    )
    r.add_argument("claim_files", nargs="*", metavar="CLAIM_FILE", help="claim files or folders of them (default: claims/)")
    r.add_argument("--output", "-o", type=Path, default=DEFAULT_REPORTS, metavar="DIR", help="folder to write into (default: reports/)")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress bar (the paths written are still printed, one a line)")
    r.add_argument("--extract", type=Path, metavar="DIR", help=_EXTRACT_HELP)


def _add_reconstruct_parser(sub) -> None:
    r = sub.add_parser(
        "reconstruct",
        help="rebuild the reconstructed cohorts, their provenance and docs/implications.md",
        description=(
            "Rebuild, from the claim catalogue (claims/chen2017.yaml, claims/wu2022.yaml), the reconstructed cohorts in "
            "fixtures/reconstructed/ (patient-level extracts meeting the printed aggregates jointly, with a provenance file "
            "per cohort: every constraint, its printed and achieved value, and whether it holds) and docs/implications.md "
            "(what the printed numbers force). Run from the project root. Deterministic: fixed seeds, sorted rows, fixed "
            "number formatting."
        ),
        epilog="Exit codes: 0 written (or, with --check, identical to the committed files), 1 --check found files that differ "
               "(each is named), 2 bad input (a claim file, a catalogue lacking a claim the reconstruction needs), 3 internal error.",
    )
    r.add_argument("--check", action="store_true", help="regenerate in memory and compare byte for byte with the committed files; write nothing")
    r.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _reconstruct(args) -> int:
    from .reconstruction.build import CHEN, WU, differences, generate, write
    from .report.progress import progress

    root = Path.cwd()
    for f in (CHEN, WU):
        if not (root / f).is_file():
            raise ClaimauditError("no such claim file", path=f, hint="run claimaudit reconstruct from the project root")
    steps = progress(iter(range(400)), 400, "reconstructing", args.quiet)
    outputs = generate(root, tick=lambda: next(steps, None))
    for _ in steps:  # close the bar
        pass
    if args.check:
        differ = differences(root, outputs)
        for path in differ:
            print(f"differs from the regeneration: {path}", file=sys.stderr)
        if differ:
            return EXIT_MISMATCH
        print(f"the committed reconstruction is up to date ({len(outputs.files)} files)")
        return EXIT_OK
    for path in write(root, outputs):
        print(path)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "audit":
            return _audit(args)
        if args.command == "report":
            return _report(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "reconstruct":
            return _reconstruct(args)
    except ClaimauditError as err:
        print(f"claimaudit: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception:  # noqa: BLE001 - a bug in claimaudit: show the traceback, exit 3
        traceback.print_exc()
        print("claimaudit: internal error (a bug in claimaudit, not in the claims); please report it", file=sys.stderr)
        return EXIT_BUG
    return EXIT_USAGE


def _audit(args) -> int:
    from .audit import audit
    from .loader import load_paths

    paths = [Path(p) for p in args.claim_files] or [DEFAULT_CLAIMS]
    for p in paths:
        if not p.exists():
            raise ClaimauditError("no such claim file or folder", path=str(p))
    claims = load_paths(paths)
    try:
        results = _with_data(claims, audit(claims), _cohorts(args.extract))
    except ContractViolation as err:
        print(f"claimaudit: {err}", file=sys.stderr)
        return EXIT_MISMATCH
    if args.format == "json":
        from .report.json import render

        sys.stdout.write(render(results))
    else:
        from .report.console import print_results

        print_results(results, only=args.only)
    return EXIT_OK if all(r.meets_expectation for r in results) else EXIT_MISMATCH


def _report(args) -> int:
    from .audit import audit
    from .loader import load_claims
    from .report.files import REPORTS, sources_of, write_reports
    from .report.progress import progress

    paths = [Path(p) for p in args.claim_files] or [DEFAULT_CLAIMS]
    for p in paths:
        if not p.exists():
            raise ClaimauditError("no such claim file or folder", path=str(p))
    files = [f for p in paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])]  # as loader.load_paths
    claims, results = [], []
    # One audit per claim file gives the same results as one over all: links never cross files.
    for f in progress(files, len(files), "auditing", args.quiet):
        file_claims = load_claims(f)
        claims += file_claims
        results += audit(file_claims)
    if args.output.exists() and not args.output.is_dir():
        raise ClaimauditError("the output folder is a file", path=str(args.output), hint="give a folder with --output")
    try:
        cohorts = _cohorts(args.extract, lambda dirs: progress(dirs, 1, "reading and checking the extract", args.quiet))
        kept: dict = {}  # each claim's measure, for the figures (data.figures.figure_data)
        results = _with_data(claims, results, cohorts, lambda cs: progress(cs, len(cs), "recomputing from data", args.quiet), kept)
    except ContractViolation as err:
        print(f"claimaudit: {err}; no reports written", file=sys.stderr)
        return EXIT_MISMATCH
    from .data.figures import figure_data

    try:
        written = write_reports(results, sources_of(claims), args.output, figures=figure_data(claims, cohorts, kept=kept),
                                steps=lambda names: progress(names, len(REPORTS), "writing reports", args.quiet))
    except OSError as err:
        raise ClaimauditError(f"cannot write the reports: {err.strerror or err}", path=str(err.filename or args.output)) from None
    for path in written:
        print(path)
    return EXIT_OK if all(r.meets_expectation for r in results) else EXIT_MISMATCH


def _cohorts(extract_dir: Path | None, steps=iter):
    """The derived cohorts of the extract, read and checked against the contract (ContractViolation when it breaks a rule).

    None without an extract: the data are then each source's reconstruction (no GX import).
    """
    from .data.recompute import load_extract

    if extract_dir is None:
        return None
    [cohorts] = list(steps(load_extract(d) for d in [extract_dir]))  # read while the step is shown
    return cohorts


def _with_data(claims, results, cohorts, steps=iter, keep: dict | None = None) -> list:
    """Each claim's result from the printed numbers, followed by its data-level result (if it has a data block).

    On ``cohorts`` (an extract) or else on each source's reconstruction; ``steps`` wraps the claims
    recomputed (a progress bar); ``keep`` receives each claim's measure (recompute.data_results).
    """
    from .data.recompute import data_results

    with_data = [c for c in claims if c.data is not None]
    data = {(r.path, r.claim): r for c in steps(with_data) for r in data_results([c], cohorts, keep=keep)}
    out = []
    for r in results:
        out.append(r)
        if (r.path, r.claim) in data:
            out.append(data[(r.path, r.claim)])
    return out


def _validate(args) -> int:
    from ._atomic import write_atomic
    from .data.contract import check_contract, export_suites, print_check
    from .data.extract import read_extract

    extract = read_extract(args.extract_dir)
    if args.export_suite:
        target = args.export_suite.resolve()
        if extract.folder.resolve() in target.parents:
            raise ClaimauditError("will not write into the extract", path=str(args.export_suite), hint="write the suite elsewhere")
        try:
            write_atomic(target, export_suites(extract))
        except OSError as err:
            raise ClaimauditError(f"cannot write the suite: {err.strerror or err}", path=str(args.export_suite)) from None
    check = check_contract(extract)
    if args.format == "json":
        sys.stdout.write(json.dumps(check.to_json(), indent=2) + "\n")
    else:
        print_check(check)
    return EXIT_OK if check.ok else EXIT_MISMATCH
