"""A long notice made of copies of a notice holds each copy's dates and quantities, shifted by
the copy's offset: the one-pass and bisection algorithms that keep long notices linear (spans.Cover,
the deadline lookup) must find exactly what the per-item scans found. Not timed."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline import process
from pipeline.spans import Cover
from pipeline.stages.values import dates, quantities
from pipeline.stages.reading.normalize import fold, normalize

COPIES = 3
JOIN = "\n\n"  # a blank line: no sentence, table row or clause runs from one copy into the next
NOTICES = sorted((Path(__file__).resolve().parent.parent / "corpora").rglob("*.txt"))[:12]


def _rows(items, shift: int) -> list[tuple]:
    """Each item as a tuple of its fields with its offsets moved by `shift` (stretch_of is an offset too)."""
    out = []
    for item in items:
        row = dataclasses.asdict(item)
        for key in ("char_start", "char_end", "stretch_of"):
            if row.get(key) is not None:
                row[key] += shift
        out.append(tuple(sorted((k, repr(v)) for k, v in row.items())))
    return out


def _joined(text: str) -> tuple[str, list[int]]:
    offsets = [k * (len(text) + len(JOIN)) for k in range(COPIES)]
    return JOIN.join([text] * COPIES), offsets


def _body(path: Path) -> str:
    """The notice normalised, its first line (the title, which the extractors may skip) dropped."""
    text = normalize(path.read_text(encoding="utf-8"))
    return text.split("\n", 1)[-1].strip("\n")


@pytest.mark.parametrize("path", NOTICES, ids=lambda p: p.stem)
def test_dates_of_copies_are_the_copies_dates(path):
    text = _body(path)
    long, offsets = _joined(text)
    one = dates.extract(text, fold(text), 2024)
    assert _rows(dates.extract(long, fold(long), 2024), 0) == [r for k in offsets for r in _rows(one, k)]


@pytest.mark.parametrize("path", NOTICES, ids=lambda p: p.stem)
def test_quantities_of_copies_are_the_copies_quantities(path):
    text = _body(path)
    long, offsets = _joined(text)
    one = quantities.extract(text, fold(text), year=2024)
    assert _rows(quantities.extract(long, fold(long), year=2024), 0) == [r for k in offsets for r in _rows(one, k)]


def test_deadlines_go_to_the_targets_of_their_own_sentence():
    text = "到2025年底，建成10个基地。2026年6月底前，新增20家企业，培训30人次。全年完成40项。"
    folded = fold(text)
    found_dates = dates.extract(text, folded, 2024)
    found_quantities = quantities.extract(text, folded, year=2024)
    process._deadlines(found_quantities, found_dates, folded)
    assert [(q.value, q.deadline) for q in found_quantities] == [
        (10.0, "2025-12-31"), (20.0, "2026-06-30"), (30.0, "2026-06-30"), (40.0, None)]


@pytest.mark.parametrize("spans, inside, outside", [
    ([(0, 3), (5, 8)], [0, 2, 5, 7], [3, 4, 8, -1]),
    ([(5, 8), (0, 3), (2, 6)], [0, 4, 7], [8, 9]),  # overlapping spans added out of order merge
    ([(3, 3), (4, 6)], [4, 5], [3, 6]),  # an empty span holds nothing
    ([(0, 2), (2, 4), (10, 12), (1, 11)], [0, 3, 5, 11], [12]),  # touching spans, then one over all
])
def test_cover_holds_what_any_of_its_spans_holds(spans, inside, outside):
    cover = Cover(spans)
    assert all(p in cover for p in inside) and not any(p in cover for p in outside)
