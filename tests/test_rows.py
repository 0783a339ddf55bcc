"""Rows as workers hand them to the writer: columns built from buffers equal pyarrow's own
conversion, and they travel as compact IPC messages that read back as they were."""
from __future__ import annotations

import datetime as dt
import math
import pickle
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.batch import rows as rows_module, write
from pipeline.batch.columns import tabulate
from pipeline.batch.rows import Rows, column
from pipeline.process import process_bytes
from pipeline.records import ErrorRecord
from pipeline.schema import TABLES

VALUES = {
    pa.string(): [["牵头", None, "", "市应急管理局"], ["a"] * 9 + [None], [None, None], ["\ufffd", "一是", "x" * 1000],
                  ["𠮷", "", "é和x", None, "ab", "\U0001f600\n二"], ["", ""], ["纯中文"] * 3, ["长" * 40, None, "b", ""]],
    pa.int32(): [[1, None, -3, 2**31 - 1], [0] * 17, [None], [5, 6, 7, 8, 9, 10, 11, 12, 13]],
    pa.float64(): [[1.5, None, 0.1 + 0.2, -0.0, 1e300, float("inf")], [3, 4.25], [None] * 9],
    pa.bool_(): [[True, False, None, True], [False] * 8 + [True], [True] * 16 + [None]],
    pa.date32(): [[dt.date(2023, 5, 1), None, dt.date(1969, 12, 31), dt.date(1, 1, 1)], [dt.date(2030, 12, 31)] * 10],
    pa.list_(pa.string()): [[["一", "(二)"], [], None, ["3"]], [["1.", "(1)", "①"]] * 9, [None, []], [["a", "b"], ["c"]]],
}


@pytest.mark.parametrize("type_", list(VALUES), ids=str)
def test_a_column_built_from_buffers_equals_pyarrows_conversion(type_):
    for values in [*VALUES[type_], []]:
        built, expected = column(values, type_), pa.array(values, type=type_)
        built.validate(full=True)
        assert built.equals(expected), (values, built, expected)


def test_a_float_column_keeps_nan():
    assert math.isnan(column([float("nan"), 1.0], pa.float64())[0].as_py())


def test_every_column_type_of_the_tables_can_be_built():
    for schema in TABLES.values():
        for field in schema:
            assert any(field.type.equals(t) for t in VALUES), field


def test_rows_travel_as_the_tables_columns_alone_and_read_back_as_they_were(seeds_dir):
    data = sorted(seeds_dir.glob("*.txt"))[0].read_bytes()
    result = process_bytes(data, "notice.txt")
    rows = tabulate(result)
    sent = pickle.dumps(rows)
    back = pickle.loads(sent)
    assert back.source == "notice.txt" and back.error is None and set(back.batches) == set(rows.batches)
    assert all(back.batches[name].equals(rows.batches[name]) for name in rows.batches)
    # compressed columns, no records: under half the columns' own size, under what the result pickles to
    # (which, where folding changes nothing, shares one copy of the text), under twice the input's size
    assert len(sent) < sum(b.nbytes for b in rows.batches.values()) / 2 and len(sent) < len(pickle.dumps(result))
    assert len(sent) < 2 * len(data)
    assert back.count("tasks") == len(result.tasks) and back.count("documents") == 1


@pytest.mark.parametrize("built", [False, True])
def test_rows_from_a_local_worker_travel_uncompressed_and_read_back_as_they_were(seeds_dir, monkeypatch, built):
    rows = tabulate(process_bytes(sorted(seeds_dir.glob("*.txt"))[0].read_bytes(), "notice.txt"))
    if built:  # a heavy input's rows, built where it was processed
        rows.build()
    compressed = pickle.dumps(rows)
    monkeypatch.setattr(rows_module, "COMPRESS", False)  # as a worker of this machine sets it
    plain = pickle.dumps(rows)
    assert len(plain) > 1.5 * len(compressed)
    expected = {name: b.to_pylist() for name, b in rows.batches.items()}
    for sent in (plain, compressed):  # the parent reads either, whatever its own setting
        assert {name: b.to_pylist() for name, b in pickle.loads(sent).batches.items()} == expected


def test_an_error_travels_as_its_error_row():
    error = ErrorRecord("bad\udcb9.txt", "read", "empty", "file is empty")
    back = pickle.loads(pickle.dumps(Rows.failed(error)))
    assert back.error == error and back.batches["errors"].to_pylist() == [
        {"source": "bad\\xb9.txt", "stage": "read", "error": "empty", "message": "file is empty"}]


def test_reading_rows_back_imports_neither_the_stages_nor_pandas(seeds_dir):
    sent = pickle.dumps(tabulate(process_bytes(sorted(seeds_dir.glob("*.txt"))[0].read_bytes(), "notice.txt")))
    code = ("import pickle, sys; rows = pickle.loads(sys.stdin.buffer.read()); "
            "print(rows.count('tasks'), *[m for m in ('pandas', 'pipeline.stages.structure.tree', 'pipeline.process') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], input=sent, capture_output=True, check=True)
    count, *imported = done.stdout.decode().split()
    assert int(count) > 0 and imported == []


def test_row_groups_are_bounded_in_bytes_as_well_as_in_rows(seeds_dir, tmp_path, monkeypatch):
    """Long notices go out before a row group's count of them is reached: memory stays flat."""
    monkeypatch.setattr(write, "ROW_GROUP_BYTES", 100_000)
    rows = tabulate(process_bytes(sorted(seeds_dir.glob("*.txt"))[0].read_bytes(), "notice.txt"))  # a 32 KB text
    writer = write.TableWriter(tmp_path, "test")
    for _ in range(10):
        writer.add(rows)
    assert writer.commit()["documents"] == 10
    assert pq.ParquetFile(tmp_path / "documents.parquet").metadata.num_row_groups >= 3


def test_the_writer_gathers_inputs_made_here_into_the_same_tables_as_built_ones(seeds_dir, tmp_path):
    """Rows made in this process reach the writer as columns, gathered across inputs into one batch
    per table; they must write what rows built one by one (as from a worker) write, in input order,
    error rows between them included."""
    results = [process_bytes(path.read_bytes(), path.name) for path in sorted(seeds_dir.glob("*.txt"))]
    failed = Rows.failed(ErrorRecord("gone.txt", "read", "missing", "no such file"))
    made = [tabulate(r) for r in results]
    assert len(made) >= 4 and all(rows.columns and not rows._batches for rows in made)  # not built yet
    assert [rows.count("tasks") for rows in made] == [len(r.tasks) for r in results]
    sent = pickle.loads(pickle.dumps(made[2]))  # built as a worker would send it, between gathered ones
    for out, inputs in (("gathered", made[:2] + [failed, sent] + made[3:]),
                        ("built", [pickle.loads(pickle.dumps(tabulate(r))) for r in results[:2]] + [failed]
                         + [tabulate(r).build() for r in results[2:]])):
        writer = write.TableWriter(tmp_path / out, "test")
        for rows in inputs:
            writer.add(rows)
        writer.commit()
    for name in TABLES:
        gathered, built = (pq.read_table(tmp_path / out / f"{name}.parquet") for out in ("gathered", "built"))
        assert gathered.num_rows > 0 and gathered.equals(built), name


def test_a_heavy_input_is_built_where_it_was_processed(seeds_dir, monkeypatch):
    """Under its time limit and memory budget, as before rows were gathered: only light ones wait for the writer."""
    from pipeline.batch import columns
    result = process_bytes(sorted(seeds_dir.glob("*.txt"))[0].read_bytes(), "notice.txt")
    assert tabulate(result).columns
    monkeypatch.setattr(columns, "GATHER_BYTES", 1000)
    rows = tabulate(result)
    assert not rows.columns and rows._batches["documents"].num_rows == 1


def test_texts_fold_together_as_each_alone():
    from pipeline.batch.columns import _simplified_all
    from pipeline.stages.reading.normalize import fold
    texts = ["縣應急管理局", None, "", "县应急局", "發展改革委員會\n辦公室", "x", "國", None, "臺灣與台湾"]
    for n in range(len(texts) + 1):
        assert _simplified_all(texts[:n]) == [fold(t) if t else t for t in texts[:n]]
    assert _simplified_all(["縣", "國"]) == ["县", "国"]
