"""Section types: what a section does, read from its heading, and where each section runs.

`classify("一、2023年工作回顾")` is `review`; `classify("(二)主要目标")` is `goals`; a heading that
names no other type is `work` (tasks). `parts(text, folded)` finds the sections of a document as
(start, end, type) spans, headed by numbered lines (一、, (一)) or, in work reports, by lines of no
number that open on a year ("2023年工作回顾", "今年工作安排"), and the sentences that announce goals
("今年全市经济社会发展的主要预期目标是:…"). Patterns live in rules/sections.toml.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate, chain, count
from operator import add

import regex

from pipeline import rules

YEAR = regex.compile(r"((?:19|20)\d\d)\s*年")
STOP = regex.compile(r"[。;!?\n]")
LINE_STOP = regex.compile(r"[。;!?]")
HEAD_STOP = regex.compile(r"[,,。;:!?]")  # a heading's type is in its first phrase: "(二)聚焦经济运行,主要指标…"
GOALS_END = regex.compile(r"[。!?\n]")  # goals are often listed with ";" between them
LIST_END = regex.compile(r"。|\n[ ]*\n")
LINE_OR_CELL = r"(?:^|(?<=\|))"  # how a heading pattern of rules/sections.toml says it opens a line or a cell
LINE_OR_CELL_END = regex.compile(r"[\n|]")


@lru_cache(maxsize=1)
def _cfg() -> dict:
    cfg = rules.load("sections")
    return {
        "types": [(name, regex.compile("|".join(f"(?:{p})" for p in patterns))) for name, patterns in cfg["types"].items()],
        "headings": [(int(level), regex.compile(pattern, regex.M)) for level, pattern in cfg["headings"].items()],
        "unanchored": _unanchored(cfg["headings"]),
        "line_heading_holds": cfg["line_heading_holds"],
        "heading_opens": re.compile(cfg["heading_opens"]),
        "heading_chars": cfg["heading_chars"],
        "goal": regex.compile(cfg["goal_sentence"]),
        "goal_branches": _branches(cfg["goal_sentence"]),
        "goal_chars": cfg["goal_sentence_chars"],
        "year_opening": regex.compile(cfg["year_opening"]),
        "review_lead": regex.compile(cfg["review_lead"]), "plan_heading": regex.compile(cfg["plan_heading"]),
        "title_lines": cfg["title_lines"],
        "title_line": regex.compile(cfg["title_line"]),
        "title_year": regex.compile(cfg["title_year"]), "single_title_chars": cfg["single_year_title_chars"],
        "five_year": regex.compile(rules.alternation(cfg["five_year_plans"])),
        "report_title": regex.compile(cfg["report_title"]), "next_steps": regex.compile(cfg["next_steps"]),
        "five_year_end": cfg["five_year_plans"],
    }


def classify(heading: str) -> str:
    """The type of the section `heading` opens: review, goals, guidance, safeguards, schedule,
    contacts, roster, else work."""
    return _classify_head(HEAD_STOP.split(heading[:_cfg()["heading_chars"]], 1)[0])


# An outline node's heading is classified by the structure, the tasks and the sections, each time
# with the rest of its line or without: by its first phrase, all it reads, they meet in the cache.
@lru_cache(maxsize=1024)
def _classify_head(head: str) -> str:
    for name, pattern in _cfg()["types"]:
        if pattern.search(head):
            return name
    return "work"


def parts(text: str, folded: str) -> list[tuple[int, int, str]]:
    """The document's sections and goal sentences as (start, end, type), sorted by start; sections
    nest, and a goal sentence stands inside its section."""
    del text  # headings are read on the folded view; offsets are the same in both
    return list(_parts(folded))


@lru_cache(maxsize=1)  # the structure, and the tasks through the kinds' reading, both ask
def _parts(folded: str) -> tuple[tuple[int, int, str], ...]:
    return tuple(sorted(_sections(folded) + goal_sentences(folded) + review_leads(folded), key=lambda part: (part[0], -part[1])))


def year_of(folded: str, part: tuple[int, int, str]) -> int | None:
    """The year a part's heading or goal sentence names ("2024年主要预期目标", "二、2023年工作回顾")."""
    start, end = part[0], part[1]
    head = STOP.search(folded, start, end)
    head_end = head.start() if head else end
    cue = _cfg()["goal"].search(folded, start, head_end)
    match = YEAR.search(folded, start, cue.start() if cue else min(head_end, start + _cfg()["heading_chars"]))
    return int(match.group(1)) if match else None


def opening_year(folded: str) -> int | None:
    """The latest year a sentence opens on as the year planned for ("2024年是…关键一年")."""
    return max((int(m.group(1)) for m in _cfg()["year_opening"].finditer(folded)), default=None)


def title_year(folded: str, single: bool = False) -> int | None:
    """The year the document's title sets its plan for: the last year in one of its first lines that
    names a plan, or the last year of a five-year plan it names. `single`: only a title that names
    one year and no span ("某镇2025年工作要点", not "三年行动方案(2024—2026年)"), else None."""
    cfg = _cfg()
    lines = [line for line in folded[:400].split("\n") if line.strip()][:cfg["title_lines"]]
    for line in lines:
        if not cfg["title_line"].search(line):
            continue
        years = [int(m.group(1)) for m in cfg["title_year"].finditer(line)]
        if single:
            one = len(set(years)) == 1 and len(line.strip()) <= cfg["single_title_chars"] and not cfg["five_year"].search(line)
            return years[0] if one else None
        if years:
            return max(years)
        plan = cfg["five_year"].search(line)
        if plan:
            return cfg["five_year_end"][plan.group()]
    return None


def title_reports(folded: str) -> bool:
    """Whether one of the document's first lines, short enough to be its title, names a circular or a
    summary ("关于上半年全区消防安全大排查情况的通报")."""
    cfg = _cfg()
    lines = [line.strip() for line in folded[:400].split("\n") if line.strip()][:cfg["title_lines"]]
    return any(len(line) <= cfg["single_title_chars"] and cfg["report_title"].search(line) for line in lines)


def names_next(folded: str, start: int) -> bool:
    """Whether the heading at `start` names what comes next ("三、下一步工作要求", "下半年工作打算")."""
    line_end = folded.find("\n", start)
    head = HEAD_STOP.split(folded[start:line_end if line_end >= 0 else len(folded)][:_cfg()["heading_chars"]], 1)[0]
    return _cfg()["next_steps"].search(head) is not None


def _sections(folded: str) -> list[tuple[int, int, str]]:
    """Numbered and year-headed sections: each runs to the next heading of its level or above."""
    out, open_ = [], []  # open_: (start, level, type) of the sections not yet closed, outermost first
    for start, level in sorted(_heads(folded)):
        if open_ and open_[-1][0] == start:  # one line matched by two levels: the first (lowest) wins
            continue
        while open_ and open_[-1][1] >= level:
            s, _, kind = open_.pop()
            out.append((s, start, kind))
        line_end = folded.find("\n", start)
        open_.append((start, level, classify(folded[start:line_end if line_end >= 0 else len(folded)].strip())))
    out += [(s, len(folded), kind) for s, _, kind in open_]
    return out


def numbered(folded: str) -> frozenset[int]:
    """Where the numbered headings (一、, (一)) start: the outline of the work, not a title line that
    names a year, nor a paragraph opening on one."""
    return frozenset(start for start, level in _heads(folded) if level in (1, 2))


def closed_reviews(folded: str) -> list[tuple[int, int]]:
    """The reviews a work report heads with a line of no number ("过去一年工作回顾", "2024年工作回顾")
    up to the next such line ("今年重点抓好以下工作"), and those a sentence leads in ("一年来,我们主要做了
    以下工作:"): the numbered items in them are the past year's work, no tasks. A heading's review left
    open to the end is not taken: a title line names a review as often ("2023年工作总结和2024年工作计划")
    and a numbered heading may close it."""
    top = sorted(start for start, level in _heads(folded) if level == 0)
    out = []
    for start, nxt in zip(top, top[1:]):
        if _line_type(folded, start) == "review" and _line_type(folded, nxt) != "review":
            out.append((start, nxt))
    return out + [(start, end) for start, end, _ in _review_leads(folded)]


@lru_cache(maxsize=1)
def _review_leads(folded: str) -> tuple[tuple[int, int, str], ...]:
    cfg = _cfg()
    out = []
    heads = None
    for lead in cfg["review_lead"].finditer(folded):
        if heads is None:
            heads = sorted(_heads(folded))
        before = [m.end() for m in STOP.finditer(folded, max(0, lead.start() - 60), lead.start())]
        start = before[-1] if before else max(0, lead.start() - 60)
        after = [(s, level) for s, level in heads if s >= lead.end()]
        if not after:
            continue
        if after[0][1] >= 2:  # items (一)…: up to the next heading above them
            end = next((s for s, level in after if level <= 1), None)
        else:  # items 一、…: up to a heading of no number or one that plans a year
            end = next((s for s, level in after if level == 0 or _plans(folded, s)), None)
        if end is not None:
            out.append((start, end, "review"))
    return tuple(out)


def review_leads(folded: str) -> list[tuple[int, int, str]]:
    """From a sentence leading in the review's items ("一年来,我们主要做了以下工作:") over the items."""
    return list(_review_leads(folded))


def _plans(folded: str, start: int) -> bool:
    """Whether the heading at `start` names the year planned ("二、2024年工作安排", "三、今年重点工作")."""
    return _cfg()["plan_heading"].search(HEAD_STOP.split(folded[start:start + _cfg()["heading_chars"]], 1)[0]) is not None


def _line_type(folded: str, start: int) -> str:
    end = folded.find("\n", start)
    return classify(folded[start:end if end >= 0 else len(folded)].strip())


def _unanchored(headings: dict[str, str]) -> regex.Pattern:
    """The heading patterns that do not open with LINE_OR_CELL, as one, each level's its group "l<level>".
    Each opens on its own characters after a line's start or a stop, and none of them holds a stop of
    another: no match of one level overlaps one of another, so the one pattern tried where a heading
    may open finds what each one's own scan finds, in one pass for all."""
    return regex.compile("|".join(f"(?P<l{level}>{pattern})" for level, pattern in headings.items()
                                  if not pattern.startswith(LINE_OR_CELL)), regex.M)


@lru_cache(maxsize=1)  # the sections and the tasks' reviews both read them
def _heads(folded: str) -> tuple[tuple[int, int], ...]:
    """(start, level) of every match of each level's heading pattern, as its finditer finds them. A
    pattern that opens with LINE_OR_CELL can only match at a line's or a cell's start: those are
    tried only there, all in one pass, not at every character, and only where the line or cell holds
    what such a heading holds (rules/sections.toml line_heading_holds); the others together (_unanchored_heads)."""
    anchored = [(level, pattern) for level, pattern in _cfg()["headings"] if pattern.pattern.startswith(LINE_OR_CELL)]
    found = [(m.start(), int(m.lastgroup[1:])) for m in _unanchored_heads(folded)]
    ends = {level: 0 for level, _ in anchored}
    holds = _cfg()["line_heading_holds"]
    starts = list(_line_and_cell_starts(folded))
    for start, after in zip(starts, starts[1:] + [len(folded)]):  # a line or cell runs up to the next one's start
        if folded.find(holds, start, after) == -1:
            continue
        for level, pattern in anchored:
            if start < ends[level]:  # inside this level's last heading: finditer resumes after it
                continue
            match = pattern.match(folded, start)
            if match:
                found.append((start, level))
                ends[level] = match.end()
    return tuple(found)


def _unanchored_heads(folded: str):
    """What _cfg()["unanchored"].finditer(folded) finds, tried only at the text's start and right
    after each stop where rules/sections.toml heading_opens matches, in order, each after the last match:
    the standard library's engine finds those few places in a third of the time the scan took."""
    opens = (0, *(m.start() + 1 for m in _cfg()["heading_opens"].finditer(folded)))
    return rules.matched_at(_cfg()["unanchored"], folded, opens)


def _line_and_cell_starts(folded: str) -> Iterator[int]:
    """Where each line and each cell of `folded` starts, in order. A text with no cell bar (most)
    has its lines' starts summed from their lengths at C level, with no match object for each."""
    if "|" in folded:
        return chain((0,), (m.end() for m in LINE_OR_CELL_END.finditer(folded)))
    lines = folded.split("\n")
    return chain((0,), map(add, accumulate(map(len, lines[:-1])), count(1)))  # line i starts after i breaks


def goal_sentences(folded: str) -> list[tuple[int, int, str]]:
    """From the start of the sentence announcing goals to its end; a sentence that ends on a colon
    at a line's end runs on to the end of the next sentence (the list of goals)."""
    return list(_goal_sentences(folded))


@lru_cache(maxsize=1)  # parts and the quantities both read them
def _goal_sentences(folded: str) -> tuple[tuple[int, int, str], ...]:
    out = []
    for cue in _finditer(_cfg()["goal"], _cfg()["goal_branches"], folded):
        before = [m.end() for m in STOP.finditer(folded, max(0, cue.start() - 60), cue.start())]
        start = before[-1] if before else max(0, cue.start() - 60)
        limit = min(len(folded), cue.end() + _cfg()["goal_chars"])
        stop = GOALS_END.search(folded, cue.end(), limit)
        end = stop.end() if stop else limit
        if stop and stop.group() == "\n" and folded[stop.start() - 1:stop.start()] in (":", ":"):
            stop = LIST_END.search(folded, end, limit)
            end = stop.end() if stop else limit
        out.append((start, end, "goals"))
    return tuple(out)


def _branches(pattern: str) -> tuple[regex.Pattern, ...]:
    """The top-level alternatives of `pattern`, each compiled alone ("a(?:b|c)|d" → a(?:b|c), d).
    regex looks for a pattern's literal (目标) with a fast string search only where one branch
    holds it: each branch alone scans ten times faster than their alternation. None where a
    branch might not read alone as it does in the whole (a global inline flag, a back-reference)."""
    if regex.search(r"\\\d|\\g<|\(\?P=", pattern):
        return None
    parts, depth, start, i, in_set = [], 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1  # the escaped character is no syntax
        elif in_set:
            in_set = char != "]"
        elif char == "[":
            in_set = True
            i += pattern.startswith("^", i + 1)
            i += pattern.startswith("]", i + 1)  # "[]…]" and "[^]…]" open on a literal ]
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    whole = regex.compile(pattern)
    branches = tuple(regex.compile(part) for part in parts + [pattern[start:]])
    return branches if all(branch.flags == whole.flags for branch in branches) else None


def _finditer(whole: regex.Pattern, branches: tuple[regex.Pattern, ...] | None, text: str) -> list[regex.Match]:
    """`whole.finditer(text)`, found by searching each of its branches: at each position the whole
    tries its branches in order, so its next match is the one that starts first, the earliest
    branch's on a tie. A branch's next match is searched for again only once the scan has passed
    its start. An empty match (after which finditer's rules differ) falls back to the whole."""
    if branches is None:
        return list(whole.finditer(text))
    out, pos = [], 0
    next_match = [branch.search(text) for branch in branches]
    while any(next_match):
        match = min((m for m in next_match if m), key=regex.Match.start)  # min keeps the first of equals
        if match.end() == match.start():
            return list(whole.finditer(text))
        out.append(match)
        pos = match.end()
        next_match = [m if m is None or m.start() >= pos else branch.search(text, pos) for m, branch in zip(next_match, branches)]
    return out
