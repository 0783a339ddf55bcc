"""Text normalisation (pipeline/stages/reading/normalize.py): widths, brackets, doubled punctuation, stray spaces, debris, fold."""
from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
import regex

from pipeline.stages.reading.normalize import fold, normalize


@pytest.mark.parametrize("raw,expected", [
    ("ＡＢＣ１２３ｘｙｚ", "ABC123xyz"),
    ("每月履职更新１００％", "每月履职更新100%"),
    ("检查生产经营单位４６０余万家", "检查生产经营单位460余万家"),
    ("ＰＭ２．５浓度下降５％", "PM2.5浓度下降5%"),
    ("第１２３号", "第123号"),
    ("Ｕｎｉｔ　Ａ", "Unit A"),  # ideographic space between two Latin words becomes one ASCII space
])
def test_full_width_letters_and_digits_become_half_width(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("（一）加强组织领导", "(一)加强组织领导"),
    ("（市应急管理局牵头，市安委会各成员单位配合）", "(市应急管理局牵头,市安委会各成员单位配合)"),
    ("各镇（办事处）", "各镇(办事处)"),
    ("﹙二﹚强化督导", "(二)强化督导"),
    ("【重要】提示", "[重要]提示"),
    ("各单位：", "各单位:"),
    ("是否完成？", "是否完成?"),
    ("落实；加强", "落实;加强"),
])
def test_brackets_and_full_width_punctuation_become_half_width(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("扎实开展三年行动,,,,加强排查", "扎实开展三年行动,加强排查"),
    ("扎实开展三年行动，，，加强排查", "扎实开展三年行动,加强排查"),
    ("高度重视。。。。", "高度重视。"),
    ("发生。。”今年", "发生。”今年"),
    ("党中央、、国务院", "党中央、国务院"),
    ("迅速行动、、、、结合实际", "迅速行动、结合实际"),
    ("压实责任;;落实", "压实责任;落实"),
    ("一是,二是。", "一是,二是。"),  # single marks stay
])
def test_doubled_punctuation_collapses(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("通   知", "通知"),
    ("关于印发《2020年全区安全生产工作要点》的通   知", "关于印发《2020年全区安全生产工作要点》的通知"),
    ("2020年4月 2 日", "2020年4月2日"),
    ("2023 年 4 月 28 日", "2023年4月28日"),
    ("益阳市大通湖区安全生产委员会 2020年4月2日印发", "益阳市大通湖区安全生产委员会2020年4月2日印发"),
    ("因地制宜出实招 压实责任抓落实", "因地制宜出实招压实责任抓落实"),
    ("    一、指导思想", "一、指导思想"),
    ("\u3000\u3000今年6月是全国第二十个安全生产月", "今年6月是全国第二十个安全生产月"),
    ("\xa0\xa0各镇人民政府", "各镇人民政府"),
    # the typographic spaces of a page's HTML (&ensp;, &emsp;, &thinsp;) are spaces too
    ("\u2003\u2003第二条\u2002为规范管理", "第二条为规范管理"),
    ("县应急局\u2009负责", "县应急局负责"),
    ("ISO\u20029001", "ISO 9001"),
    ("(\u202f县水利局牵头\u205f)", "(县水利局牵头)"),
    # a chapter's title and its first article set on one line by such spaces: no table row
    ("\u3000第一章\u3000总则\u3000\u3000第一条\u2002\u3000为规范政务数据管理,制定本办法。", "第一章总则第一条为规范政务数据管理,制定本办法。"),
    ("第三章  保障措施    第十二条    县财政局负责资金保障。", "第三章保障措施第十二条县财政局负责资金保障。"),
    ("威海市环翠区竹岛街道办事处安全生产委员会 ", "威海市环翠区竹岛街道办事处安全生产委员会"),
    ("( 区应急局牵头 )", "(区应急局牵头)"),
    # spaces between two numbers or two Latin words are real and stay
    ("100 200", "100 200"),
    ("Hello World", "Hello World"),
    ("ISO 9001", "ISO 9001"),
    ("版本1.2 3", "版本1.2 3"),
])
def test_stray_spaces_inside_chinese_go_and_spaces_between_words_stay(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("debris", [
    "首页 > 政府信息公开 > 文件",
    "首页>政府信息公开>山东省政府文件库>【文件库】部门文件",
    ">政府信息公开>山东省政府文件库>【文件库】部门文件",
    "> 政府信息公开 > 市级部门 > 市应急管理局 > 法定主动公开内容",
    "当前位置:首页",
    "当前位置：首页 > 通知公告",
    "您现在的位置：首页 > 新闻中心",
    "首页",
    "浏览次数:123",
    "浏览次数：123次",
    "阅读次数:",
    "字号:[大 中 小]",
    "【字号：大 中 小】",
    "字体：大 中 小",
    "视力保护色",
    "打印本页 关闭窗口",
    "【打印】【关闭】",
    "NEWS INFORMATION",
    "新闻资讯",
    # document-sharing sites and PDF copies
    "《关于做好汛期安全防范工作的通知.doc》由会员分享,可在线阅读,更多相关内容请下载",
    "上传时间:2022-07-01 09:12",
    "第 2 页 共 9 页",
    "第3页/共12页",
    "P. 7",
    "- 12 -",
    "4/15",
    # a site's footer
    "主办单位:某某县人民政府办公室 网站标识码:3300000001 浙ICP备00000000号",
    "版权所有:某某市人民政府 技术支持:某某科技公司",
    "网站地图|联系我们|关于我们",
    "扫一扫在手机打开当前页",
    "扫一扫分享",
    "打印 关闭 分享到:",
    "主办单位:某某市人民政府办公室 网站管理:0000-0000000",
])
def test_debris_lines_are_dropped(debris):
    text = normalize(f"关于做好汛期安全防范工作的通知\n{debris}\n各镇人民政府:")
    assert text == "关于做好汛期安全防范工作的通知\n各镇人民政府:"


@pytest.mark.parametrize("raw,expected", [
    ("发布日期:2023-06-13 10:24 信息来源:市应急管理局 浏览次数:", "发布日期:2023-06-13 10:24信息来源:市应急管理局"),
    ("确保工作落细落实。浏览次数:45", "确保工作落细落实。"),
    ("责任到人。 字号:[大 中 小]", "责任到人。"),
    ("各单位要认真落实。视力保护色", "各单位要认真落实。"),
    ("Page 4 - 某某县人民政府关于印发防汛抗旱应急预案的通知", "某某县人民政府关于印发防汛抗旱应急预案的通知"),
    ("组织本系统做好防汛抗旱相关工作。-7-", "组织本系统做好防汛抗旱相关工作。"),
    ("某某市城市内涝防治工作指南.docx", "某某市城市内涝防治工作指南"),
])
def test_debris_fragments_are_stripped_from_lines_that_carry_text(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("line", [
    "一、总体要求",
    "(一)加强组织领导。各单位要把首页内容审核作为日常工作。",
    "打印机、复印机等办公设备要定期检查。",
    "6.严格执行“三同时”制度。(县应急局牵头)",
    "各镇(街道)要在6月底前完成整改。",
    "全年完成投资3/4以上。",
    "1.加强汛前检查",
    "主办单位:县文化和广电旅游体育局",  # an event's organiser, no footer words with it
    "(二)加强版权保护,开展打击侵权盗版专项行动。",
])
def test_content_lines_are_kept(line):
    assert normalize(line) == line


def test_lines_join_with_single_newlines_and_blank_lines_go():
    raw = "首页\r\n\r\n  关于印发方案的通知  \r\n\r\n\r\n各镇人民政府:\r\n   \r\n现将方案印发给你们。\n"
    assert normalize(raw) == "关于印发方案的通知\n各镇人民政府:\n现将方案印发给你们。"


def test_normalize_is_idempotent_on_a_seed(seeds_dir):
    text = normalize((seeds_dir / "004_5db492723fbc6362.txt").read_text(encoding="utf-8"))
    assert normalize(text) == text
    assert ",," not in text and "。。" not in text and "、、" not in text


@pytest.mark.parametrize("traditional,simplified", [
    ("牽頭單位", "牵头单位"),
    ("責任單位:縣應急管理局", "责任单位:县应急管理局"),
    ("協辦單位", "协办单位"),
    ("督辦", "督办"),
    ("縣政府辦公室負責", "县政府办公室负责"),
    ("安全生产", "安全生产"),  # simplified text is unchanged
    ("2023年ABC(一)、1.", "2023年ABC(一)、1."),
])
def test_fold_maps_traditional_to_simplified(traditional, simplified):
    assert fold(traditional) == simplified


def test_fold_keeps_length_so_offsets_carry_over(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        text = normalize(path.read_text(encoding="utf-8"))
        folded = fold(text)
        assert len(folded) == len(text)
        assert [i for i, ch in enumerate(text) if ch == "\n"] == [i for i, ch in enumerate(folded) if ch == "\n"]
    mixed = "(一)牽頭單位:縣應急管理局;協辦單位:各鄉鎮"
    assert len(fold(mixed)) == len(mixed)
    assert fold(mixed) == "(一)牵头单位:县应急管理局;协办单位:各乡镇"


@pytest.mark.parametrize("text", [
    "全面覆盖,藉此推进",  # characters the table maps to themselves
    "乾隆年间的後续工作",  # traditional characters that GB2312 also holds
    "薴麻與苧麻种植",  # 薴 folds to 苧, which folds further: one step only, as the table says
    "於是𠮷野家開業,①項目",  # a character GB2312 lacks next to traditional ones
    "安全生产月活动",
    "",
    "項目﹒進度—縣區•實施",  # only characters GB2312 lacks, some folded, some not
    "乾隆" + "區域發展規劃﹒" * 60,  # more characters GB2312 lacks than are reported one by one
    "乾隆" + "区域发展﹒" * 300 + "縣",  # many it lacks that fold keeps, a folded one after them
    "乾隆" + "区域发展规划﹒" * 50 + "縣",  # a long text with a few it lacks, reported one by one
])
def test_fold_is_the_tables_translation(text):
    """fold replaces only the characters it finds, in place of translating every character:
    the result must be the table's translation, character for character."""
    from pipeline.stages.reading.normalize import _fold_table
    assert fold(text) == text.translate(_fold_table())


@pytest.mark.parametrize("raw", ["ＡＢＣ，１２３：（一）", "\u3000\u3000通知【附件】﹙二﹚", "a\u200bb\ufeffc\xa0d\te", "plain text"])
def test_width_forms_narrowed_as_the_table_says(raw):
    from pipeline.stages.reading.normalize import WIDTH, _narrow
    assert _narrow(raw) == raw.translate(WIDTH)


@pytest.mark.parametrize("raw", [
    "第一条 ,\n,第二条\n\n  通  知  \n。\n。。",  # doubled punctuation and stray spaces on either side of a break
    "首页 > 通知公告\n关于 开展 检查的通知\n浏览次数:12\n一、 总体要求;;\n",
    "名称\t数量\t单位\n道路  改造  300  万元\n  \n!!\n!",
])
def test_whole_text_tidying_equals_line_by_line(raw):
    """normalize tidies stray spaces and doubled punctuation over the whole text at once: the result
    must be that of normalize_line on each line."""
    from pipeline.stages.reading import paragraphs
    from pipeline.stages.reading.normalize import _narrow, normalize_line
    lines = (normalize_line(line) for line in _narrow(raw).split("\n"))
    assert normalize(raw) == "\n".join(paragraphs.unwrap([line for line in lines if line]))


def test_fold_reports_exactly_the_characters_gb2312_lacks():
    """fold looks up only the characters the encoding reports as missing from GB2312: they must be
    all of them, each once, however they are interleaved with encodable ones."""
    from pipeline.stages.reading.normalize import OUTSIDE_LIMIT, _outside_gb2312
    assert _outside_gb2312("安全生产") == set()
    assert _outside_gb2312("項目a—b﹒項") == {"項", "—", "﹒"}
    assert _outside_gb2312("縣" * OUTSIDE_LIMIT) == {"縣"}
    assert _outside_gb2312("縣" * (OUTSIDE_LIMIT + 1)) is None


def test_the_engines_differ_only_where_the_gate_looks():
    """Lines are tested for debris by the standard library's engine only in a text where
    engines_differ finds nothing: it must find every character the two engines read differently as \\s or \\d,
    and the debris patterns may use no other class escape (\\w, \\b, \\p… would need their own check)."""
    import re
    import sys

    import regex

    from pipeline import rules
    from pipeline.stages.reading.normalize import engines_differ
    for escape in (r"\s", r"\d"):
        standard, module = re.compile(escape), regex.compile(escape)
        differ = "".join(chr(code) for code in range(sys.maxunicode + 1)
                         if bool(standard.match(chr(code))) != bool(module.match(chr(code))))
        assert all(engines_differ(char) for char in differ), escape
    cfg = rules.load("debris")
    escapes = set(re.findall(r"\\(\w)", "".join(cfg["drop_line"] + [d["pattern"] for d in cfg["drop_line_needing"]])))
    assert escapes <= {"s", "d"}


@pytest.mark.parametrize("line", [
    "首页 > 政务公开 > 通知公告",
    "当前位置:首页>信息公开",
    "浏览次数:\x1c12次",  # a separator control: space to one engine only
    "第\x1d3\x1d页",
    "第\U00010d41页",  # a digit regex's Unicode tables hold and Python's do not (Garay)
    "P.𞥑",  # a digit both know (Adlam)
    "访问量 ３",
    "各单位要认真落实。",
    "该文档由用户上传,免费下载",
    "",
])
def test_debris_read_alike_by_either_engine(line):
    """Where the gate lets the standard library's engine test a line, it drops what regex's drops."""
    from pipeline.stages.reading.normalize import _drop, _furniture, _standard
    drop, standard = _furniture(), _standard()
    chosen = _drop(line)
    assert bool(chosen.fullmatch(line)) == bool(drop.fullmatch(line))
    if chosen is standard:
        assert not any(char in line for char in "\x1c\x1d\U00010d41")


@pytest.mark.parametrize("text", ["各单位,,要落实。。", "无重复的标点,。、;", "a..b!!!c::d··e", "、、\n;;;", "单个标点。", ""])
def test_doubled_marks_read_alike_by_either_engine(text):
    """_undoubled substitutes with the standard library's engine: its result must be regex's."""
    from pipeline.stages.reading.normalize import DOUBLED, _undoubled
    assert _undoubled(text) == regex.compile(DOUBLED.pattern).sub(r"\1", text)


@pytest.mark.parametrize("line", ["名称\t数量\t单位", "道路  改造  300  万元", "单位  名称", "a \t b", "一行 没有 宽 间隔", "全角\u3000\u3000间隔"])
def test_table_rows_tested_only_where_a_cell_break_can_be(line):
    """_table_row skips its patterns on a line with no tab and no double space: the row must be as before."""
    from pipeline.stages.reading.normalize import CELL, SIDE_BY_SIDE, TAB_CELL, WIDE_GAP, _table_row
    expected = TAB_CELL.sub(lambda gap: " " + "| " * gap.group().count("\t"), line)
    if len(WIDE_GAP.findall(expected)) >= 2 and len(CELL.findall(expected)) >= 3:
        expected = WIDE_GAP.sub(" | ", expected)
    elif len(WIDE_GAP.findall(expected)) == 1 and SIDE_BY_SIDE.fullmatch(expected):
        expected = WIDE_GAP.sub("\n", expected)
    assert _table_row(line) == expected


@pytest.mark.parametrize("row, cells", [
    ("2\t\t改造学校8所\t县教育局\t\t12月底前", ["2", "", "改造学校8所", "县教育局", "", "12月底前"]),
    ("3\t林业\t\t\t县林业局", ["3", "林业", "", "", "县林业局"]),
    ("名称 \t 数量", ["名称", "数量"]),
], ids=["blank-category-and-blank-body", "two-blank-cells", "spaces-around-a-tab"])
def test_each_tab_is_a_cell_border_and_blank_cells_stay(row, cells):
    assert [cell.strip() for cell in normalize(row).split("|")] == cells


@pytest.mark.parametrize("line, lines", [
    ("县应急管理局        县教育局", ["县应急管理局", "县教育局"]),  # joint issuers signing side by side
    ("某某市人民政府办公室    某某市应急管理局", ["某某市人民政府办公室", "某某市应急管理局"]),
    ("通  知", ["通知"]),  # a letter-spaced word: single characters
    ("各单位要加强值守,  及时报告险情。", ["各单位要加强值守,及时报告险情。"]),  # a sentence
    ("联系人:张三    电话:12345678", ["联系人:张三电话:12345678"]),
])
def test_two_names_side_by_side_become_two_lines(line, lines):
    assert normalize(line).split("\n") == lines


@pytest.mark.parametrize("raw", ["\t，，\t，Ａ\u200b\u200bＡ\t", "【一】【二】\xa0\xa0﹙三﹚\ufeff"])
def test_width_forms_narrowed_with_repeats_and_tabs(raw):
    from pipeline.stages.reading.normalize import WIDTH, _narrow
    assert _narrow(raw) == raw.translate(WIDTH)


# --- metadata rows and joint headers whose parts a page sets apart with single spaces --------------

@pytest.mark.parametrize("raw,expected", [
    # a row of label cells: the spaces around each label become cell bars, not glue
    ("发文机关 沭阳县应急管理局 成文日期 2025-03-12", "发文机关|沭阳县应急管理局|成文日期| 2025-03-12"),
    ("发文字号 沭应急〔2025〕12号 发布日期 2025-03-18", "发文字号|沭应急〔2025〕12号|发布日期| 2025-03-18"),
    # a label's characters spaced out, as tables centre them
    ("文 号 东应急发〔2025〕6号 是否有效 是", "文号|东应急发〔2025〕6号|是否有效|是"),
    ("发 布 机 构 宁都县人民政府办公室", "发布机构|宁都县人民政府办公室"),
    # a short label with one value
    ("标题 关于开展秋冬季森林防火检查的通知", "标题|关于开展秋冬季森林防火检查的通知"),
    # not metadata: a table's header, a label word that opens a sentence, a labelled line with its colon
    ("名称 数量 单位", "名称数量单位"),
    ("时间 紧任务重,各单位要抓紧落实。", "时间紧任务重,各单位要抓紧落实。"),
    ("发布时间:2025-03-18 10:21", "发布时间:2025-03-18 10:21"),
])
def test_label_cells_set_apart_by_spaces_stay_apart(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("县应急管理局 县教育局", "县应急管理局\n县教育局"),
    ("宜丰县应急管理局 宜丰县教育体育局 宜丰县公安局", "宜丰县应急管理局\n宜丰县教育体育局\n宜丰县公安局"),
    ("中共某某县委 某某县人民政府", "中共某某县委\n某某县人民政府"),
    # not two names: prose, a name and a date, a place and a body
    ("市委 市政府高度重视", "市委市政府高度重视"),
    ("县应急管理局 2025年4月3日", "县应急管理局2025年4月3日"),
    ("平江县 安全生产委员会", "平江县安全生产委员会"),
])
def test_bodies_side_by_side_with_one_space_stand_on_lines_of_their_own(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("row", [
    "无障碍 | 长者模式 | 登录",
    "繁體 简体 English",
    "无障碍浏览|关怀版|个人中心",
])
def test_a_sites_reading_mode_bar_is_dropped(row):
    assert normalize(row + "\n关于开展检查的通知") == "关于开展检查的通知"


def test_metadata_rows_stand_apart_in_a_hard_wrapped_page():
    """A page whose long lines share one width (a fixed-width copy) joins a line run to that width
    with the next; a metadata row under the title opens a line of its own all the same."""
    from pipeline.stages.reading import paragraphs
    lines = ["某某县应急管理局关于开展二〇二五年春季安全生产检查的通知",
             "发布时间:2025-03-18 10:21来源:县应急局",
             "成文日期:2025年3月2日文号:某应急〔2025〕3号",
             "各乡镇人民政府,县直各单位:为做好春季安全生产工作,经研",
             "究决定在全县开展安全生产大检查。现将有关事项通知如下:一",
             "、检查时间。三月二十日至四月三十日,各单位要认真组织好检",
             "查工作,确保检查覆盖全县所有生产经营单位和人员密集场所等"]
    assert {len(line) for line in lines} == {28}
    assert paragraphs.page_width(lines) is not None  # the page reads as hard-wrapped
    out = paragraphs.unwrap(lines)
    assert out[:3] == lines[:3]


@pytest.mark.parametrize("row, cells", [
    ("1 | 教育 |  | 县教育局 |  | 8月底前", ["1", "教育", "", "县教育局", "", "8月底前"]),
    ("2 |  | 改造学校8所 | 县教育局 |  | 12月底前", ["2", "", "改造学校8所", "县教育局", "", "12月底前"]),
    ("序号  | 名称  |  单位", ["序号", "名称", "单位"]),
], ids=["word-row-blank-cells", "word-row-blank-category", "gaps-beside-borders"])
def test_a_gap_beside_a_cell_border_is_no_border_of_its_own(row, cells):
    """A Word table's row comes as cells joined by ' | ' (pipeline.stages.reading.read): an empty cell
    leaves two spaces between borders, which must not become a cell of their own."""
    assert [cell.strip() for cell in normalize(row).split("|")] == cells


@pytest.mark.parametrize("wrapped", ["15万亩,综合产值达到50亿元以上。", "3家企业完成技术改造。", "2.5万户完成改厕任务。"])
def test_a_wrapped_line_opening_on_a_figure_is_joined(wrapped):
    """A figure glued to words at a wrapped line's start ("15万亩…") continues the paragraph: only
    a number heading decimal items (2 then 2.1) opens a heading so glued."""
    from pipeline.stages.reading import paragraphs
    body = "全面推进乡村振兴战略实施加快发展现代农业提升农业综合生产能力推动农村产业融合发展" * 3
    lines = [body[i:i + 24] for i in range(0, 120, 24)] + [wrapped]
    assert {len(line) for line in lines[:-1]} == {24}
    assert paragraphs.page_width(lines) == 24
    assert len(paragraphs.unwrap(lines)) == 1


@pytest.mark.parametrize("title, addressees", [
    ("关于印发某某县2026年消防安全工作要点的通知", "各乡镇人民政府,县直各单位:"),
    ("某某市人民政府办公室关于做好春耕生产工作的通知", "各区县人民政府,市政府各部门:"),
    ("白水镇关于开展农村自建房安全隐患排查的紧急通知", "各村(社区):"),
], ids=["county-plan", "city-office", "town-villages"])
def test_a_title_as_long_as_a_wrapped_pages_lines_stays_above_its_addressees(title, addressees):
    """A title whose length is near the page's width must not run into the addressees' line."""
    from pipeline.stages.reading import paragraphs
    body = ("为切实做好有关工作,确保各项任务落到实处,经研究决定开展专项行动,现将有关事项通知如下,请认真抓好贯彻"
            "落实,各单位要高度重视,明确专人负责,按时报送工作进展情况,县政府将适时组织督查,对工作不力的予以通报")
    width = len(title) + 2
    lines = [title, addressees] + [body[i:i + width] for i in range(0, len(body), width)]
    assert paragraphs.page_width(lines) is not None  # the page reads as hard-wrapped
    out = paragraphs.unwrap(lines)
    assert out[:2] == [title, addressees]


@pytest.mark.parametrize("row", [
    "首页 走进某县 政务公开 政务服务 互动交流",
    "网站首页 | 机构概况 | 新闻中心 | 政务公开",
    "请输入关键字 搜索",
    "搜 索",
    "热门搜索:营商环境 政府信息公开 疫情防控",
    "欢迎访问某某县人民政府网站",
    "今天是:2025年3月18日 星期二",
    "2025年3月18日 星期二 农历二月十九",
    "多云 12℃~20℃ 东南风3级",
    "晴转多云 -3~8℃",
])
def test_a_sites_header_is_dropped(row):
    assert normalize(row + "\n关于开展检查的通知") == "关于开展检查的通知"


@pytest.mark.parametrize("line", [
    "首页建设工作取得积极进展,各单位要认真落实。",
    "搜索引擎优化工作",
    "欢迎各界人士积极参与监督,共同营造良好的安全生产环境。",
    "2024年06月20日 星期四",  # a news dateline under its headline
    "多云天气条件下要加强巡查。",
])
def test_lines_like_a_sites_header_are_kept(line):
    assert normalize(line) == normalize_kept(line)


def normalize_kept(line: str) -> str:
    """The line as normalize leaves any text line: spaces inside Chinese gone, nothing dropped."""
    return line.replace(" ", "")


def _strip_variants():
    fragments = ["浏览次数:12", "访问量: 3 次", "点击数:", "阅读次数:\x1c7", "字号:[大 中 小]", "【字体:大 中 小】", "字号 大", "视力保护色:",
                 "【打印】", "[关闭]", "打印本页", "关闭窗口", "收藏本页", "打印", "Page 3 - ", "PAGE 12:", "页码 4 — ", "Page",
                 "-7-", " — 12 —", "- 3", "—", ".docx", ".pdf》", ".wps", ".txt", ".doc", "文档.xls"]
    texts = ["", "各单位要认真落实。", "某某县防汛工作方案", "(县应急局牵头)", "2024-03-01", "全年完成3/4以上"]
    for fragment in fragments:
        for before, after in itertools.product(texts, texts):
            yield f"{before}{fragment}{after}".strip()
            yield f"{before} {fragment} {after}".strip()


def test_debris_fragments_looked_for_only_where_one_can_be():
    """_stripped skips the fragments' patterns on a line holding none of their words and ending on no
    dash: each line must come out as the patterns alone leave it."""
    from pipeline.stages.reading.normalize import _strip_rules, _stripped
    fragments = _strip_rules()[0]
    skipped = changed = 0
    for line in _strip_variants():
        expected = fragments.sub("", line)
        assert _stripped(line, _strip_rules()) == expected, line
        skipped += not (line.endswith(_strip_rules()[2]) or _strip_rules()[1].search(line))
        changed += expected != line
    assert skipped > 50 and changed > 500  # the variants reach both the skip and the patterns


@pytest.mark.parametrize("engine", ["regex", "standard"])
def test_lines_needing_a_word_are_dropped_as_by_all_patterns_at_once(engine):
    """_Furniture tries the patterns of drop_line_needing only on a line holding one of their needs: each
    line must be dropped or kept as by all the patterns fullmatched at once."""
    from pipeline import rules
    from pipeline.stages.reading.normalize import _Furniture, _furniture, _standard
    cfg = rules.load("debris")
    patterns = cfg["drop_line"] + [d["pattern"] for d in cfg["drop_line_needing"]]
    compile_ = regex.compile if engine == "regex" else __import__("re").compile
    everything = compile_("|".join(f"(?:{p})" for p in patterns))
    furniture = _furniture() if engine == "regex" else _standard()
    assert isinstance(furniture, _Furniture)
    pieces = ["首页 > 政务公开 > 通知公告", "当前位置 » 信息公开 › 通知", "a>b", "3 > 2 > 1", "由会员分享", "该文档由用户上传",
              "可在线阅读,免费下载", "晴 12 ~ 25℃", "多云转小雨 -3 / 6°C 东北风", "阴 20-28 ℃", "雾 5~9", "下载文档", "页珍藏版"]
    texts = ["", "各单位要认真落实。", "关于做好防汛工作的通知", "某某县人民政府", "2024年5月", "首页", "x" * 70, "第3页"]
    dropped = kept = 0
    for piece, before, after in itertools.product(pieces, texts, texts):
        for line in (f"{before}{piece}{after}", f"{before} {piece} {after}".strip()):
            expected = everything.fullmatch(line) is not None
            assert furniture.fullmatch(line) == expected, line
            dropped += expected
            kept += not expected
    assert dropped > 100 and kept > 100


@pytest.mark.parametrize("engine", [0, 1], ids=["regex", "standard"])
def test_lines_holding_no_rare_word_are_tidied_as_when_each_kind_is_looked_for(engine):
    """_cleaned looks for the words that the fragments to strip and the furniture needing a word hold in
    one scan of a line: every line must come out as when each kind is looked for in it on its own."""
    import re as standard

    from pipeline.stages.reading.normalize import _cleaned, _furniture, _standard, _strip_rules
    furniture, strip = (_furniture, _standard)[engine](), _strip_rules()
    everywhere = (*strip[:3], standard.compile(""))  # a rare word in every line: each kind looked for, always
    furniture_pieces = ["首页 > 政务公开 > 通知公告", "a>b", "由会员分享", "可在线阅读,免费下载", "晴 12 ~ 25℃", "阴 20-28 ℃", "下载文档"]
    lines = list(_strip_variants()) + [f"{before}{piece}{after}" for before, piece, after in itertools.product(
        ["", "各单位要认真落实。", "| ", "x" * 70], furniture_pieces, ["", "。", " |", "2024年5月"])]
    changed = 0
    for line in lines:
        expected = _cleaned(line, furniture, None, everywhere)
        assert _cleaned(line, furniture, None, strip) == expected, line
        changed += expected != line.strip()
    assert changed > 500


def test_the_furniture_for_regex_is_compiled_only_for_a_text_that_needs_it():
    # most texts are read by the standard engine: regex's copy of the patterns is 5 ms of a start
    code = ("from pipeline.stages.reading.normalize import _furniture, normalize; "
            "normalize('关于做好防汛工作的通知\\n首页 > 通知公告\\n各乡镇要落实。'); a = _furniture.cache_info().currsize; "
            "normalize('各乡镇\\x1c要落实。'); print(a, _furniture.cache_info().currsize)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "1"]
