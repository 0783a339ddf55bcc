"""Throughput of the pipeline against jieba's default segmentation, measured in the same run.

    .venv/bin/python bench/run.py [--mb 50] [--workers N] [--repeats 3] [--long-mb 19.5]

Builds a corpus of about --mb megabytes that alternates the bundled notices of corpora/ with the
whole real documents of bench/corpus/ (long plans, central and provincial opinions; each copy gets
a line of its own, so that none is skipped as a duplicate). Each of --repeats rounds runs the
pipeline over it with 1 worker and with N (default: all cores) and times `jieba.lcut` over the same
text, so that each ratio compares runs under the same load; the figures printed are the medians of
the rounds, with the machine's load average. Then the long-notice slope: the cost per MB of one
notice of --long-mb MB against one of 1 MB, both made by joining the real documents.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import threading
import statistics
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline import process  # noqa: E402
from pipeline.batch import runs as batch, inputs  # noqa: E402

REAL = REPO / "bench" / "corpus"  # whole real notices, see bench/corpus/SOURCES.tsv


def _texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))]


def build_corpus(folder: Path, megabytes: float) -> int:
    """The bundled notices and the real documents, alternating, up to `megabytes`; returns the bytes written."""
    notices, real = _texts(REPO / "corpora"), _texts(REAL)
    written, i = 0, 0
    while written < megabytes * 1e6:
        pool = real if i % 2 else notices
        text = pool[i // 2 % len(pool)] + f"\n抄送:档案室(第{i}份)\n"
        data = text.encode("utf-8")
        (folder / f"notice-{i:06d}.txt").write_bytes(data)
        written, i = written + len(data), i + 1
    return written


class PeakMemory:
    """The peak resident memory of this process and its children, sampled every 50 ms."""

    def __init__(self):
        self.peak, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                rss = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                continue
            self.peak = max(self.peak, rss)
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def time_pipeline(corpus: Path, out: Path, workers: int) -> tuple[float, int, int]:
    """Seconds, peak memory and documents of one full run."""
    shutil.rmtree(out, ignore_errors=True)
    with PeakMemory() as memory:
        started = time.perf_counter()
        stats = batch.run(inputs.sources([corpus]), out, workers=workers, force=True)
        seconds = time.perf_counter() - started
    return seconds, memory.peak, stats.counts["documents"]


def time_jieba(corpus: Path) -> float:
    """Seconds for jieba's default `lcut` over the same text, dictionary loaded beforehand."""
    import jieba
    jieba.setLogLevel(60)
    jieba.initialize()
    started = time.perf_counter()
    for path in sorted(corpus.iterdir()):
        jieba.lcut(path.read_text(encoding="utf-8"))
    return time.perf_counter() - started


def long_notice(megabytes: float) -> bytes:
    """One notice of at most `megabytes`: the real documents joined, over and over, under one title."""
    real, parts, size = [t.encode("utf-8") for t in _texts(REAL)], [], 0
    while size + len(real[len(parts) % len(real)]) + 2 <= megabytes * 1e6:
        parts.append(real[len(parts) % len(real)])
        size += len(parts[-1]) + 2
    return b"\n\n".join(parts)


def time_notice(data: bytes) -> float:
    """Seconds for the pipeline's work on one notice, in this process (no batch time limit)."""
    started = time.perf_counter()
    result = process.process_bytes(data, "long.txt")
    seconds = time.perf_counter() - started
    if result.error:  # e.g. over reading.toml's max_bytes: a time that measured nothing
        raise SystemExit(f"long notice: {result.error.message}")
    return seconds


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "load n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=50.0, help="size of the corpus to build (default 50)")
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
        size = build_corpus(corpus, args.mb) / 1e6
        print(f"corpus: {size:.1f} MB in {sum(1 for _ in corpus.iterdir())} notices "
              f"(corpora/ and bench/corpus/ alternating), {args.repeats} paired rounds")
        for _ in range(args.repeats):
            one_s, one_rss, docs = time_pipeline(corpus, Path(tmp) / "out1", 1)
            many_s, many_rss, _ = time_pipeline(corpus, Path(tmp) / "outN", args.workers)
            jieba_s = time_jieba(corpus)  # last: its dictionary would count in the pipeline's memory
            rounds.append((one_s, many_s, jieba_s, one_rss, many_rss))
    one_s, many_s, jieba_s, one_rss, many_rss = (statistics.median(r[k] for r in rounds) for k in range(5))
    ratio = statistics.median(r[2] / r[0] for r in rounds)
    speedup = statistics.median(r[0] / r[1] for r in rounds)
    print(f"jieba lcut:          {size / jieba_s:6.2f} MB/s ({jieba_s:.1f} s)")
    print(f"pipeline, 1 worker:  {size / one_s:6.2f} MB/s ({one_s:.1f} s, {docs} documents), "
          f"ratio to jieba {ratio:.2f}, peak RSS {one_rss / 2**20:.0f} MiB")
    print(f"pipeline, {args.workers} workers: {size / many_s:6.2f} MB/s ({many_s:.1f} s), "
          f"{size / many_s / args.workers:.2f} MB/s per core, speed-up {speedup:.2f}, "
          f"peak RSS {many_rss / 2**20:.0f} MiB")
    short, long_ = long_notice(1.0), long_notice(args.long_mb)
    time_notice(short)  # warm: the first notice pays for compiling the patterns
    per_mb = [(time_notice(short) / (len(short) / 1e6), time_notice(long_) / (len(long_) / 1e6))
              for _ in range(args.repeats)]
    short_s, long_s = (statistics.median(r[k] for r in per_mb) for k in range(2))
    print(f"long notice: {short_s:.2f} s/MB at {len(short) / 1e6:.1f} MB, {long_s:.2f} s/MB at "
          f"{len(long_) / 1e6:.1f} MB, slope {statistics.median(r[1] / r[0] for r in per_mb):.2f}")
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
