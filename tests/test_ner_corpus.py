"""The NER corpus (pipeline/ner/corpus.py): gold bodies placed in the text by their task's anchor,
gold labels where a notice has gold and the rules' elsewhere, dev drawn from gold notices, cover."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.ner import corpus as nc
from pipeline.ner.examples import Example

HEAD = "某县人民政府办公室关于印发某县2024年安全生产工作要点的通知\n各乡镇人民政府,县直各部门:\n现将要点印发给你们。\n"
TAIL = "某县人民政府办公室\n2024年3月1日\n"


def gold(*tasks: tuple[str, list[str]], inherited: bool = False) -> dict:
    return {"doc": "a.txt", "tasks": [{"anchor": anchor, "responsibilities": [
        {"body": body, "role": "responsible", "inherited": inherited} for body in bodies]} for anchor, bodies in tasks]}


def placed(text: str, data: dict) -> list[str]:
    return [text[s:e] + f"@{s}" for s, e in sorted(nc.placed_bodies(text, data))]


@pytest.mark.parametrize("text, tasks, want", [
    # the clause that closes the task, not an earlier mention of the same name
    ("县水利局汇报。1.整治河道堤防隐患点位。(县水利局负责)", [("整治河道堤防隐患点位", ["县水利局"])], ["县水利局@21"]),
    # the anchor is compared without punctuation or spaces
    ("1.整治 河道、堤防隐患。(县水利局负责)", [("整治河道堤防隐患", ["县水利局"])], ["县水利局@14"]),
    # a heading that names the body stands before its tasks
    ("(七)卫生部门职责\n1.开展食堂卫生检查。\n2.组织从业人员体检。", [("开展食堂卫生检查", ["卫生部门"]), ("组织从业人员体检", ["卫生部门"])],
     ["卫生部门@3"]),
    # one clause closing a group: every task of the group places the body at that clause
    ("一是排查隐患;二是整改销号。(县应急局牵头)", [("排查隐患", ["县应急局"]), ("整改销号", ["县应急局"])], ["县应急局@15"]),
    # gold writes brackets half-width; the text may hold them full-width
    ("1.落实网格巡查制度。(各镇（街道）负责)", [("落实网格巡查制度", ["各镇(街道)"])], ["各镇（街道）@12"]),
    # a body the text never names, and a task whose anchor is not in the text, place nothing
    ("1.落实网格巡查制度。(各镇负责)", [("落实网格巡查制度", ["县公安局"]), ("没有这样的任务文字", ["各镇"])], []),
    # the same anchor twice: tasks come in document order
    ("1.开展专项检查。(县消防大队负责)\n2.开展专项检查。(县市场监管局负责)",
     [("开展专项检查", ["县消防大队"]), ("开展专项检查", ["县市场监管局"])], ["县消防大队@10", "县市场监管局@29"]),
])
def test_gold_bodies_are_placed_by_their_task(text, tasks, want):
    assert placed(text, gold(*tasks)) == want


def test_an_inherited_body_is_placed_at_its_carry_over_note():
    text = "以下均需各社区负责,不再列出。\n1.开展消防演练。(县消防大队负责,各社区配合)"
    assert placed(text, gold(("开展消防演练", ["各社区"]), inherited=True)) == ["各社区@4"]
    assert placed(text, gold(("开展消防演练", ["各社区"]))) == ["各社区@34"]


@pytest.fixture()
def notices(tmp_path: Path) -> tuple[Path, Path]:
    """Two notices naming a body no rule or gazetteer knows (滨江片区联络组); one has gold."""
    body = "一、强化排查\n1.开展{n}轮沿线隐患排查整治。(滨江片区联络组负责)\n"
    folder, gold_dir = tmp_path / "in", tmp_path / "gold"
    folder.mkdir(), gold_dir.mkdir()
    for n, name in ((1, "a.txt"), (2, "b.txt")):
        (folder / name).write_text(HEAD + body.format(n=n) + TAIL, encoding="utf-8")
    (gold_dir / "a.txt.json").write_text(json.dumps(gold(("开展1轮沿线隐患排查整治", ["滨江片区联络组"]))), encoding="utf-8")
    return folder, gold_dir


def test_gold_labels_a_notice_and_the_rules_the_others(notices):
    folder, gold_dir = notices
    examples = nc.build([folder], gold_dir)
    gold_doc = [e for e in examples if Path(e.doc).name == "a.txt"]
    silver_doc = [e for e in examples if Path(e.doc).name == "b.txt"]
    assert all(e.gold is None for e in silver_doc) and any(e.gold for e in gold_doc)
    # the gold body is a training label, whether or not the rules read the clause
    assert [(e.text[s:t], label) for e in gold_doc for s, t, label in e.spans if (s, t) in e.gold] == [("滨江片区联络组", "ORG")]
    assert all(0 <= s < t <= len(x.text) for x in examples for s, t, *_ in [*x.spans, *(x.gold or []), *x.rules, *x.rows])


def test_dev_holds_only_notices_whose_gold_places_a_body(notices):
    examples = nc.build([notices[0]], notices[1])
    train, dev = nc.split(examples, 0.5, seed=1)
    assert {Path(e.doc).name for e in dev} == {"a.txt"} and {Path(e.doc).name for e in train} == {"b.txt"}


@pytest.mark.parametrize("predicted, besides, want", [
    ([(0, 4, "ORG")], [], {"cover": 1.0, "overlap": 1.0, "beyond": 1.0}),
    ([(0, 4, "ORG")], [(0, 4, "ORG")], {"cover": 1.0, "overlap": 1.0, "beyond": 0.0}),
    ([(0, 4, "GPE")], [], {"cover": 0.0, "overlap": 0.0, "beyond": 0.0}),  # a body is an ORG
    ([(1, 6, "ORG")], [], {"cover": 0.0, "overlap": 1.0, "beyond": 0.0}),  # touches, not the name
    ([(0, 4)], [], {"cover": 1.0, "overlap": 1.0, "beyond": 1.0}),  # a responsibility row's bare span
])
def test_cover_counts_gold_bodies_found(predicted, besides, want):
    dev = [Example("a", "县水利局负责", gold=[(0, 4)]), Example("b", "无", gold=None)]
    assert nc.cover(dev, [predicted, [(0, 1, "ORG")]], besides=[besides, []]) == {"gold_bodies": 1, **want}
