"""`claimaudit reconstruct`: exit codes 0, 1 (naming the files that differ) and 2, without a full regeneration."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimaudit import cli
from claimaudit.reconstruction import build


@pytest.fixture
def project(tmp_path: Path, monkeypatch):
    """A project root with the two claim files (empty stand-ins) and a generate() that builds two small files."""
    (tmp_path / "claims").mkdir()
    for f in (build.CHEN, build.WU):
        (tmp_path / f).write_text("", "utf-8")
    outputs = build.Outputs({Path("fixtures/reconstructed/a.csv"): "x\n1\n", Path("docs/implications.md"): "# facts\n"}, [])
    monkeypatch.setattr(build, "generate", lambda root, tick=None: outputs)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_reconstruct_writes_every_file_and_names_it(project, capsys):
    assert cli.main(["reconstruct", "--quiet"]) == 0
    assert capsys.readouterr().out.splitlines() == ["docs/implications.md", "fixtures/reconstructed/a.csv"]
    assert (project / "fixtures/reconstructed/a.csv").read_text("utf-8") == "x\n1\n"


def test_check_exits_0_when_the_committed_files_are_the_regeneration(project, capsys):
    cli.main(["reconstruct", "-q"])
    capsys.readouterr()
    assert cli.main(["reconstruct", "--check", "-q"]) == 0
    assert capsys.readouterr().out == "the committed reconstruction is up to date (2 files)\n"


def test_check_exits_1_and_names_each_file_that_differs(project, capsys):
    cli.main(["reconstruct", "-q"])
    (project / "docs/implications.md").write_text("# edited by hand\n", "utf-8")
    capsys.readouterr()
    assert cli.main(["reconstruct", "--check", "-q"]) == 1
    assert capsys.readouterr().err == "differs from the regeneration: docs/implications.md\n"


def test_check_names_a_missing_file(project, capsys):
    assert cli.main(["reconstruct", "--check", "-q"]) == 1
    assert capsys.readouterr().err.splitlines() == ["differs from the regeneration: docs/implications.md",
                                                    "differs from the regeneration: fixtures/reconstructed/a.csv"]


def test_reconstruct_outside_the_project_root_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["reconstruct", "-q"]) == 2
    assert capsys.readouterr().err == ("claimaudit: claims/chen2017.yaml: no such claim file "
                                       "(run claimaudit reconstruct from the project root)\n")


def test_a_catalogue_without_a_needed_claim_is_a_reconstruction_error_naming_it():
    from claimaudit.errors import ReconstructionError
    from claimaudit.reconstruction.constraints import Catalogue

    cat = Catalogue.load(Path(__file__).resolve().parents[2] / "claims/chen2017.yaml")
    cat.claims.pop("results-km")
    with pytest.raises(ReconstructionError, match="claim 'results-km': the reconstruction needs claim 'results-km'"):
        cat.printed("results-km.survival_low")


def test_the_progress_bar_is_silent_when_stdout_is_not_a_terminal(project, capsys):
    cli.main(["reconstruct"])  # capsys: not a terminal
    assert capsys.readouterr().out.splitlines() == ["docs/implications.md", "fixtures/reconstructed/a.csv"]
