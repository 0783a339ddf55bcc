"""pipeline.load (pipeline/analysis/views.py, views.sql): views over an output folder, subject categories and units."""
from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.schema import TABLES


@pytest.fixture(scope="module")
def con(seed_output):
    return pipeline.load(seed_output)


def table(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


def records(con, sql: str, params=None) -> list[dict]:
    rel = con.sql(sql, params=params)
    return [dict(zip(rel.columns, row)) for row in rel.fetchall()]


def one(con, sql: str, params=None) -> dict:
    found = records(con, sql, params)
    assert len(found) == 1, f"expected one row, got {len(found)}: {found}"
    return found[0]


@pytest.mark.parametrize("name", list(TABLES))
def test_every_table_is_a_view_with_its_rows(con, seed_output, name):
    assert con.sql(f"select count(*) from {name}").fetchall()[0][0] == len(table(seed_output, name))


def test_task_view_has_one_row_per_task(con, seed_output):
    ids = [r["task_id"] for r in records(con, "select task_id from task_view")]
    assert sorted(ids) == sorted(t["task_id"] for t in table(seed_output, "tasks"))


def test_task_view_bodies_are_the_responsibilities_rows(con, seed_output):
    expected = Counter((r["task_id"], r["role"], r["body"]) for r in table(seed_output, "responsibilities"))
    got = Counter()
    for row in records(con, "select * from task_view"):
        for role in ("lead", "support", "responsible", "supervise", "actor"):
            got.update((row["task_id"], role, body) for body in row[f"{role}_bodies"])
    assert got == expected


def test_a_wenling_task_lists_its_lead_and_support_bodies(con, seed_output):
    task = one(con, "select * from task_view where heading like '深入学习贯彻党的二十大精神%'")
    resp = [r for r in table(seed_output, "responsibilities") if r["task_id"] == task["task_id"]]
    assert task["lead_bodies"] == [r["body"] for r in sorted(resp, key=lambda r: r["char_start"]) if r["role"] == "lead"]
    assert "市委组织部" in task["lead_bodies"]
    assert task["support_bodies"] == ["市安委会各成员单位"]


def test_task_view_lists_a_tasks_targets_and_deadlines(con):
    task = one(con, "select * from task_view where list_contains(list_transform(targets, lambda t: t.raw), '5.4公里')")
    assert [t["unit"] for t in task["targets"] if t["raw"] == "5.4公里"] == ["公里"]
    with_deadline = records(con, "select deadlines, dates from task_view where len(deadlines) > 0")
    assert with_deadline and all(isinstance(d, date) for row in with_deadline for d in row["deadlines"])


def test_target_view_has_a_row_per_target_with_its_notice(con, seed_output):
    assert con.sql("select count(*) from target_view").fetchall()[0][0] == len(table(seed_output, "targets"))
    row = one(con, "select * from target_view where raw = '不低于99.9%'")
    assert (row["province"], row["city"], row["county"], row["region"], row["year"]) == \
        ("湖南省", "益阳市", "大通湖区", "大通湖区", 2020)
    assert row["title"] == "关于印发《2020年全区安全生产工作要点》的通知"


@pytest.mark.parametrize("raw, category", [
    ("5.4公里", "燃气管道更新"),
    ("95艘", "渔船整治"),
    ("不少于100家", "标准化达标企业"),
    ("不低于99.9%", "动态监管联网率"),
    ("每月至少带队检查1次", "检查督导"),        # no subject: the raw text's verb decides
    ("一月一评比", "执法与通报"),
])
def test_known_seed_targets_get_their_category(con, raw, category):
    assert one(con, "select subject_category from target_view where raw = ?", [raw])["subject_category"] == category


def test_frequencies_become_counts_a_year(con):
    row = one(con, "select value_norm, unit_norm from target_view where raw = '每季度召开一次'")
    assert (row["value_norm"], row["unit_norm"]) == (4.0, "次/年")


def test_a_targets_due_date_falls_back_to_its_tasks_deadline(con):
    row = one(con, "select deadline, due, task_dates from target_view where raw = '3家' and subject like '重大危险源%'")
    assert row["deadline"] is None and row["due"] == date(2023, 12, 31) and row["task_dates"] == ["年底前"]


def test_compare_targets_gives_a_subjects_rows_region_by_region(con):
    rows = records(con, "select * from compare_targets('渔船')")
    assert len(rows) == 7
    assert {(r["province"], r["region"], r["year"], r["category"], r["unit"]) for r in rows} == \
        {("浙江省", "温岭市", 2023, "渔船整治", "艘")}


def test_compare_targets_rows_lead_back_to_their_notice(con):
    """doc_id, raw and the figure's offsets: a surprising value can be looked up in its notice's text."""
    rows = records(con, "select c.*, d.text from compare_targets('渔船') c join documents d using (doc_id)")
    assert rows and all(r["text"][r["char_start"]:r["char_end"]] == r["raw"] for r in rows)
    assert any(r["raw"].endswith("艘") and r["value"] == float(r["raw"].rstrip("艘以上下内")) for r in rows)


FLOOR_AND_STRETCH = [  # 增长5%、力争6%, as the pipeline writes it: two rows, marked as a pair
    {"raw": "增长5%", "value": 5.0, "unit": "%", "stretch": 6.0, "subject": "地区生产总值",
     "subject_category": "地区生产总值增速", "char_start": 10, "char_end": 14},
    {"raw": "6%", "value": 6.0, "unit": "%", "stretch_of": 10, "subject": "地区生产总值",
     "subject_category": "地区生产总值增速", "char_start": 17, "char_end": 19},
]


def test_target_view_shows_a_floor_with_its_stretch_as_one_row(tmp_path):
    con = pipeline.load(write_targets(tmp_path / "out", FLOOR_AND_STRETCH))
    assert records(con, "select value, value_max, stretch, stretch_norm, raw from target_view") == \
        [{"value": 5.0, "value_max": None, "stretch": 6.0, "stretch_norm": 6.0, "raw": "增长5%"}]
    assert one(con, "select count(*) as n from targets") == {"n": 2}  # the table keeps both figures


def test_a_stretch_is_normalised_as_its_floor(tmp_path):
    con = pipeline.load(write_targets(tmp_path / "out", [{"raw": "50万吨以上", "value": 50.0, "unit": "万吨", "stretch": 52.0}]))
    assert one(con, "select value_norm, stretch_norm, unit_norm from target_view") == \
        {"value_norm": 500_000.0, "stretch_norm": 520_000.0, "unit_norm": "吨"}


def test_compare_targets_keeps_a_floor_and_its_stretch(tmp_path):
    con = pipeline.load(write_targets(tmp_path / "out", FLOOR_AND_STRETCH))
    assert records(con, "select value, value_max, stretch, raw, doc_id, char_start, char_end from compare_targets('地区生产总值')") == \
        [{"value": 5.0, "value_max": None, "stretch": 6.0, "raw": "增长5%", "doc_id": "d1", "char_start": 10, "char_end": 14}]


def test_compare_targets_leaves_out_scopes(con):
    # the seeds' one 人员密集 quantity is a scope: 容纳30人以上的人员密集场所
    assert records(con, "select kind from target_view where subject_category = '消防与人员密集场所'") == [{"kind": "scope"}]
    assert records(con, "select * from compare_targets('人员密集')") == []


def test_every_subject_pattern_is_a_valid_regex(con):
    con.sql("select count(*) from subject_patterns where regexp_matches('', pattern)").fetchall()
    assert 20 <= con.sql("select count(distinct category) from subject_patterns").fetchall()[0][0] <= 40


# --- units, on a folder written here: the pipeline itself writes 元 with 万/亿 multiplied in ---------

def write_targets(out: Path, targets: list[dict]) -> Path:
    """An output folder with one notice and the given targets; the other tables empty."""
    out.mkdir()
    doc = {"doc_id": "d1", "province": "浙江省", "city": "台州市", "county": "温岭市", "issue_date": date(2023, 4, 28)}
    rows = {"documents": [doc], "targets": [{"doc_id": "d1", "kind": "target", **t} for t in targets]}
    for name, schema in TABLES.items():
        pq.write_table(pa.Table.from_pylist(rows.get(name, []), schema=schema), out / f"{name}.parquet")
    return out


@pytest.mark.parametrize("value, unit, value_norm, unit_norm", [
    (3.5, "亿元", 350_000_000.0, "元"),
    (120.0, "万元", 1_200_000.0, "元"),
    (24_660_000_000.0, "元", 24_660_000_000.0, "元"),   # "246.6亿元" as the pipeline writes it
    (5.0, "千米", 5.0, "公里"),
    (800.0, "米", 0.8, "公里"),
    (10.0, "公顷", 150.0, "亩"),
    (5.0, "个工作日", 5.0, "工作日"),
    (1700.0, "名", 1700.0, "人"),
    (8.0, "艘", 8.0, "艘"),                            # not listed: as written
])
def test_units_are_normalised(tmp_path, value, unit, value_norm, unit_norm):
    con = pipeline.load(write_targets(tmp_path / "out", [{"raw": f"{value}{unit}", "value": value, "unit": unit}]))
    row = one(con, "select value_norm, unit_norm, region, year from target_view")
    assert row == {"value_norm": pytest.approx(value_norm), "unit_norm": unit_norm, "region": "温岭市", "year": 2023}


def test_a_range_is_normalised_at_both_ends(tmp_path):
    con = pipeline.load(write_targets(tmp_path / "out", [{"raw": "1万至2万元", "value": 1.0, "value_max": 2.0, "unit": "万元"}]))
    assert one(con, "select value_norm, value_max_norm from target_view") == {"value_norm": 10_000.0, "value_max_norm": 20_000.0}


def test_load_names_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        pipeline.load(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no documents.parquet"):
        pipeline.load(tmp_path / "empty")


# --- grouping across scripts: a notice in traditional characters groups with the others ------------

NOTICE = """关于印发2024年全县燃气安全工作要点的通知
各乡镇人民政府,县直各单位:
现将《2024年全县燃气安全工作要点》印发给你们,请认真贯彻落实。
一、工作目标
全县地区生产总值增长6%左右。
二、重点任务
(一)燃气管道改造。县住房和城乡建设局牵头,县应急管理局配合,年内完成燃气老旧管道改造15公里。
某县人民政府
2024年2月1日
"""
# The same notice as a Hong Kong or Taiwan site would print it (characters only; the wording is the same).
TRADITIONAL = str.maketrans(dict(zip("关于县燃气区镇务单现认贯彻总长设头应急旧们请给门产经济级", "關於縣燃氣區鎮務單現認貫徹總長設頭應急舊們請給門產經濟級")))


def test_a_notice_in_traditional_characters_groups_with_the_others(tmp_path):
    notices = tmp_path / "notices"
    notices.mkdir()
    (notices / "simplified.txt").write_text(NOTICE, encoding="utf-8")
    (notices / "traditional.txt").write_text(NOTICE.translate(TRADITIONAL), encoding="utf-8")
    from pipeline.cli import main
    assert main(["run", str(notices), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    con = pipeline.load(tmp_path / "out")
    source = "regexp_extract(d.source, '([a-z]+)\\.txt$', 1)"
    targets = records(con, f"select {source} as notice, t.raw, t.subject, t.subject_category "
                           "from targets t join documents d using (doc_id) order by t.char_start")
    simplified = [(t["subject"], t["subject_category"]) for t in targets if t["notice"] == "simplified"]
    assert ("地区生产总值", "地区生产总值增速") in simplified
    assert [(t["subject"], t["subject_category"]) for t in targets if t["notice"] == "traditional"] == simplified
    assert "增長6%左右" in [t["raw"] for t in targets if t["notice"] == "traditional"]  # raw as written
    bodies = records(con, f"select {source} as notice, r.body, r.body_canonical "
                          "from responsibilities r join documents d using (doc_id) order by r.char_start")
    canon = {n: sorted(b["body_canonical"] for b in bodies if b["notice"] == n) for n in ("simplified", "traditional")}
    assert "县应急管理局" in canon["simplified"] and canon["traditional"] == canon["simplified"]
    assert any("縣" in b["body"] for b in bodies if b["notice"] == "traditional")  # body as written
