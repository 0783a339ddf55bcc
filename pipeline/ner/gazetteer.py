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



PLACE_END = "省市区县州旗盟"  # the names it tags end with one of these (西沙群岛 and two more do not)


@lru_cache(maxsize=1)
def _names_automaton():
    """The office names and the division names that end with one of PLACE_END, each reversed, in one
    Aho-Corasick automaton walked over the reversed notice: one walk finds both. Reversed for the
    reason regions.occurrences gives: the names start with hundreds of characters and end with few
    (局, 委, 市, 县…), and the walk looks a character up among a node's children one by one. A name
    is stored with its length and whether an office and a place are so named."""
    import ahocorasick
    office_names = offices()
    place_names = {name for name in places() if name[-1] in PLACE_END}
    automaton = ahocorasick.Automaton()
    for name in office_names | place_names:
        automaton.add_word(name[::-1], (len(name), name in office_names, name in place_names))
    automaton.make_automaton()
    return automaton


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """Every division name in `text` that ends with 省/市/区/县… (the longest one ending at each place),
    in order, then every office name, overlapping ones included, from one walk."""
    last, start_of, found_offices = len(text) - 1, {}, []
    for i, (n, office, place) in _names_automaton().iter(text[::-1]):
        start, end = last - i, last - i + n
        if office:
            found_offices.append((start, end, "ORG"))
        if place and start < start_of.get(end, end):
            start_of[end] = start
    return [(start, end, "GPE") for end, start in sorted(start_of.items())] + found_offices


def find(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the longest gazetteer names in `text`, left to right, with a
    division written right before an office joined to it (温岭市 + 应急管理局 → one ORG)."""
    # sorted by start and length: the offices' order among themselves does not count (no two share a span)
    candidates = _candidates(text)
    kept: list[tuple[int, int, str]] = []
    for span in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
        if kept and span[0] < kept[-1][1]:
            continue  # inside or across the longer name that starts first
        if kept and kept[-1][1] == span[0] and kept[-1][2] == "GPE" and span[2] == "ORG":
            span = (kept.pop()[0], span[1], "ORG")
        kept.append(span)
    return kept
