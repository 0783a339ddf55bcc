"""Portability and the default number of workers (issue 14): the lock on an output folder and the
per-notice time limit work where there is no fcntl and no SIGALRM (Windows), and a run without
--workers starts no worker process for a small batch."""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.batch import runs as batch
from pipeline.cli import main
from pipeline.batch.inputs import Source
from pipeline.batch.rows import Rows
from pipeline.records import ErrorRecord, Result

REPO = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter, as on a platform without fcntl and SIGALRM: `import fcntl` fails
# (None in sys.modules) and signal has neither SIGALRM nor setitimer, before the pipeline loads.
WITHOUT_POSIX = textwrap.dedent("""
    import signal, sys, warnings
    sys.modules["fcntl"] = None
    del signal.SIGALRM, signal.setitimer
    warnings.filterwarnings("ignore", "only soft file lock")  # filelock's note that it falls back
    import filelock
    from pipeline.batch import runs as batch
    from pipeline.cli import main
    assert not filelock.has_fcntl and not batch._HAS_ALARM
    mode, argv = sys.argv[1], sys.argv[2:]
    if mode == "locked":  # a second run while this one holds the folder
        with batch.locked(batch.Path(argv[argv.index("--out") + 1])):
            sys.exit(main(argv))
    if mode == "spin":  # a notice that never ends, in pure Python
        def spin(*args, **kwargs):
            while True:
                pass
        batch.warm = lambda ner: None  # the warm-up notice would spin too, with no limit
        batch.process_bytes = spin
    sys.exit(main(argv))
""")


def without_posix(mode: str, *argv) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_POSIX, mode, "run", *map(str, argv)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


def two_notices(seeds_dir: Path, folder: Path) -> Path:
    folder.mkdir()
    for seed in sorted(seeds_dir.glob("*.txt"))[:2]:
        shutil.copy(seed, folder)
    return folder


def test_a_run_works_without_fcntl_and_sigalrm(seeds_dir, tmp_path):
    notices, out = two_notices(seeds_dir, tmp_path / "in"), tmp_path / "out"
    done = without_posix("plain", notices, "--out", out, "-q")
    assert done.returncode == 0, done.stderr
    assert pq.read_table(out / "documents.parquet").num_rows == 2
    again = without_posix("plain", notices, "--out", out, "-q")  # the lock taken and released again
    assert again.returncode == 0, again.stderr


def test_the_lock_holds_without_fcntl(seeds_dir, tmp_path):
    notices, out = two_notices(seeds_dir, tmp_path / "in"), tmp_path / "out"
    done = without_posix("locked", notices, "--out", out)
    assert done.returncode == 2
    err = done.stderr.strip()
    assert err.startswith("policy-pipeline: another run is writing to") and "\n" not in err


def test_the_time_limit_holds_without_sigalrm(seeds_dir, tmp_path):
    notices, out = two_notices(seeds_dir, tmp_path / "in"), tmp_path / "out"
    done = without_posix("spin", notices, "--out", out, "--time-limit", "0.3", "-q")
    assert done.returncode == 1, done.stderr  # no input could be processed
    errors = pq.read_table(out / "errors.parquet").to_pylist()
    assert len(errors) == 2 and {row["error"] for row in errors} == {"time_limit"}


# --- how many workers when -w is not given ---------------------------------------------------------

class CountingPool:
    """Stands in for workers.Pool: records its size and processes in this process."""

    sizes: list[int] = []

    def __init__(self, size, ner="rules", memory=0):
        self.sizes.append(size)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def map(self, items, time_limit):
        for item in items:
            yield batch.process_source(item, time_limit) if isinstance(item, Source) else item


def no_pool(*args, **kwargs):
    raise AssertionError("a small batch started workers")


def test_a_small_batch_starts_no_worker(seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "Pool", no_pool)
    assert main(["run", str(seeds_dir), "--out", str(tmp_path / "out"), "-q"]) == 0
    assert pq.read_table(tmp_path / "out" / "documents.parquet").num_rows == 5


def test_a_large_batch_gets_a_worker_per_core(seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(CountingPool, "sizes", [])
    monkeypatch.setattr(batch, "Pool", CountingPool)
    monkeypatch.setattr(batch, "SMALL_BATCH", 3 * batch.FLOOR)  # five notices now weigh over it
    monkeypatch.setattr(batch, "default_workers", lambda: 3)
    assert main(["run", str(seeds_dir), "--out", str(tmp_path / "out"), "-q"]) == 0
    assert CountingPool.sizes == [3]
    assert pq.read_table(tmp_path / "out" / "documents.parquet").num_rows == 5


def test_workers_given_are_obeyed_however_small_the_batch(seeds_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(CountingPool, "sizes", [])
    monkeypatch.setattr(batch, "Pool", CountingPool)
    assert main(["run", str(seeds_dir), "--out", str(tmp_path / "out"), "-w", "2", "-q"]) == 0
    assert CountingPool.sizes == [2]


def test_only_inputs_to_process_weigh(seeds_dir, tmp_path, monkeypatch):
    """An incremental run that finds everything done reads nothing ahead and starts no worker."""
    out = tmp_path / "out"
    assert main(["run", str(seeds_dir), "--out", str(out), "-w", "1", "-q"]) == 0
    monkeypatch.setattr(batch, "Pool", no_pool)
    monkeypatch.setattr(batch, "SMALL_BATCH", 1)  # any input to process would start workers
    assert main(["run", str(seeds_dir), "--out", str(out), "-q"]) == 0


def test_sizing_up_keeps_every_item_in_order(monkeypatch):
    monkeypatch.setattr(batch, "default_workers", lambda: 4)
    error = Result(error=ErrorRecord("gone.txt", "read", "missing", ""))
    small = [Source(f"{i}.txt", b"x", ".txt") for i in range(3)]
    items, workers = batch.sized_up(iter([small[0], error, *small[1:]]))
    assert workers == 1 and list(items) == [small[0], error, *small[1:]]
    big = [Source(f"{i}.txt", b"x" * (batch.SMALL_BATCH // 2), ".txt") for i in range(5)]
    items, workers = batch.sized_up(iter(big))
    assert workers == 4 and list(items) == big


def test_workers_forked_from_this_process_pay_from_half_the_input(monkeypatch):
    monkeypatch.setattr(batch, "default_workers", lambda: 2)
    items = [Source(f"{i}.txt", b"x" * (batch.SMALL_BATCH // 5), ".txt") for i in range(3)]  # 0.6 of it
    assert batch.sized_up(iter(items), forked=True)[1] == 2
    assert batch.sized_up(iter(items), forked=False)[1] == 1


def test_a_heavy_batch_of_few_inputs_gets_no_more_workers_than_inputs(monkeypatch):
    monkeypatch.setattr(batch, "default_workers", lambda: 4)
    long_ones = [Source(f"{i}.txt", b"x" * batch.SMALL_BATCH, ".txt") for i in range(2)]
    error = Rows.failed(ErrorRecord("gone.txt", "read", "missing", ""))
    items, workers = batch.sized_up(iter([long_ones[0], error, long_ones[1]]))
    assert workers == 2 and list(items) == [long_ones[0], error, long_ones[1]]
    items, workers = batch.sized_up(iter(long_ones[:1]))
    assert workers == 1 and list(items) == long_ones[:1]  # one long notice: in this process


def test_windows_defaults_to_this_process(monkeypatch):
    monkeypatch.setattr(batch.os, "name", "nt")  # workers are handed POSIX file descriptors
    assert batch.default_workers() == 1
