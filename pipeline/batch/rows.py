"""One input's rows as the writer takes them: each table's columns, compact enough to travel.

A worker hands its input back as `Rows`: each table's columns as Python lists (pickled, which is
done in C; LZ4-compressed on their way to a Dask client, see COMPRESS), which the writer gathers with the next inputs' into one record
batch per table, as it does in a run in this process. Building and serialising a notice's batches
alone in the worker cost 0.05 s per MB of input, eight times what pickling its columns does, on a
second of ~0.4; gathered, the parent builds them for 0.01. An input heavy enough to be built where
it was processed (GATHER_BYTES) travels as Arrow IPC messages against the schemas both processes
know (pipeline/schema.py). Nothing travels that the tables do not hold (no folded text, no tree, no
records).

The arrays are built from their buffers rather than with `pa.array`, which imports pandas on its
first call: 0.2-0.3 s of a run over one small file, for a library the write path does not use.
"""
from __future__ import annotations

import datetime as dt
import itertools
import operator
import pickle
from array import array
from collections.abc import Iterable, Sequence

import numpy as np  # imported by pyarrow already (pandas, a dependency, requires it)
import pyarrow as pa

from pipeline.batch.inputs import safe_text
from pipeline.records import ErrorRecord
from pipeline.schema import ERRORS, TABLES

EPOCH = dt.date(1970, 1, 1).toordinal()  # date32 counts days from here
# An input whose rows weigh more is built where it was processed (under its time limit and memory
# budget, as it always was); lighter ones are gathered by the writer up to this much at a time.
GATHER_BYTES = 4 << 20
# Strings longer than this on average are encoded one by one: past it, finding where each starts in
# the UTF-8 of them all (every byte looked at) costs more than encoding each (bench mix, measured)
LONG = 16
CODEC = "lz4"  # in every pyarrow wheel: halves what travels for about 4 ms of CPU per MB in the worker, 1-2 in the parent
# Whether rows are compressed to travel: they are to a Dask cluster's client, over a network; a local
# worker's socket copies a MB in well under a millisecond, so workers of this machine turn it off.
COMPRESS = True


class Rows:
    """The rows of one input, or its error row; tables without rows are left out.

    Rows made where they are written (a run in this process) keep their tables as Python columns
    (`columns`) for the writer to gather with the next inputs' into one record batch per table: a
    batch and its arrays cost about as much for one notice's five tables as for fifty notices'.
    `batches` builds them, this input's alone, where they are needed one by one: to travel from a
    worker, to be read."""

    def __init__(self, source: str, error: ErrorRecord | None = None, batches: dict[str, pa.RecordBatch] | None = None,
                 columns: dict[str, dict[str, list]] | None = None, weight: int = 0):
        self.source, self.error = source, error
        self._batches = {} if batches is None else batches
        self.columns = {} if columns is None else columns  # tables not built yet
        self.weight = weight  # about the bytes the columns will take once built

    @classmethod
    def failed(cls, error: ErrorRecord) -> "Rows":
        # a name or message can hold what no table can (a file name that is not UTF-8)
        row = {key: [safe_text(value)] for key, value in vars(error).items()}
        return cls(error.source, error, {"errors": batch(ERRORS, row)})

    @property
    def batches(self) -> dict[str, pa.RecordBatch]:
        return self.build()._batches

    def build(self) -> "Rows":
        """These rows with their tables built as record batches, if they were not yet."""
        if self.columns:
            self._batches = {name: batch(TABLES[name], table) for name, table in self.columns.items()}
            self.columns, self.weight = {}, 0
        return self

    def count(self, table: str) -> int:
        if table in self.columns:
            return len(next(iter(self.columns[table].values())))
        return self._batches[table].num_rows if table in self._batches else 0

    # Pickled (to or from a worker, a Dask task), LZ4-compressed where COMPRESS says: columns not yet
    # built as one pickle (about twice the input's size, the input's once compressed, bench mix),
    # built batches as IPC messages without their schemas, read back with no conversion.
    def __getstate__(self):
        if self.columns:
            return self.source, self.error, _packed(pickle.dumps(self.columns, protocol=pickle.HIGHEST_PROTOCOL)), self.weight
        return self.source, self.error, {name: _packed(b.serialize()) for name, b in self._batches.items()}, 0

    def __setstate__(self, state) -> None:
        self.source, self.error, tables, self.weight = state
        if isinstance(tables, tuple):
            self._batches, self.columns = {}, pickle.loads(_unpacked(tables))
            return
        self._batches = {name: pa.ipc.read_record_batch(_unpacked(packed), TABLES[name]) for name, packed in tables.items()}
        self.columns = {}


def _packed(data) -> tuple[int | None, bytes | pa.Buffer]:
    """`data` as it travels: its size and its LZ4 compression, or None and itself."""
    return (data.size if isinstance(data, pa.Buffer) else len(data), pa.compress(data, codec=CODEC, asbytes=True)) \
        if COMPRESS else (None, data)


def _unpacked(packed: tuple[int | None, bytes | pa.Buffer]):
    size, data = packed
    return data if size is None else pa.decompress(data, size, codec=CODEC)


def batch(schema: pa.Schema, columns: dict[str, Sequence]) -> pa.RecordBatch:
    """A record batch of `schema` from its columns, given as Python values (None for null)."""
    return pa.RecordBatch.from_arrays([build(columns[name], type) for name, build, type in _plan(schema)], schema=schema)


def column(values: Sequence, type: pa.DataType) -> pa.Array:
    """`values` as an array of `type`: strings, lists of strings, int32, float64, bool or date32
    (datetime.date values), the types of pipeline/schema.py."""
    return _builder(type)(values, type)


# Every table's batch is built per input: its columns' builders are looked up once per schema, not
# walked field by field (each field a new Python object) and dispatched by pa.types.is_* calls each time.
_PLANS: dict[int, tuple[pa.Schema, tuple]] = {}


def _plan(schema: pa.Schema) -> tuple:
    """Each column's name, builder and type; kept with the schema itself, so that an id reused by
    another schema is never mistaken for it."""
    known = _PLANS.get(id(schema))
    if known is None or known[0] is not schema:
        known = _PLANS[id(schema)] = schema, tuple((f.name, _builder(f.type), f.type) for f in schema)
    return known[1]


def _builder(type: pa.DataType):
    build = _BUILDERS.get(type.id)
    if build is None or (build is _lists and not pa.types.is_string(type.value_type)):
        raise TypeError(f"no column of {type} in the tables' schemas")
    return build


def _strings(values: Sequence, type: pa.DataType) -> pa.Array:
    try:  # a C-level pass that stops at a missing value, where `None in values` compares every one
        joined, valid = "".join(values), None
    except TypeError:  # missing values: empty in the data, unset in the validity bitmap
        valid, values = _validity(values), ["" if v is None else v for v in values]
        joined = "".join(values)
    if len(joined) > LONG * len(values):  # texts: few strings, each encoded on its own costs little
        encoded = list(map(str.encode, values))
        offsets, data = pa.py_buffer(array("i", itertools.accumulate(map(len, encoded), initial=0))), b"".join(encoded)
    else:
        data = joined.encode()
        offsets = pa.py_buffer(_byte_offsets(values, joined, data))
    return pa.Array.from_buffers(type, len(values), [valid, offsets, pa.py_buffer(data)])


def _byte_offsets(values: Sequence[str], joined: str, data: bytes) -> np.ndarray:
    """Where each string starts in `data`, the UTF-8 of `joined` (all of them), and where the last
    ends, from the characters' offsets, with no string encoded on its own (100 ns each, a quarter of
    what building a batch cost): a character starts at each byte that does not continue one."""
    if len(data) > np.iinfo(np.int32).max:
        raise OverflowError(f"{len(data)} bytes of strings in one column: more than its 32-bit offsets can address")
    chars = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, values), dtype=np.int64, count=len(values)), out=chars[1:])
    if len(data) == len(joined):  # ASCII: a byte a character
        return chars.astype(np.int32)
    starts = np.flatnonzero((np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80)
    return np.append(starts, len(data)).astype(np.int32)[chars]


def _lists(values: Sequence, type: pa.DataType) -> pa.Array:
    if None in values:
        valid, present = _validity(values), [v for v in values if v is not None]
    else:
        valid, present = None, values
    items = _strings(list(itertools.chain.from_iterable(present)), type.value_type)
    return pa.Array.from_buffers(type, len(values), [valid, _offsets(0 if v is None else len(v) for v in values)], children=[items])


def _bools(values: Sequence, type: pa.DataType) -> pa.Array:
    return pa.Array.from_buffers(type, len(values), [_validity(values) if None in values else None, _bits(values, len(values))])


def _dates(values: Sequence, type: pa.DataType) -> pa.Array:
    if None in values:
        data = array("i", [0 if v is None else v.toordinal() - EPOCH for v in values])
        return pa.Array.from_buffers(type, len(values), [_validity(values), pa.py_buffer(data)])
    return pa.Array.from_buffers(type, len(values), [None, pa.py_buffer(array("i", [v.toordinal() - EPOCH for v in values]))])


def _ints(values: Sequence, type: pa.DataType) -> pa.Array:
    return _numbers(values, type, "i", 0)


def _floats(values: Sequence, type: pa.DataType) -> pa.Array:
    return _numbers(values, type, "d", 0.0)


def _numbers(values: Sequence, type: pa.DataType, code: str, missing: int | float) -> pa.Array:
    try:  # as for strings: the conversion itself stops at a missing value
        return pa.Array.from_buffers(type, len(values), [None, pa.py_buffer(array(code, values))])
    except TypeError:
        data = array(code, [missing if v is None else v for v in values])
        return pa.Array.from_buffers(type, len(values), [_validity(values), pa.py_buffer(data)])


_BUILDERS = {pa.string().id: _strings, pa.list_(pa.string()).id: _lists, pa.bool_().id: _bools,
             pa.date32().id: _dates, pa.int32().id: _ints, pa.float64().id: _floats}


def _offsets(lengths) -> pa.Buffer:
    return pa.py_buffer(array("i", itertools.accumulate(lengths, initial=0)))


def _validity(values: Sequence) -> pa.Buffer:
    """The validity bitmap (callers pass None instead where every value is there, Arrow's way of saying so)."""
    return _bits(map(operator.is_not, values, itertools.repeat(None)), len(values))


def _bits(flags: Iterable, count: int) -> pa.Buffer:
    """Arrow's bitmap of the `count` flags' truth, least significant bit first."""
    return pa.py_buffer(np.packbits(np.fromiter(map(bool, flags), dtype=bool, count=count), bitorder="little"))
