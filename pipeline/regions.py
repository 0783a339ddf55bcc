"""Administrative divisions: cpca's adcode table, the gaps in rules/regions.toml, and lookups.

cpca's own matcher is not imported (it needs pkg_resources and fails on text with no
address); only its data file is read.
"""
from __future__ import annotations

import csv
import importlib.metadata
from dataclasses import dataclass
from functools import lru_cache

import regex

from . import rules

DOC_NUMBER = regex.compile(r"(\p{Han}{1,8})[〔\[(]\s*(?:19|20)\d\d\s*[〕\])]\s*\d+\s*号")


@dataclass(frozen=True)
class Division:
    name: str
    code: str  # six digits
    parent: str | None = None  # code of the unit above, where the code alone does not tell

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "county"


@lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """Every division by its six-digit code."""
    path = importlib.metadata.distribution("cpca").locate_file("cpca/resources/adcodes.csv")
    table = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["adcode"][:6]
            table[code] = Division(row["name"], code)
    for name, (code, parent) in rules.load("regions")["extra"].items():
        table.setdefault(code, Division(name, code, parent))
    return table


# 湘西土家族苗族自治州 is written 湘西自治州, 张家川回族自治县 张家川县: the ethnic names drop out.
@lru_cache(maxsize=1)
def _ethnic() -> regex.Pattern:
    """X(族)+自治(州|县|旗), with the ethnic names from cpca's list of the 56 nations."""
    path = importlib.metadata.distribution("cpca").locate_file("cpca/resources/56_nations.csv")
    with open(path, encoding="utf-8") as fh:
        nations = [n.strip() for n in fh.read().replace("\n", ",").split(",") if n.strip().endswith("族")]
    return regex.compile(rf"^(\p{{Han}}+?)(?:{rules.alternation(nations)})+自治(州|县|旗)$")


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, list[Division]], regex.Pattern]:
    by_name: dict[str, list[Division]] = {}
    skip = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
    for division in divisions().values():
        if division.name in skip:
            continue
        names = {division.name}
        match = _ethnic().match(division.name)
        if match:
            names.add(match.group(1) + "自治" + match.group(2))
            if match.group(2) != "州":  # 张家川县; a prefecture is never just 湘西州
                names.add(match.group(1) + match.group(2))
        for name in names:
            by_name.setdefault(name, []).append(division)
    for name, (code, _) in rules.load("regions")["extra"].items():
        by_name.setdefault(name, [divisions()[code]])
    pattern = regex.compile(rules.alternation(by_name))
    return by_name, pattern


def names() -> list[str]:
    """Every name the divisions are known by (温岭市, 湘西自治州, 大通湖区)."""
    return list(_names()[0])


def is_name(text: str) -> bool:
    """Whether `text` is exactly the name of a division (银川市, 石嘴山市): a body in a list."""
    return text in _names()[0]


def parent_of(division: Division) -> Division | None:
    table = divisions()
    if division.parent:
        return table.get(division.parent)
    if division.level == "county":
        return table.get(division.code[:4] + "00")
    if division.level == "city":
        return table.get(division.code[:2] + "0000")
    return None


def chain(division: Division) -> dict[str, str | None]:
    """province, city, county and region_code of a division."""
    out = {"province": None, "city": None, "county": None, "region_code": division.code}
    node: Division | None = division
    while node is not None:
        out[node.level] = node.name
        node = parent_of(node)
    if division.code[:2] in rules.load("regions")["municipalities"]["codes"]:
        out["city"] = out["province"]
    return out


def find(text: str) -> list[Division]:
    """The divisions named in `text`, in order, each read in the light of those before it."""
    by_name, pattern = _names()
    found: list[Division] = []
    for match in pattern.finditer(text):
        candidates = by_name[match.group()]
        prefixes = [d.code[: 2 if d.level == "province" else 4] for d in found]
        best = next((c for c in candidates if any(c.code.startswith(p) for p in prefixes)), candidates[0])
        if len(candidates) > 1 and best is candidates[0] and not prefixes:
            continue  # 朝阳区, 鼓楼区…: ambiguous on its own, let a later, surer name decide
        found.append(best)
    return found


def locate(*texts: str | None) -> dict[str, str | None]:
    """Region fields from the first text that names a division, most specific division winning."""
    for text in texts:
        found = find(text or "")
        if found:
            order = {"province": 0, "city": 1, "county": 2}
            return chain(max(found, key=lambda d: order[d.level]))
    return {"province": None, "city": None, "county": None, "region_code": None}


def province_from_doc_number(text: str) -> dict[str, str | None]:
    """苏安电〔2017〕5号 → 江苏省: the province whose abbreviation opens a document number."""
    abbreviations = rules.load("regions")["abbreviations"]
    for match in DOC_NUMBER.finditer(text):
        code = abbreviations.get(match.group(1)[0])
        if code:
            return chain(divisions()[code + "0000"])
    return {"province": None, "city": None, "county": None, "region_code": None}
