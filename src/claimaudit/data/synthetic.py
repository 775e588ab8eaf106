"""Large synthetic extracts for benchmarks: seeded, vectorised (numpy and pyarrow), meeting the contract.

A *synthetic extract* is an extract of made-up patients in the documented format
(``docs/extract-format.md``) that meets every rule of the data contract. It exists to measure how
reading, the contract and recomputation scale (``benchmarks/run.py``, ``docs/benchmarks.md``). It is
**not a reconstruction**: it meets no printed aggregate of any source, so a claim recomputed on it
says nothing about the source.

NMOSD (``patients``, ``attacks``, ``adverse_events``), per patient:

- the onset attack at ``-disease_months_before_drug`` (the first day of the pre-treatment window),
  Poisson(1.2) more pre-treatment attacks uniform on the whole months of ``-disease_months_before_drug .. 0``
  and Poisson(0.8) relapses uniform on ``1 .. months_on_drug``: about 3 attack rows per patient;
- an adverse event for a quarter of the patients (one more for a fifth of those), and a ``death``
  event, severe, for every patient who died (1%).

MG (``mg_patients``, ``biomarkers``, only with ``mg_patients > 0``): scores inside their scales and
16 biomarker rows per patient (8 molecules at baseline and 12 months), 8 per control (half as many
controls as patients), one unit per molecule.

The same ``(patients, seed, mg_patients)`` gives the same tables, and the same files byte for byte
(for a given pyarrow version): every draw comes from ``numpy.random.default_rng`` seeded by ``seed``,
the NMOSD and MG tables from independent child streams, so adding MG tables leaves the NMOSD ones
unchanged. CSV is written with pyarrow (no quoting: no generated value holds a comma or a quote),
Parquet with pyarrow's defaults.

Command line (a tool for benchmarks, deliberately not a ``claimaudit`` subcommand)::

    python -m claimaudit.data.synthetic OUT --patients 1000000 --seed 1 --format csv [--mg-patients 0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from ..errors import ClaimauditError

ARMS = ("tacrolimus", "azathioprine")
SEXES = ("female", "male")
SWITCHED = ("azathioprine", "cyclophosphamide", "mycophenolate", "other")
TITERS = (8, 16, 32, 64, 128, 256, 512, 1024)
EVENTS = ("hand tremor", "skin rash", "herpes zoster", "insomnia", "hyperglycemia", "agranulocytosis", "liver damage")
SEVERE = ("agranulocytosis", "liver damage")
MOLECULES = {"sPD-1": "pg/mL", "sPD-L1": "pg/mL", "sICOS": "pg/mL", "sICOSL": "ng/mL",
             "sCD40": "pg/mL", "sCD40L": "ng/mL", "sCD25": "pg/mL", "IL-2": "pg/mL"}
STATUSES = ("minimal_manifestation", "improved", "unchanged", "worse")
FORMATS = ("csv", "parquet")


def generate(patients: int, seed: int, mg_patients: int = 0) -> dict:
    """The tables of a synthetic extract, as pyarrow Tables by table name, in the documented column order."""
    if patients < 1 or mg_patients < 0:
        raise ValueError(f"patients={patients!r} must be >= 1 and mg_patients={mg_patients!r} >= 0")
    nmosd_seed, mg_seed = np.random.SeedSequence(seed).spawn(2)
    tables = _nmosd(patients, np.random.default_rng(nmosd_seed))
    if mg_patients:
        tables |= _mg(mg_patients, np.random.default_rng(mg_seed))
    return tables


def write(tables: dict, folder: str | Path, fmt: str = "csv") -> dict[str, Path]:
    """Write each table as ``<folder>/<name>.<fmt>`` (the folder is created); the paths written, by table."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if fmt not in FORMATS:
        raise ValueError(f"fmt={fmt!r} is not one of {FORMATS}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, table in tables.items():
        paths[name] = path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            with open(path, "wb") as f:  # pyarrow quotes the header; the documented files name columns bare
                f.write((",".join(table.column_names) + "\n").encode())
                pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False, quoting_style="none"))
        else:
            pq.write_table(table, path)
    return paths


def _ids(prefix: str, n: int):
    """``P0000001`` .. : text ids of one width, numbered from 1."""
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), len(str(n)), "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _pick(choices, index, mask=None):
    """``choices[index]`` as a text column; null where ``mask`` is false."""
    import pyarrow as pa

    return pa.array(np.asarray(choices, dtype=object)[index], type=pa.string(), mask=None if mask is None else ~mask)


def _nmosd(n: int, rng: np.random.Generator) -> dict:
    import pyarrow as pa

    tacrolimus = rng.random(n) < 25 / 54
    female = rng.random(n) < 0.9
    age = np.clip(np.rint(rng.normal(33, 12, n)), 3, 90).astype(np.int64)
    before = np.clip(np.rint(rng.lognormal(3.2, 0.8, n)), 1, 360).astype(np.int64)  # months of disease before the drug
    on_drug = rng.integers(3, 61, n)  # months on the drug
    positive = rng.random(n) < 0.8
    titer = np.where(positive, np.asarray(TITERS)[rng.integers(0, len(TITERS), n)], 0)
    edss_before = rng.integers(0, 17, n) / 2  # 0 .. 8 in half steps
    edss_last = np.clip(edss_before + rng.integers(-4, 3, n) / 2, 0, 10)
    initial = rng.random(n) < 0.6
    switched = rng.integers(0, len(SWITCHED), n)
    prior = {f"prior_{d}": (~initial & (switched == i)) | (rng.random(n) < 0.05)
             for i, d in enumerate(("azathioprine", "cyclophosphamide", "mycophenolate"))}
    dose = pa.array(np.asarray([1, 2, 2.5, 3])[rng.integers(0, 4, n)], mask=~tacrolimus)
    died = rng.random(n) < 0.01
    ids = _ids("P", n)
    patients = pa.table({
        "patient_id": ids, "arm": _pick(ARMS, (~tacrolimus).astype(np.int8)), "sex": _pick(SEXES, (~female).astype(np.int8)),
        "age_at_onset_years": age, "disease_months_before_drug": before, "months_on_drug": on_drug,
        "aqp4_igg_positive": positive, "aqp4_titer": titer, "edss_before": edss_before, "edss_last": edss_last,
        "initial_immunosuppressant": initial, "switched_from": _pick(SWITCHED, switched, ~initial),
        "prior_ivig": rng.random(n) < 0.3, "prior_interferon_beta": rng.random(n) < 0.1, "prior_plasmapheresis": rng.random(n) < 0.1,
        "prior_azathioprine": prior["prior_azathioprine"], "prior_cyclophosphamide": prior["prior_cyclophosphamide"],
        "prior_mycophenolate": prior["prior_mycophenolate"], "concomitant_prednisone": rng.random(n) < 0.5,
        "tacrolimus_dose_mg_per_day": dose, "died": died,
    })
    return {"patients": patients, "attacks": _attacks(ids, before, on_drug, rng), "adverse_events": _adverse_events(ids, died, rng)}


def _attacks(ids, before, on_drug, rng: np.random.Generator):
    """The onset attack, Poisson(1.2) more pre-treatment attacks and Poisson(0.8) relapses per patient, in time order."""
    import pyarrow as pa

    n = len(before)
    pre, rel = rng.poisson(1.2, n), rng.poisson(0.8, n)
    who_pre, who_rel = np.repeat(np.arange(n), pre), np.repeat(np.arange(n), rel)
    who = np.concatenate([np.arange(n), who_pre, who_rel])
    month = np.concatenate([-before, rng.integers(-before[who_pre], 1), rng.integers(1, on_drug[who_rel] + 1)])
    onset = np.concatenate([np.ones(n, bool), np.zeros(len(who_pre) + len(who_rel), bool)])
    order = np.lexsort((~onset, month, who))  # by patient, then time; the onset attack first on a tie
    return pa.table({"patient_id": ids.take(pa.array(who[order])), "months_from_drug_start": month[order],
                     "is_onset_attack": onset[order]})


def _adverse_events(ids, died, rng: np.random.Generator):
    """One or two events for a quarter of the patients, and one 'death' (severe) for each patient who died."""
    import pyarrow as pa

    n = len(died)
    count = (rng.random(n) < 0.25) * (1 + (rng.random(n) < 0.2))
    who = np.concatenate([np.repeat(np.arange(n), count), np.flatnonzero(died)])
    event = np.concatenate([rng.integers(0, len(EVENTS), int(count.sum())), np.full(int(died.sum()), len(EVENTS))])
    order = np.lexsort((event, who))
    names = np.asarray([*EVENTS, "death"], dtype=object)[event[order]]
    return pa.table({"patient_id": ids.take(pa.array(who[order])), "event": pa.array(names, type=pa.string()),
                     "severe": np.isin(names, [*SEVERE, "death"])})


def _mg(n: int, rng: np.random.Generator) -> dict:
    import pyarrow as pa

    def score(hi, mean):
        base = np.clip(np.rint(rng.normal(mean, mean / 2, n)), 0, hi).astype(np.int64)
        return base, np.clip(base - rng.integers(-1, max(2, hi // 6), n), 0, hi)

    cols = {"patient_id": _ids("M", n), "age_at_onset_years": np.clip(np.rint(rng.normal(38, 14, n)), 1, 90).astype(np.int64),
            "disease_course_years": np.round(0.1 + rng.lognormal(1.3, 0.7, n), 1)}
    for stem, hi, mean in (("qmg", 39, 10), ("mmt", 120, 11), ("mg_adl", 24, 5), ("mg_qol15", 60, 11)):
        cols[f"{stem}_baseline"], cols[f"{stem}_12m"] = score(hi, mean)
    cols["prednisone_mg_baseline"] = rng.integers(0, 25, n) * 2.5
    cols["prednisone_mg_12m"] = np.minimum(cols["prednisone_mg_baseline"], rng.integers(0, 9, n) * 2.5)
    cols["post_intervention_status"] = _pick(STATUSES, rng.choice(4, n, p=[0.33, 0.5, 0.12, 0.05]))
    mg_patients = pa.table(cols)
    controls, k = n // 2 or 1, len(MOLECULES)
    subject = pa.concat_arrays([mg_patients["patient_id"].combine_chunks(), _ids("C", controls)])
    per_subject = np.concatenate([np.full(n, 2 * k), np.full(controls, k)])  # patients: 2 visits; controls: baseline only
    who = np.repeat(np.arange(n + controls), per_subject)
    slot = np.arange(len(who)) - np.repeat(np.cumsum(per_subject) - per_subject, per_subject)  # 0 .. 2k-1 within a subject
    molecule = slot % k
    biomarkers = pa.table({
        "subject_id": subject.take(pa.array(who)), "group": _pick(("patient", "control"), (who >= n).astype(np.int8)),
        "visit": _pick(("baseline", "12m"), slot // k), "molecule": _pick(tuple(MOLECULES), molecule),
        "value": np.round(rng.lognormal(3, 1, len(who)), 2), "unit": _pick(tuple(MOLECULES.values()), molecule),
    })
    return {"mg_patients": mg_patients, "biomarkers": biomarkers}


def main(argv: list[str] | None = None) -> int:
    """``python -m claimaudit.data.synthetic OUT --patients N --seed S --format csv|parquet``; exit 0, or 2 on bad usage."""
    parser = argparse.ArgumentParser(
        prog="python -m claimaudit.data.synthetic",
        description="Write a synthetic extract (made-up patients that meet the contract; not a reconstruction) for benchmarks.")
    parser.add_argument("out", type=Path, metavar="OUT", help="a new or empty folder to write the tables into")
    parser.add_argument("--patients", type=int, default=1000, help="NMOSD patients (about 3 attack rows each; default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of every draw (default 1)")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="csv (default) or parquet")
    parser.add_argument("--mg-patients", type=int, default=0, help="also write the MG tables for this many patients (default 0)")
    args = parser.parse_args(argv)
    try:
        if args.out.exists() and (not args.out.is_dir() or any(args.out.iterdir())):
            raise ClaimauditError("not a new or empty folder", path=str(args.out), hint="give a folder that does not exist yet")
        if args.patients < 1 or args.mg_patients < 0:
            raise ClaimauditError(f"--patients {args.patients} must be >= 1 and --mg-patients {args.mg_patients} >= 0")
        paths = write(generate(args.patients, args.seed, args.mg_patients), args.out, args.format)
    except ClaimauditError as err:
        print(f"claimaudit: {err}", file=sys.stderr)
        return 2
    for path in paths.values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
