"""Throughput of the entity backends (`run --ner`) against the rules, measured in the same run.

    .venv/bin/python bench/ner.py [--backends rules spacy hanlp] [--repeats 3] [--copies 2]

Runs `policy-pipeline run DIR -w 1 -f --ner B` of this checkout as a child process, for each backend,
over the notices of corpora/dev and corpora/seeds and the real documents of bench/corpus, --copies
times each (a line of its own at the end of each copy, so that none is skipped as a duplicate):
about 0.4 MB a copy. Times are the CPU seconds of the child (user + system, as the kernel counts a
waited-for child), so the other processes of a shared machine count only through caches and clock
speed; wall seconds and the load average are printed beside them. Each round runs every backend once,
in turn, so that a ratio compares runs under the same load; the figures are the medians of the rounds.

MB/s are of the whole run, start-up included (imports, loading the model), as a user waits for it;
a run over one short notice gives the start-up alone, and the MB/s past it are printed too.
Needs the `resource` module (Linux, macOS).
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = [REPO / "corpora" / "dev", REPO / "corpora" / "seeds", REPO / "bench" / "corpus"]
SHORT = "关于开展安全生产检查的通知\n各乡镇:\n一、开展检查。(县应急管理局牵头)\n"


@dataclass
class Timing:
    cpu: float  # seconds of CPU, user + system
    wall: float


class Unavailable(Exception):
    """The backend cannot run here (no model, HanLP not installed): the CLI's own message."""


def build_corpus(folder: Path, copies: int) -> int:
    """The notices of SOURCES, `copies` times each; returns the bytes written."""
    written = 0
    for copy in range(copies):
        for source in SOURCES:
            for path in sorted(source.glob("*.txt")):
                data = (path.read_text(encoding="utf-8") + f"\n抄送:档案室(第{copy}份)\n").encode("utf-8")
                (folder / f"{source.name}-{path.stem}-{copy}.txt").write_bytes(data)
                written += len(data)
    return written


def run(corpus: Path, out: Path, backend: str) -> Timing:
    """One `policy-pipeline run` of this checkout in a child process, timed."""
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "-o", str(out),
               "-w", "1", "-f", "-q", "--ner", backend]
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode == 2:  # a usage error: the backend's model or library is missing
        raise Unavailable(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "exit code 2")
    if done.returncode != 0:
        raise SystemExit(f"--ner {backend} exited with {done.returncode}:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(cpu, wall)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "load n/a"


def measure(backends: list[str], repeats: int, copies: int, tmp: Path) -> tuple[float, dict[str, list[tuple[Timing, Timing]]]]:
    """MB of the corpus, and per backend the (whole run, start-up run) timings of each round."""
    corpus, short = tmp / "corpus", tmp / "short"
    corpus.mkdir()
    short.mkdir()
    (short / "short.txt").write_text(SHORT, encoding="utf-8")
    size = build_corpus(corpus, copies) / 1e6
    rounds: dict[str, list[tuple[Timing, Timing]]] = {b: [] for b in backends}
    for i in range(repeats):
        for backend in backends[i % len(backends):] + backends[:i % len(backends)]:  # each goes first in turn
            if backend in rounds:
                try:
                    rounds[backend].append((run(corpus, tmp / "out", backend), run(short, tmp / "out", backend)))
                except Unavailable as exc:
                    print(f"--ner {backend}: skipped: {exc}")
                    del rounds[backend]
    return size, rounds


def report(size: float, rounds: dict[str, list[tuple[Timing, Timing]]]) -> None:
    """A line per backend; its ratio is its MB/s over the rules' MB/s of the same round (1/10 is ten
    times slower), the median of the rounds."""
    rules = rounds.get("rules")
    print(f"{'backend':8} {'CPU s':>6} {'wall s':>6} {'MB/s':>7} {'to rules':>8}   "
          f"{'start-up s':>10} {'MB/s past it':>12} {'to rules':>8}")
    for backend, timings in rounds.items():
        whole = [w.cpu for w, _ in timings]
        past = [w.cpu - s.cpu for w, s in timings]
        line = (f"{backend:8} {statistics.median(whole):6.2f} {statistics.median(w.wall for w, _ in timings):6.2f} "
                f"{size / statistics.median(whole):7.3f} {_ratio(rules, whole, lambda w, s: w.cpu):>8}   "
                f"{statistics.median(s.cpu for _, s in timings):10.2f} {size / statistics.median(past):12.3f} "
                f"{_ratio(rules, past, lambda w, s: w.cpu - s.cpu):>8}")
        print(line)


def _ratio(rules: list[tuple[Timing, Timing]] | None, seconds: list[float], cost) -> str:
    if not rules:
        return "-"
    return f"{statistics.median(cost(*r) / x for r, x in zip(rules, seconds)):.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backends", nargs="+", default=["rules", "spacy", "hanlp"], choices=["rules", "spacy", "hanlp"])
    ap.add_argument("--repeats", type=int, default=3, help="rounds whose medians are printed (default 3)")
    ap.add_argument("--copies", type=int, default=2, help="copies of each notice in the corpus (default 2)")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {load()}")
    with tempfile.TemporaryDirectory(prefix="policy-bench-ner-") as tmp:
        size, rounds = measure(args.backends, args.repeats, args.copies, Path(tmp))
    print(f"corpus: {size:.2f} MB (corpora/dev, corpora/seeds, bench/corpus, {args.copies} copies), "
          f"`run -w 1 --ner B`, medians of {args.repeats} rounds, MB/s by CPU time")
    report(size, rounds)
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
