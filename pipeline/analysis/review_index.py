"""The review index: one page over every document of a run, linking to each notice's review page.

`policy-pipeline review DIR OUT_DIR` writes `OUT_DIR/index.html` and one `DOC_ID.html` per notice
(pipeline/analysis/review.py). The index lists each document with its counts of tasks, bodies (responsibility
rows), targets and dates, then the run's error rows. Like the notice pages it holds no script and
loads nothing: its filters (by type, by region, notices with no task) are links to empty elements whose
`:target` state a CSS rule turns into "hide the rows without this class".
"""
from __future__ import annotations

import html
import string
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.analysis import review

TEMPLATE = Path(__file__).with_name("review_index.html")
COUNTED = {"tasks": "tasks", "bodies": "responsibilities", "targets": "targets", "dates": "dates"}
NONE = "—"  # the filter value of a document without a type or a province


def page_name(doc_id: str) -> str:
    return f"{doc_id}.html"


def _table(out_dir: Path, name: str) -> list[dict]:
    path = out_dir / f"{name}.parquet"
    return pq.read_table(path).to_pylist() if path.exists() else []


def notices(out_dir: Path) -> tuple[list[review.Notice], list[dict]]:
    """Every document of the run with its rows (each table read once), and the error rows."""
    if not (out_dir / "documents.parquet").exists():
        raise review.NotFound(f"{out_dir} holds no documents.parquet; write it first with `policy-pipeline run PATH --out {out_dir}`.")
    by_doc: dict[str, dict[str, list[dict]]] = {}
    for name in COUNTED.values():
        for row in _table(out_dir, name):
            by_doc.setdefault(row["doc_id"], {}).setdefault(name, []).append(row)
    found = []
    for doc in _table(out_dir, "documents"):
        found.append(review.notice(doc, by_doc.get(doc["doc_id"], {})))
    return found, _table(out_dir, "errors")


def _filters(values: Counter, prefix: str) -> dict[str, str]:
    """Each value its filter id, in order of frequency (then name), the common ones first and "none" last."""
    ordered = sorted(values, key=lambda v: (v == NONE, -values[v], v))
    return {value: f"{prefix}{i}" for i, value in enumerate(ordered)}


def _links(ids: dict[str, str], values: Counter) -> str:
    return "".join(f'<a href="#{fid}">{html.escape(value)} ({values[value]})</a>' for value, fid in ids.items())


def _region(doc: dict) -> str:
    return " ".join(v for v in (doc["province"], doc["city"], doc["county"]) if v)


def _order(notice: review.Notice) -> tuple:
    d = notice.doc
    return (d["province"] or "\uffff", d["city"] or "", d["county"] or "", str(d["issue_date"] or ""), d["source"])


def _row(notice: review.Notice, classes: list[str]) -> str:
    doc = notice.doc
    counts = [len(notice.tasks), len(notice.responsibilities), len(notice.targets), len(notice.dates)]
    cells = "".join(f'<td class="n{" zero" if i == 0 and n == 0 else ""}">{n}</td>' for i, n in enumerate(counts))
    title = doc["title"] or Path(doc["source"]).name
    return (f'<tr class="{" ".join(classes)}"><td><a href="{html.escape(page_name(doc["doc_id"]))}">{html.escape(title)}</a></td>'
            f'<td>{html.escape(doc["doc_type"] or "")}</td><td>{html.escape(_region(doc))}</td>'
            f'<td>{html.escape(review.cell_text(doc["issue_date"]))}</td>{cells}'
            f'<td class="source">{html.escape(Path(doc["source"]).name)}</td></tr>')


def _error_row(error: dict) -> str:
    return "<tr>" + "".join(f"<td>{html.escape(review.cell_text(error[k]))}</td>" for k in ("source", "stage", "error", "message")) + "</tr>"


def render(found: list[review.Notice], errors: list[dict], title: str) -> str:
    genres = Counter(n.doc["doc_type"] or NONE for n in found)
    provinces = Counter(n.doc["province"] or NONE for n in found)
    genre_ids, region_ids = _filters(genres, "f-type-"), _filters(provinces, "f-region-")
    rows = []
    for notice in sorted(found, key=_order):
        classes = [genre_ids[notice.doc["doc_type"] or NONE], region_ids[notice.doc["province"] or NONE]]
        rows.append(_row(notice, classes + (["f-none"] if not notice.tasks else [])))
    ids = ["f-none", *genre_ids.values(), *region_ids.values()]
    totals = {name: sum(len(getattr(n, table)) for n in found) for name, table in COUNTED.items()}
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=html.escape(title),
        summary=html.escape(f"{len(found)} documents · " + " · ".join(f"{n} {name}" for name, n in totals.items())
                            + f" · {len(errors)} errors"),
        anchors="".join(f'<span class="filter" id="{fid}"></span>' for fid in ids),
        filter_css="\n".join(f"  #{fid}:target ~ table.documents tbody tr:not(.{fid}) {{ display: none; }}\n"
                             f'  #{fid}:target ~ nav a[href="#{fid}"] {{ color: #fff; background: #0969da; }}' for fid in ids),
        genres=_links(genre_ids, genres), regions=_links(region_ids, provinces),
        rows="\n".join(rows), n_errors=len(errors), errors="\n".join(_error_row(e) for e in errors))


def write_site(out_dir: Path, html_dir: Path) -> tuple[int, int]:
    """Every notice's page and the index over them, all in `html_dir`; returns (documents, errors)."""
    found, errors = notices(out_dir)
    html_dir.mkdir(parents=True, exist_ok=True)
    for notice in found:
        (html_dir / page_name(notice.doc["doc_id"])).write_text(review.render(notice), encoding="utf-8")
    (html_dir / "index.html").write_text(render(found, errors, f"Review: {out_dir.resolve().name}"), encoding="utf-8")
    return len(found), len(errors)
