"""Command-line conventions: short flags, -q/-v, DuckDB's own hints in a failed query's message, a closed
pipe ending quietly, and - for standard input and output."""
from __future__ import annotations

import json
import subprocess
import sys

from pipeline.cli import main, parser


def test_short_flags_are_the_long_ones():
    short = parser().parse_args(["run", "x", "-o", "out", "-w", "3", "-f", "-q"])
    long = parser().parse_args(["run", "x", "--out", "out", "--workers", "3", "--force", "--quiet"])
    assert vars(short) == vars(long)


def test_quiet_prints_nothing_and_verbose_names_each_input(seeds_dir, tmp_path, capsys):
    assert main(["run", str(seeds_dir), "-o", str(tmp_path / "q"), "-w", "1", "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["run", str(seeds_dir), "-o", str(tmp_path / "v"), "-w", "1", "-v"]) == 0
    err = capsys.readouterr().err
    assert all(f"{path.name}: " in err for path in seeds_dir.glob("*.txt")) and " tasks, " in err


def test_a_mistyped_name_keeps_duckdbs_hint(seed_output, capsys):
    assert main(["query", str(seed_output), "select * from task_vew"]) == 2
    err = capsys.readouterr().err
    assert 'Did you mean "task_view"?' in err and "LINE 1" not in err and err.count("\n") == 1


def test_a_closed_pipe_ends_quietly(seed_output):
    # `policy-pipeline query … | head -1`: the reader leaves after one line
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", str(seed_output),
                           "select * from range(200000)", "--csv"], stdout=reader.stdin, stderr=subprocess.PIPE, text=True)
    reader.stdin.close()
    reader.wait()
    assert done.returncode == 141 and "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_label_studio_tasks_to_standard_output_and_corrections_from_standard_input(seed_output, tmp_path):
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "export", str(seed_output), "--label-studio", "-"],
                         capture_output=True, text=True, check=True).stdout
    tasks = json.loads(out)
    for item in tasks:
        item["annotations"] = [{"id": 1, "result": item["predictions"][0]["result"]}]
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "import-corrections", "-", "-o", str(tmp_path / "gold")],
                          input=json.dumps(tasks, ensure_ascii=False), capture_output=True, text=True, check=True)
    assert f"{len(tasks)} gold files" in done.stdout
    assert len(list((tmp_path / "gold").glob("*.json"))) == len(tasks)
