"""Administrative divisions: cpca's adcode table, the gaps in rules/regions.toml, and lookups.

cpca's own matcher is not imported (it needs pkg_resources and fails on text with no
address); only its data file is read.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

from pipeline import rules

# 苏安电〔2017〕5号: the issuer's abbreviation, then the number's bracketed year and number (its tail).
ISSUER_MAX = 8
NUMBER_TAIL = r"[〔\[(]\s*(?:19|20)\d\d\s*[〕\])]\s*\d+\s*号"
DOC_NUMBER = regex.compile(rf"(\p{{Han}}{{1,{ISSUER_MAX}}}){NUMBER_TAIL}")
DOC_NUMBER_TAIL = regex.compile(NUMBER_TAIL)


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
    path = rules.package_file("cpca", "resources/adcodes.csv")
    table = {}
    with open(path, encoding="utf-8") as fh:  # csv.reader: DictReader takes twice as long
        rows = csv.reader(fh)
        header = next(rows)
        at_code, at_name = header.index("adcode"), header.index("name")
        for row in rows:
            code = row[at_code][:6]
            table[code] = Division(row[at_name], code)
    for name, (code, parent) in rules.load("regions")["extra"].items():
        table.setdefault(code, Division(name, code, parent))
    return table


# 湘西土家族苗族自治州 is written 湘西自治州, 张家川回族自治县 张家川县: the ethnic names drop out.
@lru_cache(maxsize=1)
def _ethnic() -> regex.Pattern:
    """X(族)+自治(州|县|旗), with the ethnic names from cpca's list of the 56 nations."""
    return regex.compile(rf"^(\p{{Han}}+?)(?:{rules.alternation(_nations())})+自治(州|县|旗)$")


@lru_cache(maxsize=1)
def _nations() -> list[str]:
    path = rules.package_file("cpca", "resources/56_nations.csv")
    with open(path, encoding="utf-8") as fh:
        return [n.strip() for n in fh.read().replace("\n", ",").split(",") if n.strip().endswith("族")]


DIRECTLY_ADMINISTERED = {"省直辖县级行政区划", "自治区直辖县级行政区划"}


@lru_cache(maxsize=1)
def _names() -> dict[str, list[Division]]:
    """The divisions by every name they are known by."""
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
    return by_name


def names() -> list[str]:
    """Every name the divisions are known by (温岭市, 湘西自治州, 大通湖区)."""
    return list(_names())


def is_name(text: str) -> bool:
    """Whether `text` is exactly the name of a division (银川市, 石嘴山市): a body in a list."""
    return text in _names()


# --- finding the names in a text -----------------------------------------------------------------

@lru_cache(maxsize=1)
def _automaton():
    """An Aho-Corasick automaton over the full names, each reversed, to walk the reversed text.
    pyahocorasick looks a character up among a node's children one by one, and the full names start
    with 900 different characters but end with 9 (市, 县, 区…): reversed, the walk is 40 times
    faster. An alternation of the names took 0.4 s to compile, and a scan by their first two
    characters half a second a MB."""
    import ahocorasick
    automaton = ahocorasick.Automaton()
    for name in _names():
        automaton.add_word(name[::-1], name)
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1)
def _short_ends() -> tuple[re.Pattern, dict[str, tuple[int, ...]]]:
    """Where a short name can end, and the lengths of the short names each last two characters end.
    The short names end with 250 different characters, which the automaton's walk looked up one by
    one at every character of a notice (a twentieth of a second a MB). Every short name ends with
    one of the characters that stand before a name's last, then one of those that end a name: such
    pairs are found by one C-level scan (the standard library's, of two classes), and only there
    are names looked up."""
    lengths: dict[str, set[int]] = {}
    for name in _short_names():
        lengths.setdefault(name[-2:], set()).add(len(name))
    before_last = "".join(sorted({pair[0] for pair in lengths}))
    last = "".join(sorted({pair[1] for pair in lengths}))
    # the first character matched and the second looked ahead at: the engine skips to the next
    # character of the first class, where a pattern opening on a lookahead is tried at every character
    pair = re.compile(f"[{re.escape(before_last)}](?=[{re.escape(last)}])")
    return pair, {pair: tuple(sorted(ns)) for pair, ns in lengths.items()}


def occurrences(text: str, short: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, name) of every full name (or short name) in `text`, overlapping ones included."""
    if short:
        return _short_occurrences(text)
    last = len(text) - 1
    return [(last - i, last - i + len(name), name) for i, name in _automaton().iter(text[::-1])]


def _short_occurrences(text: str) -> list[tuple[int, int, str]]:
    names = _short_names()
    pair, lengths_by_end = _short_ends()
    found = []
    for hit in pair.finditer(text):
        end = hit.start() + 2
        for n in lengths_by_end.get(text[end - 2:end], ()):
            if n <= end and text[end - n:end] in names:
                found.append((end - n, end, text[end - n:end]))
    return found


def scan(text: str, pos: int = 0, short: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, name) of the names a reading from `pos` takes, left to right: the longest name
    at the first position where one starts, then on after its end. `short` reads the short names
    (十堰, 宁夏) as well as the full ones."""
    found = occurrences(text) + (occurrences(text, short=True) if short else [])
    longest: dict[int, tuple[int, str]] = {}
    for start, end, name in found:
        if end > longest.get(start, (0, ""))[0]:
            longest[start] = (end, name)
    taken = []
    for start in sorted(longest):
        if start >= pos:
            end, name = longest[start]
            taken.append((start, end, name))
            pos = end
    return taken


def starts_name(text: str, pos: int) -> bool:
    """Whether a division's full name starts at `pos` in `text`."""
    return any(start == 0 for start, _, _ in occurrences(text[pos:pos + _longest()]))


@lru_cache(maxsize=1)
def _longest() -> int:
    return max(map(len, _names()))


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
    elif division.level == "county" and out["city"] in DIRECTLY_ADMINISTERED:
        out["city"] = division.name  # 天门市 answers to its province: it is its own city, as 北京市 is its own province
    return out


def find(text: str) -> list[Division]:
    """The divisions named in `text`, in order, each read in the light of those before it."""
    by_name = _names()
    found: list[Division] = []
    for _, _, name in scan(text):
        candidates = by_name[name]
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
    for match in _doc_numbers(text):
        code = abbreviations.get(match.group(1)[0])
        if code:
            return chain(divisions()[code + "0000"])
    return {"province": None, "city": None, "county": None, "region_code": None}


def _doc_numbers(text: str):
    """DOC_NUMBER.finditer(text), each search started at most ISSUER_MAX characters before the next
    tail: a match holds its tail, so none starts earlier. DOC_NUMBER tried every Han character as an
    abbreviation's first; the tail opens on a bracket, which the engine finds at once."""
    pos = 0
    while tail := DOC_NUMBER_TAIL.search(text, pos):
        match = DOC_NUMBER.search(text, max(pos, tail.start() - ISSUER_MAX))
        if match is None:
            return
        yield match
        pos = match.end()


# --- the division a text names as its own ------------------------------------------------------

# A short name followed by one of these names a street, village or site, not the division (永安社区);
# any name followed by a date names an accident cited as a lesson (连云港"12·9"事故), and any name
# followed by a station or reservoir's name a site observed there (诸暨市横岭顶站), not the text's place.
NOT_THE_DIVISION = regex.compile(r"路|街|村|镇|乡|社区|大道|大街|小区|公园|广场")
EVENT = regex.compile(r"[“\"]?\d{1,2}[·.]\d{1,2}|\p{Han}{1,4}?(?:站|水库)")
SHORT_SUFFIX = regex.compile(r"(?:特别行政区|自治区|自治州|自治县|地区|省|市|盟)$")
UNIT_AFTER = regex.compile(r"州|市|县|区|盟")
HAN = regex.compile(r"\p{Han}")
# A division's unit word that runs on into a word of its own: 市场, 市民, 区域, 县域, 区级.
SUFFIX_WORD = {"市": regex.compile(r"场|民|值|容|貌|级|域|面"), "区": regex.compile(r"域|位|块|间|级|划"),
               "县": regex.compile(r"域|级|城")}
LEVELS = {"province": 0, "city": 1, "county": 2}


@lru_cache(maxsize=1)
def _nation_words() -> frozenset[str]:
    """The nations' names as they end a division's name: 回族, and 维吾尔 without its 族."""
    return frozenset({*_nations(), *(n[:-1] for n in _nations() if len(n) > 2)})


def _stem(name: str) -> str:
    """宁夏回族自治区 → 宁夏, 恩施土家族苗族自治州 → 恩施, 嵊州市 → 嵊州: the longest nation's name
    ending the stem is cut, then the next, as long as something is left."""
    stem = SHORT_SUFFIX.sub("", name)
    nations = _nation_words()
    while True:
        cut = next((n for n in range(len(stem) - 1, 0, -1) if stem[-n:] in nations), None)
        if cut is None:
            return stem
        stem = stem[:-cut]


@lru_cache(maxsize=1)
def _short_names() -> dict[str, list[Division]]:
    """Names without their unit word (海南, 宁夏, 恩施, 嵊州), for provinces, prefectures and
    county-level cities; a county or district's stem (城关, 和平) is too often a plain word."""
    short: dict[str, list[Division]] = {}
    for division in divisions().values():
        if division.level == "county" and not division.name.endswith("市"):
            continue
        stem = _stem(division.name)
        if len(stem) >= 2 and stem != division.name:
            short.setdefault(stem, []).append(division)
    return short


def own_unit(folded: str) -> str | None:
    """The unit a text speaks for: "我代表市人民政府" first, then the most frequent "我县"/"本市",
    then "全市" (a weaker sign: "居全省第一" ranks a city in its province), then a bare 自治区."""
    tiers: list[dict[str, int]] = [{}, {}, {}, {}]
    for match in rules.compiled("fields", "own_voice").finditer(folded):
        if match.group("rep") or match.group("nation"):
            tier, unit = 0, match.group("rep") or "国"
        elif match.group("unit"):
            tier, unit = (2 if match.group().startswith("全") else 1), match.group("unit")
        else:
            tier, unit = 3, match.group("bare")
        tiers[tier][unit] = tiers[tier].get(unit, 0) + 1
    counts = next((t for t in tiers if t), {})
    return max(counts, key=counts.get) if counts else None


def _fits(division: Division, unit: str | None) -> bool:
    """Whether a division is of the unit a text speaks for: a 市 (prefecture or county-level city),
    a 县, a 区 (a district), a 州, a 省, an 自治区. A town's text may name any."""
    if unit in (None, "镇", "乡"):
        return True
    if unit == "区":
        return division.level == "county" and division.name.endswith("区")
    return division.name.endswith(unit)


def _mentions(folded: str) -> list[list[Division]]:
    """The candidates of each division name in the text, full (十堰市) or short (十堰, 宁夏)."""
    short = _short_names()
    full = _names()
    out, named, pending = [], set(), []
    for start, end, name in scan(folded, short=True):
        if EVENT.match(folded, end):
            continue
        if name in full:
            if _a_word(folded, name, start, end):
                continue
            out.append(full[name])
            named.add(name)
            continue
        if NOT_THE_DIVISION.match(folded, end):
            continue
        if all(d.level == "county" for d in short[name]):
            pending.append(name)  # 合作, 大安, 东方: a county-level city's stem is often a word…
            continue
        after = UNIT_AFTER.match(folded, end)  # 恩施州: the 州, not the 市
        out.append([d for d in short[name] if after and d.name.endswith(after.group())] or short[name])
    # …unless the text also names the division in full (潜江市 … 潜江龙虾), or the stem is a place name
    # and not a word in jieba's dictionary (潜江 ns; 合作 vn, 东方 s)
    out += [short[name] for name in pending if any(d.name in named for d in short[name]) or _place_word(name)]
    return out


def _place_word(stem: str) -> bool:
    return stem in _place_words()


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    """The words jieba's dictionary tags as place names (ns), read from its file without importing
    jieba (a tenth of a second, and its loader reads the whole dictionary again on every call).
    Only the lines holding "ns" are split: a C-level search picks them out (re's, twice as fast as
    regex's here)."""
    path = Path(importlib.util.find_spec("jieba").submodule_search_locations[0], "dict.txt")
    lines = re.findall(r"(?m)^.*ns.*$", path.read_bytes().decode("utf-8"))
    rows = (line.split() for line in lines)
    return frozenset(row[0] for row in rows if len(row) == 3 and row[2] == "ns")


def _a_word(folded: str, name: str, start: int, end: int) -> bool:
    """A full name inside a longer word (成县 in 完成县政府, 合作市 in 合作市场), a word itself (城区),
    or a verb of the clause grammar joining two bodies with the unit of the second (会同县 in
    县环保局会同县水利局: 会同 + 县水利局)."""
    if name in rules.load("regions")["generic"] or len(name) == 2 and start and HAN.match(folded, start - 1):
        return True
    if start and HAN.match(folded, start - 1) and name[:-1] in rules.load("roles")["direction"]["together"]:
        return True
    return bool(SUFFIX_WORD.get(name[-1]) and SUFFIX_WORD[name[-1]].match(folded, end))


def from_text(folded: str, unit: str | None) -> dict[str, str | None]:
    """The division the text names most among those of its own unit; where it names none of that
    unit, the most named, the most specific on a tie. An ambiguous name (海南, 吉林) is read as the
    one of the text's unit, else the one in a province the text names unambiguously, else the larger.
    A national text (全国, 国务院) has none."""
    empty = {"province": None, "city": None, "county": None, "region_code": None}
    mentions = _mentions(folded) if unit != "国" else []
    sure = {c[0].code[:2] for c in mentions if len(c) == 1}
    counts: dict[str, int] = {}
    by_code: dict[str, Division] = {}
    for candidates in mentions:
        fitting = [d for d in candidates if _fits(d, unit)] or candidates
        division = next((d for d in fitting if d.code[:2] in sure), None) \
            or min(fitting, key=lambda d: LEVELS[d.level])
        counts[division.code] = counts.get(division.code, 0) + 1
        by_code[division.code] = division
    if not counts:
        return empty
    fitting = [c for c in counts if _fits(by_code[c], unit)] or list(counts)
    best = max(fitting, key=lambda c: (counts[c], LEVELS[by_code[c].level]))
    if 2 * sum(counts[c] for c in fitting if c[:2] == best[:2]) <= sum(counts[c] for c in fitting):
        return empty  # a round-up of many provinces (各地…) speaks for none of them
    return chain(by_code[best])
