"""One input, from bytes to rows: read → normalise → fields → outline and tasks →
responsibilities → quantities → dates. Every stage's failure becomes an error record."""
from __future__ import annotations

import hashlib

import bisect

import regex

from . import dates, document, outline, quantities, read, responsibilities
from .normalize import fold, normalize
from .records import Document, ErrorRecord, Result


def doc_id_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def process_bytes(data: bytes, source: str) -> Result:
    stage = "read"
    try:
        raw, encoding = read.read_text(data, source)
        stage = "normalize"
        text = normalize(raw)
        doc = Document(doc_id_of(data), source, text, fold(text), hashlib.sha256(data).hexdigest(), encoding)
        stage = "document"
        fields = document.extract(doc.text, doc.folded)
        doc.fields = fields.values
        return _extract(doc, fields)
    except read.ReadError as exc:
        return Result(error=ErrorRecord(source, stage, exc.error, exc.message))
    except Exception as exc:  # a bug on one input must not stop the batch; the row says where
        return Result(error=ErrorRecord(source, stage, type(exc).__name__, f"{stage} failed: {exc}"))


def _extract(doc: Document, fields: document.Fields) -> Result:
    text, folded, values = doc.text, doc.folded, doc.fields
    root = outline.build(text, folded)
    if values["doc_type"] == "新闻" and root.children:
        values["doc_type"] = "其他"  # numbered items make it a plan or a report, not a news story
    news = values["doc_type"] == "新闻"
    tasks = []
    if not news:
        tasks, clauses = outline.tasks(doc.doc_id, text, folded, root, (fields.body_start, fields.body_end or len(text)))
        responsibilities.inherit(tasks, clauses)
    year = document.notice_year(values)
    found_dates = dates.extract(text, folded, year, skip=fields.skip, issued=fields.issued,
                                issue_date=values.get("issue_date"))
    found_quantities = quantities.extract(text, folded, skip=fields.skip + fields.issued, news=news)
    _place(tasks, found_quantities)
    _place(tasks, found_dates)
    _deadlines(found_quantities, found_dates, folded)
    values["n_tasks"] = len(tasks)
    return Result(doc, tasks, found_quantities, found_dates)


def _place(tasks, items) -> None:
    """Each value belongs to the task whose span holds it."""
    for item in items:
        for task in tasks:
            if task.char_start <= item.char_start < task.char_end:
                item.task_id = task.task_id
                break


def _deadlines(found_quantities, found_dates, folded) -> None:
    """A target's deadline is a deadline date in the same sentence."""
    stops = [m.start() for m in regex.finditer(r"[。;\n]", folded)]
    for q in found_quantities:
        i = bisect.bisect_left(stops, q.char_start)
        left = stops[i - 1] if i else 0
        right = stops[i] if i < len(stops) else len(folded)
        for d in found_dates:
            if d.kind == "deadline" and left <= d.char_start < right and d.end:
                q.deadline = d.end
                break
