"""Worker processes that no input can take the batch down with.

Each worker is a child process serving one input at a time over a socket. The parent always
knows which input each worker holds, so a worker that dies (the out-of-memory killer's SIGKILL,
a crash in a C library) costs that input alone: it becomes an error row, a new worker takes the
dead one's place, and the batch goes on. A worker that overruns the time limit by far, stuck
where the alarm cannot reach it, is killed the same way. Workers end with their parent, however
it ends: they ask the kernel for SIGKILL when it dies (Linux) and also watch for it.

`python -m pipeline.batch.workers FD NER MEMORY PARENT` is a worker's own entry point.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from pipeline.batch.inputs import Source
from pipeline.batch.rows import Rows
from pipeline.records import ErrorRecord

MEMORY_BUDGET = 2 << 30  # bytes of heap an input may take in a worker; one that needs more becomes an error row
START_ATTEMPTS = 3  # workers that die before serving, in a row, before the run gives up
PR_SET_PDEATHSIG = 1


class WorkerError(Exception):
    """Workers cannot start: a model that does not load, a broken environment."""


def hard_limit(time_limit: float) -> float:
    """When the parent kills a worker: well past the worker's own alarm, which ends nearly every
    overrun itself, for one stuck inside C code that the alarm cannot interrupt."""
    return 2 * time_limit + 5


@dataclass
class Job:
    index: int
    source: Source
    started: float


class Worker:
    """One child process and the input it holds."""

    def __init__(self, ner: str, memory: int):
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-m", "pipeline.batch.workers", str(theirs.fileno()), ner, str(memory), str(os.getpid())]
        self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False
        self.job: Job | None = None

    def give(self, job: Job, time_limit: float) -> None:
        self.job = job
        try:
            self.conn.send((job.source, time_limit))
        except OSError:
            pass  # it died taking the input in: the socket's end says so at the next wait

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.conn.close()

    def how_it_died(self) -> str:
        code = self.process.wait()
        if code < 0:
            name = signal.Signals(-code).name
            oom = " as the out-of-memory killer does" if -code == getattr(signal, "SIGKILL", None) else ""
            return f"killed by {name}{oom}"
        return f"exited with code {code}"


class Pool:
    """`size` workers processing inputs, results handed back in input order."""

    def __init__(self, size: int, ner: str = "rules", memory: int = MEMORY_BUDGET):
        self.ner, self.memory = ner, memory
        self.workers = [Worker(ner, memory) for _ in range(size)]
        self.failed_starts = 0

    def __enter__(self) -> "Pool":
        """Wait for every worker to be warm, so that one that cannot start (a model that does not
        load) stops the run before any input is read."""
        try:
            while not all(worker.ready for worker in self.workers):
                self._wait({}, 0)
        except BaseException:
            self.close(at_once=True)
            raise
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self.close(at_once=kind is not None)

    def map(self, items: Iterable[Source | Rows], time_limit: float) -> Iterator[Rows]:
        """Each input's rows, in order; an item that is not a Source (an error row) passes through.
        At most four inputs per worker are held at once, so memory stays flat."""
        items = iter(items)
        done: dict[int, Rows] = {}
        given = handed = 0
        window, exhausted = 4 * len(self.workers), False
        while True:
            while not exhausted and given - handed < window and (idle := self._idle()) is not None:
                item = next(items, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, Source):
                    idle.give(Job(given, item, time.monotonic()), time_limit)
                    given += 1
                else:
                    done[given] = item
                    given += 1
            while handed in done:
                yield done.pop(handed)
                handed += 1
            if exhausted and handed == given:
                return
            if exhausted or given - handed >= window or self._idle() is None:
                self._wait(done, time_limit)  # else there is room and a worker: take more inputs

    def _idle(self) -> Worker | None:
        return next((w for w in self.workers if w.ready and w.job is None), None)

    def _wait(self, done: dict[int, Rows], time_limit: float) -> None:
        busy = [w.job.started + hard_limit(time_limit) for w in self.workers if w.job]
        timeout = max(0.0, min(busy) - time.monotonic()) if busy else None
        for conn in wait([w.conn for w in self.workers], timeout):
            worker = next(w for w in self.workers if w.conn is conn)
            try:
                kind, payload = conn.recv()
            except (EOFError, OSError):
                self._replace(worker, done, _died)
                continue
            if kind == "ready":
                worker.ready, self.failed_starts = True, 0
            elif kind == "failed":
                raise WorkerError(payload)
            else:
                done[worker.job.index] = payload
                worker.job = None
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.job and now - worker.job.started > hard_limit(time_limit):
                self._replace(worker, done, lambda source, how: _overran(source, time_limit))

    def _replace(self, worker: Worker, done: dict[int, Rows], error) -> None:
        """A new worker in place of one that is gone (or stuck: it is killed first); its input, if it
        held one, becomes an error row."""
        worker.kill()
        if worker.job:
            done[worker.job.index] = Rows.failed(error(worker.job.source, worker.how_it_died()))
        elif not worker.ready:
            self.failed_starts += 1
            if self.failed_starts >= START_ATTEMPTS:
                raise WorkerError(f"worker processes die as they start ({worker.how_it_died()}); "
                                  f"try `python -m pipeline.batch.workers` to see why")
        self.workers[self.workers.index(worker)] = Worker(self.ner, self.memory)

    def close(self, at_once: bool = False) -> None:
        """Ask the workers to finish, or kill them at once (on an error or an interrupt)."""
        for worker in self.workers:
            try:
                if not at_once:
                    worker.conn.send(None)
                    worker.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                pass
            worker.kill()


def _died(source: Source, how: str) -> ErrorRecord:
    return ErrorRecord(source.source, "process", "worker_died",
                       f"worker died while processing it ({how}); another took its place and the batch went on")


def _overran(source: Source, time_limit: float) -> ErrorRecord:
    return ErrorRecord(source.source, "process", "time_limit",
                       f"processing took over {time_limit:g} s, the limit per document, and could not be "
                       f"interrupted; its worker was killed and the input skipped")


# --- inside a worker ------------------------------------------------------------------------------

def _die_with(parent: int) -> None:
    """End when the parent does, even by SIGKILL: the kernel's parent-death signal where there is
    one, and a watch on the parent's id everywhere (it also covers a parent gone before this ran)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _limit_memory(budget: int) -> tuple | None:
    """Heap beyond the budget raises MemoryError, which the input's row reports, rather than
    calling the out-of-memory killer on the machine. The budget comes on top of what the process
    already holds (libraries reserve much address space they never touch). Returns the limit it
    replaced, or None where it set none."""
    try:
        import resource
    except ImportError:
        return None  # Windows: the budget is the OS's
    if sys.platform.startswith("linux"):
        kind, held = resource.RLIMIT_DATA, _proc_status_bytes("VmData")
    else:
        kind, held = resource.RLIMIT_AS, 0
    previous = resource.getrlimit(kind)
    hard = previous[1]
    soft = held + budget if hard == resource.RLIM_INFINITY else min(held + budget, hard)
    try:
        resource.setrlimit(kind, (soft, hard))
    except (ValueError, OSError):
        return None  # a limit this system does not allow: the budget is the OS's
    return kind, previous


@contextmanager
def memory_budget(budget: int):
    """The workers' budget for a run in this process (`--workers 1`), lifted after it. Linux only,
    where the limit counts the heap alone; elsewhere it would count the address space too."""
    replaced = _limit_memory(budget) if sys.platform.startswith("linux") else None
    try:
        yield
    finally:
        if replaced:
            import resource
            resource.setrlimit(*replaced)


def _proc_status_bytes(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def serve(fd: int, ner: str, memory: int, parent: int) -> int:
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    from pipeline.batch.runs import WarmError, process_source, warm
    conn = Connection(fd)
    try:
        warm(ner)
    except WarmError as exc:
        conn.send(("failed", str(exc)))
        return 1
    _limit_memory(memory)  # after warming: the budget is for inputs, not for loading a model
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return 0
        if job is None:
            return 0
        source, time_limit = job
        conn.send(("done", process_source(source, time_limit, ner)))


if __name__ == "__main__":
    fd, ner, memory, parent = sys.argv[1:5]
    sys.exit(serve(int(fd), ner, int(memory), int(parent)))
