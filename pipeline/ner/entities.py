"""Named entities of a notice (ORG, GPE, PERSON), and what the tables gain from them: bodies acting
in a task's prose (role `actor`), and the region each figure is reported for.

Backends: `rules` (the bodies the clauses name, the gazetteer's places, labelled persons: fast,
the default), `spacy` (the trained pipeline of pipeline/ner/spacy_backend.py over every paragraph) and
`hanlp` (pipeline/ner/hanlp_backend.py). Models load once per process.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.ner import gazetteer
from pipeline import rules
from pipeline.records import Assignment, Task
from pipeline.spans import Spans

SENTENCE_END = regex.compile(r"[。;!?\n]")
# A person named after a label of rules/roles.toml's persons (责任人:张三): the one place the rules know a PERSON.
PERSON_LABELS = ("责任领导", "牵头领导", "分管领导", "责任人", "联系人")
PERSON_LABEL = regex.compile(rf"(?:{'|'.join(PERSON_LABELS)})\s*[:]\s*(?P<name>\p{{Han}}{{2,4}})(?=$|[\s,;。、])", regex.M)


@dataclass
class Entity:
    text: str
    label: str
    char_start: int
    char_end: int
    source: str  # rule, spacy or hanlp
    score: float | None = None
    task_id: str | None = None


def extract(text: str, folded: str, tasks: list[Task], backend: str = "rules") -> list[Entity]:
    """The notice's entities: those of the rules always, the model's where it adds one."""
    found = {(e.char_start, e.char_end): e for e in _rule_entities(text, folded, tasks)}
    if backend != "rules":
        for e in _model_entities(text, backend):
            found.setdefault((e.char_start, e.char_end), e)
    out = sorted(found.values(), key=lambda e: (e.char_start, -e.char_end))
    _place(out, tasks)
    return out


def _rule_entities(text: str, folded: str, tasks: list[Task]) -> list[Entity]:
    """The bodies the clauses name, the gazetteer's names, and persons after a label (责任人:张三)."""
    spans = {(a.char_start, a.char_end, "ORG") for task in tasks for a in task.assignments}
    named = Spans(spans)
    # a clause's reading wins over the gazetteer's: in "会同县财政局" 会同 is a verb, not 会同县
    spans |= {span for span in gazetteer.find(folded) if not named.overlaps(span[0], span[1])}
    # most notices name no label: a few C-level substring tests rule out the scan, which tries every character
    if any(label in folded for label in PERSON_LABELS):
        spans |= {(m.start("name"), m.end("name"), "PERSON") for m in PERSON_LABEL.finditer(folded)}
    return [Entity(text[s:e], label, s, e, "rule") for s, e, label in spans]


def _model_entities(text: str, backend: str) -> list[Entity]:
    """The model run paragraph by paragraph (a whole notice at once costs memory, not accuracy)."""
    starts, lines = _lines(text)
    if backend == "spacy":
        from pipeline.ner import spacy_backend as ner_spacy
        nlp = ner_spacy.load()
        if nlp is None:
            raise RuntimeError("no spaCy NER model: run `policy-pipeline train-ner` first")
        found = [[(s, e, label, source, None) for s, e, label, source in spans] for spans in ner_spacy.predict(nlp, lines)]
    else:
        from pipeline.ner import hanlp_backend as ner_hanlp
        model = ner_hanlp.load(ner_hanlp.model_dir())
        found = [[(s, e, label, "hanlp", score) for s, e, label, score in spans] for spans in ner_hanlp.predict(model, lines)]
    return [Entity(text[offset + s:offset + e], label, offset + s, offset + e, source, score)
            for offset, spans in zip(starts, found) for s, e, label, source, score in spans]


def _lines(text: str) -> tuple[list[int], list[str]]:
    starts, lines, pos = [], [], 0
    for line in text.split("\n"):
        if line.strip():
            starts.append(pos)
            lines.append(line)
        pos += len(line) + 1
    return starts, lines


def _place(found: list[Entity], tasks: list[Task]) -> None:
    starts = [t.char_start for t in tasks]
    for e in found:
        i = bisect.bisect_right(starts, e.char_start) - 1
        if i >= 0 and e.char_start < tasks[i].char_end:
            e.task_id = tasks[i].task_id


def add_actors(tasks: list[Task], found: list[Entity], folded: str) -> None:
    """A body named in a task's own text as the one doing the work ("市安委办每月…发送提示函")
    becomes an assignment with role `actor`, unless the task's clause already names it."""
    by_task: dict[str, list[Entity]] = {}
    for e in found:
        if e.label == "ORG" and e.task_id:
            by_task.setdefault(e.task_id, []).append(e)
    for task in tasks:
        named = {a.body for a in task.assignments}
        for e in by_task.get(task.task_id, []):
            if e.char_end <= task.text_end and e.text not in named and _acting(folded, e):
                task.assignments.append(Assignment(e.text, "actor", e.char_start, e.char_end))
                named.add(e.text)


@lru_cache(maxsize=1)
def _actor_patterns() -> tuple[regex.Pattern, regex.Pattern]:
    cfg = rules.load("ner")["actor"]
    return regex.compile(cfg["before"]), regex.compile(rf"\s*(?:{rules.alternation(cfg['after'])})")


def _acting(folded: str, e: Entity) -> bool:
    """At the start of a clause, followed by a verb of rules/ner.toml's [actor]."""
    before, after = _actor_patterns()
    return bool(before.search(folded, max(0, e.char_start - 4), e.char_start) and after.match(folded, e.char_end))


def regions_of(items, found: list[Entity], folded: str, default: str | None) -> None:
    """Each figure's region: the last place named before it in its sentence (a news report's
    "浙江省…检查…家"), else the notice's own region."""
    places = [e for e in found if e.label == "GPE"]
    starts = [e.char_start for e in places]
    for item in items:
        i = bisect.bisect_left(starts, item.char_start) - 1
        # in its sentence: no sentence end between the place and the figure (looked for there only,
        # not listed over the whole notice for its few figures)
        near = i >= 0 and SENTENCE_END.search(folded, places[i].char_start, item.char_start) is None
        item.region = places[i].text if near else default
