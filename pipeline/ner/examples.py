"""The examples the NER backends train and are scored on: a paragraph, its labelled spans and, for
scoring, the gold bodies and what the rules found there."""
from __future__ import annotations

from dataclasses import dataclass, field

LABELS = ("ORG", "GPE", "PERSON")
Span = tuple[int, int, str]


@dataclass
class Example:
    doc: str  # the source it came from: the unit of the train/dev split
    text: str
    spans: list[Span] = field(default_factory=list)  # training labels: (start, end, label) in `text`
    gold: list[tuple[int, int]] | None = None  # the gold bodies placed by their tasks; None without gold
    rules: list[Span] = field(default_factory=list)  # the rules' entities (`run --ner rules`)
    rows: list[tuple[int, int]] = field(default_factory=list)  # the spans of the rules' responsibility rows
