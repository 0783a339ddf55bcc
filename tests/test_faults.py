"""Fault injection, in the spirit of SQLite's: a batch run meets names and texts no table can hold,
the same file through several paths, special files, a worker killed, its own process killed, a
kill at every step of the commit, a full disk and decompression bombs. Each test asserts that every
input is accounted for (a document or an error row, once) and that the tables equal a clean run's.

Nothing here is timed: where a test must wait for a process, it waits for an event, with a
generous deadline that only a broken build reaches."""
from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import pipeline
from pipeline.batch import runs as batch, workers, write
from pipeline.stages.reading import read
from pipeline import rules
from pipeline.cli import main
from pipeline.batch.inputs import Source, sources
from pipeline.process import process_bytes
from pipeline.batch.rows import Rows
from pipeline.records import ErrorRecord
from pipeline.schema import TABLES
from test_batch import assert_same_tables, table, variants

LINUX = sys.platform.startswith("linux")
GBK_NAME = b"\xb9\xd8\xd3\xda.txt"  # 关于.txt in GBK, as a Windows share or an old zip names it


def run(*args) -> int:
    return main(["run", *map(str, args), "--workers", "1"])


def errors(out: Path) -> list[dict]:
    return pq.read_table(out / "errors.parquet").to_pylist()


def one_line(err: str) -> str:
    err = err.strip()
    assert err.startswith("policy-pipeline: ") and "\n" not in err and "Traceback" not in err, err
    return err


# --- names and texts no table can hold ------------------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_kept_and_the_run_commits(seeds_dir, tmp_path, capsys):
    notices = tmp_path / "notices"
    notices.mkdir()
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    with open(os.fsencode(notices) + b"/" + GBK_NAME, "wb") as fh:
        fh.write(seed.read_bytes())
    with open(os.fsencode(notices) + b"/empty-" + GBK_NAME, "wb"):
        pass
    out = tmp_path / "out"
    assert run(notices, "--out", out) == 0
    (doc,) = table(out, "documents").to_dict("records")
    assert doc["source"] == f"{notices}/\\xb9\\xd8\\xd3\\xda.txt"  # the bytes, losslessly, as text
    assert [(e["source"], e["error"]) for e in errors(out)] == [(f"{notices}/empty-\\xb9\\xd8\\xd3\\xda.txt", "empty")]
    assert run(notices, "--out", out) == 0  # and the next run reads its own output back
    assert "1 unchanged and kept" in capsys.readouterr().out.splitlines()[-1]


def test_lone_surrogates_in_a_crawl_are_replaced_and_counted(seeds_dir, tmp_path):
    text = sorted(seeds_dir.glob("*.txt"))[1].read_text(encoding="utf-8")
    text = text.replace("。", "\ud800。", 2)  # valid JSON (\ud800), but no UTF-8 can hold it
    dump = tmp_path / "crawl.jsonl"
    dump.write_text(json.dumps({"url": "https://a.gov.cn/\udcb9.html", "text": text}) + "\n", encoding="ascii")
    out = tmp_path / "out"
    assert run(dump, "--out", out) == 0
    (doc,) = table(out, "documents").to_dict("records")
    assert doc["replaced_chars"] == 2 and doc["text"].count("\ufffd") == 2
    assert doc["source"] == "https://a.gov.cn/\\xb9.html"


def test_a_pdf_text_layer_of_lone_surrogates_is_replaced_before_any_stage(seeds_dir, tmp_path, monkeypatch):
    text = sorted(seeds_dir.glob("*.txt"))[1].read_text(encoding="utf-8")
    monkeypatch.setattr(read, "pdf_to_text", lambda data: text.replace("。", "\ud800", 3))
    result = process_bytes(b"%PDF-1.4 stand-in", "notice.pdf")
    assert result.error is None and result.document.text.count("\ufffd") == 3
    assert all("\ud800" not in task.text for task in result.tasks)
    out = tmp_path / "out"
    batch.run([Source("notice.pdf", b"%PDF-1.4 stand-in", ".pdf")], out)
    assert table(out, "documents").replaced_chars.tolist() == [3]


# --- each input once ------------------------------------------------------------------------------

def test_the_same_file_through_several_paths_is_processed_once(seeds_dir, tmp_path):
    notices = tmp_path / "seeds"
    shutil.copytree(seeds_dir, notices)
    first = sorted(notices.glob("*.txt"))[0]
    (tmp_path / "link.txt").symlink_to(first)
    (tmp_path / "folder-link").symlink_to(notices, target_is_directory=True)
    out, clean = tmp_path / "out", tmp_path / "clean"
    assert run(notices, f"{notices}/.", first, tmp_path / "link.txt", tmp_path / "folder-link", "--out", out) == 0
    assert run(notices, "--out", clean) == 0
    assert_same_tables(out, clean)
    assert len(table(out, "documents")) == 5 and errors(out) == []


def test_a_repeated_crawl_line_is_a_duplicate_row(seeds_dir, tmp_path):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))[:2]]
    line = json.dumps({"url": "https://a.gov.cn/1.html", "text": texts[0]}, ensure_ascii=False) + "\n"
    other = json.dumps({"url": "https://a.gov.cn/1.html", "text": texts[1]}, ensure_ascii=False) + "\n"
    dump = tmp_path / "crawl.jsonl"
    dump.write_text(line + line + other, encoding="utf-8")
    out = tmp_path / "out"
    assert run(dump, "--out", out) == 0
    assert table(out, "documents").source.tolist() == ["https://a.gov.cn/1.html"]
    assert [(e["source"], e["error"]) for e in errors(out)] == [("https://a.gov.cn/1.html", "duplicate")] * 2
    assert run(dump, "--out", out) == 0  # an incremental run keeps one document and the two rows
    assert len(table(out, "documents")) == 1 and len(errors(out)) == 2


# --- special files: an error row each, never a read -----------------------------------------------

def fifo(path: Path):
    os.mkfifo(path)


def unix_socket(path: Path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


def zero_link(path: Path):
    path.symlink_to("/dev/zero")


def loop(path: Path):
    path.symlink_to(path.with_name("other-" + path.name))
    path.with_name("other-" + path.name).symlink_to(path)


def dangling(path: Path):
    path.symlink_to(path.with_name("gone.txt"))


SPECIAL = [(fifo, "special_file", "FIFO"), (unix_socket, "special_file", "socket"),
           (zero_link, "special_file", "character device"), (loop, "link_loop", "loop"),
           (dangling, "dangling_link", "does not exist")]


@pytest.mark.skipif(not LINUX, reason="FIFOs, sockets and /dev/zero as Linux has them")
@pytest.mark.parametrize("make,error,words", SPECIAL, ids=[s[0].__name__ for s in SPECIAL])
def test_a_special_file_given_as_a_path_is_an_error_row(tmp_path, make, error, words):
    path = tmp_path / "notice.txt"
    keep = make(path)
    (got,) = sources([path])
    assert (got.source, got.error) == (str(path), error) and words in got.message
    del keep


@pytest.mark.skipif(not LINUX, reason="FIFOs, sockets and /dev/zero as Linux has them")
def test_special_files_in_a_folder_are_error_rows_and_the_rest_is_read(seeds_dir, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    keep = [make(folder / f"{make.__name__}.txt") for make, _, _ in SPECIAL]
    shutil.copy(sorted(seeds_dir.glob("*.txt"))[0], folder / "good.txt")
    real_scandir = os.scandir

    def scandir(path):  # root reads any folder, so a folder it may not list is made so
        if isinstance(path, (str, os.PathLike)) and Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "out"
    assert run(folder, "--out", out) == 0
    assert len(table(out, "documents")) == 1
    got = {Path(e["source"]).name: e["error"] for e in errors(out)}
    assert got == {"locked": "unreadable", "fifo.txt": "special_file", "unix_socket.txt": "special_file",
                   "zero_link.txt": "special_file", "loop.txt": "link_loop", "other-loop.txt": "link_loop",
                   "dangling.txt": "dangling_link"}
    del keep


# --- workers --------------------------------------------------------------------------------------

def test_a_killed_worker_costs_its_input_alone(seeds_dir, tmp_path, monkeypatch):
    seeds = sorted(seeds_dir.glob("*.txt"))
    notices = variants(seeds_dir, tmp_path / "notices", 1)
    # several notices in one: it takes the worker a while, so it is surely still at it when killed
    victim = Source("victim.txt", b"\n".join(p.read_bytes() for p in seeds) * 4, ".txt")
    pools = []
    monkeypatch.setattr(batch, "Pool", lambda *args: pools.append(workers.Pool(*args)) or pools[-1])

    def inputs():
        yield victim
        # the pool asks for this input right after giving the first to a worker: kill that worker
        (holder,) = [w for w in pools[0].workers if w.job and w.job.source is victim]
        os.kill(holder.process.pid, signal.SIGKILL)
        yield from sources([notices])

    out, clean = tmp_path / "out", tmp_path / "clean"
    batch.run(inputs(), out, workers=2)
    assert run(notices, "--out", clean) == 0
    (died,) = errors(out)
    assert (died["source"], died["error"]) == ("victim.txt", "worker_died") and "SIGKILL" in died["message"]
    for name in TABLES:
        if name != "errors":
            pd.testing.assert_frame_equal(table(out, name), table(clean, name), check_dtype=False, obj=name)
    assert len(pools[0].workers) == 2 and all(w.process.poll() is not None for w in pools[0].workers)


@pytest.mark.skipif(not LINUX, reason="workers are forked on Linux alone")
def test_a_forked_worker_holds_no_other_workers_socket(seeds_dir):
    # the second worker is forked while the parent holds its end of the first's socket: unless it
    # lets go of it, the first never sees its parent go (nor a replaced worker its end)
    with workers.Pool(2) as pool:
        first = pool.workers[0]
        assert isinstance(first.process, workers.Forked)
        first.conn.close()
        assert first.process.wait(timeout=10) is not None
        seed = sorted(seeds_dir.glob("*.txt"))[0]
        pool.workers.remove(first)
        (rows,) = pool.map([Source(str(seed), seed.read_bytes(), ".txt")], time_limit=60)
    assert rows.error is None and rows.count("documents") == 1


def test_workers_started_afresh_give_what_forked_ones_do(seeds_dir, monkeypatch):
    # a model's workers start in an interpreter of their own (torch does not survive a fork)
    items = [Source(str(p), p.read_bytes(), ".txt") for p in sorted(seeds_dir.glob("*.txt"))]
    with workers.Pool(2) as pool:
        forked = list(pool.map(items, time_limit=60))
    monkeypatch.setattr(workers, "forks", lambda ner: False)
    with workers.Pool(2) as pool:
        assert all(isinstance(w.process, subprocess.Popen) for w in pool.workers)
        afresh = list(pool.map(items, time_limit=60))
    for one, other in zip(forked, afresh):
        assert one.source == other.source and one.error is other.error is None
        assert {name: b.to_pylist() for name, b in one.batches.items()} == \
            {name: b.to_pylist() for name, b in other.batches.items()}


def test_an_input_queued_behind_one_that_kills_its_worker_is_processed_by_another(seeds_dir):
    seeds = sorted(seeds_dir.glob("*.txt"))
    victim = Source("victim.txt", b"\n".join(p.read_bytes() for p in seeds) * 4, ".txt")
    small = min((Source(str(p), p.read_bytes(), ".txt") for p in seeds), key=lambda s: len(s.data))
    with workers.Pool(1) as pool:
        def inputs():
            yield victim
            yield small  # small enough to be sent while the worker is at the victim
            (worker,) = pool.workers
            assert [job.source for job in worker.jobs] == [victim, small]
            os.kill(worker.process.pid, signal.SIGKILL)

        died, after = pool.map(inputs(), time_limit=60)
    assert (died.source, died.error.error) == ("victim.txt", "worker_died")
    assert after.error is None and after.source == small.source and after.count("documents") == 1


def _long_and_small(seeds_dir) -> tuple[Source, list[Source]]:
    seeds = sorted(seeds_dir.glob("*.txt"))
    long = Source("long.txt", b"\n".join(p.read_bytes() for p in seeds) * 4, ".txt")
    return long, [Source(f"small-{i}.txt", p.read_bytes(), ".txt") for i, p in enumerate(seeds * 3)]


def test_a_worker_at_a_long_input_holds_small_ones_behind_it_within_its_room(seeds_dir):
    # so that it does not wait for the parent between inputs, nor while the parent writes
    long, small = _long_and_small(seeds_dir)
    held = []
    with workers.Pool(1) as pool:
        def inputs():
            yield long
            for item in small:
                yield item
                (worker,) = pool.workers
                held.append((len(worker.jobs), worker.held(), worker.room))

        got = list(pool.map(inputs(), time_limit=60))
    assert [rows.source for rows in got] == [long.source, *(item.source for item in small)]
    assert all(rows.error is None for rows in got)
    assert max(jobs for jobs, _, _ in held) >= 3  # the input it is at and two or more behind it
    assert all(0 < room <= workers.IN_HAND and 0 <= bytes_ <= room for _, bytes_, room in held)


def test_a_stopped_worker_holding_inputs_never_blocks_the_parent(seeds_dir, monkeypatch):
    # a worker that takes nothing in (stopped here, as one stuck in C code holding the GIL would be):
    # what it was sent sits in its socket's buffer, so the parent goes on and kills it at the limit
    long, small = _long_and_small(seeds_dir)
    monkeypatch.setattr(workers, "hard_limit", lambda time_limit: 3.0)
    with workers.Pool(1) as pool:
        def inputs():
            yield long
            (worker,) = pool.workers
            os.kill(worker.process.pid, signal.SIGSTOP)
            yield from small

        got = list(pool.map(inputs(), time_limit=60))
    assert (got[0].source, got[0].error.error) == ("long.txt", "time_limit")
    assert [rows.source for rows in got[1:]] == [item.source for item in small] and all(r.error is None for r in got[1:])


def test_a_long_run_of_error_rows_passes_through_the_pool(seeds_dir):
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    rows = [Rows.failed(ErrorRecord(f"bad-{i}.txt", "read", "empty", "file is empty")) for i in range(30)]
    with workers.Pool(1) as pool:  # more rows in a row than inputs held at once
        got = list(pool.map([*rows, Source(str(seed), seed.read_bytes(), ".txt"), *rows], time_limit=60))
    assert got[:30] == rows and got[31:] == rows and got[30].source == str(seed) and got[30].count("documents") == 1


POOL_WITH_A_MEGABYTE = """
import sys
from pipeline.batch import workers
from pipeline.batch.inputs import Source
item = Source("big.txt", open(sys.argv[1], "rb").read() * 40, ".txt")
with workers.Pool(1, memory=1 << 20) as pool:  # a megabyte: no notice fits
    (result,) = pool.map([item], time_limit=60)
print(result.error.error if result.error else "", result.error.message if result.error else "", sep="\\n")
"""


def test_a_worker_that_runs_out_of_its_memory_budget_is_an_error_row(seeds_dir):
    # in a process of its own, as a run is: a worker forked from this one (pytest's, after many
    # tests) would find much heap freed and held, which its budget comes on top of
    done = subprocess.run([sys.executable, "-c", POOL_WITH_A_MEGABYTE, str(sorted(seeds_dir.glob("*.txt"))[1])],
                          capture_output=True, text=True, check=True)
    error, message = done.stdout.rstrip("\n").split("\n")
    assert error in ("MemoryError", "worker_died") and message
    assert "memory" in message or "died" in message


def test_a_worker_stuck_past_the_time_limit_is_killed_and_replaced(seeds_dir, monkeypatch):
    seeds = sorted(seeds_dir.glob("*.txt"))
    stuck = Source("stuck.txt", b"\n".join(p.read_bytes() for p in seeds) * 4, ".txt")
    real_limit = workers.hard_limit
    monkeypatch.setattr(workers, "hard_limit", lambda time_limit: 0.0)  # as if stuck where no alarm reaches
    with workers.Pool(1) as pool:
        (result,) = pool.map([stuck], time_limit=60)
        monkeypatch.setattr(workers, "hard_limit", real_limit)
        (after,) = pool.map([Source(str(seeds[0]), seeds[0].read_bytes(), ".txt")], time_limit=60)
    assert result.error.error == "time_limit" and "its worker was killed" in result.error.message
    assert after.error is None and after.source == str(seeds[0])


@pytest.mark.skipif(not LINUX, reason="the heap limit (RLIMIT_DATA) as Linux counts it")
def test_a_notice_past_the_memory_budget_in_the_main_process_is_an_error_row(seeds_dir, tmp_path, monkeypatch):
    import resource
    before = resource.getrlimit(resource.RLIMIT_DATA)
    real = batch.process_bytes

    def greedy(data, source, **kwargs):
        return bytearray(4 << 30) if source == "greedy.txt" else real(data, source, **kwargs)

    monkeypatch.setattr(batch, "process_bytes", greedy)
    items = [Source("greedy.txt", b"", ".txt"), *sources([seeds_dir])]
    batch.run(items, tmp_path / "out", workers=1, memory=512 << 20)
    (row,) = errors(tmp_path / "out")
    assert (row["source"], row["error"]) == ("greedy.txt", "MemoryError") and "more memory" in row["message"]
    assert len(table(tmp_path / "out", "documents")) == 5
    assert resource.getrlimit(resource.RLIMIT_DATA) == before  # lifted after the run


def test_a_memory_error_has_a_message(monkeypatch):
    def greedy(*args, **kwargs):
        raise MemoryError()
    monkeypatch.setattr(batch, "process_bytes", greedy)
    result = batch.process_source(Source("big.txt", "通知".encode(), ".txt"), time_limit=5)
    assert result.error.error == "MemoryError" and "more memory" in result.error.message


def test_the_time_limit_holds_in_a_thread_as_in_dasks_workers(monkeypatch):
    def spin(*args, **kwargs):
        while True:  # pure Python: the exception the timer raises in this thread stops it
            pass
    monkeypatch.setattr(batch, "process_bytes", spin)
    results = []
    thread = threading.Thread(
        target=lambda: results.append(batch.process_source(Source("slow.txt", b"", ".txt"), time_limit=0.2)))
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the time limit did not stop the thread"
    assert results[0].error.error == "time_limit"


# --- the main process killed: no orphans ----------------------------------------------------------

def worker_pids(pid: int) -> list[int]:
    """The workers of the run `pid`: its children still running (forked from it, they bear its
    command line; a command that imports may leave a short-lived child of its own, a zombie until
    reaped)."""
    psutil = pytest.importorskip("psutil")
    pids = []
    for child in psutil.Process(pid).children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                pids.append(child.pid)
        except psutil.NoSuchProcess:
            pass
    return pids


@pytest.mark.skipif(not LINUX, reason="signals and a parent-death signal as Linux has them")
@pytest.mark.parametrize("signum,code", [(signal.SIGKILL, -9), (signal.SIGTERM, 143), (signal.SIGINT, 130)],
                         ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_workers_end_with_the_main_process(seeds_dir, tmp_path, signum, code):
    psutil = pytest.importorskip("psutil")
    notices = variants(seeds_dir, tmp_path / "notices", 60)
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "pipeline.cli", "run", str(notices), "--out", str(out), "--workers", "2"]
    proc = subprocess.Popen(cli, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ((out / write.STAGING / "tasks.parquet").exists() and len(worker_pids(proc.pid)) == 2):
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended before it could be killed"
        time.sleep(0.05)
    children = [psutil.Process(pid) for pid in worker_pids(proc.pid)]
    proc.send_signal(signum)
    assert proc.wait(60) == code
    _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == [], "workers outlived the main process"
    if signum != signal.SIGKILL:  # an ending it sees: one sentence, and nothing left behind
        one_line(proc.stderr.read().decode())
        assert not (out / write.STAGING).exists()


# --- the commit cut short at every step -----------------------------------------------------------

class Killed(BaseException):
    """Stands for kill -9 at one step of the commit: nothing after it runs."""


@pytest.fixture(scope="module")
def two_runs(seeds_dir, tmp_path_factory) -> tuple[Path, Path]:
    """The output of a run over two seeds, and of one over all five."""
    old = tmp_path_factory.mktemp("two-seeds")
    for seed in sorted(seeds_dir.glob("*.txt"))[:2]:
        shutil.copy(seed, old)
    before, after = tmp_path_factory.mktemp("before"), tmp_path_factory.mktemp("after")
    assert run(old, "--out", before) == 0 and run(seeds_dir, "--out", after) == 0
    return before, after


@pytest.mark.parametrize("step", range(len(TABLES) + 2))  # the rename, each table, the manifest
def test_a_commit_cut_short_at_any_step_reads_as_one_run(seeds_dir, tmp_path, monkeypatch, two_runs, step):
    before, after = two_runs
    out = tmp_path / "out"
    shutil.copytree(before, out)
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) > step:
            raise Killed()
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", replace)
    with pytest.raises(Killed):
        run(seeds_dir, "--out", out, "--force")
    monkeypatch.setattr(write.os, "replace", real_replace)
    write.whole(out)  # a reader finishes what the killed run began, or finds it never began
    assert_same_tables(out, before if step == 0 else after)
    assert main(["query", str(out), "select count(*) from documents"]) == 0
    if step in (0, len(TABLES) + 1):  # and the next run carries on from either
        assert run(seeds_dir, "--out", out) == 0
        assert_same_tables(out, after)


def test_tables_of_two_runs_in_one_folder_are_refused_in_one_sentence(seeds_dir, tmp_path, capsys):
    one, other = tmp_path / "one", tmp_path / "other"
    assert run(seeds_dir, "--out", one) == 0
    assert run(seeds_dir, "--out", other, "--force") == 0
    shutil.copy(other / "tasks.parquet", one / "tasks.parquet")
    capsys.readouterr()
    assert main(["query", str(one), "select count(*) from tasks"]) == 2
    assert "holds tables of another run than its manifest (tasks.parquet)" in one_line(capsys.readouterr().err)
    with pytest.raises(write.Incomplete):
        pipeline.load(one)  # the Python API checks as the commands do


def test_a_half_done_commit_a_reader_cannot_finish_is_one_sentence(seed_output, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    shutil.copytree(seed_output, out)
    (out / write.COMMIT).mkdir()

    def read_only(folder):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(write, "recover", read_only)
    assert main(["query", str(out), "select 1"]) == 2
    assert "cannot be finished from here (Read-only file system)" in one_line(capsys.readouterr().err)


# --- a full disk ----------------------------------------------------------------------------------

def test_a_write_error_ends_in_one_sentence_and_keeps_the_previous_output(seeds_dir, tmp_path, monkeypatch, capsys):
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert run(seeds_dir, "--out", out) == 0
    assert run(seeds_dir, "--out", reference) == 0
    real_write = pq.ParquetWriter.write_table

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    capsys.readouterr()
    assert run(seeds_dir, "--out", out, "--force") == 2
    assert "No space left on device" in one_line(capsys.readouterr().err)
    monkeypatch.setattr(pq.ParquetWriter, "write_table", real_write)
    assert not (out / write.STAGING).exists()
    assert_same_tables(out, reference)


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KB tmpfs: needs root and a kernel that lets this process mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if not LINUX or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small filesystem needs root on Linux")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_ends_in_one_sentence_and_keeps_the_previous_output(seeds_dir, tmp_path, small_disk, capsys):
    out, reference = small_disk / "out", tmp_path / "reference"
    assert run(seeds_dir, "--out", out) == 0
    assert run(seeds_dir, "--out", reference) == 0
    many = variants(seeds_dir, tmp_path / "many", 8)  # 40 notices: more tables than the disk holds
    capsys.readouterr()
    assert run(many, "--out", out) == 2
    assert "No space left on device" in one_line(capsys.readouterr().err)
    assert not (out / write.STAGING).exists()
    assert_same_tables(out, reference)


# --- decompression bombs --------------------------------------------------------------------------

def test_a_docx_bomb_is_refused_after_unpacking_no_more_than_the_limit(monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("word/document.xml", b" " * 30_000_000)  # 30 MB in 30 KB
    monkeypatch.setitem(rules.load("reading"), "max_unzipped_bytes", 5_000_000)
    unpacked = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        piece = real_read(self, n)
        unpacked.append(len(piece))
        return piece

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    with pytest.raises(read.ReadError) as info:
        read.read_text(buf.getvalue(), "bomb.docx")
    assert info.value.error == "too_large"
    assert sum(unpacked) <= 5_000_000 + (1 << 20)  # it stopped a piece past the limit


# --- mistakes and broken environments: one sentence, exit 2 ---------------------------------------

@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_a_bad_time_limit_is_one_sentence(seeds_dir, tmp_path, capsys, value):
    assert main(["run", str(seeds_dir), "--out", str(tmp_path / "out"), "--time-limit", value]) == 2
    assert "--time-limit must be a number of seconds above 0" in one_line(capsys.readouterr().err)


def test_hanlp_missing_is_one_sentence(seeds_dir, tmp_path, capsys):
    if __import__("importlib").util.find_spec("hanlp"):
        pytest.skip("HanLP is installed here")
    assert main(["run", str(seeds_dir), "--out", str(tmp_path / "out"), "--ner", "hanlp"]) == 2
    assert "--ner hanlp needs HanLP" in one_line(capsys.readouterr().err)


def test_a_plot_in_an_unknown_format_is_one_sentence(seed_output, tmp_path, capsys):
    assert main(["compare", str(seed_output), "--subject", "安全", "--plot", str(tmp_path / "x.xyz")]) == 2
    assert "cannot write --plot" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize("command", [["query", "{out}", "select count(*) from tasks"],
                                     ["compare", "{out}", "--subject", "安全"],
                                     ["show", "{out}", "0", "--html", "{out}/page.html"]])
def test_a_damaged_table_is_one_sentence_and_the_next_run_rewrites_it(seed_output, seeds_dir, tmp_path, capsys, command):
    out = tmp_path / "out"
    shutil.copytree(seed_output, out)
    for name in ("tasks", "documents"):
        path = out / f"{name}.parquet"
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    capsys.readouterr()
    assert main([part.format(out=out) for part in command]) == 2
    one_line(capsys.readouterr().err)
    assert run(seeds_dir, "--out", out) == 0
    assert len(table(out, "documents")) == 5


def test_a_memory_error_in_a_command_is_one_sentence(seeds_dir, tmp_path, capsys, monkeypatch):
    def greedy(*args, **kwargs):
        raise MemoryError()
    monkeypatch.setattr(batch, "run", greedy)
    assert run(seeds_dir, "--out", tmp_path / "out") == 2
    assert "ran out of memory" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize("sql", ["copy (select * from tasks) to '{out}/stolen.csv'", "attach '{tmp}/other.db'",
                                 "install httpfs", "select * from read_text('/etc/hostname')",
                                 "select 1; copy (select 1) to '{tmp}/x.csv'"])
def test_read_only_queries_refuse_files_and_extensions(seed_output, tmp_path, capsys, sql):
    assert main(["query", str(seed_output), "--read-only", sql.format(out=seed_output, tmp=tmp_path)]) == 2
    one_line(capsys.readouterr().err)
    assert not (seed_output / "stolen.csv").exists() and not list(tmp_path.iterdir())


def test_read_only_queries_read_the_tables_and_views(seed_output, capsys):
    assert main(["query", str(seed_output), "--read-only", "--csv", "select count(*) as n from task_view"]) == 0
    assert capsys.readouterr().out.split() == ["n", str(len(table(seed_output, "tasks")))]


# --- encrypted PDFs -------------------------------------------------------------------------------

def encrypted_pdf(user_password: str) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    from test_inputs import NOTICE, pdf_file
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_file([NOTICE]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_an_aes_pdf_that_opens_without_a_password_is_read():
    pytest.importorskip("cryptography")
    result = process_bytes(encrypted_pdf(""), "notice.pdf")
    assert result.error is None and len(result.tasks) == 2


def test_an_aes_pdf_that_needs_a_password_says_encrypted():
    pytest.importorskip("cryptography")
    result = process_bytes(encrypted_pdf("secret"), "notice.pdf")
    assert result.error.error == "encrypted_pdf" and "password" in result.error.message


def test_a_broken_rules_file_is_one_sentence(seeds_dir, tmp_path):
    broken = tmp_path / "rules"
    shutil.copytree(rules.RULES_DIR, broken)
    with open(broken / "reading.toml", "a", encoding="utf-8") as fh:
        fh.write("max_bytes = [\n")  # an edit left half done
    cli = [sys.executable, "-m", "pipeline.cli", "run", str(seeds_dir), "--out", str(tmp_path / "out"), "--workers", "1"]
    done = subprocess.run(cli, capture_output=True, text=True, env={**os.environ, "POLICY_PIPELINE_RULES": str(broken)})
    assert done.returncode == 2
    assert "cannot start" in one_line(done.stderr) and "TOMLDecodeError" in done.stderr
