"""`policy-pipeline query` and `compare` (pipeline/cli.py, printing.py, chart.py) on the seed run."""
from __future__ import annotations

import csv
import io
import json
import re

import pyarrow.parquet as pq
import pytest

from pipeline.analysis.chart import cjk_font
from pipeline.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_query_prints_a_table(seed_output, capsys):
    code, out, err = run(capsys, "query", seed_output, "select count(*) as n_tasks from task_view")
    assert code == 0 and err == ""
    n = pq.read_metadata(seed_output / "tasks.parquet").num_rows
    assert "│ n_tasks │" in out and re.search(rf"│ +{n} │", out)


def test_query_table_shows_every_row(seed_output, capsys):
    code, out, _ = run(capsys, "query", seed_output, "select raw from targets")
    raws = pq.read_table(seed_output / "targets.parquet").column("raw").to_pylist()
    assert code == 0 and all(raw in out for raw in raws)


def test_query_csv_parses(seed_output, capsys):
    code, out, _ = run(capsys, "query", seed_output, "select task_id, lead_bodies, ordinal from task_view", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == pq.read_metadata(seed_output / "tasks.parquet").num_rows
    assert set(rows[0]) == {"task_id", "lead_bodies", "ordinal"}
    # lists are written as JSON inside the cell
    assert any(json.loads(r["lead_bodies"]) for r in rows)


def test_query_json_lines_keep_lists_and_dates(seed_output, capsys):
    code, out, _ = run(capsys, "query", seed_output, "select raw, due, task_dates from target_view where due is not null", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and rows
    assert all(isinstance(r["task_dates"], list) and len(r["due"]) == 10 for r in rows)


@pytest.mark.parametrize("sql, words", [
    ("selec 1", "syntax error"),
    ("select * from no_such_table", "no_such_table"),
    ("select cast('a' as int)", "Conversion Error"),
])
def test_bad_sql_is_one_sentence_and_exit_2(seed_output, capsys, sql, words):
    code, out, err = run(capsys, "query", seed_output, sql)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("policy-pipeline: the query failed:") and words in err


def test_a_missing_folder_is_one_sentence_and_exit_2(tmp_path, capsys):
    code, _, err = run(capsys, "query", tmp_path / "nowhere", "select 1")
    assert code == 2 and err.strip() == f"policy-pipeline: {tmp_path / 'nowhere'} does not exist or is not a folder."
    code, _, err = run(capsys, "compare", tmp_path, "--subject", "渔船")
    assert code == 2 and "no documents.parquet" in err and len(err.strip().splitlines()) == 1


def test_compare_prints_a_row_per_target_of_the_subject(seed_output, capsys):
    code, out, _ = run(capsys, "compare", seed_output, "--subject", "渔船")
    assert code == 0
    lines = [line for line in out.splitlines() if "温岭市" in line]
    assert len(lines) == 7 and all("渔船整治" in line and "艘" in line and "2023" in line for line in lines)
    assert "1209.0" in out


def test_compare_csv_and_plot(seed_output, tmp_path, capsys):
    png = tmp_path / "compare.png"
    code, out, err = run(capsys, "compare", seed_output, "--subject", "演练", "--csv", "--plot", png)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and err.strip() == f"chart → {png}"
    # two regions, frequencies as counts a year
    assert {(r["region"], r["year"]) for r in rows} == {("环翠区", "2020"), ("温岭市", "2023")}
    assert {r["unit"] for r in rows} == {"次/年"} and {r["value"] for r in rows} == {"1.0", "2.0"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_compare_with_no_match_says_so(seed_output, capsys):
    code, out, err = run(capsys, "compare", seed_output, "--subject", "火星基地")
    assert code == 2 and out == "" and "火星基地" in err and len(err.strip().splitlines()) == 1


def test_compare_plot_to_an_unwritable_path(seed_output, tmp_path, capsys):
    code, _, err = run(capsys, "compare", seed_output, "--subject", "渔船", "--plot", tmp_path / "no" / "c.png")
    assert code == 2 and err.startswith("policy-pipeline: cannot write --plot")


def test_a_cjk_font_is_installed_for_chart_labels():
    assert cjk_font(), "no CJK font: install Debian's fonts-wqy-microhei (.ci/run does where none is)"
