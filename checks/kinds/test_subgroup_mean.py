"""subgroup_mean: what a whole-cohort mean and a subgroup mean force on the rest."""

from kit import run_kind


def test_the_five_switched_patients_can_have_the_arr_the_table_3_subgroup_leaves():
    check = run_kind("subgroup_mean", {"mean_all": "2.9", "n_all": "25", "mean_sub": "3.0", "n_sub": "20"}, {"min": "0"})
    assert check.verdict == "consistent"
    assert check.recomputed == {"mean_rest": "[2.05, 2.95)"} or check.recomputed["mean_rest"].startswith("[2.05")


def test_a_subgroup_mean_that_leaves_a_negative_rate_is_inconsistent():
    check = run_kind("subgroup_mean", {"mean_all": "2.9", "n_all": "25", "mean_sub": "4.0", "n_sub": "20"}, {"min": "0"})
    assert check.verdict == "inconsistent"


def test_edss_of_the_rest_stays_on_the_scale_and_its_grid():
    check = run_kind(
        "subgroup_mean", {"mean_all": "4.5", "n_all": "25", "mean_sub": "4.2", "n_sub": "20"}, {"min": "0", "max": "10", "step": "0.5"}
    )
    assert check.verdict == "consistent"


def test_edss_of_the_rest_above_10_is_inconsistent():
    check = run_kind(
        "subgroup_mean", {"mean_all": "4.5", "n_all": "25", "mean_sub": "3.0", "n_sub": "20"}, {"min": "0", "max": "10", "step": "0.5"}
    )
    assert check.verdict == "inconsistent"
