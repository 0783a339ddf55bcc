"""Text normalisation: full-width forms, brackets, doubled punctuation, stray spaces, page debris.

The result is the document's `text`; every offset the pipeline writes indexes it.
`fold` gives a same-length simplified-character view of it for matching, so that
patterns written once in simplified Chinese also find 牽頭 and 責任單位.
"""
from __future__ import annotations

import codecs
import re
import threading
from functools import lru_cache

import regex

from pipeline.stages.reading import paragraphs
from pipeline import rules

# Full-width ASCII (！ to ～) maps to ASCII; brackets and spaces to one form each.
WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
WIDTH.update({ord("\u3000"): " ", ord("\xa0"): " ", ord("\t"): "\t", ord("﹙"): "(", ord("﹚"): ")",
              ord("【"): "[", ord("】"): "]", ord("\u200b"): None, ord("\ufeff"): None})
# The typographic spaces a page's HTML writes (&ensp;, &emsp;, &thinsp;: U+2000-U+200A, and the
# narrow and medium ones) are spaces like any other: tidied as they are, not read as text
WIDTH.update({code: " " for code in (*range(0x2000, 0x200B), 0x202F, 0x205F)})

# The characters WIDTH changes, found by a C-level scan: translating with a dict looks every
# character up in Python, four times slower than replacing the few distinct ones a text holds.
WIDTH_CHARS = {chr(code): "" if new is None else chr(new) if isinstance(new, int) else new for code, new in WIDTH.items()}
WIDTH_CHARS = {char: new for char, new in WIDTH_CHARS.items() if new != char}  # a tab stays a tab
WIDE = re.compile("[" + "".join(map(re.escape, WIDTH_CHARS)) + "]")

TAB_CELL = regex.compile(r"[ ]*\t[\t ]*")
# Runs of two or more spaces between words, in a line that has several: a table row flattened to text.
# A gap next to a cell border is no border of its own: between two (" |  | ") it is an empty cell.
WIDE_GAP = regex.compile(r"(?<=[^\s|])[ ]{2,}(?=[^\s|])")
CELL = regex.compile(r"\S{2,}")
# Two runs of Han text (no sentence in them) set apart by one wide gap: "县应急管理局      县教育局".
SIDE_BY_SIDE = regex.compile(r"\p{Han}[^。;,!?:]*\p{Han}[ ]{2,}\p{Han}[^。;,!?:]*\p{Han}")
SIDE_BY_SIDE_MAX = 40
HAN_NAME = regex.compile(r"\p{Han}{3,30}")
PROSE = regex.compile(r"[。,;!?]")  # a sentence after a label word: "时间紧任务重,…" is no label's value
# A space next to a Han character or punctuation is an artefact; one between two Latin words or numbers is not.
STRAY_SPACE = regex.compile(r"(?<=[\p{Han}\p{P}])[ ]+|[ ]+(?=[\p{Han}\p{P}])")
DOUBLED_MARKS = ",.。、;!?:·"
# One class of literal marks and a back-reference, read alike by both engines: the standard library's
# substitutes over a whole text in less time than regex's, or than looking for each doubled mark with `in`.
DOUBLED = re.compile(f"([{re.escape(DOUBLED_MARKS)}])\\1+")


# Where the standard library's engine and regex read \s and \d alike, the lines to drop are tested by
# the standard library's, three times faster on this pattern. They differ only on \x1c-\x1f (space
# to re, not to regex) and on digits newer than Python's Unicode tables (digits to regex, not to re):
# a text holding none of those (two C-level scans) is read alike by both.
SEPARATORS = regex.compile(r"[\x1c-\x1f]")
OTHER_DIGITS = regex.compile(r"(?![0-9])\d")  # a digit but 0-9: regex scans this a quarter faster than [^\D0-9]


def engines_differ(text: str) -> bool:
    """Whether `text` holds a character that the two engines may read differently as \\s or \\d."""
    return bool(SEPARATORS.search(text) or OTHER_DIGITS.search(text))


@lru_cache(maxsize=1)
def _furniture() -> "_Furniture":
    """The lines to drop, read by regex: for a text the standard engine may read otherwise, and
    compiled only then (most texts never need it: 5 ms of a one-notice run's start)."""
    return _Furniture(regex.compile)


class _Furniture:
    """The lines to drop (rules/debris.toml), read by one engine: each drop_line pattern fullmatched
    on every line, and each of drop_line_needing only on a line holding one of their needs."""

    def __init__(self, compile_):
        cfg = rules.load("debris")
        self.lines = compile_("|".join(f"(?:{p})" for p in cfg["drop_line"]))
        self.needing = tuple(compile_(d["pattern"]) for d in cfg["drop_line_needing"])
        self.needs = re.compile("|".join(re.escape(word) for d in cfg["drop_line_needing"] for word in d["needs"]))

    def fullmatch(self, line: str, rare: bool = True) -> bool:
        """Whether `line` is all furniture: a line holding none of the needs matches no pattern that needs
        one, nor does one that holds no rare word (`rare`, see _strip_rules)."""
        return self.lines.fullmatch(line) is not None \
            or rare and self.needs.search(line) is not None and any(p.fullmatch(line) for p in self.needing)


@lru_cache(maxsize=1)
def _strip_rules() -> tuple[regex.Pattern, re.Pattern, tuple[str, ...], re.Pattern]:
    """The fragments to strip (rules/debris.toml strip), with the words one of which each holds
    and the last characters of a line that one ends; and the rare words, those and the needs of the
    furniture that needs one (drop_line_needing), looked for in a line in one scan, not two: most
    lines hold none, and the scans cost more than the rest of a line's tidying."""
    cfg = rules.load("debris")
    needs = [word for d in cfg["drop_line_needing"] for word in d["needs"]]
    return (regex.compile("|".join(f"(?:{p})" for p in cfg["strip"])),
            re.compile("|".join(map(re.escape, cfg["strip_holding"]))), tuple(cfg["strip_ending"]),
            re.compile("|".join(map(re.escape, cfg["strip_holding"] + needs))))


def _stripped(line: str, strip: tuple, rare: bool = True) -> str:
    """`line`, its spaces stripped, without its debris fragments: looked for only where the line holds
    what one holds (a line holding no `rare` word holds none), since trying them at every character of
    every line cost more than the rest of its tidying. A fragment ending the line ends on its last
    character: regex's spaces are all str.strip's."""
    fragments, holding, endings, _ = strip
    return fragments.sub("", line) if line.endswith(endings) or rare and holding.search(line) else line


@lru_cache(maxsize=1)
def _footer() -> re.Pattern:
    """Words a line of a site's footer holds anywhere (rules/debris.toml drop_line_holding): searched
    for in a line only where the text holds one, not fullmatched with the line patterns, where a
    leading .* would try them at every character of every line."""
    return re.compile("|".join(map(re.escape, rules.load("debris")["drop_line_holding"])))


@lru_cache(maxsize=1)
def _standard() -> _Furniture | None:
    """The lines to drop, read by the standard library's engine, where it can read their patterns."""
    try:
        return _Furniture(re.compile)
    except re.error:
        return None


def _drop(text: str) -> _Furniture:
    """The lines to drop, read by the engine that reads `text` fastest and alike."""
    standard = _standard()
    return standard if standard is not None and not engines_differ(text) else _furniture()


def _table_row(line: str) -> str:
    """A row whose cells are separated by tabs or wide gaps keeps them apart as ' | '; a short line
    of two names set apart by a wide gap (joint issuers signing side by side) becomes two lines."""
    # TAB_CELL needs a tab, WIDE_GAP two spaces in a row: most lines hold neither, and `in` is cheaper than a scan
    if "\t" in line:
        line = TAB_CELL.sub(_borders, line)
    if "  " not in line:
        return line
    gaps = WIDE_GAP.findall(_unindented(line) if "第" in line else line)
    if len(gaps) >= 2 and len(CELL.findall(line)) >= 3:
        line = WIDE_GAP.sub(" | ", line)
    elif len(gaps) == 1 and len(line) <= SIDE_BY_SIDE_MAX and SIDE_BY_SIDE.fullmatch(line):
        line = WIDE_GAP.sub("\n", line)  # removing the gap, as for stray spaces, would make one name of two
    return line


def _unindented(line: str) -> str:
    """`line` with one space after each chapter's, section's or article's number (rules/outline.toml),
    where a page may set several: they indent the text after it ("第一章　总则　　第一条　　为规范…"),
    they border no cell."""
    styles = rules.load("outline")["styles"]
    return rules.pattern("|".join(f"(?:{styles[k]})" for k in ("chapter", "section", "article"))) \
        .sub(lambda m: m.group().rstrip() + " ", line)


def _borders(gap: regex.Match) -> str:
    """A border per tab: two tabs in a row hold an empty cell, which keeps the cells after it in
    their columns (a category written once over the rows of its group, a blank 配合单位)."""
    return " " + "| " * gap.group().count("\t")


def _side_by_side_bodies(line: str) -> str:
    """A short line of two to four bodies' names set apart by single spaces ("县应急管理局 县教育局",
    a joint red header or signature) becomes a line for each: STRAY_SPACE would make one name of them."""
    if len(line) > 2 * SIDE_BY_SIDE_MAX or "|" in line:
        return line
    parts = line.split(" ")
    if not 2 <= len(parts) <= 4:
        return line
    organ = rules.pattern(rules.load("fields")["organ_end"])
    if all(HAN_NAME.fullmatch(part) and organ.search(part) for part in parts):
        return "\n".join(parts)
    return line


@lru_cache(maxsize=1)
def _label_cells() -> tuple[regex.Pattern, regex.Pattern]:
    """A metadata row whose cells a page set apart with single spaces ("发文机关 X县应急管理局 成文日期
    2025-03-12"): the line opens with a label of rules/fields.toml, its characters perhaps spaced
    ("文 号"); each label's neighbouring spaces, which STRAY_SPACE would drop, gluing label to
    value, become cell bars."""
    words = sorted({w for ws in rules.load("fields")["labels"].values() for w in ws}, key=len, reverse=True)
    spaced = "|".join("[ ]?".join(map(regex.escape, w)) for w in words)
    opens = regex.compile(rf"[•·]?(?P<l>{spaced})[ ]+(?=[^ :|])")
    # the space before a label is looked at, not taken: the label before it, its cell empty, took it
    # (a label closing a row cut short keeps its bar too: "发文机关 X局 成文日期")
    cell = regex.compile(rf"(?:^|(?<=[ ]))(?P<l>{spaced})(?:[ ]+(?=[^ :|])|[ ]*$)")
    return opens, cell


def _label_row(line: str) -> str:
    """`line` with its label cells set apart, where it is a metadata row: it opens with a label of
    three characters or more, or holds two labels, or its short label has one value, spaceless and
    no sentence ("标题 X关于…的通知"; "名称 数量 单位" heads a table)."""
    opens, cell = _label_cells()
    first = opens.match(line)
    if not first:
        return line
    rest = line[first.end():]
    if len(first.group("l").replace(" ", "")) < 3 and (" " in rest or PROSE.search(rest)) and len(cell.findall(line)) < 2:
        return line
    return cell.sub(lambda m: " | " + m.group("l").replace(" ", "") + " | ", line).removeprefix(" | ")


def _cleaned(line: str, drop: _Furniture, footer: re.Pattern | None, strip: tuple) -> str:
    """A line without its debris (`strip`), its cells kept apart; "" for a line of page furniture
    (`drop`, or a `footer` word anywhere in it). The patterns are looked up once per text, not per line."""
    line = line.strip()
    rare = strip[3].search(line) is not None
    if not line or drop.fullmatch(line.strip("| "), rare) or footer and footer.search(line):
        return ""
    line = _table_row(_stripped(line, strip, rare))
    return _side_by_side_bodies(_label_row(line)) if " " in line else line  # both need a space: most lines hold none


def normalize_line(line: str) -> str:
    line = STRAY_SPACE.sub("", _cleaned(line, _furniture(), _footer(), _strip_rules()))
    return _undoubled(line).strip()


def normalize(text: str) -> str:
    """Normalised text: one line per paragraph, no empty lines."""
    text = _narrow(text.replace("\r\n", "\n").replace("\r", "\n"))
    # normalize_line on every line, with stray spaces and doubled punctuation tidied in one pass over
    # the whole text: neither crosses a line break, nor does a line break stand beside what they match
    drop, footer = _drop(text), _footer()
    footer = footer if footer.search(text) else None
    strip = _strip_rules()
    joined = "\n".join(_cleaned(line, drop, footer, strip) for line in text.split("\n"))
    lines = (line.strip() for line in _undoubled(STRAY_SPACE.sub("", joined)).split("\n"))
    return "\n".join(paragraphs.unwrap([line for line in lines if line]))


def _undoubled(text: str) -> str:
    """Each run of a doubled mark as one mark."""
    return DOUBLED.sub(r"\1", text)


def _narrow(text: str) -> str:
    """`text.translate(WIDTH)`: no character WIDTH maps to is one it changes, so each can be replaced in turn."""
    # the first such character from `pos` on, all of whose occurrences are then replaced: none is left
    # before it, and listing every one (each full-width comma) cost as much as the replacing
    pos = 0
    while found := WIDE.search(text, pos):
        new = WIDTH_CHARS[found.group()]
        text = text.replace(found.group(), new)
        pos = found.start() + len(new)
    return text


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Traditional → simplified, character for character, from OpenCC's TSCharacters table."""
    path = rules.package_file("opencc", "dictionary/TSCharacters.txt")
    table = {}
    for line in open(path, encoding="utf-8"):
        source, _, targets = line.rstrip("\n").partition("\t")
        target = targets.split(" ")[0]
        if len(source) == 1 and len(target) == 1:
            table[ord(source)] = target
    return table


@lru_cache(maxsize=1)
def _fold_chars() -> tuple[frozenset[str], tuple[str, ...]]:
    """The characters fold changes, and those of them that GB2312 (simplified characters only) holds."""
    changed = frozenset(chr(code) for code, char in _fold_table().items() if char != chr(code))  # 覆 stays 覆
    return changed, tuple(char for char in changed if _simplified(char))


def _simplified(text: str) -> bool:
    try:
        text.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


# A notice that is not in GB2312 (simplified characters only) mostly holds a few characters that GB2312
# lacks (﹒, —, a traditional name): one encoding pass reports them to this handler, so that only they
# are looked up among the characters fold changes, not every character of the notice. A text with
# more of them (a notice in traditional characters) is looked up whole after the first OUTSIDE_LIMIT.
# Reporting costs more than looking up a text of no more characters than that.
OUTSIDE_LIMIT = 256
_outside = threading.local()


class _ManyOutside(Exception):
    pass


def _report_outside(err: UnicodeEncodeError) -> tuple[str, int]:
    _outside.chars.append(err.object[err.start:err.end])
    if len(_outside.chars) > OUTSIDE_LIMIT:
        raise _ManyOutside
    return "", err.end


codecs.register_error("pipeline.normalize.outside_gb2312", _report_outside)


def _outside_gb2312(text: str) -> set[str] | None:
    """The characters of `text` that GB2312 cannot encode; None where there are too many to report one by one."""
    _outside.chars = []
    try:
        text.encode("gb2312", "pipeline.normalize.outside_gb2312")
    except _ManyOutside:
        return None
    return set("".join(_outside.chars))


def fold(text: str) -> str:
    """`text` in simplified characters, with the same length so offsets carry over."""
    table = _fold_table()
    changed, in_gb2312 = _fold_chars()
    # The characters fold changes that GB2312 has are few, each looked for by a C-level `in`; the others
    # can only be among those GB2312 cannot encode.
    found = {char for char in in_gb2312 if char in text}
    if not _simplified(text):  # most texts are: the plain encoding's failure is the cheaper test
        # a short text (a name, a figure's words) is looked up whole, as cheap as reporting its few characters
        outside = _outside_gb2312(text) if len(text) > OUTSIDE_LIMIT else None
        found |= changed.intersection(text if outside is None else outside)
    if any(table[ord(char)] in found for char in found):  # a character folded into another one found
        return text.translate(table)
    for char in found:
        text = text.replace(char, table[ord(char)])
    return text
