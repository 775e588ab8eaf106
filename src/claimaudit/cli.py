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
from .errors import ClaimauditError

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
        help="check every claim from the printed numbers",
        description=(
            "Check every claim of the given claim files (default: all of claims/) from the printed numbers alone, "
            "rounding-aware, and print a table of claim, printed, recomputed, verdict and why, then a summary."
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
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "audit":
            return _audit(args)
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
    results = audit(claims)
    if args.format == "json":
        from .report.json import render

        sys.stdout.write(render(results))
    else:
        from .report.console import print_results

        print_results(results, only=args.only)
    return EXIT_OK if all(r.meets_expectation for r in results) else EXIT_MISMATCH
