"""Finding division and office names (pipeline/stages/regions.py, pipeline/ner/gazetteer.py): the
reversed Aho-Corasick automata find what a plain reading of the name lists finds, with the same
longest-match and overlap rules, and the reading of jieba's dictionary skips no place word."""
from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from pipeline.ner import gazetteer
from pipeline.stages import regions


def _reading(text: str, names, pos: int = 0) -> list[tuple[int, int, str]]:
    """The plain left-to-right reading: at each position the longest name starting there, then on
    after its end (what a regex alternation of the names, longest first, finds)."""
    longest = max(map(len, names))
    taken = []
    while pos < len(text):
        name = next((text[pos:pos + n] for n in range(longest, 0, -1) if text[pos:pos + n] in names), None)
        if name:
            taken.append((pos, pos + len(name), name))
        pos += len(name) if name else 1
    return taken


def _places(text: str) -> list[tuple[int, int, str]]:
    """The gazetteer's plain reading: the longest full name ending at each 省/市/区/县…, overlaps kept."""
    names, found = regions._names(), []
    for end in range(1, len(text) + 1):
        if text[end - 1] in gazetteer.PLACE_END:
            start = next((s for s in range(end) if text[s:end] in names), None)
            if start is not None:
                found.append((start, end, "GPE"))
    return found


def _offices(text: str) -> set[tuple[int, int, str]]:
    names = gazetteer.offices()
    return {(s, e, "ORG") for s in range(len(text)) for e in range(s + 1, len(text) + 1) if text[s:e] in names}


def _variants(count: int, seed: int) -> list[str]:
    """Texts glued from whole names, their heads and tails and bits of prose, so that names nest,
    overlap and run into each other (南京市 + 市中区 → 南京市中区)."""
    rnd = random.Random(seed)
    names = sorted({*regions._names(), *regions._short_names()}) + sorted(gazetteer.offices())[::9]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rnd.randint(1, 7)):
            name = rnd.choice(names)
            cut = rnd.randint(1, len(name) - 1)
            parts.append(rnd.choice([name, name, name[:cut], name[cut:], "市", "县区", "的", "关于", "\n"]))
        texts.append("".join(parts))
    return texts


HAND_WRITTEN = [
    "南京市中区",  # 南京市 is read first, so 市中区 is not
    "湖南省益阳市大通湖管理区和大通湖区",
    "吉林省吉林市、湘西土家族苗族自治州和湘西自治州,张家川回族自治县即张家川县",
    "恩施州、宁夏、嵊州,内蒙古自治区呼和浩特市",
    "在北京市朝阳区和辽宁省朝阳市",
    "完成县政府的任务,合作市场",
    "西沙群岛",
    "锡林浩特克拉玛依乌苏",  # short names of four characters, one right after another
    "",
    "市",
]


def test_hand_written_readings():
    assert regions.scan("南京市中区") == [(0, 3, "南京市")]
    assert sorted(regions.occurrences("南京市中区")) == [(0, 3, "南京市"), (2, 5, "市中区")]
    assert regions.scan("吉林省吉林市", short=True) == [(0, 3, "吉林省"), (3, 6, "吉林市")]
    assert regions.scan("恩施州和宁夏", short=True) == [(0, 2, "恩施"), (4, 6, "宁夏")]
    assert regions.scan("湘西土家族苗族自治州", 1) == []
    # the gazetteer sees both names ending in 市 and 区, and keeps the one that starts first
    assert [c for c in gazetteer._candidates("南京市中区") if c[2] == "GPE"] == [(0, 3, "GPE"), (2, 5, "GPE")]
    assert gazetteer.find("南京市中区") == [(0, 3, "GPE")]


@pytest.mark.parametrize("text", HAND_WRITTEN + _variants(400, seed=15))
def test_the_automata_read_as_the_plain_reading(text):
    full, both = regions._names(), {*regions._names(), *regions._short_names()}
    assert regions.scan(text) == _reading(text, full)
    assert regions.scan(text, 1) == _reading(text, full, 1)
    assert regions.scan(text, short=True) == _reading(text, both)
    # the short names found where their last two characters stand: every occurrence, overlapping ones too
    short, longest = regions._short_names(), max(map(len, regions._short_names()))
    assert sorted(regions.occurrences(text, short=True)) == \
        [(i, i + n, text[i:i + n]) for i in range(len(text)) for n in range(1, longest + 1)
         if i + n <= len(text) and text[i:i + n] in short]
    assert [p for p in range(len(text) + 1) if regions.starts_name(text, p)] == \
        [p for p in range(len(text) + 1) if any(text.startswith(n, p) for n in full)]
    # find's one walk finds the plain readings' places in order, then their offices in any order
    found = gazetteer._candidates(text)
    places = [c for c in found if c[2] == "GPE"]
    assert places == _places(text) and found[len(places):] == [c for c in found if c[2] == "ORG"]
    assert sorted(found[len(places):]) == sorted(_offices(text))


def test_the_place_words_are_every_ns_word_of_jiebas_dictionary():
    """The "ns" prefilter skips no line a full reading of the dictionary would take."""
    path = Path(importlib.util.find_spec("jieba").submodule_search_locations[0], "dict.txt")
    rows = (line.split() for line in path.read_text(encoding="utf-8").split("\n"))
    assert regions._place_words() == {row[0] for row in rows if len(row) == 3 and row[2] == "ns"}
    assert {"潜江", "北京"} <= regions._place_words() and "东方" not in regions._place_words()


@pytest.mark.parametrize("name, stem", [("宁夏回族自治区", "宁夏"), ("恩施土家族苗族自治州", "恩施"),
                                        ("新疆维吾尔自治区", "新疆"), ("嵊州市", "嵊州"), ("西藏自治区", "西藏")])
def test_stems(name, stem):
    assert regions._stem(name) == stem


def test_a_joining_verb_is_not_the_county_it_spells():
    """会同 between two bodies reads as 会同县 with the second body's 县; at a line's start it is the county."""
    verb = regions.from_text("县生态环境局会同县水利局指导各乡镇建设污水处理设施。县农业农村局会同县财政局做好补助发放。", "县")
    assert verb["county"] is None
    county = regions.from_text("会同县人民政府办公室关于做好防汛工作的通知\n各乡镇要加强值守。", "县")
    assert county["county"] == "会同县"


DOC_NUMBER_TEXTS = [
    "苏安电〔2017〕5号\n关于开展检查的通知",
    "根据省政府办公厅关于加强管理的通知(浙政办发[2021]12号)和市里文件(2022)3号",
    "依据湘政发〔2020〕1号文件〔2021〕2号文件规定",  # a second number right after the first's 号
    "(2023)1号",  # a tail with no issuer before it
    "很长的一串汉字名称一二三四五六七八九十〔2019〕8号",  # more Han characters before the bracket than an issuer holds
    "没有文号的文字,2023年工作安排。",
    "",
]


@pytest.mark.parametrize("text", DOC_NUMBER_TEXTS)
def test_doc_numbers_are_the_patterns_matches(text):
    """The search that starts from each tail finds every match DOC_NUMBER.finditer finds, and no other."""
    from pipeline.stages.regions import DOC_NUMBER, _doc_numbers
    assert [m.span() for m in _doc_numbers(text)] == [m.span() for m in DOC_NUMBER.finditer(text)]


@pytest.mark.parametrize("text", ["十堰宁夏恩施嵊州", "去海南和吉林,再到延边", "无地名的句子。", "宁", ""])
def test_short_name_ends_found_at_every_pair(text):
    """Every place where a short name's last two characters can stand is found, overlapping ones too."""
    from pipeline.stages.regions import _short_ends
    pair, lengths = _short_ends()
    firsts = {p[0] for p in lengths}
    lasts = {p[1] for p in lengths}
    expected = [i for i in range(len(text) - 1) if text[i] in firsts and text[i + 1] in lasts]
    assert [hit.start() for hit in pair.finditer(text)] == expected
