"""The spaCy backend: blank `zh` with jieba and a user dictionary from the gazetteer, a SpanRuler
from the same gazetteer, and a statistical `ner` trained here by `policy-pipeline train-ner`."""
from __future__ import annotations

import os
import random
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from pipeline.ner import gazetteer
from pipeline import rules
from pipeline.ner.examples import Example

MODEL_DIR = Path(os.environ.get("POLICY_PIPELINE_MODELS") or rules.data_dir("models")) / "ner-spacy"
RULER_KEY = "ruler"  # the SpanRuler's matches are kept apart, so an entity's source can be told


@lru_cache(maxsize=1)
def _jieba_ready() -> None:
    """jieba, quiet, with the gazetteer as its user dictionary: loaded once per process."""
    import jieba
    jieba.setLogLevel(60)
    with tempfile.TemporaryDirectory() as tmp:
        jieba.load_userdict(str(gazetteer.write_user_dict(Path(tmp) / "user.dict")))


def blank():
    """Blank `zh` with the jieba segmenter and the gazetteer as its user dictionary."""
    import spacy
    _jieba_ready()
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def add_ruler(nlp):
    """The gazetteer's SpanRuler, after the `ner`: the model, trained on gold bodies, reads a whole
    name where the gazetteer knows only its tail (自治区各部门, not 各部门), and the ruler adds its
    names where the model found none there."""
    ruler = nlp.add_pipe("span_ruler",
                         config={"spans_key": RULER_KEY, "annotate_ents": True, "overwrite": False})
    ruler.add_patterns(_patterns())
    return nlp


def _patterns() -> list[dict]:
    """A division followed by an office (温岭市 应急管理局) is one body; an office alone is a body;
    a division alone is a place. jieba keeps each gazetteer name one token."""
    offices, places = sorted(gazetteer.offices()), sorted(gazetteer.places())
    return [
        {"label": "ORG", "pattern": [{"TEXT": {"IN": places}}, {"TEXT": {"IN": offices}}]},
        {"label": "ORG", "pattern": [{"TEXT": {"IN": offices}}]},
        {"label": "GPE", "pattern": [{"TEXT": {"IN": places}}]},
        *rules.load("ner")["patterns"],
    ]


@lru_cache(maxsize=2)
def load(path: Path = MODEL_DIR):
    """The trained pipeline, loaded once per process; None when `train-ner` has not been run."""
    import spacy
    if not (path / "config.cfg").exists():
        return None
    _jieba_ready()
    nlp = spacy.load(path)
    _one_torch_thread()
    return nlp


def _one_torch_thread() -> None:
    """thinc imports torch wherever it is installed (the `hanlp` extra installs it). Our pipeline
    computes with thinc's own ops, whose matrix products (blis) run on one thread; a pipeline with
    torch layers, under POLICY_PIPELINE_MODELS, would spread each worker over every core, so torch
    gets one thread here as in the HanLP backend."""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def predict(nlp, texts: list[str]) -> list[list[tuple[int, int, str, str]]]:
    """(start, end, label, source) of each text's entities; source is rule for the SpanRuler's."""
    out = []
    for doc in nlp.pipe(texts, batch_size=64):
        ruled = {(s.start_char, s.end_char) for s in doc.spans.get(RULER_KEY, [])}
        out.append([(e.start_char, e.end_char, e.label_, "rule" if (e.start_char, e.end_char) in ruled else "spacy")
                    for e in doc.ents])
    return out


def train(train_set: list[Example], out_dir: Path = MODEL_DIR) -> Path:
    """Train the `ner` on CPU with a fixed seed and save the whole pipeline to `out_dir`."""
    from spacy.training import Example as SpacyExample
    from spacy.util import fix_random_seed, minibatch
    cfg = rules.load("ner")["spacy"]
    fix_random_seed(cfg["seed"])
    nlp = blank()
    ner = nlp.add_pipe("ner", last=True)
    for label in rules.load("ner")["labels"]:
        ner.add_label(label)
    examples = [SpacyExample.from_dict(doc, {"entities": _tags(doc, e.spans)})
                for doc, e in ((nlp.make_doc(e.text), e) for e in train_set)]
    optimizer = nlp.initialize(lambda: examples)
    shuffle = random.Random(cfg["seed"])
    for _ in range(cfg["epochs"]):
        shuffle.shuffle(examples)
        for batch in minibatch(examples, size=cfg["batch_size"]):
            nlp.update(batch, drop=cfg["dropout"], sgd=optimizer)
    add_ruler(nlp)  # after initialize, which would empty its patterns
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    load.cache_clear()
    return out_dir


def _tags(doc, spans: list[tuple[int, int, str]]) -> list[str]:
    """BILUO tags; the tokens of a span that does not fall on token boundaries are unknown ("-"),
    not "outside": jieba cut it differently, which says nothing about whether it is a name."""
    from spacy.training import offsets_to_biluo_tags
    aligned = [s for s in spans if doc.char_span(s[0], s[1]) is not None]
    tags = offsets_to_biluo_tags(doc, aligned)
    for start, end, _ in set(spans) - set(aligned):
        for token in doc:
            if token.idx < end and start < token.idx + len(token):
                tags[token.i] = "-"
    return tags
