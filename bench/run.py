"""Throughput of the pipeline against jieba's default segmentation, measured in the same run.

    .venv/bin/python bench/run.py [--mb 50 | --corpus DIR [--as-text]] [--workers N] [--repeats 3] [--long-mb 19.5]

With --corpus, measures on the inputs of DIR once each (distinct documents). Else builds a corpus
of about --mb megabytes that alternates the bundled notices of corpora/ with the whole real
documents of bench/corpus/ (long plans, central and provincial opinions); each pass over them makes
new copies, worded and figured differently (`vary`), and the share of the corpus's text in
sentences seen before is printed with it. Each of --repeats rounds runs the pipeline over it with
1 worker and with N (default: all cores) and times `jieba.lcut` over the same text (in a process of
its own), so that each ratio compares runs under the same load; the figures printed are the
medians of the rounds, with the machine's load average. Peak memory is the sum over all the run's
processes of their proportional set sizes (shared pages counted once), measured in a run of each
kind of its own: sampling it slows the run it samples. On a machine shared with other jobs the wall-clock
speed-up of N workers says more about the load than about the pipeline, so the CPU time of each
run is printed too: the parent's CPU per MB is what does not spread over the workers, and the
CPU-bound speed-up is what N free cores would give. Then the unchanged rerun (the same corpus into
the 1-worker run's output, in this process and as a whole command), the long-notice slope (the cost
per MB of one notice of --long-mb MB against one of 1 MB, both made by joining the real documents),
and the start-up of whole commands: `--help`, and a run over one small notice, with the modules'
bytecode compiled beforehand as installing the package compiles it.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import statistics
import time
from pathlib import Path

import psutil
import regex

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.batch import runs as batch, inputs  # noqa: E402

REAL = REPO / "bench" / "corpus"  # whole real notices, see bench/corpus/SOURCES.tsv
SMALL = REPO / "corpora" / "seeds" / "000_0de75744798fb82f.txt"  # a 32 KB notice, for the start-up


def _texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))]


# Words a notice may use one for the other; a copy picks one of each pair at each occurrence.
SYNONYMS = [("加强", "强化"), ("推进", "推动"), ("完善", "健全"), ("提升", "提高"), ("切实", "着力"),
            ("全面", "深入"), ("开展", "实施"), ("积极", "主动"), ("持续", "不断"), ("确保", "保证"),
            ("做好", "抓好"), ("有关", "相关"), ("及时", "尽快"), ("组织", "安排")]
SWAP = regex.compile("|".join(word for pair in SYNONYMS for word in pair))
OTHER = {word: pair for pair in SYNONYMS for word in pair}
FIGURE = regex.compile(r"(?<![\d.年月/:-])(\d+(?:\.\d+)?)(?![\d年月日时号/:-])")  # a figure, not a date's part


def vary(text: str, copy: int) -> str:
    """Copy number `copy` of a notice, worded and figured differently from the others, so that a
    corpus of copies does not feed the stages the same sentences again (their caches would flatter
    it): each interchangeable word (SYNONYMS) is drawn at random, and each figure's last digit moves
    by `copy`. Copy 0 is the notice itself."""
    if copy == 0:
        return text
    pick = random.Random(copy)
    text = SWAP.sub(lambda m: OTHER[m[0]][pick.random() < 0.5], text)
    return FIGURE.sub(lambda m: m[1][:-1] + str((int(m[1][-1]) + copy) % 10), text)


def seen_before(folder: Path) -> float:
    """The share of the corpus's sentences (by characters) that an earlier notice of it holds word
    for word: what caches keyed on text could reuse."""
    from pipeline.stages.reading import read
    seen, repeated, total = set(), 0, 0
    for path in sorted(folder.iterdir()):
        for sentence in regex.split(r"[。;\n]", read.read_text(path.read_bytes(), path.name)[0]):
            total += len(sentence)
            if sentence in seen:
                repeated += len(sentence)
            seen.add(sentence)
    return repeated / max(total, 1)


def build_corpus(folder: Path, megabytes: float) -> int:
    """The bundled notices and the real documents, alternating, up to `megabytes`, each pass over
    them a new copy (`vary`); returns the bytes written."""
    notices, real = _texts(REPO / "corpora"), _texts(REAL)
    written, i = 0, 0
    while written < megabytes * 1e6:
        pool = real if i % 2 else notices
        n = i // 2
        text = vary(pool[n % len(pool)], n // len(pool)) + f"\n抄送:档案室(第{i}份)\n"
        data = text.encode("utf-8")
        (folder / f"notice-{i:06d}.txt").write_bytes(data)
        written, i = written + len(data), i + 1
    return written


class PeakMemory:
    """The peak memory of this process and its children, sampled every 100 ms: their proportional
    set sizes (PSS: a page shared by several processes counts once, split among them), where there
    is one, else their resident sizes. Workers forked from this process share its pages until they
    write them, and resident sizes would count those once per process. Finding the children scans
    every process of the machine (2 ms), so it is done once a second; `cpu` is the sampling's own
    CPU time (1-2 ms a process, each sample), which is not the run's."""

    def __init__(self):
        self.peak, self.cpu, self._stop = 0, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        me, children = psutil.Process(), []
        for n in itertools.count():
            if self._stop.is_set():
                break
            try:
                if n % 10 == 0:
                    children = me.children(recursive=True)
                self.peak = max(self.peak, _memory(me) + sum(_memory(c) for c in children))
            except psutil.Error:  # a worker gone, or replaced: look for the children again
                children = me.children(recursive=True)
            self.cpu = time.thread_time()
            time.sleep(0.1)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _memory(process) -> int:
    info = process.memory_full_info() if sys.platform.startswith("linux") else process.memory_info()
    return getattr(info, "pss", info.rss)


class Run:
    """One run of the pipeline: wall seconds, CPU seconds of this process and of its workers, and,
    with `memory`, peak memory. Sampling memory slows the run it samples by about 3% (reading a
    process's page tables holds off its own mapping of memory), so it is measured in runs of its
    own, not in the timed ones."""

    def __init__(self, corpus: Path, out: Path, workers: int, force: bool = True, memory: bool = False):
        if force:
            shutil.rmtree(out, ignore_errors=True)
        before = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        with PeakMemory() if memory else contextlib.nullcontext() as sampled:
            started = time.perf_counter()
            stats = batch.run(inputs.sources([corpus]), out, workers=workers, force=force)
            self.seconds = time.perf_counter() - started
        # workers are waited for before the run returns, so RUSAGE_CHILDREN holds all of their time
        self.parent_cpu = _cpu(resource.RUSAGE_SELF) - before[0] - (sampled.cpu if memory else 0.0)
        self.workers_cpu = _cpu(resource.RUSAGE_CHILDREN) - before[1]
        self.peak = sampled.peak if memory else None
        self.documents, self.processed = stats.counts["documents"], stats.processed

    @property
    def cpu(self) -> float:
        return self.parent_cpu + self.workers_cpu


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def command(*args: str, bytecode: Path | None = None) -> float:
    """Wall seconds of one whole `policy-pipeline` process, Python's start and imports included.
    With `bytecode`, the modules' compiled bytecode is kept in that folder (and the environment's
    PYTHONDONTWRITEBYTECODE dropped), as an installed package has it: pip compiles a wheel's
    modules when it installs them, and a checkout writes __pycache__ at its first import."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.cli", *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def time_jieba(corpus: Path) -> float:
    """Seconds for jieba's default `lcut` over the same text (each input as the reading stage gives
    it, read beforehand), dictionary loaded beforehand; in a process of its own, so that its
    dictionary never counts in the pipeline's memory nor its objects in this process's collections."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", JIEBA, str(corpus)], env=env, check=True, capture_output=True, text=True)
    return float(done.stdout)


JIEBA = """
import sys, time
from pathlib import Path
import jieba
from pipeline.stages.reading import read
jieba.setLogLevel(60)
jieba.initialize()
texts = [read.read_text(path.read_bytes(), path.name)[0] for path in sorted(Path(sys.argv[1]).iterdir())]
started = time.perf_counter()
for text in texts:
    jieba.lcut(text)
print(time.perf_counter() - started)
"""


def copy_corpus(folder: Path, corpus: Path, as_text: bool = False) -> int:
    """The inputs of `folder` copied once each (distinct documents), or with `as_text` their text as
    the reading stage gives it, in UTF-8 (so that the pipeline is not also timed reading Word files
    that jieba is given as text); returns the bytes written."""
    from pipeline.stages.reading import read
    written = 0
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in {".txt", ".docx", ".html", ".htm", ".pdf"}):
        target = corpus / f"{written:012d}-{path.name}"
        if as_text:
            data = read.read_text(path.read_bytes(), path.name)[0].encode("utf-8")
            target.with_suffix(".txt").write_bytes(data)
            written += len(data)
        else:
            shutil.copyfile(path, target)
            written += path.stat().st_size
    return written


def long_notice(megabytes: float) -> bytes:
    """One notice of at most `megabytes`: the real documents joined, over and over, under one title."""
    real, parts, size = [t.encode("utf-8") for t in _texts(REAL)], [], 0
    while size + len(real[len(parts) % len(real)]) + 2 <= megabytes * 1e6:
        parts.append(real[len(parts) % len(real)])
        size += len(parts[-1]) + 2
    return b"\n\n".join(parts)


def time_notice(data: bytes) -> float:
    """Seconds for the pipeline's work on one notice, in this process, as a batch does it (stages and
    rows, their record batches built), under a time limit no notice reaches. A notice's rows are built
    where it was processed only past rows.GATHER_BYTES (the long one's), else by the writer with
    the next notices': built here for both, so that both sizes count the same work."""
    started = time.perf_counter()
    rows = batch.process_source(inputs.Source("long.txt", data, ".txt"), 3600).build()
    seconds = time.perf_counter() - started
    if rows.error:  # e.g. over reading.toml's max_bytes: a time that measured nothing
        raise SystemExit(f"long notice: {rows.error.message}")
    return seconds


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "load n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=50.0, help="size of the corpus to build (default 50)")
    ap.add_argument("--corpus", type=Path, help="measure on the inputs of this folder, once each, instead of the "
                                                "built corpus (e.g. distinct real documents; sizes are of the files)")
    ap.add_argument("--as-text", action="store_true", help="with --corpus, measure on the inputs' text (Word, PDF and "
                                                          "HTML files read once beforehand, as jieba's text is)")
    ap.add_argument("--workers", type=int, default=batch.default_workers(), help="workers of the parallel run")
    ap.add_argument("--repeats", type=int, default=3, help="paired rounds whose medians are printed (default 3)")
    ap.add_argument("--long-mb", type=float, default=19.5,
                    help="size of the long notice of the slope, under the 20 MB input limit (default 19.5)")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {psutil.cpu_count(logical=True)} cores, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}; {load()}")
    rounds = []
    with tempfile.TemporaryDirectory(prefix="policy-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        if args.corpus:
            size = copy_corpus(args.corpus, corpus, args.as_text) / 1e6
            made = f"the {'text of the ' if args.as_text else ''}inputs of {args.corpus}, once each"
        else:
            size, made = build_corpus(corpus, args.mb) / 1e6, "corpora/ and bench/corpus/ alternating, varied copies"
        time.sleep(inputs.SETTLED_NS / 1e9)  # files this fresh are not trusted by their stamps: the rerun would read them
        print(f"corpus: {size:.1f} MB in {sum(1 for _ in corpus.iterdir())} notices ({made}), {args.repeats} paired rounds; "
              f"{100 * seen_before(corpus):.0f}% of its text in sentences an earlier notice holds word for word")
        for _ in range(args.repeats):
            one = Run(corpus, Path(tmp) / "out1", 1)
            many = Run(corpus, Path(tmp) / "outN", args.workers)
            jieba_s = time_jieba(corpus)
            rounds.append((one, many, jieba_s))
        peaks = [Run(corpus, Path(tmp) / f"out{n}", n, memory=True).peak for n in (1, args.workers)]
        rerun = [Run(corpus, Path(tmp) / "out1", 1, force=False) for _ in range(args.repeats)]
        rerun_command = [command("run", str(corpus), "-o", str(Path(tmp) / "out1"), "-q") for _ in range(args.repeats)]
        assert all(r.processed == 0 for r in rerun), "the unchanged rerun processed inputs"
        small, bytecode = Path(tmp) / "small", Path(tmp) / "bytecode"
        start_up = (("--help",), ("run", str(SMALL), "-o", str(small), "-f", "-q"))
        for cmd in start_up:  # the first run compiles the bytecode, as installing does
            command(*cmd, bytecode=bytecode)
        starts = [tuple(command(*cmd, bytecode=bytecode) for cmd in start_up) for _ in range(5)]

    def median(value) -> float:
        return statistics.median(value(*r) for r in rounds)

    one_s, many_s, jieba_s = median(lambda one, many, j: one.seconds), median(lambda one, many, j: many.seconds), median(lambda *r: r[2])
    one_cpu, parent_cpu = median(lambda one, many, j: one.cpu), median(lambda one, many, j: many.parent_cpu)
    workers_cpu = median(lambda one, many, j: many.workers_cpu)
    print(f"jieba lcut:          {size / jieba_s:6.2f} MB/s ({jieba_s:.1f} s)")
    print(f"pipeline, 1 worker:  {size / one_s:6.2f} MB/s ({one_s:.1f} s, {rounds[0][0].documents} documents), "
          f"ratio to jieba {median(lambda one, many, j: j / one.seconds):.2f}, "
          f"peak memory {peaks[0] / 2**20:.0f} MiB; CPU {one_cpu / size:.2f} s/MB")
    print(f"pipeline, {args.workers} workers: {size / many_s:6.2f} MB/s ({many_s:.1f} s), "
          f"speed-up {median(lambda one, many, j: one.seconds / many.seconds):.2f}, "
          f"peak memory over all processes {peaks[1] / 2**20:.0f} MiB")
    cores = min(args.workers, psutil.cpu_count(logical=True))
    print(f"  CPU: parent {parent_cpu / size:.3f} s/MB, workers {workers_cpu / size:.2f} s/MB; "
          f"speed-up were {cores} cores free (CPU of 1 worker / CPU of {args.workers} workers per core) "
          f"{median(lambda one, many, j: one.cpu / (many.cpu / cores)):.2f}")
    rerun_s, command_s = statistics.median(r.seconds for r in rerun), statistics.median(rerun_command)
    print(f"unchanged rerun: {rerun_s:.2f} s ({100 * rerun_s / one_s:.1f}% of a 1-worker run); as a whole command "
          f"{command_s:.2f} s ({100 * command_s / one_s:.1f}%)")
    short, long_ = long_notice(1.0), long_notice(args.long_mb)
    batch.warm()  # as a run starts, on a notice of its own: patterns compiled, what stays loaded frozen
    batch.frozen_after_warming()
    per_mb = [(time_notice(short) / (len(short) / 1e6), time_notice(long_) / (len(long_) / 1e6))
              for _ in range(args.repeats)]
    short_s, long_s = (statistics.median(r[k] for r in per_mb) for k in range(2))
    print(f"long notice: {short_s:.2f} s/MB at {len(short) / 1e6:.1f} MB, {long_s:.2f} s/MB at "
          f"{len(long_) / 1e6:.1f} MB, slope {statistics.median(r[1] / r[0] for r in per_mb):.2f}")
    help_s, small_s = (statistics.median(start[k] for start in starts) for k in range(2))
    print(f"start-up (whole commands with their bytecode compiled, median of 5): --help {help_s:.2f} s, one small notice ({SMALL.stat().st_size // 1000} KB) "
          f"{small_s:.2f} s")
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
