"""doc_type: the kind of a notice's main content (SPEC, Document fields).

The plan it issues decides first, then its own title; a page with neither is judged by its
structure: a work report, a news story (dateline or reporter's lede, no letter), a letter with
no plan (通知), or a body of numbered items (a plan's sections make it 实施方案).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline import rules
from pipeline.stages.structure.heading import dates_free
from pipeline.stages.reading.normalize import fold


@dataclass
class Shape:
    """What the rest of the page looks like, for a page whose names decide nothing."""
    letter: bool  # addressees or a signature
    dateline: bool  # a site's dateline with a clock time
    numbered: bool  # outline headings (一、 (一) 第一条)


@lru_cache(maxsize=1)
def _patterns() -> dict:
    cfg = rules.load("fields")
    return {
        "types": [(regex.compile(pattern), kind) for pattern, kind in cfg["doc_types"]],
        "news": regex.compile(cfg["news_cues"], regex.M),
        "report": regex.compile(cfg["report_cues"]),
        "plan": regex.compile(cfg["plan_sections"]),
        "heading": regex.compile(cfg["outline_start"] + r"(?P<rest>[^\n]{0,40})$", regex.M),
        "self_named": regex.compile(cfg["self_named"], regex.M),
    }


def kind_of_name(name: str | None) -> str | None:
    """The kind a title's closing words name, if they name one."""
    if not name:
        return None
    name = dates_free(fold(name))
    return next((kind for pattern, kind in _patterns()["types"] if pattern.search(name)), None)


def doc_type(title: str | None, plan_title: str | None, folded: str, shape: Shape) -> str:
    p = _patterns()
    for name in (plan_title, title):
        kind = kind_of_name(name)
        if kind:
            return kind
    top = folded[:1500]
    if p["report"].search(top):
        return "其他"
    named = p["self_named"].search(top) if shape.letter and ("本" in top or "以下" in top or "如下" in top) else None
    if named and (kind := kind_of_name(named.group("kind"))):
        return kind
    if not shape.letter and (shape.dateline or p["news"].search(folded[:2000])):
        return "新闻"
    if shape.letter and not shape.numbered:
        return "通知"
    if shape.numbered:
        # a section that is a plan's (一、工作步骤), not a heading that mentions one (一、加强组织领导)
        sections = (m.group("rest").strip(" 。:") for m in p["heading"].finditer(folded))
        return "实施方案" if any(p["plan"].fullmatch(s) for s in sections) else "工作要点"
    return "其他"
