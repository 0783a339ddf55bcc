"""notebooks/03_work_report_targets.ipynb runs from top to bottom on the reports bundled in
corpora/work-reports/ and shows each city's 2024 GDP growth target in its table, chart and map."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from test_notebooks import outputs

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "03_work_report_targets.ipynb"
# checked by hand in each report's goals section (主要预期目标)
TARGETS = {"林芝市": "增长10%左右", "六安市": "增长7.5%左右", "衢州市": "增长7%左右", "鄂州市": "增长6.5%以上",
           "泰州市": "增长6%以上", "牡丹江市": "增长6%", "枣庄市": "增长5.5%左右", "滨州市": "增长5.5%左右"}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("POLICY_PIPELINE_WORK_REPORTS", raising=False)  # the bundled reports
        mp.setenv("POLICY_PIPELINE_WORK_REPORT_OUTPUTS", str(tmp_path_factory.mktemp("work-report-run")))
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return nb


def test_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert [c.outputs for c in nb.cells if c.cell_type == "code" and c.outputs] == []


def test_each_city_has_its_target_in_the_table_a_chart_and_a_map(executed):
    printed = "".join(outputs(executed, "text/plain"))
    assert f"{len(TARGETS)} reports with a 2024 GDP growth target; none found in: no report" in printed
    table = outputs(executed, "text/html")[0]
    assert all(city in table and raw in table for city, raw in TARGETS.items())
    # sorted: highest first
    assert [table.index(city) for city in TARGETS] == sorted(table.index(city) for city in TARGETS)
    assert len(outputs(executed, "image/png")) == 2
