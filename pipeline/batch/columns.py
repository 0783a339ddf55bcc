"""One result's rows, made as columns where the result was made (in a worker, or in this process
for the writer to gather with the next inputs'), not in the writer from records.

Each table is a dict of columns in one pass per record kind; the values computed for the tables
alone (a body's full and canonical name, a target's subject category, grouping columns folded to
simplified characters) are computed here too, so that the parent has no stage work left to do.
"""
from __future__ import annotations

import datetime as dt

from pipeline.batch.inputs import safe_text
from pipeline.batch.rows import GATHER_BYTES, Rows
from pipeline.records import Result
from pipeline.stages.assignments.bodies import canonical, full_name
from pipeline.stages.reading.normalize import fold
from pipeline.stages.values.quantities import category

DOCUMENT_FIELDS = ("title", "plan_title", "issuer", "doc_number", "province", "city", "county", "region_code", "doc_type")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _simplified_all(texts: list[str | None]) -> list[str | None]:
    """Grouping columns in simplified characters: a notice in traditional script groups with the
    others under its subjects and bodies (raw and body keep the text as written). One call to fold
    for them all, not one each: fold maps character for character, so texts joined by a line break
    (which it leaves alone) fold as each alone would. Empty and missing texts stay as they are."""
    present = [text for text in texts if text]
    folded = fold("\n".join(present)).split("\n") if present else []
    if len(folded) != len(present):  # a text that holds a line break of its own
        folded = [fold(text) for text in present]
    each = iter(folded)
    return [next(each) if text else text for text in texts]


def tabulate(result: Result) -> Rows:
    """The rows of every table for one result, as Python columns; a table without rows is left out.
    A heavy result's are built into record batches here and now, under its time limit and memory budget."""
    if result.error:
        return Rows.failed(result.error)
    columns = {
        "documents": _documents(result), "tasks": _tasks(result), "responsibilities": _responsibilities(result),
        "targets": _targets(result), "dates": _dates(result), "entities": _entities(result),
    }
    rows = Rows(result.document.source, columns={name: table for name, table in columns.items() if table["doc_id"]},
                weight=_weight(result))
    return rows.build() if rows.weight >= GATHER_BYTES else rows


def _weight(result: Result) -> int:
    """About the bytes of a result's rows: its text twice (the document's, its tasks'), at three bytes
    a Chinese character, and a kilobyte for the rest."""
    return 6 * len(result.document.text) + 1024


def _documents(result: Result) -> dict[str, list]:
    doc, values = result.document, result.document.fields
    return {
        "doc_id": [doc.doc_id], "source": [safe_text(doc.source)], **{k: [values.get(k)] for k in DOCUMENT_FIELDS},
        "issue_date": [_date(values.get("issue_date"))], "publish_date": [_date(values.get("publish_date"))],
        "text": [doc.text], "n_tasks": [len(result.tasks)], "content_hash": [doc.content_hash], "encoding": [doc.encoding],
        "replaced_chars": [doc.text.count("\ufffd")],
    }


def _tasks(result: Result) -> dict[str, list]:
    tasks = result.tasks
    return {
        "task_id": [t.task_id for t in tasks], "doc_id": [result.document.doc_id] * len(tasks),
        "ordinal": [t.ordinal for t in tasks], "outline": [t.outline for t in tasks], "heading": [t.heading for t in tasks],
        "text": [t.text for t in tasks], "char_start": [t.char_start for t in tasks], "char_end": [t.char_end for t in tasks],
    }


def _responsibilities(result: Result) -> dict[str, list]:
    values = result.document.fields
    found = [a for task in result.tasks for a in task.assignments]
    # a notice names the same few bodies task after task: each distinct name is completed and folded once
    full_of = {key: full_name(key[0], values, key[1]) for key in dict.fromkeys((a.body, a.shared_prefix) for a in found)}
    full = [full_of[a.body, a.shared_prefix] for a in found]
    distinct = list(dict.fromkeys(full))
    canonical_of = {f: canonical(simplified) for f, simplified in zip(distinct, _simplified_all(distinct))}
    return {
        "task_id": [task.task_id for task in result.tasks for _ in task.assignments], "doc_id": [result.document.doc_id] * len(found),
        "body": [a.body for a in found], "body_full": full, "body_canonical": [canonical_of[f] for f in full],
        "role": [a.role for a in found], "inherited": [a.inherited for a in found],
        "char_start": [a.char_start for a in found], "char_end": [a.char_end for a in found],
    }


def _targets(result: Result) -> dict[str, list]:
    found = result.quantities
    subjects = _simplified_all([q.subject for q in found])
    return {
        "task_id": [q.task_id for q in found], "doc_id": [result.document.doc_id] * len(found),
        "raw": [q.raw for q in found], "value": [q.value for q in found], "value_max": [q.value_max for q in found],
        "unit": [q.unit for q in found], "comparator": [q.comparator for q in found], "period": [q.period for q in found],
        "direction": [q.direction for q in found], "subject": subjects, "kind": [q.kind for q in found],
        "deadline": [_date(q.deadline) for q in found], "region": [q.region for q in found],
        "char_start": [q.char_start for q in found], "char_end": [q.char_end for q in found], "year": [q.year for q in found],
        "subject_category": [category(s, raw, q.unit) for s, raw, q in zip(subjects, _simplified_all([q.raw for q in found]), found)],
        "stretch": [q.stretch for q in found], "stretch_of": [q.stretch_of for q in found],
    }


def _dates(result: Result) -> dict[str, list]:
    found = result.dates
    return {
        "task_id": [d.task_id for d in found], "doc_id": [result.document.doc_id] * len(found),
        "raw": [d.raw for d in found], "kind": [d.kind for d in found], "start": [_date(d.start) for d in found],
        "end": [_date(d.end) for d in found], "char_start": [d.char_start for d in found], "char_end": [d.char_end for d in found],
    }


def _entities(result: Result) -> dict[str, list]:
    found = result.entities
    return {
        "doc_id": [result.document.doc_id] * len(found), "task_id": [e.task_id for e in found],
        "text": [e.text for e in found], "label": [e.label for e in found], "char_start": [e.char_start for e in found],
        "char_end": [e.char_end for e in found], "source": [e.source for e in found], "score": [e.score for e in found],
    }
