"""The readings of clauses and groups are cached at offset 0 (grammar.parse_clause,
responsibilities._opened and _follow): moved to an offset, a cached reading is the reading made
there, and the assignments handed out are new each time, so that a caller may change them."""
from __future__ import annotations

from dataclasses import asdict

import pytest

from pipeline.stages import grammar, responsibilities

CLAUSES = [
    "县应急局牵头,县消防救援大队配合",
    "牵头单位:县文旅局;配合单位:县公安局、县消防救援大队",
    "县民政局(牵头)、县残联",
    "由县农业农村局负责,各乡镇落实",
    "以镇卫生院为主,各村卫生室协助",
    "县教育局、县卫健委",
    "2024年底前完成",
    "此件公开发布",
]
GROUPS = ["由县交通运输局牵头", "县公安局、县财政局配合", "以镇卫生院为主", "县住建局配合县应急局做好检查",
          "会同县自然资源局", "各街道根据各自职责做好宣传", "加强统筹协调", "其中县教育局负责校园安全"]


def _rows(assignments):
    return None if assignments is None else [asdict(a) for a in assignments]


def _parse_uncached(content: str, offset: int, strict: bool):
    if grammar.config()["label"].search(content):
        return grammar.read_labelled(content, offset) or None
    return grammar._role_groups(content.rstrip(), offset, strict)


@pytest.mark.parametrize("content", CLAUSES)
@pytest.mark.parametrize("strict", [False, True])
def test_a_cached_clause_is_the_clause_read_at_its_offset(content, strict):
    for offset in (0, 1, 37):
        assert _rows(grammar.parse_clause(content, offset, strict)) == _rows(_parse_uncached(content, offset, strict))


def _opened_as_written(group: str, offset: int):
    """_opened as it was written before the cache: read at the group's own offset."""
    opened = grammar.config()["clause_opener"].match(group).end()
    reading = grammar.read_copula(group[opened:], offset + opened) or grammar.read_mainly(group, offset) \
        or grammar.read_group(group[opened:], offset + opened, subject=True, lenient=False)
    return reading[0] + responsibilities._listed_after(group, opened + reading[1], offset) if reading else None


@pytest.mark.parametrize("group", GROUPS)
def test_a_cached_group_is_the_group_read_at_its_offset(group):
    for offset in (0, 5, 120):
        assert _rows(responsibilities._opened(group, offset)) == _rows(_opened_as_written(group, offset))
        assert _rows(responsibilities._follow(group, offset)) == _rows(responsibilities._read_follow(group, offset))


def test_the_readings_do_assign():
    """The cases above exercise readings that find something (else the tests prove little)."""
    assert sum(1 for c in CLAUSES if grammar.parse_clause(c, 0)) >= 5
    assert sum(1 for g in GROUPS if responsibilities._opened(g, 0)) >= 4
    assert sum(1 for g in GROUPS if responsibilities._follow(g, 0)) >= 2


def test_a_caller_may_change_what_a_cached_reading_hands_out():
    first = grammar.parse_clause(CLAUSES[0], 3)
    first[0].role, first[0].body = "changed", "changed"
    first.append(first[0])
    again = grammar.parse_clause(CLAUSES[0], 3)
    assert [a.role for a in again] == ["lead", "support"] and again[0].body == "县应急局"
    opened = responsibilities._opened(GROUPS[0], 0)
    opened.extend(responsibilities._follow(GROUPS[1], 10))  # as _sentence_assignments joins a group
    assert len(responsibilities._opened(GROUPS[0], 0)) == 1
