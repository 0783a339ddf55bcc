"""pipeline/analysis/chart.py: many regions' targets drawn as a ranking of the one comparison most rows share."""
from __future__ import annotations

import pandas as pd

from pipeline.analysis.chart import MANY, bar_chart


def rows() -> pd.DataFrame:
    """MANY + 5 cities' growth targets for 2024, one with a stretch, and rows that are no such target."""
    target = [{"region": f"城{i}市", "year": 2024, "category": "地区生产总值增速", "subject": "地区生产总值",
               "value": 4 + (i % 7) * 0.5, "value_max": None, "stretch": None, "unit": "%", "comparator": "~", "kind": "target"}
              for i in range(MANY + 5)]
    target[0].update(value=8.0, stretch=9.0, comparator="=")  # 保8争9: compare_targets' stretch
    others = [{"region": "城1市", "year": 2023, "category": "地区生产总值增速", "subject": "地区生产总值",
               "value": 6.1, "value_max": None, "stretch": None, "unit": "%", "comparator": "=", "kind": "statistic"},
              {"region": "城2市", "year": 2024, "category": "地区生产总值", "subject": "地区生产总值",
               "value": 3e11, "value_max": None, "stretch": None, "unit": "元", "comparator": ">", "kind": "target"}]
    return pd.DataFrame(target + others)


def test_many_rows_are_one_ranking_sorted_with_every_region_labelled():
    fig = bar_chart(rows(), "「地区生产总值」")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    values = dict(zip(rows()["region"][:MANY + 5], rows()["value"][:MANY + 5]))
    assert len(labels) == MANY + 5 and labels[-1] == "城0市"  # the highest on top
    assert [values[r] for r in labels] == sorted(values[r] for r in labels)
    assert "2 other rows" in fig._suptitle.get_text() and "2024 地区生产总值增速" in fig._suptitle.get_text()
    assert "8–9" in [t.get_text() for t in ax.texts]  # the floor and its stretch
    assert len(ax.patches) == MANY + 5 + 1  # one bar per row, and the stretch drawn past its floor


def test_a_range_reaches_to_its_top_as_a_stretch_does():
    ranged = rows()
    ranged.loc[0, ["stretch", "value_max"]] = [None, 8.5]
    ax = bar_chart(ranged, "x").axes[0]
    assert "8–8.5" in [t.get_text() for t in ax.texts]


def test_few_rows_keep_one_bar_per_row_coloured_by_region():
    few = rows().head(5)
    ax = bar_chart(few, "x").axes[0]
    assert len(ax.get_yticklabels()) == 5
