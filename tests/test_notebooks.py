"""notebooks/: each runs from top to bottom on the seed run, as an analyst opening it would."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pyarrow.parquet as pq
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def outputs(nb, kind: str) -> list:
    """Every output of the executed notebook with the given MIME type (`text/plain` for printed text too)."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and kind == "text/plain":
                found.append(out.text)
            elif kind in out.get("data", {}):
                found.append(out.data[kind])
    return found


@pytest.fixture(scope="module")
def executed(seed_output, tmp_path_factory):
    """Run a notebook against the seed run (POLICY_PIPELINE_OUTPUTS), once per notebook."""
    done = {}

    def execute(name: str):
        if name not in done:
            nb = nbformat.read(NOTEBOOKS / name, as_version=4)
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("POLICY_PIPELINE_OUTPUTS", str(seed_output))
                # raises CellExecutionError, with the failing cell, on any error
                NotebookClient(nb, timeout=120, kernel_name="python3",
                               resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
            done[name] = nb
        return done[name]
    return execute


@pytest.mark.parametrize("name", ["01_explore_notice.ipynb", "02_compare_regions.ipynb"])
def test_committed_notebooks_have_no_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert [c.outputs for c in nb.cells if c.cell_type == "code" and c.outputs] == []


def test_explore_notice_shows_a_task_from_its_offsets(executed, seed_output):
    nb = executed("01_explore_notice.ipynb")
    printed = "".join(outputs(nb, "text/plain"))
    # the notice with the most targets among the seeds...
    assert "关于印发2023年温岭市安全生产工作要点的通知" in printed
    # ...and one of its tasks, cut from the text by offsets, with its targets marked where they stand
    marked = re.findall(r"【([^】]+)】", printed)
    assert marked and set(marked) <= set(pq.read_table(seed_output / "targets.parquet").column("raw").to_pylist())
    assert "lead: ['" in printed


def test_compare_regions_draws_charts(executed):
    nb = executed("02_compare_regions.ipynb")
    assert len(outputs(nb, "image/png")) == 2
    tables = "".join(outputs(nb, "text/html"))
    assert "应急演练" in tables and "环翠区" in tables and "温岭市" in tables
