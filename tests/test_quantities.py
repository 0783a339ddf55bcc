"""Table-driven cases for pipeline.quantities.extract (SPEC.md, "Quantities").

Each row of cases/quantities.tsv is one fragment holding exactly one quantity
(or none, raw `-`). Expectations come from SPEC.md, not from the code; rows the
code gets wrong are listed in KNOWN_GAPS and run as strict xfails, so a fix
shows up as an XPASS that fails the suite until the id is removed here.
"""
from __future__ import annotations

import pytest
from case_tables import params, read_rows

from pipeline import normalize, quantities

# Row notes (test ids) of cases the extractor currently gets wrong.
KNOWN_GAPS: set[str] = set()

ROWS = read_rows("quantities", ["text", "raw", "value", "value_max", "unit", "comparator", "period", "note"])


def _number(text: str) -> float | None:
    return round(float(text), 6) if text else None


def _extract(text: str):
    text = normalize.normalize(text)
    return quantities.extract(text, normalize.fold(text))


def test_case_ids_unique_and_gaps_known():
    notes = [row["note"] for row in ROWS]
    assert len(notes) == len(set(notes))
    assert KNOWN_GAPS <= set(notes), KNOWN_GAPS - set(notes)


@pytest.mark.parametrize("row", list(params(ROWS, KNOWN_GAPS)))
def test_quantity(row):
    found = _extract(row["text"])
    if row["raw"] == "-":
        assert [q.raw for q in found] == []
        return
    assert len(found) == 1, [(q.raw, q.value, q.unit) for q in found]
    q = found[0]
    actual = {"value": _number(str(q.value)), "value_max": _number(str(q.value_max)) if q.value_max is not None else None,
              "unit": q.unit or None, "comparator": q.comparator, "period": q.period or None}
    expected = {"value": _number(row["value"]), "value_max": _number(row["value_max"]),
                "unit": row["unit"] or None, "comparator": row["comparator"], "period": row["period"] or None}
    assert actual == expected, q.raw


@pytest.mark.parametrize("text", [
    "序号 | 项目名称 | 年度投资(万元) | 责任单位 |\n1 | 道路提升工程 | 300 | 交通局 |\n2 | 供水管网改造 | 1250.5 | 水利局 |",
    "|\n序号|\n项目名称|\n年度投资(万元)|\n责任单位|\n|\n1 |\n道路提升工程|\n300 |\n交通局|\n|\n2 |\n供水管网改造|\n1250.5 |\n水利局|",
], ids=["cells-in-a-line", "cell-per-line"])
def test_table_column_unit(text):
    """Bare numbers under a header cell that states the unit are amounts in that unit; the row numbers are not."""
    found = _extract(text)
    assert [(q.raw, q.value, q.unit) for q in found] == [("300", 3000000.0, "元"), ("1250.5", 12505000.0, "元")]
