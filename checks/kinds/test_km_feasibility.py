"""km_feasibility: Chen 2017's Kaplan-Meier proportions, the event split they imply, and the role checks."""

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit import ClaimFileError, load_claims
from claimaudit.kinds import RoleError
from claimaudit.kinds import km_feasibility as km_feasibility_module
from claimaudit.kinds.km_feasibility import describe
from claimaudit.metrics import km_attainable
from claimaudit.metrics.km_attainable import Step
from claimaudit.rounding import reround
from kit import run_kind

# Chen et al. 2017, Results: 14 patients with low and 11 with high AQP4-IgG titers (Table 1);
# "Seven patients (28%) had at least 1 relapse while undergoing therapy".
SOURCE = (
    "The estimate of cumulative proportion of relapse-free patients was 0.82 in the low titer group "
    "and 0.53 in the high titer group after tacrolimus treatment."
)
QUOTE = "was 0.82 in the low titer group and 0.53 in the high titer group"
CHEN = {"n_low": "14", "survival_low": "0.82", "n_high": "11", "survival_high": "0.53"}


def _claim(reported: dict[str, str], claim_id: str = "km") -> str:
    values = ", ".join(f'{role}: "{text}"' for role, text in reported.items())
    return f'- {{id: {claim_id}, where: Results, quote: "{QUOTE}", kind: km_feasibility, reported: {{{values}}}}}'


def test_chen_7_relapses_split_as_2_low_and_5_high(write_claim_file):
    from claimaudit import audit

    [r] = audit(load_claims(write_claim_file(_claim({**CHEN, "events": "7"}), SOURCE)))
    assert r.verdict == "consistent"
    assert r.recomputed == {"events_low": "{2}", "events_high": "{2, 3, 4, 5}", "events": "{low 2 + high 5}"}
    assert r.explanation.startswith("low: k ∈ {2}; high: k ∈ {2, 3, 4, 5}; with 7 events in all: low 2, high 5. For example: ")
    assert "Kaplan-Meier product-limit; censoring anywhere between events; ties allowed" in r.conventions


def test_each_feasible_event_count_comes_with_an_at_risk_sequence_that_reaches_the_printed_value():
    check = run_kind("km_feasibility", CHEN)
    assert check.why.split(". For example: ")[1] == (
        "low k = 2: events at risk 11 (2 tied) → 0.8182; "
        "high k = 2: events at risk 5, 3 → 0.5333; "
        "high k = 3: events at risk 11, 8, 3 → 0.5303; "
        "high k = 4: events at risk 11, 9 (2 tied), 4 → 0.5303; "
        "high k = 5: events at risk 11 (4 tied), 6 → 0.5303"
    )


def test_a_total_no_split_reaches_is_inconsistent():
    check = run_kind("km_feasibility", {**CHEN, "events": "9"})
    assert check.verdict == "inconsistent"
    assert check.recomputed["events"] == "{4, 5, 6, 7}"
    assert check.why == "low: k ∈ {2}; high: k ∈ {2, 3, 4, 5}; these add up to {4, 5, 6, 7} events in all, never to the printed 9"


def test_a_proportion_no_censoring_pattern_reaches_names_the_nearest_values():
    # 7/8 = 0.875 would print "0.88" under both rounding policies; 6/7 = 0.857 prints "0.86".
    check = run_kind("km_feasibility", {"n_low": "14", "survival_low": "0.87"})
    assert check.verdict == "inconsistent"
    assert check.recomputed == {"events_low": "∅", "nearest_low": "0.8571, 0.875"}
    assert check.why == (
        "low: k ∈ ∅: no censoring pattern of 14 patients with any number of events gives survival_low = 0.87 "
        "([0.865, 0.875)); nearest attainable: 0.8571 (k = 1: events at risk 7), 0.875 (k = 1: events at risk 8)"
    )
    assert check.off_by == pytest.approx(1.0)  # 0.875 is one half-unit above 0.87


def test_a_percentage_is_read_on_the_0_to_100_scale():
    assert run_kind("km_feasibility", {"n_a": "14", "survival_a": "82%"}).recomputed == {"events_a": "{2}"}


def test_more_than_200_patients_is_undetermined_with_the_bound_stated():
    check = run_kind("km_feasibility", {"n_all": "250", "survival_all": "0.82"})
    assert check.verdict == "undetermined"
    assert check.why == "not enumerated: n=250 patients is above the enumeration bound of 200 patients"


def test_a_search_past_its_state_bound_is_undetermined_with_the_bound_stated(monkeypatch):
    monkeypatch.setattr(km_attainable, "MAX_NODES", 5)
    check = run_kind("km_feasibility", {"n_all": "60", "survival_all": "0.6180"})
    assert check.verdict == "undetermined"
    assert check.why == "not enumerated: the search passed its bound of 5 states (target [0.61795, 0.61805])"


def test_the_docstring_example_holds():
    assert doctest.testmod(km_feasibility_module).failed == 0


def test_at_risk_sequences_read_as_event_times():
    assert describe((Step(13, 1), Step(9, 1))) == "events at risk 13, 9"
    assert describe((Step(11, 2),)) == "events at risk 11 (2 tied)"
    assert describe(()) == "no events"


@pytest.mark.parametrize(
    "reported, role, message",
    [
        ({"n_low": "14"}, "n_low", "n_low = '14' has no survival_low (give each group both)"),
        ({"survival_low": "0.82"}, "survival_low", "survival_low = '0.82' has no n_low (give each group both)"),
        ({"n_low": "14.5", "survival_low": "0.82"}, "n_low", "'14.5' is not a count (a whole number >= 0)"),
        ({"n_low": "0", "survival_low": "1.00"}, "n_low", "n_low = '0': a survival proportion of no patients"),
        ({"n_low": "14", "survival_low": "1.2"}, "survival_low",
         "survival_low = '1.2' is not a proportion in [0, 1] (write it as printed, e.g. \"0.82\")"),
        ({"n_low": "14", "survival_low": "<0.5"}, "survival_low",
         "survival_low = '<0.5' is not a proportion in [0, 1] (write it as printed, e.g. \"0.82\")"),
        ({**CHEN, "events": "26"}, "events", "events = '26' exceeds the 25 patients of all groups"),
        ({**CHEN, "events": "7.5"}, "events", "'7.5' is not a count (a whole number >= 0)"),
        ({"events": "7"}, "events", "events needs at least one group (n_<group> and survival_<group>)"),
    ],
    ids=["n-without-survival", "survival-without-n", "n-not-a-count", "n-zero", "survival-above-1", "survival-a-bound",
         "events-above-n", "events-not-a-count", "events-without-groups"],
)
def test_roles_that_cannot_be_right_are_named(reported, role, message):
    with pytest.raises(RoleError) as excinfo:
        run_kind("km_feasibility", reported)
    assert (excinfo.value.role, str(excinfo.value)) == (role, message)


def test_a_role_error_is_a_claim_file_error_naming_the_field(write_claim_file):
    path = write_claim_file(_claim({**CHEN, "events": "26"}), SOURCE)
    with pytest.raises(ClaimFileError) as excinfo:
        load_claims(path)
    assert str(excinfo.value).endswith(
        ":5: claim 'km', field 'reported.events': events = '26' exceeds the 25 patients of all groups"
    )


@given(st.integers(1, 40), st.data(), st.sampled_from([1, 2, 3]), st.sampled_from(["half_up", "half_even"]))
@settings(max_examples=30, deadline=None)
def test_the_printed_uncensored_proportion_lists_its_event_count(n, data, decimals, policy):
    k = data.draw(st.integers(0, n))
    printed = reround((n - k) / n, decimals, policy)
    check = run_kind("km_feasibility", {"n_g": str(n), "survival_g": printed, "events": str(k)})
    assert check.verdict == "consistent"
    assert check.recomputed["events"] == f"{{g {k}}}"
