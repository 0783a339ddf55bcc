"""What a county publishes, as inputs: files, folders of them, and crawl dumps (.jsonl).

`sources` turns paths into one `Source` per notice, or an `ErrorRecord` for an input that cannot
become one; an incremental run can have it pass over, unopened, the files its output already holds
(`Inputs.skipping`). A .jsonl dump holds one notice per line and is read a line at a time, so a dump of
any size streams.
"""
from __future__ import annotations

import errno
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import regex

from pipeline.stages.reading import read
from pipeline import rules
from pipeline.records import ErrorRecord

SUFFIXES = (".txt", ".html", ".htm", ".docx", ".pdf", ".jsonl")
READABLE = ", ".join(SUFFIXES)
SURROGATE = regex.compile("[\ud800-\udfff]")
SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
           (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


# A file modified this recently may change again within the same mtime tick (a coarse clock, a
# copy still being written): its size and mtime are not trusted to stand for its content.
SETTLED_NS = 2_000_000_000

Stamp = tuple[int, int, int]  # a file's size, mtime (ns) and inode: if all three are unchanged, so is the file


class MissingInput(ValueError):
    """A path given to read that does not exist."""


@dataclass
class Source:
    """One notice to process."""

    source: str  # its name in the tables: the file's path, the crawl's URL, or FILE:LINENO
    data: bytes
    kind: str  # how to read `data`: ".txt", ".html", ".docx" or ".pdf"
    published: str | None = None  # the crawl's publication date, for a notice that prints none
    stamp: Stamp | None = None  # a settled file's stamp as it was read; None for a crawl's line


@dataclass
class Unchanged:
    """A file passed over unopened: the caller's `unchanged` test recognised its name and stamp."""

    source: str


def safe_text(text: str) -> str:
    """`text` as any table can hold it, losslessly: the bytes of a file name that are not UTF-8
    (GBK names from a Windows share or an old zip, which Python holds as surrogates) written as
    \\xb9, any other lone surrogate as \\ud800."""
    if not SURROGATE.search(text):
        return text
    return SURROGATE.sub(lambda m: _escape(ord(m.group())), text)


def _escape(code: int) -> str:
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def name_of(path: Path) -> str:
    return safe_text(str(path))


def sources(paths: Iterable[str | Path]) -> Iterator[Source | ErrorRecord]:
    """Every notice under `paths` (files, and folders searched recursively), in a stable order,
    each file once however many paths lead to it (a folder and a file in it, a link).

    Raises MissingInput before anything is read if a path does not exist, so that a typo stops
    a run at once rather than after hours of work; a link that dangles or loops is an error row."""
    paths = list(paths)
    for path in paths:
        if not os.path.lexists(path):
            raise MissingInput(f"{safe_text(os.fspath(path))} does not exist.")
    return Inputs([Path(p) for p in paths])


class Inputs:
    """The inputs under some paths: an iterator, which walks them once it is first advanced."""

    def __init__(self, paths: list[Path], unchanged: Callable[[str, Stamp | None], bool] | None = None):
        self.paths, self.unchanged = paths, unchanged
        self._walk: Iterator[Source | Unchanged | ErrorRecord] | None = None

    def skipping(self, unchanged: Callable[[str, Stamp | None], bool]) -> "Inputs":
        """The same inputs, but a file for which `unchanged(source, stamp)` holds comes as an
        Unchanged, without being opened: an unchanged rerun reads no input."""
        return Inputs(self.paths, unchanged)

    def __iter__(self) -> "Inputs":
        return self

    def __next__(self) -> Source | Unchanged | ErrorRecord:
        if self._walk is None:
            self._walk = self._items()
        return next(self._walk)

    def _items(self) -> Iterator[Source | Unchanged | ErrorRecord]:
        seen: set[tuple[int, int]] = set()  # (device, inode) of every file and folder met so far
        for path in self.paths:
            yield from _entry(path, seen, True, self.unchanged)


def stamp_of(info: os.stat_result) -> Stamp | None:
    """The file's stamp, or None if it was modified too recently to be trusted (SETTLED_NS)."""
    if time.time_ns() - info.st_mtime_ns < SETTLED_NS:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def _entry(path: Path, seen: set, given: bool, unchanged=None) -> Iterator[Source | Unchanged | ErrorRecord]:
    """One path: a folder walked, a file read, anything else an error row, never a blocking read."""
    try:
        info = path.stat()  # follows links: a link counts as what it points at
    except OSError as exc:
        yield _broken(path, exc)
        return
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return  # met before through another path: one input, processed once
    seen.add(key)
    if stat.S_ISDIR(info.st_mode):
        yield from _folder(path, seen, unchanged)
    elif not stat.S_ISREG(info.st_mode):
        yield _special(path, info.st_mode)
    elif given or path.suffix.lower() in SUFFIXES:
        # other files in a folder (images, spreadsheets) are not notices: skipped without a row
        yield from _from_file(path, info, unchanged)


def _folder(path: Path, seen: set, unchanged) -> Iterator[Source | Unchanged | ErrorRecord]:
    try:
        names = sorted(entry.name for entry in os.scandir(path))
    except OSError as exc:
        yield ErrorRecord(name_of(path), "read", "unreadable", f"folder could not be listed: {exc.strerror or exc}")
        return
    for name in names:
        yield from _entry(path / name, seen, False, unchanged)


def _broken(path: Path, exc: OSError) -> ErrorRecord:
    if exc.errno == errno.ELOOP:
        return ErrorRecord(name_of(path), "read", "link_loop", "link leads round in a loop and never to a file")
    if exc.errno == errno.ENOENT and path.is_symlink():
        return ErrorRecord(name_of(path), "read", "dangling_link", f"link points at {safe_text(os.readlink(path))}, which does not exist")
    return ErrorRecord(name_of(path), "read", "unreadable", f"file could not be read: {exc.strerror or exc}")


def _special(path: Path, mode: int) -> ErrorRecord:
    what = next((name for test, name in SPECIAL if test(mode)), "not a regular file")
    return ErrorRecord(name_of(path), "read", "special_file", f"{what}, not a file: it is not read, since reading it could block or never end")


def _from_file(path: Path, info: os.stat_result, unchanged) -> Iterator[Source | Unchanged | ErrorRecord]:
    suffix = path.suffix.lower()
    stamp = stamp_of(info)
    # a file too fresh to trust its stamp (None) is asked about too: a caller that must read nothing can refuse it
    if unchanged and suffix in SUFFIXES and suffix != ".jsonl" and unchanged(name_of(path), stamp):
        yield Unchanged(name_of(path))
        return
    if suffix not in SUFFIXES:
        yield ErrorRecord(name_of(path), "read", "unsupported", f"{suffix or 'no suffix'} files are not read; use {READABLE}")
    elif suffix == ".jsonl":
        yield from _from_jsonl(path)
    else:
        yield _read_file(path, ".html" if suffix == ".htm" else suffix)


def _open(path: Path) -> BinaryIO:
    """A regular file opened for reading; non-blocking and checked again once open, so that a file
    swapped for a FIFO or a device after it was listed is refused rather than read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise read.ReadError("special_file", _special(path, mode).message)
    return os.fdopen(fd, "rb")


def _read_file(path: Path, kind: str) -> Source | ErrorRecord:
    try:
        with _open(path) as handle:
            info = os.fstat(handle.fileno())  # before reading: a change while it is read makes a new stamp
            read.check_size(info.st_size)  # an oversized file never fills memory
            limit = rules.load("reading")["max_bytes"]
            data = handle.read(limit + 1)  # a file that grows while read is still bounded
            read.check_size(len(data))
        return Source(name_of(path), data, kind, stamp=stamp_of(info))
    except read.ReadError as exc:
        return ErrorRecord(name_of(path), "read", exc.error, exc.message)
    except OSError as exc:
        return ErrorRecord(name_of(path), "read", "unreadable", f"file could not be read: {exc.strerror or exc}")


# --- crawl dumps ----------------------------------------------------------------------------------

def _from_jsonl(path: Path) -> Iterator[Source | ErrorRecord]:
    """One Source per line of a crawl dump: {"url": …, "html": … or "text": …, "published": …}."""
    try:
        handle = _open(path)
    except read.ReadError as exc:
        yield ErrorRecord(name_of(path), "read", exc.error, exc.message)
        return
    except OSError as exc:
        yield ErrorRecord(name_of(path), "read", "unreadable", f"file could not be read: {exc.strerror or exc}")
        return
    limit = rules.load("reading")["max_line_bytes"]
    with handle:
        for lineno, line in _lines(handle, limit):
            where = f"{name_of(path)}:{lineno}"
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
    source = safe_text(url) if isinstance(url, str) and url.strip() else where
    body, kind = _body(record)
    if body is None:
        return ErrorRecord(source, "read", "no_content", 'line has neither "html" nor "text" with the notice in it')
    try:
        published = read.published_date(record["published"]) if record.get("published") not in (None, "") else None
    except read.ReadError as exc:
        return ErrorRecord(source, "read", exc.error, exc.message)
    # a lone surrogate (\ud800) is valid JSON but not UTF-8: it becomes U+FFFD, counted in the
    # document's replaced_chars
    return Source(source, SURROGATE.sub("\ufffd", body).encode("utf-8"), kind, published)


def _body(record: dict) -> tuple[str | None, str]:
    """The page's HTML, which keeps tables and drops navigation when read, else its plain text."""
    for key, kind in (("html", ".html"), ("text", ".txt")):
        if isinstance(record.get(key), str) and record[key].strip():
            return record[key], kind
    return None, ""
