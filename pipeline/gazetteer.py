"""The gazetteer of bodies and places, from rules/: office names with their level prefixes (ORG)
and the administrative divisions of cpca's table (GPE). It feeds jieba's user dictionary, spaCy's
SpanRuler, and the check that a part of a body list is a body."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from . import regions, rules


@lru_cache(maxsize=1)
def offices() -> frozenset[str]:
    """Office names, bare and with each level prefix: 应急管理局, 市应急管理局, 县应急局…"""
    cfg = rules.load("ner")
    canonical = rules.load("bodies")["canonical"]
    names = set(cfg["offices"]) | set(canonical) | set(canonical.values())
    with_prefix = {prefix + name for prefix in cfg["office_prefixes"] for name in names}
    roles = rules.load("roles")
    return frozenset(with_prefix | set(_collectives(roles["bodies"]["collectives"])))


def _collectives(pattern: str) -> list[str]:
    """The words of the collectives alternation in rules/roles.toml: ^(?:各有关部门|有关部门|…)$."""
    return [w for w in pattern.strip("^$").removeprefix("(?:").removesuffix(")").split("|") if w]


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    return frozenset(regions.names())


def entries() -> list[tuple[str, str]]:
    """(name, label) of every gazetteer entry, in a stable order."""
    return sorted([(name, "ORG") for name in offices()] + [(name, "GPE") for name in places()])


def write_user_dict(path: Path) -> Path:
    """jieba's user dictionary: one name a line with a high frequency, so that jieba keeps
    市应急管理局 and 温岭市 whole and the entities line up with tokens."""
    path.write_text("".join(f"{name} 100000 nt\n" for name, _ in entries() if " " not in name), encoding="utf-8")
    return path



@lru_cache(maxsize=1)
def _automaton():
    """An Aho-Corasick automaton over every entry: one pass over a notice finds them all."""
    import ahocorasick
    automaton = ahocorasick.Automaton()
    for name, label in entries():
        automaton.add_word(name, (len(name), label))
    automaton.make_automaton()
    return automaton


def find(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the longest gazetteer names in `text`, left to right, with a
    division written right before an office joined to it (温岭市 + 应急管理局 → one ORG)."""
    found: list[tuple[int, int, str]] = []
    for end, (length, label) in _automaton().iter_long(text):
        start, end = end + 1 - length, end + 1
        if found and found[-1][1] == start and found[-1][2] == "GPE" and label == "ORG":
            start = found.pop()[0]
        found.append((start, end, label))
    return found
