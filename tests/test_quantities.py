"""Table-driven cases for pipeline.stages.values.quantities.extract (SPEC.md, "Quantities").

Each row of cases/quantities.tsv is one fragment holding exactly one quantity
(or none, raw `-`); `\n` in a fragment is a line break (a heading above a line), and
an empty `kind` is not checked. Expectations come from SPEC.md, not from the code; rows the
code gets wrong are listed in KNOWN_GAPS and run as strict xfails, so a fix
shows up as an XPASS that fails the suite until the id is removed here.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from case_tables import params, read_rows

import pipeline
from pipeline.stages.reading import normalize
from pipeline.stages.structure import sections
from pipeline.stages.values import quantities
from pipeline.cli import main

# Row notes (test ids) of cases the extractor currently gets wrong.
KNOWN_GAPS: set[str] = set()

ROWS = read_rows("quantities", ["text", "raw", "value", "value_max", "unit", "comparator", "period", "kind", "note"])


def _number(text: str) -> float | None:
    return round(float(text), 6) if text else None


def _extract(text: str, year: int | None = None):
    text = normalize.normalize(text.replace("\\n", "\n"))
    return quantities.extract(text, normalize.fold(text), year=year)


def test_case_ids_unique_and_gaps_known():
    notes = [row["note"] for row in ROWS]
    assert len(notes) == len(set(notes))
    assert KNOWN_GAPS <= set(notes), KNOWN_GAPS - set(notes)


@pytest.mark.parametrize("row", list(params(ROWS, KNOWN_GAPS)))
def test_quantity(row):
    found = _extract(row["text"])
    if row["raw"] == "-":
        assert [q.raw for q in found] == []
        return
    assert len(found) == 1, [(q.raw, q.value, q.unit) for q in found]
    q = found[0]
    actual = {"value": _number(str(q.value)), "value_max": _number(str(q.value_max)) if q.value_max is not None else None,
              "unit": q.unit or None, "comparator": q.comparator, "period": q.period or None}
    expected = {"value": _number(row["value"]), "value_max": _number(row["value_max"]),
                "unit": row["unit"] or None, "comparator": row["comparator"], "period": row["period"] or None}
    assert actual == expected, q.raw
    if row["kind"]:
        assert q.kind == row["kind"], q.raw


@pytest.mark.parametrize("text", [
    "序号 | 项目名称 | 年度投资(万元) | 责任单位 |\n1 | 道路提升工程 | 300 | 交通局 |\n2 | 供水管网改造 | 1250.5 | 水利局 |",
    "|\n序号|\n项目名称|\n年度投资(万元)|\n责任单位|\n|\n1 |\n道路提升工程|\n300 |\n交通局|\n|\n2 |\n供水管网改造|\n1250.5 |\n水利局|",
], ids=["cells-in-a-line", "cell-per-line"])
def test_table_column_unit(text):
    """Bare numbers under a header cell that states the unit are amounts in that unit; the row numbers are not."""
    found = _extract(text)
    assert [(q.raw, q.value, q.unit) for q in found] == [("300", 3000000.0, "元"), ("1250.5", 12505000.0, "元")]


@pytest.mark.parametrize("text, expected", [
    ("地区生产总值突破800亿元、增长6%以上", [("突破800亿元", "地区生产总值"), ("增长6%以上", "地区生产总值")]),
    ("实现地区生产总值800亿元,比上年增长4.2%", [("800亿元", "地区生产总值"), ("增长4.2%", "地区生产总值")]),
    ("工业增加值、社会消费品零售总额、进出口总额分别增长6%、7%和9%",
     [("增长6%", "工业增加值"), ("7%", "社会消费品零售总额"), ("9%", "进出口总额")]),
    ("全县生产总值跨越500亿台阶,增长6.5%", [("增长6.5%", "生产总值")]),
    ("(一)2023年全市新建学校5所", [("5所", "学校")]),
    ("地区生产总值增速高于全省1个百分点", [("1个百分点", "地区生产总值增速")]),
    ("对大中型餐饮单位每年至少检查2次,对小餐饮每年至少检查1次",
     [("每年至少检查2次", "大中型餐饮单位"), ("每年至少检查1次", "小餐饮")]),
    ("网格员每周开展一次入户走访", [("每周开展一次", "入户走访")]),
    ("单位GDP能耗较2020年下降13.5%", [("下降13.5%", "单位GDP能耗")]),
    ("粮食产量比2020年末增加5万吨", [("增加5万吨", "粮食产量")]),
    ("固定资产投资额是上年的1.5倍", [("1.5倍", "固定资产投资额")]),
    ("城镇调查失业率控制在5.5%以内", [("控制在5.5%以内", "城镇调查失业率")]),
    ("粮食总产量稳定在50万吨以上", [("50万吨以上", "粮食总产量")]),
    ("森林覆盖率保持在60%以上", [("60%以上", "森林覆盖率")]),
    ("年内改造城镇老旧小区12个", [("12个", "城镇老旧小区")]),
    ("年底前建成乡镇污水处理站6座", [("6座", "乡镇污水处理站")]),
    ("上半年完成危房鉴定300户", [("300户", "危房鉴定")]),
    ("今年内培育专精特新企业15家", [("15家", "专精特新企业")]),
    ("年内实现30个以上事项掌上办理", [("30个以上", "事项掌上办理")]),
    ("1 | 提升公交服务 | 新建城乡公交站亭8个 | 县交通局 |", [("8个", "城乡公交站亭")]),
    ("2 | 推进农房整治 | 改造危旧房120户 | 年底前 |", [("120户", "危旧房")]),
    ("全镇完成财政收入2.1亿元", [("2.1亿元", "财政收入")]),
    ("全州普通高考本科录取人数达到3200人", [("达到3200人", "普通高考本科录取人数")]),
    ("全乡农村居民人均可支配收入增长7%", [("增长7%", "农村居民人均可支配收入")]),
    ("做好政策解读工作,解读率达到100%", [("达到100%", "解读率")]),
    ("加强业务培训,培训覆盖率达到95%以上", [("达到95%以上", "培训覆盖率")]),
    ("全面排查燃气隐患,整治完成率100%", [("100%", "整治完成率")]),
    ("新建污水处理设施12座", [("12座", "污水处理设施")]),
    ("确保普惠率85%以上", [("85%以上", "普惠率")]),
    ("5月15日前完成小型水库除险加固23座", [("23座", "小型水库除险加固")]),
    ("9月底前建成村级服务站12个", [("12个", "村级服务站")]),
    ("2026年6月30日前改造危旧房80户", [("80户", "危旧房")]),
    ("力争覆盖率达95%", [("达95%", "覆盖率")]),
    ("举办各类展会100余场、增长52%", [("100余场", "各类展会"), ("增长52%", "各类展会")]),
    ("打造10个“5G+智慧工厂”", [("10个", None)]),
    ("开展政府开放日活动,每年不少于2次", [("每年不少于2次", "政府开放日活动")]),
    ("组织防汛应急演练,每半年至少1次", [("每半年至少1次", "防汛应急演练")]),
    ("召开联席会议,每季度1次", [("每季度1次", "联席会议")]),
    ("加强宣传,每月开展一次“安全生产大讲堂”活动", [("每月开展一次", "“安全生产大讲堂”活动")]),
    ("开展安全培训,每年2次,培训合格率达到98%", [("每年2次", "安全培训"), ("达到98%", "培训合格率")]),
    ("培训合格率达到98%,每年2次", [("达到98%", "培训合格率"), ("每年2次", None)]),
], ids=["second-of-a-pair", "verb-only-clause-after-a-figure", "respectively", "verb-only-clause-after-words",
        "no-outline-marker-or-year", "cut-at-a-comparison", "frequency-of-what-it-is-done-to",
        "frequency-of-what-is-done", "cut-at-a-base-year", "cut-at-a-base-year-end",
        "cut-at-a-multiple-of", "no-verb-kongzhi-zai", "no-verb-wending-zai",
        "no-verb-baochi-zai", "no-time-nian-nei", "no-time-nian-di-qian",
        "no-time-half-year", "no-time-jin-nian-nei", "no-time-then-after", "cell-bounds-before", "cell-bounds-after",
        "no-whole-town", "no-whole-prefecture", "no-whole-township",
        "rate-keeps-its-verb-jiedu", "rate-keeps-its-verb-peixun", "rate-keeps-its-verb-zhengzhi",
        "verb-still-stripped-before-a-thing",
        "no-day-deadline", "no-month-end-deadline", "no-full-date-deadline", "modal-stripped-before-a-rate-queshu", "modal-stripped-before-a-rate-lizheng", "growth-of-a-count-of-times",
        "no-half-quoted-name", "times-count-what-the-clause-before-does",
        "times-count-half-year", "times-count-a-meeting", "times-done-after-in-quotes", "times-count-before-a-rate",
        "times-count-takes-no-rate"])
def test_subject_is_the_noun_phrase_measured(text, expected):
    assert [(q.raw, q.subject) for q in _extract(text)] == expected


# A floor and its stretch: each figure a row as its own words say, the floor's `stretch` the
# stretch's value and the stretch's `stretch_of` the floor's char_start (F marks it).
F = "floor"


@pytest.mark.parametrize("text, expected", [
    ("确保规上工业增加值增长5%、力争6%", [("增长5%", 5, "%", "=", 6, None), ("6%", 6, "%", "=", None, F)]),
    ("一般公共预算收入增长4%左右,力争达到5%", [("增长4%左右", 4, "%", "~", 5, None), ("达到5%", 5, "%", "=", None, F)]),
    ("全年接待游客人次增长10%以上、争取12%以上", [("增长10%以上", 10, "%", ">=", 12, None), ("12%以上", 12, "%", ">=", None, F)]),
    ("外贸进出口总额力争增长9%、确保7%", [("增长9%", 9, "%", "=", None, F), ("7%", 7, "%", "=", 9, None)]),
    ("城镇新增就业1.2万人以上,力争1.5万人", [("1.2万人以上", 12000, "人", ">=", 15000, None), ("1.5万人", 15000, "人", "=", None, F)]),
    ("粮食产量稳定在50万吨以上、并争取52万吨", [("50万吨以上", 500000, "吨", ">=", 520000, None), ("52万吨", 520000, "吨", "=", None, F)]),
    ("全县生产总值增速“保7争8”", [("7", 7, "%", "=", 8, None), ("8", 8, "%", "=", None, F)]),
    ("全区GDP增长保6.5争7", [("6.5", 6.5, "%", "=", 7, None), ("7", 7, "%", "=", None, F)]),
    ("地区生产总值增长5.5%左右、力争6%以上、确保7%",
     [("增长5.5%左右", 5.5, "%", "~", 6, None), ("6%以上", 6, "%", ">=", None, F), ("7%", 7, "%", "=", None, None)]),
], ids=["quebao-lizheng", "approx-then-reach", "both-yishang", "stretch-first", "counts", "tonnes-bing-zhengqu",
        "bao-zheng-quoted", "bao-zheng-decimal", "one-pair-no-chain"])
def test_a_floor_and_its_stretch_are_two_rows_marked_as_a_pair(text, expected):
    found = _extract(text)
    floors = {q.char_start for q in found if q.stretch is not None}
    actual = [(q.raw, q.value, q.unit, q.comparator, q.stretch, F if q.stretch_of in floors else q.stretch_of)
              for q in found]
    assert actual == expected
    assert all(q.value_max is None for q in found)  # value_max is for ranges only (SPEC.md)


@pytest.mark.parametrize("text, expected", [
    ("财政收入增长5%、力争增收2亿元", [("增长5%", None, None), ("2亿元", None, None)]),
    ("预期目标是:生产总值增长6%、力争5%", [("增长6%", None, None), ("5%", None, None)]),
    ("生产总值增长5%、6%以上", [("增长5%", None, None), ("6%以上", None, None)]),
    ("2023年工作回顾\n全市生产总值增长5%,力争6%的目标顺利实现。", [("增长5%", None, None), ("6%", None, None)]),
], ids=["other-unit", "stretch-below-floor", "no-stretch-word", "reported"])
def test_two_figures_are_a_floor_and_stretch_only_when_the_words_and_values_say_so(text, expected):
    assert [(q.raw, q.stretch, q.stretch_of) for q in _extract(text)] == expected


def test_a_list_of_numbers_shares_the_unit_after_its_last_and_the_comparator_before_its_first():
    found = _extract("PM10和PM2.5年均浓度分别不高于60和30微克/立方米")
    assert [(q.value, q.unit, q.comparator) for q in found] == [(60.0, "微克/立方米", "<="), (30.0, "微克/立方米", "<=")]


REPORT_NUMBERED = "一、2023年工作回顾\n全市地区生产总值增长5.2%。\n二、2024年工作安排\n今年主要预期目标是:地区生产总值增长6%左右。"
REPORT_UNNUMBERED = ("2022年工作回顾\n全市地区生产总值增长3.9%。\n努力做好2023年各项工作\n"
                     "今年经济社会发展的主要预期目标是:地区生产总值增长6.5%。")
REPORT_NO_HEADINGS = "2023年,全市地区生产总值增长4.8%。\n2024年是关键之年。今年经济社会发展主要预期目标是:地区生产总值增长7%左右。"
REPORT_FLOOR_STRETCH = ("一、2023年工作回顾\n全县生产总值增长4.1%。\n二、2024年工作安排\n"
                        "今年主要预期目标是:全县生产总值确保增长5%、力争5.5%以上。")
REPORT_ONE_LINE = "各位代表:一、2023年工作回顾全市生产总值增长6.4%。二、2024年工作安排2024年主要预期目标为:生产总值增长5.5%左右。"


# A report's review headed by a line of 过去一年 or 过去的一年 alone, with or without more words.
REPORT_PAST_YEAR_ALONE = "过去的一年\n全县实现生产总值152亿元。\n2025年工作安排\n全年实施重点项目120个。"
REPORT_PAST_YEAR_BARE = "各位代表:\n过去一年\n全区新增市场主体3200户。\n今年重点抓好以下工作\n一、扩大内需\n全年新开工项目45个。"
REPORT_PAST_YEAR_WORDS = "过去的一年工作回顾\n全市城镇新增就业2.1万人。\n2025年工作任务\n城镇新增就业2万人以上。"
# A paragraph dated before the one year the title plans for reports the past (a 工作要点 that opens on
# last year's results, a report titled with its year), and one dated so in a plan over years does not.
TITLE_YEAR_POINTS = "某镇2025年工作要点\n2024年,全镇完成财政收入2.1亿元,招引项目15个。\n一、抓项目\n1.全年招引项目20个以上。"
TITLE_YEAR_REPORT = "某区2025年政府工作报告\n各位代表:\n2024年,全区新建改造农村公路86公里。\n一、扩大有效投资\n全年新建农村公路60公里。"
TITLE_YEARS_SPAN = "某县养老服务三年行动方案(2024—2026年)\n2024年,新建养老机构3家。\n一、重点任务\n建成养老服务中心5个。"
# A sentence leading in the review's items ("一年来,我们主要做了以下工作:"), its 了 telling the past; a lead-in of
# tasks ("重点抓好以下工作") is none.
REPORT_LEAD_PAREN = ("2024年是极不平凡的一年。全市地区生产总值增长5%。\n一年来,我们主要做了以下工作:\n(一)着力稳增长。新签约"
                     "项目120个。\n(二)着力惠民生。新增城镇就业3.2万人。\n二、2025年工作安排\n今年经济社会发展的主要预期目标是:"
                     "地区生产总值增长5.5%左右。\n(一)扩大有效投资。实施重点项目200个。")
REPORT_LEAD_TOP = ("过去一年,我们重点抓了以下几个方面工作。\n一、项目建设提速。完成固定资产投资85亿元。\n二、民生持续改善。新建"
                   "学校4所。\n三、2025年工作安排\n(一)抓项目。全年实施重点项目60个。")
REPORT_LEAD_FLAT = ("各位代表:2024年,我们主要开展了以下工作:(一)稳增长。新增市场主体5200户。(二)惠民生。新建养老服务站12个。"
                    "一、聚焦项目建设。今年新开工项目40个。")
PLAN_LEAD_TASKS = "某镇2025年工作要点\n今年重点抓好以下工作:\n一、抓项目。全年招引项目20个。\n二、抓民生。新建村级养老服务站6个。"
# A report's opening run into one paragraph: its stock "2024年是…的一年" after a full stop still dates what follows,
# and a holiday list ("五一、国庆期间") after a full stop heads no section.
REPORT_YEAR_MIDLINE = ("各位代表:现在,我代表市人民政府向大会报告工作,请予审议。2024年是极不平凡的一年,全年实现一般公共预算收入"
                       "201亿元。五一、国庆期间接待游客超过2019年同期水平,新增A级景区5个。\n2025年是关键之年。全年新增A级景区3个。")
PLAN_YEAR_MIDLINE = "一、重点任务\n完成排查。2025年,完成改造300户;2026年,完成改造500户。"
# Items (一)… between a paragraph opening on the year reviewed and one opening on the year planned report;
# those after a review heading closed by an undated one ("二、重点任务") and a plan's items after its opening
# year (no later year) set targets.
REPORT_ITEMS_BETWEEN = ("2024年,全市地区生产总值增长4.8%。\n(一)持续抓工业。新增规上企业45家。\n(二)持续惠民生。新建学校6所。"
                        "\n2025年是关键之年,全年新增就业1万人。\n(一)抓项目。新开工项目80个。")
REPORT_ITEMS_AFTER_REVIEW = "一、2024年工作回顾\n全市增长5%。\n二、重点任务\n(一)抓项目。新开工项目80个。"
REPORT_PLAN_HEADING_OVER_YEAR = ("一、2024年工作回顾\n2024年,全市增长5%。\n二、在高质量发展中走在前\n2025年是关键之年。\n"
                                 "我们要做强实体经济,新培育规上企业50家。")


@pytest.mark.parametrize("text, expected", [
    (REPORT_NUMBERED, [(5.2, "statistic", 2023), (6.0, "target", 2024)]),
    (REPORT_UNNUMBERED, [(3.9, "statistic", 2022), (6.5, "target", 2023)]),
    (REPORT_NO_HEADINGS, [(4.8, "statistic", 2023), (7.0, "target", 2024)]),
    (REPORT_ONE_LINE, [(6.4, "statistic", 2023), (5.5, "target", 2024)]),
    (REPORT_FLOOR_STRETCH, [(4.1, "statistic", 2023), (5.0, "target", 2024), (5.5, "target", 2024)]),
], ids=["numbered-headings", "unnumbered-headings", "paragraphs-opening-on-years", "flattened-to-one-line",
        "floor-and-stretch"])
def test_a_work_report_reviews_one_year_and_sets_the_next(text, expected):
    assert [(q.value, q.kind, q.year) for q in _extract(text)] == expected


# A review names what it achieved by listing examples and their number: "A、B等N个项目建成投产" reports
# N; the same listing in the year planned counts the set the work is about (scope).
REPORT_LISTED_IN_REVIEW = ("一、2024年工作回顾\n城东污水厂、北湖公园等12个项目建成投用,李庄村等3个村入选省级示范村。\n"
                           "二、2025年工作安排\n推进城西水厂、南山隧道等8个项目建设。")
REPORT_LISTED_UNDER_PAST_YEAR = ("过去一年,我们重点抓了以下几个方面工作。\n一、项目建设提速。华润电厂等5个重大项目竣工投产。\n"
                                 "二、2025年工作安排\n(一)抓项目。推动机场二期等6个项目开工。")


@pytest.mark.parametrize("text, expected", [
    (REPORT_LISTED_IN_REVIEW, [(12.0, "statistic"), (3.0, "statistic"), (8.0, "scope")]),
    (REPORT_LISTED_UNDER_PAST_YEAR, [(5.0, "statistic"), (6.0, "scope")]),
], ids=["review-heading", "review-lead-in"])
def test_a_listed_count_in_a_review_reports(text, expected):
    assert [(q.value, q.kind) for q in _extract(text)] == expected


@pytest.mark.parametrize("text, expected", [
    (REPORT_PAST_YEAR_ALONE, [(15200000000.0, "statistic"), (120.0, "target")]),
    (REPORT_PAST_YEAR_BARE, [(3200.0, "statistic"), (45.0, "target")]),
    (REPORT_PAST_YEAR_WORDS, [(21000.0, "statistic"), (20000.0, "target")]),
    (TITLE_YEAR_POINTS, [(210000000.0, "statistic"), (15.0, "statistic"), (20.0, "target")]),
    (TITLE_YEAR_REPORT, [(86.0, "statistic"), (60.0, "target")]),
    (TITLE_YEARS_SPAN, [(3.0, "target"), (5.0, "target")]),
    (REPORT_LEAD_PAREN, [(5.0, "statistic"), (120.0, "statistic"), (32000.0, "statistic"), (5.5, "target"), (200.0, "target")]),
    (REPORT_LEAD_TOP, [(8500000000.0, "statistic"), (4.0, "statistic"), (60.0, "target")]),
    (REPORT_LEAD_FLAT, [(5200.0, "statistic"), (12.0, "statistic"), (40.0, "target")]),
    (PLAN_LEAD_TASKS, [(20.0, "target"), (6.0, "target")]),
    (REPORT_YEAR_MIDLINE, [(20100000000.0, "statistic"), (5.0, "statistic"), (3.0, "target")]),
    (PLAN_YEAR_MIDLINE, [(300.0, "target"), (500.0, "target")]),
    (REPORT_ITEMS_BETWEEN, [(4.8, "statistic"), (45.0, "statistic"), (6.0, "statistic"), (10000.0, "target"), (80.0, "target")]),
    (REPORT_ITEMS_AFTER_REVIEW, [(5.0, "statistic"), (80.0, "target")]),
    (REPORT_PLAN_HEADING_OVER_YEAR, [(5.0, "statistic"), (50.0, "target")]),
], ids=["past-year-alone", "past-year-bare", "past-year-words", "title-year-points", "title-year-report",
        "title-years-span", "lead-in-over-paren-items", "lead-in-over-top-items", "lead-in-flattened", "lead-in-of-tasks",
        "year-of-after-a-full-stop", "plan-years-mid-paragraph", "items-between-the-years", "items-after-a-closed-review",
        "plan-heading-over-its-year"])
def test_a_review_headed_led_in_or_dated_before_the_title_reports(text, expected):
    assert [(q.value, q.kind) for q in _extract(text)] == expected


def test_a_figure_no_heading_dates_is_set_for_the_notice_year():
    found = _extract("(一)工作目标\n全年新建农村公路30公里。\n(二)重点任务\n到2025年完成改造50公里。", year=2022)
    assert [(q.value, q.kind, q.year) for q in found] == [(30.0, "target", 2022), (50.0, "target", 2022)]


@pytest.mark.parametrize("subject, raw, unit, expected", [
    ("地区生产总值", "增长6%左右", "%", "地区生产总值增速"),
    ("全市GDP", "增长5%", "%", "地区生产总值增速"),
    ("地区生产总值", "3000亿元", "元", "地区生产总值"),
    ("单位地区生产总值能耗", "下降3%", "%", None),
    ("服务业增加值占地区生产总值比重", "52%", "%", None),
])
def test_subject_category_of_gdp_growth_needs_the_subject_and_a_percentage(subject, raw, unit, expected):
    assert quantities.category(subject, raw, unit) == expected


@pytest.mark.parametrize("heading, kind", [
    ("一、2023年工作回顾", "review"), ("2022年主要工作回顾", "review"), ("(二)取得的主要成效", "review"),
    ("二、2024年主要预期目标和重点任务", "goals"), ("(一)工作目标", "goals"), ("三、2024年总体思路和预期目标", "goals"),
    ("一、指导思想", "guidance"), ("(二)基本原则", "guidance"), ("四、保障措施", "safeguards"),
    ("(一)加强组织领导", "safeguards"), ("五、时间安排", "schedule"), ("(三)实施步骤", "schedule"),
    ("六、联系人及联系方式", "contacts"), ("附件2", "roster"), ("(三)着力保障和改善民生", "work"),
    ("二、2024年工作安排", "work"), ("(二)聚焦经济运行,主要指标稳中有进", "work"),
    ("第一章 发展基础", "review"), ("一、现实基础", "review"), ("(三)夯实农业发展基础", "work"),
    ("二、面临形势", "guidance"), ("第二节 机遇与挑战", "guidance"), ("(二)优化发展环境", "work"),
    ("(四)发展环境优化行动", "work"),
    # 工作思路 named with the work heads the year's plan; alone it states guidance
    ("二、2025年工作思路和重点任务", "work"), ("工作思路及主要举措", "work"), ("(一)工作思路", "guidance"),
    ("二、2024年发展思路", "guidance"),
    ("过去的一年", "review"), ("过去五年工作回顾", "review"),
    # a plan's review of the period before it and its problems, named so at the heading's start
    ("一、“十四五”时期发展成就", "review"), ("(一)发展成效", "review"), ("二、规划背景", "review"),
    ("一、“十四五”规划实施情况", "review"), ("二、存在问题", "review"), ("(三)面临的困难和问题", "review"),
    ("(二)问题和不足", "review"), ("(三)提升发展成效", "work"), ("(二)着力解决存在问题", "work"),
    # a notice's background, named so and nothing more, and the problems a check found: reported, no work
    ("一、工作背景", "review"), ("(一)项目背景", "review"), ("一、背景和意义", "review"), ("(三)严格背景审查", "work"),
    ("二、检查发现的问题", "review"), ("(二)发现的主要问题", "review"), ("二、存在的突出问题", "review"),
    ("(四)及时整改发现的问题", "work"),
])
def test_a_heading_is_classified_by_what_its_section_does(heading, kind):
    assert sections.classify(heading) == kind


def test_sections_run_to_the_next_heading_of_their_level_and_nest():
    text = "2023年工作回顾\n一、经济运行\n增长5%。\n2024年工作安排\n今年主要预期目标是:增长6%。\n一、扩大内需"
    found = [(text[s:e].split("\n")[0], kind) for s, e, kind in sections.parts(text, normalize.fold(text))]
    assert found == [("2023年工作回顾", "review"), ("一、经济运行", "work"), ("2024年工作安排", "work"),
                     ("今年主要预期目标是:增长6%。", "goals"), ("一、扩大内需", "work")]



def test_a_year_heading_under_a_short_line_starts_at_its_own_line():
    """A short line with no punctuation above a year heading ("前言部分", a page's caption) is not
    part of the heading: the review section opens at the year's line and is typed review."""
    text = "前言部分\n2023年工作回顾\n一、经济运行\n增长5%。"
    found = [(text[s:e].split("\n")[0], kind) for s, e, kind in sections.parts(text, normalize.fold(text))]
    assert ("2023年工作回顾", "review") in found

WORK_REPORTS = Path(__file__).resolve().parent.parent / "corpora" / "work-reports"


def test_work_reports_give_each_city_its_gdp_growth_target(tmp_path):
    """The 2024 GDP growth target of three city reports, and the 2023 growth each reports, checked by hand."""
    picked = tmp_path / "reports"
    picked.mkdir()
    for city in ("枣庄", "泰州", "鄂州"):  # the folder may hold more reports than were checked
        shutil.copy(WORK_REPORTS / f"{city}.docx", picked)
    assert main(["run", str(picked), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    con = pipeline.load(tmp_path / "out")
    rows = con.sql("select regexp_extract(d.source, '([^/]+)\\.docx$', 1), t.year, t.value_norm, t.comparator, t.kind "
                   "from target_view t join documents d using (doc_id) "
                   "where t.subject_category = '地区生产总值增速' order by 1, 2").fetchall()
    assert rows == [("枣庄", 2023, 6.4, "=", "statistic"), ("枣庄", 2024, 5.5, "~", "target"),
                    ("泰州", 2023, 6.8, "~", "statistic"), ("泰州", 2024, 6.0, ">=", "target"),
                    ("鄂州", 2023, 6.0, "=", "statistic"), ("鄂州", 2024, 6.5, ">=", "target")]


@pytest.mark.parametrize("text, year, expected", [
    ("数字某省2021行动方案\n一、主要目标\n新建5G基站2000个。", None, 2021),
    ("某市“十四五”教育事业发展规划\n新建幼儿园30所。", None, 2025),
    ("关于印发2024年全县安全生产工作要点的通知\n一、重点任务\n整治隐患300处。", 2023, 2024),
    ("关于印发2023年全县安全生产工作要点的通知\n一、重点任务\n整治隐患300处。", 2023, 2023),
], ids=["year-in-title", "five-year-plan", "next-year-plan-issued-late", "title-and-notice-agree"])
def test_the_title_dates_figures_nothing_else_dates(text, year, expected):
    assert [q.year for q in _extract(text, year=year)] == [expected]


INDICATOR_TABLE = """一、发展目标
专栏1 主要指标
序号 | 指标名称 | 2020年 | 2025年目标 | 指标属性
1 | 生产经营单位安全标准化达标率 | 72% | 90% | 预期性
2 | 乡镇应急救援队伍覆盖率 | 85% | 100% | 约束性
二、主要任务
"""


def test_an_indicator_tables_base_column_is_reported_and_its_rows_name_their_subjects():
    found = quantities.extract(INDICATOR_TABLE, normalize.fold(INDICATOR_TABLE), year=2021)
    got = [(q.raw, q.kind, q.year, q.subject) for q in found]
    assert got == [("72%", "statistic", 2020, "生产经营单位安全标准化达标率"), ("90%", "target", 2025, "生产经营单位安全标准化达标率"),
                   ("85%", "statistic", 2020, "乡镇应急救援队伍覆盖率"), ("100%", "target", 2025, "乡镇应急救援队伍覆盖率")]
    base_named = INDICATOR_TABLE.replace("2020年", "基期值").replace("2025年目标", "目标值")
    assert [q.kind for q in quantities.extract(base_named, normalize.fold(base_named), year=2021)] == ["statistic", "target"] * 2


EVENT_OPENING = """关于切实做好梅雨期防汛工作的通知
各村村委:
6月12日傍晚,受强对流天气影响,我县北部普降大到暴雨。最大1小时降雨山口站达86.5毫米,造成3处道路塌方。为做好防汛工作,特通知如下:
一、加强值守。各村要落实24小时值班,汛期巡查每天不少于2次。
二、抓好复盘。7月1日,各村要组织复盘,参加人员不少于20人。
"""


def test_an_opening_that_tells_a_dated_event_reports_figures_the_items_set_targets():
    kinds = {q.raw: q.kind for q in pipeline.extract(EVENT_OPENING)["targets"].itertuples()}
    assert kinds["达86.5毫米"] == kinds["3处"] == "statistic"  # what happened, before the first heading
    assert kinds["每天不少于2次"] == kinds["不少于20人"] == "target"  # a dated item under a heading still sets


@pytest.mark.parametrize("text, expected", [
    ("某镇2025年工作要点\n正文。", 2025),
    ("某区2025年政府工作报告\n各位代表:", 2025),
    ("某县养老服务三年行动方案(2024—2026年)\n正文。", None),
    ("某县2024年工作总结和2025年工作计划\n正文。", None),
    ("某市“十四五”教育事业发展规划(2021年修订)\n正文。", None),
    ("各位代表:现在,我代表市人民政府向大会报告工作,请予审议,并请市政协委员提出意见。2023年是全面贯彻党的精神的开局之年,全市上下团结奋斗。", None),
], ids=["points", "report", "span", "summary-and-plan", "five-year-plan", "flattened-opening"])
def test_a_title_plans_for_one_year_when_it_names_one_and_is_short(text, expected):
    """The year before which dated parts report the past: a short title line naming a single year."""
    assert sections.title_year(normalize.fold(text), single=True) == expected


@pytest.mark.parametrize("text, expected", [
    ("会议要求,今年要完成农村危房改造300户,每个乡镇至少建成1个示范点。", [("300户", "target"), ("至少建成1个", "target")]),
    ("会议强调,全年安全生产事故起数下降10%以上。", [("下降10%以上", "target")]),
    ("力争年底前建成5G基站200个。", [("200个", "target")]),
    ("今年以来,全县共检查企业860家,整改隐患2100处。", [("860家", "statistic"), ("2100处", "statistic")]),
    ("按照部署,各地检查企业1.2万家。", [("1.2万家", "statistic")]),
    ("会议要求各地加快进度,目前已完成投资12亿元。", [("12亿元", "statistic")]),
    # a plan the story tells: what will be done, what is planned, by a year to come
    ("根据方案,到2025年,我市将建成公共充电桩1万个。", [("1万个", "target")]),
    ("《行动计划》提出,到2026年全省高新技术企业达到2万家。", [("达到2万家", "target")]),
    ("今年,我县计划实施重点项目150个,总投资320亿元。", [("150个", "target"), ("320亿元", "target")]),
    ("下一步,该区将新建口袋公园12个。", [("12个", "target")]),
    ("从2020年到2023年,全县新建农村公路860公里。", [("860公里", "statistic")]),
    ("到去年底,全县累计建成充电桩2300个,完成年度计划的115%。", [("2300个", "statistic"), ("115%", "statistic")]),
    ("该县制定年度工作计划,组织12个部门逐项落实。", [("12个", "statistic")]),
    ("该市将专项行动细化为28项具体任务。", [("28项", "statistic")]),
    # a list that a plan opens is planned throughout
    ("该县规划的8所幼儿园、3.2万平方米中小学校舍、2座体育馆均已开工。", [("8所", "target"), ("3.2万平方米", "target"), ("2座", "target")]),
    ("计划改造的老旧小区12个、已完成改造的9个。", [("12个", "target"), ("9个", "statistic")]),
    # a frequency is read as any figure is
    ("会议要求,各镇每月至少开展1次安全检查。", [("每月至少开展1次", "target")]),
    ("去年,各镇每月开展2次联合检查。", [("每月开展2次", "statistic")]),
    # a body told what it must do (X要…) is told a requirement; 主要, 重要, 需要 tell none
    ("县应急管理局要牵头做好督导检查,每月至少开展1次明查暗访。", [("每月至少开展1次", "target")]),
    ("各乡镇要在年底前完成120家企业安全评估。", [("120家", "target")]),
    ("全县主要河流水质优良率达到95%。", [("达到95%", "statistic")]),
    ("这是重要举措,全县已建成站点30个。", [("30个", "statistic")]),
], ids=["required-by-a-meeting", "stressed", "aimed-at", "reported", "deployed-is-reported", "required-but-done",
        "will-by-a-year", "proposed-by-a-year", "planned-this-year", "next-step-will", "from-a-year-to-a-year",
        "by-last-year-done", "a-plan-named", "jiang-of-disposal", "planned-list", "planned-then-done", "frequency-required", "frequency-reported",
        "body-must-yao", "body-must-yao-deadline", "zhuyao-is-no-must", "zhongyao-is-no-must"])
def test_news_tells_targets_where_it_says_what_is_required(text, expected):
    found = quantities.extract(text, normalize.fold(text), news=True)
    assert [(q.raw, q.kind) for q in found] == expected


@pytest.mark.parametrize("text, expected", [
    ("序号 | 指标名称 | 单位 | 目标值 | 责任单位 |\n1 | 森林覆盖率 | % | 62.5 | 县林业局 |\n2 | 新增造林面积 | 万亩 | 1.2 | 县林业局 |",
     [("62.5", 62.5, "%", "森林覆盖率"), ("1.2", 12000.0, "亩", "新增造林面积")]),
    ("指标 | 计量单位 | 2025年目标 |\n城镇新增就业 | 人 | 3500 |\n农村劳动力转移 | 万人 | 2 |",
     [("3500", 3500.0, "人", "城镇新增就业"), ("2", 20000.0, "人", "农村劳动力转移")]),
    ("序号 | 项目 | 单位 | 数量 |\n1 | 改造老旧小区 | 个 | 12 |\n2 | 建设口袋公园 | 处 | 8 |",
     [("12", 12.0, "个", "改造老旧小区"), ("8", 8.0, "处", "建设口袋公园")]),
], ids=["target-division-table", "no-number-column", "project-name-column"])
def test_a_tables_unit_column_gives_each_rows_numbers_their_unit(text, expected):
    found = _extract(text)
    assert [(q.raw, q.value, q.unit, q.subject) for q in found] == expected


@pytest.mark.parametrize("text, expected", [
    ("近年来,全镇共建成美丽庭院示范户860户,创建省级卫生村15个。", ["statistic", "statistic"]),
    ("近三年来,我市新增城市绿地120公顷。", ["statistic"]),
    ("目前,全县仍有12个乡镇未建成污水处理设施。", ["statistic"]),
    ("据统计,辖区内现有小微企业2300余家,从业人员4.6万人。", ["statistic", "statistic"]),
    ("会议指出,今年以来,全区签约重大项目18个,完成投资46亿元。", ["statistic", "statistic"]),
    ("据悉,去年该区新建公共充电桩450个。", ["statistic"]),
    ("截至6月底,全市发放消费券1.2亿元,带动消费8.6亿元。", ["statistic", "statistic"]),
    # a telling of how the work went leads in the list after it, ";" and all
    ("会上通报了上半年招商引资情况:新签约项目32个,到位资金18亿元;新开工项目14个。", ["statistic"] * 3),
    ("近年来,全县建成农村公路300公里;改造危桥26座。", ["statistic", "statistic"]),
    ("据了解,前两个月全区完成固定资产投资9.8亿元,占年度计划的17%。", ["statistic", "statistic"]),
    # what the sentence goes on to plan is set, and a sentence of the present that requires sets
    ("目前,全县已建成公厕120座,今年再新建40座。", ["statistic", "target"]),
    ("近年来,我县建成农村公路300公里,力争年内再建成80公里。", ["statistic", "target"]),
    ("当前,各乡镇要在月底前完成排查200处。", ["target"]),
    ("今年要在去年基础上新增公共充电桩300个。", ["target"]),
], ids=["recent-years", "recent-three-years", "at-present", "by-the-count", "after-a-meeting-said", "reportedly-last-year",
        "as-of-a-month", "progress-told", "past-over-a-semicolon", "share-of-the-years-plan", "present-then-planned", "recent-years-then-aimed", "now-required", "last-year-as-a-base"])
def test_a_sentence_that_opens_on_the_time_up_to_now_reports(text, expected):
    assert [q.kind for q in _extract(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("全县已建成集中充电站45座、充电桩380个。", ["statistic", "statistic"]),
    ("本次检查共抽查企业86家,发现各类隐患412处,整改率91.3%。", ["statistic"] * 3),
    ("今年全市累计排查隐患3200处,整改2900处。", ["statistic", "statistic"]),
    # what the sentence goes on to plan, another sentence, and a total that sets no report stay targets
    ("全县现有养老机构35家,力争新增10家。", ["statistic", "target"]),
    ("全县共有规上企业120家。新增规上企业15家。", ["statistic", "target"]),
    ("二、主要目标\n全县已建成充电站45座,到2026年达到120座。", ["statistic", "target"]),
], ids=["a-list-after-yi", "a-check-told", "a-total-then-its-part", "then-aimed-at", "next-sentence", "then-a-deadline"])
def test_a_figure_reported_as_done_carries_its_report_over_the_sentence(text, expected):
    assert [q.kind for q in _extract(text)] == expected


CIRCULAR = """关于上半年全区消防安全大排查情况的通报
各街道办事处,区直有关部门:
按照区政府部署,区消防安全委员会于5月至6月组织了全区消防安全大排查。现将有关情况通报如下:
一、排查工作开展情况
各街道共排查场所1320家,发现火灾隐患2860处,当场整改2410处,整改率84.3%。
二、典型做法
(一)网格包保到位。全区组建排查小组96个,培训网格员1100人次。
三、下一步工作要求
(一)各街道要在8月底前完成剩余450处隐患整改,整改率达到100%。
(二)区消安委每季度至少开展1次督导检查。
"""
SUMMARY = """城关镇2024年上半年工作总结
一、主要工作
全镇新引进项目7个,完成招商引资到位资金3.6亿元,新增市场主体420户。
二、存在不足
项目储备不足,仅有2个项目完成前期手续。
三、下半年工作打算
确保全年引进项目15个以上,新增市场主体800户。
"""


ASSESSED = """关于2023年度乡村振兴目标考核结果的通报
各乡镇,县直各单位:
县委、县政府对14个乡镇和36个县直单位的年度目标完成情况进行了考核。现将结果通报如下:
一、考核优秀单位
城关镇、河口镇。
"""


@pytest.mark.parametrize("text, expected", [
    (CIRCULAR, ["statistic"] * 6 + ["target", "target", "target"]),
    (SUMMARY, ["statistic"] * 4 + ["target", "target"]),
    (ASSESSED, ["statistic", "statistic"]),
], ids=["circular-of-a-check", "half-year-summary", "circular-of-goals-assessed"])
def test_a_circular_or_summary_reports_but_for_what_it_requires_next(text, expected):
    assert [q.kind for q in _extract(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("上半年全县完成固定资产投资48亿元,完成年度目标的52%。", ["statistic", "statistic"]),
    ("一季度,全区新开工项目26个,占全年计划的38%。", ["statistic", "statistic"]),
    ("前5个月,全市招商引资到位资金31亿元,完成年度任务的45%,超时序进度3.3个百分点。", ["statistic"] * 3),
    ("上半年,各乡镇要完成排查整治200处。", ["target"]),
], ids=["half-year", "first-quarter", "first-months", "half-year-required"])
def test_a_sentence_that_tells_progress_on_the_years_goal_reports(text, expected):
    assert [q.kind for q in _extract(text)] == expected


REVIEW_RUN_ON = ("一、2023年工作回顾\n全市地区生产总值增长5.2%。新增城镇就业1.1万人。\n"
                 "今年全市经济社会发展的主要预期目标是:地区生产总值增长6%左右。\n"
                 "(一)扩大有效投资。实施重点项目200个。\n(二)办好民生实事。新建中小学5所。")
REVIEW_RECALLS_GOALS = ("一、过去一年工作回顾\n年初确定的主要预期目标是:地区生产总值增长6%。\n"
                        "(一)经济运行。全市新增城镇就业1.1万人。")


@pytest.mark.parametrize("text, expected", [
    (REVIEW_RUN_ON, ["statistic", "statistic", "target", "target", "target"]),
    (REVIEW_RECALLS_GOALS, ["target", "statistic"]),
], ids=["plan-under-a-review-heading", "review-recalls-the-goals"])
def test_this_years_goals_close_a_review_that_runs_on(text, expected):
    """A report whose plan half lost its heading: this year's goals end the review above them."""
    assert [q.kind for q in _extract(text)] == expected


OPENING_BACKGROUND = """关于加强农村公路养护管理的通知
各镇人民政府:
全县农村公路总里程达到3200公里,四级以下公路占比45%,养护任务繁重。全县70周岁以上农村老人1.6万人。为进一步加强养护管理,现通知如下:
一、落实养护责任
年内完成农村公路养护大中修100公里。
"""
OPENING_GOAL = """关于推进充电设施建设的实施方案
为加快新能源汽车推广应用,力争到2025年全县建成公共充电桩5000个,制定本方案。
一、重点任务
新建充电站30座。
"""
OPENING_REQUIRED = """关于开展汛前隐患排查的通知
各村:
各村须于6月底前完成排查,整改隐患不少于200处。
一、排查范围
全县12个水库。
"""


@pytest.mark.parametrize("text, expected", [
    (OPENING_BACKGROUND, ["statistic", "statistic", "scope", "statistic", "target"]),
    (OPENING_GOAL, ["target", "target"]),
    (OPENING_REQUIRED, ["target", "scope"]),
], ids=["background", "goal-in-the-purpose", "required-before-the-items"])
def test_the_opening_before_the_numbered_items_tells_how_things_stand(text, expected):
    assert [q.kind for q in _extract(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("在去年新增45家的基础上,今年再新增规上企业50家。", ["statistic", "target"]),
    ("在现有120个网点基础上,新建快递服务网点30个。", ["statistic", "target"]),
    ("二、主要目标\n在上年增长8%的基础上,力争再增长6%。", ["statistic", "target"]),
    ("今年主要预期目标是:在已完成改造300户的基础上,再完成200户。", ["statistic", "target"]),
    ("今年,县政府将在办好15件民生实事的基础上,再新增3件。", ["target", "target"]),
], ids=["last-years-count", "existing-outlets", "growth-in-goals", "in-a-goal-sentence", "work-to-do-built-on"])
def test_a_figure_a_plan_builds_on_is_reported(text, expected):
    assert [q.kind for q in _extract(text)] == expected


@pytest.mark.parametrize("text", ["每个小组安排3人至5个岗位", "补助3万元至5万亩耕地", "选派2名至3人"])
def test_a_range_whose_ends_name_different_units_is_two_figures(text):
    found = _extract(text)
    assert len(found) == 2 and all(q.value_max is None for q in found) and found[0].unit != found[1].unit, found
