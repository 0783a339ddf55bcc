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
KNOWN_GAPS: set[str] = {
    # a comparator word separated from the number by a verb (至少配备2名, 约占…的15%) is not seen
    "ge-zhishao-safety-officers",
    "ge-zhishao-ci-no-period",
    "approx-yue-distant-share",
    # a bare 内 after a time limit (5个工作日内办结, 30分钟内) is not read as <=
    "le-bare-nei-time-limit",
    "le-bare-nei-response-minutes",
    # a number with no unit written (总投资1.2亿, 死亡率控制在0.015以下) is dropped
    "yi-no-unit-written",
    "le-no-unit-death-rate",
    # measure words missing from rules/quantities.toml units: 家次 (read as 家), 具 (dropped)
    "unit-jiaci-inspections",
    "ge-bushaoyu-jiaci",
    "unit-ju-extinguishers-not-in-list",
    # weak time unit with a change verb (缩短2个月) is dropped
    "change-months-shortened",
    # 万 on both ends of a range (1万至2万元) gives only the second end, 20000
    "range-wan-each-end",
    # frequencies: 以上 after the count (每月开展2次以上) stays =; 一月一研判 not a paired frequency
    "freq-yishang-after",
    "freq-paired-yanpan",
    # a number inside a 《》 title names the policy (《优化营商环境30条》) but is extracted
    "neg-title-30-tiao",
}

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
