"""Table-driven cases for pipeline.dates.extract (SPEC.md, "Dates").

Each row of cases/dates.tsv is one fragment holding exactly one date expression
(or none, raw `-`), with the notice's year (empty: unknown). For `issued` rows
the expected raw's span is passed as the notice's own date, which is what
pipeline.document finds in a whole notice. Expectations come from SPEC.md, not
from the code; rows the code gets wrong are listed in KNOWN_GAPS and run as
strict xfails.
"""
from __future__ import annotations

import pytest
from case_tables import params, read_rows

from pipeline import dates, normalize

# Row notes (test ids) of cases the extractor currently gets wrong.
KNOWN_GAPS: set[str] = {
    # a relative year joined to what follows is split in two (今年|年底前, 明年|6月底前 → 2023-06-30, 2023年|上半年)
    "deadline-jinnian-niandi-qian",
    "deadline-mingnian-month",
    "deadline-year-shangbannian",
    # a year followed by a month range is split (2024年|1-3月, 2023年|5—6月), and 次年 is not read (…至次年3月)
    "period-year-month-range-hyphen",
    "period-year-month-range-dash",
    "period-ci-nian",
    # a Chinese-numeral month with no year (十月底前) is not found
    "deadline-chinese-month-no-year",
    # a year inside a named campaign or plan outside 《》 is taken as a date
    "neg-year-in-campaign-name",
    "neg-year-in-safety-month",
    "neg-range-in-plan-name-no-brackets",
    "neg-year-in-plan-2035",
    # raw only (kind, start, end right): 力争到2025年 → raw 2025年; 第二季度末前 → raw 第二季度末
    "deadline-lizheng-dao-year",
    "deadline-di-erjidu-mo",
}

ROWS = read_rows("dates", ["text", "doc_year", "raw", "kind", "start", "end", "note"])


def test_case_ids_unique_and_gaps_known():
    notes = [row["note"] for row in ROWS]
    assert len(notes) == len(set(notes))
    assert KNOWN_GAPS <= set(notes), KNOWN_GAPS - set(notes)


@pytest.mark.parametrize("row", list(params(ROWS, KNOWN_GAPS)))
def test_date(row):
    text = normalize.normalize(row["text"])
    doc_year = int(row["doc_year"]) if row["doc_year"] else None
    issued = ()
    if row["kind"] == "issued":
        at = text.index(row["raw"])
        issued = [(at, at + len(row["raw"]))]
    found = dates.extract(text, normalize.fold(text), doc_year, issued=issued)
    if row["raw"] == "-":
        assert [d.raw for d in found] == []
        return
    assert len(found) == 1, [(d.raw, d.kind, d.start, d.end) for d in found]
    d = found[0]
    assert (d.kind, d.start, d.end) == (row["kind"], row["start"] or None, row["end"] or None), d.raw
    assert d.raw == row["raw"]
