"""`policy-pipeline train-ner`: build the annotated corpus, train the NER backends, score them on dev.

Every backend is scored on the same dev documents: `rules` (the gazetteer's SpanRuler alone),
`spacy` (SpanRuler and the trained `ner`), and `hanlp` when HanLP is installed. The scores go to
models/ner-scores.json, beside the models.
"""
from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from pathlib import Path

from . import ner_corpus, ner_spacy, rules
from .ner_corpus import Example

REPO = Path(__file__).resolve().parent.parent
MODELS = ner_spacy.MODEL_DIR.parent


def evaluate(dev: list[Example], predict: Callable[[list[str]], list[list[tuple]]]) -> dict:
    """Entity P/R/F1 on `dev`, and how many dev documents a second the backend reads."""
    started = time.perf_counter()
    predicted = predict([e.text for e in dev])
    seconds = time.perf_counter() - started
    scores = ner_corpus.score(dev, [[span[:3] for span in spans] for spans in predicted])
    return {**scores, "docs_per_second": len({e.doc for e in dev}) / seconds if seconds else None}


def run(corpus: Path = REPO / "corpora", gold: Path = REPO / "corpora" / "gold", models: Path = MODELS,
        with_hanlp: bool | None = None) -> dict:
    """Train into `models` (ner-spacy/, ner-hanlp/) and write their scores to models/ner-scores.json."""
    cfg = rules.load("ner")["spacy"]
    examples = ner_corpus.build([corpus], gold)
    train, dev = ner_corpus.split(examples, cfg["dev_share"], cfg["seed"])
    report = {"train": {"documents": len({e.doc for e in train}), "paragraphs": len(train)},
              "dev": {"documents": len({e.doc for e in dev}), "paragraphs": len(dev),
                      "entities": sum(len(e.spans) for e in dev)}}
    ruler = ner_spacy.add_ruler(ner_spacy.blank())
    report["rules"] = evaluate(dev, lambda texts: ner_spacy.predict(ruler, texts))
    nlp = ner_spacy.load(ner_spacy.train(train, models / "ner-spacy"))
    report["spacy"] = evaluate(dev, lambda texts: ner_spacy.predict(nlp, texts))
    if _hanlp_available() if with_hanlp is None else with_hanlp:
        from . import ner_hanlp
        model = ner_hanlp.load(ner_hanlp.train(train, dev, models / "ner-hanlp", seed=cfg["seed"]))
        report["hanlp"] = evaluate(dev, lambda texts: ner_hanlp.predict(model, texts))
    (models / "ner-scores.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def _hanlp_available() -> bool:
    return importlib.util.find_spec("hanlp") is not None


def table(report: dict) -> str:
    """The comparison as a Markdown table, the way the README shows it."""
    lines = ["| backend | precision | recall | F1 | documents/s |", "|---|---|---|---|---|"]
    for name in ("rules", "spacy", "hanlp"):
        if name in report:
            r = report[name]
            lines.append(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['docs_per_second']:.1f} |")
    return "\n".join(lines)
