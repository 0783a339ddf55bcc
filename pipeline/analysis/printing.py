"""Query results on stdout: a table to read, or CSV or JSON lines for other programs."""
from __future__ import annotations

import csv
import json
import sys

import duckdb

# Characters a table cell shows: a task's text would make the table unreadable; CSV and JSON
# lines give every value whole.
CELL_WIDTH = 80
# Rows fetched at a time: a large result is never held whole.
BATCH = 1024


def emit(result: duckdb.DuckDBPyRelation, fmt: str) -> None:
    """Print a result as `table`, `csv` or `json` (one object a line)."""
    if fmt == "table":
        # every row and column, whatever the terminal's width: a truncated answer misleads
        result.show(max_rows=sys.maxsize, max_width=sys.maxsize, max_col_width=CELL_WIDTH)
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_cell(value) for value in row] for row in result.iter_rows(BATCH))
    else:
        for row in result.iter_rows(BATCH):
            print(json.dumps(dict(zip(result.columns, row)), ensure_ascii=False, default=str))


def _cell(value) -> str:
    """A CSV cell: lists and structs as JSON, NULL as empty."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
