"""The Python API for notebooks: `pipeline.extract` one notice, `pipeline.read` a run's output,
`pipeline.show` a notice's review page inline.

extract and read give a `Tables`: one pandas DataFrame per table of SPEC, typed for analysis rather than
as Parquet stores them: dates as datetime64, integers as pandas' nullable integers (a null stays
a null, not a float), lists (a task's outline, task_view's bodies) as Python lists.
"""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline import rules
from pipeline.records import Result
from pipeline.schema import TABLES

# Arrow types → pandas' nullable dtypes: an int32 column with a null would otherwise become float64
NULLABLE = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
            pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
# A string shorter than this with no line break and a notice's suffix is taken for a file name
PATH_MAX = 260


class ExtractionError(ValueError):
    """One notice could not be processed: the error row `run` would have written, as an exception."""

    def __init__(self, source: str, stage: str, error: str, message: str):
        super().__init__(f"{source}: {message} ({stage}: {error})")
        self.source, self.stage, self.error, self.message = source, stage, error, message


class Page:
    """A review page (pipeline/analysis/review.py), shown inline in Jupyter in a sandboxed frame, so that its
    styles stay its own and its text cannot run anything."""

    HEIGHT = 640

    def __init__(self, markup: str):
        self.html = markup

    def _repr_html_(self) -> str:
        return (f'<iframe sandbox srcdoc="{html.escape(self.html, quote=True)}" '
                f'style="width: 100%; height: {self.HEIGHT}px; border: 1px solid #ccc"></iframe>')

    def save(self, path: str | Path) -> Path:
        Path(path).write_text(self.html, encoding="utf-8")
        return Path(path)


class Tables(dict):
    """Table name → DataFrame, also reachable as attributes (`tables.tasks`). One notice's tables
    (from extract) show in Jupyter as its review page; a run's as each table's row count."""

    notice = None  # extract's: the rows as review.Notice, for the page
    rows = None  # extract's: each table's rows as plain dicts (dates as datetime.date), for JSON

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"no table {name!r}; the tables are {', '.join(self)}") from None

    def __repr__(self) -> str:
        return "Tables(" + ", ".join(f"{name}: {len(df)} rows" for name, df in self.items()) + ")"

    def page(self) -> Page:
        """The review page of the notice these tables came from (pipeline.extract's only)."""
        if self.notice is None:
            raise ValueError("a run's tables hold many notices: use pipeline.show(DIR, DOC_ID)")
        from pipeline.analysis.review import render
        return Page(render(self.notice))

    def _repr_html_(self) -> str:
        if self.notice is not None:
            return self.page()._repr_html_()
        return pd.DataFrame({"rows": {name: len(df) for name, df in self.items()}}).to_html()


def frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a DataFrame with the dtypes described above."""
    df = table.to_pandas(date_as_object=False, types_mapper=NULLABLE.get)
    for field in table.schema:
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            df[field.name] = pd.Series(table.column(field.name).to_pylist(), index=df.index, dtype=object)
    return df


def tables_of(result: Result) -> Tables:
    """One processed notice's rows as Tables with SPEC's columns (errors left out: there are none)."""
    from pipeline.analysis.review import notice
    from pipeline.batch.columns import tabulate  # imports the stages' helpers; pipeline.read needs none of them
    batches = tabulate(result).batches
    by_name = {name: pa.Table.from_batches([batches[name]] if name in batches else [], schema=TABLES[name]) for name in TABLES}
    tables = Tables({name: frame(table) for name, table in by_name.items() if name != "errors"})
    plain = {name: table.to_pylist() for name, table in by_name.items()}  # dates as dates, as review reads Parquet
    tables.rows = {name: plain[name] for name in tables}
    tables.notice = notice(plain["documents"][0], plain)
    return tables


def extract(notice: str | bytes | Path, *, source: str | None = None, kind: str | None = None,
            published: str | None = None, ner: str = "rules") -> Tables:
    """The tables of one notice: `notice` is its text, its bytes, or the path of a file that holds it
    (.txt, .html, .docx, .pdf). `source` names it in the tables (default: the path, or "<text>");
    `kind` (".html", ".docx", …) says how to read bytes; `published` is an ISO date used where the
    notice prints none; `ner` picks the entity backend as `run --ner` does. A notice that cannot be
    processed raises ExtractionError with the message its error row would carry."""
    from pipeline.process import process_bytes  # the stages load on first use, as in a worker
    rules.check()  # a missing rules file is told as that, not as a failure of some stage
    data, name, kind = _input(notice, source, kind)
    result = process_bytes(data, name, kind=kind, published=published, ner=ner)
    if result.error:
        raise ExtractionError(**vars(result.error))
    return tables_of(result)


def _input(notice: str | bytes | Path, source: str | None, kind: str | None) -> tuple[bytes, str, str | None]:
    if isinstance(notice, bytes):
        return notice, source or "<bytes>", kind
    if isinstance(notice, str) and not _looks_like_path(notice):
        return notice.encode("utf-8"), source or "<text>", kind or ".txt"
    path = Path(notice)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is not a file; to extract from text, pass the text itself")
    if path.suffix.lower() == ".jsonl":
        raise ValueError(f"{path} is a crawl dump of many notices: use `policy-pipeline run` and pipeline.read")
    return path.read_bytes(), source or str(path), kind


def _looks_like_path(text: str) -> bool:
    from pipeline.batch.inputs import SUFFIXES
    if len(text) >= PATH_MAX or "\n" in text:
        return False
    try:
        return Path(text).suffix.lower() in SUFFIXES or Path(text).exists()
    except (OSError, ValueError):  # a line of Chinese too long for a file name
        return False


def show(directory: str | Path, doc_id: str) -> Page:
    """The review page of one notice of a run's output, as `policy-pipeline show DIR DOC_ID` writes
    it (DOC_ID: a doc_id, a source file name, or the unique start of either); shown inline in
    Jupyter, `.save(path)` writes it."""
    from pipeline.analysis.review import load as load_notice, render
    return Page(render(load_notice(Path(directory), doc_id)))


def read(directory: str | Path, views: bool = False) -> Tables:
    """Every table of a `run` output (one Parquet file per table, or Dask's partitioned folders,
    whose partition columns province and year come along); `views=True` adds task_view and
    target_view (see pipeline.load)."""
    from pipeline.analysis.views import VIEWS, load
    con = load(directory)
    names = [*TABLES, *(VIEWS if views else ())]
    # pa.table: DuckDB 1.x hands back a Table, 2.x a stream of batches
    return Tables({name: frame(pa.table(con.sql(f"select * from {name}").arrow())) for name in names})
