"""Table-driven cases for pipeline.stages.values.dates.extract (SPEC.md, "Dates").

Each row of cases/dates.tsv is one fragment holding exactly one date expression
(or none, raw `-`), with the notice's year (empty: unknown). For `issued` rows
the expected raw's span is passed as the notice's own date, which is what
pipeline.stages.structure.document finds in a whole notice. Expectations come from SPEC.md, not
from the code; rows the code gets wrong are listed in KNOWN_GAPS and run as
strict xfails.
"""
from __future__ import annotations

import pytest
from case_tables import params, read_rows

from pipeline.stages.reading import normalize
from pipeline.stages.values import dates

# Row notes (test ids) of cases the extractor currently gets wrong.
KNOWN_GAPS: set[str] = set()

ROWS = read_rows("dates", ["text", "doc_year", "raw", "kind", "start", "end", "note"])


def test_case_ids_unique_and_gaps_known():
    notes = [row["note"] for row in ROWS]
    assert len(notes) == len(set(notes))
    assert KNOWN_GAPS <= set(notes), KNOWN_GAPS - set(notes)


@pytest.mark.parametrize("row", list(params(ROWS, KNOWN_GAPS)))
def test_date(row):
    text = normalize.normalize(row["text"])
    doc_year = int(row["doc_year"]) if row["doc_year"] else None
    issued = ()
    if row["kind"] == "issued":
        at = text.index(row["raw"])
        issued = [(at, at + len(row["raw"]))]
    found = dates.extract(text, normalize.fold(text), doc_year, issued=issued)
    if row["raw"] == "-":
        assert [d.raw for d in found] == []
        return
    assert len(found) == 1, [(d.raw, d.kind, d.start, d.end) for d in found]
    d = found[0]
    assert (d.kind, d.start, d.end) == (row["kind"], row["start"] or None, row["end"] or None), d.raw
    assert d.raw == row["raw"]


def test_date_wrapped_across_lines():
    """A page layout that breaks a line inside a date ("6月⏎1日至6月10日") still gives one period."""
    text = normalize.normalize("开展集中整治(时间为6月\n1日至6月10日)。\n12月\n1.加强巡查")
    found = dates.extract(text, normalize.fold(text), 2023)
    assert [(d.kind, d.start, d.end) for d in found] == [("period", "2023-06-01", "2023-06-10"), ("point", "2023-12-01", "2023-12-31")]


@pytest.mark.parametrize("text, expected", [
    ("自即日起至12月底开展燃气隐患排查", ("period", "2024-03-01", "2024-12-31")),
    ("本通知印发之日起至6月30日为集中整治期", ("period", "2024-03-01", "2024-06-30")),
    ("即日起至2025年3月,开展专项行动", ("period", "2024-03-01", "2025-03-31")),
    ("自即日起至年底,在全县开展燃气安全排查", ("period", "2024-03-01", "2024-12-31")),
    ("即日起—10月31日为集中整治期", ("period", "2024-03-01", "2024-10-31")),
    ("自本通知发布之日起至9月30日", ("period", "2024-03-01", "2024-09-30")),
], ids=["jiri-to-month-end", "yinfa-zhi-ri-to-day", "jiri-to-next-year", "jiri-to-niandi", "jiri-dash-day",
        "fabu-zhi-ri-to-day"])
def test_a_period_from_now_starts_on_the_issue_date(text, expected):
    """即日起至… runs from the notice's issue date, whether or not its end names a year."""
    text = normalize.normalize(text)
    found = dates.extract(text, normalize.fold(text), 2024, issue_date="2024-03-01")
    assert [(d.kind, d.start, d.end) for d in found] == [expected]


TASK_TABLE = "| 序号 | 工作任务 | 牵头单位 | 完成时限 |\n| 1 | 建成燃气监管平台 | 县住建局 | {} |\n"


@pytest.mark.parametrize("table, expected", [
    (TASK_TABLE.format("2025年10月"), [("deadline", None, "2025-10-31")]),
    (TASK_TABLE.format("2025年"), [("deadline", None, "2025-12-31")]),
    (TASK_TABLE.format("6月"), [("deadline", None, "2025-06-30")]),
    (TASK_TABLE.format("2025年10月底前"), [("deadline", None, "2025-10-31")]),
    (TASK_TABLE.format("2025年3月-6月"), [("period", "2025-03-01", "2025-06-30")]),
    (TASK_TABLE.format("长期坚持"), []),
    ("序号|重点任务|责任单位|时间节点\n1|排查瓶装液化气用户|各乡镇|2025年6月\n2|开展宣传培训|县应急局|2025年12月\n",
     [("deadline", None, "2025-06-30"), ("deadline", None, "2025-12-31")]),
    ("| 序号 | 项目名称 | 开工时间 | 责任单位 |\n| 1 | 污水管网改造 | 2025年4月 | 县住建局 |\n",
     [("point", "2025-04-01", "2025-04-30")]),
], ids=["year-month", "year", "month", "already-deadline", "period-stays", "no-date",
        "no-outer-pipes-two-rows", "other-column-stays-point"])
def test_a_date_in_a_time_limit_column_is_a_deadline(table, expected):
    """A task table's 完成时限 (时间节点, 完成时间) column gives the day a task is due by: a month or a
    year filling its cell there is a deadline at its end, as 2025年10月底 would be."""
    text = normalize.normalize(table)
    found = dates.extract(text, normalize.fold(text), 2025)
    assert [(d.kind, d.start, d.end) for d in found] == expected


@pytest.mark.parametrize("text, expected", [
    ("2026年3月启动建设,6月底前完成主体工程,10月建成投用。",
     [("point", "2026-03-01", "2026-03-31"), ("deadline", None, "2026-06-30"), ("deadline", None, "2026-10-31")]),
    ("2026年3月启动建设。6月底前完成主体工程。",
     [("point", "2026-03-01", "2026-03-31"), ("deadline", None, "2025-06-30")]),
    ("2024年,全县排查整治隐患1200处,6月开展了专项督查。",
     [("point", "2024-01-01", "2024-12-31"), ("point", "2024-06-01", "2024-06-30")]),
    ("2025年11月至2026年3月开展冬春整治,4月组织验收。",
     [("period", "2025-11-01", "2026-03-31"), ("point", "2026-04-01", "2026-04-30")]),
    ("全县事故起数较2024年下降12%,6月底前完成整改。",
     [("point", "2024-01-01", "2024-12-31"), ("deadline", None, "2025-06-30")]),
], ids=["later-months-of-a-named-year", "new-sentence-notice-year", "month-after-bare-year", "month-after-range",
        "bare-year-inside-a-sentence-is-a-reference"])
def test_a_month_takes_the_year_named_before_it_in_its_sentence(text, expected):
    """A month with no year, after a date that names one in the same sentence, is in that year; in the next
    sentence the notice's year holds again. A year named alone does so only opening its sentence: inside
    one it is a reference (较2024年下降12%)."""
    text = normalize.normalize(text)
    found = dates.extract(text, normalize.fold(text), 2025)
    assert [(d.kind, d.start, d.end) for d in found] == expected


@pytest.mark.parametrize("text, expected", [
    ("每年汛期前,特别是7、8月份,加强巡查", [("point", "2025-07-01", "2025-07-31"), ("point", "2025-08-01", "2025-08-31")]),
    ("全年于3、6、9月各组织一次联合检查", [("point", "2025-03-01", "2025-03-31"), ("point", "2025-06-01", "2025-06-30"),
                                  ("point", "2025-09-01", "2025-09-30")]),
    ("2025、2026年分别完成改造20公里", [("point", "2025-01-01", "2025-12-31"), ("point", "2026-01-01", "2026-12-31")]),
    ("1、3月底前完成摸底排查", [("deadline", None, "2025-03-31")]),
], ids=["two-months", "three-months", "two-years", "outline-number-is-no-month"])
def test_numerals_sharing_one_month_or_year_word_are_each_a_date(text, expected):
    """7、8月份 and 2025、2026年 name each month or year; an outline number opening a line (1、) is none."""
    text = normalize.normalize(text)
    found = dates.extract(text, normalize.fold(text), 2025)
    assert [(d.kind, d.start, d.end) for d in found] == expected


@pytest.mark.parametrize("text, expected", [
    ("请于6月10日、20日前分两批报送", [("deadline", None, "2025-06-10"), ("deadline", None, "2025-06-20")]),
    ("分别于11月3日、5日、7日召开座谈会", [("point", "2025-11-03", "2025-11-03"), ("point", "2025-11-05", "2025-11-05"),
                                       ("point", "2025-11-07", "2025-11-07")]),
    ("各乡镇每月10日、25日前报送进展", []),
], ids=["two-days-one-qian", "three-days", "recurring-days"])
def test_days_listed_after_a_date_share_its_month(text, expected):
    """In 6月10日、20日前 the second day is June's too, and shares the list's 前."""
    text = normalize.normalize(text)
    found = dates.extract(text, normalize.fold(text), 2025)
    assert [(d.kind, d.start, d.end) for d in found] == expected
