"""What a county publishes, as inputs: files, folders of them, and crawl dumps (.jsonl).

`sources` turns paths into one `Source` per notice, or an `ErrorRecord` for an input that cannot
become one. A .jsonl dump holds one notice per line and is read a line at a time, so a dump of
any size streams.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from . import read, rules
from .records import ErrorRecord

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf", ".jsonl")
READABLE = ", ".join(SUFFIXES)


class MissingInput(ValueError):
    """A path given to read that does not exist."""


@dataclass
class Source:
    """One notice to process."""

    source: str  # its name in the tables: the file's path, the crawl's URL, or FILE:LINENO
    data: bytes
    kind: str  # how to read `data`: ".txt", ".html", ".docx" or ".pdf"
    published: str | None = None  # the crawl's publication date, for a notice that prints none


def sources(paths: Iterable[str | Path]) -> Iterator[Source | ErrorRecord]:
    """Every notice under `paths` (files, and folders searched recursively), in a stable order.

    Raises MissingInput before anything is read if a path does not exist, so that a typo stops
    a run at once rather than after hours of work."""
    paths = list(paths)
    for path in paths:
        if not Path(path).exists():
            raise MissingInput(f"{path} does not exist.")
    return _walk([Path(p) for p in paths])


def _walk(paths: list[Path]) -> Iterator[Source | ErrorRecord]:
    for path in paths:
        if path.is_dir():
            # other files in a folder (images, spreadsheets) are not notices: skipped without a row
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
            for file in found:
                yield from _from_file(file)
        else:
            yield from _from_file(path)


def _from_file(path: Path) -> Iterator[Source | ErrorRecord]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield ErrorRecord(str(path), "read", "unsupported", f"{suffix or 'no suffix'} files are not read; use {READABLE}")
    elif suffix == ".jsonl":
        yield from _from_jsonl(path)
    else:
        yield _read_file(path, ".html" if suffix == ".htm" else suffix)


def _read_file(path: Path, kind: str) -> Source | ErrorRecord:
    try:
        read.check_size(path.stat().st_size)  # before reading, so an oversized file never fills memory
        return Source(str(path), path.read_bytes(), kind)
    except read.ReadError as exc:
        return ErrorRecord(str(path), "read", exc.error, exc.message)
    except OSError as exc:
        return ErrorRecord(str(path), "read", "unreadable", f"file could not be read: {exc.strerror or exc}")


# --- crawl dumps ----------------------------------------------------------------------------------

def _from_jsonl(path: Path) -> Iterator[Source | ErrorRecord]:
    """One Source per line of a crawl dump: {"url": …, "html": … or "text": …, "published": …}."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield ErrorRecord(str(path), "read", "unreadable", f"file could not be read: {exc.strerror or exc}")
        return
    limit = rules.load("reading")["max_line_bytes"]
    with handle:
        for lineno, line in _lines(handle, limit):
            where = f"{path}:{lineno}"
            if line is None:
                yield ErrorRecord(where, "read", "line_too_large",
                                  f"line is over the limit of {limit:,} bytes; a dump must hold one JSON object per line")
            elif line.strip():
                yield _from_line(line, where)


def _lines(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """The numbered lines of a file, None for one of `limit` bytes or more, which is passed over in
    pieces so that a file without line breaks is never held in memory whole."""
    lineno = 0
    while line := handle.readline(limit):
        lineno += 1
        if len(line) < limit or line.endswith(b"\n"):
            yield lineno, line
            continue
        while line and not line.endswith(b"\n"):
            line = handle.readline(limit)
        yield lineno, None


def _from_line(line: bytes, where: str) -> Source | ErrorRecord:
    """A notice from one line of a dump; `where` (FILE:LINENO) names it when it has no url."""
    try:
        record = json.loads(line)
    # ValueError also for a line that is not UTF-8; RecursionError for arrays nested thousands deep
    except (ValueError, RecursionError) as exc:
        return ErrorRecord(where, "read", "bad_json", f"line is not JSON ({exc}); each line must be one JSON object")
    if not isinstance(record, dict):
        return ErrorRecord(where, "read", "bad_json", f"line is a JSON {type(record).__name__}, not an object with url and html or text")
    url = record.get("url")
    source = url if isinstance(url, str) and url.strip() else where
    body, kind = _body(record)
    if body is None:
        return ErrorRecord(source, "read", "no_content", 'line has neither "html" nor "text" with the notice in it')
    try:
        published = read.published_date(record["published"]) if record.get("published") not in (None, "") else None
    except read.ReadError as exc:
        return ErrorRecord(source, "read", exc.error, exc.message)
    # a lone surrogate (\ud800) is valid JSON but not UTF-8: it becomes "?"
    return Source(source, body.encode("utf-8", errors="replace"), kind, published)


def _body(record: dict) -> tuple[str | None, str]:
    """The page's HTML, which keeps tables and drops navigation when read, else its plain text."""
    for key, kind in (("html", ".html"), ("text", ".txt")):
        if isinstance(record.get(key), str) and record[key].strip():
            return record[key], kind
    return None, ""
