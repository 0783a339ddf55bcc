"""The review page: one notice's text with its rows highlighted where they were read, and a table of them.

`policy-pipeline show DIR DOC_ID --html FILE` writes it. The page is self-contained (CSS inline, no
JavaScript, a Content-Security-Policy that allows neither scripts nor remote loads), and every string
taken from the tables is escaped, so a notice that contains markup shows it as text.
"""
from __future__ import annotations

import html
import string
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

ROLES = ("lead", "support", "responsible", "supervise", "actor")
ROLE_NAMES = {"lead": "lead 牵头", "support": "support 配合", "responsible": "responsible 负责", "supervise": "supervise 督促",
              "actor": "actor 实施"}
COMPARATORS = {">=": "≥", "<=": "≤", "~": "≈"}
# Which highlight wraps which when two cover the same text: a task holds its bodies, quantities and dates.
KIND_RANK = {"task": 0, "body": 1, "quantity": 2, "date": 3}
TEMPLATE = Path(__file__).with_name("review.html")


class NotFound(Exception):
    """The output folder or the notice asked for is not there; the message says which, in one sentence."""


@dataclass
class Notice:
    """One document's row and its rows from the other tables, each with an `id` the page refers to."""

    doc: dict
    tasks: list[dict]
    responsibilities: list[dict]
    targets: list[dict]
    dates: list[dict]


@dataclass(frozen=True)
class Highlight:
    """A span of the text shown as one highlight; `rows` are the ids of the rows read from it."""

    kind: str  # task, body, quantity or date
    hid: str  # the element id of its first piece, the side table's link target
    rows: tuple[str, ...]
    start: int
    end: int
    css: str
    title: str
    label: str = ""  # a task's badge, T1, T2, …


# --- loading ------------------------------------------------------------------------------------------

def find_document(docs: list[dict], ref: str, where: Path) -> dict:
    """The document `ref` names: its doc_id, source path or file name, or a unique prefix of the id or file name."""
    named = [d for d in docs if ref in (d["doc_id"], d["source"], Path(d["source"]).name)]
    matches = named or [d for d in docs if d["doc_id"].startswith(ref) or Path(d["source"]).name.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"no document {ref!r} in {where}; give a doc_id, a source file name, or the start of either.")
    ids = ", ".join(sorted(d["doc_id"] for d in matches)[:5])
    raise NotFound(f"{ref!r} matches {len(matches)} documents in {where} ({ids}); give more of it.")


def _rows(out_dir: Path, table: str, doc_id: str) -> list[dict]:
    return pq.read_table(out_dir / f"{table}.parquet", filters=[("doc_id", "==", doc_id)]).to_pylist()


def _numbered(rows: list[dict], prefix: str) -> list[dict]:
    """Rows without an id of their own get `prefix-N`, N their position among the document's rows."""
    return [{**row, "id": f"{prefix}-{i}"} for i, row in enumerate(rows)]


def notice(doc: dict, rows: dict[str, list[dict]]) -> Notice:
    """A notice from its document row and its rows by table name (tasks, responsibilities, targets,
    dates), each row given the id its highlight and table entry share."""
    return Notice(doc, [{**t, "id": t["task_id"]} for t in rows.get("tasks", [])],
                  _numbered(rows.get("responsibilities", []), "resp"), _numbered(rows.get("targets", []), "target"),
                  _numbered(rows.get("dates", []), "date"))


def load(out_dir: Path, ref: str) -> Notice:
    """The notice `ref` names (see find_document) with its rows, from the tables a run wrote to `out_dir`."""
    path = out_dir / "documents.parquet"
    if not path.is_file():
        raise NotFound(f"{out_dir} holds no documents.parquet; write it first with `policy-pipeline run PATH --out {out_dir}`.")
    doc = find_document(pq.read_table(path).to_pylist(), ref, out_dir)
    return notice(doc, {table: _rows(out_dir, table, doc["doc_id"]) for table in ("tasks", "responsibilities", "targets", "dates")})


# --- highlights ---------------------------------------------------------------------------------------

def cell_text(value) -> str:
    """A cell as shown: dates in ISO form, floats without a trailing .0, nothing for null."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.12g}"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _comparator(code: str) -> str:
    return COMPARATORS.get(code, code)


def task_label(task: dict) -> str:
    return f"T{task['ordinal']}"


def _task_title(task: dict) -> str:
    outline = " › ".join(task["outline"] or [])
    return f"task {task['ordinal']} ({outline}): {task['heading'] or _excerpt(task['text'])}"


def _body_title(rows: list[dict], labels: dict[str, str]) -> str:
    first = rows[0]
    names = " → ".join(dict.fromkeys(n for n in (first["body"], first["body_full"], first.get("body_canonical")) if n))
    tasks = ", ".join(labels.get(r["task_id"], "?") for r in rows)
    inherited = " (inherited note)" if any(r["inherited"] for r in rows) else ""
    return f"{first['role']}: {names}; {tasks}{inherited}"


def _quantity_title(rows: list[dict]) -> str:
    q = rows[0]
    amount = cell_text(q["value"]) + (f"–{cell_text(q['value_max'])}" if q["value_max"] is not None else "")
    parts = [f"{q['kind']}: {_comparator(q['comparator'])} {amount} {cell_text(q['unit'])}".rstrip()]
    parts += [f"{name} {cell_text(q[key])}" for key, name in (("period", "per"), ("subject", "of"), ("deadline", "by")) if q[key]]
    return "; ".join(parts)


def _date_title(rows: list[dict]) -> str:
    d = rows[0]
    return f"{d['kind']}: {cell_text(d['start']) or '…'} – {cell_text(d['end']) or '…'}"


def _grouped(rows: list[dict], kind: str, css, title) -> list[Highlight]:
    """One highlight per span and class: the rows a shared clause gives to several tasks show once."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["char_start"], row["char_end"], css(row)), []).append(row)
    return [Highlight(kind, f"h-{kind}-{i}", tuple(r["id"] for r in group), start, end, cls, title(group))
            for i, ((start, end, cls), group) in enumerate(groups.items())]


def highlights(notice: Notice) -> list[Highlight]:
    labels = {t["task_id"]: task_label(t) for t in notice.tasks}
    tasks = [Highlight("task", f"h-task-{i}", (t["id"],), t["char_start"], t["char_end"],
                       f"task band-{t['ordinal'] % 2}", _task_title(t), task_label(t)) for i, t in enumerate(notice.tasks)]
    return (tasks
            + _grouped(notice.responsibilities, "body", lambda r: f"body {r['role']}", lambda rows: _body_title(rows, labels))
            + _grouped(notice.targets, "quantity", lambda r: "quantity", _quantity_title)
            + _grouped(notice.dates, "date", lambda r: "date", _date_title))


# --- the marked-up text -------------------------------------------------------------------------------

def _fits(h: Highlight, text: str) -> bool:
    """An empty span, or one outside the text, has nothing to show (and no piece to link to)."""
    return 0 <= h.start < h.end <= len(text)


def _nesting(h: Highlight) -> tuple:
    """Outer before inner: tasks first (their bands never break), then earlier start, then longer span."""
    return (h.kind != "task", h.start, -h.end, KIND_RANK[h.kind], h.hid)


def _open(h: Highlight, first: bool) -> str:
    attrs = {"id": h.hid if first else None, "class": h.css, "data-kind": h.kind, "data-hl": h.hid,
             "data-rows": " ".join(h.rows), "data-start": h.start, "data-end": h.end, "title": h.title,
             "data-label": h.label or None}
    return "<span " + " ".join(f'{k}="{html.escape(str(v))}"' for k, v in attrs.items() if v is not None) + ">"


def markup(text: str, spans: list[Highlight]) -> str:
    """`text`, escaped, with every highlight wrapped in spans.

    The text is cut at every highlight's start and end; each piece is wrapped in the highlights that cover
    it, outermost first. Between pieces only the tags that differ are closed and opened, so tags always nest,
    and a highlight that crosses another's boundary is closed and reopened there: split into pieces that
    share its `data-hl`. Only its first piece carries the `id`.
    """
    waiting = sorted((h for h in spans if _fits(h, text)), key=lambda h: h.start, reverse=True)
    cuts = sorted({0, len(text), *(h.start for h in waiting), *(h.end for h in waiting)})
    out: list[str] = []
    stack: list[Highlight] = []
    started: set[str] = set()
    for a, b in zip(cuts, cuts[1:]):
        active = [h for h in stack if h.end > a]
        while waiting and waiting[-1].start == a:
            active.append(waiting.pop())
        active.sort(key=_nesting)
        keep = 0
        while keep < min(len(stack), len(active)) and stack[keep] is active[keep]:
            keep += 1
        out += ["</span>"] * (len(stack) - keep)
        for h in active[keep:]:
            out.append(_open(h, h.hid not in started))
            started.add(h.hid)
        stack = active
        out.append(html.escape(text[a:b]))
    out += ["</span>"] * len(stack)
    return "".join(out)


# --- the side table -----------------------------------------------------------------------------------

def _link(target: str | None, label: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    if target is None:  # a row whose span is empty or outside the text has nothing to point at
        return f"<span{cls}>{html.escape(label)}</span>"
    return f'<a href="#{html.escape(target)}"{cls}>{html.escape(label)}</a>'


def _cells(values) -> str:
    return "".join(f"<td>{html.escape(cell_text(v))}</td>" for v in values)


def _excerpt(text: str, size: int = 30) -> str:
    return text if len(text) <= size else text[:size] + "…"


def task_rows(notice: Notice, anchor: dict[str, str]) -> str:
    bodies: dict[str, list[dict]] = {}
    for r in notice.responsibilities:
        bodies.setdefault(r["task_id"], []).append(r)
    rows = []
    for t in notice.tasks:
        chips = " ".join(_link(anchor.get(r["id"]), r["body"] + ("*" if r["inherited"] else ""), f"chip {r['role']}")
                         for r in bodies.get(t["task_id"], []))
        rows.append(f"<tr><td>{_link(anchor.get(t['id']), task_label(t))}</td>"
                    f"<td class=\"outline\">{html.escape('.'.join(t['outline'] or []))}</td>"
                    f"<td>{html.escape(t['heading'] or _excerpt(t['text']))}</td><td>{chips}</td></tr>")
    return "\n".join(rows)


def target_rows(notice: Notice, anchor: dict[str, str]) -> str:
    return "\n".join(
        f"<tr><td>{_link(anchor.get(q['id']), q['raw'])}</td>"
        + _cells([q["value"] if q["value_max"] is None else f"{cell_text(q['value'])}–{cell_text(q['value_max'])}",
                  q["unit"], _comparator(q["comparator"]), q["period"], q["kind"], q["subject"]])
        + "</tr>" for q in notice.targets)


def date_rows(notice: Notice, anchor: dict[str, str]) -> str:
    return "\n".join(f"<tr><td>{_link(anchor.get(d['id']), d['raw'])}</td>" + _cells([d["kind"], d["start"], d["end"]]) + "</tr>"
                     for d in notice.dates)


# --- the page -----------------------------------------------------------------------------------------

def _meta(doc: dict) -> str:
    region = " ".join(v for v in (doc["province"], doc["city"], doc["county"]) if v)
    fields = [("issuer", doc["issuer"]), ("number", doc["doc_number"]), ("issued", doc["issue_date"]),
              ("published", doc["publish_date"]), ("region", region), ("type", doc["doc_type"]),
              ("doc_id", doc["doc_id"]), ("source", doc["source"])]
    return "".join(f'<span><span class="name">{name}</span> {html.escape(cell_text(value))}</span>' for name, value in fields if value)


def render(notice: Notice) -> str:
    spans = highlights(notice)
    anchor = {row: h.hid for h in spans if _fits(h, notice.doc["text"]) for row in h.rows}
    counts = {"tasks": len(notice.tasks), "responsibilities": len(notice.responsibilities),
              "targets": len(notice.targets), "dates": len(notice.dates)}
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=html.escape(notice.doc["title"] or notice.doc["source"]),
        plan_title=html.escape(notice.doc["plan_title"] or ""),
        meta=_meta(notice.doc),
        counts=" · ".join(f"{n} {name}" for name, n in counts.items()),
        legend="".join(f'<span class="body {role}">{html.escape(ROLE_NAMES[role])}</span>' for role in ROLES),
        text=markup(notice.doc["text"], spans),
        tasks=task_rows(notice, anchor), targets=target_rows(notice, anchor), dates=date_rows(notice, anchor),
    )


def write_page(out_dir: Path, ref: str, html_path: Path) -> Notice:
    """Render the notice `ref` names from the tables in `out_dir` to `html_path`."""
    notice = load(out_dir, ref)
    html_path.write_text(render(notice), encoding="utf-8")
    return notice
