"""Entities (pipeline/ner/entities.py, gazetteer.py, ner_spacy.py, train_ner.py): the rules' entities,
the trained spaCy backend against the hand-made gold bodies, actors, the region of each figure,
and training itself."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.ner import gazetteer, corpus as ner_corpus, spacy_backend as ner_spacy, train as train_ner
from pipeline import rules
from pipeline.cli import main
from pipeline.process import process_bytes

REPO = Path(__file__).resolve().parent.parent
HEAD = "某县人民政府办公室关于印发某县2024年安全生产工作要点的通知\n各乡镇人民政府,县直各部门:\n现将要点印发给你们。\n"


def notice(body: str) -> str:
    return HEAD + body + "某县人民政府办公室\n2024年3月1日\n"


def squash(text: str) -> str:
    return text.replace("（", "(").replace("）", ")").replace(" ", "")


def test_rule_entities_hold_every_body_and_point_into_the_text(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        result = process_bytes(path.read_bytes(), str(path))
        text = result.document.text
        orgs = {(e.char_start, e.char_end) for e in result.entities if e.label == "ORG"}
        assert all((a.char_start, a.char_end) in orgs for t in result.tasks for a in t.assignments if a.role != "actor")
        assert all(text[e.char_start:e.char_end] == e.text for e in result.entities)
        assert {e.source for e in result.entities} == {"rule"}


@pytest.mark.parametrize("text, names", [
    ("温岭市应急管理局牵头", [("温岭市应急管理局", "ORG")]),
    ("报送县住建局和浙江省", [("县住建局", "ORG"), ("浙江省", "GPE")]),
    ("区委组织部、各有关部门", [("区委组织部", "ORG"), ("各有关部门", "ORG")]),
])
def test_gazetteer_finds_whole_names(text, names):
    assert [(text[s:e], label) for s, e, label in gazetteer.find(text)] == names


def test_a_body_acting_in_prose_is_an_actor():
    result = process_bytes(notice(
        "一、强化督导\n1.市安委办每月对各地开展安全检查,发送提示函,督促整改到位。\n"
        "2.县应急局要加强执法检查,严厉查处违法行为。(县应急局牵头,县公安局配合)\n").encode(), "a.txt")
    first, second = result.tasks
    assert ("市安委办", "actor") in {(a.body, a.role) for a in first.assignments}
    assert [a.role for a in second.assignments if a.body == "县应急局"] == ["lead"]  # named by its clause: no actor row


def test_each_figure_gets_the_region_it_is_reported_for():
    text = ("国务院安委办通报今年一季度安全生产检查情况\n2024-04-02 10:00\n"
            "浙江省检查生产经营单位1200家,江苏省检查生产经营单位800家。全国共排查隐患3万处。\n")
    result = process_bytes(text.encode(), "news.txt")
    regions = {q.raw: q.region for q in result.quantities}
    assert regions["1200家"] == "浙江省" and regions["800家"] == "江苏省"
    assert regions["3万处"] != "江苏省"  # a new sentence: not the last province's


@pytest.fixture(scope="module")
def spacy_nlp():
    nlp = ner_spacy.load()
    assert nlp is not None, "models/ner-spacy is committed; `policy-pipeline train-ner` rebuilds it"
    return nlp


def test_spacy_backend_covers_the_gold_bodies_of_the_seeds(seeds_dir, spacy_nlp):
    """At least 95% of the hand-annotated bodies of the seeds lie under an ORG of the spaCy pipeline."""
    total = covered = 0
    for gold in sorted((REPO / "corpora" / "gold").glob("0*.json")):
        source = seeds_dir / gold.name.removesuffix(".json")
        text = process_bytes(source.read_bytes(), str(source)).document.text
        lines = [line for line in text.split("\n") if line.strip()]
        orgs = {squash(line[s:e]) for line, spans in zip(lines, ner_spacy.predict(spacy_nlp, lines))
                for s, e, label, _ in spans if label == "ORG"}
        bodies = [r["body"] for t in json.loads(gold.read_text(encoding="utf-8"))["tasks"] for r in t["responsibilities"]]
        total += len(bodies)
        covered += sum(squash(b) in orgs for b in bodies)
    assert total > 800 and covered / total >= 0.95


def test_run_with_the_spacy_backend_adds_model_entities(seeds_dir, tmp_path, spacy_nlp):
    out = tmp_path / "out"
    assert main(["run", str(seeds_dir / "003_e0fedd1fff0104c5.txt"), "--out", str(out), "--workers", "1", "--ner", "spacy"]) == 0
    found = pq.read_table(out / "entities.parquet").to_pylist()
    assert {"rule", "spacy"} <= {e["source"] for e in found}
    assert all(e["label"] in rules.load("ner")["labels"] for e in found)


def test_a_missing_model_is_one_sentence(seeds_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(ner_spacy, "MODEL_DIR", tmp_path / "none")
    assert main(["run", str(seeds_dir), "--out", str(tmp_path / "out"), "--ner", "spacy"]) == 2
    err = capsys.readouterr().err.strip()
    assert "train-ner" in err and "\n" not in err


def test_corpus_split_keeps_each_document_on_one_side(seeds_dir):
    examples = ner_corpus.build([seeds_dir], REPO / "corpora" / "gold")
    train, dev = ner_corpus.split(examples, 0.4, seed=1)
    assert train and dev and not {e.doc for e in train} & {e.doc for e in dev}
    assert all(0 <= s < e <= len(x.text) for x in examples for s, e, _ in x.spans)
    assert sum(len(e.gold) for e in dev) > 0, "dev is scored on gold bodies"


def test_training_writes_a_model_that_loads_and_a_score_file(seeds_dir, tmp_path, monkeypatch):
    cfg = dict(rules.load("ner")["spacy"], epochs=1, dev_share=0.4)
    monkeypatch.setitem(rules.load("ner"), "spacy", cfg)
    report = train_ner.run(corpus=seeds_dir, models=tmp_path, with_hanlp=False)
    scores = json.loads((tmp_path / "ner-scores.json").read_text(encoding="utf-8"))
    assert scores == json.loads(json.dumps(report)) and {"rows", "rules", "spacy"} <= scores.keys()
    assert scores["dev"]["documents"] == 1 and scores["dev"]["gold_bodies"] == scores["spacy"]["gold_bodies"] > 0
    assert all(0 <= scores[name]["cover"] <= scores[name]["overlap"] <= 1 for name in ("rows", "rules", "spacy"))
    nlp = ner_spacy.load(tmp_path / "ner-spacy")
    assert nlp.pipe_names == ["ner", "span_ruler"]
