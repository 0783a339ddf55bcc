"""`policy-pipeline export` (pipeline/analysis/export.py): a workbook, CSV files with a byte-order mark and a
DuckDB database file, each holding every row of the tables and the joined views."""
from __future__ import annotations

import csv
import json
import shutil

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from pipeline.analysis import export
from pipeline.cli import main
from pipeline.schema import TABLES
from pipeline.analysis.views import VIEWS

SHEETS = [*TABLES, *VIEWS]


def parquet_rows(out, name: str) -> int:
    return pq.read_metadata(out / f"{name}.parquet").num_rows


@pytest.fixture(scope="module")
def exported(seed_output, tmp_path_factory):
    where = tmp_path_factory.mktemp("export")
    code = main(["export", str(seed_output), "--xlsx", str(where / "tables.xlsx"), "--csv", str(where / "csv"),
                 "--duckdb", str(where / "tables.duckdb")])
    assert code == 0
    return where


def test_xlsx_has_a_sheet_per_table_and_view_with_every_row(exported, seed_output):
    book = openpyxl.load_workbook(exported / "tables.xlsx", read_only=True)
    assert book.sheetnames == SHEETS
    for name in TABLES:
        assert book[name].max_row == parquet_rows(seed_output, name) + 1, name  # + the header


def test_xlsx_keeps_chinese_text_dates_and_lists(exported, seed_output):
    book = openpyxl.load_workbook(exported / "tables.xlsx", read_only=True)
    header, *rows = book["responsibilities"].iter_rows(values_only=True)
    expected = pq.read_table(seed_output / "responsibilities.parquet").column("body").to_pylist()
    assert [row[header.index("body")] for row in rows] == expected
    header, *rows = book["dates"].iter_rows(values_only=True)
    ends = [row[header.index("end")] for row in rows if row[header.index("end")] is not None]
    assert ends and all(hasattr(end, "year") for end in ends)  # a date cell, not text
    header, *rows = book["task_view"].iter_rows(values_only=True)
    assert all(isinstance(json.loads(row[header.index("lead_bodies")]), list) for row in rows)


def test_csv_files_start_with_a_byte_order_mark_and_hold_every_row(exported, seed_output):
    for name in SHEETS:
        data = (exported / "csv" / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), name
    for name in TABLES:
        with open(exported / "csv" / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == parquet_rows(seed_output, name), name
    with open(exported / "csv" / "tasks.csv", encoding="utf-8-sig", newline="") as fh:
        first = next(csv.DictReader(fh))
    assert isinstance(json.loads(first["outline"]), list)


def test_duckdb_file_holds_tables_and_views_without_the_parquet_files(exported, seed_output, tmp_path):
    moved = tmp_path / "moved.duckdb"
    shutil.copy(exported / "tables.duckdb", moved)  # the file stands alone: no path to the output inside
    con = duckdb.connect(str(moved), read_only=True)
    for name in TABLES:
        assert con.sql(f"select count(*) from {name}").fetchall()[0][0] == parquet_rows(seed_output, name), name
    views = {row[0] for row in con.sql("select view_name from duckdb_views() where not internal").fetchall()}
    assert set(VIEWS) <= views
    assert con.sql("select count(*) from task_view").fetchall()[0][0] == parquet_rows(seed_output, "tasks")
    assert con.sql("select count(*) from compare_targets('率')").fetchall()[0][0] > 0


def test_excel_cells_are_cut_to_what_excel_holds():
    long = "安" * (export.EXCEL_CELL + 10)
    cut = export._excel_cell(long)
    assert len(cut) == export.EXCEL_CELL and cut.endswith(export.CUT)
    assert export._excel_cell("第一\x0b条\x00") == "第一条"  # control characters an .xlsx cannot hold


@pytest.mark.parametrize("argv,words", [
    (["--xlsx", "x.xlsx"], "is not a policy-pipeline output folder"),
    ([], "at least one of"),
])
def test_export_usage_errors_are_one_sentence(tmp_path, capsys, argv, words):
    assert main(["export", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_export_to_an_unwritable_place_is_one_sentence(seed_output, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["export", str(seed_output), "--csv", str(blocker / "csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write --csv" in err
