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
