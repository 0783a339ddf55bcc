"""The structural reading of a notice (pipeline/stages/structure/outline.py, pipeline/stages/reading/paragraphs.py): layouts from
tests/cases/structure.toml, each a notice written for the table."""
from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path

import pytest

from pipeline.stages.reading import paragraphs
from pipeline.process import process_bytes

CASES = tomllib.loads((Path(__file__).parent / "cases" / "structure.toml").read_text(encoding="utf-8"))["case"]


def squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_structure_tasks(case):
    result = process_bytes(case["text"].strip().encode(), f"{case['id']}.txt")
    assert result.error is None, result.error
    texts = [squash(task.text) for task in result.tasks]
    anchors = [squash(anchor) for anchor, _ in case["tasks"]]
    got = []
    for task, text in zip(result.tasks, texts):
        held = [a for a in anchors if a in text]
        assert len(held) == 1, f"task {task.outline} {task.text[:40]!r} holds {len(held)} anchors"
        got.append((held[0], task.outline))
    assert got == [(a, outline) for a, (_, outline) in zip(anchors, case["tasks"])]
    for piece in case.get("not_tasks", []):
        assert not any(squash(piece) in text for text in texts), piece


def test_unwrap_joins_only_page_breaks():
    lines = ["一二三四五六七八九十一二三四五六七八,"] * 6 + ["结束。", "1.新的一条", "短行"]
    joined = paragraphs.unwrap(lines)
    assert joined[0].endswith("结束。") and joined[1:] == ["1.新的一条", "短行"]


def test_unwrap_leaves_ordinary_paragraphs():
    lines = ["第一段很长很长的文字内容,说明有关事项。", "第二段。", "第三段文字比较长,也说明了另外一些事项和要求。"]
    assert paragraphs.unwrap(lines) == lines


NOTICE = """某某县人民政府办公室文件
某政办发〔2024〕5号
某某县人民政府办公室关于印发某某县2024年河道清淤工作方案的通知
各乡镇人民政府,县直各单位:
现将《某某县2024年河道清淤工作方案》印发给你们,请认真贯彻执行。
附件:某某县2024年河道清淤工作方案
某某县人民政府办公室
2024年3月8日
某某县2024年河道清淤工作方案
一、工作目标
年底前完成主要河道清淤四十公里。
二、重点任务
(一)开展河道淤积情况排查,建立清淤台账。(县水利局牵头)
(二)组织清淤工程招标和施工。(各乡镇人民政府负责)
某某县人民政府办公室 2024年3月8日印发
"""


def test_structure_reads_every_part_of_a_notice():
    from pipeline.stages.structure import tree
    from pipeline.stages.reading.normalize import fold, normalize
    text = normalize(NOTICE)
    found = tree.read(text, fold(text))
    kinds = [(p.kind, p.label, text[p.start:p.end].split("\n")[0]) for p in found.parts]
    assert ("title", "", "某某县人民政府办公室关于印发某某县2024年河道清淤工作方案的通知") in kinds
    assert ("signature", "", "某某县人民政府办公室") in kinds
    assert ("attachment", "", "附件:某某县2024年河道清淤工作方案") in kinds
    assert ("section", "work", "二、重点任务") in kinds
    assert ("item", "二/一", "(一)开展河道淤积情况排查,建立清淤台账。(县水利局牵头)") in kinds
    assert any(kind == "print_line" and line.endswith("印发") for kind, _, line in kinds)
    for part in found.parts:
        assert 0 <= part.start <= part.end <= len(text)


def test_structure_command_prints_the_parts(tmp_path, capsys):
    from pipeline.cli import main
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    assert main(["structure", str(path)]) == 0
    out = capsys.readouterr().out
    assert "section [work]" in out and "item [二/二]" in out
    assert main(["structure", str(tmp_path / "missing.txt")]) == 2


def test_a_page_with_a_task_table_is_never_news():
    page = """2024-03-05 09:12 来源:某某日报
近日,记者从县政府获悉,全县今年将实施十项民生实事,具体分工如下。
序号 | 工作任务 | 牵头单位 | 完成时限
1 | 新建城区停车场三处 | 县住建局 | 2024年10月
2 | 改造老旧供水管网二十公里 | 县水务局 | 2024年12月
"""
    result = process_bytes(page.encode(), "news-with-table.txt")
    assert result.document.fields["doc_type"] != "新闻"
    assert [squash(task.text)[:6] for task in result.tasks] == ["新建城区停车", "改造老旧供水"]


def test_marker_numbers_and_malformed_numerals():
    """Markers count as the numeral reads (pipeline/stages/numerals.py, checked against cn2an in
    tests/test_numerals.py); a numeral that counts nothing is no marker, and the notice holding it
    still gives its rows instead of an error row."""
    from pipeline.stages.structure import outline
    for numeral, want in [("十", 10), ("第十二条", 12), ("二十三", 23), ("一百", 100), ("一百二十三", 123),
                          ("一二", 12), ("7", 7), ("十十", None), ("百", None), ("一二十三", None)]:
        assert outline.value(numeral) == want, numeral
    page = ("某县人民政府办公室关于做好防汛工作的通知\n一、加强值班\n(十十)严格执行24小时值班制度,县应急局负责。\n"
            "二、排查隐患\n(一)全面排查河道隐患,县水利局负责。\n")
    result = process_bytes(page.encode(), "malformed-marker.txt")
    assert result.error is None
    assert [a.body for task in result.tasks for a in task.assignments] == ["县应急局", "县水利局"]


@pytest.mark.parametrize("space", ["\u2002", "\u2003", "\x85", "\u2028", " "])
def test_a_marker_before_any_space_is_read_or_left_but_never_fails(space):
    """A number then a space before an item's text, mid-line ("。1 落实…"), in any of the spaces
    a page may write: the notice gives its rows, its first item a task, whatever its spaces are."""
    page = f"某县关于开展安全检查的通知\n各单位:\n一、加强领导。1{space}落实责任,县应急局负责。2{space}强化检查,确保安全。\n"
    result = process_bytes(page.encode(), "spaced-marker.txt")
    assert result.error is None
    assert result.tasks and result.tasks[0].assignments[0].body == "县应急局"


def test_an_outline_of_chinese_numerals_needs_no_cn2an():
    import subprocess
    import sys
    code = ("import sys\nfrom pipeline.stages.structure import outline\n"
            "text = '第一章 总则\\n第一百二十条 内容。\\n二十三、事项\\n(十二)事项\\n'\n"
            "node, found = outline.build(text, text), []\n"
            "while node.children:\n"
            "    node = node.children[0]\n"
            "    found.append(f'{node.style}={outline.value(node.number)}')\n"
            "print(*found, 'cn2an' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["chapter=1", "article=120", "cn=23", "paren_cn=12", "False"]


def test_headings_tried_at_line_and_cell_starts_are_those_finditer_finds():
    """sections._heads tries a heading pattern that opens with a line's or a cell's start only there:
    it must find what a scan of every character finds, including a heading whose match runs over a
    line's end, one in a cell, and one right after another."""
    from pipeline.stages.structure import sections
    texts = [
        "2023年工作回顾\n一、主要工作\n今年工作安排\n",
        "| 2024年重点工作任务 | 2023年工作总结 |\n过去一年的工作成效\n新的一年重点工作\n",
        "附件\n2023年\n度工作总结\n 2024年是关键一年,\n2024年,我们要做好\n|2025年是收官之年|\n",
        "说明文字。一、2023年工作回顾\n(一)做好工作\n|2024年工作计划|2024年目标任务|\n2023年3月9日\n",
    ]
    headings = sections._cfg()["headings"]
    for text in texts:
        want = [(m.start(), level) for level, pattern in headings for m in pattern.finditer(text)]
        assert sorted(sections._heads(text)) == sorted(want)
    assert any(pattern.pattern.startswith(sections.LINE_OR_CELL) and pattern.search(texts[1]) for _, pattern in headings)


def test_headings_of_every_level_found_in_one_scan_are_those_each_finditer_finds():
    """sections._heads tries the headings of the levels that open after a stop in one pattern, only where
    heading_opens finds one may open, and those that open a line or a cell only on one holding
    line_heading_holds: it must find what each level's own scan finds, with headings of several levels
    side by side."""
    import itertools

    from pipeline.stages.structure import sections
    heads = ["一、", "十二、", "二十.", "二十一、", "五一、", "(三)", "(十一)", "2023年是", "2024年,", " 2025年,", "1、", "(1)", "三.", "2023年",
             "今年重点工作", "过去的一年", "新的一年主要任务\n", "2024年工作计划|", "工作回顾\n", "1999年是"]
    before = ["", "\n", "。", "|", ":", "!", "?", ";", "做好", "。 ", "\n  "]
    headings = sections._cfg()["headings"]
    found = 0
    for lead, first, second, tail in itertools.product(before, heads, heads, ["做好工作", "。", ""]):
        text = f"前言{lead}{first}{second}{tail}{lead}{second}工作"
        want = [(m.start(), level) for level, pattern in headings for m in pattern.finditer(text)]
        assert sorted(sections._heads(text)) == sorted(want), text
        found += len(want)
    assert found > 1000


def test_lines_without_a_label_word_hold_no_label():
    """document.metadata scans with the label pattern only lines holding a label word: on lines with
    and without labels, the pattern finds a label only where the word test lets it look."""
    from pipeline.stages.structure import document
    pattern, _ = document._label_pattern()
    lines = ["发文机关:某某县人民政府", "| 成文日期 | 2024年3月1日 | 发布日期 | 2024年3月2日 |", "•发布时间2024-03-01",
             "索引号 : 001", "发文机关某某县人民政府", "这是一段普通的文字,没有标签。", "时 间:2024年", "| 序号 | 单位 |"]
    found = 0
    for line in lines:
        if pattern.search(line):
            found += 1
            assert document._label_words().search(line), line
    assert found == 5


def test_a_joint_issuer_splits_after_a_body():
    """document._joint splits a joint issuer where a second body opens with a place name after a
    body of its own; a single body, whatever its suffix, stays whole."""
    from pipeline.stages.structure import document
    from pipeline.stages.reading.normalize import fold
    for name, want in [("中共温岭市委温岭市人民政府", "中共温岭市委、温岭市人民政府"),
                       ("温岭市委办公室温岭市人民政府办公室", "温岭市委办公室、温岭市人民政府办公室"),
                       ("温岭市应急管理局", "温岭市应急管理局"), ("温岭市人民政府办公室", "温岭市人民政府办公室"),
                       ("国家税务总局温岭市税务局", "国家税务总局温岭市税务局")]:
        assert document._joint(name, fold(name)) == want


@pytest.mark.parametrize("head, kind", [
    ("三、发展基础", "review"), ("(二)工作基础和面临形势", "review"), ("附:发展基础", "work"),  # named so at its start only
    ("检查范围", "guidance"), ("一、整治对象和范围", "guidance"), ("扩大保险覆盖范围", "work"),
    ("二、年度考核优秀单位", "review"), ("表彰先进单位", "work"), ("第一章 发展环境", "guidance"), ("", "work"),
    ("一、考核结果", "review"), ("(一)督导检查情况", "review"), ("二、暗访情况通报", "review"),
    ("(三)强化考核结果运用", "work"), ("三、开展督导检查", "work"),
])
def test_section_types_anchored_at_the_heading_start(head, kind):
    """The types whose patterns open on ^ take a heading that opens so, not one that holds the words later."""
    from pipeline.stages.structure import sections
    assert sections.classify(head) == kind


@pytest.mark.parametrize("pattern", [
    "(?:预期|主要|发展|工作|总体|年度|全年)目标(?:任务)?(?:建议)?(?:是|为|[::])|目标(?:任务)?(?:如下)?[::]",
    "a(?:b|c)|d", r"[|]x|\|y|[]|]z", "ab|a", "a|ab", "x(?=y)|xy|y", "(?<=a)b|ab", "(a)|b\\1", "(?i)A|b", "b*|a"])
@pytest.mark.parametrize("text", ["", "abd xy xyabb |x|y]z", "目标:主要目标是目标如下:x目标任务:发展目标为"])
def test_an_alternation_scanned_branch_by_branch_finds_what_it_finds_whole(pattern, text):
    """sections._finditer searches each top-level branch alone (regex scans a branch's literal faster
    than their alternation): it must give the whole pattern's finditer."""
    import regex
    from pipeline.stages.structure import sections
    whole = regex.compile(pattern)
    found = sections._finditer(whole, sections._branches(pattern), text)
    assert [m.span() for m in found] == [m.span() for m in whole.finditer(text)]


def test_mid_line_markers_tried_where_one_may_open_are_those_a_scan_finds():
    """outline._inline tries the mid-line marker pattern only where rules/outline.toml inline_opens says one
    may open: in every line of a notice, from the line's start and from after its head, it must find
    what a scan of every character finds, markers of each style in every setting (digits regex knows
    and the standard library does not, a separator control one engine reads as a space) included."""
    import itertools

    from pipeline.stages.structure import outline
    markers = ["一、", "十二、", "二十一.", "一二三四、", "(三)", "(十一)", "(四十二)", "(3)", "(12)", "(123)", "3.", "12、", "7 ",
               "7\x1c", "2.2025年", "1.5", "⑴", "①、", "⑳.", "1\U00010d41.", "\U00010d41、", "第一、", "2023.", "八.五"]
    before = ["", "各单位", "。", "1", ".", "第", "三", "\x1c", " ", "(", "|", "\U00010d41"]
    after = ["加强领导", "“安全”", "《办法》", "(县局)", "2024年", "", "。"]
    lines = [f"{b}{m}{a}{m2}{a2}" for b, m, a in itertools.product(before, markers, after)
             for m2, a2 in (("", ""), ("二、", "落实"), ("(2)", "检查"), (m, "推进"))]
    inline = outline._patterns()["inline"]
    found = 0
    for chunk in range(0, len(lines), 50):
        folded = "\n".join(lines[chunk:chunk + 50])
        opens = [m.start() for m in outline._patterns()["inline_opens"].finditer(folded)]
        pos = 0
        for line in folded.split("\n"):
            for start in {0, 1, len(line) // 2}:
                want = [m.span() for m in inline.finditer(line, start)]
                assert [m.span() for m in outline._inline(line, pos, start, opens)] == want, (line, start)
                found += len(want)
            pos += len(line) + 1
    assert found > 5000


def test_number_columns_looked_for_where_a_cell_may_open_are_those_a_scan_finds():
    """tables._numbered tries the number column's pattern only at the text's start and where a bar or a
    line break comes before a name's first character: it must tell what a search of every character tells."""
    import itertools

    from pipeline.stages.structure import tables
    cells = ["序号", "序 号", " 序号 ", "编号", "编\t号", "序", "序\n号", "编\n号", "有序推进", "程序", "序号:", "1序号", "编制", "号"]
    joins = ["|", " | ", "\n", "\n ", "", "。", "|\n"]
    texts = [f"{lead}{a}{join}{b}{tail}" for lead, a, join, b, tail in itertools.product(
        ["", "表1\n", "| ", "说明"], cells, joins, cells, ["", "|", "\n工作", " |"])]
    opener = tables._cfg()["opener"]
    found = 0
    for text in texts:
        want = opener.search(text) is not None
        assert tables._numbered(text) == want, text
        found += want
    assert 1000 < found < len(texts)


def test_a_sharing_site_searched_only_where_its_words_are_is_the_one_a_search_finds():
    """heading.sharing_site searches a head only where it holds a word of sharing_site_holds: it must
    tell what the pattern's search tells, on heads holding each of its words, near misses included."""
    import itertools

    from pipeline.stages.structure import heading
    pieces = ["(通用7篇)", "(精选12篇)", "(3篇)", "(通用篇)", "范文", "我要投稿", "侵权投诉", "由会员分享", "VIP", "VIP会员", "珍藏版",
              "方案.doc", "方案.docx", "方案.docs", "方案.do", "文档下载", "下载文档", "下载", "文档", "篇章", "通用", ""]
    around = ["", "关于做好防汛工作的通知", "\n", "2024年", " "]
    found = 0
    for before, piece, after in itertools.product(around, pieces, around):
        head = f"{before}{piece}{after}"
        want = heading.patterns()["sharing_site"].search(head) is not None
        assert heading.sharing_site(head) == want, head
        found += want
    assert 200 < found < 25 * len(pieces)


def test_the_digits_listed_for_mid_line_markers_are_every_digit_below_u10000():
    """outline._digits lists the digits that rules/outline.toml inline_opens opens on (beyond U+FFFF it
    names every character): every character either engine reads as \\d, and nothing else."""
    import re
    import sys

    import regex

    from pipeline.stages.structure import outline
    listed = re.compile(f"[{outline._digits()}]")
    below = "".join(map(chr, range(0x10000)))
    assert set(listed.findall(below)) == set(regex.findall(r"\d", below)) == set(re.findall(r"\d", below))
    beyond = "".join(map(chr, range(0x10000, sys.maxunicode + 1)))
    assert regex.search(r"\d", beyond)  # regex's digits beyond U+FFFF: named whole by the pattern
