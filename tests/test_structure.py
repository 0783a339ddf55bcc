"""The structural reading of a notice (pipeline/outline.py, pipeline/paragraphs.py): layouts from
tests/cases/structure.toml, each a notice written for the table."""
from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path

import pytest

from pipeline import paragraphs
from pipeline.process import process_bytes

CASES = tomllib.loads((Path(__file__).parent / "cases" / "structure.toml").read_text(encoding="utf-8"))["case"]


def squash(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_structure_tasks(case):
    result = process_bytes(case["text"].strip().encode(), f"{case['id']}.txt")
    assert result.error is None, result.error
    texts = [squash(task.text) for task in result.tasks]
    anchors = [squash(anchor) for anchor, _ in case["tasks"]]
    got = []
    for task, text in zip(result.tasks, texts):
        held = [a for a in anchors if a in text]
        assert len(held) == 1, f"task {task.outline} {task.text[:40]!r} holds {len(held)} anchors"
        got.append((held[0], task.outline))
    assert got == [(a, outline) for a, (_, outline) in zip(anchors, case["tasks"])]
    for piece in case.get("not_tasks", []):
        assert not any(squash(piece) in text for text in texts), piece


def test_unwrap_joins_only_page_breaks():
    lines = ["一二三四五六七八九十一二三四五六七八,"] * 6 + ["结束。", "1.新的一条", "短行"]
    joined = paragraphs.unwrap(lines)
    assert joined[0].endswith("结束。") and joined[1:] == ["1.新的一条", "短行"]


def test_unwrap_leaves_ordinary_paragraphs():
    lines = ["第一段很长很长的文字内容,说明有关事项。", "第二段。", "第三段文字比较长,也说明了另外一些事项和要求。"]
    assert paragraphs.unwrap(lines) == lines
