"""Synthetic extracts (data/synthetic.py): they read, meet the contract, have the sizes asked for, and a seed fixes
every byte. Small N here; the 1,000,000-patient run is benchmarks/run.py (docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from claimaudit.data import read_extract
from claimaudit.data.synthetic import MOLECULES, generate, main, write

N, MG = 2000, 40


def digests(folder: Path) -> dict[str, str]:
    """The sha256 of every file in ``folder``, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def extract_dir(tmp_path_factory):
    """A CSV synthetic extract of N NMOSD and MG MG patients, seed 7."""
    folder = tmp_path_factory.mktemp("synthetic") / "csv"
    write(generate(N, seed=7, mg_patients=MG), folder, "csv")
    return folder


def test_a_synthetic_extract_reads_and_meets_the_contract(extract_dir):
    from claimaudit.data.contract import check_contract

    check = check_contract(read_extract(extract_dir))
    assert [str(v) for v in check.violations] == []
    assert check.extract.studies == ("nmosd", "mg")


def test_it_has_the_patients_asked_for_and_about_three_attacks_each(extract_dir):
    t = read_extract(extract_dir).tables
    assert len(t["patients"]) == N and t["patients"]["patient_id"].is_unique
    assert 2.8 * N <= len(t["attacks"]) <= 3.2 * N  # 1 onset + Poisson(1.2) before + Poisson(0.8) after: mean 3, sd ~ 1.4/patient
    assert (t["attacks"].groupby("patient_id")["is_onset_attack"].sum() == 1).all()
    assert t["attacks"]["patient_id"].nunique() == N
    assert len(t["mg_patients"]) == MG
    assert len(t["biomarkers"]) == len(MOLECULES) * (2 * MG + MG // 2)  # patients at 2 visits, half as many controls at 1


def test_every_death_is_an_adverse_event_and_every_event_a_known_patient(extract_dir):
    t = read_extract(extract_dir).tables
    ae, patients = t["adverse_events"], t["patients"]
    assert set(ae.loc[ae["event"] == "death", "patient_id"]) == set(patients.loc[patients["died"], "patient_id"])
    assert ae["patient_id"].isin(patients["patient_id"]).all()


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path, extract_dir):
    write(generate(N, seed=7, mg_patients=MG), tmp_path / "again", "csv")
    write(generate(N, seed=8, mg_patients=MG), tmp_path / "other", "csv")
    assert digests(tmp_path / "again") == digests(extract_dir)
    other = digests(tmp_path / "other")
    assert all(other[name] != digest for name, digest in digests(extract_dir).items())


def test_the_same_seed_writes_the_same_parquet_bytes(tmp_path):
    for name in ("a", "b"):
        write(generate(300, seed=3), tmp_path / name, "parquet")
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    assert set(digests(tmp_path / "a")) == {"patients.parquet", "attacks.parquet", "adverse_events.parquet"}


def test_parquet_and_csv_of_one_seed_read_as_the_same_tables(tmp_path, extract_dir):
    write(generate(N, seed=7, mg_patients=MG), tmp_path / "pq", "parquet")
    csv, parquet = read_extract(extract_dir).tables, read_extract(tmp_path / "pq").tables
    for name, df in csv.items():
        pd.testing.assert_frame_equal(parquet[name], df)


def test_adding_the_mg_tables_leaves_the_nmosd_tables_unchanged():
    alone, both = generate(500, seed=11), generate(500, seed=11, mg_patients=10)
    assert all(alone[name].equals(both[name]) for name in alone)


def test_the_command_writes_one_path_a_line(tmp_path, capsys):
    assert main([str(tmp_path / "out"), "--patients", "50", "--seed", "2", "--format", "parquet"]) == 0
    assert capsys.readouterr().out.splitlines() == [str(tmp_path / "out" / f"{n}.parquet")
                                                    for n in ("patients", "attacks", "adverse_events")]
    assert len(read_extract(tmp_path / "out").tables["patients"]) == 50


def test_the_command_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main([str(tmp_path), "--patients", "5"]) == 2
    assert capsys.readouterr().err == f"claimaudit: {tmp_path}: not a new or empty folder (give a folder that does not exist yet)\n"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_the_benchmark_runs_each_phase_in_a_child_and_writes_its_table(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    table = tmp_path / "bench.md"
    argv = [sys.executable, str(root / "benchmarks" / "run.py"), "--patients", "300", "--phases", "read,validate-pandas",
            "--workdir", str(tmp_path / "work"), "--output", str(table)]
    subprocess.run(argv, check=True, capture_output=True, timeout=120)
    rows = [line.split("|")[1:4] for line in table.read_text("utf-8").splitlines() if line.startswith("| ")][1:]
    assert [r[0].strip() for r in rows] == ["generate", "read", "validate-pandas"]
    assert all(float(wall) > 0 and float(rss.replace(",", "")) > 0 for _, wall, rss in rows)
    assert not (tmp_path / "work" / "extract").exists()  # the extract is deleted unless --keep
