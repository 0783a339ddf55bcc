"""Batch runs (pipeline/batch/runs.py, pipeline/batch/write.py): incremental runs equal full runs, --force,
one run per output folder, parallel workers, the per-document time limit, and a run killed
with SIGKILL leaving the previous output whole."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest

from pipeline import rules
from pipeline.batch import runs as batch, write
from pipeline.cli import main
from pipeline.batch.inputs import Source
from pipeline.schema import TABLES

KEYS = {
    "documents": ["doc_id"], "tasks": ["task_id"], "responsibilities": ["task_id", "char_start", "body", "role"],
    "targets": ["doc_id", "char_start", "char_end"], "dates": ["doc_id", "char_start", "char_end"],
    "entities": ["doc_id", "char_start", "char_end", "label"], "errors": ["source", "error"],
}


def table(out: Path, name: str) -> pd.DataFrame:
    """A table in a fixed row order, so that two runs' tables compare equal whatever order they wrote in."""
    frame = pq.read_table(out / f"{name}.parquet").to_pandas()
    return frame.sort_values(KEYS[name]).reset_index(drop=True)


def assert_same_tables(a: Path, b: Path) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(table(a, name), table(b, name), check_dtype=False, obj=name)


def variants(seeds_dir: Path, folder: Path, copies: int) -> Path:
    """`copies` distinct notices per seed: each copy gets a line of its own, so none is a duplicate."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted(seeds_dir.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        for i in range(copies):
            (folder / f"{seed.stem}-{i:03d}.txt").write_text(text + f"\n抄送:第{i}号档案室\n", encoding="utf-8")
    return folder


def run(*args: str) -> int:
    return main(["run", *map(str, args), "--workers", "1"])


def test_incremental_run_equals_full_run(seeds_dir, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(seeds_dir, first)
    variants(seeds_dir, second, 1)
    (second / "broken.txt").write_bytes(b"\x00\x01binary")
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    assert run(first, "--out", incremental) == 0
    assert run(first, second, "--out", incremental) == 0
    assert run(first, second, "--out", full) == 0
    assert_same_tables(incremental, full)
    assert len(table(full, "documents")) == 10 and len(table(full, "errors")) == 1


def test_rerun_skips_what_is_there_and_force_redoes_it(seeds_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert run(seeds_dir, "--out", out) == 0
    assert run(seeds_dir, "--out", out) == 0
    assert "0 processed, 5 unchanged and kept" in capsys.readouterr().out
    assert run(seeds_dir, "--out", out, "--force") == 0
    assert "(5 processed)" in capsys.readouterr().out
    assert len(table(out, "documents")) == 5


def test_a_changed_file_replaces_its_rows(seeds_dir, tmp_path):
    notices = tmp_path / "notices"
    shutil.copytree(seeds_dir, notices)
    out = tmp_path / "out"
    assert run(notices, "--out", out) == 0
    changed = sorted(notices.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附件:新增一行\n", encoding="utf-8")
    assert run(notices, "--out", out) == 0
    docs = table(out, "documents")
    assert len(docs) == 5 and docs.source.is_unique
    assert "新增一行" in docs.set_index("source").text[str(changed)]
    assert set(table(out, "tasks").doc_id) <= set(docs.doc_id)


def test_rules_edited_means_everything_is_redone(seeds_dir, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    assert run(seeds_dir, "--out", out) == 0
    monkeypatch.setattr(rules, "fingerprint", lambda: "0" * 64)  # as if a rules file had been edited
    assert run(seeds_dir, "--out", out) == 0
    assert "(5 processed)" in capsys.readouterr().out.splitlines()[-1]


def test_a_second_run_on_the_same_output_stops_with_one_sentence(seeds_dir, tmp_path, capsys):
    out = tmp_path / "out"
    with batch.locked(out):
        assert run(seeds_dir, "--out", out) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("policy-pipeline: another run is writing to") and "\n" not in err


def test_workers_write_the_same_tables(seeds_dir, tmp_path):
    notices = variants(seeds_dir, tmp_path / "notices", 2)
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["run", str(notices), "--out", str(one), "--workers", "1"]) == 0
    assert main(["run", str(notices), "--out", str(two), "--workers", "2"]) == 0
    assert_same_tables(one, two)


def test_a_slow_document_becomes_an_error_row(monkeypatch):
    def slow(*args, **kwargs):
        time.sleep(5)
    monkeypatch.setattr(batch, "process_bytes", slow)
    result = batch.process_source(Source("slow.txt", "通知".encode(), ".txt"), time_limit=0.2)
    assert result.error.error == "time_limit" and "0.2 s" in result.error.message


def test_recover_finishes_a_commit_a_killed_run_started(seeds_dir, tmp_path):
    out = tmp_path / "out"
    assert run(seeds_dir, "--out", out) == 0
    commit = out / write.COMMIT
    commit.mkdir()
    shutil.copy(out / "tasks.parquet", commit / "tasks.parquet")  # as if killed between the moves
    (out / "tasks.parquet").unlink()
    (out / write.STAGING).mkdir()
    write.recover(out)
    assert (out / "tasks.parquet").exists() and not commit.exists() and not (out / write.STAGING).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_kill_9_mid_run_keeps_the_previous_output_and_the_next_run_finishes(seeds_dir, tmp_path):
    notices = variants(seeds_dir, tmp_path / "notices", 60)
    out, reference = tmp_path / "out", tmp_path / "reference"
    assert run(seeds_dir, "--out", out) == 0
    before = {name: table(out, name) for name in TABLES}
    cli = [sys.executable, "-m", "pipeline.cli", "run", str(notices), str(seeds_dir), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(cli, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (out / write.STAGING / "tasks.parquet").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # well inside the run: 300 notices take several seconds
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for name in TABLES:
        pd.testing.assert_frame_equal(table(out, name), before[name], obj=name)
    assert run(notices, seeds_dir, "--out", out) == 0
    assert run(notices, seeds_dir, "--out", reference) == 0
    assert_same_tables(out, reference)


def test_dask_engine_writes_the_local_engines_tables_partitioned(seeds_dir, tmp_path):
    distributed = pytest.importorskip("distributed")
    from pipeline.batch import distributed as engine
    from pipeline.batch.inputs import sources
    notices = variants(seeds_dir, tmp_path / "notices", 1)
    (notices / "empty.txt").write_bytes(b"")
    local, partitioned = tmp_path / "local", tmp_path / "dask"
    assert run(notices, "--out", local) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        stats = engine.run(sources([notices]), partitioned, client)
    assert stats.counts["documents"] == 5
    assert any(p.name.startswith("province=") for p in (partitioned / "tasks").iterdir())
    for name in TABLES:
        path = partitioned / (f"{name}.parquet" if name == "errors" else name)
        frame = pads.dataset(path, format="parquet", partitioning="hive" if name != "errors" else None).to_table().to_pandas()
        frame = frame.drop(columns=[c for c in ("issue_year",) + (() if name == "documents" else ("province",)) if c in frame])
        frame = frame[table(local, name).columns].sort_values(KEYS[name]).reset_index(drop=True)
        pd.testing.assert_frame_equal(frame, table(local, name), check_dtype=False, obj=name)
