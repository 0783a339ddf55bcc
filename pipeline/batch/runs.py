"""A batch run: which inputs need processing, in how many processes, into which output.

Incremental by default: an input whose content and source are already in the output, written
by the same pipeline version, is skipped, and the output's other rows are carried over, so the
tables after an incremental run equal those of a full run over the same inputs. A file whose size,
mtime and inode are those recorded when it was last read (STAMPS), and whose content is still in
the tables, is not even opened; a run that finds nothing changed leaves the tables untouched.
"""
from __future__ import annotations

import ctypes
import gc
import hashlib
import itertools
import json
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from pipeline import rules
from pipeline.batch.columns import tabulate
from pipeline.batch.folder import LOCK, MANIFEST, STAMPS
from pipeline.batch.inputs import Inputs, Source, Stamp, Unchanged
from pipeline.batch import rerun
from pipeline.batch.rerun import Stats, pipeline_version
from pipeline.batch.rows import Rows, column
from pipeline.process import doc_id_of, process_bytes
from pipeline.records import ErrorRecord
from pipeline.schema import TABLES
from pipeline.batch.write import TableWriter, recover
from pipeline.batch.workers import MEMORY_BUDGET, Pool, forks, memory_budget

# Below this much input a run without --workers stays in this process: starting workers costs more
# than they save (on two idle cores, workers started afresh break even at about 0.7 MB and save 7%
# at 1 MB, 21% at 2; forked ones, half as much: they break even at about 0.3 MB and save 8% at
# 0.5 MB, 14% at 1 MB; README "Running it"). Each input counts at least FLOOR bytes, for its fixed
# cost; only inputs to be processed count, not those an incremental run skips.
SMALL_BATCH, FLOOR = 1 << 20, 4 << 10


class RunLocked(Exception):
    """Another run is writing to the same output folder."""


class WarmError(RuntimeError):
    """The pipeline cannot process even a model notice: a model or a rules file that does not load."""


@dataclass
class Previous:
    """What an earlier run left in the output folder."""

    sources: dict[str, str] = field(default_factory=dict)  # source → content hash
    doc_ids: dict[str, str] = field(default_factory=dict)  # source → doc id
    stamps: dict[str, list] = field(default_factory=dict)  # source → [size, mtime_ns, inode, content hash]
    failed: dict[str, ErrorRecord] = field(default_factory=dict)  # source → its error row, where it had one

    def failed_for_good(self, source: str, content_hash: str | None = None) -> ErrorRecord | None:
        """The error row of `source` if processing it again would only repeat it: the same content
        (`content_hash`, or the hash its stamp recorded) failed for itself (for_good)."""
        error, recorded = self.failed.get(source), self.stamps.get(source)
        if error is None or not for_good(error) or not isinstance(recorded, list) or len(recorded) != 4:
            return None
        return error if content_hash is None or recorded[3] == content_hash else None

    @classmethod
    def read(cls, out_dir: Path, version: str) -> "Previous":
        path = out_dir / "documents.parquet"
        if not path.exists():
            return cls()
        try:
            schema = pq.read_schema(path)
            if (schema.metadata or {}).get(b"pipeline_version", b"").decode() != version or \
                    not all(_same_schema(out_dir, name) for name in TABLES):
                return cls()  # written by another version, other rules or columns: everything is redone
            # ParquetFile, not read_table: that one imports pyarrow.dataset (and pandas), 0.2 s of an unchanged rerun
            table = pq.ParquetFile(path).read(columns=["source", "content_hash", "doc_id"])
        except (OSError, pa.ArrowException):
            return cls()  # a damaged table is not carried over: everything is redone
        sources = table["source"].to_pylist()
        return cls(dict(zip(sources, table["content_hash"].to_pylist())),
                   dict(zip(sources, table["doc_id"].to_pylist())), _stamps(out_dir), _errors(out_dir))


def for_good(error: ErrorRecord) -> bool:
    """Whether an input failed for itself (unreadable, a duplicate, a stage's failure), which another
    run would only repeat, not for the run's sake (stage "process": a time limit, a worker that
    died, memory), which another run may not meet."""
    return error.stage != "process"


def _errors(out_dir: Path) -> dict[str, ErrorRecord]:
    path = out_dir / "errors.parquet"
    if not path.exists():
        return {}
    columns = pq.ParquetFile(path).read(columns=["source", "stage", "error", "message"]).to_pydict()
    return {row[0]: ErrorRecord(*row) for row in zip(*columns.values())}


def _stamps(out_dir: Path) -> dict[str, list]:
    """The stamps a run recorded; each is trusted only where its hash is still the table's."""
    try:
        stamps = json.loads((out_dir / STAMPS).read_text(encoding="utf-8"))["stamps"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return stamps if isinstance(stamps, dict) else {}


def _write_stamps(out_dir: Path, stamps: dict[str, list], failed: dict[str, ErrorRecord]) -> None:
    """The stamps, with the id of the run whose tables they describe (the manifest's), the tables'
    own stamps and the error rows of the files among them that failed for good: what
    rerun.unchanged needs to tell a rerun that would change nothing without reading the tables."""
    try:
        run_id = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))["run_id"]
    except (OSError, ValueError, KeyError):
        run_id = None
    record = {"run_id": run_id, "tables": rerun.table_stamps(out_dir), "stamps": stamps,
              "failed": {s: [e.stage, e.error, e.message] for s, e in sorted(failed.items()) if s in stamps}}
    staged = out_dir / f"{STAMPS}.new"
    staged.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(staged, out_dir / STAMPS)


def _same_schema(out_dir: Path, name: str) -> bool:
    path = out_dir / f"{name}.parquet"
    return not path.exists() or pq.read_schema(path).remove_metadata().equals(TABLES[name])


@contextmanager
def locked(out_dir: Path):
    """Hold the output folder for this run; a second run on it stops with one sentence."""
    out_dir.mkdir(parents=True, exist_ok=True)
    # filelock: flock where there is one, the Windows lock on Windows, a lock file elsewhere
    lock = FileLock(out_dir / LOCK, timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise RunLocked(f"another run is writing to {out_dir}; wait for it to finish or choose another --out.") from None
    try:
        yield
    finally:
        lock.release()


def run(items: Iterable[Source | ErrorRecord], out_dir: Path, workers: int | None = 1, force: bool = False,
        time_limit: float = 60.0, progress=None, ner: str = "rules", memory: int = MEMORY_BUDGET) -> Stats:
    """Process what is new among `items` into `out_dir`, carrying over what is already there.
    `workers=None` chooses by the batch: this process for a small one, else one per core."""
    with locked(out_dir):
        recover(out_dir)
        version = pipeline_version()
        previous = Previous() if force else Previous.read(out_dir, version)
        parse_rules()
        todo = Todo(previous)
        if isinstance(items, Inputs) and not force:
            items = items.skipping(todo.unchanged)
        writer = TableWriter(out_dir, version)
        try:
            changed = False
            for result in _results(todo.filter(items), workers, time_limit, ner, memory):
                writer.add(result)
                changed = changed or result.error is None or result.error != previous.failed.get(result.source)
                if result.error:
                    todo.failed(result.error)
                if progress:
                    progress(result)
            counts = None if force or changed else _unchanged_counts(out_dir, todo)
            if counts is None:
                if not force:
                    _carry(out_dir, writer, todo)
                counts = writer.commit()
            else:
                writer.abort()  # nothing changed: the tables stay as they are, files and all
            _write_stamps(out_dir, todo.all_stamps(), todo.kept_errors())
            return Stats(counts, todo.processed, todo.skipped)
        except BaseException:
            writer.abort()
            raise


def _unchanged_counts(out_dir: Path, todo: "Todo") -> dict[str, int] | None:
    """The row counts of the tables in `out_dir` if this run, which processed nothing and met no
    input failing otherwise than before, would write them again as they are; else None."""
    if not todo.previous.sources:
        return None  # tables of another version, damaged, or without documents: rewritten as a full run would
    try:
        rows = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError):
        return None
    return rows if set(rows) == set(TABLES) else None


class Todo:
    """Sorts the inputs: duplicates, skipped (already in the output), and work to do."""

    def __init__(self, previous: Previous):
        self.previous = previous
        self.seen: dict[str, str] = {}  # doc id → the first source with that content in this run
        self.sources: set[str] = set()  # every source met in this run
        self.kept: set[str] = set()  # sources skipped: their previous rows are carried over
        self.new_ids: set[str] = set()  # doc ids processed in this run
        self.stamps: dict[str, list] = {}  # source → [*stamp, content hash] of each settled file met
        self.errors: dict[str, ErrorRecord] = {}  # source → its error row, for each input met that failed
        self.processed = self.skipped = 0

    def filter(self, items: Iterable[Source | ErrorRecord]) -> Iterator[Source | Rows]:
        for item in items:
            if item.source in self.sources:
                # a crawl that lists one URL twice: its rows are written once, under the first
                yield Rows.failed(ErrorRecord(item.source, "read", "duplicate", "met twice in this run; written once, as first met"))
                continue
            self.sources.add(item.source)
            if isinstance(item, ErrorRecord):
                yield Rows.failed(item)
                continue
            if isinstance(item, Unchanged):  # its content is the one in the tables, as its hash says
                self.stamps[item.source] = self.previous.stamps[item.source]
                if item.source not in self.previous.doc_ids:  # one that failed for good, as before
                    yield Rows.failed(self.previous.failed[item.source])
                    continue
                doc_id, content_hash = self.previous.doc_ids[item.source], self.previous.sources[item.source]
            else:
                doc_id, content_hash, stamp = doc_id_of(item.data), hashlib.sha256(item.data).hexdigest(), item.stamp
                if stamp:
                    self.stamps[item.source] = [*stamp, content_hash]
                if error := self.previous.failed_for_good(item.source, content_hash):
                    yield Rows.failed(error)
                    continue
            first = self.seen.setdefault(doc_id, item.source)
            if first != item.source:
                yield Rows.failed(ErrorRecord(item.source, "read", "duplicate", f"same content as {first}, which is written once"))
            elif self.previous.sources.get(item.source) == content_hash:
                self.kept.add(item.source)
                self.skipped += 1
            else:
                self.new_ids.add(doc_id)
                self.processed += 1
                yield item

    def failed(self, error: ErrorRecord) -> None:
        self.errors[error.source] = error

    def kept_errors(self) -> dict[str, ErrorRecord]:
        """The error rows the tables keep and another run would only repeat, by source."""
        earlier = {s: error for s, error in self.previous.failed.items() if s not in self.sources}
        return {s: e for s, e in {**earlier, **self.errors}.items() if for_good(e)}

    def all_stamps(self) -> dict[str, list]:
        """The stamps of the files met in this run, and those of earlier runs' files not met in it,
        whose rows were carried over (not those redone under another source); none of a file that
        failed for the run (a time limit, a worker that died), which the next run tries again."""
        earlier = {s: v for s, v in self.previous.stamps.items() if s not in self.sources and (
            s in self.previous.sources and self.previous.doc_ids[s] not in self.new_ids  # rows not redone under another name
            or s in self.previous.failed)}
        return {s: v for s, v in {**earlier, **self.stamps}.items() if s not in self.errors or for_good(self.errors[s])}

    def unchanged(self, source: str, stamp: Stamp | None) -> bool:
        """Whether the file `source`, now with `stamp` (None: too fresh to tell), is as it was when its rows were written."""
        recorded = self.previous.stamps.get(source)
        return stamp is not None and isinstance(recorded, list) and len(recorded) == 4 and recorded[:3] == list(stamp) and \
            (source in self.previous.doc_ids and self.previous.sources.get(source) == recorded[3]
             or self.previous.failed_for_good(source) is not None)


def _carry(out_dir: Path, writer: TableWriter, todo: Todo) -> None:
    """Copy, a batch at a time, the previous rows of every document this run neither
    reprocessed nor replaced, and the error rows of inputs this run did not meet."""
    docs_path = out_dir / "documents.parquet"
    if not todo.previous.sources or not docs_path.exists():
        return
    import pyarrow.compute as pc  # only a run that writes needs it: an unchanged rerun starts quicker
    docs = pq.ParquetFile(docs_path).read(columns=["doc_id", "source"])
    replaced = pc.is_in(docs["source"], value_set=_strings(todo.sources - todo.kept))
    redone = pc.is_in(docs["doc_id"], value_set=_strings(todo.new_ids))
    keep_ids = _strings(docs.filter(pc.invert(pc.or_(replaced, redone)))["doc_id"].to_pylist())
    met = _strings(todo.sources)
    for name in TABLES:
        path = out_dir / f"{name}.parquet"
        if not path.exists():
            continue
        for batch in pq.ParquetFile(path).iter_batches(batch_size=20_000):
            keep = pc.invert(pc.is_in(batch["source"], value_set=met)) if name == "errors" \
                else pc.is_in(batch["doc_id"], value_set=keep_ids)
            kept = batch.filter(keep)
            if kept.num_rows:
                writer.carry(name, kept)


def _strings(values) -> pa.Array:
    return column(sorted(values), pa.string())  # not pa.array, which imports pandas


def _results(items: Iterable[Source | Rows], workers: int | None, time_limit: float, ner: str, memory: int) -> Iterator[Rows]:
    """Each input's rows in input order, from this process or from `workers` processes (pipeline/batch/workers.py)."""
    items = iter(items)
    first = next(items, None)
    if first is None:
        return  # nothing to process (an unchanged rerun): no model loaded, no worker started
    items = itertools.chain([first], items)
    if workers is None:
        items, workers = sized_up(items, forks(ner))
    if workers <= 1:
        warm(ner)
        frozen_after_warming()
        try:
            with memory_budget(memory):
                for item in items:
                    yield process_source(item, time_limit, ner) if isinstance(item, Source) else item
        finally:
            gc.unfreeze()  # the caller's process goes on: its objects are the collector's again
        return
    with Pool(workers, ner, memory) as pool:
        yield from pool.map(items, time_limit)


def sized_up(items: Iterator[Source | Rows], forked: bool = False) -> tuple[Iterator[Source | Rows], int]:
    """The items unchanged and how many processes they deserve: 1 if they weigh under
    SMALL_BATCH (half of it for workers `forked` from this process), else one per core, but no more
    than there are inputs to process (one long notice gains nothing from workers: a second would
    only cost its start). Reads ahead no further than that much input, or one input per core."""
    ahead, weight, count, cores = [], 0, 0, default_workers()
    small = SMALL_BATCH // 2 if forked else SMALL_BATCH
    for item in items:
        ahead.append(item)
        if isinstance(item, Source):
            weight, count = weight + max(len(item.data), FLOOR), count + 1
            if weight >= small and count >= cores:
                return itertools.chain(ahead, items), cores
    return iter(ahead), count if weight >= small else 1


def parse_rules() -> None:
    """Parse every rules file before any input is read: warming waits for the first input to
    process, and reading one needs rules/reading.toml, so a broken file must stop the run here."""
    for path in sorted(rules.RULES_DIR.glob("*.toml")):
        try:
            rules.load(path.stem)
        except Exception as exc:  # tomllib's TOMLDecodeError, an unreadable file
            raise WarmError(f"the pipeline cannot start: {path.name}: {type(exc).__name__}: {exc}") from exc


def frozen_after_warming() -> None:
    """What loading left alive (patterns, gazetteers, tables, a model) lives as long as the run: out
    of the cyclic collector's sight, so that no full collection walks it again (15% of the stages'
    time). Called by the process that runs the notices, once it is warm."""
    gc.freeze()


def warm(ner: str = "rules") -> None:
    """Load the rules, compile their patterns and load the NER model once per worker, not once
    per document; a model that cannot load fails here, before any input is read."""
    # compiling the rules makes many objects and no garbage: collections would only walk them
    with _no_cycle_collection(threading.current_thread() is threading.main_thread()):
        result = process_bytes("关于开展安全生产检查的通知\n各乡镇:\n一、开展检查。(县应急局牵头)\n".encode(), "warm-up.txt", ner=ner)
    if result.error:
        raise WarmError(f"the pipeline cannot start: {result.error.message}")


_HAS_ALARM = hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer")  # not on Windows


class _TimeLimit(BaseException):
    """Raised by the alarm; a BaseException so that the stages' error handling lets it through."""


def _alarm(signum, frame):
    raise _TimeLimit()


def process_source(source: Source, time_limit: float, ner: str = "rules") -> Rows:
    """One input's rows, given at most `time_limit` seconds: past that it becomes an error row. In the
    main thread an alarm stops it; in another (a Dask worker's), or where there is no SIGALRM
    (Windows), a timer raises the same exception in that thread, which takes effect at its next
    Python instruction. Work stuck in C code is the worker pool's to end (workers.hard_limit)."""
    main = threading.current_thread() is threading.main_thread()
    stop = _alarm_in if _HAS_ALARM and main else _timer_in
    try:
        with stop(time_limit), _no_cycle_collection(main):
            result = process_bytes(source.data, source.source, kind=source.kind, published=source.published, ner=ner)
            error = result.error
            if not error:
                return tabulate(result)  # the rows, as columns, built here: in a worker, not in the writer
    except _TimeLimit:
        error = ErrorRecord(source.source, "process", "time_limit",
                            f"processing took over {time_limit:g} s, the limit per document; skipped")
    except MemoryError:
        error = ErrorRecord(source.source, "process", "MemoryError", "")
    if error.error == "MemoryError":  # MemoryError() has no message of its own
        error.message = f"{error.stage}: processing needed more memory than it was allowed; skipped"
    return Rows.failed(error)


@contextmanager
def _no_cycle_collection(own_thread: bool):
    """The cyclic collector off while one notice is processed: the stages make many small objects
    and free them by their counts, while each full collection walks every object alive, so that a
    long notice cost more per MB the longer it was (slope 1.22 against 1.08 without). Only in the
    process's own thread: Dask's threads share the collector's switch."""
    off = own_thread and gc.isenabled()
    if off:
        gc.disable()
    try:
        yield
    finally:
        if off:
            gc.enable()


@contextmanager
def _alarm_in(seconds: float):
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextmanager
def _timer_in(seconds: float):
    thread, lock, state = threading.get_ident(), threading.Lock(), {"running": True}

    def fire():
        with lock:
            if state["running"]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(_TimeLimit))

    timer = threading.Timer(seconds, fire)
    timer.start()
    try:
        yield
    finally:
        with lock:  # once past here, the timer cannot fire into whatever the thread does next
            state["running"] = False
        timer.cancel()


def default_workers() -> int:
    """One per core; one on Windows, where workers.Worker cannot hand a child its socket (pass_fds)."""
    if os.name == "nt":
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
