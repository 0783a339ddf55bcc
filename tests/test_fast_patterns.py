"""Patterns compiled by the standard library's engine (rules.fast) find what regex finds.

rules.fast gives a pattern to the standard engine only where both engines read it alike; this
checks that claim where it matters: every such pattern of the stages, run over the bundled
notices' text (each line, and the whole text), finds the same matches with the same groups as
regex compiled from the same source, and the patterns it keeps for regex are those that need it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import regex

from pipeline import rules
from pipeline.stages.assignments import bodies, grammar, responsibilities, tasks
from pipeline.stages.reading.normalize import fold, normalize

REPO = Path(__file__).resolve().parent.parent


def _compiled() -> dict[str, object]:
    """Every compiled pattern of the stages that use rules.fast, by name."""
    found = {f"grammar.{k}": v for k, v in {**grammar.config(), **grammar.label_patterns()}.items() if hasattr(v, "finditer")}
    found.update({f"tasks.{k}": v for k, v in tasks._patterns().items()})
    found.update({"responsibilities.BRACKETS": responsibilities.BRACKETS, "grammar.GROUP_SEPARATORS": grammar.GROUP_SEPARATORS,
                  "grammar.HARD_SEPARATORS": grammar.HARD_SEPARATORS, "grammar.QUOTED": grammar.QUOTED,
                  "bodies.PREFIX": bodies.PREFIX, "bodies.canonical": bodies._canonical()[0],
                  "grammar.bracket_or": grammar._bracket_or(grammar.GROUP_SEPARATORS)})
    return found


STANDARD = sorted(name for name, p in _compiled().items() if isinstance(p, re.Pattern))


@lru_cache(maxsize=1)
def _texts() -> list[str]:
    """The bundled notices' folded text, whole and line by line, and lines written to hold what
    the two engines could read apart (exotic spaces and digits)."""
    texts = [fold(normalize(p.read_text(encoding="utf-8"))) for p in sorted((REPO / "corpora").rglob("*.txt"))[:60]]
    lines = [line for text in texts for line in text.split("\n")]
    odd = ["县应急局\x1c牵头,县公安局\u3000配合", "由县财政局牵头\u2028各乡镇配合", "各镇(街道)、县局等部门负责", "٣月底前县局负责"]
    names = ["县民政局(牵头)", "县林业局(按职责分工负责)", "县应急局等有关部门", "各乡镇人民政府", "各村(社区)",
             "[责任单位]县商务局", "县教育局(含各学校)", "各有关单位", "乡镇党委书记"]  # parts of lists, tested whole
    return texts + lines + odd + names


def _matches(pattern, text: str) -> list:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def test_the_standard_engine_takes_most_patterns():
    assert len(STANDARD) >= 20  # the literal alternations of roles.toml and tasks.toml


@pytest.mark.parametrize("name", STANDARD)
def test_a_pattern_of_the_standard_engine_matches_as_regex_does(name):
    pattern = _compiled()[name]
    other = regex.compile(pattern.pattern)
    for text in _texts():
        assert _matches(pattern, text) == _matches(other, text), (name, text[:80])


def test_the_texts_exercise_the_patterns():
    """Most patterns match somewhere in the texts (else the comparison above proves little)."""
    matched = [name for name in STANDARD if any(_compiled()[name].search(text) for text in _texts())]
    assert len(matched) >= 0.8 * len(STANDARD), sorted(set(STANDARD) - set(matched))


@pytest.mark.parametrize("pattern", [r"\s*牵头", r"\p{Han}", r"(?<=^|[。])由", r"(?P<a>县)|(?P<a>区)", r"[[]", r"\d+", r"\\w"])
def test_what_the_engines_may_read_apart_stays_with_regex(pattern):
    assert isinstance(rules.fast(pattern), regex.Pattern)


def test_a_literal_alternation_goes_to_the_standard_engine():
    assert isinstance(rules.fast(rules.alternation(["牵头负责", "牵头", "配合"]) + "(?!人|组(?![织建成]))"), re.Pattern)
