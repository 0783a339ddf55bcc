"""`policy-pipeline export DIR`: a run's tables in the files analysts' tools open.

--xlsx: one workbook, a sheet per table and per joined view, Chinese text as text; --csv: a
folder of CSV files in UTF-8 with a byte-order mark, which Excel on a Chinese system needs to
tell UTF-8 from GBK; --duckdb: a database file holding the tables and the views (DBeaver,
DuckDB's own shell), independent of the Parquet files it was made from. In the spreadsheet
formats a list (a task's bodies, its outline path) is a JSON array in its cell, as in
`query --csv`.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.api import read
from pipeline.schema import TABLES
from pipeline.analysis.views import VIEWS, build

# Excel's own limits: characters in a cell, rows in a sheet (one is the header)
EXCEL_CELL = 32_767
EXCEL_ROWS = 1_048_575
# What the XML inside an .xlsx cannot hold: control characters other than tab and line breaks
ILLEGAL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
CUT = "…[cut: Excel holds 32,767 characters a cell]"


class ExportError(Exception):
    """An export that cannot be written, told in one sentence."""


def to_xlsx(directory: str | Path, path: str | Path) -> dict[str, int]:
    """Every table and view of the output in `directory` as a sheet of the workbook `path`;
    returns the rows written per sheet."""
    frames = _flat(directory, _excel_cell)
    for name, df in frames.items():
        if len(df) > EXCEL_ROWS:
            raise ExportError(f"{name} has {len(df):,} rows, more than an Excel sheet holds; use --csv or --duckdb.")
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, df in frames.items():
            df.to_excel(writer, sheet_name=name, index=False)
            writer.sheets[name].freeze_panes = "A2"  # the header stays in view
    return {name: len(df) for name, df in frames.items()}


def to_csv(directory: str | Path, folder: str | Path) -> dict[str, int]:
    """Every table and view as `folder/NAME.csv`, UTF-8 with a byte-order mark."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frames = _flat(directory, lambda value: value)
    for name, df in frames.items():
        df.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
    return {name: len(df) for name, df in frames.items()}


def to_duckdb(directory: str | Path, path: str | Path) -> dict[str, int]:
    """A DuckDB database file with the tables copied in and the views over them. Written beside
    `path` and renamed into place, so an existing file is replaced whole or not at all."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(partial))
        try:
            build(con, directory, materialise=True)
            counts = {name: con.sql(f"select count(*) from {name}").fetchall()[0][0] for name in (*TABLES, *VIEWS)}
        finally:
            con.close()
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return counts


def _flat(directory: str | Path, cell) -> dict[str, pd.DataFrame]:
    """The tables and views with each list as JSON text and `cell` applied to each string."""
    frames = {}
    for name, df in read(directory, views=True).items():
        df = df.copy()
        for column in df.columns:
            if df[column].dtype == object or pd.api.types.is_string_dtype(df[column]):
                df[column] = df[column].map(lambda v: _text(v, cell))
        frames[name] = df
    return frames


def _text(value, cell):
    """A list (or a list of structs) as JSON, dates inside it as ISO text; a string through `cell`."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return cell(value) if isinstance(value, str) else value


def _excel_cell(text: str) -> str:
    text = text.translate(ILLEGAL)
    return text if len(text) <= EXCEL_CELL else text[:EXCEL_CELL - len(CUT)] + CUT
