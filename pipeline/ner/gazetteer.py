"""The gazetteer of bodies and places, from rules/: office names with their level prefixes (ORG)
and the administrative divisions of cpca's table (GPE). It feeds jieba's user dictionary, spaCy's
SpanRuler, and the check that a part of a body list is a body."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.stages import regions
from pipeline import rules


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



PLACE_END = "省市区县州旗盟"  # every division's name ends with one of these


@lru_cache(maxsize=1)
def _automaton():
    """An Aho-Corasick automaton over the office names: one pass over a notice finds them all.
    (Places go by their last character instead: an automaton of 3,400 names starting with 东, 新,
    大… walks ten times slower.)"""
    import ahocorasick
    automaton = ahocorasick.Automaton()
    for name in offices():
        automaton.add_word(name, len(name))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1)
def _longest_place() -> int:
    return max(map(len, places()))


def _places_in(text: str) -> list[tuple[int, int, str]]:
    """Every division name in `text`: the longest one ending at each 省/市/区/县… ."""
    found, names, longest = [], places(), _longest_place()
    for end, ch in enumerate(text, 1):
        if ch in PLACE_END:
            start = next((end - n for n in range(min(longest, end), 1, -1) if text[end - n:end] in names), None)
            if start is not None:
                found.append((start, end, "GPE"))
    return found


def find(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the longest gazetteer names in `text`, left to right, with a
    division written right before an office joined to it (温岭市 + 应急管理局 → one ORG)."""
    candidates = _places_in(text) + [(end + 1 - n, end + 1, "ORG") for end, n in _automaton().iter(text)]
    kept: list[tuple[int, int, str]] = []
    for span in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
        if kept and span[0] < kept[-1][1]:
            continue  # inside or across the longer name that starts first
        if kept and kept[-1][1] == span[0] and kept[-1][2] == "GPE" and span[2] == "ORG":
            span = (kept.pop()[0], span[1], "ORG")
        kept.append(span)
    return kept
