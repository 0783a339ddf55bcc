"""Runs beyond one machine: the same per-document function on a Dask cluster.

Workers warm up once each (a worker plugin), inputs go out in a bounded window so the client's
memory stays flat, and the tables come back partitioned by province and year.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from pathlib import Path

from distributed import Client, WorkerPlugin
from distributed.scheduler import KilledWorker

from pipeline.batch.runs import Previous, Stats, Todo, locked, pipeline_version, process_source, warm
from pipeline.batch.inputs import Source
from pipeline.batch.rows import Rows
from pipeline.records import ErrorRecord
from pipeline.batch.write import PartitionedWriter, recover


class Warm(WorkerPlugin):
    """Loads the rules, compiles their patterns and loads the NER model once per worker."""

    def __init__(self, ner: str = "rules"):
        self.ner = ner

    def setup(self, worker):
        warm(self.ner)


def run(items: Iterable[Source | ErrorRecord], out_dir: Path, scheduler, time_limit: float = 60.0,
        window: int = 256, progress=None, ner: str = "rules") -> Stats:
    """Every input processed on the cluster at `scheduler` (an address, or a Client); tables
    written under `out_dir` partitioned by province and year."""
    with locked(out_dir), _client(scheduler) as client:
        recover(out_dir)
        client.register_plugin(Warm(ner), name=f"policy-pipeline-warm-{ner}")
        writer = PartitionedWriter(out_dir, pipeline_version())
        todo = Todo(Previous())  # every input is processed; duplicates are told as locally
        try:
            for result in _results(client, todo.filter(items), time_limit, window, ner):
                writer.add(result)
                if progress:
                    progress(result)
            return Stats(writer.commit(), todo.processed, 0)
        except BaseException:
            writer.abort()
            raise


def _client(scheduler):
    """A client for an address, closed after the run; a Client passed in stays open."""
    return nullcontext(scheduler) if isinstance(scheduler, Client) else Client(scheduler)


def _results(client: Client, items: Iterable[Source | Rows], time_limit: float, window: int, ner: str) -> Iterator[Rows]:
    """Each input's rows in input order, at most `window` inputs on the cluster at once."""
    pending: deque = deque()
    for item in items:
        pending.append((item.source, client.submit(process_source, item, time_limit, ner, pure=False))
                       if isinstance(item, Source) else item)
        if len(pending) >= window:
            yield _take(pending.popleft())
    while pending:
        yield _take(pending.popleft())


def _take(pending) -> Rows:
    """A future's rows; an input whose workers kept dying (Dask retries it on others first)
    becomes an error row rather than ending the run."""
    if isinstance(pending, Rows):
        return pending
    source, future = pending
    try:
        return future.result()
    except KilledWorker:
        return Rows.failed(ErrorRecord(source, "process", "worker_died",
                                       "every Dask worker that tried it died (out of memory?); the batch went on"))
