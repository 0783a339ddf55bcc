"""The notebook API (pipeline.extract, pipeline.read, pipeline.load over local and Dask-partitioned
outputs), a missing rules file, the exit codes of `run`, and the packaged CJK font."""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline import rules
from pipeline.cli import main
from pipeline.batch.columns import tabulate
from pipeline.process import process_bytes
from pipeline.schema import TABLES
from pipeline.batch.write import PARTITION, PartitionedWriter

# Notices written for these tests: a county plan with a bracketed clause, a deadline and a rate; a
# city's labelled-lines variant; a township's sentence-subject variant.
NOTICES = {
    "bracket": "关于开展燃气安全隐患排查的通知\n各乡镇人民政府:\n一、全面排查。2025年9月底前完成全县餐饮场所燃气隐患排查,"
               "整改率达到98%以上。(县住建局牵头,县市场监管局、县消防救援大队配合)\n",
    "labelled": "关于做好防汛准备的通知\n各区县:\n(一)加固堤防。2026年5月31日前完成重点堤段加固12公里。\n牵头单位:市水利局\n"
                "配合单位:市财政局\n",
    "sentence": "关于推进农村人居环境整治的实施方案\n一、清理村庄垃圾。由镇农办牵头,各村委会具体落实,年底前实现垃圾收运全覆盖。\n",
}


def roles(tables) -> list[tuple[str, str]]:
    return list(zip(tables.responsibilities["body"], tables.responsibilities["role"]))


# --- pipeline.extract ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name,expected", [
    ("bracket", [("县住建局", "lead"), ("县市场监管局", "support"), ("县消防救援大队", "support")]),
    ("labelled", [("市水利局", "lead"), ("市财政局", "support")]),
    ("sentence", [("镇农办", "lead")]),
])
def test_extract_from_text_gives_the_notice_tables(name, expected):
    tables = pipeline.extract(NOTICES[name])
    assert set(tables) == set(TABLES) - {"errors"}
    assert len(tables.documents) == 1 and tables.documents.source[0] == "<text>"
    assert len(tables.tasks) >= 1
    assert set(expected) <= set(roles(tables))


def test_extract_types_dates_as_dates_lists_as_lists_and_nullable_integers():
    tables = pipeline.extract(NOTICES["bracket"])
    dates = tables.dates
    assert pd.api.types.is_datetime64_any_dtype(dates["end"])
    deadline = dates[dates.kind == "deadline"].iloc[0]
    assert deadline["end"] == pd.Timestamp("2025-09-30")
    assert isinstance(tables.tasks.outline[0], list) and tables.tasks.outline[0] == ["一"]
    assert str(tables.tasks["char_start"].dtype) == "Int32"
    target = tables.targets.iloc[0]
    assert (target.value, target.unit, target.comparator) == (98.0, "%", ">=")


def test_extract_offsets_index_the_normalised_text():
    tables = pipeline.extract(NOTICES["labelled"])
    text = tables.documents.text[0]
    for name in ("responsibilities", "targets", "dates"):
        for row in tables[name].itertuples():
            assert text[row.char_start:row.char_end] == (row.body if name == "responsibilities" else row.raw)


def test_extract_reads_a_path_and_bytes_like_run(tmp_path):
    page = tmp_path / "通知.html"
    page.write_text(f"<html><body><div class=nav>首页</div><p>{NOTICES['bracket'].replace(chr(10), '</p><p>')}</p></body></html>",
                    encoding="gb18030")
    from_path = pipeline.extract(page)
    from_str = pipeline.extract(str(page))
    from_bytes = pipeline.extract(page.read_bytes(), kind=".html", source="crawl://1")
    assert from_path.documents.source[0] == str(page) and from_bytes.documents.source[0] == "crawl://1"
    assert roles(from_path) == roles(from_str) == roles(from_bytes) == roles(pipeline.extract(NOTICES["bracket"]))


def test_extract_tells_why_a_notice_cannot_be_read(tmp_path):
    with pytest.raises(pipeline.ExtractionError) as caught:
        pipeline.extract(b"")
    assert caught.value.error == "empty" and caught.value.stage == "read"
    with pytest.raises(FileNotFoundError, match="not a file"):
        pipeline.extract(str(tmp_path / "missing.docx"))


# --- pipeline.read and pipeline.load ------------------------------------------------------------------

def test_read_gives_every_table_of_a_run_typed(seed_output):
    tables = pipeline.read(seed_output)
    for name in TABLES:
        assert len(tables[name]) == pq.read_metadata(seed_output / f"{name}.parquet").num_rows
    assert pd.api.types.is_datetime64_any_dtype(tables.documents["issue_date"])
    assert all(isinstance(outline, list) for outline in tables.tasks.outline)
    views = pipeline.read(seed_output, views=True)
    assert all(isinstance(v, list) for v in views.task_view.lead_bodies)
    assert len(views.target_view) == len(tables.targets)


@pytest.fixture(scope="module")
def partitioned_output(seeds_dir, tmp_path_factory) -> Path:
    """What a Dask run writes (tables as hive-partitioned folders), made without a cluster."""
    out = tmp_path_factory.mktemp("partitioned")
    writer = PartitionedWriter(out, "test")
    for path in sorted(seeds_dir.glob("*.txt")):
        writer.add(tabulate(process_bytes(path.read_bytes(), str(path))))
    writer.add(tabulate(process_bytes(b"", "empty.txt")))
    writer.commit()
    return out


def test_read_and_load_open_a_partitioned_output_like_a_local_one(seed_output, partitioned_output):
    local, parted = pipeline.read(seed_output), pipeline.read(partitioned_output)
    for name in TABLES:
        assert len(parted[name]) == len(local[name]) + (name == "errors"), name  # + the empty input
    assert set(PARTITION.names) <= set(parted.tasks.columns)  # the partition values come along
    assert sorted(parted.tasks.task_id) == sorted(local.tasks.task_id)
    con = pipeline.load(partitioned_output)
    by_province = dict(con.sql("select province, count(*) from target_view group by province").fetchall())
    assert by_province == dict(pipeline.load(seed_output).sql("select province, count(*) from target_view group by province").fetchall())


def test_tables_are_written_with_zstd_and_read_back_by_duckdb(seed_output, partitioned_output):
    # snappy barely shrinks Chinese text: zstd, which every reader of the tables knows, makes them a third
    files = [seed_output / f"{name}.parquet" for name in TABLES] + sorted(partitioned_output.rglob("*.parquet"))
    for path in files:
        meta = pq.read_metadata(path)
        codecs = {meta.row_group(g).column(c).compression for g in range(meta.num_row_groups) for c in range(meta.num_columns)}
        assert codecs <= {"ZSTD"} and (codecs or not meta.num_row_groups), (path, codecs)
    con = pipeline.load(seed_output)
    assert con.sql("select count(*) from tasks").fetchall()[0][0] == pq.read_metadata(seed_output / "tasks.parquet").num_rows > 0


def test_a_partitioned_table_without_rows_is_empty_not_missing(partitioned_output, tmp_path):
    copy = tmp_path / "out"
    shutil.copytree(partitioned_output, copy)
    shutil.rmtree(copy / "targets")  # a Dask run whose notices set no targets writes no folder for them
    con = pipeline.load(copy)
    assert con.sql("select count(*) from targets").fetchall() == [(0,)]
    assert con.sql("select count(*) from target_view").fetchall() == [(0,)]
    assert "value" in pipeline.read(copy).targets.columns


# --- a missing rules file ------------------------------------------------------------------------------

@pytest.fixture
def rules_without_dates(tmp_path, monkeypatch):
    folder = tmp_path / "rules"
    shutil.copytree(rules.RULES_DIR, folder)
    (folder / "dates.toml").unlink()
    monkeypatch.setenv("POLICY_PIPELINE_RULES", str(folder))
    monkeypatch.setattr(rules, "RULES_DIR", folder)
    rules.load.cache_clear()
    yield folder
    rules.load.cache_clear()


def test_a_missing_rules_file_stops_run_with_one_sentence(rules_without_dates, seeds_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(seeds_dir), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "dates.toml" in err and str(rules_without_dates) in err
    assert not (out / "documents.parquet").exists()


def test_a_missing_rules_file_is_named_when_loaded(rules_without_dates):
    with pytest.raises(rules.RulesMissing, match=r"dates\.toml is missing from .*POLICY_PIPELINE_RULES"):
        rules.load("dates")


# --- exit codes ----------------------------------------------------------------------------------------

@pytest.fixture
def inputs(tmp_path, seeds_dir):
    def make(*names: str) -> Path:
        folder = tmp_path / "in"
        folder.mkdir()
        for name in names:
            data = (seeds_dir / "002_b8417ae412979ff8.txt").read_bytes() if name == "good.txt" else b""
            (folder / name).write_bytes(data)
        return folder
    return make


@pytest.mark.parametrize("names,strict,code", [
    (("good.txt",), False, 0),
    (("good.txt", "empty.txt"), False, 0),  # a batch with some bad input still succeeds…
    (("good.txt", "empty.txt"), True, 1),  # …unless --strict
    (("empty.txt", "blank.txt"), False, 1),  # no input could be processed
    ((), False, 1),  # nothing to process at all
])
def test_run_exit_code(inputs, tmp_path, capsys, names, strict, code):
    folder = inputs(*names)
    argv = ["run", str(folder), "--out", str(tmp_path / "out"), "--workers", "1", *(["--strict"] if strict else [])]
    assert main(argv) == code
    err = capsys.readouterr().err
    for name in names:  # the summary names every failed input
        assert (str(folder / name) in err) == (name != "good.txt")
    assert ("no input could be processed" in err) == ("good.txt" not in names)


def test_a_rerun_that_keeps_every_input_succeeds(inputs, tmp_path):
    folder = inputs("good.txt")
    argv = ["run", str(folder), "--out", str(tmp_path / "out"), "--workers", "1"]
    assert main(argv) == 0 and main(argv) == 0  # the second run processes nothing: all kept


# --- the CJK font --------------------------------------------------------------------------------------

def test_charts_label_chinese_with_the_packaged_font():
    from pipeline.analysis.chart import bar_chart, cjk_font
    assert cjk_font() == "Noto Sans SC"
    rows = pd.DataFrame({"region": ["某县", "某市"], "year": [2024, 2025], "subject": ["燃气管道更新", "渔船整治"],
                         "value": [5.5, 12.0], "unit": ["公里", "艘"], "comparator": [">=", "="]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for each box it draws
        bar_chart(rows, "「更新」: targets by region").savefig(Path("/dev/null"), format="png")


# --- review pages inline -------------------------------------------------------------------------------

def test_an_extracted_notice_shows_as_its_review_page():
    tables = pipeline.extract(NOTICES["bracket"])
    page = tables.page().html
    assert "县消防救援大队" in page and "98%" in page
    inline = tables._repr_html_()  # what Jupyter displays for the cell
    assert inline.startswith("<iframe sandbox srcdoc=") and "<script" not in inline and "&lt;!doctype html&gt;" in inline


def test_show_renders_a_notice_of_a_run_and_a_run_shows_its_counts(seed_output, tmp_path):
    page = pipeline.show(seed_output, "001_ceaadc868233f089.txt")
    assert "温岭市安全生产委员会" in page.html
    assert page.save(tmp_path / "p.html").read_text(encoding="utf-8") == page.html
    run_tables = pipeline.read(seed_output)
    assert "<table" in run_tables._repr_html_()
    with pytest.raises(ValueError, match="pipeline.show"):
        run_tables.page()


def test_extract_names_a_missing_rules_file(rules_without_dates):
    with pytest.raises(rules.RulesMissing, match=r"dates\.toml"):
        pipeline.extract(NOTICES["bracket"])


# --- policy-pipeline extract ---------------------------------------------------------------------------

def test_extract_command_prints_the_tables_as_json(tmp_path, capsys, monkeypatch):
    import io
    import json
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICES["labelled"], encoding="utf-8")
    assert main(["extract", str(notice)]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert set(from_file) == set(TABLES) - {"errors"}
    assert [(r["body"], r["role"]) for r in from_file["responsibilities"]][:2] == [("市水利局", "lead"), ("市财政局", "support")]
    assert from_file["dates"][0]["end"] == "2026-05-31"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(NOTICES["labelled"].encode("utf-8"))))
    assert main(["extract", "-"]) == 0
    from_stdin = json.loads(capsys.readouterr().out)
    assert from_stdin["documents"][0]["source"] == "-"
    assert from_stdin["responsibilities"] == from_file["responsibilities"]


@pytest.mark.parametrize("name,code,words", [
    ("missing.txt", 2, "does not exist"),  # a usage error
    ("empty.txt", 1, "could not be processed"),  # the notice's own fault, as its error row would say
])
def test_extract_command_fails_in_one_sentence(tmp_path, capsys, name, code, words):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["extract", str(tmp_path / name)]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err


def test_a_partitioned_run_in_which_every_input_failed_opens_empty(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    writer = PartitionedWriter(out, "test")
    writer.add(tabulate(process_bytes(b"", "empty.txt")))
    writer.commit()
    assert not (out / "documents").exists()  # no folder for a table without rows…
    tables = pipeline.read(out, views=True)  # …and yet every table opens, with its columns
    assert len(tables.errors) == 1 and len(tables.documents) == 0 and "title" in tables.documents.columns
    assert len(tables.task_view) == 0
