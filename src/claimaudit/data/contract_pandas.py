"""The contract's rules evaluated in plain pandas: a cross-check of the great-expectations run, and its benchmark.

:func:`check_contract_pandas` applies every rule of :func:`~claimaudit.data.contract.rules_for` to the
same derived frames (:func:`~claimaudit.data.contract.derive`) with one boolean mask per rule, as GX's
pandas engine defines each Expectation (GX 1.x ``PandasExecutionEngine``):

- a column rule skips missing values (``expect_column_values_to_be_null`` and ``..._not_be_null`` excepted)
  and fails the rows whose value breaks it; ``between`` includes its bounds unless ``strict_min``;
- a pair rule skips a row where either value is missing (``ignore_row_if: either_value_is_missing``);
- ``..._to_be_unique`` fails every row of a repeated value (``duplicated(keep=False)``), and
  ``expect_compound_columns_to_be_unique`` every row of a repeated combination;
- ``..._in_type_list`` checks the column's dtype, or for an ``object`` column each value's Python type;
- a ``when`` condition keeps the rows where the column equals the value (GX ``row_condition``).

It returns the same :class:`~claimaudit.data.contract.ContractCheck` as ``check_contract``: the
same violations, counts and sample rows (``checks/data/test_contract_pandas.py`` holds them equal
on every fixture), without importing great_expectations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contract import ContractCheck, Rule, _violation, derive, rules_for
from .extract import Extract

_PYTHON_TYPES = {"str": (str, np.str_), "bool": (bool, np.bool_), "int": (int, np.int64), "float": (float, np.float64)}


def check_contract_pandas(extract: Extract) -> ContractCheck:
    """Check ``extract`` against every rule that applies to it, in plain pandas (no GX)."""
    rules = rules_for(extract)
    frames = derive(extract)
    violations = []
    for rule in rules:
        frame = frames[rule.table]
        if rule.when:
            frame = frame[frame[rule.when[0]] == rule.when[1]]
        failing = _failing(rule, frame)
        if failing is None:
            continue
        rows, observed = failing
        result = {"unexpected_count": len(rows), "partial_unexpected_index_list": list(rows[:20]), "observed_value": observed}
        violations.append(_violation(extract, frames[rule.table], rule, result))
    return ContractCheck(extract, tuple(rules), tuple(violations))


def _failing(rule: Rule, frame: pd.DataFrame) -> tuple[pd.Index, object] | None:
    """The failing rows and what was observed (a rule on the whole table fails no row but observes), or None."""
    kw, none = rule.kwargs, frame.index[:0]
    if rule.gx == "expect_table_columns_to_match_set":
        expected, found = set(kw["column_set"]), set(frame.columns)
        ok = expected == found if kw.get("exact_match") else expected <= found
        return None if ok else (none, list(frame.columns))
    if rule.gx == "expect_table_row_count_to_be_between":
        ok = kw.get("min_value", 0) <= len(frame) <= kw.get("max_value", len(frame))
        return None if ok else (none, len(frame))
    if rule.gx == "expect_column_values_to_be_in_type_list" and frame[kw["column"]].dtype != object:
        dtype = frame[kw["column"]].dtype
        return None if dtype in [np.dtype(t) for t in kw["type_list"]] else (none, dtype.type.__name__)
    bad = _mask(rule.gx, kw, frame)
    return (frame.index[bad], None) if bad.any() else None


def _mask(gx: str, kw: dict, frame: pd.DataFrame) -> np.ndarray:
    """Row by row, whether a column-map or pair rule fails (missing values skipped as GX skips them)."""
    if gx == "expect_column_values_to_not_be_null":
        return frame[kw["column"]].isna().to_numpy()
    if gx == "expect_column_values_to_be_null":
        return frame[kw["column"]].notna().to_numpy()
    if gx in ("expect_column_pair_values_to_be_equal", "expect_column_pair_values_a_to_be_greater_than_b"):
        a, b = frame[kw["column_A"]], frame[kw["column_B"]]
        given = (a.notna() & b.notna()).to_numpy()
        if gx == "expect_column_pair_values_to_be_equal":
            holds = a.to_numpy() == b.to_numpy()
        else:
            holds = (a >= b) if kw.get("or_equal") else (a > b)
        return given & ~np.asarray(holds, dtype=bool)
    if gx == "expect_compound_columns_to_be_unique":
        columns = frame[kw["column_list"]]
        considered = columns.notna().any(axis=1).to_numpy()  # ignore_row_if: all_values_are_missing
        repeated = np.zeros(len(frame), bool)
        repeated[considered] = columns[considered].duplicated(keep=False).to_numpy()
        return repeated
    column = frame[kw["column"]]
    given = column.notna().to_numpy()
    if gx == "expect_column_values_to_be_in_set":
        holds = column.isin(kw["value_set"]).to_numpy()
    elif gx == "expect_column_values_to_be_between":
        holds = np.ones(len(column), bool)
        if "min_value" in kw:
            holds &= ((column > kw["min_value"]) if kw.get("strict_min") else (column >= kw["min_value"])).to_numpy()
        if "max_value" in kw:
            holds &= ((column < kw["max_value"]) if kw.get("strict_max") else (column <= kw["max_value"])).to_numpy()
    elif gx == "expect_column_values_to_be_unique":
        holds = np.ones(len(column), bool)
        holds[given] = ~column[given].duplicated(keep=False).to_numpy()
    elif gx == "expect_column_values_to_be_in_type_list":  # an object column: each value's Python type
        holds = _of_types(column, kw["type_list"])
    else:
        raise ValueError(f"no plain pandas check for {gx!r}")
    return given & ~holds


def _of_types(column: pd.Series, type_list: list[str]) -> np.ndarray:
    """Each value is an instance of one of the types named (``str``, ``bool``, ``int8`` .. ``float64``), as GX tests it."""
    kinds = {"string": "str", "boolean": "bool", "integer": "int", "floating": "float"}
    inferred = kinds.get(pd.api.types.infer_dtype(column, skipna=True))
    if inferred and inferred in type_list:  # one C pass when every value has the same type
        return np.ones(len(column), bool)
    types = tuple(t for name in type_list for t in _PYTHON_TYPES.get(name, (np.dtype(name).type,)))
    return column.map(lambda v: isinstance(v, types)).to_numpy(dtype=bool)
