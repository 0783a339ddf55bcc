"""Loading the hand-written case tables in tests/cases/ as pytest parameters."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"


def read_rows(name: str, columns: list[str]) -> list[dict]:
    """The rows of tests/cases/NAME.tsv, whose header must be `columns`."""
    with open(CASES / f"{name}.tsv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        assert reader.fieldnames == columns
        return list(reader)


def params(rows: list[dict], known_gaps: set[str]):
    """One parameter per row, named by its note; known gaps run as strict xfails so a fix shows."""
    for row in rows:
        marks = [pytest.mark.xfail(strict=True, reason="known gap")] if row["note"] in known_gaps else []
        yield pytest.param(row, id=row["note"], marks=marks)
