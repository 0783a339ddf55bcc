"""Start-up: the command line imports none of the heavy libraries until a command needs them, so that
`--help` and a small run start quickly (README "Speed")."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "duckdb", "pyarrow", "pyarrow.dataset", "spacy", "jieba", "docx", "pypdf", "cn2an")


def test_importing_the_cli_imports_no_heavy_library():
    code = f"import sys, pipeline.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_help_prints_every_command():
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "--help"], capture_output=True, text=True, check=True)
    assert "usage: policy-pipeline" in done.stdout and all(c in done.stdout for c in ("run", "query", "export"))


def test_a_run_off_a_terminal_imports_no_progress_bar_nor_package_metadata(seeds_dir, tmp_path):
    # tqdm imports importlib.metadata, and that email's parser: 15-40 ms of a one-file run's start
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    code = ("import sys; from pipeline.cli import main; main(['run', sys.argv[1], '-o', sys.argv[2], '-q']); "
            "print(' '.join(m for m in ('tqdm', 'importlib.metadata', 'email.parser') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, str(seed), str(tmp_path / "out")], capture_output=True, text=True,
                          check=True, stdin=subprocess.DEVNULL)
    assert done.stdout.split() == []
