"""The data contract: the rules an extract must obey, checked as great-expectations (GX 1.x) suites.

Each rule is one GX Expectation on one table, documented in ``docs/extract-format.md``. A rule
that spans tables (an attack must belong to a known patient and fall inside its follow-up) runs
on the table whose rows it checks, with *derived columns* computed here in pandas first
(:data:`DERIVED`), so that every rule, cross-table ones included, is a GX Expectation. GX runs in
an ephemeral context (in-memory stores, no data docs, analytics off, no network) and is imported
only inside the functions that run it: the import costs 2-3.5 s and ``claimaudit audit`` never pays it.
GX objects stay inside this module; everywhere else a broken rule is a *violation*.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ContractViolation
from .extract import BOOL, COLUMNS, NUMBER, STUDIES, TEXT, WHOLE, Extract

EDSS_STEPS = [i / 2 for i in range(21)]  # 0, 0.5, ..., 10: the scale itself, so 11 and 3.2 both break it
NULLABLE = {("patients", "switched_from"), ("patients", "tacrolimus_dose_mg_per_day")}
_TYPES = {
    NUMBER: ["int", "int8", "int16", "int32", "int64", "float", "float32", "float64"],
    WHOLE: ["int", "int8", "int16", "int32", "int64", "float", "float32", "float64"],  # float64 when a value is missing
    BOOL: ["bool"],
    TEXT: ["str"],
}

#: Columns computed from other tables before the check; GX sees them as ordinary columns.
DERIVED = {
    ("extract", "present"): "one row per table of each study in the extract: true when its file is there",
    ("patients", "onset_attacks"): "the number of rows of attacks with this patient_id and is_onset_attack true",
    ("patients", "has_death_event"): "adverse_events has a row with this patient_id and event 'death'",
    ("attacks", "patient_known"): "patient_id is one of patients.patient_id",
    ("attacks", "patient_months_on_drug"): "months_on_drug of the attack's patient",
    ("attacks", "patient_onset_month"): "minus disease_months_before_drug of the attack's patient",
    ("adverse_events", "patient_known"): "patient_id is one of patients.patient_id",
    ("biomarkers", "subject_in_mg_patients"): "subject_id is one of mg_patients.patient_id",
    ("biomarkers", "molecule_usual_unit"): "the unit most rows of this row's molecule use (on a tie, the first met)",
}


@dataclass(frozen=True)
class Rule:
    """One rule of the contract: a GX Expectation (``gx`` type and ``kwargs``) on ``table``, said in words."""

    table: str
    says: str
    gx: str
    kwargs: dict
    column: str | None = None
    shows: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    when: tuple[str, object] | None = None  # (column, value): the rule checks only the rows where column == value


def _in(table, column, values, says, when=None):
    return Rule(table, says, "expect_column_values_to_be_in_set", {"column": column, "value_set": list(values)}, column, when=when)


def _between(table, column, lo=None, hi=None, says="", strict_min=False, when=None):
    args = {"column": column, "min_value": lo, "max_value": hi, "strict_min": strict_min}
    return Rule(table, says, "expect_column_values_to_be_between", {k: v for k, v in args.items() if v is not None}, column,
                when=when)


def _scores(table, *pairs):
    for stem, hi, name in pairs:
        for visit in ("baseline", "12m"):
            yield _between(table, f"{stem}_{visit}", 0, hi, f"{name} is a score from 0 to {hi}")


RULES: tuple[Rule, ...] = (
    Rule("extract", "every table of the study is in the extract (.csv or .parquet)", "expect_column_values_to_be_in_set",
         {"column": "present", "value_set": [True]}, "table"),
    # NMOSD
    Rule("patients", "patient_id is unique", "expect_column_values_to_be_unique", {"column": "patient_id"}, "patient_id"),
    Rule("patients", "at least one patient", "expect_table_row_count_to_be_between", {"min_value": 1}),
    _in("patients", "arm", ["tacrolimus", "azathioprine"], "arm is tacrolimus or azathioprine"),
    _in("patients", "sex", ["female", "male"], "sex is female or male"),
    _between("patients", "age_at_onset_years", 0, 100, "age at onset is 0 to 100 years"),
    _between("patients", "disease_months_before_drug", 0, says="disease time before the drug is > 0 months", strict_min=True),
    _between("patients", "months_on_drug", 0, says="time on the drug is > 0 months", strict_min=True),
    _between("patients", "aqp4_titer", 0, says="aqp4_titer is >= 0"),
    _in("patients", "aqp4_titer", [0], "aqp4_titer is 0 when aqp4_igg_positive is false", when=("aqp4_igg_positive", False)),
    _between("patients", "aqp4_titer", 1, says="aqp4_titer is >= 1 when aqp4_igg_positive is true", when=("aqp4_igg_positive", True)),
    _in("patients", "edss_before", EDSS_STEPS, "EDSS is on its scale: 0 to 10 in steps of 0.5"),
    _in("patients", "edss_last", EDSS_STEPS, "EDSS is on its scale: 0 to 10 in steps of 0.5"),
    _in("patients", "switched_from", ["azathioprine", "cyclophosphamide", "mycophenolate", "other"],
        "switched_from is azathioprine, cyclophosphamide, mycophenolate or other"),
    Rule("patients", "switched_from is empty when initial_immunosuppressant is true", "expect_column_values_to_be_null",
         {"column": "switched_from"}, "switched_from", when=("initial_immunosuppressant", True)),
    Rule("patients", "switched_from is given when initial_immunosuppressant is false", "expect_column_values_to_not_be_null",
         {"column": "switched_from"}, "switched_from", when=("initial_immunosuppressant", False)),
    _between("patients", "tacrolimus_dose_mg_per_day", 0, says="a dose is >= 0 mg/day"),
    Rule("patients", "a tacrolimus patient has a tacrolimus dose", "expect_column_values_to_not_be_null",
         {"column": "tacrolimus_dose_mg_per_day"}, "tacrolimus_dose_mg_per_day", ("arm",), when=("arm", "tacrolimus")),
    Rule("patients", "every patient has exactly one onset attack in attacks", "expect_column_values_to_be_in_set",
         {"column": "onset_attacks", "value_set": [1]}, "patient_id", ("onset_attacks",), ("attacks",)),
    Rule("patients", "died is true exactly when adverse_events has an event 'death' for the patient",
         "expect_column_pair_values_to_be_equal",
         {"column_A": "died", "column_B": "has_death_event", "ignore_row_if": "either_value_is_missing"},
         "died", ("patient_id", "has_death_event"), ("adverse_events",)),
    Rule("attacks", "every attack belongs to a patient in patients", "expect_column_values_to_be_in_set",
         {"column": "patient_known", "value_set": [True]}, "patient_id", (), ("patients",)),
    Rule("attacks", "no attack after the end of follow-up (months_from_drug_start <= months_on_drug of the patient)",
         "expect_column_pair_values_a_to_be_greater_than_b",
         {"column_A": "patient_months_on_drug", "column_B": "months_from_drug_start", "or_equal": True,
          "ignore_row_if": "either_value_is_missing"}, "months_from_drug_start", ("patient_id", "patient_months_on_drug"), ("patients",)),
    Rule("attacks", "a pre-treatment attack is inside the pre-treatment window (months_from_drug_start >= -disease_months_before_drug)",
         "expect_column_pair_values_a_to_be_greater_than_b",
         {"column_A": "months_from_drug_start", "column_B": "patient_onset_month", "or_equal": True,
          "ignore_row_if": "either_value_is_missing"}, "months_from_drug_start", ("patient_id", "patient_onset_month"), ("patients",)),
    _between("attacks", "months_from_drug_start", hi=0, says="the onset attack is before the drug (months_from_drug_start <= 0)",
             when=("is_onset_attack", True)),
    Rule("adverse_events", "every adverse event belongs to a patient in patients", "expect_column_values_to_be_in_set",
         {"column": "patient_known", "value_set": [True]}, "patient_id", (), ("patients",)),
    # MG
    Rule("mg_patients", "patient_id is unique", "expect_column_values_to_be_unique", {"column": "patient_id"}, "patient_id"),
    Rule("mg_patients", "at least one patient", "expect_table_row_count_to_be_between", {"min_value": 1}),
    _between("mg_patients", "age_at_onset_years", 0, 100, "age at onset is 0 to 100 years"),
    _between("mg_patients", "disease_course_years", 0, says="disease course is > 0 years", strict_min=True),
    *_scores("mg_patients", ("qmg", 39, "QMG"), ("mmt", 120, "MG-MMT"), ("mg_adl", 24, "MG-ADL"), ("mg_qol15", 60, "MG-QOL15")),
    _between("mg_patients", "prednisone_mg_baseline", 0, says="a dose is >= 0 mg/day"),
    _between("mg_patients", "prednisone_mg_12m", 0, says="a dose is >= 0 mg/day"),
    _in("mg_patients", "post_intervention_status", ["minimal_manifestation", "improved", "unchanged", "worse"],
        "post_intervention_status is minimal_manifestation, improved, unchanged or worse"),
    Rule("biomarkers", "one value per subject, visit and molecule", "expect_compound_columns_to_be_unique",
         {"column_list": ["subject_id", "visit", "molecule"]}, "subject_id", ("visit", "molecule")),
    _in("biomarkers", "group", ["patient", "control"], "group is patient or control"),
    _in("biomarkers", "visit", ["baseline", "12m"], "visit is baseline or 12m"),
    _in("biomarkers", "molecule", ["sPD-1", "sPD-L1", "sICOS", "sICOSL", "sCD40", "sCD40L", "sCD25", "IL-2"],
        "molecule is one of sPD-1, sPD-L1, sICOS, sICOSL, sCD40, sCD40L, sCD25, IL-2"),
    _between("biomarkers", "value", 0, says="a concentration is >= 0"),
    _in("biomarkers", "unit", ["pg/mL", "ng/mL"], "unit is pg/mL or ng/mL"),
    _in("biomarkers", "visit", ["baseline"], "a control is measured at baseline only", when=("group", "control")),
    Rule("biomarkers", "a patient's subject_id is in mg_patients", "expect_column_values_to_be_in_set",
         {"column": "subject_in_mg_patients", "value_set": [True]}, "subject_id", (), ("mg_patients",), ("group", "patient")),
    Rule("biomarkers", "a control's subject_id is not in mg_patients", "expect_column_values_to_be_in_set",
         {"column": "subject_in_mg_patients", "value_set": [False]}, "subject_id", (), ("mg_patients",), ("group", "control")),
    Rule("biomarkers", "one unit per molecule (the unit most of its rows use)", "expect_column_pair_values_to_be_equal",
         {"column_A": "unit", "column_B": "molecule_usual_unit", "ignore_row_if": "either_value_is_missing"},
         "unit", ("molecule", "molecule_usual_unit")),
)


def column_rules(table: str) -> list[Rule]:
    """The rules of a table's documented columns: all are there, each has its type and (unless optional) no gap."""
    out = [Rule(table, "every documented column is there", "expect_table_columns_to_match_set",
                {"column_set": list(COLUMNS[table]), "exact_match": False})]
    for column, kind in COLUMNS[table].items():
        out.append(Rule(table, f"values are of type {kind}", "expect_column_values_to_be_in_type_list",
                        {"column": column, "type_list": _TYPES[kind]}, column))
        if (table, column) not in NULLABLE:
            out.append(Rule(table, "no value is missing", "expect_column_values_to_not_be_null", {"column": column}, column))
    return out


def rules_for(extract: Extract) -> list[Rule]:
    """The rules that apply to ``extract``: those of its tables whose other tables are there too."""
    present = set(extract.tables) | {"extract"}
    rules = [r for t in COLUMNS if t in extract.tables for r in column_rules(t)]
    return rules + [r for r in RULES if r.table in present and all(n in present for n in r.needs)]


def derive(extract: Extract) -> dict[str, pd.DataFrame]:
    """Each table with its :data:`DERIVED` columns added, plus the ``extract`` table of files; row numbers kept.

    The patient ids of all NMOSD tables are numbered once (``pd.factorize``, one hash pass), and every
    cross-table column is then an array lookup by that number: a patient named twice in patients counts
    by its first row, as a lookup in ``patients.drop_duplicates("patient_id")`` would.
    """
    t = extract.tables
    frames = {name: df.copy(deep=False) for name, df in t.items()}  # new columns go on the copies, never on the extract
    expected = [name for s in extract.studies for name in STUDIES[s]]
    frames["extract"] = pd.DataFrame({"table": expected, "present": [n in t for n in expected]}, index=range(1, len(expected) + 1))
    if "patients" in t:
        names = [n for n in ("patients", "attacks", "adverse_events") if n in t]
        codes, ids = pd.factorize(pd.concat([t[n]["patient_id"] for n in names], ignore_index=True), use_na_sentinel=False)
        ends = np.cumsum([len(t[n]) for n in names])
        code = dict(zip(names, np.split(codes, ends[:-1]), strict=True))
        patient, first = code["patients"], np.zeros(len(ids), dtype=bool)
        first[patient] = True
        for name in ("attacks", "adverse_events"):
            if name in t:
                frames[name]["patient_known"] = first[code[name]]
        if "attacks" in t:
            known, row = np.unique(patient, return_index=True)  # the first row of each id
            for column, derived, sign in (("months_on_drug", "patient_months_on_drug", 1), ("disease_months_before_drug", "patient_onset_month", -1)):
                value = np.full(len(ids), np.nan)
                value[known] = t["patients"][column].to_numpy(dtype="float64")[row]
                frames["attacks"][derived] = sign * value[code["attacks"]]
            a = t["attacks"]
            onset = (a["is_onset_attack"].to_numpy() == True) & a["patient_id"].notna().to_numpy()  # noqa: E712 - missing: no onset
            frames["patients"]["onset_attacks"] = np.bincount(code["attacks"][onset], minlength=len(ids))[patient].astype("int64")
        if "adverse_events" in t:
            death = np.zeros(len(ids), dtype=bool)
            death[code["adverse_events"][(t["adverse_events"]["event"] == "death").to_numpy()]] = True
            frames["patients"]["has_death_event"] = death[patient]
    if "biomarkers" in t:
        b = t["biomarkers"]
        if "mg_patients" in t:
            frames["biomarkers"]["subject_in_mg_patients"] = b["subject_id"].isin(t["mg_patients"]["patient_id"])
        usual = b.groupby("molecule")["unit"].agg(lambda units: units.value_counts(sort=True).index[0] if units.notna().any() else None)
        frames["biomarkers"]["molecule_usual_unit"] = b["molecule"].map(usual)
    return frames


@dataclass(frozen=True)
class Violation:
    """A rule the extract breaks: where (file, column), how many rows, and up to five of them with their values.

    ``sample`` pairs a row number with the values of the reported column and the columns shown with it (text,
    numbers, true/false, or None when missing). ``observed`` is what a rule on a whole column found, e.g. its type.
    """

    rule: Rule
    file: str
    failing_rows: int
    sample: tuple[tuple[int, dict[str, object]], ...] = ()
    observed: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: " + (f"column {self.rule.column!r}: " if self.rule.column else "")
        if not self.failing_rows:
            return f"{where}breaks {self.rule.says!r}" + (f" (found {self.observed})" if self.observed else "")
        rows = f"{self.failing_rows} row{'s' if self.failing_rows > 1 else ''}"
        verb = "breaks" if self.failing_rows == 1 else "break"
        return f"{where}{rows} {verb} {self.rule.says!r}: " + "; ".join(_row_text(r, v) for r, v in self.sample)

    def to_json(self) -> dict:
        """The violation as a JSON object (``rows`` of the sample as numbers, values as printed)."""
        return {
            "file": self.file, "table": self.rule.table, "column": self.rule.column, "rule": self.rule.says,
            "gx_type": self.rule.gx, "failing_rows": self.failing_rows, "observed": self.observed,
            "sample": [{"row": r, "values": v} for r, v in self.sample],
        }


def _row_text(row: int, values: dict[str, object], column: str | None = None) -> str:
    """``row 4: months_from_drug_start=13, patient_id='T01'``; with ``column``, its value goes first and unnamed."""
    if column in values:
        others = ", ".join(f"{k}={_printed(v)}" for k, v in values.items() if k != column)
        return f"row {row}: {_printed(values[column])}" + (f" ({others})" if others else "")
    return f"row {row}: " + ", ".join(f"{k}={_printed(v)}" for k, v in values.items())


@dataclass(frozen=True)
class ContractCheck:
    """The outcome of checking one extract against the contract: the rules checked and the violations found."""

    extract: Extract
    rules: tuple[Rule, ...]
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        """True when the extract breaks no rule."""
        return not self.violations

    def summary(self) -> str:
        """One line: the extract, its files and rows, the rules checked, and the verdict on the contract."""
        e = self.extract
        n_files, n_rows = len(e.files), sum(len(df) for df in e.tables.values())
        files = f"{n_files} file{'s' * (n_files != 1)}, {n_rows} row{'s' * (n_rows != 1)}"
        if self.ok:
            return f"{e.folder}: {files}; meets the contract ({len(self.rules)} rules checked)"
        return f"{e.folder}: {files}; {len(self.violations)} of {len(self.rules)} rules broken"

    def raise_for_violations(self) -> None:
        """Raise :class:`ContractViolation` (first violation, and how many) unless the extract meets the contract."""
        if self.violations:
            more = f" (and {len(self.violations) - 1} more violations)" if len(self.violations) > 1 else ""
            msg = f"{self.violations[0]}{more}"
            raise ContractViolation(msg, path=str(self.extract.folder), hint="run 'claimaudit validate' on the extract")

    def to_json(self) -> dict:
        """The check as one JSON object."""
        e = self.extract
        return {
            "extract": str(e.folder), "studies": list(e.studies),
            "files": {t: {"path": str(p), "rows": len(e.tables[t])} for t, p in e.files.items()},
            "rules_checked": len(self.rules), "meets_contract": self.ok,
            "violations": [v.to_json() for v in self.violations],
        }


def _gx():
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # read by GX at import: no usage statistics, no network
    import great_expectations as gx  # 2-3.5 s; imported only when an extract is checked, never by `claimaudit audit`

    return gx


def _expectation(gx, index: int, rule: Rule):
    from great_expectations.expectations.row_conditions import Column

    kwargs = dict(rule.kwargs)
    if rule.when:
        kwargs["row_condition"] = Column(rule.when[0]) == rule.when[1]
    name = "".join(part.capitalize() for part in rule.gx.split("_"))
    return getattr(gx.expectations, name)(**kwargs, description=rule.says, meta={"claimaudit_rule": index})


def suites(extract: Extract, rules: list[Rule] | None = None) -> dict:
    """One GX ExpectationSuite per table (derived tables included), named ``claimaudit.<table>``."""
    gx = _gx()
    rules = rules_for(extract) if rules is None else rules
    out = {}
    for table in dict.fromkeys(r.table for r in rules):
        derived = {c: how for (t, c), how in DERIVED.items() if t == table}
        meta = {"table": table, "file": extract.files[table].name if table in extract.files else None, "derived_columns": derived}
        out[table] = gx.ExpectationSuite(
            name=f"claimaudit.{table}", meta=meta,
            expectations=[_expectation(gx, i, r) for i, r in enumerate(rules) if r.table == table],
        )
    return out


def export_suites(extract: Extract) -> str:
    """The suites as one JSON document ``{"suites": [...]}``; each item loads with ``gx.ExpectationSuite(**item)``."""
    doc = {
        "about": "claimaudit data contract (docs/extract-format.md): one GX suite per table; add the derived columns "
                 "listed in each suite's meta before validating",
        "suites": [s.to_json_dict() for s in suites(extract).values()],
    }
    return json.dumps(doc, indent=2, default=str) + "\n"


def check_contract(extract: Extract) -> ContractCheck:
    """Check ``extract`` against every rule that applies to it, in an ephemeral GX context, without network."""
    gx = _gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False, progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    source = context.data_sources.add_pandas("claimaudit")
    rules = rules_for(extract)
    frames = derive(extract)
    violations = []
    for table, suite in suites(extract, rules).items():
        batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("all").get_batch(
            batch_parameters={"dataframe": frames[table]})
        # Pass or fail first: GX then lists no failing rows, which on a clean 1M-row table is ~40% of its time.
        # The broken rules then run again, alone, for their counts and sample rows.
        broken = [i for i in _results(batch.validate(suite, result_format="BOOLEAN_ONLY"), rules, table) if not i[1].success]
        if broken:
            again = gx.ExpectationSuite(name=f"{suite.name}.broken", expectations=[_expectation(gx, i, rules[i]) for i, _ in broken])
            run = batch.validate(again, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20})
            violations += [_violation(extract, frames[table], rules[i], r.result) for i, r in _results(run, rules, table) if not r.success]
    order = {id(r): i for i, r in enumerate(rules)}
    return ContractCheck(extract, tuple(rules), tuple(sorted(violations, key=lambda v: order[id(v.rule)])))


def _results(run, rules: list[Rule], table: str) -> list[tuple[int, object]]:
    """Each GX result of a run with the index of its rule; a rule GX could not evaluate is a bug, not a violation."""
    out = []
    for r in run.results:
        index = r.expectation_config.meta["claimaudit_rule"]
        if r.exception_info.get("raised_exception"):
            raise RuntimeError(f"GX could not evaluate {rules[index].gx} on {table}: {r.exception_info.get('exception_message')}")
        out.append((index, r))
    return out


def _violation(extract: Extract, frame: pd.DataFrame, rule: Rule, result: dict) -> Violation:
    file = extract.files[rule.table].name if rule.table in extract.files else f"{extract.folder.name}/"  # the folder itself
    rows = sorted(result.get("partial_unexpected_index_list") or [])[:5]
    columns = [c for c in (rule.column, *rule.shows) if c]
    sample = tuple((int(row), {c: _plain(frame.at[row, c]) for c in columns}) for row in rows)
    observed = result.get("observed_value")
    return Violation(rule, file, int(result.get("unexpected_count") or 0), sample, None if observed is None else str(observed))


def _plain(value):
    """A cell as a plain Python value for JSON: None when missing, whole floats as int."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # a numpy scalar
        value = value.item()
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _printed(value) -> str:
    if value is None:
        return "missing"
    return repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def print_check(check: ContractCheck, console=None) -> None:
    """Print the violations as a rich table (file, column, rows, rule, sample), then the summary line."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    if check.violations:
        table = Table(title="claimaudit: contract violations", expand=True)
        table.add_column("file, column", no_wrap=True)
        table.add_column("rows", justify="right", no_wrap=True)
        table.add_column("rule", overflow="fold", ratio=1)
        table.add_column("sample (row: value)", overflow="fold", ratio=1)
        for v in check.violations:
            sample = "\n".join(_row_text(r, vals, v.rule.column) for r, vals in v.sample)
            where = v.file + (f"\n{v.rule.column}" if v.rule.column else "")
            table.add_row(where, str(v.failing_rows or ""), v.rule.says, sample or (f"found {v.observed}" if v.observed else ""))
        console.print(table)
    console.print(check.summary(), style="green" if check.ok else "bold red", highlight=False, soft_wrap=True)
