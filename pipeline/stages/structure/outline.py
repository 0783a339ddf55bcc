"""The heading hierarchy of a notice: chapters, articles, `一、` `(一)` `1.` `(1)` `①`.

Levels follow the standard order of 公文, unless a document's own numbering shows another; a
marker mid-line counts where it continues its numbering (a page flattened into one line). Each
node knows the type of the section it opens (pipeline/stages/structure/sections.py). pipeline/stages/assignments/tasks.py reads the
tasks out of the tree.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline import rules
from pipeline.stages import numerals
from pipeline.stages.structure import sections
from pipeline.records import OutlineNode


MARKER_PUNCT = regex.compile(r"[()、.\s]")
DECIMAL = regex.compile(r"\d{1,2}(?:\.\d{1,2}){1,2}")  # 2.1, 2.2.1: counted by the last part


@lru_cache(maxsize=1)
def _patterns() -> dict:
    cfg = rules.load("outline")
    inline = "|".join(v for k, v in cfg["styles"].items() if k not in cfg["line_start_only"])
    # every style in one pattern, each alternative with its own leading space and tried in the
    # styles' order: the first style that matches wins, as if each were tried in turn
    styles = "|".join(rf"\s*(?P<{name}>{p})" for name, p in cfg["styles"].items())
    return {
        "styles": regex.compile(styles),
        "article": regex.compile(rf"\s*(?P<article>{cfg['styles']['article']})"),
        "inline": regex.compile(rf"(?<!{cfg['inline_not_after']})(?P<marker>{inline})(?={cfg['inline_after']})"),
        "inline_opens": re.compile(cfg["inline_opens"].replace("{digits}", _digits())),
        "after_punct": regex.compile(cfg["inline_before"]),
        "heading_end": regex.compile(r"[。:;!?\n]"),
    }


def _digits() -> str:
    """Every character below U+10000 that either engine reads as a digit (\\d), as ranges of a class: the
    standard library's engine tests a character against a class of listed characters at once, where
    \\d in it costs a lookup in Unicode's tables for every character a scan passes (a third of the scan).
    Unicode writes each script's digits 0 to 9 in a run of ten; re's \\d is str.isdecimal, and regex's
    reads more only beyond U+FFFF."""
    zeros = [char for char in map(chr, range(0x10000)) if char.isdecimal() and unicodedata.decimal(char) == 0]
    return "".join(f"{re.escape(zero)}-{re.escape(chr(ord(zero) + 9))}" for zero in zeros)


@lru_cache(maxsize=256)  # the same few markers recur in every notice
def _number(marker: str) -> str:
    """The number a marker shows: "(一)" → "一", "1." → "1", "⑵" → "2", "2.1" → "2.1"."""
    marker = marker.strip()
    if DECIMAL.fullmatch(marker):
        return marker
    if marker[0] in "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇":
        return str(ord(marker[0]) - ord("⑴") + 1)
    if marker[0] in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return str(ord(marker[0]) - ord("①") + 1)
    return MARKER_PUNCT.sub("", marker)


@lru_cache(maxsize=256)
def value(number: str) -> int | None:
    """"3" → 3, "第十二条" → 12, "二十三" → 23; None for a numeral that counts nothing ("十十", "百"):
    such a marker is text, not a heading, and must not turn the whole notice into an error row."""
    number = number.strip("第章节条")  # 第三条 counts as 3
    if DECIMAL.fullmatch(number):  # 2.2.1 is the first under 2.2
        number = number.rsplit(".", 1)[1]
    if number.isdigit():
        return int(number)
    found = numerals.cn_int(number)
    return None if found is None else int(found)


@dataclass
class Marker:
    start: int
    end: int
    style: str
    number: str
    value: int
    line_start: bool


def _marker(match: regex.Match, style: str, pos: int, line_start: bool) -> Marker | None:
    number = _number(match.group(style))
    n = value(number)
    return None if n is None else Marker(pos + match.start(style), pos + match.end(), style, number, n, line_start)


def _candidates(folded: str) -> list[Marker]:
    """Every place a heading marker could stand: at a line's start, or anywhere in a line where
    the marker is followed by text (run-on pages flatten a whole outline into one line)."""
    p = _patterns()
    found, pos = [], 0
    opens = [m.start() for m in p["inline_opens"].finditer(folded)]
    for line in folded.split("\n"):
        match = p["styles"].match(line)
        head = _marker(match, match.lastgroup, pos, True) if match else None
        if head:
            found.append(head)
            article = _glued_article(line, pos, head)
            if article:
                found.append(article)
                head = article
        for match in _inline(line, pos, head.end - pos if head else 0, opens):
            # the marker's style, read as at a line's start; where what it needs after it is not in the
            # marker (a number and a space before Han), as it stands in the line
            style = (p["styles"].match(match.group("marker")) or p["styles"].match(line, match.start("marker"))).lastgroup
            number = _number(match.group("marker"))
            if (n := value(number)) is not None:
                found.append(Marker(pos + match.start(), pos + match.end(), style, number, n, False))
        pos += len(line) + 1
    return found


def _inline(line: str, pos: int, start: int, opens: list[int]):
    """What p["inline"].finditer(line, start) finds, for the line at `pos` of a notice whose places where a
    mid-line marker may open are `opens` (rules/outline.toml inline_opens): tried at those alone, in
    order, each after the last match, so the matches are the scan's (rules.matched_at)."""
    here = opens[bisect.bisect_left(opens, pos + start):bisect.bisect_left(opens, pos + len(line))]
    return rules.matched_at(_patterns()["inline"], line, [at - pos for at in here])


def _glued_article(line: str, pos: int, head: Marker) -> Marker | None:
    """A chapter's line that runs on into its first article ("第一章总则第一条为规范…"): the
    article counts as standing at a line's start."""
    if head.style != "chapter":
        return None
    pattern = _patterns()["article"]
    for i in range(head.end - pos, min(len(line), head.end - pos + rules.load("outline")["chapter_title_max"])):
        match = pattern.match(line, i)
        if match:
            return _marker(match, "article", pos, True)
    return None


def _markers(folded: str) -> list[Marker]:
    """The markers that number the outline: every one at a line's start, and a mid-line one only
    where it continues its style's numbering (…。2.…) or opens a run whose 2 follows after a
    sentence or clause end, so that "1、2、3月" never opens a list. A higher level restarts the
    numbering of the levels under it; numbering that runs on across sections still continues."""
    cands = _candidates(folded)
    after = _patterns()["after_punct"]
    cfg = rules.load("outline")
    last: dict[str, int] = {}
    ends: dict[str, int] = {}
    fresh: set[str] = set()  # styles whose numbering a higher level has just restarted
    kept: list[Marker] = []
    for i, m in enumerate(cands):
        if m.style == "num_glued" and not _heads_decimals(m, cands[i + 1:i + 2]):
            continue
        if not m.line_start:
            punct = m.start == 0 or bool(after.match(folded[m.start - 1]))
            want = last.get(m.style)
            continues = want is not None and m.value == want + 1
            # a page cut off in the last paragraph leaves no room for the 2 of a run it opened
            cut = punct and len(folded) - m.end < cfg["run_window"] and folded.find("\n", m.end) == -1
            opens = m.value == 1 and (want is None or m.style in fresh) and (cut or _two_follows(cands, i, folded, punct))
            if not (continues or opens) or m.start - ends.get(m.style, -cfg["min_item_chars"]) < cfg["min_item_chars"]:
                continue
        kept.append(m)
        last[m.style], ends[m.style] = m.value, m.end
        fresh.discard(m.style)
        fresh.update(_below(m.style))
    return kept


def _heads_decimals(m: Marker, following: list[Marker]) -> bool:
    """Whether a number glued to its heading ("2重点任务") heads decimal items: the next marker is its first (2.1)."""
    return bool(following) and following[0].style == "decimal" and following[0].number == f"{m.number}.1"


def _two_follows(cands: list[Marker], i: int, folded: str, punct: bool) -> bool:
    """Whether the 2 of the run candidate i would open follows within the run window, after a
    sentence or clause end unless candidate i stands after one. Candidates are in text order, so
    the scan stops at the window's end."""
    m, after = cands[i], _patterns()["after_punct"]
    limit = m.end + rules.load("outline")["run_window"]
    for c in (cands[j] for j in range(i + 1, len(cands))):
        if c.start >= limit:
            return False
        if c.style == m.style and c.value == 2 and (punct or after.match(folded[c.start - 1])):
            return True
    return False


@lru_cache(maxsize=None)
def _below(style: str) -> tuple[str, ...]:
    rank = _ranks()
    return tuple(s for s in rank if rank[s] > rank[style])


@lru_cache(maxsize=1)
def _ranks() -> dict[str, int]:
    cfg = rules.load("outline")
    rank = {name: i for i, name in enumerate(cfg["styles"])}
    return {name: rank[cfg["same_rank"].get(name, name)] for name in rank}


def _document_ranks(markers: list[Marker]) -> dict[str, int]:
    """The standard order of 公文 levels, unless the document shows another: a style whose
    numbering restarts at 1 under each marker of a style ranked below it (twice or more, and
    never the other way round) sits under that style here."""
    rank = dict(_ranks())
    restarts: dict[tuple[str, str], int] = {}
    prev = None
    for m in markers:
        if prev is not None and m.style != prev.style and m.value == 1:
            restarts[(prev.style, m.style)] = restarts.get((prev.style, m.style), 0) + 1
        prev = m
    for (upper, lower), n in restarts.items():
        if n >= 2 and rank[upper] > rank[lower] and not restarts.get((lower, upper)):
            rank[upper], rank[lower] = rank[lower], rank[upper]
    return rank


def build(text: str, folded: str) -> OutlineNode:
    """The heading tree of `text`; the root spans the whole document. A marker closes every open
    heading of its level or a lower one, so a page that starts at (三) or skips a level nests right."""
    root = OutlineNode("", "root", 0, 0, len(text))
    stack = [root]
    markers = _markers(folded)
    rank = _document_ranks(markers)
    for m in markers:
        while len(stack) > 1 and rank[stack[-1].style] >= rank[m.style]:
            stack.pop()
        parent = stack[-1]
        node = OutlineNode(m.number, m.style, len(stack), m.start, len(text), parent=parent)
        node.title, _ = heading(text, folded, m.end)
        node.content_start = m.end
        parent.children.append(node)
        stack.append(node)
    _close(root)
    return root


def _close(node: OutlineNode) -> None:
    """Each node ends where its next sibling starts, or where its parent ends."""
    for child, nxt in zip(node.children, node.children[1:] + [None]):
        child.char_end = nxt.char_start if nxt else node.char_end
        _close(child)


def heading(text: str, folded: str, pos: int) -> tuple[str | None, int | None]:
    stop = _patterns()["heading_end"].search(folded, pos)
    end = stop.start() if stop else len(text)
    title = text[pos:end].strip()
    if not title or len(title) > rules.load("outline")["heading_max"]:
        return None, None
    return title, end


def section_type(node: OutlineNode) -> str:
    """What the section a node opens does, read from its heading (pipeline/stages/structure/sections.py): review,
    goals, guidance, …, else work."""
    return sections.classify(node.title) if node.title else "work"


def leaves(root: OutlineNode) -> list[OutlineNode]:
    out = []
    for child in root.children:
        out += leaves(child) if child.children else [child]
    return out
