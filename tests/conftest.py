"""Shared fixtures: the five seed notices in the repository, and one pipeline run over them."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """corpora/seeds: five real notices that ship with the repository."""
    path = REPO / "corpora" / "seeds"
    assert sorted(p.name for p in path.glob("*.txt")), f"no seed notices in {path}"
    return path


@pytest.fixture(scope="session")
def seed_output(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of `policy-pipeline run corpora/seeds --out DIR`, run once per session."""
    out = tmp_path_factory.mktemp("seed-run")
    code = main(["run", str(seeds_dir), "--out", str(out)])
    assert code == 0, f"pipeline run on the seeds exited with {code}"
    return out
