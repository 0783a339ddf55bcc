"""The names an output folder's own files go by, beside the tables: a module of its own, so that
an unchanged rerun can read them without importing the writer (pyarrow)."""

STAGING, COMMIT = ".staging", ".commit"  # a run's tables while written, and while moved into place
MANIFEST = "manifest.json"  # the run whose tables these are, and their row counts
LOCK = ".lock"  # held by the run writing to the folder
STAMPS = ".stamps.json"  # the run's id, and source → [size, mtime_ns, inode, content hash] of each file as last read
