"""`policy-pipeline train-ner`: build the annotated corpus, train the NER backends, score them on dev.

Every backend is scored on the same dev documents by its cover of their gold bodies (pipeline/ner/corpus.py):
`rows` (the rules' responsibility rows), `rules` (the rules' entities, `run --ner rules`), `spacy`
(SpanRuler and the trained `ner`), and `hanlp` when HanLP is installed; a model's `beyond` is the
share of gold bodies it finds and the rules do not. The scores go to models/ner-scores.json, beside the models.
"""
from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.ner import corpus as ner_corpus, spacy_backend as ner_spacy
from pipeline import rules
from pipeline.ner.examples import Example

REPO = Path(__file__).resolve().parents[2]
MODELS = ner_spacy.MODEL_DIR.parent


def evaluate(dev: list[Example], predict: Callable[[list[str]], list[list[tuple]]]) -> dict:
    """Cover of dev's gold bodies, beside the rules', and how many dev documents a second the backend reads."""
    started = time.perf_counter()
    predicted = predict([e.text for e in dev])
    seconds = time.perf_counter() - started
    scores = ner_corpus.cover(dev, predicted, besides=[e.rules for e in dev])
    return {**scores, "docs_per_second": len({e.doc for e in dev}) / seconds if seconds else None}


def run(corpus: Path = REPO / "corpora", gold: Path = REPO / "corpora" / "gold", models: Path = MODELS,
        with_hanlp: bool | None = None) -> dict:
    """Train into `models` (ner-spacy/, ner-hanlp/) and write their scores to models/ner-scores.json."""
    cfg = rules.load("ner")["spacy"]
    examples = ner_corpus.build([corpus], gold)
    train, dev = ner_corpus.split(examples, cfg["dev_share"], cfg["seed"])
    report = {"train": {"documents": len({e.doc for e in train}), "paragraphs": len(train),
                        "gold_documents": len({e.doc for e in train if e.gold is not None})},
              "dev": {"documents": len({e.doc for e in dev}), "paragraphs": len(dev),
                      "entities": sum(len(e.spans) for e in dev), "gold_bodies": sum(len(e.gold or []) for e in dev)},
              "rows": ner_corpus.cover(dev, [e.rows for e in dev]),
              "rules": ner_corpus.cover(dev, [e.rules for e in dev])}
    nlp = ner_spacy.load(ner_spacy.train(train, models / "ner-spacy"))
    report["spacy"] = evaluate(dev, lambda texts: ner_spacy.predict(nlp, texts))
    if _hanlp_available() if with_hanlp is None else with_hanlp:
        from pipeline.ner import hanlp_backend as ner_hanlp
        model = ner_hanlp.load(ner_hanlp.train(train, dev, models / "ner-hanlp", seed=cfg["seed"]))
        report["hanlp"] = evaluate(dev, lambda texts: ner_hanlp.predict(model, texts))
    (models / "ner-scores.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def _hanlp_available() -> bool:
    return importlib.util.find_spec("hanlp") is not None


def table(report: dict) -> str:
    """The comparison as a Markdown table, the way the README shows it."""
    lines = ["| backend | cover | overlap | beyond the rules | documents/s |", "|---|---|---|---|---|"]
    for name in ("rows", "rules", "spacy", "hanlp"):
        if name in report:
            r = report[name]
            beyond = f"{r['beyond']:.3f}" if "beyond" in r else "–"
            speed = f"{r['docs_per_second']:.1f}" if r.get("docs_per_second") else "–"
            lines.append(f"| {name} | {r['cover']:.3f} | {r['overlap']:.3f} | {beyond} | {speed} |")
    return "\n".join(lines)
