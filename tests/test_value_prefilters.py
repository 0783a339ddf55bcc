"""The prefilters that spare quantities, dates and the targets' category most of their pattern work
must never skip what the full patterns find: each is checked against the work it guards, on variants
written for the purpose (every position of each, with the cues near and far)."""
from __future__ import annotations

import itertools

import pytest
import regex

from pipeline.stages.values import dates, quantities

FIGURES = ["3", "12.5", "2023", "1,200", "20", "19", "0.5"]
BEFORE = ["", "不超过", "超过 ", "至少配备", "最多安排", "约占全县耕地面积的", "达到", "达 ", "控制在", "近",
          "增长", "每年", "为期", "每 ", "前", "累计完成", "全县", "2023年9月底前完成"]
AFTER = ["", "%", "个", "以上", "月", "年", "日", "万元", "个百分点", "月底前", "至5月", "-2025年", ".5", "次"]


def _texts():
    for lead, figure, tail in itertools.product(BEFORE, FIGURES, AFTER):
        yield f"各单位要{lead}{figure}{tail},确保落实。"
        yield f"{lead}{figure}{tail}"


def test_the_comparator_guard_skips_no_comparator():
    seen = set()
    for text in _texts():
        for start in range(len(text) + 1):
            found = quantities._comparator_before(text, start)
            assert found == quantities._comparator_in(text, start), (text, start)
            seen.add(found[0])
    assert seen >= {">=", "<=", ">", "~", "="}  # the variants reach every kind of comparator


def _category_unguarded(subject, raw, unit):
    return quantities._category_in(" ".join(part for part in (subject, raw) if part), unit)


@pytest.mark.parametrize("unit", ["%", "亿元", "次", None])
def test_the_category_guard_skips_no_category(unit):
    subjects = [None, "", "全市地区生产总值", "地区生产总值增速", "GDP", "燃气老旧管道改造", "每月开展应急演练", "新增就业岗位",
                "市 GDP 总量", "道路 隐患", "应急管理站一体化率", "居民人均可支配收入", "完成 投资"]
    raws = [None, "增长6%", "1200亿元", "每季度至少1次", "5个"]
    found = {_category_unguarded(s, r, unit) for s in subjects for r in raws}
    for subject, raw in itertools.product(subjects, raws):
        assert quantities.category(subject, raw, unit) == _category_unguarded(subject, raw, unit)
    assert None in found and len(found) > 3


def test_dates_skip_no_digit_that_opens_a_date():
    """The digits _search_numeric passes over (inside a number, or no year and no month after) open no atom nor month range."""
    p = dates._patterns()
    numbers = ["12", "3.5", "2023", "12023", "1.2020", "0.19", "120年", "3.12月", "11-12月", "5.1-2月", "6 月", "6\n月",
               "20xx年", "2019-2021年", "52020.1.5", "8.2020年3月", "9至10月", "1999.12.31", "7到8月", "3—4 月", "12个月",
               "1\u3000至\u30002月", "10\n15日", "2024/3/1", "123月", "05月", "1 -2月"]
    skipped = opened = 0
    for number, (lead, tail) in itertools.product(numbers, [("", ""), ("于", "前"), ("共", "月底"), ("第", "日"), ("", "号")]):
        text = f"{lead}{number}{tail}"
        for at, ch in enumerate(text):
            found = p["atom"].match(text, at) or p["month_range"].match(text, at)
            opened += ch in dates.DIGITS and found is not None
            if ch in dates.DIGITS and dates.DATE_START.match(text, at) is None:
                skipped += 1
                assert found is None, (text, at)
    assert skipped > 100 and opened > 100
    assert dates._search_numeric("共12023年", 0, p)[0].group() == "2023年"


def test_unmultiplied_numbers_read_as_in_decimal():
    for written in ["0.1", "325.6", "1,234.5678", "0.30000000000000004", "99999999999999999.9", "7"]:
        assert quantities._float(written) == float(__import__("decimal").Decimal(written.replace(",", "")))


def test_names_and_levels_not_counted_cover_what_their_alternation_covers():
    import regex

    from pipeline import rules
    from pipeline.spans import Cover

    joined = regex.compile("|".join(f"(?:{pattern})" for pattern in rules.load("quantities")["not_counted"]))
    pieces = ["《优化营商环境30条》", "跨越500亿台阶", "(通用7篇)", "(12篇)", "《迈上1000台阶(精选3篇)》", "12《3》台阶",
              "《方案(5篇》)", "(通用《8篇》)", "2023", "台阶", "《", "》", "(", ")", "增长6%"]
    for a, b, c in itertools.product(pieces, repeat=3):
        text = a + b + c
        alone = Cover([m.span() for pattern in quantities._p()["not_counted"] for m in pattern.finditer(text)])
        together = Cover([m.span() for m in joined.finditer(text)])
        assert (alone.starts, alone.ends) == (together.starts, together.ends), text


def test_dates_skip_no_chinese_numeral_that_opens_a_date():
    """The Chinese numerals _search_numeric passes over (no 年 or 月 after their numerals) open no atom;
    今年, 明年, 次年 are all tried."""
    p = dates._patterns()
    pieces = ["二〇二四年", "二O二三 年", "十一月", "十 月底", "三月中旬", "一是", "十二个", "五年", "七 月", "〇", "二十三日", "一二三四",
              "第一季度", "九月份", "一月一评比", "十二月三十一日", "Ohio", "零点"]
    tried = 0
    for a, b in itertools.product(pieces, repeat=2):
        text = a + b
        for at, ch in enumerate(text):
            if dates.DATE_START.match(text, at) is None:
                assert p["atom"].match(text, at) is None, (text, at)
            tried += p["atom"].match(text, at) is not None
    assert tried > 100  # the variants hold dates that open on numerals
    assert all(dates.DATE_START.match(f"{word}年", 0) for word in dates.rules.load("dates")["relative_years"])



FREQUENCIES = ["每季度至少1次", "每10天巡查一次", "两个月一次", "半年一次", "三年开展一次", "一年开展两次", "一月走访2次",
               "上下半年各开展一次", "各镇组织1次", "一月一评比", "下半年组织一次", "一次性", "12个月1次", "每2周", "第一年1次",
               "2023年1月1次", "十十次", "一季度召开3次", "3个月内一次", "每月开展2次以上"]


@pytest.mark.parametrize("pattern, expected", [
    (r"(?:ab|c)d?", ("bcd", 3)), (r"(?<!x)a(?!y)", ("a", 1)), (r"\d{1,2}个?(?:月|年)(?:一|1)(?:次|遍)(?!性)", ("次遍", 6)),
    (r"a+", None), (r"a?", None), (r"ab\d", None), (r"a[^b]", None), (r"a\p{Han}", None), (r"\p{Han}a", ("a", 2)),
    (r"[\p{Han}]a", None), (r"(?:ab){e<=1}", None), (r"a[[:alpha:]]", None), (r"(?i)ab", None), (r"a$", ("a", 1)),
    (r"(?V1)a[[b]--[c]]", None)])
def test_short_matches_are_read_only_where_both_engines_read_alike(pattern, expected):
    found = quantities._short_matches(regex.compile(pattern))
    assert found == expected


OPENED_OR_ENDED = ["一个月开展2次", "1周3次", "1个星期1次", "一星期两次", "一日一次", "一天1次", "一季一通报", "一旬一督查",
                   "一年一评", "半年1轮", "两周一遍", "10天1遍", "三个月一轮", "一个月1遍", "1年2轮", "一月一次", "11月1次", "一一次",
                   "各1次", "春秋两季各组织2场", "各开展一轮", "各\U00010d41次", "各部门1次", "各,2次", "各项工作三遍", "各开展两次"]


def test_the_frequencies_tried_near_their_ends_are_the_scans_matches():
    """The frequencies are tried near where a match can end, or where one can open (rules/quantities.toml
    [frequency] ends and opens): each must find what a scan finds, and every match end or open so."""
    p = quantities._p()
    pieces = FREQUENCIES + OPENED_OR_ENDED + ["性", "次", "1", "一", "\n"]
    texts = ["".join(parts) for parts in itertools.product(pieces, repeat=2)]
    texts.append("".join(FREQUENCIES + OPENED_OR_ENDED) * 3)
    assert p["short"]["interval"] is not None  # the costly scan: tried near its ends
    found = 0
    for name in ("freq", "interval", "per_one", "each", "paired"):
        opens, short = p["opens"].get(name), p["short"].get(name)
        for text in texts:
            spans = [m.span() for m in p[name].finditer(text)]
            assert [m.span() for m in quantities._finditer(p[name], short, text, opens)] == spans, (name, text)
            found += len(spans)
        for text in texts:  # and every match ends where one may, no longer than the length read, or opens where one may
            ends = quantities._last_characters(text, short[0]) if short else None
            openings = {m.start() for opening in opens for m in opening.finditer(text)} if opens else None
            for start in range(len(text)):
                match = p[name].match(text, start)
                if match and short:
                    assert match.end() - 1 in ends and len(match.group()) <= short[1], (name, text)
                if match and opens:
                    assert start in openings, (name, text)
    assert found > 3000


def test_a_verb_tail_is_stripped_only_from_a_phrase_ending_on_its_words_last_characters():
    words = quantities.VERB_TAIL_WORDS.replace("了?", "|了").split("|")
    for phrase in words + [f"地区生产总值{w}" for w in words] + ["增长率", "实现了", "达到了", "总量", ""]:
        if quantities.VERB_TAIL.sub("", phrase) != phrase:
            assert phrase[-1:] in quantities.VERB_TAIL_LAST, phrase


def test_a_figure_not_cued_holds_none_of_the_cues_joined():
    """_cued: where the joined search finds nothing, none of the patterns it joins finds anything in its own window."""
    p = quantities._p()
    before = [("statistic", 20), ("cumulative", 20), ("steered", 16), ("per_period", 16)]
    number = [("covered_before", 4), ("listed", 1), ("growth", 8)]
    leads = BEFORE + ["已建成", "共有", "推动", "以", "每年新培育", "全县", "红桥、红果等", "同比", "比上年增长", "累计"]
    tails = AFTER + ["以上的", "以下企业", "个镇(街道)", "个方面", "家企业全覆盖", "基础上"]
    seen = set()
    for lead, figure, tail in itertools.product(leads, FIGURES[:3], tails):
        text = f"各单位要{lead}{figure}{tail},确保落实。"
        for start in range(len(text)):
            for number_start in range(start, min(len(text), start + 8) + 1):
                for unit_end in (number_start, len(text) - 1):
                    cued = quantities._cued(text, start, number_start, unit_end)
                    seen.update(name for name, on in cued._asdict().items() if on)
                    assert cued.before or not any(p[k].search(text, max(0, start - w), start) for k, w in before), (text, start)
                    assert cued.number or not any(p[k].search(text, max(0, number_start - w), number_start) for k, w in number)
                    assert cued.unit or not any(p[k].match(text, unit_end) for k in ("threshold", "scope", "covered_after", "whole"))
    assert seen == {"before", "number", "unit"}


def test_dates_scan_for_a_quarter_deadline_only_a_notice_holding_what_each_word_holds():
    words = dates._quarters_either_way(dates.rules.load("dates")["year_parts"])
    holds = dates._patterns()["part_before_holds"]
    assert holds and all(holds in word for word in words)
    assert (dates._shared_part(["第一季度", "三季度末"]), dates._shared_part(["年底", "季度"]), dates._shared_part([])) == ("季度", "", "")
    text = "第一季度前完成,3季度内启动"
    assert [d.raw for d in dates.extract(text, text, 2024)] == ["第一季度前", "3季度内"]


def test_the_names_dates_skip_are_tried_where_they_open_as_the_scan_finds_them():
    p = dates._patterns()
    pieces = ["《优化营商环境30条》", "三年行动计划(2021—2023年)", "实施方案(试行)", "(一)", "《", "》", "(", ")", "\n", "2024年",
              "行动计划", "《方案(2023年)》"]
    for a, b, c in itertools.product(pieces, repeat=3):
        text = a + b + c
        assert [m.span() for m in dates.tried_at(p["names"], text, "《(")] == [m.span() for m in p["names"].finditer(text)], text
    assert dates.positions("a(b《(c", "《(") == [1, 3, 4]


@pytest.mark.parametrize("pattern, expected", [
    (r"\((?:通用|精选)?\d+篇\)", "(篇)"), (r"\d+(?:万|亿)?台阶", "台阶"), (r"a|b", ""), (r"(?:a)b?c", "ac"), (r"(a)b", "b"), (r"(?i)ab", ""),
    (r"[\p{Han}]ab", ""), (r"保\s*\d+争", "保争")])
def test_the_characters_a_pattern_needs_are_those_it_names_outside_alternations_and_repeats(pattern, expected):
    assert quantities._needed_chars(regex.compile(pattern)) == expected


def test_a_notice_lacking_a_needed_character_holds_no_match():
    p = quantities._p()
    patterns = [(p[name], p["needs"][name]) for name in p["needs"]] + list(zip(p["not_counted"], p["not_counted_needs"]))
    pieces = FREQUENCIES + ["《优化营商环境30条》", "跨越500亿台阶", "(通用7篇)", "少1次扣1分", "得分=日常监测(60%)", "增速“保8争9”", "\n"]
    for a, b in itertools.product(pieces, repeat=2):
        for pattern, needs in patterns:
            for match in pattern.finditer(a + b):
                assert all(char in match.group() for char in needs), (pattern.pattern, a + b)
    assert all(p["not_counted_needs"]) and p["needs"]["freq"] == "每"


def test_a_line_opening_on_no_year_character_is_no_dated_line():
    """document._is_date_line reads a line with the patterns only where it opens on a character a year
    opens on (rules/dates.toml year_opens): every other opening must give no dated line, as the patterns read it."""
    from pipeline.stages.structure.document import Line, _is_date_line
    atom = dates._patterns()["atom"]
    tails = ["024年5月6日", "023年", "0xx年", "〇二四年三月十日", "9.12.31", "024-03-01", "024.3至2025.6", "5月6日", "",
             "024 |", "024、2025年", "998年12月", "二〇二四年", "019—2021年", "0 2 4年", " 2024年", "年", "月底前"]
    openings = [chr(code) for code in (*range(0x20, 0x250), *range(0x2000, 0x2070), *range(0x2460, 0x24a0),
                                       *range(0x3000, 0x3040), *range(0x4e00, 0x4ea0), *range(0xff01, 0xff5f))]
    openings += list("今明去次本上下前后年月日号第至到约近同年度〔[(")
    dated = 0
    for opening, tail in itertools.product(openings, tails):
        for folded in (opening + tail, f" {opening}{tail} "):
            whole = atom.fullmatch(folded.strip())
            expected = whole.group() if whole and whole.group("y") else None
            found = _is_date_line(Line(0, len(folded), folded, folded))
            assert (found.group() if found else None) == expected, folded
            dated += expected is not None
    assert dated > 50
