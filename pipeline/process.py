"""One input, from bytes to rows: read → normalise → structure (fields, outline, tables, section
types) → tasks → responsibilities → quantities → dates → entities. Every stage's failure becomes
an error record."""
from __future__ import annotations

import bisect
import hashlib

import regex

from pipeline.stages.assignments import responsibilities, tasks
from pipeline.stages.reading import read
from pipeline.stages.structure import document, tree
from pipeline.stages.values import dates, quantities
from pipeline.ner import entities
from pipeline.stages.reading.normalize import fold, normalize
from pipeline.records import Document, ErrorRecord, Result

SENTENCE_END = regex.compile(r"[。;\n]")
SENTENCE_END_BACK = regex.compile(SENTENCE_END.pattern, regex.REVERSE)  # the last stop before a position


class StageError(Exception):
    """A failure inside one stage, carrying the stage's name to the error row."""

    def __init__(self, stage: str, exc: Exception):
        super().__init__(f"{stage} failed: {type(exc).__name__}: {exc}")
        self.stage, self.exc = stage, exc


def _stage(name: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except read.ReadError:
        raise
    except Exception as exc:
        raise StageError(name, exc) from exc


def doc_id_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def process_bytes(data: bytes, source: str, kind: str | None = None, published: str | None = None,
                  ner: str = "rules") -> Result:
    """One input's rows, or its error row. `kind` (".txt", ".html", ".docx", ".pdf") says how to read
    `data`, else `source`'s suffix does; `published` (an ISO date, e.g. from a crawl) is the
    notice's publish_date where the notice prints none; `ner` names the entity backend."""
    try:
        raw, encoding = _stage("read", read.read_text, data, source, kind)
        published = _stage("read", read.published_date, published) if published else None
        text = _stage("normalize", normalize, raw)
        doc = Document(doc_id_of(data), source, text, fold(text), hashlib.sha256(data).hexdigest(), encoding)
        found = _stage("structure", tree.read, doc.text, doc.folded)
        doc.fields = found.fields.values
        doc.fields["publish_date"] = doc.fields.get("publish_date") or published
        return _extract(doc, found, ner)
    except read.ReadError as exc:
        return Result(error=ErrorRecord(source, "read", exc.error, exc.message))
    except StageError as exc:  # a bug on one input must not stop the batch; the row says where
        return Result(error=ErrorRecord(source, exc.stage, type(exc.exc).__name__, str(exc)))


def _extract(doc: Document, found: tree.Structure, ner: str) -> Result:
    """The stages after the structural pass, each reading the parts of `found` it needs."""
    text, folded, values, fields = doc.text, doc.folded, doc.fields, found.fields
    news = found.genre == "新闻"
    year = document.notice_year(values)
    # where each part stands (review or goals, the year set): read once, for the tasks and the quantities
    context = _stage("quantities", quantities.document_context, text, folded, year, found.sections)
    found_tasks = []
    if not news:
        found_tasks = _stage("tasks", tasks.extract, doc.doc_id, text, folded, found.root, found.body, fields.stops,
                             found.tables, context=context)
        _stage("responsibilities", responsibilities.apply_notes, found_tasks, text, folded)
    found_dates = _stage("dates", dates.extract, text, folded, year, skip=fields.skip, issued=fields.issued,
                         issue_date=values.get("issue_date"))
    found_quantities = _stage("quantities", quantities.extract, text, folded, skip=fields.skip + fields.issued, news=news,
                               year=year, context=context)
    _place(found_tasks, found_quantities)
    _place(found_tasks, found_dates)
    found_entities = _stage("entities", entities.extract, text, folded, found_tasks, ner)
    entities.add_actors(found_tasks, found_entities, folded)
    entities.regions_of(found_quantities, found_entities, folded, values.get("county") or values.get("city") or values.get("province"))
    _deadlines(found_quantities, found_dates, folded)
    values["n_tasks"] = len(found_tasks)
    return Result(doc, found_tasks, found_quantities, found_dates, found_entities)


def _place(tasks, items) -> None:
    """Each value belongs to the task whose span holds it."""
    starts = [task.char_start for task in tasks]
    for item in items:
        i = bisect.bisect_right(starts, item.char_start) - 1
        if i >= 0 and item.char_start < tasks[i].char_end:
            item.task_id = tasks[i].task_id


def _deadlines(found_quantities, found_dates, folded) -> None:
    """A target's deadline is a deadline date in the same sentence; the target is set for its year."""
    # by position, so that each target looks only at its own sentence's deadlines; the first listed wins
    deadlines = sorted((d.char_start, n, d) for n, d in enumerate(found_dates) if d.kind == "deadline" and d.end)
    if not deadlines:
        return
    starts = [start for start, _, _ in deadlines]
    for q in found_quantities:
        # the sentence's bounds found from the target: listing every stop of a notice cost more than its few targets
        before = SENTENCE_END_BACK.search(folded, 0, q.char_start)
        after = SENTENCE_END.search(folded, q.char_start)
        left = before.start() if before else 0
        right = after.start() if after else len(folded)
        near = deadlines[bisect.bisect_left(starts, left):bisect.bisect_left(starts, right)]
        if near:
            d = min(near, key=lambda hit: hit[1])[2]
            q.deadline, q.year = d.end, int(d.end[:4])
