"""An unchanged rerun, told before the writer, the stages or pyarrow are imported.

A run records with its stamps (folder.STAMPS) the id of the run whose tables they describe, the
tables' own stamps, and the error rows of its files that failed for good. The next run over the
same files, if every file it meets still has its recorded stamp, would carry every row over,
meet the same failures and write nothing (runs.run): that is decided here from the stamps and the
manifest alone, in a few hundredths of a second, where the full path's imports take a quarter of
one. Anything else (a new or changed file, a folder another run holds or left half committed,
another pipeline version) goes the full way, which decides the same things more slowly.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from pipeline import __version__, rules
from pipeline.batch import inputs
from pipeline.batch.folder import COMMIT, LOCK, MANIFEST, STAGING, STAMPS
from pipeline.records import ErrorRecord


@dataclass
class Stats:
    counts: dict[str, int]  # rows of each table after the run
    processed: int
    skipped: int  # inputs whose rows were carried over
    failed: list[ErrorRecord] = field(default_factory=list)  # inputs met that failed as before (told by rerun.unchanged)


def pipeline_version() -> str:
    """The package version and a fingerprint of rules/: editing a rule invalidates earlier rows."""
    return f"{__version__}+rules.{rules.fingerprint()[:10]}"


class _Changed(Exception):
    """A file met is not as recorded."""


def unchanged(paths: Iterable[Path], out_dir: Path) -> Stats | None:
    """The run's outcome if a run over `paths` into `out_dir` would change nothing, else None."""
    record = _record(out_dir)
    if record is None or (out_dir / COMMIT).exists() or (out_dir / STAGING).exists() \
            or record["tables"] != table_stamps(out_dir):  # a table damaged, replaced or removed since
        return None
    stamps, failed = record["stamps"], record["failed"]

    def as_recorded(source: str, stamp: inputs.Stamp | None) -> bool:
        recorded = stamps.get(source)
        if stamp is None or not isinstance(recorded, list) or recorded[:3] != list(stamp):
            raise _Changed  # before the file is read: the full path will read it
        return True

    lock = FileLock(out_dir / LOCK, timeout=0)
    try:
        with lock:
            met, errors = 0, []
            for item in inputs.Inputs(list(paths), as_recorded):
                if not isinstance(item, inputs.Unchanged):
                    return None  # an error row (a link that dangles, a folder that cannot be listed)
                if item.source in failed:
                    errors.append(ErrorRecord(item.source, *failed[item.source]))
                else:
                    met += 1
    except (_Changed, Timeout, OSError):
        return None
    return Stats(record["rows"], 0, met, errors) if met else None


def table_stamps(out_dir: Path) -> dict[str, list[int]]:
    """Size, mtime and inode of each table file in `out_dir`."""
    return {path.name: [info.st_size, info.st_mtime_ns, info.st_ino]
            for path in sorted(out_dir.glob("*.parquet")) if (info := path.stat())}


def _record(out_dir: Path) -> dict | None:
    """The stamps and the manifest's row counts, if the stamps are those of the manifest's run and
    that run's pipeline is this one."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        record = json.loads((out_dir / STAMPS).read_text(encoding="utf-8"))
        if record["run_id"] != manifest["run_id"] or manifest["pipeline_version"] != pipeline_version():
            return None
        record["rows"] = dict(manifest["rows"])
        return record if isinstance(record["stamps"], dict) and isinstance(record["failed"], dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
