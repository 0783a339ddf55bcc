"""The command line: `policy-pipeline run PATH... --out DIR`."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from tqdm import tqdm

from . import __version__
from .process import doc_id_of, process_bytes
from .records import ErrorRecord, Result
from .write import write

SUFFIXES = (".txt", ".html", ".htm")


class UsageError(Exception):
    """A mistake on the command line, told to the user in one sentence."""


def collect(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if not path.exists():
            raise UsageError(f"{name} does not exist.")
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            files.append(path)
    return files


def check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(f"cannot write to --out {out}: {exc.strerror or exc}.") from exc


def process_file(path: Path, seen: dict[str, str]) -> Result:
    source = str(path)
    if path.suffix.lower() not in SUFFIXES:
        return Result(error=ErrorRecord(source, "read", "unsupported", f"{path.suffix or 'no suffix'} files are not read; use {', '.join(SUFFIXES)}"))
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Result(error=ErrorRecord(source, "read", "unreadable", f"file could not be read: {exc.strerror or exc}"))
    doc_id = doc_id_of(data)
    if doc_id in seen:
        return Result(error=ErrorRecord(source, "read", "duplicate", f"same content as {seen[doc_id]}, which is written once"))
    seen[doc_id] = source
    return process_bytes(data, source)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    files = collect(args.paths)
    out = Path(args.out)
    check_writable(out)
    seen: dict[str, str] = {}
    bar = tqdm(files, unit="doc", disable=not sys.stderr.isatty(), desc="notices")
    results = [process_file(path, seen) for path in bar]
    counts = write(results, out)
    seconds = time.perf_counter() - started
    print(f"{counts['documents']} documents, {counts['tasks']} tasks, {counts['errors']} errors in {seconds:.1f} s → {out}")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="policy-pipeline", description="Turn Chinese government notices into Parquet tables.")
    ap.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="extract tables from notices (files or folders of .txt/.html)")
    run_p.add_argument("paths", nargs="+", metavar="PATH")
    run_p.add_argument("--out", required=True, metavar="DIR", help="folder for the Parquet tables")
    run_p.set_defaults(func=run)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"policy-pipeline: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("policy-pipeline: interrupted; the output folder keeps its previous tables.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
