"""The annotated corpus the NER models train and are scored on, built from the project's own notices.

A notice with a hand-made annotation in corpora/gold/ is labelled by it: every body of its
responsibility rows is an ORG wherever the notice names it (a name left unlabelled elsewhere would
teach the model it is no name), so the models learn the bodies the rules miss. A notice without
gold is labelled by the rules (silver): every body a clause assigns. Both add the gazetteer's
offices and divisions and labelled persons, which gold says nothing about.

Dev is scored on the gold bodies alone, each at the one place its task names it (found from the
task's anchor, SPEC "Gold files"), beside what the rules find there. Examples are paragraphs, not
whole notices (a model's memory grows with the length of what it reads), and the split into train
and dev keeps every document on one side; dev documents are gold ones.
"""
from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import regex

from pipeline.ner import gazetteer
from pipeline.ner.entities import PERSON_LABEL
from pipeline.batch.inputs import Source, sources
from pipeline.ner.examples import Example, Span
from pipeline.process import process_bytes

# What SPEC's anchors leave out of the text they are compared with: punctuation, symbols, spaces, controls.
SQUASHED = ("P", "Z", "S", "C")


def build(paths: list[Path], gold_dir: Path | None = None) -> list[Example]:
    """Paragraph examples of every notice under `paths`, labelled by gold where `gold_dir` has it, else by the rules."""
    out = []
    for item in sources(paths):
        if not isinstance(item, Source):
            continue
        result = process_bytes(item.data, item.source, kind=item.kind, published=item.published)
        if result.document is None:
            continue
        text = result.document.text
        gold = _read_gold(gold_dir, Path(item.source).name)
        placed = set() if gold is None else placed_bodies(text, gold)
        names = _silver_bodies(result) if gold is None else {b for t in gold["tasks"] for b in _bodies(t)}
        labels = _no_overlaps({(s, e, "ORG") for s, e in placed}, _everywhere(text, names) | _common(result))
        found = {(e.char_start, e.char_end, e.label) for e in result.entities}
        rows = {(a.char_start, a.char_end) for task in result.tasks for a in task.assignments}
        out += _paragraphs(item.source, text, labels, None if gold is None else placed, found, rows)
    return out


def _read_gold(gold_dir: Path | None, name: str) -> dict | None:
    path = gold_dir / f"{name}.json" if gold_dir else None
    return json.loads(path.read_text(encoding="utf-8")) if path and path.exists() else None


def _bodies(task: dict) -> list[str]:
    return [row["body"] for row in task.get("responsibilities", []) if row["body"].strip()]


def _silver_bodies(result) -> set[str]:
    text = result.document.text
    return {text[a.char_start:a.char_end] for task in result.tasks for a in task.assignments}


def _common(result) -> set[Span]:
    """What every notice is labelled with, gold or not: the gazetteer's offices and divisions, and persons."""
    folded = result.document.folded
    return set(gazetteer.find(folded)) | {(m.start("name"), m.end("name"), "PERSON") for m in PERSON_LABEL.finditer(folded)}


def _everywhere(text: str, names: set[str]) -> set[Span]:
    return {(m.start(), m.end(), "ORG") for name in names for m in _name_pattern(name).finditer(text)}


def _name_pattern(name: str) -> regex.Pattern:
    """A body as gold writes it (half-width brackets), in the text as it stands: either width, spaces between."""
    pieces = [{"(": "[(（]", ")": "[)）]"}.get(ch, regex.escape(ch)) for ch in name if not ch.isspace()]
    return regex.compile(r"\s*".join(pieces))


def placed_bodies(text: str, gold: dict) -> set[tuple[int, int]]:
    """Each gold body at the place its task names it: the first mention from the task's anchor on
    (its clause closes the task, or the group the task is in), else the last before it (a heading
    that names the body); an inherited row's body, the last mention before the anchor (its
    carry-over note). A body the text never names, or a task whose anchor is not found, places nothing."""
    squashed, where = _squash(text)
    placed, cursor = set(), 0
    for task in gold["tasks"]:
        anchor = _squash(task["anchor"])[0]
        at = squashed.find(anchor, cursor)
        at = squashed.find(anchor) if at < 0 else at
        if not anchor or at < 0:
            continue
        start, cursor = where[at], at
        for row in task.get("responsibilities", []):
            if not row["body"].strip():
                continue
            mentions = [(m.start(), m.end()) for m in _name_pattern(row["body"]).finditer(text)]
            after = [m for m in mentions if m[0] >= start][:1]
            before = [m for m in mentions if m[0] < start][-1:]
            nearest = before + after if row.get("inherited") else after + before
            if nearest:
                placed.add(nearest[0])
    return placed


def _squash(text: str) -> tuple[str, list[int]]:
    """`text` as SPEC compares anchors (NFKC, no punctuation or spaces), and where each of its characters stood."""
    chars, where = [], []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            if not unicodedata.category(c).startswith(SQUASHED):
                chars.append(c)
                where.append(i)
    return "".join(chars), where


def _paragraphs(doc: str, text: str, labels: list[Span], gold: set[tuple[int, int]] | None,
                found: set[Span], rows: set[tuple[int, int]]) -> list[Example]:
    """One example per line of the notice, every kind of span moved into it."""
    out, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line)

        def inside(spans):
            return sorted((s - pos, e - pos, *rest) for s, e, *rest in spans if pos <= s and e <= end)

        if line.strip():
            out.append(Example(doc, line, inside(labels), None if gold is None else inside(gold), inside(found), inside(rows)))
        pos = end + 1
    return out


def _no_overlaps(first: set[Span], rest: set[Span]) -> list[Span]:
    """`first` whole (the placed gold bodies), then the longest of `rest` that overlap nothing kept."""
    kept: list[Span] = []
    for group in (first, rest):
        for span in sorted(group, key=lambda s: (-(s[1] - s[0]), s[0], s[2])):  # the label too: no tie left to set order
            if all(span[1] <= k[0] or k[1] <= span[0] for k in kept):
                kept.append(span)
    return sorted(kept)


def split(examples: list[Example], dev_share: float = 0.2, seed: int = 13) -> tuple[list[Example], list[Example]]:
    """Train and dev, by document: no notice has paragraphs on both sides, and dev holds only notices
    whose gold places a body (a notice that assigns nothing has no cover to score)."""
    docs = sorted({e.doc for e in examples if e.gold})
    random.Random(seed).shuffle(docs)
    dev_docs = set(docs[:max(1, round(len(docs) * dev_share))])
    return [e for e in examples if e.doc not in dev_docs], [e for e in examples if e.doc in dev_docs]


def cover(dev: list[Example], predicted: list[list], besides: list[list] | None = None) -> dict:
    """The share of dev's placed gold bodies that a predicted ORG spans exactly (`cover`) or touches
    (`overlap`); with `besides` (the rules' spans), the share it spans exactly and they do not (`beyond`)."""
    total = exact = touched = beyond = 0
    for i, (example, spans) in enumerate(zip(dev, predicted)):
        orgs = _orgs(spans)
        others = _orgs(besides[i]) if besides else set()
        for body in example.gold or []:
            total += 1
            exact += body in orgs
            touched += any(s < body[1] and body[0] < e for s, e in orgs)
            beyond += body in orgs and body not in others
    out = {"gold_bodies": total, "cover": exact / total if total else 0.0, "overlap": touched / total if total else 0.0}
    return out | ({"beyond": beyond / total if total else 0.0} if besides else {})


def _orgs(spans: list) -> set[tuple[int, int]]:
    """(start, end) of the ORG spans; a bare (start, end) is a responsibility row's, a body."""
    return {(s[0], s[1]) for s in spans if len(s) == 2 or s[2] == "ORG"}
