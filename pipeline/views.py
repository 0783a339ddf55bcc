"""pipeline.load(DIR): a DuckDB connection over an output folder, for analysts.

Each Parquet table is a view of the same name; views.sql adds the joined views task_view and
target_view and the table macro compare_targets(words). The views read the files when queried,
so a connection stays cheap to open.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from . import rules
from .schema import TABLES

VIEWS_SQL = Path(__file__).with_name("views.sql")


def load(directory: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with views over the tables of a `policy-pipeline run` output."""
    folder = Path(directory)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} does not exist or is not a folder")
    missing = [name for name in TABLES if not (folder / f"{name}.parquet").is_file()]
    if missing:
        raise FileNotFoundError(f"{folder} is not a policy-pipeline output folder: it has no {missing[0]}.parquet")
    con = duckdb.connect()
    for name in TABLES:
        con.execute(f"create view {name} as select * from read_parquet({_literal(folder / f'{name}.parquet')})")
    _vocabularies(con)
    con.execute(VIEWS_SQL.read_text(encoding="utf-8"))
    return con


def _literal(path: Path) -> str:
    """A SQL string literal: views cannot take prepared parameters."""
    return "'" + str(path.resolve()).replace("'", "''") + "'"


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
