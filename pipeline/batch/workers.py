"""Worker processes that no input can take the batch down with.

Each worker is a child process serving one input at a time over a socket, with the next ones
already in hand where they are small (IN_HAND), so that it does not wait for the parent between
inputs, nor while the parent writes. The parent always knows which input each worker is at (the
first it holds that has not come back: rows come back in the order given), so a worker that dies
(the out-of-memory killer's SIGKILL, a crash in a C library) costs that input alone: it becomes an
error row, the inputs queued behind it go to another worker, a new worker takes the dead one's place, and the batch goes on.
A worker that overruns the time limit by far, stuck where the alarm cannot reach it, is killed
the same way. Workers end with their parent, however it ends: they ask the kernel for SIGKILL
when it dies (Linux) and also watch for it.

With the rules alone, on Linux, a worker is forked from this process once it is warm (the stages
imported, the rules compiled): a worker in an interpreter of its own spent 0.6 s of CPU getting
there, an eighth of what two workers spent on 20 MB. A model (`--ner`) is loaded in a worker of
its own, started afresh: torch's thread pools do not survive a fork.
`python -m pipeline.batch.workers FD NER MEMORY PARENT` is such a worker's entry point.
"""
from __future__ import annotations

import ctypes
import itertools
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from pipeline.batch.inputs import Source
from pipeline.batch.rows import Rows
from pipeline.records import ErrorRecord

MEMORY_BUDGET = 2 << 30  # bytes of heap an input may take in a worker; one that needs more becomes an error row
# Bytes of input a worker holds behind the one it is at: some 45 ms of work, longer than the parent's
# longest pause (writing a row group). With one input held, workers waited for the parent a tenth of a
# 2-worker run on 20 MB (0.9 of 8.8 s of CPU); with this much, a thirtieth.
IN_HAND = 128 << 10
# Asked of the kernel for each end of a worker's socket (it gives at most net.core.wmem_max): room for
# the inputs a worker holds, and for the rows it sends back while the parent writes, which would
# otherwise keep it waiting (a tenth of its time on 20 MB with the default 208 KB)
SEND_BUFFER = 2 << 20
# What the parent holds per worker, inputs read and not yet handed back (and their rows): so many
# inputs, and so many bytes of them (4 of the largest a run takes, as when 4 inputs were the bound)
WINDOW, WINDOW_BYTES = 16, 80 << 20
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
    started: float  # when its worker got to it, as near as the parent knows


def forks(ner: str) -> bool:
    """Whether workers are forked from this process (see the module's docstring): Linux, where
    fork is safe for the libraries the rules use (macOS's system frameworks are not), and no model."""
    return ner == "rules" and sys.platform.startswith("linux")


class Worker:
    """One child process and the inputs it holds, in the order given. `others` are the sockets of
    this process's other workers, which a forked one must not hold open."""

    def __init__(self, ner: str, memory: int, others: Iterable[Connection] = ()):
        ours, theirs = socket.socketpair()
        for end in (ours, theirs):
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        # bytes of input it may hold behind the one it is at (see Pool._taker); the kernel doubles what
        # it is asked, for its own bookkeeping, and says so
        self.room = min(IN_HAND, ours.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) // 4)
        if forks(ner):
            ends, parent = [ours.fileno(), *(conn.fileno() for conn in others if not conn.closed)], os.getpid()
            self.process = Forked(lambda: serve(theirs.detach(), ner, memory, parent, close=ends))
        else:
            command = [sys.executable, "-m", "pipeline.batch.workers", str(theirs.fileno()), ner, str(memory), str(os.getpid())]
            self.process = subprocess.Popen(command, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False
        self.jobs: deque[Job] = deque()

    @property
    def job(self) -> Job | None:
        """The input it is at."""
        return self.jobs[0] if self.jobs else None

    def held(self) -> int:
        """Bytes of the inputs it holds behind the one it is at."""
        return sum(len(job.source.data) for job in itertools.islice(self.jobs, 1, None))

    def give(self, job: Job, time_limit: float) -> None:
        self.jobs.append(job)
        try:
            self.conn.send((job.source, time_limit))
        except OSError:
            pass  # it died taking the input in: the socket's end says so at the next wait

    def done(self) -> Job:
        """The input it was at, now that its rows came back; it is at the next one from now."""
        job = self.jobs.popleft()
        if self.jobs:
            self.jobs[0].started = time.monotonic()
        return job

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


class Forked:
    """A worker forked from this process, with the handle subprocess.Popen gives for one it starts
    (pid, poll, wait, kill). The child runs `serve` and ends there: it never returns into the
    parent's code, whatever happens in it."""

    def __init__(self, serve_it):
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None under pythonw
                stream.flush()  # else what is buffered would be written twice, by each process
        self.returncode: int | None = None
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the command's handler ends a run, not a worker
                code = serve_it()
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None and self.returncode is None:
            self.returncode = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        deadline, pause = time.monotonic() + (timeout or 0.0), 0.0005
        while self.poll() is None:
            if time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            time.sleep(pause)
            pause = min(2 * pause, 0.05)
        return self.returncode

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)


class Pool:
    """`size` workers processing inputs, results handed back in input order."""

    def __init__(self, size: int, ner: str = "rules", memory: int = MEMORY_BUDGET):
        self.ner, self.memory = ner, memory
        if forks(ner):
            _warm_here(ner)
        self.workers: list[Worker] = []
        for _ in range(size):
            self.workers.append(Worker(ner, memory, self._conns()))
        self.failed_starts = 0
        self.waiting: deque[Job] = deque()  # the next input, and those queued behind one that took its worker down

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
        At most WINDOW inputs per worker, and WINDOW_BYTES of them, are held at once, so memory stays flat."""
        items = iter(items)
        done: dict[int, Rows] = {}
        sizes: dict[int, int] = {}  # bytes of each input read and not yet handed back
        given = handed = ahead = 0
        window, window_bytes, exhausted = WINDOW * len(self.workers), WINDOW_BYTES * len(self.workers), False
        while True:
            self._hand_out(time_limit)
            while not exhausted and not self.waiting and given - handed < window and ahead < window_bytes:
                item = next(items, None)
                if item is None:
                    exhausted = True
                    break
                if isinstance(item, Source):
                    sizes[given] = len(item.data)
                    ahead += sizes[given]
                    self.waiting.append(Job(given, item, 0.0))
                    self._hand_out(time_limit)
                else:
                    done[given] = item
                given += 1
            while handed in done:
                ahead -= sizes.pop(handed, 0)
                yield done.pop(handed)
                handed += 1
            if exhausted and handed == given:
                return
            if exhausted or self.waiting or given - handed >= window or ahead >= window_bytes:
                self._wait(done, time_limit)  # else there is room and a worker: take more inputs

    def _hand_out(self, time_limit: float) -> None:
        """Give the inputs waiting, in order, to the workers that can take them."""
        while self.waiting and (worker := self._taker(self.waiting[0].source)) is not None:
            job = self.waiting.popleft()
            job.started = time.monotonic()
            worker.give(job, time_limit)

    def _taker(self, source: Source) -> Worker | None:
        """An idle worker, else, of those at work with room for it, the one holding least. What a
        worker holds behind the input it is at stays within its room: IN_HAND, and a quarter of its
        socket's buffer (the rest for names and framing), so that sending never waits, even to a
        worker stuck in C code where its thread taking inputs in cannot run, which the parent must
        stay free to kill."""
        ready = [w for w in self.workers if w.ready]
        idle = next((w for w in ready if not w.jobs), None)
        if idle is not None:
            return idle
        held = {w: w.held() for w in ready}
        return min((w for w in ready if held[w] + len(source.data) <= w.room), key=held.__getitem__, default=None)

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
                done[worker.done().index] = payload
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.job and now - worker.job.started > hard_limit(time_limit):
                self._replace(worker, done, lambda source, how: _overran(source, time_limit))

    def _replace(self, worker: Worker, done: dict[int, Rows], error) -> None:
        """A new worker in place of one that is gone (or stuck: it is killed first); the input it was
        at, if any, becomes an error row, and the one queued behind it is given again."""
        worker.kill()
        if worker.jobs:
            job = worker.jobs.popleft()
            done[job.index] = Rows.failed(error(job.source, worker.how_it_died()))
            self.waiting.extendleft(reversed(worker.jobs))  # not started: no fault of theirs, given again first
        elif not worker.ready:
            self.failed_starts += 1
            if self.failed_starts >= START_ATTEMPTS:
                raise WorkerError(f"worker processes die as they start ({worker.how_it_died()}); "
                                  f"try `python -m pipeline.batch.workers` to see why")
        self.workers[self.workers.index(worker)] = Worker(self.ner, self.memory, self._conns())

    def _conns(self) -> list[Connection]:
        return [worker.conn for worker in self.workers]

    def close(self, at_once: bool = False) -> None:
        """Ask the workers to finish, all at once, or kill them (on an error or an interrupt)."""
        if not at_once:
            for worker in self.workers:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
            deadline = time.monotonic() + 10
            for worker in self.workers:
                try:
                    worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
        for worker in self.workers:
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


def _warm_here(ner: str) -> None:
    """This process warm, to fork workers from: a rule that cannot load fails here, as a worker's would."""
    from pipeline.batch.runs import WarmError, warm
    try:
        warm(ner)
    except WarmError as exc:
        raise WorkerError(str(exc)) from exc


def serve(fd: int, ner: str, memory: int, parent: int, close: Iterable[int] = ()) -> int:
    """A worker's life: warm, then the inputs it is sent, until the parent says finish. `close`:
    the parent's ends of the sockets, which a forked worker holds too and must not (it would never
    see its own socket end with the parent)."""
    for end in close:
        os.close(end)
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    from pipeline.batch import rows
    from pipeline.batch.runs import WarmError, frozen_after_warming, process_source, warm
    rows.COMPRESS = False  # the parent is on this machine: see rows.COMPRESS
    conn = Connection(fd)
    try:
        warm(ner)
    except WarmError as exc:
        conn.send(("failed", str(exc)))
        return 1
    frozen_after_warming()  # a worker ends with os._exit: nothing to give back
    jobs: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_take_jobs, args=(conn, jobs), daemon=True).start()  # its stack: not the inputs' budget
    _limit_memory(memory)  # after warming: the budget is for inputs, not for loading a model
    conn.send(("ready", None))
    while isinstance(job := jobs.get(), tuple):
        source, time_limit = job
        conn.send(("done", process_source(source, time_limit, ner)))
    return 0 if job is None else 1


def _take_jobs(conn: Connection, jobs: queue.SimpleQueue) -> None:
    """Take inputs in as the parent sends them, so that the next is at hand when one is done and
    the parent's sending never waits on the input being processed. The parent's None (finish), or
    the exception that ended the taking in (the parent gone, an input too large to take in), ends
    the worker once the inputs before it are done."""
    try:
        while (job := conn.recv()) is not None:
            jobs.put(job)
    except BaseException as exc:  # EOFError, OSError, MemoryError
        job = exc
    jobs.put(job)


if __name__ == "__main__":
    fd, ner, memory, parent = sys.argv[1:5]
    code = serve(int(fd), ner, int(memory), int(parent))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # as multiprocessing's children do: tearing down a warm interpreter takes a while, for nothing
