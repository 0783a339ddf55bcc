"""Throughput of the pipeline against jieba's default segmentation, measured in the same run.

    .venv/bin/python bench/run.py [--mb 50] [--workers N]

Builds a corpus of about --mb megabytes from corpora/ (each copy of a notice gets a line of its
own, so that none is skipped as a duplicate), runs the pipeline over it with 1 worker and with
N (default: all cores), times `jieba.lcut` over the same text, and prints MB/s per core, the ratio
to jieba, the parallel speed-up and the peak resident memory of each run (all its processes).
"""
from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.batch import runs as batch, inputs  # noqa: E402


def build_corpus(folder: Path, megabytes: float) -> int:
    """Copies of the bundled notices up to `megabytes`; returns the bytes written."""
    notices = [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpora").rglob("*.txt"))]
    written, i = 0, 0
    while written < megabytes * 1e6:
        text = notices[i % len(notices)] + f"\n抄送:档案室(第{i}份)\n"
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=50.0, help="size of the corpus to build (default 50)")
    ap.add_argument("--workers", type=int, default=batch.default_workers(), help="workers of the parallel run")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="policy-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        size = build_corpus(corpus, args.mb) / 1e6
        print(f"machine: {platform.machine()}, {psutil.cpu_count(logical=True)} cores, "
              f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}")
        print(f"corpus: {size:.1f} MB in {sum(1 for _ in corpus.iterdir())} notices")
        one_s, one_rss, docs = time_pipeline(corpus, Path(tmp) / "out1", 1)
        many_s, many_rss, _ = time_pipeline(corpus, Path(tmp) / "outN", args.workers)
        jieba_s = time_jieba(corpus)  # last: its dictionary would count in the pipeline's memory
    print(f"jieba lcut:          {size / jieba_s:6.2f} MB/s ({jieba_s:.1f} s)")
    print(f"pipeline, 1 worker:  {size / one_s:6.2f} MB/s ({one_s:.1f} s, {docs} documents), "
          f"ratio to jieba {jieba_s / one_s:.2f}, peak RSS {one_rss / 2**20:.0f} MiB")
    print(f"pipeline, {args.workers} workers: {size / many_s:6.2f} MB/s ({many_s:.1f} s), "
          f"{size / many_s / args.workers:.2f} MB/s per core, speed-up {one_s / many_s:.2f}, "
          f"peak RSS {many_rss / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
