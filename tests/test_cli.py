"""The command line end to end (pipeline/cli.py, pipeline/batch/write.py): tables, error rows, usage errors, offsets."""
from __future__ import annotations

import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import __version__
from pipeline.cli import main
from pipeline.schema import SCHEMA_VERSION

TABLES = ["documents", "tasks", "responsibilities", "targets", "dates", "entities", "errors"]
REQUIRED = {
    "documents": ["doc_id", "source", "title", "plan_title", "issuer", "doc_number", "issue_date", "publish_date",
                  "province", "city", "county", "region_code", "doc_type", "text", "n_tasks"],
    "tasks": ["task_id", "doc_id", "ordinal", "outline", "heading", "text", "char_start", "char_end"],
    "responsibilities": ["task_id", "doc_id", "body", "body_full", "role", "inherited", "char_start", "char_end"],
    "targets": ["task_id", "doc_id", "raw", "value", "value_max", "unit", "comparator", "period", "subject", "kind",
                "deadline", "char_start", "char_end"],
    "dates": ["task_id", "doc_id", "raw", "kind", "start", "end", "char_start", "char_end"],
    "entities": ["doc_id", "task_id", "text", "label", "char_start", "char_end", "source", "score"],
    "errors": ["source", "stage", "error", "message"],
}
SEEDS = ["000_0de75744798fb82f.txt", "001_ceaadc868233f089.txt", "002_b8417ae412979ff8.txt",
         "003_e0fedd1fff0104c5.txt", "004_5db492723fbc6362.txt"]


def rows(out: Path, name: str) -> list[dict]:
    return pq.read_table(out / f"{name}.parquet").to_pylist()


# --- a run over the seeds ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", TABLES)
def test_seed_run_writes_every_table_with_versions(seed_output, name):
    path = seed_output / f"{name}.parquet"
    assert path.is_file()
    schema = pq.read_schema(path)
    assert schema.metadata[b"schema_version"] == SCHEMA_VERSION.encode()
    # the package version and a fingerprint of rules/: editing a rule changes it
    assert schema.metadata[b"pipeline_version"].decode().startswith(f"{__version__}+rules.")
    missing = [c for c in REQUIRED[name] if c not in schema.names]
    assert missing == []


def test_seed_run_leaves_no_temporary_files(seed_output):
    # .lock stays: it is what a second run on the same folder finds held; the manifest names the run;
    # .stamps.json lets the next run pass over the files it finds unchanged
    assert sorted(p.name for p in seed_output.iterdir()) == sorted([".lock", ".stamps.json", "manifest.json",
                                                                    *(f"{t}.parquet" for t in TABLES)])


def test_seed_run_has_five_documents_and_no_errors(seed_output, seeds_dir):
    docs = rows(seed_output, "documents")
    assert sorted(Path(d["source"]).name for d in docs) == SEEDS
    assert len({d["doc_id"] for d in docs}) == 5
    assert rows(seed_output, "errors") == []
    for doc in docs:
        assert doc["text"] and "\n\n" not in doc["text"]


def test_seed_run_counts_tasks_per_document(seed_output):
    docs = rows(seed_output, "documents")
    tasks = rows(seed_output, "tasks")
    for doc in docs:
        assert doc["n_tasks"] == sum(t["doc_id"] == doc["doc_id"] for t in tasks)
    by_name = {Path(d["source"]).name: d["n_tasks"] for d in docs}
    assert by_name["004_5db492723fbc6362.txt"] == 0  # a news item has no tasks
    assert all(by_name[name] > 0 for name in SEEDS[:4])


def test_every_row_points_at_a_known_document_and_task(seed_output):
    doc_ids = {d["doc_id"] for d in rows(seed_output, "documents")}
    tasks = {t["task_id"]: t["doc_id"] for t in rows(seed_output, "tasks")}
    assert len(tasks) == len(rows(seed_output, "tasks"))  # task ids are unique
    assert set(tasks.values()) <= doc_ids
    for name in ("responsibilities", "targets", "dates"):
        for row in rows(seed_output, name):
            assert row["doc_id"] in doc_ids
            if name == "responsibilities":
                assert row["task_id"] is not None
            if row["task_id"] is not None:
                assert tasks[row["task_id"]] == row["doc_id"], (name, row)


def test_task_ordinals_count_up_within_each_document(seed_output):
    tasks = rows(seed_output, "tasks")
    for doc_id in {t["doc_id"] for t in tasks}:
        ordinals = [t["ordinal"] for t in tasks if t["doc_id"] == doc_id]
        assert ordinals == list(range(1, len(ordinals) + 1))


@pytest.mark.parametrize("name,column", [
    ("tasks", None), ("responsibilities", "body"), ("targets", "raw"), ("dates", "raw")])
def test_offsets_index_the_document_text(seed_output, name, column):
    text = {d["doc_id"]: d["text"] for d in rows(seed_output, "documents")}
    table = rows(seed_output, name)
    assert table, f"no {name} rows on the seeds"
    for row in table:
        doc_text = text[row["doc_id"]]
        assert 0 <= row["char_start"] < row["char_end"] <= len(doc_text), row
        if column:
            assert doc_text[row["char_start"]:row["char_end"]] == row[column], row


def test_task_text_lies_within_its_span(seed_output):
    text = {d["doc_id"]: d["text"] for d in rows(seed_output, "documents")}
    for task in rows(seed_output, "tasks"):
        span = text[task["doc_id"]][task["char_start"]:task["char_end"]]
        assert task["text"] and task["text"] in span, task


def test_seed_values_are_in_the_contract_vocabularies(seed_output):
    roles = {r["role"] for r in rows(seed_output, "responsibilities")}
    assert {"lead", "support", "responsible"} <= roles
    # SPEC: rows with roles other than the four are allowed but not scored; "actor" is the one the scorer names.
    assert roles <= {"lead", "support", "responsible", "supervise", "actor"}
    assert {r["kind"] for r in rows(seed_output, "dates")} <= {"deadline", "period", "point", "issued"}
    targets = rows(seed_output, "targets")
    assert {r["kind"] for r in targets} <= {"target", "scope", "statistic"}
    assert {r["comparator"] for r in targets} <= {">=", "<=", "~", "="}
    assert {r["period"] for r in targets} <= {None, "月", "季度", "半年", "年", "周", "日"}
    assert {d["doc_type"] for d in rows(seed_output, "documents")} <= {"实施方案", "工作要点", "通知", "意见", "规划", "新闻", "其他"}


# --- a batch with bad inputs --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mixed_batch(seeds_dir, tmp_path_factory):
    inputs = tmp_path_factory.mktemp("mixed-in")
    good = inputs / "good.txt"
    good.write_bytes((seeds_dir / "001_ceaadc868233f089.txt").read_bytes())
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(3).randbytes(2048))
    (inputs / "english.html").write_text("<html><body><p>Quarterly report. No Chinese in here.</p></body></html>" * 5,
                                         encoding="utf-8")
    out = tmp_path_factory.mktemp("mixed-out")
    code = main(["run", str(inputs), "--out", str(out), "--workers", "1"])
    return code, inputs, out


def test_mixed_batch_exits_zero_and_writes_the_good_document(mixed_batch):
    code, inputs, out = mixed_batch
    assert code == 0
    docs = rows(out, "documents")
    assert [Path(d["source"]).name for d in docs] == ["good.txt"]
    assert docs[0]["issuer"] == "温岭市安全生产委员会"
    assert docs[0]["n_tasks"] > 0
    assert len(rows(out, "tasks")) == docs[0]["n_tasks"]


@pytest.mark.parametrize("name,error,words", [
    ("empty.txt", "empty", "empty"),
    ("binary.txt", "binary", "binary"),
    ("english.html", "not_a_notice", "Chinese"),
])
def test_mixed_batch_writes_one_clear_error_row_per_bad_file(mixed_batch, name, error, words):
    _, inputs, out = mixed_batch
    errors = rows(out, "errors")
    assert len(errors) == 3
    mine = [e for e in errors if Path(e["source"]).name == name]
    assert len(mine) == 1
    row = mine[0]
    assert row["source"] == str(inputs / name)
    assert row["stage"] == "read"
    assert row["error"] == error
    assert words in row["message"]
    assert "Traceback" not in row["message"] and len(row["message"]) < 200


def test_run_prints_a_summary_line(seeds_dir, tmp_path, capsys):
    code = main(["run", str(seeds_dir / "002_b8417ae412979ff8.txt"), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert code == 0
    captured = capsys.readouterr()
    assert "1 documents" in captured.out and "0 errors" in captured.out
    assert "Traceback" not in captured.err
    assert len(rows(tmp_path / "out", "documents")) == 1


def test_same_content_twice_is_written_once(seeds_dir, tmp_path):
    seed = seeds_dir / "002_b8417ae412979ff8.txt"
    copy = tmp_path / "in" / "copy.txt"
    copy.parent.mkdir()
    copy.write_bytes(seed.read_bytes())
    assert main(["run", str(seed), str(copy), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert len(rows(tmp_path / "out", "documents")) == 1
    errors = rows(tmp_path / "out", "errors")
    assert [(Path(e["source"]).name, e["error"]) for e in errors] == [("copy.txt", "duplicate")]


# --- usage errors -------------------------------------------------------------------------------------

def assert_one_sentence(err: str, *contains: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].rstrip().endswith("."), err
    for piece in contains:
        assert piece in lines[0], err


def test_missing_path_exits_2_with_one_sentence(tmp_path, capsys):
    missing = tmp_path / "no-such-folder"
    out = tmp_path / "out"
    assert main(["run", str(missing), "--out", str(out), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert_one_sentence(captured.err, str(missing), "does not exist")
    assert captured.out == ""
    assert not out.exists()


def test_missing_path_among_good_ones_stops_before_writing(seeds_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(seeds_dir), str(tmp_path / "missing.txt"), "--out", str(out), "--workers", "1"]) == 2
    assert_one_sentence(capsys.readouterr().err, "missing.txt")
    assert not (out / "documents.parquet").exists()


@pytest.mark.parametrize("below", ["out", "deeper/out"])
def test_unwritable_out_exits_2_with_one_sentence(seeds_dir, tmp_path, capsys, below):
    blocker = tmp_path / "a-file"
    blocker.write_text("I am a file, not a folder\n", encoding="utf-8")
    out = blocker / below
    assert main(["run", str(seeds_dir), "--out", str(out), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert_one_sentence(captured.err, "--out", str(out))
    assert blocker.read_text(encoding="utf-8") == "I am a file, not a folder\n"


def test_out_that_is_a_file_exits_2(seeds_dir, tmp_path, capsys):
    out = tmp_path / "out.parquet"
    out.write_bytes(b"not a folder")
    assert main(["run", str(seeds_dir), "--out", str(out), "--workers", "1"]) == 2
    assert_one_sentence(capsys.readouterr().err, "--out")
    assert out.read_bytes() == b"not a folder"
