"""The Parquet schemas of SPEC.md, with columns beyond it, and their version."""
from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "1"

DOCUMENTS = pa.schema([
    ("doc_id", pa.string()), ("source", pa.string()), ("title", pa.string()), ("plan_title", pa.string()),
    ("issuer", pa.string()), ("doc_number", pa.string()), ("issue_date", pa.date32()), ("publish_date", pa.date32()),
    ("province", pa.string()), ("city", pa.string()), ("county", pa.string()), ("region_code", pa.string()),
    ("doc_type", pa.string()), ("text", pa.string()), ("n_tasks", pa.int32()),
    ("content_hash", pa.string()), ("encoding", pa.string()),
    # characters that could not be read or encoded (a lone surrogate, an undecodable byte), each now U+FFFD
    ("replaced_chars", pa.int32()),
])

TASKS = pa.schema([
    ("task_id", pa.string()), ("doc_id", pa.string()), ("ordinal", pa.int32()), ("outline", pa.list_(pa.string())),
    ("heading", pa.string()), ("text", pa.string()), ("char_start", pa.int32()), ("char_end", pa.int32()),
])

RESPONSIBILITIES = pa.schema([
    ("task_id", pa.string()), ("doc_id", pa.string()), ("body", pa.string()), ("body_full", pa.string()),
    ("body_canonical", pa.string()), ("role", pa.string()), ("inherited", pa.bool_()), ("char_start", pa.int32()), ("char_end", pa.int32()),
])

TARGETS = pa.schema([
    ("task_id", pa.string()), ("doc_id", pa.string()), ("raw", pa.string()), ("value", pa.float64()),
    ("value_max", pa.float64()), ("unit", pa.string()), ("comparator", pa.string()), ("period", pa.string()),
    ("direction", pa.string()), ("subject", pa.string()), ("kind", pa.string()), ("deadline", pa.date32()),
    ("region", pa.string()), ("char_start", pa.int32()), ("char_end", pa.int32()),
    # the year the target is set for (or a statistic reports on), and its subject's category (rules/subjects.toml)
    ("year", pa.int32()), ("subject_category", pa.string()),
    # a target stated as a floor and a stretch (确保5%、力争6%) is two rows: the floor's stretch is the
    # stretch's value, the stretch row's stretch_of the floor's char_start (pipeline/stages/values/quantities.py)
    ("stretch", pa.float64()), ("stretch_of", pa.int32()),
])

DATES = pa.schema([
    ("task_id", pa.string()), ("doc_id", pa.string()), ("raw", pa.string()), ("kind", pa.string()),
    ("start", pa.date32()), ("end", pa.date32()), ("char_start", pa.int32()), ("char_end", pa.int32()),
])

ENTITIES = pa.schema([
    ("doc_id", pa.string()), ("task_id", pa.string()), ("text", pa.string()), ("label", pa.string()),
    ("char_start", pa.int32()), ("char_end", pa.int32()), ("source", pa.string()), ("score", pa.float64()),
])

ERRORS = pa.schema([("source", pa.string()), ("stage", pa.string()), ("error", pa.string()), ("message", pa.string())])

TABLES = {
    "documents": DOCUMENTS, "tasks": TASKS, "responsibilities": RESPONSIBILITIES,
    "targets": TARGETS, "dates": DATES, "entities": ENTITIES, "errors": ERRORS,
}
