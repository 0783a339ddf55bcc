"""Unchanged reruns (pipeline/batch/runs.py, pipeline/batch/inputs.py): a file whose size, mtime and
inode are those recorded when its rows were written is not opened, and a run that finds nothing
changed leaves the tables' files as they were."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.batch import folder, inputs, rerun, runs as batch
from pipeline.cli import main

HOUR = 3600 * 10**9


def run(*args) -> int:
    return main(["run", *map(str, args), "--workers", "1"])


def settled_copy(seeds_dir: Path, folder: Path) -> Path:
    """The seeds with mtimes an hour old, as files are that nobody is writing to."""
    shutil.copytree(seeds_dir, folder)
    for path in folder.iterdir():
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - HOUR))
    return folder


def files(out: Path) -> dict[str, tuple[int, int]]:
    """The (inode, mtime) of the output's tables and manifest: a rewrite changes one or both."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir() if not p.name.startswith(".")}


@pytest.fixture
def reads(monkeypatch):
    """The inputs opened from here on, by name."""
    opened = []
    real = inputs._read_file

    def spy(path, kind):
        opened.append(path.name)
        return real(path, kind)

    monkeypatch.setattr(inputs, "_read_file", spy)
    return opened


def test_an_unchanged_rerun_opens_no_input_and_rewrites_no_table(seeds_dir, tmp_path, monkeypatch, capsys):
    notices, out = settled_copy(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    assert run(notices, "--out", out) == 0
    before = files(out)

    def refuse(*args, **kwargs):
        raise AssertionError("an unchanged rerun read, hashed or processed an input")

    monkeypatch.setattr(inputs, "_read_file", refuse)
    monkeypatch.setattr(inputs, "_open", refuse)
    monkeypatch.setattr(batch, "warm", refuse)
    monkeypatch.setattr(batch, "process_source", refuse)
    monkeypatch.setattr(batch, "doc_id_of", refuse)
    capsys.readouterr()
    assert run(notices, "--out", out) == 0
    assert "(0 processed, 5 unchanged and kept)" in capsys.readouterr().out
    assert files(out) == before


def test_a_touched_but_identical_file_is_read_once_and_kept(seeds_dir, tmp_path, reads, capsys):
    notices, out = settled_copy(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    assert run(notices, "--out", out) == 0
    before, rows = files(out), pq.read_table(out / "documents.parquet").num_rows
    touched = sorted(notices.iterdir())[0]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + HOUR // 2))
    reads.clear()
    capsys.readouterr()
    assert run(notices, "--out", out) == 0
    assert reads == [touched.name]  # its stamp changed: read and hashed, found the same, kept
    assert "(0 processed, 5 unchanged and kept)" in capsys.readouterr().out
    assert files(out) == before and pq.read_table(out / "documents.parquet").num_rows == rows
    reads.clear()
    assert run(notices, "--out", out) == 0
    assert reads == []  # its new stamp was recorded


def test_new_content_of_the_same_size_under_an_old_mtime_is_reprocessed(seeds_dir, tmp_path, capsys):
    notices, out = settled_copy(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    assert run(notices, "--out", out) == 0
    changed = sorted(notices.glob("*.txt"))[0]
    info = changed.stat()
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("\n", "\r", 1), encoding="utf-8")  # the same size, other content
    os.utime(changed, ns=(info.st_atime_ns, info.st_mtime_ns - HOUR))  # an mtime other than the recorded one
    capsys.readouterr()
    assert run(notices, "--out", out) == 0
    assert "(1 processed, 4 unchanged and kept)" in capsys.readouterr().out
    docs = pq.read_table(out / "documents.parquet", columns=["source"])["source"].to_pylist()
    assert sorted(docs) == sorted(str(p) for p in notices.iterdir())


def test_a_file_just_written_is_not_trusted_by_its_stamp(tmp_path):
    fresh = tmp_path / "fresh.txt"
    fresh.write_text("通知", encoding="utf-8")
    assert inputs.stamp_of(fresh.stat()) is None
    os.utime(fresh, ns=(fresh.stat().st_atime_ns, fresh.stat().st_mtime_ns - HOUR))
    assert inputs.stamp_of(fresh.stat()) == (fresh.stat().st_size, fresh.stat().st_mtime_ns, fresh.stat().st_ino)


def test_a_stamp_whose_content_left_the_tables_is_not_trusted(seeds_dir, tmp_path, reads, capsys):
    """A moved file comes back under its old name: its rows went with the move, so it is read again."""
    notices, out = settled_copy(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    assert run(notices, "--out", out) == 0
    first = sorted(notices.iterdir())[0]
    moved = tmp_path / "moved" / first.name
    moved.parent.mkdir()
    first.rename(moved)  # the same inode, size and mtime
    assert run(notices, moved, "--out", out) == 0
    moved.rename(first)
    reads.clear()
    capsys.readouterr()
    assert run(notices, "--out", out) == 0
    assert first.name in reads
    docs = pq.read_table(out / "documents.parquet", columns=["source"])["source"].to_pylist()
    assert sorted(docs) == sorted(str(p) for p in notices.iterdir())


def test_the_stamps_of_files_a_run_did_not_meet_are_kept(seeds_dir, tmp_path, reads):
    one, two, out = tmp_path / "one", tmp_path / "two", tmp_path / "out"
    settled_copy(seeds_dir, one)
    settled_copy(seeds_dir, two)
    for path in two.iterdir():  # other notices: their rows do not replace one's
        info = path.stat()
        path.write_bytes(path.read_bytes() + "\n抄送:档案室\n".encode())
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert run(one, "--out", out) == 0
    assert run(two, "--out", out) == 0
    reads.clear()
    assert run(one, "--out", out) == 0
    assert reads == []


def _failing_folder(seeds_dir: Path, folder: Path) -> Path:
    """The seeds, a binary file and an empty one (which fail for themselves) and a copy of a seed
    under another name (a duplicate), all settled."""
    settled_copy(seeds_dir, folder)
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "empty.txt").write_bytes(b"")
    first = sorted(folder.glob("0*.txt"))[0]
    (folder / "zz-copy.txt").write_bytes(first.read_bytes())
    for path in folder.iterdir():
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns - HOUR))
    return folder


def test_inputs_that_failed_for_themselves_are_not_read_again_and_the_tables_stay(seeds_dir, tmp_path, reads, capsys):
    notices, out = _failing_folder(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    assert run(notices, "--out", out) == 0
    before, errors = files(out), pq.read_table(out / "errors.parquet").to_pylist()
    assert sorted(Path(e["source"]).name for e in errors) == ["binary.txt", "empty.txt", "zz-copy.txt"]
    reads.clear()
    assert run(notices, "--out", out) == 0
    assert reads == []  # the failed ones too: their stamps say they are as they were
    assert files(out) == before
    assert pq.read_table(out / "errors.parquet").to_pylist() == errors


def test_a_failed_input_whose_content_changed_is_read_again(seeds_dir, tmp_path, reads):
    notices, out = _failing_folder(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    assert run(notices, "--out", out) == 0
    fixed = notices / "empty.txt"
    fixed.write_bytes((seeds_dir / sorted(p.name for p in seeds_dir.iterdir())[1]).read_bytes() + "\n(重发)\n".encode())
    reads.clear()
    assert run(notices, "--out", out) == 0
    assert reads == ["empty.txt"]
    sources = pq.read_table(out / "documents.parquet", columns=["source"])["source"].to_pylist()
    errors = pq.read_table(out / "errors.parquet", columns=["source"])["source"].to_pylist()
    assert str(fixed) in sources and str(fixed) not in errors


def test_an_input_that_failed_for_the_run_is_tried_again(seeds_dir, tmp_path, monkeypatch, reads):
    """A time limit or a dead worker says nothing of the input: the next run processes it."""
    notices, out = settled_copy(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    real, slow = batch.process_source, sorted(notices.iterdir())[0]

    def overran(source, time_limit, ner="rules"):
        if source.source == str(slow):
            return batch.Rows.failed(batch.ErrorRecord(source.source, "process", "time_limit", "took too long"))
        return real(source, time_limit, ner)

    monkeypatch.setattr(batch, "process_source", overran)
    assert run(notices, "--out", out) == 0
    monkeypatch.setattr(batch, "process_source", real)
    reads.clear()
    assert run(notices, "--out", out) == 0
    assert reads == [slow.name]
    assert not (out / "errors.parquet").exists() or pq.read_table(out / "errors.parquet").num_rows == 0


def test_an_unchanged_rerun_is_told_without_the_writer_or_the_stages(seeds_dir, tmp_path):
    """The whole command: no pyarrow, no stage nor gazetteer imported, the same summary as the full path's."""
    notices, out = settled_copy(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    assert run(notices, "--out", out) == 0
    script = ("import sys; from pipeline.cli import main; code = main(['run', sys.argv[1], '--out', sys.argv[2]]); "
              "heavy = [m for m in ('pyarrow', 'pipeline.batch.runs', 'pipeline.process', 'pipeline.ner.gazetteer', 'pipeline.ner.entities') if m in sys.modules]; "
              "print('imported:', heavy); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script, str(notices), str(out)], capture_output=True, text=True, check=True)
    assert "(0 processed, 5 unchanged and kept)" in done.stdout and "imported: []" in done.stdout


@pytest.mark.parametrize("spoil", ["run_id", "fresh", "new file"])
def test_the_quick_path_leaves_to_the_full_one_what_it_cannot_tell(seeds_dir, tmp_path, spoil, capsys):
    notices, out = settled_copy(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    assert run(notices, "--out", out) == 0
    assert rerun.unchanged([notices], out) is not None
    record = json.loads((out / folder.STAMPS).read_text(encoding="utf-8"))
    first = sorted(notices.iterdir())[0]
    if spoil == "run_id":  # stamps left by another run than the tables' (a run killed between the two)
        record["run_id"] = "0" * 32
    (out / folder.STAMPS).write_text(json.dumps(record), encoding="utf-8")
    if spoil == "fresh":
        os.utime(first)  # just written: its stamp cannot be trusted yet
    elif spoil == "new file":
        (notices / "new.txt").write_bytes(first.read_bytes() + "\n(另发)\n".encode())
    assert rerun.unchanged([notices], out) is None
    capsys.readouterr()
    assert run(notices, "--out", out) == 0
    processed = "1 processed, 5 unchanged" if spoil == "new file" else "0 processed, 5 unchanged"
    assert processed in capsys.readouterr().out


def test_a_quick_rerun_tells_the_inputs_that_failed_as_the_full_path_does(seeds_dir, tmp_path, reads, capsys):
    notices, out = _failing_folder(seeds_dir, tmp_path / "notices"), tmp_path / "out"
    assert run(notices, "--out", out) == 0
    full = capsys.readouterr()
    reads.clear()
    quick = rerun.unchanged([notices], out)
    assert quick is not None and sorted(Path(e.source).name for e in quick.failed) == ["binary.txt", "empty.txt", "zz-copy.txt"]
    assert run(notices, "--out", out, "--strict") == 1  # failed inputs, as before: --strict says so
    told = capsys.readouterr()
    assert told.err == full.err and reads == []
