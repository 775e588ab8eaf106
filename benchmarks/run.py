"""Benchmark: generate a synthetic extract, read it, validate it (GX and plain pandas), recompute the claims on it.

    .venv/bin/python benchmarks/run.py --patients 1000000 --seed 1            # the figures of docs/benchmarks.md
    .venv/bin/python benchmarks/run.py --patients 10000 --profile /tmp/prof   # plus a cProfile summary per phase

Every phase runs in its own child process, so that its peak memory is its own: the parent reaps each
child with ``os.wait4`` and reads that child's ``ru_maxrss``. The wall time is the parent's clock around
the child (interpreter start and imports included); the child reports the time of its own steps as JSON.
The extract goes to ``--workdir`` (default: a new folder under /tmp) and is deleted afterwards unless
``--keep``. Each child runs under an address-space limit (``--memory-limit-gb``, default 12), so a step
that would need more memory fails with MemoryError instead of pressing on the rest of the machine.

The recompute phase recomputes every data-level claim of claims/chen2017.yaml (basis ``extract``)
one by one, each within ``--claim-budget`` seconds (SIGALRM; a claim still running then is
reported as over budget, as is a MemoryError). It is skipped, and says so, while
``claimaudit.data.recompute`` does not exist. The audit-cli phase runs
``claimaudit audit claims/chen2017.yaml --extract EXTRACT --format json`` end to end: reading, the
contract (great-expectations), the cohorts and every claim, in one process, as a data steward runs
it. The verdicts on a synthetic extract mean nothing (it meets no printed number); only the times do.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("generate", "read", "validate-gx", "validate-pandas", "validate-cli", "recompute", "audit-cli")


# ---------------------------------------------------------------- children: one phase each, JSON on stdout

def _child(phase: str, folder: str, args: argparse.Namespace) -> dict:
    steps: dict[str, float] = {}

    def step(name, fn, *a):
        start = time.perf_counter()
        out = fn(*a)
        steps[name] = round(time.perf_counter() - start, 2)
        return out

    from claimaudit.data.extract import read_extract

    extract = step("read", read_extract, folder)
    info: dict = {"rows": {n: len(df) for n, df in extract.tables.items()}}
    if phase == "validate-gx":
        from claimaudit.data import contract

        step("import great_expectations", contract._gx)
        step("derived columns", contract.derive, extract)  # check_contract derives them again; timed apart here
        check = step("check_contract (GX)", contract.check_contract, extract)
        info["verdict"] = check.summary()
    elif phase == "validate-pandas":
        from claimaudit.data.contract_pandas import check_contract_pandas

        check = step("check_contract_pandas", check_contract_pandas, extract)
        info["verdict"] = check.summary()
    elif phase == "recompute":
        info |= _recompute(extract, steps, args.claim_budget)
    return {"steps": steps, **info}


def _recompute(extract, steps: dict, budget: float) -> dict:
    import signal

    try:
        from claimaudit.data.cohorts import derive_cohorts
        from claimaudit.data.recompute import recompute_claim
    except ImportError as err:
        return {"skipped": f"no recompute yet ({err})"}
    from claimaudit.loader import load_claims

    claims = [c for c in load_claims(ROOT / "claims" / "chen2017.yaml") if c.data is not None]
    start = time.perf_counter()
    cohorts = derive_cohorts(extract)
    steps["derive_cohorts"] = round(time.perf_counter() - start, 2)

    def over_budget(signum, frame):
        raise TimeoutError(f"over the budget of {budget:g} s")

    signal.signal(signal.SIGALRM, over_budget)
    claims_out = []
    for claim in claims:
        start = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, budget)
        try:
            outcome = recompute_claim(claim, cohorts, "extract").verdict.value
        except (TimeoutError, MemoryError) as err:
            outcome = f"{type(err).__name__}: {err}"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        claims_out.append({"claim": claim.id, "metric": claim.data["metric"], "seconds": round(time.perf_counter() - start, 3),
                           "outcome": outcome})
    steps["recompute (every claim)"] = round(sum(c["seconds"] for c in claims_out), 2)
    return {"claims": claims_out}


# ---------------------------------------------------------------- parent: run the children, measure, write the table

def _limit(gb: float):
    def apply():
        limit = int(gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def _run(argv: list[str], gb: float, profile: Path | None = None, name: str = "") -> dict:
    """Run one child; its wall time, peak RSS (MiB), exit code and JSON report (when it printed one)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), GX_ANALYTICS_ENABLED="false")
    if profile is not None and argv[:2] == [sys.executable, __file__]:
        argv = [sys.executable, "-m", "cProfile", "-o", str(profile / f"{name}.prof"), *argv[1:]]
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT, preexec_fn=_limit(gb))
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    report = {}
    try:
        report = json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        pass
    return {"wall": wall, "rss_mib": usage.ru_maxrss / 1024, "exit": proc.returncode, "report": report,
            "stderr_tail": stderr.strip().splitlines()[-1:] if proc.returncode not in (0, 1) else []}


def _phase_argv(phase: str, folder: Path, args) -> list[str]:
    if phase == "generate":
        return [sys.executable, "-m", "claimaudit.data.synthetic", str(folder), "--patients", str(args.patients),
                "--seed", str(args.seed), "--format", args.format]
    if phase == "validate-cli":
        return [sys.executable, "-m", "claimaudit", "validate", str(folder), "--format", "json"]
    if phase == "audit-cli":  # what a steward runs: read, contract (GX), cohorts, every chen2017 claim, in one process
        return [sys.executable, "-m", "claimaudit", "audit", str(ROOT / "claims" / "chen2017.yaml"), "--extract", str(folder),
                "--format", "json"]
    return [sys.executable, __file__, "--child", phase, str(folder), "--claim-budget", str(args.claim_budget)]


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    mem = next((int(line.split()[1]) / 2**20 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    import numpy
    import pandas
    import pyarrow

    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; Linux {platform.release()}; Python {platform.python_version()}, "
            f"pandas {pandas.__version__}, numpy {numpy.__version__}, pyarrow {pyarrow.__version__}, great_expectations "
            f"{_version('great_expectations')}")


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def markdown(args, results: dict[str, dict]) -> str:
    """The results as Markdown: one row per phase, then the recompute time by metric."""
    lines = [f"Synthetic extract: {args.patients:,} patients, seed {args.seed}, {args.format}.", "",
             f"Machine: {_machine()}. Load average (1 min) {args.load[0][0]:.1f} at the start, {args.load[1][0]:.1f} at the end "
             "(other work on the same cores slows every phase).", "",
             f"| phase | wall (s){', best of ' + str(args.repeat) if args.repeat > 1 else ''} | peak RSS (MiB) | steps inside the phase (s) |",
             "|---|---:|---:|---|"]
    for phase, r in results.items():
        rep = r["report"]
        steps = ", ".join(f"{k} {v:g}" for k, v in rep.get("steps", {}).items())
        if rep.get("skipped"):
            steps += f"; skipped: {rep['skipped']}"
        if r["exit"] not in (0, 1):
            steps += f"; exit {r['exit']}: {' '.join(r['stderr_tail'])}"
        lines.append(f"| {phase} | {r['wall']:.1f} | {r['rss_mib']:,.0f} | {steps} |")
    rows = results.get("read", {}).get("report", {}).get("rows")
    if rows:
        lines += ["", "Rows: " + ", ".join(f"{n} {k:,}" for n, k in rows.items()) + "."]
    claims = results.get("recompute", {}).get("report", {}).get("claims")
    if claims:
        lines += ["", f"Recompute by metric (each claim within {args.claim_budget:g} s):", "",
                  "| metric | claims | total (s) | slowest claim (s) | not finished |", "|---|---:|---:|---:|---|"]
        by: dict[str, list[dict]] = {}
        for c in claims:
            by.setdefault(c["metric"], []).append(c)
        for metric, cs in sorted(by.items(), key=lambda kv: -sum(c["seconds"] for c in kv[1])):
            unfinished = [c for c in cs if c["outcome"].startswith(("TimeoutError", "MemoryError"))]
            kinds = sorted({c["outcome"].split(":")[0] for c in unfinished})
            note = f"{len(unfinished)} ({', '.join(kinds)})" if unfinished else ""
            lines.append(f"| {metric} | {len(cs)} | {sum(c['seconds'] for c in cs):.1f} | {max(c['seconds'] for c in cs):.2f} | {note} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, of {', '.join(PHASES)} (generate is always run)")
    parser.add_argument("--repeat", type=int, default=1, help="run each read and validate phase this many times; "
                        "report the fastest run and the largest peak RSS (default 1)")
    parser.add_argument("--claim-budget", type=float, default=60.0, help="seconds per claim in the recompute phase (default 60)")
    parser.add_argument("--memory-limit-gb", type=float, default=12.0, help="address-space limit of each child (default 12)")
    parser.add_argument("--workdir", type=Path, help="folder for the extract (default: a new folder under /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the extract")
    parser.add_argument("--output", type=Path, help="also write the Markdown table to this file")
    parser.add_argument("--json", type=Path, help="also write every measurement (per claim too) as JSON")
    parser.add_argument("--profile", type=Path, help="run each phase under cProfile; .prof files and a summary go here")
    parser.add_argument("--child", nargs=2, metavar=("PHASE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(*args.child, args)))
        return 0
    phases = ["generate", *[p for p in args.phases.split(",") if p in PHASES and p != "generate"]]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="claimaudit-bench-"))
    folder = work / "extract"
    if folder.exists():
        shutil.rmtree(folder)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    results, load = {}, os.getloadavg()
    try:
        for phase in phases:
            print(f"{phase} ...", file=sys.stderr, flush=True)
            profile = args.profile if phase not in ("generate", "validate-cli", "audit-cli") else None
            runs = [_run(_phase_argv(phase, folder, args), args.memory_limit_gb, profile, phase)
                    for _ in range(1 if phase in ("generate", "recompute", "audit-cli") else args.repeat)]
            results[phase] = r = min(runs, key=lambda run: run["wall"])  # the run least disturbed by other work
            r["walls"] = sorted(round(run["wall"], 2) for run in runs)
            r["rss_mib"] = max(run["rss_mib"] for run in runs)
            print(f"  {r['wall']:.1f} s, {r['rss_mib']:,.0f} MiB, exit {r['exit']} {r['report'].get('steps', '')}", file=sys.stderr)
            if phase == "generate" and r["exit"] != 0:
                raise SystemExit(f"generate failed: {r['stderr_tail']}")
    finally:
        if not args.keep:
            shutil.rmtree(work if args.workdir is None else folder, ignore_errors=True)
    args.load = (load, os.getloadavg())
    table = markdown(args, results)
    sys.stdout.write(table)
    if args.output:
        args.output.write_text(table, "utf-8")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), "utf-8")
    if args.profile:
        _summarise_profiles(args.profile, [p for p in phases if p not in ("generate", "validate-cli", "audit-cli")])
    return 0


def _summarise_profiles(folder: Path, phases: list[str]) -> None:
    import io
    import pstats

    for phase in phases:
        path = folder / f"{phase}.prof"
        if path.exists():
            out = io.StringIO()
            pstats.Stats(str(path), stream=out).sort_stats("tottime").print_stats(25)
            (folder / f"{phase}.txt").write_text(out.getvalue(), "utf-8")


if __name__ == "__main__":
    sys.exit(main())
