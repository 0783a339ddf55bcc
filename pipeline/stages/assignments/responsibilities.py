"""Responsibility clauses: who leads, supports, is responsible for or supervises a task.

Finds where clauses stand (bracketed at a task's end or middle, labelled lines under it,
assignments at any clause's start in running text, body:duty paragraphs, a body as a section's
heading) and reads each with pipeline/stages/assignments/grammar.py; applies the notes that change later tasks' rows.
"""
from __future__ import annotations

import bisect
from functools import lru_cache
from itertools import accumulate, compress
from operator import itemgetter, sub

import ahocorasick
import regex

from pipeline import rules
from pipeline.stages import regions
from pipeline.stages.assignments import bodies, grammar
from pipeline.ner import gazetteer
from pipeline.stages.assignments.grammar import ROLES, is_body, is_short_name, names_a_role, parse_clause, split_bodies  # noqa: F401 (the module's API)
from pipeline.records import Assignment, Clause
from pipeline.spans import Spans

CLAUSE_BEFORE = "。;!?)〕\n"  # what a bracket with no role word follows to be a clause: a sentence's end
# (Runs of plain characters are taken whole: a step per character of the alternation costs more. The
# runs are possessive: the two alternatives never start alike, and a run that could be given back
# made a long line with an unclosed bracket quadratic, 1.6 s at 20,000 characters.)
BRACKETS = rules.fast(r"\((?:[^()\n]++|\([^()\n]*+\))*+\)|〔[^〔〕\n]*+〕|\[[^\[\]\n]*+\]")
# A bracket a task ends inside (a page's opening cut mid-clause, "…(县消防救援大队牵头,县应急",
# or a closing bracket lost): read as if it closed there.
UNCLOSED = rules.fast(r"\((?:[^()\n]++|\([^()\n]*+\))*+\s*$")
BRACKET_OPENS = "(〔["  # what every bracket of BRACKETS opens with: a range with neither holds none


def without_notes(folded: str) -> str:
    """`folded` with its notes on roles (以下均需要…负责,不再列出; 首位单位为牵头单位,下同) spaced out,
    brackets included where they hold nothing else, so that no clause reads a note's words as bodies."""
    c = grammar.config()
    for pattern in (c["carry_over"], c["first_leads"]):
        matches = list(pattern.finditer(folded))
        if not matches:
            continue
        chars = list(folded)  # spaced out in place: a long notice with a note per part is not copied per note
        for match in matches:
            s, e = match.span()
            if chars[s - 1:s] == ["("] and chars[e:e + 1] == [")"]:
                s, e = s - 1, e + 1
            chars[s:e] = [" "] * (e - s)
        folded = "".join(chars)
    return folded


def find_clauses(text: str, folded: str, start: int, end: int) -> list[Clause]:
    """Every clause between `start` and `end` of `folded` (a view without notes, see without_notes)."""
    found = []
    for match in _brackets(folded, start, end):
        content = folded[match.start() + 1:match.end() - (folded[match.end() - 1] in ")〕]")].rstrip()
        # 各镇(街道): a bracket inside a name; a clause with no role word or label must follow a sentence
        if match.start() > start and folded[match.start() - 1] not in CLAUSE_BEFORE and not grammar.names_a_role(content):
            continue
        if folded[match.start()] == "[" and grammar.config()["label_bracket"].match(folded, match.start(), end):
            continue  # a label ("[责任单位]县商务局"), read with its value as a labelled line
        assignments = grammar.parse_clause(content, match.start() + 1)
        if assignments:
            found.append(Clause(match.start(), match.end(), surface(assignments, text)))
    found += _labelled_lines(text, folded, start, end)
    found += _closing_sentence(text, folded, start, end, found)
    found += _body_paragraphs(text, folded, start, end, found)
    found += _sentence_clauses(text, folded, start, end, found)
    found += _heading_body(text, folded, start, end)
    return sorted(found, key=_start) if len(found) > 1 else found


def _start(clause: Clause) -> int:
    return clause.char_start


def _brackets(folded: str, start: int, end: int):
    """The brackets of folded[start:end], and one the range ends inside; none, unscanned, where
    the range opens none (as most do)."""
    if not any(folded.find(mark, start, end) != -1 for mark in BRACKET_OPENS):
        return []
    found = list(BRACKETS.finditer(folded, start, end))
    if cut := UNCLOSED.search(folded, found[-1].end() if found else start, end):
        found.append(cut)
    return found


def _closing_sentence(text, folded, start, end, found) -> list[Clause]:
    """An item's last sentence that is nothing but an assignment, with no brackets:
    "…五步法。市应急管理局牵头,各有关部门分工负责"."""
    tail_end = end
    while tail_end > start and folded[tail_end - 1] in " \n。":  # the range less its closing marks, not copied
        tail_end -= 1
    cut = max(folded.rfind("。", start, tail_end), folded.rfind("\n", start, tail_end))
    if cut < start or any(c.char_end > cut for c in found):
        return []
    content = folded[cut + 1:tail_end]
    parsed = grammar.parse_clause(content, cut + 1, strict=True) if grammar.names_a_role(content) else None
    return [Clause(cut + 1, tail_end, surface(parsed, text))] if parsed else []


# What ends a sentence: its marks, and a line break, but for one inside a hard-wrapped sentence
# ("…张贴到每个村组\n及人员集中的场所。": Han or a closing mark before it, Han after it). A sentence is
# a run of what stands between them; a range's last line break ends its sentence, as the range
# shows nothing after it. The marks are found in one scan of the standard engine; the line breaks,
# few, are tested one by one (a pattern's \p{Han} around each would need regex's slower engine).
SENTENCE_STOPS = rules.fast(r"[。;!?]")
WRAPPED_AFTER = "》”"  # closing marks a hard-wrapped sentence may break after, as after Han
HAN = regex.compile(r"\p{Han}")


@lru_cache(maxsize=1 << 14)
def _is_han(char: str) -> bool:
    return HAN.match(char) is not None


def _breaks(folded: str, start: int, end: int) -> list[int]:
    """Where each sentence of folded[start:end] ends (see SENTENCE_STOPS), in order."""
    breaks = [match.start() for match in SENTENCE_STOPS.finditer(folded, start, end)]
    line = folded.find("\n", start, end)
    if line == -1:  # as most ranges: one line
        return breaks
    while line != -1:
        before = folded[line - 1] if line else "\n"  # (what stands before the range counts: a sentence runs on into it)
        wrapped = (before in WRAPPED_AFTER or _is_han(before)) and line + 1 < end and _is_han(folded[line + 1])
        if not wrapped:
            bisect.insort(breaks, line)
        line = folded.find("\n", line + 1, end)
    return breaks


def _sentences(folded: str, start: int, end: int, anchors: list[int]):
    """(whether it is the range's first, start, end) of each sentence of folded[start:end] that
    holds one of `anchors` (sorted positions), in order: the sentences between them are not looked at."""
    breaks = _breaks(folded, start, end) if anchors else []
    i = 0
    while i < len(anchors):
        k = bisect.bisect_right(breaks, anchors[i])  # breaks[k - 1] <= anchor < breaks[k]
        s = breaks[k - 1] + 1 if k else start
        e = breaks[k] if k < len(breaks) else end
        if s <= anchors[i] < e:
            yield k == s - start, s, e  # nothing but breaks before it in the range
            i = bisect.bisect_right(anchors, e, i)  # e is a break, or the range's end
        else:  # a break itself
            i += 1


def _sentence_clauses(text, folded, start, end, found) -> list[Clause]:
    """Assignments in running text: "由乡综治办牵头,教办配合", "以卫生院为主", "…,县教育局负责…".
    A clause stands at its sentence's end, so that the sentence belongs to the task it covers;
    where a sentence holds two, the first ends at the comma before the second."""
    cues = _Cues(folded, start, end)
    if not cues.may_open(start, end):  # then no sentence of the range does
        return []
    taken = Spans([(clause.char_start, clause.char_end) for clause in found]) if found else None
    out, opening = [], False
    for first, s, e in _sentences(folded, start, end, cues.anchors(start, end)):
        if not cues.may_open(s, e) or taken and taken.overlaps(s, e):  # a sentence's first assignment opens
            continue
        heads = _sentence_assignments(folded, s, e, cues)
        opening = opening or (first and bool(heads))
        for (assignments, _), nxt in zip(heads, heads[1:] + [None]):
            stop = folded.rfind(",", s, nxt[1]) if nxt else e
            stop = e if stop < s else stop
            out.append(Clause(stop, min(stop + 1, end), surface(grammar.unique(assignments), text)))
    if opening and len([c for c in out if c.assignments]) == 1 and not taken:
        # the item's subject ("1.各村负责把…。…") and its only clause: it covers the whole item
        out = [Clause(end, end, next(c for c in out if c.assignments).assignments)]
    return out


def _sentence_assignments(folded: str, start: int, end: int, cues: _Cues) -> list[tuple[list[Assignment], int]]:
    """Each assignment of a sentence, with where it starts: a group with 由X…, 以X为主, or a list
    as its subject (X负责…) opens one; the groups right after it that are nothing but a list and a
    role verb (",教办、中学密切配合"), or 会同X, join it."""
    out, joined = [], False
    anchors = cues.anchors(start, end)
    for gs, ge in grammar.group_spans(folded, start, end):
        i = bisect.bisect_left(anchors, gs)
        if not joined and (i == len(anchors) or anchors[i] >= ge):  # no anchor: the group may not open (_Cues.anchors)
            continue
        group = folded[gs:ge]
        if not group.strip():  # no group (grammar.split_groups)
            continue
        if joined and cues.may_join(gs, ge) and (follow := _follow(group, gs, _has_role(out[-1][0], "lead"))):
            out[-1][0].extend(follow)
            continue
        opened = _opened(group, gs, cues) if cues.may_open(gs, ge) else None
        joined = opened is not None
        if joined:
            out.append((opened, gs))
    return out


def _opened(group: str, offset: int, cues: _Cues) -> list[Assignment] | None:
    """The assignment a group opens: 以X为主, or a list as the subject of its verb (and a second
    list with its verb right after). The copula and 以…为主 are read only where their words are."""
    opened = grammar.config()["clause_opener"].match(group).end()
    end = offset + len(group)
    # a subject stands before its verb or duty modifier (JOINS holds both): where each of them opens
    # the group, every one's subject is empty (支持建设…, 负责…), and read_group would find none
    reading = cues.may_state(offset + opened, end) and grammar.read_copula(group[opened:], opened + offset) \
        or cues.holds_mainly(offset, end) and grammar.read_mainly(group, offset) \
        or cues.may_join(offset + opened + 1, end) and grammar.read_group(group[opened:], opened + offset, subject=True, lenient=False)
    return reading[0] + _listed_after(group, opened + reading[1], offset) if reading else None


class _Cues:
    """What readings of running text need in a range of a notice: the words (grammar's cues: role
    verbs, duty modifiers, 会同/联合, each with what it may do), found in one pass over the notice,
    the opener words (由/以), and every 以…为主 of the range, so that a sentence or a group with
    none that can open an assignment is not read, nor a group with none that can join one to the
    assignment before it. A 以…为主 that matches on a sentence's or a group's text matches, from
    the same start, on the range's, which only shows more after its end (a separator, no Han
    character for the pattern's lookahead to see; the pattern looks behind nothing), and ends
    there or before."""

    def __init__(self, folded: str, start: int, end: int):
        words = _cue_words(folded)
        self.opens, self.verbs, self.joins = words[grammar.OPENS], words[grammar.VERB], words[grammar.JOINS]
        self.openers, self.labels, self.verb_or_opens = words[OPENER], words[LABEL], words[grammar.OPENS | grammar.VERB][0]
        c = grammar.config()
        self.mainly = [m.span() for m in c["mainly"].finditer(folded, start, end, overlapped=True)] \
            if folded.find(c["mainly_word"], start, end) != -1 else []  # as most ranges: none to look for

    def may_open(self, start: int, end: int) -> bool:
        """Whether folded[start:end] may open an assignment: it holds a word that opens one alone,
        a role verb and 由/以, or 以…为主."""
        return _holds(self.opens, start, end) \
            or _holds(self.verbs, start, end) and _holds(self.openers, start, end) \
            or self.holds_mainly(start, end)

    def holds_mainly(self, start: int, end: int) -> bool:
        """Whether 以…为主 matches within folded[start:end]."""
        return bool(self.mainly) and any(start <= s and e <= end for s, e in self.mainly)

    def may_state(self, start: int, end: int) -> bool:
        """Whether folded[start:end] may state a role with 为/是 (grammar.read_copula): it holds a unit's label."""
        return _holds(self.labels, start, end)

    def anchors(self, start: int, end: int) -> list[int]:
        """Where, in folded[start:end], a word that opens alone or a role verb ends (its last
        character), or a 以…为主 starts, in order: a text that may open an assignment holds one."""
        lasts = self.verb_or_opens
        found = lasts[bisect.bisect_left(lasts, start):bisect.bisect_left(lasts, end)]
        return sorted(found + [s for s, _ in self.mainly]) if self.mainly else found

    def may_join(self, start: int, end: int) -> bool:
        """Whether folded[start:end] may join the assignment before it: a role verb, a duty modifier, 会同/联合."""
        return _holds(self.joins, start, end)


def _holds(words: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """Whether one of `words` (where their last characters stand, and the furthest first
    character up to each: see _cue_words) stands wholly within folded[start:end]: the furthest
    first character of those whose last one is before `end` is at or after `start`."""
    lasts, furthest_firsts = words
    i = bisect.bisect_left(lasts, end)
    return i > 0 and furthest_firsts[i - 1] >= start


# The kinds of cue words _cue_words lists: each kind, the opener words (由/以), the labels of a unit
# (grammar.read_copula's), and the words of either of OPENS and VERB, where a text that may open
# an assignment has one end (_Cues.anchors).
OPENER, LABEL = 8, 16
CUE_KINDS = (grammar.OPENS, grammar.VERB, grammar.JOINS, OPENER, LABEL, grammar.OPENS | grammar.VERB)


@lru_cache(maxsize=1)
def _cue_words(folded: str) -> dict[int, tuple[list[int], list[int]]]:
    """For each of CUE_KINDS, where the last characters of the notice's cue words with any of its
    kinds stand, overlapping ones too, in order (as the automaton finds them), and for each the
    furthest first character of the words up to it: find_clauses reads the notice at hand one
    range at a time, and asks of each sentence and group whether a word stands wholly within it.
    (Built with iterators that run in C: a long notice has thousands of cue words.)"""
    hits = list(_cue_automaton().iter(folded))  # (last character, (length - 1, each kind's flag))
    lasts, found = tuple(zip(*hits)) or ((), ())
    firsts = list(map(sub, lasts, map(itemgetter(0), found)))
    out = {}
    for i, kind in enumerate(CUE_KINDS, 1):
        flags = list(map(itemgetter(i), found))
        out[kind] = (list(compress(lasts, flags)), list(accumulate(compress(firsts, flags), max)))
    return out


@lru_cache(maxsize=1)
def _cue_automaton() -> ahocorasick.Automaton:
    automaton, words = ahocorasick.Automaton(), dict(grammar.config()["cues"])
    for extra, kind in ((grammar.config()["opener_words"], OPENER), (grammar.unit_labels(rules.load("roles")), LABEL)):
        for word in extra:
            words[word] = words.get(word, 0) | kind
    for word, kinds in words.items():
        automaton.add_word(word, (len(word) - 1, *(bool(kinds & kind) for kind in CUE_KINDS)))
    automaton.make_automaton()
    return automaton


def _listed_after(group: str, pos: int, offset: int) -> list[Assignment]:
    """"A指挥协调、B负责牵头…": a second subject and its verb right after the first one's verb."""
    if not group.startswith("、", pos):
        return []
    reading = grammar.read_group(group[pos + 1:], offset + pos + 1, subject=True, lenient=False)
    return reading[0] if reading else []


def _follow(group: str, offset: int, after_lead: bool = False) -> list[Assignment]:
    """A group that is nothing but a list and its role verb, a list with a duty modifier, or
    会同/联合 and a list. A list that opens its group and goes on with what it does joins too where
    it supports ("B、C配合开展…"), or where the assignment it follows has a lead ("由A牵头,D负责具体
    实施…"); after "A负责X," a "B负责Y" is an assignment of its own."""
    skip = len(group) - len(group.lstrip(grammar.TAIL_SEPARATORS))
    if grammar.opener_end(group):  # "…,沿岸清运由县城管局负责": its own 由 opens a new assignment
        return []
    reading = grammar.read_group(group[skip:], offset + skip, subject=False, lenient=False)
    if reading and not group[skip + reading[1]:].strip(grammar.TAIL_SEPARATORS):
        return reading[0]
    if reading and reading[0][0].char_start == offset + skip and (after_lead or _has_role(reading[0], "support")):
        return reading[0]
    if duty := grammar.read_duty(group[skip:], offset + skip):  # ",B、C根据各自职责做好…" shares the sentence's task
        return duty[0]
    together = grammar.config()["joins"].match(group, skip)
    if together and (second := grammar.read_second_list(group, together.end(), offset)):
        return [Assignment(a.body, "support", a.char_start, a.char_end) for a in second]
    return []


def _has_role(assignments: list[Assignment], role: str) -> bool:
    return any(a.role == role for a in assignments)


def _heading_body(text, folded, start, end) -> list[Clause]:
    """A body written as the heading of the range ("(一)区教体行政部门", "(二)道交办:…",
    "(七)卫生部门职责、任务") is responsible for all of it."""
    match = grammar.config()["heading"].match(folded, start, end) if _may_head(folded, start, end) else None
    assignments = _heading_bodies(match) if match else []
    return [Clause(end, end, surface(assignments, text))] if assignments else []


def _may_head(folded: str, start: int, end: int) -> bool:
    """Whether folded[start:end] may open with a body heading: its first stop is a colon or a line
    break, or it has none. (Most ranges open with a sentence: the pattern's lazy name would try
    each of its lengths before failing.)"""
    stop = grammar.config()["heading_stop"].search(folded, start, end)
    return stop is None or folded[stop.start()] in ":\n"


def _heading_bodies(match: regex.Match) -> list[Assignment]:
    """The bodies of a heading that is a whole body name, not a rank, a prize or a part of the notice."""
    c = grammar.config()
    name = match.group("bodies")
    if c["heading_not_bodies"].match(name) or grammar.names_a_role(name) or c["label_line"].match(name) \
            or not all(c["heading_name"].match(b) or b in gazetteer.offices() or regions.is_name(b)
                       for b, _, _ in grammar.split_bodies(name, 0)):
        return []
    return grammar.assign_list(name, _duty_role(match), match.start("bodies"))


def _duty_role(match: regex.Match) -> str:
    """A body:duty label's role: lead or support where its duty opens with their verb (县发改局:牵头推进…,
    各乡镇:配合做好…), as "县发改局牵头推进…" reads; else responsible. A duty to supervise others
    (X:督导各景区落实…) is the body's own work: responsible."""
    c = grammar.config()
    verb = c["verb"].match(match.string, match.end()) if match.group().endswith(":") else None
    role = c["verb_role"][verb.group("verb")] if verb else "responsible"
    return role if role in ("lead", "support") else "responsible"


def _body_paragraphs(text, folded, start, end, found) -> list[Clause]:
    """Paragraphs "自治区商务厅:负责…" inside the range: the body is responsible for its paragraph,
    which runs to the next such paragraph. The text before the first one is not theirs: a clause
    with no bodies closes it."""
    lines = _lines_with_colon(folded, start, end)  # a label ends in a colon
    if not lines:
        return []
    taken = Spans([(clause.char_start, clause.char_end) for clause in found])
    heads = []
    for s, line_end in lines:
        match = grammar.config()["heading"].match(folded, s, line_end)
        if s > start and match and folded[match.end() - 1:match.end()] == ":" and not taken.overlaps(s, match.end()) \
                and (bodies := _heading_bodies(match)):
            heads.append((s, match.end(), bodies))
    out = []
    for (s, label_end, bodies), nxt in zip(heads, heads[1:] + [None]):
        stop = nxt[0] - 1 if nxt else end
        out += [Clause(s, label_end, []), Clause(stop, stop, surface(bodies, text))]
    return out


def _lines_with_colon(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line of folded[start:end] that holds a colon."""
    out, colon = [], folded.find(":", start, end)
    while colon != -1:
        line_start = folded.rfind("\n", start, colon) + 1 or start
        line_end = folded.find("\n", colon, end)
        line_end = end if line_end == -1 else line_end
        out.append((line_start, line_end))
        colon = folded.find(":", line_end, end)
    return out


def _labelled_lines(text, folded, start, end) -> list[Clause]:
    """Runs of labelled units: lines ("牵头单位:…" over "配合单位:…", "[责任单位]…") and sentences
    run into an item's paragraph ("…整改到位。责任单位:县住建局。完成时限:6月底前。")."""
    found = []
    for run_start, run_end in _label_runs(folded, start, end):
        assignments = grammar.read_labelled(folded[run_start:run_end], run_start) or []
        if assignments:
            found.append(Clause(run_start, run_end, surface(assignments, text)))
    return found


def _label_runs(folded: str, start: int, end: int) -> list[list[int]]:
    """(start, end) of each run of labelled units: a unit opens with a label at the range's start,
    a line's start or after a sentence's end, and runs to its sentence's or line's end; units with
    nothing but a sentence end or a line break between them make one run."""
    if not any(folded.find(mark, start, end) != -1 for mark in grammar.LABEL_ENDS):  # as most ranges: no label
        return []
    c = grammar.config()
    opens = [m.start() for m in grammar.label_patterns()["label_unit"].finditer(folded, start, end)]
    if c["label_line"].match(folded, start, end) and opens[:1] != [start]:
        opens.insert(0, start)
    runs: list[list[int]] = []
    for s in opens:
        e = _unit_end(folded, s, end)
        if runs and folded[runs[-1][1]:s].replace("。", "").strip(" \t") in ("", "\n"):  # a blank line parts runs
            runs[-1][1] = e
        else:
            runs.append([s, e])
    return runs


def _unit_end(folded: str, pos: int, end: int) -> int:
    """Where the sentence or line from `pos` ends, before `end`."""
    stops = [i for i in (folded.find("。", pos, end), folded.find("\n", pos, end)) if i != -1]
    return min(stops) if stops else end


def surface(assignments: list[Assignment], text: str) -> list[Assignment]:
    """Bodies as written: matching ran on the simplified view, the rows keep the text's own
    characters. Each body also takes the region prefix its list shares."""
    for a in assignments:
        a.body = text[a.char_start:a.char_end]
    for a, prefix in zip(assignments, bodies.shared_prefixes([a.body for a in assignments])):
        a.shared_prefix = prefix
    return assignments


def apply_notes(tasks, text: str, folded: str) -> None:
    """Notes that change the rows of later tasks: 首位单位为牵头单位 and carry-over notes."""
    _first_leads(tasks, folded)
    _carry_over(tasks, text, folded)


def _first_leads(tasks, folded: str) -> None:
    """After "(首位单位为牵头单位,下同)", the first body of each plain list leads."""
    note = grammar.config()["first_leads"].search(folded)
    if note is None:
        return
    for task in tasks:
        plain = task.assignments and all(a.role == "responsible" for a in task.assignments)
        if task.char_end > note.start() and plain:
            task.assignments[0].role = "lead"


def _carry_over(tasks, text: str, folded: str) -> None:
    """A carry-over note (以下均需要…负责,不再列出) makes its bodies responsible for every later
    task with a clause of its own."""
    note = grammar.config()["carry_over"].search(folded)
    if note is None:
        return
    carried = surface([Assignment(b, "responsible", s, e, inherited=True)
                       for b, s, e in grammar.split_bodies(note.group("bodies"), note.start("bodies"))], text)
    for task in tasks:
        if task.char_start >= note.end() and task.assignments:
            have = {a.body for a in task.assignments}
            task.assignments += [a.copy() for a in carried if a.body not in have]
