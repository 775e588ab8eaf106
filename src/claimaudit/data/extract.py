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

import numpy as np
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
    parquet = path.suffix == ".parquet"
    header, raw = _read_parquet(path) if parquet else _read_csv(path, data, COLUMNS[name])
    del data  # the bytes of a large CSV file are not needed once its columns are parsed
    missing = [c for c in COLUMNS[name] if c not in header]
    if missing:
        listed = ", ".join(repr(c) for c in missing)
        raise _error(path, f"missing column{'s' if len(missing) > 1 else ''} {listed}", hint=f"the columns of {name} are listed in {DOCS}")
    index = pd.RangeIndex(1, len(raw[next(iter(COLUMNS[name]))]) + 1)
    typed = _typed_parquet if parquet else _typed_csv
    return pd.DataFrame({c: pd.Series(typed(path, c, kind, raw[c]), index=index, copy=False) for c, kind in COLUMNS[name].items()})


#: What ``str.strip()`` strips: every character for which ``str.isspace()`` is true.
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
               "\u200a\u2028\u2029\u202f\u205f\u3000")


def _read_csv(path: Path, data: bytes, documented) -> tuple[list[str], dict]:
    """The header and the documented columns as pyarrow text arrays: values trimmed, an empty cell missing (None).

    pyarrow parses the file (vectorised, ~0.5 s per 100 MB); it splits rows and unquotes values as the
    ``csv`` module does. Where it gives up (a row with more or fewer values than the header, a line of
    spaces) the file is read again row by row (:func:`_read_csv_rows`), which names the first bad row.
    """
    import pyarrow as pa  # ~0.2 s
    import pyarrow.compute as pc

    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        data.decode("utf-8")  # the check only (~0.1 s per 100 MB); the error names the row and column of the first bad byte
    except UnicodeDecodeError as err:
        row, column = _locate(data, err.start)
        raise _error(path, f"not UTF-8 (byte 0x{data[err.start]:02x})", row=row, column=column,
                     hint="save the file as UTF-8, e.g. Excel 'CSV UTF-8' or iconv -f latin1 -t utf-8") from None
    table = _parse_csv(data)
    if table is None:
        header, columns = _read_csv_rows(path, data)
        return header, {h: pa.array(columns[h], pa.string()) for h in header if h in documented}
    header = [h.strip() for h in table.slice(0, 1).to_pylist()[0].values()] if table.num_rows else []
    _check_header(path, header)
    out = {}
    for i, h in enumerate(header):
        if h in documented:
            values = pc.utf8_trim(table.column(i).slice(1), characters=_WHITESPACE)
            out[h] = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    return header, out


def _parse_csv(data: bytes):
    """Every row of the file (the header is row 0) as a pyarrow Table of text; None where pyarrow cannot split the rows."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    at_most = data.count(b",", 0, 1 << 16) + 1  # columns of the header, if it lies in the first 64 KiB
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(at_most)},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:  # ragged rows, a line of spaces, a header past 64 KiB: the row-wise reader decides
        return None
    return table if all(t == pa.string() for t in table.schema.types) else None


def _check_header(path: Path, header: list[str]) -> None:
    for h in header:
        if header.count(h) > 1:
            raise _error(path, f"column {h!r} appears {header.count(h)} times in the header")


def _read_csv_rows(path: Path, data: bytes) -> tuple[list[str], dict[str, list]]:
    """The ``csv`` module's reading, row by row: the header and every column (trimmed, empty as None)."""
    text = data.decode("utf-8")
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if not _blank(r)]
    header = [h.strip() for h in records[0]] if records else []
    _check_header(path, header)
    raw: dict[str, list] = {h: [] for h in header}
    for row, record in enumerate(records[1:], start=1):
        if len(record) != len(header):
            raise _error(path, f"{len(record)} values, but the header names {len(header)} columns", row=row,
                         hint="quote values that contain commas")
        for h, value in zip(header, record, strict=True):
            raw[h].append(value.strip() or None)
    return header, raw


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


def _first(mask) -> int | None:
    """The data row (from 1) of the first true value of a boolean array, or None."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) + 1 if len(hits) else None


def _typed_csv(path: Path, column: str, kind: str, values):
    """A CSV column (pyarrow text) as its documented type; the first bad value raises, named by row and column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == TEXT:
        return values.to_pandas().to_numpy()  # str (one object per distinct text), None when missing
    given = values.is_valid().to_numpy(zero_copy_only=False)
    if kind == BOOL:
        lower = pc.utf8_lower(values)
        true = pc.equal(lower, "true")
        row = _first(given & ~pc.or_(true, pc.equal(lower, "false")).to_numpy(zero_copy_only=False).astype(bool))
        if row:
            raise _error(path, f"{values[row - 1].as_py()!r} is not true or false", row=row, column=column)
        return true.to_numpy(zero_copy_only=False)  # bool; object (True, False, None) when some value is missing
    try:
        number = pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)  # correctly rounded, as float()
    except pa.ArrowInvalid:  # a value pyarrow does not read (a word, or '1_000', which float() reads): row by row
        number = np.array([_number(path, column, kind, row, v) for row, v in enumerate(values.to_pylist(), start=1)], dtype="float64")
    finite = np.isfinite(number)
    bad = given & ~finite
    if kind == WHOLE:
        bad |= given & finite & (np.floor(number) != number)
    row = _first(bad)
    if row:
        _number(path, column, kind, row, values[row - 1].as_py())  # raises the row-wise reader's error
    if kind == WHOLE and given.all():
        return number.astype("int64")
    return number


def _number(path: Path, column: str, kind: str, row: int, v: str | None) -> float:
    """One text value as a number: ``float(v)``, finite, and whole for a whole-number column (else the error)."""
    if v is None:
        return math.nan
    try:
        number = float(v)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise _error(path, f"{v!r} is not a number", row=row, column=column, hint="write digits, e.g. 31 or 31.5")
    if kind == WHOLE and not number.is_integer():
        raise _error(path, f"{v!r} is not a whole number", row=row, column=column)
    return number


def _read_parquet(path: Path) -> tuple[list[str], dict]:
    import pyarrow as pa  # ~0.2 s; only an extract with Parquet files pays it
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as err:
        raise _error(path, f"cannot read the Parquet file: {err}") from None
    return table.column_names, {name: table.column(name) for name in table.column_names}


def _parquet_kind(t) -> str | None:
    """The documented type a Parquet type carries (None when claimaudit has no use for it)."""
    import pyarrow as pa

    return (BOOL if pa.types.is_boolean(t) else WHOLE if pa.types.is_integer(t) else NUMBER if pa.types.is_floating(t)
            else TEXT if pa.types.is_string(t) or pa.types.is_large_string(t) else None)


#: Parquet kinds each documented type accepts; a whole-number id may stand for a text id.
_ACCEPTS = {NUMBER: (NUMBER, WHOLE), WHOLE: (WHOLE, NUMBER), BOOL: (BOOL,), TEXT: (TEXT,)}
_EMPTY = {NUMBER: "float64", WHOLE: "float64", BOOL: "bool", TEXT: "object"}


def _typed_parquet(path: Path, column: str, kind: str, values):
    """A Parquet column as its documented type: numbers checked as in a CSV file (finite; whole where documented)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = values.type.value_type if pa.types.is_dictionary(values.type) else values.type
    if not len(values):
        return np.array([], dtype=_EMPTY[kind])
    accepted = _ACCEPTS[kind] + ((WHOLE,) if kind == TEXT and column.endswith("_id") else ())
    if _parquet_kind(t) not in accepted:
        raise _error(path, f"Parquet type {t}, expected {kind}", column=column, hint=_HINT)
    values = values.cast(t)  # a dictionary column decoded; any other unchanged
    if kind == TEXT:
        return (values if pa.types.is_string(t) or pa.types.is_large_string(t) else pc.cast(values, pa.string())).to_pandas().to_numpy()
    if kind == BOOL:
        return values.to_numpy(zero_copy_only=False)  # bool; object (True, False, None) when some value is missing
    number = pc.cast(values, pa.float64(), safe=False).to_numpy(zero_copy_only=False)
    finite, given = np.isfinite(number), ~np.isnan(number)  # NaN is missing, as an empty cell
    bad = given & ~finite
    if kind == WHOLE:
        bad |= finite & (np.floor(number) != number)
    row = _first(bad)
    if row:
        _number(path, column, kind, row, repr(float(number[row - 1])))  # raises as for the CSV text of the value
    if kind == WHOLE and given.all():
        return number.astype("int64")
    return number
