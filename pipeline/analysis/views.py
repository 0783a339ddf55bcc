"""pipeline.load(DIR): a DuckDB connection over an output folder, for analysts.

Each Parquet table is a view of the same name; views.sql adds the joined views task_view and
target_view and the table macro compare_targets(words). The views read the files when queried,
so a connection stays cheap to open.
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline import rules
from pipeline.schema import TABLES
from pipeline.batch.write import whole

VIEWS_SQL = Path(__file__).with_name("views.sql")
VIEWS = ("task_view", "target_view")


def load(directory: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with views over the tables of a `policy-pipeline run` output."""
    con = duckdb.connect()
    build(con, directory)
    return con


def build(con: duckdb.DuckDBPyConnection, directory: str | Path, materialise: bool = False) -> None:
    """The tables of an output folder, the vocabularies and views.sql in `con`: as views that read the
    Parquet files when queried, or (`materialise`, for a database file of its own) as tables."""
    for name, source in table_sources(Path(directory)).items():
        if not isinstance(source, pa.Table):
            con.execute(f"create {'table' if materialise else 'view'} {name} as select * from {source}")
        elif materialise:  # a partitioned output with no rows of this table: empty, with its columns
            con.from_arrow(source).create(name)
        else:
            con.from_arrow(source).create_view(name)
    _vocabularies(con)
    con.execute(VIEWS_SQL.read_text(encoding="utf-8"))


def table_sources(folder: Path) -> dict[str, str | pa.Table]:
    """Where each table's rows are, as SQL: `NAME.parquet` (a local run), or a folder of hive
    partitions (`NAME/province=…/issue_year=…/*.parquet`, a Dask run), whose partition values become
    columns. A partitioned output writes no folder for a table without rows: that table is empty,
    as it is where the run's manifest counts no rows for it (a Dask run in which every input failed)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} does not exist or is not a folder")
    whole(folder)  # the tables of one run, never a mix (write.Incomplete otherwise)
    files = {name: folder / f"{name}.parquet" for name in TABLES}
    parts = {name: next((p for p in (folder / name, files[name]) if p.is_dir()), None) for name in TABLES}
    partitioned = any(parts.values())
    counted = _manifest_rows(folder)
    sources: dict[str, str | pa.Table] = {}
    for name, schema in TABLES.items():
        if files[name].is_file():
            sources[name] = f"read_parquet({_literal(files[name].resolve())})"
        elif parts[name] and any(parts[name].rglob("*.parquet")):
            sources[name] = f"read_parquet({_literal(parts[name].resolve() / '**' / '*.parquet')}, hive_partitioning = true)"
        elif partitioned or counted.get(name) == 0:
            sources[name] = schema.empty_table()
        else:
            raise FileNotFoundError(f"{folder} is not a policy-pipeline output folder: it has no {name}.parquet")
    return sources


def _manifest_rows(folder: Path) -> dict[str, int]:
    """The rows per table that the run's manifest.json counts (pipeline/batch/write.py); none if it has none."""
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("rows", {})
    except (OSError, ValueError, AttributeError):
        return {}


def _literal(path: Path) -> str:
    """A SQL string literal: views cannot take prepared parameters."""
    return "'" + str(path).replace("'", "''") + "'"


def _vocabularies(con: duckdb.DuckDBPyConnection) -> None:
    """rules/subjects.toml and rules/units.toml as tables that views.sql joins."""
    categories = rules.load("subjects")["categories"]
    units = rules.load("units")
    con.execute("create table subject_patterns (category varchar, pattern varchar, rank integer)")
    con.executemany("insert into subject_patterns values (?, ?, ?)",
                    [(category, pattern, rank) for rank, (category, patterns) in enumerate(categories.items())
                     for pattern in patterns])
    con.execute("create table unit_factors (unit varchar, unit_norm varchar, factor double)")
    con.executemany("insert into unit_factors values (?, ?, ?)",
                    [(unit, norm["unit"], norm["factor"]) for unit, norm in units["units"].items()])
    con.execute("create table period_factors (period varchar, per_year double)")
    con.executemany("insert into period_factors values (?, ?)", list(units["per_year"].items()))
