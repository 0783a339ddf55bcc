"""Rows → Parquet tables with explicit schemas, streamed and committed atomically.

A run writes every table into `DIR/.staging/` in bounded row groups, so memory stays flat
however large the batch, and last a manifest naming the run. To commit, it renames `.staging`
to `.commit` (one atomic step) and then moves each table into place, the manifest last. A run
killed before that rename leaves the previous tables untouched; one killed after it is finished
by `recover`, which the next run, and a reader that finds it so, calls first. Every table file
carries its run's id: `whole` tells a reader whether the tables in a folder are one run's.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from pipeline.batch.folder import COMMIT, LOCK, MANIFEST, STAGING
from pipeline.batch.rows import GATHER_BYTES, Rows, batch, column
from pipeline.schema import SCHEMA_VERSION, TABLES

ROW_GROUP_BYTES = 64 << 20  # rows held per table before a row group is written, at most, so memory stays flat
# Snappy, Parquet's usual codec, barely shrinks Chinese text: zstd makes the tables a third of its size
# on the bench mix (1.7 MB against 5.2 for 5.5 MB of notices), three quarters on the real reports, and
# writing less, writes them faster (6-7 ms a MB of input against 8-10). DuckDB, pandas, polars, Spark read it.
COMPRESSION = "zstd"
# issue_year, not year: targets has a year of its own (the year a target is set for)
PARTITION = pa.schema([("province", pa.string()), ("issue_year", pa.string())])


class Incomplete(Exception):
    """An output folder whose tables are not all of one run."""


def recover(out_dir: Path) -> None:
    """Finish a commit a killed run had started, and drop a staging folder it left half-written."""
    commit = out_dir / COMMIT
    if commit.is_dir():
        _move_into_place(commit, out_dir)
    shutil.rmtree(out_dir / STAGING, ignore_errors=True)


def _move_into_place(commit: Path, out_dir: Path) -> None:
    # the manifest goes last: until it is in place, a reader finds the tables' run ids disagree with it
    for staged in sorted(commit.iterdir(), key=lambda p: p.name == MANIFEST):
        target = out_dir / staged.name
        if staged.is_dir():  # a partitioned table: a folder cannot replace a folder in one step
            shutil.rmtree(target, ignore_errors=True)
        os.replace(staged, target)
    shutil.rmtree(commit)
    _sync(out_dir)


def _sync(folder: Path) -> None:
    """Make a folder's renames durable: a crash after the commit must not bring back the old tables."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a folder; the rename still stands
    finally:
        os.close(fd)


def whole(out_dir: Path, wait: float = 5.0) -> None:
    """Check that the tables in `out_dir` are those of one run (its manifest's); raises Incomplete.

    A commit that a killed run left half done is finished first, as the next run would; one in
    progress is waited for, up to `wait` seconds. A folder written before manifests has none to
    check."""
    deadline = time.monotonic() + wait
    while (out_dir / COMMIT).is_dir():
        if _finish_commit(out_dir):
            break
        if time.monotonic() > deadline:
            raise Incomplete(f"a run is committing its tables to {out_dir}; try again once it has finished.")
        time.sleep(0.1)
    manifest = out_dir / MANIFEST
    if not manifest.exists():
        return
    try:
        run_id = json.loads(manifest.read_text(encoding="utf-8"))["run_id"]
        mixed = [path.name for path in sorted(out_dir.glob("*.parquet")) if _run_id(path) != run_id]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise Incomplete(f"{out_dir} is damaged ({exc}); run `policy-pipeline run` again with --force.") from exc
    if mixed:
        raise Incomplete(f"{out_dir} holds tables of another run than its manifest ({mixed[0]}); "
                         "run `policy-pipeline run` again with --force.")


def _finish_commit(out_dir: Path) -> bool:
    """Finish a killed run's commit, if no run holds the folder; False if one does."""
    try:
        with FileLock(out_dir / LOCK, timeout=0):  # the lock batch.locked holds for a run
            recover(out_dir)
            return True
    except Timeout:
        return False
    except OSError as exc:  # a folder this reader may not write to
        raise Incomplete(f"a run killed while committing its tables left {out_dir} half done, and it cannot be "
                         f"finished from here ({exc.strerror or exc}); run `policy-pipeline run` on it again.") from exc


def _run_id(path: Path) -> str:
    return (pq.read_schema(path).metadata or {}).get(b"run_id", b"").decode()


class TableWriter:
    """Every table of one run, written to the staging folder a row group at a time."""

    files = tuple(TABLES)  # the tables written as one file each

    def __init__(self, out_dir: Path, pipeline_version: str, row_group: int = 20_000):
        self.out_dir, self.row_group = out_dir, row_group
        self.staging = out_dir / STAGING
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)
        self.run_id, self.pipeline_version = uuid.uuid4().hex, pipeline_version
        meta = {"schema_version": SCHEMA_VERSION, "pipeline_version": pipeline_version, "run_id": self.run_id}
        self.schemas = {name: self._schema(name).with_metadata(meta) for name in TABLES}
        self.writers = {name: pq.ParquetWriter(self.staging / f"{name}.parquet", self.schemas[name], compression=COMPRESSION) for name in self.files}
        self.buffers: dict[str, list[pa.RecordBatch]] = {name: [] for name in TABLES}
        self.held = {name: [0, 0] for name in TABLES}  # rows and bytes in each table's buffer
        self.counts = dict.fromkeys(TABLES, 0)
        self.gathered: dict[str, dict[str, list]] = {}  # columns of inputs made in this process, not yet built
        self.gathered_weight = 0

    def _schema(self, name: str) -> pa.Schema:
        return TABLES[name]

    def _limit(self, name: str) -> int:
        """Rows held before a row group is written: a document row carries the whole notice,
        so documents go out fifty times as often."""
        return max(1, self.row_group // 50) if name == "documents" else self.row_group

    def add(self, rows: Rows) -> None:
        """One input's rows: gathered with the next inputs' while they are columns (made in this
        process), else buffered as its worker built them, with nothing to convert."""
        if rows.columns:
            self._gather(rows)
            return
        self._settle()  # the gathered inputs' rows go first: the tables keep the inputs' order
        for name, batch in rows.batches.items():
            self._hold(name, batch)

    def _gather(self, rows: Rows) -> None:
        for name, table in rows.columns.items():
            gathered = self.gathered.setdefault(name, {})
            for key, values in table.items():
                gathered.setdefault(key, []).extend(values)
        self.gathered_weight += rows.weight
        # a sixteenth of a row group at most: the buffers' byte bound stays theirs to keep
        if self.gathered_weight >= min(GATHER_BYTES, ROW_GROUP_BYTES // 16):
            self._settle()

    def _settle(self) -> None:
        """The gathered inputs' rows, as one record batch per table, into the row groups' buffers."""
        gathered, self.gathered, self.gathered_weight = self.gathered, {}, 0
        for name, table in gathered.items():
            self._hold(name, batch(TABLES[name], table))

    def _hold(self, name: str, batch: pa.RecordBatch) -> None:
        self.buffers[name].append(batch)
        held = self.held[name]
        held[0] += batch.num_rows
        held[1] += batch.get_total_buffer_size()  # not nbytes, which walks the arrays: 60 µs a batch
        # bytes too: a few long notices weigh more than a row group of ordinary ones
        if held[0] >= self._limit(name) or held[1] >= ROW_GROUP_BYTES:
            self._flush(name)

    def carry(self, name: str, batch: pa.RecordBatch) -> None:
        """Rows kept from the previous output (an incremental run), copied as they are."""
        self._settle()
        self._flush(name)
        self.writers[name].write_table(pa.Table.from_batches([batch]).cast(self.schemas[name]))
        self.counts[name] += batch.num_rows

    def _buffered(self, name: str) -> pa.Table | None:
        """The rows held for `name`, emptied out, as one table (None if there are none)."""
        if not self.buffers[name]:
            return None
        table = pa.Table.from_batches(self.buffers[name], schema=self.schemas[name])
        self.buffers[name], self.held[name] = [], [0, 0]
        self.counts[name] += table.num_rows
        return table

    def _flush(self, name: str) -> None:
        table = self._buffered(name)
        if table is not None:
            self.writers[name].write_table(table)

    def commit(self) -> dict[str, int]:
        """Close the tables and put them in place; returns the row count of each."""
        self._settle()
        for name in TABLES:
            self._flush(name)
        for writer in self.writers.values():
            writer.close()
        manifest = {"run_id": self.run_id, "pipeline_version": self.pipeline_version, "schema_version": SCHEMA_VERSION,
                    "rows": self.counts}
        (self.staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        for path in self.staging.rglob("*"):
            if path.is_file():
                with open(path, "rb") as fh:
                    os.fsync(fh.fileno())
        _sync(self.staging)
        os.replace(self.staging, self.out_dir / COMMIT)  # the one atomic step: from here the run counts
        _move_into_place(self.out_dir / COMMIT, self.out_dir)
        return self.counts

    def abort(self) -> None:
        """Drop the staging folder, however the run failed (a full disk fails the closing too)."""
        for writer in self.writers.values():
            try:
                writer.close()
            except OSError:
                pass
        shutil.rmtree(self.staging, ignore_errors=True)


class PartitionedWriter(TableWriter):
    """The same tables as folders partitioned by the document's province and year
    (`tasks/province=浙江省/issue_year=2023/part-0-0.parquet`), for runs over a whole archive; errors,
    which have no document, stay one file."""

    files = ("errors",)

    def __init__(self, out_dir: Path, pipeline_version: str, row_group: int = 20_000):
        super().__init__(out_dir, pipeline_version, row_group)
        self.parts = 0

    def _schema(self, name: str) -> pa.Schema:
        schema = TABLES[name]
        for key in () if name in self.files else PARTITION.names:
            schema = schema if key in schema.names else schema.append(PARTITION.field(key))
        return schema

    def add(self, rows: Rows) -> None:
        where = _partition(rows)
        for name, batch in rows.batches.items():
            for key in () if name in self.files else PARTITION.names:
                if key not in batch.schema.names:  # documents has a province of its own
                    batch = batch.append_column(key, column([where[key]] * batch.num_rows, pa.string()))
            self._hold(name, batch)

    def _flush(self, name: str) -> None:
        if name in self.files:
            return super()._flush(name)
        table = self._buffered(name)
        if table is None:
            return
        import pyarrow.dataset as pads  # 0.4 s to import (pandas with it): only the Dask engine writes partitions
        parquet = pads.ParquetFileFormat()
        pads.write_dataset(table, self.staging / name, format=parquet, file_options=parquet.make_write_options(compression=COMPRESSION),
                           partitioning=pads.partitioning(PARTITION, flavor="hive"),
                           basename_template=f"part-{self.parts}-{{i}}.parquet", existing_data_behavior="overwrite_or_ignore")
        self.parts += 1


def _partition(rows: Rows) -> dict[str, str]:
    """The partition of a document's rows: its province and the year it was issued (or published)."""
    if "documents" not in rows.batches:
        return {}
    doc = rows.batches["documents"].slice(0, 1).to_pylist()[0]
    date = doc["issue_date"] or doc["publish_date"]
    return {"province": doc["province"], "issue_year": date.isoformat()[:4] if date else None}  # null: a hive default partition
