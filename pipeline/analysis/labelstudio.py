"""The correction loop with Label Studio: a run's extractions out as pre-annotated tasks, corrections back in as gold.

`policy-pipeline export DIR --label-studio FILE.json` writes one Label Studio task per notice: `data.text`
is the normalised text, and `predictions` holds every extracted row as a labelled span at its character
offsets (Label Studio's `labels` results: `value.start`, `value.end`, `value.text`, `value.labels`), for
the labelling config in `label_studio.xml`. What a span alone does not say (a task's outline, a
quantity's value and unit, a date's start and end) is a per-region `fields` text, `key=value; …`; a
row that its task's span does not hold (an inherited body, a clause shared by tasks) is tied to its
task(s) by relations.

`policy-pipeline import-corrections EXPORT.json --out GOLD_DIR` reads Label Studio's JSON export and
writes each annotated notice as a gold file in SPEC's format ("Gold files"), which eval/score.py and
`train-ner` read. Offsets are Python string indices of `data.text`, as Label Studio counts them.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from pipeline.analysis.review import Notice

CONFIG = Path(__file__).with_name("label_studio.xml")
FROM, TO = "label", "text"  # the names of the Labels and Text tags in the config
FIELDS = "fields"  # the per-region TextArea
ROLES = ("lead", "support", "responsible", "supervise")  # SPEC's roles; `actor` rows are not gold
QUANTITY_KINDS = ("target", "statistic", "scope")
DATE_KINDS = ("deadline", "period", "point", "issued")
META = ("title", "plan_title", "issuer", "doc_number", "issue_date", "publish_date", "province", "city", "county", "doc_type")
# SPEC's anchors: 8 to 30 characters of the task, compared with punctuation, symbols, spaces and controls removed
ANCHOR_MIN, ANCHOR_MAX, SQUASHED = 8, 30, ("P", "Z", "S", "C")


class CorrectionsError(Exception):
    """A Label Studio export that cannot be read as corrections, told in one sentence."""


# --- out: tasks with predictions ------------------------------------------------------------------------

def _iso(value) -> str | None:
    return None if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)


def _fields(pairs: dict) -> str:
    """`key=value; …` for the values that are set: floats without a trailing .0, dates in ISO form."""
    shown = {k: f"{v:.12g}" if isinstance(v, float) else "true" if v is True else _iso(v)
             for k, v in pairs.items() if v is not None and v is not False}
    return "; ".join(f"{k}={v}" for k, v in shown.items())


def _region(rid: str, text: str, start: int, end: int, label: str) -> dict:
    return {"id": rid, "from_name": FROM, "to_name": TO, "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def _note(rid: str, start: int, end: int, fields: str) -> dict:
    """The per-region `fields` text: a result of its own that shares the region's id, as Label Studio writes it."""
    return {"id": rid, "from_name": FIELDS, "to_name": TO, "type": "textarea",
            "value": {"start": start, "end": end, "text": [fields]}}


def _innermost(tasks: list[dict], start: int, end: int) -> str | None:
    """The id of the shortest task whose span holds start..end, or None."""
    holding = [t for t in tasks if t["char_start"] <= start and end <= t["char_end"]]
    return min(holding, key=lambda t: t["char_end"] - t["char_start"])["task_id"] if holding else None


def _rows(notice: Notice) -> list[tuple[dict, str, dict]]:
    """Every row to show as (row, label, fields)."""
    rows = [(r, r["role"], {"body": r["body"] if r["body"] != notice.doc["text"][r["char_start"]:r["char_end"]] else None,
                            "inherited": r["inherited"]})
            for r in notice.responsibilities if r["role"] in ROLES]
    rows += [(q, q["kind"], {**{k: q[k] for k in ("value", "value_max", "unit", "comparator", "period")}, **_outside(notice, q)})
             for q in notice.targets]
    rows += [(d, d["kind"], {"start": d["start"], "end": d["end"], **_outside(notice, d)}) for d in notice.dates]
    return rows


def _outside(notice: Notice, row: dict) -> dict:
    """`outside=true` for a row of no task that a task's span holds all the same (no relation can say "none")."""
    return {"outside": row["task_id"] is None and _innermost(notice.tasks, row["char_start"], row["char_end"]) is not None}


def task(notice: Notice) -> dict:
    """One Label Studio task: the notice's text and meta, its rows as one prediction."""
    doc, text = notice.doc, notice.doc["text"]
    result, rid = [], {}
    for i, t in enumerate(notice.tasks):
        rid[t["task_id"]] = f"t{i}"
        result.append(_region(f"t{i}", text, t["char_start"], t["char_end"], "Task"))
        result.append(_note(f"t{i}", t["char_start"], t["char_end"], _fields({"outline": ".".join(t["outline"] or [])})))
    groups: dict[tuple, list[str | None]] = {}
    for row, label, fields in _rows(notice):
        groups.setdefault((row["char_start"], row["char_end"], label, _fields(fields)), []).append(row["task_id"])
    for i, ((start, end, label, fields), owners) in enumerate(groups.items()):
        result.append(_region(f"r{i}", text, start, end, label))
        if fields:
            result.append(_note(f"r{i}", start, end, fields))
        if set(owners) != {_innermost(notice.tasks, start, end)}:
            result += [{"type": "relation", "from_id": f"r{i}", "to_id": rid[o], "direction": "right"} for o in owners if o]
    data = {"text": text, "doc": Path(doc["source"]).name, "doc_id": doc["doc_id"], "meta": {k: _iso(doc[k]) for k in META}}
    return {"data": data, "predictions": [{"model_version": "policy-pipeline", "result": result}]}


def to_label_studio(directory: str | Path, path: str | Path) -> dict[str, int]:
    """Every notice of the run in `directory` as a Label Studio task in the JSON file `path` ("-": standard output)."""
    from pipeline.analysis.review_index import notices
    found, _ = notices(Path(directory))
    tasks = [task(n) for n in found]
    dump = json.dumps(tasks, ensure_ascii=False, indent=1)
    if str(path) == "-":
        print(dump)
    else:
        Path(path).write_text(dump, encoding="utf-8")
    return {"tasks": len(tasks), "predictions": sum(len(t["predictions"][0]["result"]) for t in tasks)}


# --- in: annotations as gold ----------------------------------------------------------------------------

def squash(text: str) -> str:
    """`text` as SPEC compares anchors: NFKC, without punctuation, symbols, spaces or controls."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if not unicodedata.category(c).startswith(SQUASHED))


def anchor(text: str, start: int, end: int) -> str:
    """8 to 30 squashed characters of the task that occur once in the whole text: from its start where
    they can, else from the earliest place they can; a task whose every piece recurs gets its first 30."""
    own, whole = squash(text[start:end]), squash(text)
    for at in range(max(1, len(own) - ANCHOR_MIN + 1)):
        for size in range(ANCHOR_MIN, min(ANCHOR_MAX, len(own) - at) + 1):
            if whole.count(own[at:at + size]) == 1:
                return own[at:at + size]
    return own[:ANCHOR_MAX]


def parse_fields(note: str) -> dict[str, str]:
    pairs = (part.split("=", 1) for part in note.split(";") if "=" in part)
    return {k.strip(): v.strip() for k, v in pairs if v.strip()}


def _number(value: str | None) -> float | None:
    return None if value is None else float(value)


def _annotation(item: dict) -> list[dict] | None:
    """The result of the newest annotation not cancelled, or None where nobody annotated the notice."""
    done = [a for a in item.get("annotations", []) if not a.get("was_cancelled")]
    return max(done, key=lambda a: (a.get("updated_at") or "", a.get("id") or 0))["result"] if done else None


def gold(item: dict) -> dict | None:
    """The gold file (SPEC "Gold files") of one exported Label Studio task, or None if it has no annotation."""
    result = _annotation(item)
    if result is None:
        return None
    text = item["data"]["text"]
    regions = {r["id"]: r for r in result if r.get("type") == "labels" and r.get("from_name") == FROM}
    notes = {r["id"]: " ".join(r["value"].get("text") or []) for r in result if r.get("from_name") == FIELDS}
    links: dict[str, list[str]] = {}
    for r in result:
        if r.get("type") == "relation":
            links.setdefault(r["from_id"], []).append(r["to_id"])
    spans = {rid: r["value"] for rid, r in regions.items() if r["value"]["labels"][0] == "Task"}
    tasks = {rid: {"anchor": anchor(text, v["start"], v["end"]), "outline": [p for p in parse_fields(notes.get(rid, "")).get("outline", "").split(".") if p],
                   "responsibilities": [], "targets": [], "dates": []}
             for rid, v in sorted(spans.items(), key=lambda kv: (kv[1]["start"], -kv[1]["end"]))}
    others = {"targets": [], "dates": []}
    for rid, region in regions.items():
        value, label = region["value"], region["value"]["labels"][0]
        if label == "Task":
            continue
        table = "responsibilities" if label in ROLES else "targets" if label in QUANTITY_KINDS else "dates"
        fields = parse_fields(notes.get(rid, ""))
        row = _row(label, text[value["start"]:value["end"]], fields)
        owners = [None] if fields.get("outside") == "true" else links.get(rid) or [_innermost_region(spans, value["start"], value["end"])]
        for owner in owners:
            if owner in tasks:
                tasks[owner][table].append(row)
            elif table in others:
                others[table].append(row)
    return {"doc": item["data"]["doc"], "meta": item["data"].get("meta", {}), "tasks": list(tasks.values()),
            "other_targets": others["targets"], "other_dates": others["dates"]}


def _innermost_region(spans: dict[str, dict], start: int, end: int) -> str | None:
    holding = [(v["end"] - v["start"], rid) for rid, v in spans.items() if v["start"] <= start and end <= v["end"]]
    return min(holding)[1] if holding else None


def _row(label: str, raw: str, fields: dict[str, str]) -> dict:
    if label in ROLES:
        return {"body": fields.get("body", raw), "role": label, "inherited": fields.get("inherited") == "true"}
    if label in QUANTITY_KINDS:
        return {"raw": raw, "value": _number(fields.get("value")), "value_max": _number(fields.get("value_max")),
                "unit": fields.get("unit"), "comparator": fields.get("comparator"), "period": fields.get("period"), "kind": label}
    if label in DATE_KINDS:
        return {"raw": raw, "kind": label, "start": fields.get("start"), "end": fields.get("end")}
    raise CorrectionsError(f"the label {label!r} is not one of {CONFIG.name}'s; use the config shipped with policy-pipeline.")


def import_corrections(export: str | Path, gold_dir: str | Path) -> tuple[int, int]:
    """Each annotated task of the Label Studio JSON export `export` ("-": standard input) as
    `gold_dir/DOC.json`; returns (written, skipped for want of an annotation)."""
    import sys
    try:
        items = json.loads(sys.stdin.read() if str(export) == "-" else Path(export).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CorrectionsError(f"{export} is not JSON ({exc.msg} at line {exc.lineno}); export the project from Label Studio as JSON.") from exc
    if not isinstance(items, list) or not all(isinstance(i, dict) and "text" in i.get("data", {}) for i in items):
        raise CorrectionsError(f"{export} is not a Label Studio JSON export of tasks made by `export --label-studio`.")
    gold_dir = Path(gold_dir)
    gold_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for item in items:
        made = gold(item)
        if made is not None:
            (gold_dir / f"{made['doc']}.json").write_text(json.dumps(made, ensure_ascii=False, indent=1), encoding="utf-8")
            written += 1
    return written, len(items) - written
