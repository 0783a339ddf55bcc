"""The shortcuts of the clause reading (pipeline/stages/assignments/responsibilities.py and grammar.py) never
change what it finds: a sentence or a group the cue check skips is one the full reading finds
nothing in; brackets and separators split in one scan as they did a character at a time; the
opener words of rules/roles.toml compile to the opener pattern and are all it can match.

The texts are the notices of cases/clauses.toml and cases/responsibilities.toml, and variants
written here, each near what a cue decides: a verb in prose, 由/以 in words that open nothing
(自由贸易区, 以及), 以…为主 cut at a range's end, a hard-wrapped line, traditional characters.
"""
from __future__ import annotations

import tomllib
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import pytest
import regex

from pipeline.stages.assignments import grammar, responsibilities
from pipeline.stages.reading.normalize import fold, normalize

VARIANTS = [
    "由县交通运输局牵头,县公安局、县财政局配合,做好农村道路隐患排查。",
    "以镇卫生院为主,各村卫生室协助开展慢性病筛查。",
    "以镇卫生院为主体开展筛查",  # 以…为主体 is no assignment, but cut after 为主 it is one
    "区市场监管局负责食品抽检工作,区农业农村局配合。",
    "各街道根据各自职责做好防汛宣传动员。",
    "市水利局会同市自然资源局负责河道整治,联合市生态环境局开展督查。",
    "县住建局配合县应急局做好燃气管道安全检查。",
    "加强统筹协调,落实主体责任,确保各项措施实施到位。",
    "大力支持民营企业发展,鼓励社会资本参与养老服务。",
    "自由贸易区片区建设由区商务局牵头推进,以及相关配套由区财政局负责。",
    "其中,县教育局负责校园安全,县卫健委负责医疗救治。",
    "一是县发改局统筹负责项目调度;二是县财政局按职责分工保障资金。",
    "由县农业农村局牵头,县林业局\n配合开展动物疫病检疫。",
    "由縣應急管理局牽頭,縣消防救援大隊配合,開展防火檢查。",
    "开展燃气隐患排查(县应急局牵头,县消防救援大队配合)。",
    "县民政局(牵头)、县残联负责困难群体帮扶,各乡镇协同。",
    "乡综治办指挥协调、派出所负责牵头开展矛盾纠纷排查。",
    "建立工作台账。县城管局牵头,各街道分工负责",
    "各部门要按照职责分工抓好落实,督促各村落实整改。",
    "牵头单位:县文旅局\n配合单位:县公安局、县消防救援大队",
    "县统计局:负责数据汇总。\n县财政局:负责资金保障。",
    "以县疾控中心、各卫生院为主,县教体局支持,开展学校传染病防控。",
    "县林业局为牵头单位,县财政局、县自然资源局为配合单位。",  # the copula: a unit's label and 为
    "牵头单位是县农业农村局,各乡镇协助。",
    "各村给予支持,县民政局负责兜底保障。",  # a verb that leads a list after it, with none
    "县医保局支持县人民医院开展集中采购,政策支持由县财政局负责。",
    # a verb opening its group has no subject: 支持…, 负责… alone, after a clause opener, after a line break
    "支持企业开展技术改造,县工信局负责政策兑现。",
    "同时支持各乡镇建设卫生院,县卫健委负责统筹。",
    "负责全县安全生产监管。\n县应急局负责综合协调,各乡镇按职责分工负责属地管理。",
    "配合做好防汛工作,县水利局、县气象局配合。",
    "各村负责环境整治,镇政府配合。",  # a subject of two characters, the shortest a verb may follow
]


def _cases(name: str) -> list[str]:
    cases = tomllib.loads((Path(__file__).parent / "cases" / name).read_text(encoding="utf-8"))["case"]
    return [case.get("text") or case["items"] for case in cases]


def _views(text: str) -> tuple[str, str]:
    """The text and the view find_clauses reads, as the pipeline makes them."""
    text = normalize(text)
    return text, responsibilities.without_notes(fold(text))


CUES = responsibilities._Cues  # the check under test, kept before any test replaces it


class _Everything:
    """No cue check: every sentence and group is read."""

    def __init__(self, *_):
        pass

    def may_open(self, start: int, end: int) -> bool:
        return True

    def may_join(self, start: int, end: int) -> bool:
        return True

    def anchors(self, start: int, end: int) -> list[int]:
        return list(range(start, end))

    def holds_mainly(self, start: int, end: int) -> bool:
        return True

    def may_state(self, start: int, end: int) -> bool:
        return True


def _ranges(view: str) -> list[tuple[int, int]]:
    """The whole text, each line, and each run of two lines: ranges as tasks cover them."""
    lines = [m.span() for m in regex.finditer(r"[^\n]+", view)]
    return [(0, len(view))] + lines + [(a[0], b[1]) for a, b in zip(lines, lines[1:])]


def _found(view_text, ranges, monkeypatch, cues) -> list:
    monkeypatch.setattr(responsibilities, "_Cues", cues)
    text, view = view_text
    return [[asdict(c) for c in responsibilities.find_clauses(text, view, s, e)] for s, e in ranges]


@lru_cache(maxsize=None)
def _variant(i: int) -> tuple[str, str]:
    return _views(VARIANTS[i])


@pytest.mark.parametrize("i", range(len(VARIANTS)))
def test_cues_skip_nothing_a_variant_assigns_in_any_range(i, monkeypatch):
    """Every range of a variant, cut anywhere (a task may end mid-sentence, right after 为主)."""
    text, view = _variant(i)
    starts = [0] + [m.end() for m in regex.finditer(r"[,;。:\n]", view)]
    ranges = [(s, e) for s in starts for e in range(s + 1, len(view) + 1)]
    full = _found((text, view), ranges, monkeypatch, _Everything)
    assert _found((text, view), ranges, monkeypatch, CUES) == full


@pytest.mark.parametrize("name", ["clauses.toml", "responsibilities.toml"])
def test_cues_skip_nothing_a_case_assigns(name, monkeypatch):
    for case in _cases(name):
        text, view = _views(case)
        ranges = _ranges(view)
        full = _found((text, view), ranges, monkeypatch, _Everything)
        assert _found((text, view), ranges, monkeypatch, CUES) == full, case


def test_variants_do_assign():
    """The variants exercise the readings the cues guard (else the tests above prove little)."""
    found = [responsibilities.find_clauses(*_variant(i), 0, len(_variant(i)[1])) for i in range(len(VARIANTS))]
    assert sum(1 for clauses in found if any(c.assignments for c in clauses)) >= len(VARIANTS) - 4


# A sentence as a run: what stands between its marks, and a line break only inside a hard-wrapped
# sentence (Han or a closing mark before it, Han after it), as the range shows them.
SENTENCE = regex.compile(r"(?:[^。;!?\n]+|(?<=[\p{Han}》”])\n(?=\p{Han}))+")


def _runs(view: str, start: int, end: int) -> list[tuple[bool, int, int]]:
    return [(i == 0, *m.span()) for i, m in enumerate(SENTENCE.finditer(view, start, end))]


@pytest.mark.parametrize("text", [
    "由县农业农村局牵头,县林业局\n配合开展检疫。\n\n各乡镇负责排查;县财政局保障!",
    "。;\n县应急局负责\n\n。开展《排查》\n“宣传”\n到位?\n",
    "甲乙\n丙丁\n戊\n1\n己",
])
def test_sentences_are_the_runs_between_breaks(text):
    """Read off the breaks the range shows, its sentences are its runs: a line
    break at its end ends a sentence there, whatever follows it in the notice."""
    for view in (text, text + "县局"):
        for start in range(len(view) + 1):
            for end in range(start, len(view) + 1):
                every = list(responsibilities._sentences(view, start, end, list(range(start, end))))
                assert every == _runs(view, start, end), (view, start, end)
                some = list(responsibilities._sentences(view, start, end, list(range(start, end, 3))))
                assert some == [run for run in _runs(view, start, end) if any(a in range(*run[1:]) for a in range(start, end, 3))]


def test_a_sentence_that_assigns_holds_a_cue():
    for i in range(len(VARIANTS)):
        text, view = _variant(i)
        cues = CUES(view, 0, len(view))
        for _, s, e in _runs(view, 0, len(view)):
            if responsibilities._sentence_assignments(view, s, e, _Everything()):
                assert cues.may_open(s, e), view[s:e]
                assert any(s <= a < e for a in cues.anchors(0, len(view))), view[s:e]


@pytest.mark.parametrize("group", [
    "县林业局为牵头单位", "牵头单位为县农业农村局", "县应急局是责任单位", "责任单位是县住建局、县城管局",
    "县林业局牵头单位", "以人民为中心", "县应急局为主", " 牵头单位为县局 ", "",
])
def test_the_copula_is_read_wherever_its_pattern_matches(group, monkeypatch):
    """read_copula passes over a group with no copula word: one the pattern would read has one."""
    found = grammar.read_copula(group, 5)
    monkeypatch.setitem(grammar.config(), "copula_words", ("",))  # "" is in every group: none passed over
    assert repr(found) == repr(grammar.read_copula(group, 5))


@pytest.mark.parametrize("head", [
    "县应急局分别", "县应急局、县公安局按职责分工", "A统筹具体", "分别", "县应急局分别\n", "县应急局\n", "县应急局", "",
    "县财政局积极", "各乡镇根据各自职责",
])
def test_modifiers_are_stripped_wherever_their_pattern_matches(head, monkeypatch):
    """strip_modifiers passes over a head that ends in no modifier (nor in a line break, before which $ matches too)."""
    found = grammar.strip_modifiers(head)
    monkeypatch.setitem(grammar.config(), "modifier_words", ("",))  # every head ends in "": none passed over
    assert found == grammar.strip_modifiers(head)


@pytest.mark.parametrize("head, role", [
    ("县水利局会同县自然资源局", "responsible"), ("县水利局联合县财政局", "lead"), ("县水利局协调县财政局", "responsible"),
    ("县水利局会同县自然资源局", "support"), ("县水利局、县财政局", "lead"), ("会同", "lead"),
])
def test_a_list_with_together_is_read_wherever_the_word_is(head, role, monkeypatch):
    found = grammar._headed(head, 3, role, False)
    monkeypatch.setitem(grammar.config(), "together_words", ("",))
    assert repr(found) == repr(grammar._headed(head, 3, role, False))


def test_prose_holds_no_cue_that_opens():
    """Verbs that open nothing in running text, without 由/以 or a duty modifier: not read."""
    view = "加强组织领导,落实主体责任,确保措施实施到位。"
    assert not CUES(view, 0, len(view)).may_open(0, len(view))


def _split_by_character(text: str, sep: regex.Pattern) -> list[tuple[int, int]]:
    """_top_level_split as it was written: a step per character, counting brackets."""
    spans, depth, start, pos = [], 0, 0, 0
    while pos < len(text):
        ch = text[pos]
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        match = sep.match(text, pos) if depth == 0 else None
        if match and match.end() > pos:
            spans.append((start, pos))
            start = pos = match.end()
            continue
        pos += 1
    spans.append((start, len(text)))
    return spans


@pytest.mark.parametrize("text", [
    "县应急局(牵头,督办)、县公安局,县财政局", "各镇(街道、社区)、县民政局", "A((B,C),D),E", "A),B(C,D", "(,)", ",,",
    "县住建局(市政科;燃气办),县城管局;县水利局", "一)二,三(四", "",
])
def test_brackets_and_separators_split_in_one_scan(text):
    for sep in (grammar.HARD_SEPARATORS, grammar.GROUP_SEPARATORS):
        assert grammar._top_level_split(text, sep) == _split_by_character(text, sep)


@pytest.mark.parametrize("text, opened", [
    ("由市商务局", "由"), ("以下事项由县应急局", "以下事项由"), ("整治以卫生院", "整治以"),
    ("自由贸易区", None), ("理由是", None), ("以及县财政局", None), ("可以由县局", "可以由"), ("所以县局", None),
    ("由县局以", "由"), ("县教育局", None),
])
def test_opener_words_compile_to_the_opener(text, opened):
    assert grammar.opener_end(text) == (len(opened) if opened else 0)


def _labelled_by_line(text, folded, start, end):
    """_labelled_lines as it was written: every line of the range, label or not."""
    c = grammar.config()
    found, run_start, pos = [], None, start
    for line in folded[start:end].split("\n") + [""]:
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if line and c["label_line"].match(line):
            run_start = line_start if run_start is None else run_start
            run_end = line_end
            continue
        if run_start is not None:
            assignments = grammar.read_labelled(folded[run_start:run_end], run_start) or []
            if assignments:
                found.append(responsibilities.Clause(run_start, run_end, responsibilities.surface(assignments, text)))
            run_start = None
    return found


@pytest.mark.parametrize("text", [
    "1.建设智慧工地监管平台。\n牵头单位:县住建局\n配合单位:县大数据中心、县应急局\n完成时限:2024年底",
    "牵头单位:县住建局\n备注:按季度报送\n配合单位:县应急局",  # a colon line that is no label parts the runs
    "牵头单位:县住建局\n\n责任单位:各乡镇",
    "开展排查。\n责任单位:县市场监管局\n按月通报进展。\n督办单位:县政府督查室",
    "责任单位:县教育局;配合单位:县卫健委",
    "任务说明:无\n牵头部门:县发改局",
    "加强协调,县应急局负责牵头,各乡镇配合。",  # role words, no label: the range holds no colon nor bracket
])
def test_labelled_lines_are_read_from_the_lines_with_a_colon(text):
    text, view = _views(text)
    for start in (0, view.find("\n") + 1):
        for end in range(start, len(view) + 1):
            assert [asdict(c) for c in responsibilities._labelled_lines(text, view, start, end)] == \
                [asdict(c) for c in _labelled_by_line(text, view, start, end)]


def test_every_label_ends_in_a_label_end():
    """_label_runs reads no range without a colon or a closing bracket: every label unit holds one."""
    c, unit_opens = grammar.config(), grammar.label_patterns()["label_unit"]
    for word in c["label_role"]:
        for unit in (f"{word}:", f"{word} :", f"[{word}]", f" [{word}]"):
            for pattern in (c["label_line"], unit_opens):
                text = "。" + unit
                match = pattern.match(text, 1) if pattern is unit_opens else pattern.match(unit)
                if match:
                    assert any(mark in match.group() for mark in grammar.LABEL_ENDS), (word, unit)
    for view in ("开展排查。" + w for w in c["label_role"]):  # no label end: no unit
        assert responsibilities._label_runs(view, 0, len(view)) == []


@pytest.mark.parametrize("text", [
    "完成排查。[责任单位]县应急局。[配合单位]县消防救援大队\n[完成时限]年底",  # labels in 【】 as they fold
    "牵头单位:县住建局\n配合单位:县应急局",
    "加强协调,县应急局负责牵头,各乡镇配合。\n责任:县应急局",
])
def test_label_runs_are_read_where_a_label_may_end(text, monkeypatch):
    text, view = _views(text)
    ranges = [(s, e) for s in range(len(view) + 1) for e in range(s, len(view) + 1)]
    found = [responsibilities._label_runs(view, s, e) for s, e in ranges]
    monkeypatch.setattr(grammar, "LABEL_ENDS", ("",))  # "" is found in every range: no range skipped
    assert found == [responsibilities._label_runs(view, s, e) for s, e in ranges]
    assert any(found)


@pytest.mark.parametrize("text", ["完成整治(县住建局牵头)。", "〔县应急局负责〕开展排查(一)", "各镇(街道(社区))、县局", "开展排查。"])
def test_a_range_is_scanned_for_brackets_where_it_opens_one(text):
    view = fold(normalize(text))
    for start in range(len(view) + 1):
        for end in range(start, len(view) + 1):
            closed = [m.span() for m in responsibilities.BRACKETS.finditer(view, start, end)]
            cut = responsibilities.UNCLOSED.search(view, closed[-1][1] if closed else start, end)  # one the range ends inside
            assert [m.span() for m in responsibilities._brackets(view, start, end)] == closed + ([cut.span()] if cut else [])


@pytest.mark.parametrize("content", [
    "责任单位:县应急局、县公安局", "[牵头单位]县文旅局", "牵头单位 :县住建局;配合单位:各乡镇", "县应急局牵头,县公安局配合",
    "以县疾控中心为主,县教体局支持", "县林业局为牵头单位", "即:开展排查", "负责:县财政局", "", "县局]",
])
def test_a_clause_is_read_for_labels_where_a_label_may_end(content, monkeypatch):
    """parse_clause looks for a label only where a colon or a closing bracket stands, and reads
    以…为主 only in a group that holds 为主: as it read with neither shortcut."""
    found = [repr(grammar.parse_clause(content, 7, strict)) for strict in (False, True)]
    monkeypatch.setattr(grammar, "LABEL_ENDS", ("",))
    monkeypatch.setitem(grammar.config(), "mainly_word", "")
    assert found == [repr(grammar.parse_clause(content, 7, strict)) for strict in (False, True)]


@pytest.mark.parametrize("text", [
    "县应急局\n负责全县安全生产综合监管。", "(二)县交通运输局:负责道路运输安全。", "县教育局职责、任务\n开展校园安全检查",
    "各乡镇 主要职责:做好排查", "加强统筹,县应急局负责。\n县住建局:燃气安全", "《条例》宣传\n县司法局",
    "“十四五”规划\n", "县卫健委", "县卫健委的工作职责", "开展排查;县局:检查", "县财政局!县审计局:",
])
def test_a_heading_is_matched_where_its_line_may_hold_one(text):
    """_may_head rules out only ranges the heading pattern does not match: any cut of the variants."""
    view = fold(normalize(text)) + "\n加强管理。"
    heading = grammar.config()["heading"]
    matched = 0
    for start in range(len(view) + 1):
        for end in range(start, len(view) + 1):
            match = heading.match(view, start, end)
            matched += match is not None
            assert responsibilities._may_head(view, start, end) or match is None, (view[start:end])
    assert matched



NAME_LISTS = [
    "县应急局、县公安局、县消防救援大队、县交通运输局、县住建局", "张三,李四,王五,赵六", "甲乡和乙乡及丙乡、丁乡",
    "县应急局、县公安局、县消防救援大队和各乡镇人民政府、各村", "、、、、", "县局", "", "。",
    "一二三四五六七八,一二三四五六七八,一二三四五六七八,一二三四五六七八",  # parts of the longest mean
    "一二三四五六七八九,一二三四五六七八,一二三四五六七八,一二三四五六七八",  # one character over it
    "县应急管理局、县公安局、、、、、县消防救援大队综合保障中心", "加强统筹协调,落实主体责任,确保各项措施实施到位",
    "开展燃气隐患排查;加强巡查;建立台账;定期通报;限期整改",
]


def _no_work_split(text: str) -> bool:
    """no_work as it read before it counted separators: every text split."""
    from pipeline import rules
    from pipeline.stages.assignments import tasks
    cfg, p = rules.load("tasks"), tasks._patterns()
    if p["no_work"].match(text):
        return True
    parts = [part for part in p["list_sep"].split(text.strip().rstrip("。")) if part]
    if len(parts) < cfg["name_list_min"] or sum(map(len, parts)) / len(parts) > cfg["name_list_mean_chars"]:
        return False
    bodies = [responsibilities.is_body(part) for part in parts]
    return bodies[0] and bodies[-1] and sum(bodies) >= cfg["name_list_body_share"] * len(parts)


@pytest.mark.parametrize("text", NAME_LISTS)
def test_no_work_counts_before_it_splits(text):
    """Counting the separators rules out only texts whose parts are too long on average to be a
    list of names: no_work decides as it did when it split every text."""
    from pipeline.stages.assignments import tasks
    assert tasks.no_work(text) == _no_work_split(text)
    assert tasks.no_work("、".join([text] * 5)) == _no_work_split("、".join([text] * 5))
