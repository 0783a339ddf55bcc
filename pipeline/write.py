"""Results → Parquet tables with explicit schemas, each written atomically."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .bodies import canonical, full_name
from .records import Result
from .schema import SCHEMA_VERSION, TABLES


def _date(value: str | None):
    return dt.date.fromisoformat(value) if value else None


def rows(results: list[Result]) -> dict[str, list[dict]]:
    """The rows of every table for a batch of results."""
    out = {name: [] for name in TABLES}
    for result in results:
        if result.error:
            out["errors"].append(vars(result.error))
            continue
        doc, values = result.document, result.document.fields
        out["documents"].append({
            "doc_id": doc.doc_id, "source": doc.source, **{k: values.get(k) for k in (
                "title", "plan_title", "issuer", "doc_number", "province", "city", "county", "region_code", "doc_type")},
            "issue_date": _date(values.get("issue_date")), "publish_date": _date(values.get("publish_date")),
            "text": doc.text, "n_tasks": len(result.tasks), "content_hash": doc.content_hash, "encoding": doc.encoding,
        })
        for task in result.tasks:
            out["tasks"].append({
                "task_id": task.task_id, "doc_id": doc.doc_id, "ordinal": task.ordinal, "outline": task.outline,
                "heading": task.heading, "text": task.text, "char_start": task.char_start, "char_end": task.char_end,
            })
            for a in task.assignments:
                out["responsibilities"].append({
                    "task_id": task.task_id, "doc_id": doc.doc_id, "body": a.body, "body_full": full_name(a.body, values, a.shared_prefix),
                    "body_canonical": canonical(full_name(a.body, values, a.shared_prefix)),
                    "role": a.role, "inherited": a.inherited, "char_start": a.char_start, "char_end": a.char_end,
                })
        for q in result.quantities:
            out["targets"].append({
                "task_id": q.task_id, "doc_id": doc.doc_id, "raw": q.raw, "value": q.value, "value_max": q.value_max,
                "unit": q.unit, "comparator": q.comparator, "period": q.period, "direction": q.direction,
                "subject": q.subject, "kind": q.kind, "deadline": _date(q.deadline),
                "char_start": q.char_start, "char_end": q.char_end,
            })
        for d in result.dates:
            out["dates"].append({
                "task_id": d.task_id, "doc_id": doc.doc_id, "raw": d.raw, "kind": d.kind, "start": _date(d.start),
                "end": _date(d.end), "char_start": d.char_start, "char_end": d.char_end,
            })
    return out


def write(results: list[Result], out_dir: Path) -> dict[str, int]:
    """Write every table under `out_dir`; returns the row count of each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, table_rows in rows(results).items():
        schema = TABLES[name].with_metadata({"schema_version": SCHEMA_VERSION, "pipeline_version": __version__})
        table = pa.Table.from_pylist(table_rows, schema=schema)
        tmp = out_dir / f".{name}.parquet.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, out_dir / f"{name}.parquet")  # readers never see a half-written table
        counts[name] = table.num_rows
    return counts
