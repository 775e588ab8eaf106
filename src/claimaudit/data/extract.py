"""Read an extract (a folder of CSV or Parquet files, one per table) into pandas DataFrames.

The format is documented in ``docs/extract-format.md``. Reading never writes into the extract:
files are opened for reading only. Every problem is an :class:`~claimaudit.errors.ExtractError`
whose one line names the file, the data row (1-based: row 1 is the first row under the header)
and the column where relevant. Whether the values make sense (ranges, categories, ids, time
order) is the contract's business (``data/contract.py``); this module only reads and types them.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import ExtractError

NUMBER, WHOLE, BOOL, TEXT = "number", "whole number", "true/false", "text"

#: Every table of an extract: its columns and their types, in documented order.
COLUMNS: dict[str, dict[str, str]] = {
    "patients": {
        "patient_id": TEXT, "arm": TEXT, "sex": TEXT, "age_at_onset_years": NUMBER,
        "disease_months_before_drug": NUMBER, "months_on_drug": NUMBER,
        "aqp4_igg_positive": BOOL, "aqp4_titer": WHOLE, "edss_before": NUMBER, "edss_last": NUMBER,
        "initial_immunosuppressant": BOOL, "switched_from": TEXT,
        "prior_ivig": BOOL, "prior_interferon_beta": BOOL, "prior_plasmapheresis": BOOL,
        "prior_azathioprine": BOOL, "prior_cyclophosphamide": BOOL, "prior_mycophenolate": BOOL,
        "concomitant_prednisone": BOOL, "tacrolimus_dose_mg_per_day": NUMBER, "died": BOOL,
    },
    "attacks": {"patient_id": TEXT, "months_from_drug_start": NUMBER, "is_onset_attack": BOOL},
    "adverse_events": {"patient_id": TEXT, "event": TEXT, "severe": BOOL},
    "mg_patients": {
        "patient_id": TEXT, "age_at_onset_years": NUMBER, "disease_course_years": NUMBER,
        "qmg_baseline": WHOLE, "qmg_12m": WHOLE, "mmt_baseline": WHOLE, "mmt_12m": WHOLE,
        "mg_adl_baseline": WHOLE, "mg_adl_12m": WHOLE, "mg_qol15_baseline": WHOLE, "mg_qol15_12m": WHOLE,
        "prednisone_mg_baseline": NUMBER, "prednisone_mg_12m": NUMBER, "post_intervention_status": TEXT,
    },
    "biomarkers": {"subject_id": TEXT, "group": TEXT, "visit": TEXT, "molecule": TEXT, "value": NUMBER, "unit": TEXT},
}

#: The tables of each study. An extract holds the tables of one study, or of both.
STUDIES: dict[str, tuple[str, ...]] = {
    "nmosd": ("patients", "attacks", "adverse_events"),
    "mg": ("mg_patients", "biomarkers"),
}

SUFFIXES = (".csv", ".parquet")
DOCS = "docs/extract-format.md"
_HINT = f"see {DOCS}"


@dataclass(frozen=True)
class Extract:
    """The tables read from an extract folder.

    ``tables[name]`` holds the documented columns only, typed (numbers as float64 or int64, true/false
    as bool, text as str; a missing value is NaN or None), indexed by data row number from 1.
    """

    folder: Path
    files: dict[str, Path]
    tables: dict[str, pd.DataFrame]

    @property
    def studies(self) -> tuple[str, ...]:
        """The studies with at least one table in the extract, e.g. ``("nmosd",)``."""
        return tuple(s for s, names in STUDIES.items() if any(n in self.tables for n in names))


def read_extract(folder: str | Path) -> Extract:
    """Read every known table of ``folder`` (``<table>.csv`` or ``<table>.parquet``); other files are ignored."""
    folder = Path(folder)
    if not folder.is_dir():
        problem = "no such extract folder" if not folder.exists() else "not a folder"
        raise ExtractError(problem, path=str(folder), hint="give the folder that holds the extract's CSV or Parquet files")
    files: dict[str, Path] = {}
    for name in COLUMNS:
        found = [folder / f"{name}{s}" for s in SUFFIXES if (folder / f"{name}{s}").is_file()]
        if len(found) > 1:
            msg = f"{name} is there twice, as {found[0].name} and {found[1].name}"
            raise ExtractError(msg, path=str(folder), hint="keep one file per table")
        if found:
            files[name] = found[0]
    if not files:
        expected = ", ".join(f"{n}.csv" for n in COLUMNS)
        raise ExtractError(f"no known table (expected some of {expected}, or .parquet)", path=str(folder), hint=_HINT)
    tables = {name: _read_table(name, path) for name, path in files.items()}
    return Extract(folder=folder, files=files, tables=tables)


def _error(path: Path, problem: str, *, row: int | None = None, column: str | None = None, hint: str | None = None) -> ExtractError:
    where = ", ".join(w for w in (f"row {row}" if row else "", f"column {column!r}" if column else "") if w)
    err = ExtractError(f"{where}: {problem}" if where else problem, path=str(path), hint=hint)
    err.row, err.column = row, column
    return err


def _read_table(name: str, path: Path) -> pd.DataFrame:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise _error(path, f"cannot read the file: {err.strerror or err}") from None
    if not data.strip():
        raise _error(path, "empty file (not even a header row)", hint=f"the first row names the columns; {_HINT}")
    raw = _read_parquet(path) if path.suffix == ".parquet" else _read_csv(path, data)
    missing = [c for c in COLUMNS[name] if c not in raw]
    if missing:
        listed = ", ".join(repr(c) for c in missing)
        raise _error(path, f"missing column{'s' if len(missing) > 1 else ''} {listed}", hint=f"the columns of {name} are listed in {DOCS}")
    rows = len(raw[next(iter(COLUMNS[name]))])
    typed = {c: _typed(path, c, kind, raw[c]) for c, kind in COLUMNS[name].items()}
    return pd.DataFrame(typed).set_axis(pd.RangeIndex(1, rows + 1))


def _read_csv(path: Path, data: bytes) -> dict[str, list]:
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        row, column = _locate(data, err.start)
        raise _error(path, f"not UTF-8 (byte 0x{data[err.start]:02x})", row=row, column=column,
                     hint="save the file as UTF-8, e.g. Excel 'CSV UTF-8' or iconv -f latin1 -t utf-8") from None
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if not _blank(r)]
    header = [h.strip() for h in records[0]]
    for h in header:
        if header.count(h) > 1:
            raise _error(path, f"column {h!r} appears {header.count(h)} times in the header")
    raw: dict[str, list] = {h: [] for h in header}
    for row, record in enumerate(records[1:], start=1):
        if len(record) != len(header):
            raise _error(path, f"{len(record)} values, but the header names {len(header)} columns", row=row,
                         hint="quote values that contain commas")
        for h, value in zip(header, record, strict=True):
            raw[h].append(value.strip() or None)
    return raw


def _blank(record: list[str]) -> bool:
    return not record or (len(record) == 1 and not record[0].strip())


def _locate(data: bytes, pos: int) -> tuple[int | None, str | None]:
    """The data row and column holding byte ``pos``, counted as ``_read_csv`` counts them (blank lines skipped)."""
    lines = data[:pos].split(b"\n")
    row = sum(1 for line in lines[:-1] if line.strip())  # the header and the data rows before this one
    if not row:
        return None, None  # in the header
    header = next(csv.reader([data.split(b"\n", 1)[0].decode("latin-1")]))
    index = len(next(csv.reader([lines[-1].decode("latin-1")]), [""])) - 1
    return row, (header[index].strip() if index < len(header) else None)


def _read_parquet(path: Path) -> dict[str, list]:
    import pyarrow as pa  # ~0.2 s; only an extract with Parquet files pays it
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as err:
        raise _error(path, f"cannot read the Parquet file: {err}") from None
    raw: dict[str, list] = {}
    for field in table.schema:
        t = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
        kind = (BOOL if pa.types.is_boolean(t) else WHOLE if pa.types.is_integer(t) else NUMBER if pa.types.is_floating(t)
                else TEXT if pa.types.is_string(t) or pa.types.is_large_string(t) else None)
        raw[field.name] = [_Parquet(v, kind, str(t)) for v in table.column(field.name).to_pylist()]
    return raw


@dataclass(frozen=True)
class _Parquet:
    """A Parquet value with its kind (None when claimaudit has no use for its type) and its Parquet type name."""

    value: object
    kind: str | None
    parquet_type: str


#: Parquet kinds each documented type accepts; a whole-number id may stand for a text id.
_ACCEPTS = {NUMBER: (NUMBER, WHOLE), WHOLE: (WHOLE, NUMBER), BOOL: (BOOL,), TEXT: (TEXT,)}


def _typed(path: Path, column: str, kind: str, values: list) -> pd.Series:
    out = [_value(path, column, kind, row, v) for row, v in enumerate(values, start=1)]
    if kind in (NUMBER, WHOLE):
        series = pd.Series(out, dtype="float64")
        return series.astype("int64") if kind == WHOLE and series.notna().all() else series
    if kind == BOOL and None not in out:
        return pd.Series(out, dtype="bool")
    return pd.Series(out, dtype="object")


def _value(path: Path, column: str, kind: str, row: int, v):
    if isinstance(v, _Parquet):
        accepted = _ACCEPTS[kind] + ((WHOLE,) if kind == TEXT and column.endswith("_id") else ())
        if v.kind not in accepted:
            raise _error(path, f"Parquet type {v.parquet_type}, expected {kind}", column=column, hint=_HINT)
        if v.value is None or (isinstance(v.value, float) and math.isnan(v.value)):
            return None
        v = str(v.value) if kind == TEXT else v.value
        if kind == TEXT or kind == BOOL:
            return v
        v = repr(v)  # numbers go through the same checks as in a CSV file
    if v is None:
        return None
    if kind == TEXT:
        return v
    if kind == BOOL:
        if v.lower() in ("true", "false"):
            return v.lower() == "true"
        raise _error(path, f"{v!r} is not true or false", row=row, column=column)
    try:
        number = float(v)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise _error(path, f"{v!r} is not a number", row=row, column=column, hint="write digits, e.g. 31 or 31.5")
    if kind == WHOLE and not number.is_integer():
        raise _error(path, f"{v!r} is not a whole number", row=row, column=column)
    return number
