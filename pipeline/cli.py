"""The command line: `policy-pipeline run|extract|query|compare|show|export`."""
from __future__ import annotations

import argparse
import gc
import json
import importlib.util
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path

from pipeline import __version__, rules
from pipeline.ner import BACKENDS
from pipeline.batch import inputs, rerun

# The heavy modules (pyarrow, DuckDB, the readers, the stages) are imported by the commands that
# use them, so that `--help` and a small run start in a fraction of a second (README "Speed").

class UsageError(Exception):
    """A mistake on the command line, told to the user in one sentence."""


def check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write to --out {out}: {exc.strerror or exc}.") from exc


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    out = Path(args.out)
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be 1 or more, not {args.workers}.")
    if not (math.isfinite(args.time_limit) and args.time_limit > 0):
        raise UsageError(f"--time-limit must be a number of seconds above 0, not {args.time_limit:g}.")
    try:
        items = inputs.sources(args.paths)
    except inputs.MissingInput as exc:
        raise UsageError(str(exc)) from exc
    check_writable(out)
    check_rules()
    _check_ner(args)
    tally = Tally()
    stats = None if args.force or args.engine != "local" else rerun.unchanged(items.paths, out)
    if stats is None:
        stats = _process(args, items, out, tally)
    tally.failed += stats.failed  # those a quick rerun met, failing as before
    seconds = time.perf_counter() - started
    counts = stats.counts
    skipped = f", {stats.skipped} unchanged and kept" if stats.skipped else ""
    if not args.quiet:
        print(f"{counts['documents']} documents, {counts['tasks']} tasks, {counts['errors']} errors in {seconds:.1f} s "
              f"({stats.processed} processed{skipped}) → {out}")
    return tally.exit_code(stats.skipped, args.strict, out)


def _process(args: argparse.Namespace, items, out: Path, tally: "Tally"):
    """The run's work, with a progress bar on a terminal."""
    gc.disable()  # importing the stages and pyarrow makes many objects and no garbage
    try:
        from pipeline.batch import runs as batch
        from pipeline.batch.workers import WorkerError
    finally:
        gc.enable()
    with _progress_bar() as bar:
        def progress(result):
            bar.update()
            tally.add(result)
            if args.verbose:  # each input as it is done, above the progress bar
                bar.write(f"{result.error.source}: {result.error.error}" if result.error else
                          f"{result.source}: {result.count('tasks')} tasks, {result.count('targets')} targets, "
                          f"{result.count('dates')} dates",
                          file=sys.stderr)
        try:
            stats = _engine(args, items, out, progress=progress)
        except (batch.RunLocked, batch.WarmError, WorkerError) as exc:
            raise UsageError(str(exc)) from exc
        except OSError as exc:  # a full disk, a write error: the writer has dropped its staging folder
            raise UsageError(f"the run stopped: {exc.strerror or exc}{f' ({exc.filename})' if exc.filename else ''}; "
                             f"the previous tables in {out} are kept.") from exc
    return stats


def _progress_bar():
    """tqdm's bar on a terminal; elsewhere a stand-in, so that tqdm (and the importlib.metadata it
    imports, 15 ms of a one-file run) is not imported for nothing."""
    if sys.stderr.isatty():
        from tqdm import tqdm
        return tqdm(unit="doc", desc="notices")
    return _NoBar()


class _NoBar:
    def __enter__(self) -> "_NoBar":
        return self

    def __exit__(self, *exc) -> None:
        pass

    def update(self) -> None:
        pass

    def write(self, line: str, file=None) -> None:
        print(line, file=file)


class Tally:
    """This run's inputs as they come back: how many were processed, and which failed and why."""

    SHOWN = 10  # failed inputs named in the summary; the rest are in errors.parquet

    def __init__(self):
        self.done = 0
        self.failed = []

    def add(self, result) -> None:
        if result.error:
            self.failed.append(result.error)
        else:
            self.done += 1

    def exit_code(self, kept: int, strict: bool, out: Path) -> int:
        """1 if no input could be processed (nor was kept from before), or with --strict if any
        failed; the failed inputs are named on standard error either way."""
        if self.failed:
            named = "; ".join(f"{e.source} ({e.error}: {e.message})" for e in self.failed[:self.SHOWN])
            more = f"; and {len(self.failed) - self.SHOWN} more" if len(self.failed) > self.SHOWN else ""
            print(f"policy-pipeline: {len(self.failed)} failed (rows of {out / 'errors.parquet'}): {named}{more}",
                  file=sys.stderr)
        if not self.done and not kept:
            print("policy-pipeline: no input could be processed.", file=sys.stderr)
            return 1
        return 1 if strict and self.failed else 0


def check_rules() -> None:
    try:
        rules.check()
    except rules.RulesMissing as exc:
        raise UsageError(f"{exc}.") from exc


def _check_ner(args: argparse.Namespace) -> None:
    """A missing model stops the run before any input is read, with what to do about it."""
    if args.hanlp_model:
        if not Path(args.hanlp_model).exists():
            raise UsageError(f"--hanlp-model {args.hanlp_model} does not exist.")
        os.environ["POLICY_PIPELINE_HANLP_MODEL"] = str(Path(args.hanlp_model).resolve())  # workers inherit it
    if args.ner == "spacy":
        from pipeline.ner import spacy_backend as ner_spacy  # with the gazetteer it loads: only for this backend
        if not (ner_spacy.MODEL_DIR / "config.cfg").exists():
            raise UsageError(f"no spaCy NER model in {ner_spacy.MODEL_DIR}: run `policy-pipeline train-ner` first.")
    if args.ner == "hanlp":
        if importlib.util.find_spec("hanlp") is None:
            raise UsageError("--ner hanlp needs HanLP: pip install -c constraints.txt -e '.[hanlp]'.")
        try:
            from pipeline.ner import hanlp_backend as ner_hanlp
        except ImportError as exc:
            raise UsageError("--ner hanlp needs HanLP: pip install -c constraints.txt -e '.[hanlp]'.") from exc
        if not ner_hanlp.model_dir().exists():
            raise UsageError(f"no HanLP model in {ner_hanlp.model_dir()}: run `policy-pipeline train-ner` or give --hanlp-model PATH.")


def _engine(args: argparse.Namespace, items, out: Path, progress):
    from pipeline.batch import runs as batch
    if args.engine == "local":
        return batch.run(items, out, workers=args.workers, force=args.force, time_limit=args.time_limit,
                         progress=progress, ner=args.ner)
    if not args.scheduler:
        raise UsageError("--engine dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786).")
    try:
        from pipeline.batch import distributed
    except ImportError as exc:
        raise UsageError("--engine dask needs Dask: pip install 'policy-pipeline[dask]'.") from exc
    try:
        return distributed.run(items, out, args.scheduler, time_limit=args.time_limit, progress=progress, ner=args.ner)
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler at {args.scheduler}: {exc}.") from exc


def train_ner(args: argparse.Namespace) -> int:
    from pipeline.ner import train as trainer  # spaCy takes seconds to import; only this command needs it
    report = trainer.run(with_hanlp=False if args.no_hanlp else None)
    print(f"dev: {report['dev']['documents']} documents, {report['dev']['paragraphs']} paragraphs, "
          f"{report['dev']['entities']} entities")
    print(trainer.table(report))
    print(f"scores → {trainer.MODELS / 'ner-scores.json'}")
    return 0


def show(args: argparse.Namespace) -> int:
    from pipeline.analysis import review
    from pipeline.batch.write import Incomplete, whole
    out, page = Path(args.dir), Path(args.html)
    try:
        whole(out)
        notice = review.write_page(out, args.doc_id, page)
    except (review.NotFound, Incomplete) as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write --html {page}: {exc.strerror or exc}.") from exc
    print(f"{notice.doc['source']}: {len(notice.tasks)} tasks, {len(notice.responsibilities)} responsibilities, "
          f"{len(notice.targets)} targets, {len(notice.dates)} dates → {page}")
    return 0


def review_site(args: argparse.Namespace) -> int:
    from pipeline.analysis import review, review_index
    from pipeline.batch.write import Incomplete, whole
    out, html_dir = Path(args.dir), Path(args.html_dir)
    try:
        whole(out)
        docs, errors = review_index.write_site(out, html_dir)
    except (review.NotFound, Incomplete) as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot write into {html_dir}: {exc.strerror or exc}.") from exc
    print(f"{docs} notice pages and an index of them, {errors} error rows → {html_dir / 'index.html'}")
    return 0


def connect(directory: str) -> duckdb.DuckDBPyConnection:
    from pipeline.analysis.views import load
    from pipeline.batch.write import Incomplete, whole
    check_rules()
    try:
        whole(Path(directory))
        return load(directory)
    except Incomplete as exc:
        raise UsageError(str(exc)) from exc
    except FileNotFoundError as exc:
        raise UsageError(f"{exc}.") from exc


# Statements a --read-only query may run (DuckDB StatementType names); DuckDB's own sandbox
# refuses files outside DIR besides
READ_ONLY = {"SELECT", "EXPLAIN"}


def duckdb_message(exc: duckdb.Error) -> str:
    """DuckDB's message up to where it quotes the SQL: the error and its hints (`Did you mean "task_view"?`)."""
    lines = str(exc).strip().splitlines()
    kept = [line.strip() for line in lines[:next((i for i, line in enumerate(lines) if line.startswith("LINE ")), len(lines))]]
    return " ".join(line for line in kept if line) or type(exc).__name__


def read_only(con: duckdb.DuckDBPyConnection, directory: str, sql: str) -> None:
    """Refuse what would write files, attach databases or install extensions, and lock DuckDB
    out of every file but the output folder's, for analysts who share a machine."""
    import duckdb
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise UsageError(f"the query failed: {duckdb_message(exc)}") from exc
    refused = [s for s in statements if s.type.name not in READ_ONLY]
    if refused:
        raise UsageError(f"--read-only runs SELECT queries only, not {refused[0].type.name} ({refused[0].query.strip()[:40]}).")
    con.execute("set allowed_directories = [?]", [str(Path(directory).resolve()) + os.sep])
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")


def query(args: argparse.Namespace) -> int:
    import duckdb
    from pipeline.analysis.printing import emit
    con = connect(args.dir)
    if args.read_only:
        read_only(con, args.dir, args.sql)
    try:
        result = con.sql(args.sql)
        if result is not None:
            emit(result, args.format)
    except duckdb.Error as exc:
        raise UsageError(f"the query failed: {duckdb_message(exc)}") from exc
    return 0


def compare(args: argparse.Namespace) -> int:
    from pipeline.analysis.printing import emit
    rows = connect(args.dir).sql("select * from compare_targets(?)", params=[args.subject])
    table = rows.df()
    if table.empty:
        raise UsageError(f"no target's category or subject contains {args.subject!r} (categories: rules/subjects.toml).")
    emit(rows, args.format)
    if args.plot:
        plot(table, args.subject, Path(args.plot))
    return 0


def plot(table, subject: str, path: Path) -> None:
    from pipeline.analysis.chart import bar_chart  # matplotlib takes a while to import; only --plot needs it
    try:
        bar_chart(table, f"「{subject}」: targets by region").savefig(path, dpi=110)
    except OSError as exc:
        raise UsageError(f"cannot write --plot {path}: {exc.strerror or exc}.") from exc
    except ValueError as exc:  # matplotlib: a suffix it cannot write
        raise UsageError(f"cannot write --plot {path}: {exc}.") from exc
    print(f"chart → {path}", file=sys.stderr)


def extract(args: argparse.Namespace) -> int:
    """One notice's tables as one JSON object (table → rows), for a shell or another program."""
    from pipeline import api  # pandas: only this command and the exports need it
    data = sys.stdin.buffer.read() if args.file == "-" else None
    if data is None and not Path(args.file).is_file():
        raise UsageError(f"{args.file} does not exist or is not a file.")
    try:
        tables = api.extract(args.file if data is None else data, kind=args.kind, source="-" if data is not None else None)
    except api.ExtractionError as exc:
        print(f"policy-pipeline: {args.file} could not be processed: {exc.message}.", file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError) as exc:  # no such file, a crawl dump, a missing rules file
        raise UsageError(f"{exc}.") from exc
    print(json.dumps(tables.rows, ensure_ascii=False, default=str))
    return 0


def export(args: argparse.Namespace) -> int:
    from pipeline.analysis import export as exports  # pandas and openpyxl: only this command needs them
    from pipeline.analysis.labelstudio import to_label_studio
    targets = [(flag, path, write) for flag, path, write in (
        ("--xlsx", args.xlsx, exports.to_xlsx), ("--csv", args.csv_dir, exports.to_csv),
        ("--duckdb", args.duckdb, exports.to_duckdb), ("--label-studio", args.label_studio, to_label_studio)) if path]
    if not targets:
        raise UsageError("export needs at least one of --xlsx FILE, --csv DIR, --duckdb FILE, --label-studio FILE.")
    connect(args.dir)  # a folder that is not an output stops here, in one sentence
    for flag, path, write in targets:
        try:
            counts = write(args.dir, path)
        except exports.ExportError as exc:
            raise UsageError(str(exc)) from exc
        except OSError as exc:
            raise UsageError(f"cannot write {flag} {path}: {exc.strerror or exc}.") from exc
        if path != "-":  # standard output holds the export itself
            print(f"{', '.join(f'{name} {rows}' for name, rows in counts.items())} → {path}")
    return 0


def import_corrections(args: argparse.Namespace) -> int:
    from pipeline.analysis.labelstudio import CONFIG, CorrectionsError
    from pipeline.analysis.labelstudio import import_corrections as read_corrections
    try:
        written, skipped = read_corrections(args.export, args.out)
    except CorrectionsError as exc:
        raise UsageError(str(exc)) from exc
    except OSError as exc:
        raise UsageError(f"cannot read {args.export} or write {args.out}: {exc.strerror or exc}.") from exc
    unannotated = f" ({skipped} tasks without an annotation skipped)" if skipped else ""
    print(f"{written} gold files{unannotated} → {args.out} (labelling config: {CONFIG})")
    return 0


def audit(args: argparse.Namespace) -> int:
    from pipeline.analysis import audit as audits
    from pipeline.batch.write import Incomplete, whole
    check_rules()
    try:
        whole(Path(args.dir))
        report = audits.audit(Path(args.dir))
    except (Incomplete, FileNotFoundError) as exc:
        raise UsageError(f"{args.dir} holds no complete run's tables ({exc}).") from exc
    audits.print_report(report, verbose=not args.summary)
    return 0


def show_structure(args: argparse.Namespace) -> int:
    """Print one notice's structural reading: each typed part with its offsets."""
    from pipeline.stages.reading import read
    from pipeline.stages.structure import tree
    from pipeline.stages.reading.normalize import fold, normalize
    check_rules()
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file} is not a file.")
    try:
        text = normalize(read.read_text(path.read_bytes(), str(path), None)[0])
    except read.ReadError as exc:
        raise UsageError(f"{args.file} cannot be read: {exc.message}") from exc
    for line in tree.describe(tree.read(text, fold(text)), text):
        print(line)
    return 0


def add_format(sub_p: argparse.ArgumentParser) -> None:
    fmt = sub_p.add_mutually_exclusive_group()
    fmt.add_argument("--csv", dest="format", action="store_const", const="csv", help="print CSV instead of a table")
    fmt.add_argument("--json", dest="format", action="store_const", const="json", help="print JSON lines: one object a row")
    sub_p.set_defaults(format="table")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="policy-pipeline", description="Turn Chinese government notices into Parquet tables.")
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help=f"extract tables from notices (files or folders of {inputs.READABLE})")
    run_p.add_argument("paths", nargs="+", metavar="PATH")
    run_p.add_argument("-o", "--out", required=True, metavar="DIR", help="folder for the Parquet tables")
    run_p.add_argument("-w", "--workers", type=int, metavar="N",
                       help="processes to run in (default: this one for a small batch, else one per core)")
    run_p.add_argument("-f", "--force", action="store_true", help="redo every input, even those already in DIR")
    run_p.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS",
                       help="per input; a slower one becomes an errors row (default: 60)")
    run_p.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="local processes, or a Dask cluster (tables partitioned by province and year; no incremental runs)")
    run_p.add_argument("--scheduler", metavar="ADDRESS", help="the Dask scheduler, with --engine dask")
    run_p.add_argument("--ner", choices=BACKENDS, default="rules",
                       help="entities from the rules only (fast, default), or also from the trained spaCy or HanLP model")
    run_p.add_argument("--hanlp-model", metavar="PATH", help="with --ner hanlp: a HanLP NER model on disk to use instead of ours")
    chat = run_p.add_mutually_exclusive_group()
    chat.add_argument("-q", "--quiet", action="store_true", help="print no summary line (failed inputs are still named on standard error)")
    chat.add_argument("-v", "--verbose", action="store_true", help="name each input on standard error as it is done, with its counts or error")
    run_p.add_argument("--strict", action="store_true",
                       help="exit 1 if any input fails (default: only if none could be processed)")
    train_p = sub.add_parser("train-ner", help="train the NER models on corpora/ and score them on its dev split")
    train_p.add_argument("--no-hanlp", action="store_true", help="train spaCy only, even where HanLP is installed")
    train_p.set_defaults(func=train_ner)
    run_p.set_defaults(func=run)
    show_p = sub.add_parser("show", help="write a review page of one notice: its text with the extracted rows highlighted")
    show_p.add_argument("dir", metavar="DIR", help="a folder written by `run`")
    show_p.add_argument("doc_id", metavar="DOC_ID", help="a doc_id, a source file name, or the unique start of either")
    show_p.add_argument("--html", required=True, metavar="FILE", help="the page to write")
    show_p.set_defaults(func=show)
    review_p = sub.add_parser("review", help="write every notice's review page and an index page over them into one folder")
    review_p.add_argument("dir", metavar="DIR", help="a folder written by `run`")
    review_p.add_argument("html_dir", metavar="OUT_DIR", help="the folder for index.html and one page per notice")
    review_p.set_defaults(func=review_site)

    query_p = sub.add_parser("query", help="run SQL over an output folder's tables and views (task_view, target_view)")
    query_p.add_argument("dir", metavar="DIR", help="a folder written by `run`")
    query_p.add_argument("sql", metavar="SQL", help="DuckDB SQL over the tables, task_view, target_view and compare_targets(words)")
    query_p.add_argument("--read-only", action="store_true",
                         help="SELECT only, and no file outside DIR: refuses COPY … TO, ATTACH, INSTALL")
    add_format(query_p)
    query_p.set_defaults(func=query)
    structure_p = sub.add_parser("structure", help="print how one notice's structure is read: head, title, sections and their types, items, tables, signature")
    structure_p.add_argument("file", metavar="FILE", help="a notice (.txt, .html, .docx, .pdf)")
    structure_p.set_defaults(func=show_structure)
    audit_p = sub.add_parser("audit", help="list the role words (牵头, 配合, 负责…) inside tasks that no responsibility row explains")
    audit_p.add_argument("dir", metavar="DIR", help="a folder written by `run`")
    audit_p.add_argument("--summary", action="store_true", help="print only the summary line")
    audit_p.set_defaults(func=audit)
    compare_p = sub.add_parser("compare", help="targets of one subject across regions and years")
    compare_p.add_argument("dir", metavar="DIR", help="a folder written by `run`")
    compare_p.add_argument("--subject", required=True, metavar="WORDS", help="words of a subject category (rules/subjects.toml) or of subjects")
    compare_p.add_argument("--plot", metavar="FILE.png", help="also draw the rows as a bar chart")
    add_format(compare_p)
    compare_p.set_defaults(func=compare)
    extract_p = sub.add_parser("extract", help="print one notice's tables as JSON (table → rows), without an output folder")
    extract_p.add_argument("file", metavar="FILE", help=f"a notice ({inputs.READABLE} but .jsonl), or - for standard input")
    extract_p.add_argument("--kind", choices=(".txt", ".html", ".docx", ".pdf"),
                           help="how to read it (default: from FILE's suffix; text for standard input)")
    extract_p.set_defaults(func=extract)
    export_p = sub.add_parser("export", help="write the tables and views as an Excel workbook, CSV files or a DuckDB database")
    export_p.add_argument("dir", metavar="DIR", help="a folder written by `run`")
    export_p.add_argument("--xlsx", metavar="FILE", help="a workbook, one sheet per table and view")
    export_p.add_argument("--csv", dest="csv_dir", metavar="DIR", help="a folder of CSV files, UTF-8 with a byte-order mark")
    export_p.add_argument("--duckdb", metavar="FILE", help="a DuckDB database file holding the tables and the views")
    export_p.add_argument("--label-studio", metavar="FILE.json",
                          help="Label Studio tasks, the extractions as pre-annotations (config: pipeline/label_studio.xml); - for standard output")
    export_p.set_defaults(func=export)

    import_p = sub.add_parser("import-corrections", help="turn a Label Studio JSON export (annotations) into gold files in SPEC's format")
    import_p.add_argument("export", metavar="EXPORT.json", help="the project exported from Label Studio as JSON, or - for standard input")
    import_p.add_argument("-o", "--out", required=True, metavar="GOLD_DIR", help="the folder for DOC.json gold files")
    import_p.set_defaults(func=import_corrections)
    return ap


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run is, so that it ends as an interrupt does: staging dropped, workers ended."""


def _terminate(signum, frame):
    raise Terminated()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    in_main = threading.current_thread() is threading.main_thread()  # only there can a handler be set
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        return args.func(args)
    except UsageError as exc:
        return _fail(str(exc))
    except Terminated:
        _fail("terminated; the output folder keeps its previous tables.")
        return 143
    except KeyboardInterrupt:
        _fail("interrupted; the output folder keeps its previous tables.")
        return 130
    except BrokenPipeError:
        # the reader went away (`| head`): nothing more to say, and nothing that Python's exit may try to flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # as a shell reports a process ended by SIGPIPE
    except MemoryError:
        return _fail("ran out of memory; try fewer --workers, or a smaller batch.")
    except Exception as exc:
        if not _damaged_table(exc):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _fail(f"a table could not be read ({first}); rewrite the folder with `policy-pipeline run ... --force`.")
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _damaged_table(exc: Exception) -> bool:
    """An error from reading a table file damaged after it was written. Neither library is imported
    for this: an exception of theirs can only come from a command that has imported them."""
    pa, duckdb = sys.modules.get("pyarrow"), sys.modules.get("duckdb")
    return bool(pa and isinstance(exc, pa.ArrowException) or duckdb and isinstance(exc, duckdb.Error))


def _fail(message: str) -> int:
    print(f"policy-pipeline: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
