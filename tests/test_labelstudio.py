"""The correction loop (pipeline/analysis/labelstudio.py): `export --label-studio` writes Label Studio tasks whose
predictions are the run's rows at their offsets, and `import-corrections` reads Label Studio's export
back as gold files that hold exactly those rows (checked here as the scorer reads gold: anchors find
their tasks, and per document the responsibilities, targets and dates are the same multisets)."""
from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections import Counter

import pyarrow.parquet as pq
import pytest

from pipeline.analysis import labelstudio
from pipeline.cli import main


@pytest.fixture(scope="module")
def exported(seed_output, tmp_path_factory):
    path = tmp_path_factory.mktemp("label-studio") / "tasks.json"
    assert main(["export", str(seed_output), "--label-studio", str(path)]) == 0
    return json.loads(path.read_text(encoding="utf-8"))


def annotated(tasks: list[dict]) -> list[dict]:
    """What Label Studio exports after someone accepted every prediction as it was."""
    done = copy.deepcopy(tasks)
    for i, item in enumerate(done):
        item["id"] = i + 1
        item["annotations"] = [{"id": i + 1, "was_cancelled": False, "result": item["predictions"][0]["result"]}]
    return done


def import_gold(tasks: list[dict], tmp_path) -> dict[str, dict]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    assert main(["import-corrections", str(export), "--out", str(tmp_path / "gold")]) == 0
    return {p.name.removesuffix(".json"): json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "gold").glob("*.json")}


def test_predictions_use_the_shipped_config_and_their_offsets_cut_their_text(exported):
    config = ET.parse(labelstudio.CONFIG).getroot()
    labels = config.find("Labels")
    names = {labels.get("name"): labels.get("toName"), config.find("TextArea").get("name"): config.find("TextArea").get("toName")}
    values = {label.get("value") for label in labels}
    assert config.find("Text").get("value") == "$text"
    for item in exported:
        for r in item["predictions"][0]["result"]:
            if r["type"] == "relation":
                continue
            assert names[r["from_name"]] == r["to_name"]
            value = r["value"]
            if r["type"] == "labels":
                assert value["labels"][0] in values
                assert value["text"] == item["data"]["text"][value["start"]:value["end"]]


def tables(out, doc_id):
    return {name: pq.read_table(out / f"{name}.parquet", filters=[("doc_id", "==", doc_id)]).to_pylist()
            for name in ("tasks", "responsibilities", "targets", "dates")}


def test_accepted_predictions_come_back_as_gold_without_loss(exported, seed_output, tmp_path):
    gold = import_gold(annotated(exported), tmp_path)
    docs = pq.read_table(seed_output / "documents.parquet").to_pylist()
    assert sorted(gold) == sorted(d["source"].rsplit("/", 1)[-1] for d in docs)
    for doc in docs:
        g, rows, text = gold[doc["source"].rsplit("/", 1)[-1]], tables(seed_output, doc["doc_id"]), doc["text"]
        assert g["meta"] == {k: labelstudio._iso(doc[k]) for k in labelstudio.META}
        spans = [labelstudio.squash(text[t["char_start"]:t["char_end"]]) for t in rows["tasks"]]
        assert len(g["tasks"]) == len(rows["tasks"])
        for gt in g["tasks"]:
            # as the scorer finds a task: the one predicted task holding its anchor, and no other anchor
            holding = [i for i, s in enumerate(spans) if gt["anchor"] in s]
            assert len(holding) == 1 and 8 <= len(gt["anchor"]) <= 30, gt["anchor"]
            task = rows["tasks"][holding[0]]
            assert [a for a in (o["anchor"] for o in g["tasks"]) if a in spans[holding[0]]] == [gt["anchor"]]
            assert gt["outline"] == list(task["outline"])
            assert Counter((r["body"], r["role"], r["inherited"]) for r in gt["responsibilities"]) == Counter(
                (r["body"], r["role"], r["inherited"]) for r in rows["responsibilities"]
                if r["task_id"] == task["task_id"] and r["role"] in labelstudio.ROLES)
        targets = [q for t in g["tasks"] for q in t["targets"]] + g["other_targets"]
        keys = ("raw", "value", "value_max", "unit", "comparator", "period", "kind")
        assert Counter(tuple(q[k] for k in keys) for q in targets) == Counter(tuple(q[k] for k in keys) for q in rows["targets"])
        dates = [d for t in g["tasks"] for d in t["dates"]] + g["other_dates"]
        assert Counter((d["raw"], d["kind"], d["start"], d["end"]) for d in dates) == Counter(
            (d["raw"], d["kind"], labelstudio._iso(d["start"]), labelstudio._iso(d["end"])) for d in rows["dates"])
        assert len(g["other_dates"]) == sum(d["task_id"] is None for d in rows["dates"])


def test_a_correction_made_in_label_studio_reaches_the_gold_file(exported, tmp_path):
    item = next(i for i in annotated(exported) if any(r["value"].get("labels") == ["lead"] for r in i["annotations"][0]["result"]
                                                      if r["type"] == "labels"))
    result = item["annotations"][0]["result"]
    lead = next(r for r in result if r["type"] == "labels" and r["value"]["labels"] == ["lead"])
    lead["value"]["labels"] = ["support"]  # a role put right
    task = next(r for r in result if r["type"] == "labels" and r["value"]["labels"] == ["Task"])
    start = task["value"]["start"]
    result += [  # a deadline the pipeline missed, drawn inside the first task with its dates typed in
        {"id": "new", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": start + 2, "text": item["data"]["text"][start:start + 2], "labels": ["deadline"]}},
        {"id": "new", "from_name": "fields", "to_name": "text", "type": "textarea",
         "value": {"start": start, "end": start + 2, "text": ["end=2030-12-31"]}}]
    before = import_gold(annotated(exported), tmp_path / "before")[item["data"]["doc"]]
    after = import_gold([item], tmp_path / "after")[item["data"]["doc"]]
    roles = lambda g: Counter(r["role"] for t in g["tasks"] for r in t["responsibilities"])  # noqa: E731
    moved = roles(before)["lead"] - roles(after)["lead"]  # every task the clause's body serves
    assert moved >= 1 and roles(after)["support"] == roles(before)["support"] + moved
    assert any(d["end"] == "2030-12-31" and d["kind"] == "deadline" and d["start"] is None
               for t in after["tasks"] for d in t["dates"])


def test_unannotated_tasks_are_skipped_and_a_foreign_file_is_one_sentence(exported, tmp_path, capsys):
    export = tmp_path / "export.json"
    export.write_text(json.dumps(exported[:2], ensure_ascii=False), encoding="utf-8")
    assert main(["import-corrections", str(export), "-o", str(tmp_path / "gold")]) == 0
    assert "0 gold files (2 tasks without an annotation skipped)" in capsys.readouterr().out
    export.write_text('{"not": "an export"}', encoding="utf-8")
    assert main(["import-corrections", str(export), "-o", str(tmp_path / "gold")]) == 2
    assert "is not a Label Studio JSON export" in capsys.readouterr().err


LONG = "按照统一部署要求全面加强安全生产工作组织领导确保各项防范措施落实落细"  # more than 30 characters


@pytest.mark.parametrize("text, task, expected", [
    ("一、加强组织领导工作。二、加强组织宣传教育工作。", "二、加强组织宣传教育工作。", "二加强组织宣传教"),  # 8 characters from its start
    ("加强组织领导工作,明确分工。加强组织领导工作,落实资金。", "加强组织领导工作,落实资金。", "加强组织领导工作落"),  # as long as unique
    # its first 30 recur: the earliest piece that does not, 30 long and just reaching past the repeat
    (f"{LONG}。{LONG},落实资金保障到位。", f"{LONG},落实资金保障到位。", LONG[-29:] + "落"),
    ("各地要高度重视,认真组织实施本方案。", "各地要高度重视,认真组织实施本方案。", "各地要高度重视认"),  # punctuation never counts
], ids=["prefix", "longer-prefix", "later-piece", "squashed"])
def test_an_anchor_is_the_first_unique_piece_of_its_task(text, task, expected):
    start = text.rindex(task)
    found = labelstudio.anchor(text, start, start + len(task))
    assert found == expected and labelstudio.squash(text).count(found) == 1
