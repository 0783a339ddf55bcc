"""The annotated corpus the NER models train and are scored on, built from the project's own notices.

Silver labels come from the rules: every body a responsibility clause names and every office
of the gazetteer is an ORG, every administrative division a GPE. Documents with a hand-made annotation in
corpora/gold/ add the gold bodies (found in the text by their anchored task) as ORG. Examples are
paragraphs, not whole notices (a model's memory grows with the length of what it reads), and the
split into train and dev keeps every document on one side.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import regex

from . import gazetteer
from .entities import PERSON_LABEL
from .inputs import Source, sources
from .process import process_bytes

LABELS = ("ORG", "GPE", "PERSON")


@dataclass
class Example:
    doc: str  # the source it came from: the unit of the train/dev split
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, label) in `text`


def build(paths: list[Path], gold_dir: Path | None = None) -> list[Example]:
    """Paragraph examples of every notice under `paths`, labelled by the rules (and gold, where given)."""
    out = []
    for item in sources(paths):
        if not isinstance(item, Source):
            continue
        result = process_bytes(item.data, item.source, kind=item.kind, published=item.published)
        if result.document is None:
            continue
        spans = _silver(result) | _gold(result.document.text, gold_dir, Path(item.source).name)
        out += _paragraphs(item.source, result.document.text, spans)
    return out


def _silver(result) -> set[tuple[int, int, str]]:
    """Every place the notice names a body its clauses assign (not only inside the clause: a name
    left unlabelled elsewhere would teach the model it is no name), the gazetteer's offices and
    divisions, and its persons."""
    text, folded = result.document.text, result.document.folded
    bodies = {text[a.char_start:a.char_end] for task in result.tasks for a in task.assignments}
    spans = {(m.start(), m.end(), "ORG") for body in bodies if body.strip()
             for m in regex.finditer(regex.escape(body), text)}
    spans |= set(gazetteer.find(folded))
    spans |= {(m.start("name"), m.end("name"), "PERSON") for m in PERSON_LABEL.finditer(folded)}
    return spans


def _gold(text: str, gold_dir: Path | None, name: str) -> set[tuple[int, int, str]]:
    """Gold bodies of a hand-annotated notice, at each place their task's text names them."""
    path = gold_dir / f"{name}.json" if gold_dir else None
    if path is None or not path.exists():
        return set()
    spans = set()
    for task in json.loads(path.read_text(encoding="utf-8"))["tasks"]:
        for row in task.get("responsibilities", []):
            body = row["body"]
            spans |= {(m.start(), m.end(), "ORG") for m in regex.finditer(regex.escape(body), text)}
    return spans


def _paragraphs(doc: str, text: str, spans: set[tuple[int, int, str]]) -> list[Example]:
    """One example per line of the notice, spans moved into it; overlapping spans keep the longest."""
    kept = _no_overlaps(spans)
    out, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        inside = [(s - pos, e - pos, label) for s, e, label in kept if pos <= s and e <= end]
        if line.strip():
            out.append(Example(doc, line, inside))
        pos = end + 1
    return out


def _no_overlaps(spans: set[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], s[2])):  # the label too: no tie left to set order
        if all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
            kept.append(span)
    return sorted(kept)


def split(examples: list[Example], dev_share: float = 0.2, seed: int = 13) -> tuple[list[Example], list[Example]]:
    """Train and dev, by document: no notice has paragraphs on both sides."""
    docs = sorted({e.doc for e in examples})
    random.Random(seed).shuffle(docs)
    dev_docs = set(docs[:max(1, round(len(docs) * dev_share))])
    return [e for e in examples if e.doc not in dev_docs], [e for e in examples if e.doc in dev_docs]


def score(gold: list[Example], predicted: list[list[tuple[int, int, str]]]) -> dict[str, float]:
    """Entity precision, recall and F1: exact (start, end, label) matches, micro-averaged."""
    tp = fp = fn = 0
    for example, spans in zip(gold, predicted):
        want, got = set(example.spans), set(spans)
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "gold": tp + fn}
