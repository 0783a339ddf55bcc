"""Quantities: numbers with units, comparators, ranges, changes and frequencies.

Only Arabic numbers count, except in frequency expressions (每年至少进行一次) and
where a comparator frames a Chinese numeral (不少于两轮, 九成以上); quoted names ("15条"), document numbers and dates are
left alone (SPEC, Quantities).
"""
from __future__ import annotations

import bisect
import re
import re._parser as sre
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import regex

from pipeline import rules
from pipeline.stages import numerals
from pipeline.stages.structure import sections
from pipeline.stages.values.dates import positions
from pipeline.records import Quantity
from pipeline.spans import Cover

MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "万亿": 1_000_000_000_000}
AT_LEAST = regex.compile(r"至少|不少于|不低于")
HAN = regex.compile(r"\p{Han}")
DIGIT = regex.compile(r"\d")
LIST_JOIN = regex.compile(r"\s*(?:和|、|及)\s*")  # 53和32微克/立方米
NEXT_FIGURE = regex.compile(r"[、和及与,]?")  # 分别增长4.6%、5%
FIRST_FIGURE = regex.compile(r"\p{Han}{0,4}")  # 分别增长4.6%
REACH = r"(?:达到|达)\s*$"
DEFAULT_FLAGS = regex.compile("").flags  # a pattern compiled with no flags of its own
NAMED_GROUP = regex.compile(r"\(\?P?<\w+>")  # a group's name, dropped where patterns are joined (_any_of)


def _any_of(*patterns: str) -> regex.Pattern:
    """One pattern matching where any of `patterns` does, at a position or in a span: where it finds
    nothing, none of them would (their groups' names dropped, which two of them may share)."""
    return regex.compile("|".join(f"(?:{NAMED_GROUP.sub('(?:', pattern)})" for pattern in patterns))


class _Cued(NamedTuple):
    """Whether a cue of a figure's kind may stand near it: each the one search of all of them there,
    which most figures fail, so that their searches one by one are made only for the few others."""
    before: bool  # statistic_before, cumulative_before, steered_before, per_period_before: in the 20 characters before the figure
    number: bool  # covered_before, listed_before, growth_before: in the 8 before its number
    unit: bool  # threshold_after, scope_after, covered_after, whole_after: right after its unit


def _cued(folded: str, start: int, number_start: int, unit_end: int) -> _Cued:
    p = _p()
    return _Cued(p["cues_before"].search(folded, max(0, start - 20), start) is not None,
                 p["cues_number"].search(folded, max(0, number_start - 8), number_start) is not None,
                 p["cues_unit"].match(folded, unit_end) is not None)


_ALL_CUED = _Cued(True, True, True)  # for a caller that looks for each cue itself


class _EndsAnywhere(Exception):
    """A pattern element that may end on any character, or one _ending does not know."""


def _reading(pattern: str):
    """`pattern` as the standard library's parser reads it, \\p{Han} standing for itself outside a set
    (as a range of one character); None where the two engines might read it apart: a \\p in a set,
    POSIX classes [:…:], regex's fuzzy {e<=1} and nested sets, a pattern the parser does not read, or
    one that ignores case."""
    if regex.search(r"\[[^\]]*\\[pP]|\[:|(?<!\\[pP])\{(?![\d,])|\[\[", pattern):
        return None
    try:
        parsed = sre.parse(pattern.replace(r"\p{Han}", "[\u3400-\u9fff]"))
    except re.error:
        return None
    return None if parsed.state.flags & re.IGNORECASE else parsed


def _ending(elements) -> tuple[set[str], bool]:
    """The characters a sequence of parsed elements may end with, and whether it may match empty."""
    chars: set[str] = set()
    for op, arg in reversed(elements):
        if op is sre.LITERAL:
            return chars | {chr(arg)}, False
        if op is sre.IN:
            if any(kind is not sre.LITERAL for kind, _ in arg):  # a range, a category, a negated set
                raise _EndsAnywhere
            return chars | {chr(c) for _, c in arg}, False
        if op is sre.BRANCH:
            branches = [_ending(branch) for branch in arg[1]]
            found, empty = set().union(*(c for c, _ in branches)), any(e for _, e in branches)
        elif op is sre.SUBPATTERN:
            if arg[1] & re.IGNORECASE:
                raise _EndsAnywhere
            found, empty = _ending(arg[3])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            found, empty = _ending(arg[2])
            empty = empty or arg[0] == 0
        elif op is sre.ATOMIC_GROUP:
            found, empty = _ending(arg)
        elif op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):  # anchors and lookarounds consume nothing
            found, empty = set(), True
        else:
            raise _EndsAnywhere
        chars |= found
        if not empty:
            return chars, False
    return chars, True


def _short_matches(pattern: regex.Pattern) -> tuple[str, int] | None:
    """Where every match of `pattern` is a few characters long at most and ends on one of a few
    characters: those characters, and that length (see _finditer); None otherwise, and
    for a pattern compiled with flags of its own (V1's sets, ignoring case), which _reading does not see."""
    parsed = _reading(pattern.pattern) if pattern.flags == DEFAULT_FLAGS else None
    try:
        if parsed is None:
            raise _EndsAnywhere
        ends, may_be_empty = _ending(parsed)
    except _EndsAnywhere:
        return None
    shortest, longest = parsed.getwidth()
    if may_be_empty or shortest < 1 or longest > 32:
        return None
    return "".join(sorted(ends)), longest


def _needed_chars(pattern: regex.Pattern) -> str:
    """Characters every match of `pattern` holds: those it names outside any alternation, repeat or
    capturing group (篇 of "\\((?:通用|…)?\\d+篇\\)"); none where it is not read (_reading, no flags of its own)."""
    parsed = _reading(pattern.pattern) if pattern.flags == DEFAULT_FLAGS else None
    return "".join(dict.fromkeys(chr(arg) for op, arg in parsed or () if op is sre.LITERAL))


def _holds(folded: str, chars: str) -> bool:
    """Whether `folded` holds each of `chars`: a notice lacking one holds no match of a pattern that
    needs them (_needed_chars), told by C-level scans for a character, far cheaper than the pattern's."""
    return all(char in folded for char in chars)


def _finditer(pattern: regex.Pattern, short: tuple[str | list[re.Pattern], int] | None, folded: str,
              opens: list[re.Pattern] | None = None) -> list[regex.Match]:
    """pattern.finditer(folded), for a pattern of short matches (_short_matches) tried only at the
    positions up to its length before where a match can end (_last_characters), or for one whose
    matches open where one of `opens` matches tried only there: a scan tries it at every numeral of a
    notice (每两个月一次: a frequency's), a twentieth of a second a MB. Tried in order, from after the
    last match, so the matches are the scan's: the first to match is the leftmost."""
    if opens is not None:
        return _opened(pattern, opens, folded)
    if short is None:
        return list(pattern.finditer(folded))
    ends, longest = short
    found, pos = [], 0  # pos: the first position neither tried nor inside a match
    for end in _last_characters(folded, ends):
        start = max(pos, end + 1 - longest)
        while start <= end:
            match = pattern.match(folded, start)
            if match is None:
                start += 1
            else:
                found.append(match)
                start = match.end()
        pos = max(pos, start)
    return found


def _last_characters(folded: str, ends: str | list[re.Pattern]) -> list[int]:
    """Where a match may end (its last character), in order: where one of the characters `ends` stands
    (str.find: ten times a scan's speed for a few rare characters), or where a match of one of the
    patterns `ends` ends (rules/quantities.toml [frequency] ends)."""
    if isinstance(ends, str):
        return positions(folded, ends)
    return sorted(match.end() - 1 for end in ends for match in end.finditer(folded))


def _opened(pattern: regex.Pattern, opens: list[re.Pattern], folded: str) -> list[regex.Match]:
    """pattern.finditer(folded), for a pattern whose every match opens where one of `opens` matches
    (rules/quantities.toml [frequency] opens): tried only there (rules.matched_at)."""
    return list(rules.matched_at(pattern, folded, sorted(m.start() for opening in opens for m in opening.finditer(folded))))


@lru_cache(maxsize=1)
def _p() -> dict:
    cfg = rules.load("quantities")
    before = {w: c for c, words in cfg["comparators"]["before"].items() for w in words}
    after = {w: c for c, words in cfg["comparators"]["after"].items() for w in words}
    changes = {w: d for d, words in cfg["changes"].items() for w in words}
    units = rf"(?:{rules.alternation(cfg['units'])})(?:/(?:{rules.alternation(cfg['per_units'])}))?"
    num = cfg["number"]
    second = num.replace("?P<num>", "?P<num2>")
    # a range may give its unit at both ends (3万元至5万元, 30人—50人), the same unit: the second names it
    quantity = regex.compile(
        rf"{num}(?:(?P<pct1>%)?(?P<mult1>万亿|万|亿)?(?P<unit1>{units})?{cfg['range_sep']}{second})?"
        rf"(?P<approx>余|多)?(?P<mult>万亿|万|亿)?(?P<approx2>余|多)?(?(unit1)(?P<unit>(?P=unit1))|(?P<unit>{units})?)", regex.V1)
    p = {
        "cfg": cfg,
        "before": before, "after": after, "changes": changes,
        "quantity": quantity,
        # a figure's groups by number: looking one up by name costs as much as a short search, a dozen times a figure
        "g": quantity.groupindex,
        "count_units": frozenset(cfg["count_units"]), "weak_units": frozenset(cfg["weak_units"]),
        "time_units": frozenset(cfg["time_units"]), "ranking_units": frozenset(cfg["ranking_units"]),
        "before_re": regex.compile(rf"(?P<word>{rules.alternation(before)})\s*$"),
        "distant": {c: regex.compile(pattern) for c, pattern in cfg["comparators"]["distant"].items()},
        "reach": regex.compile(REACH),
        # all the comparators _comparator_before looks for, in one: a figure with none before it (most) costs one search
        "any_before": regex.compile("|".join(f"(?:{pattern})" for pattern in [rf"{rules.alternation(before)}\s*$", REACH,
                                                                              *cfg["comparators"]["distant"].values()])),
        "after_re": regex.compile(rf"\s*(?P<word>{rules.alternation(after)})"),
        "change_re": regex.compile(rf"(?P<word>{rules.alternation(changes)})\s*$"),
        "freq": regex.compile(cfg["frequency"]["pattern"]),
        "interval": regex.compile(cfg["frequency"]["interval"]),
        "per_one": regex.compile(cfg["frequency"]["per_one"]),
        "each": regex.compile(cfg["frequency"]["each"]),
        "each_period": regex.compile(rf"(?P<word>{rules.alternation(cfg['frequency']['each_period'])})[^,。;]{{0,12}}$"),
        "paired": regex.compile(cfg["frequency"]["paired"]),
        "per_period": regex.compile(cfg["per_period_before"]),
        "ranking": regex.compile(cfg["ranking_before"]),
        "rate": regex.compile(cfg["rate_before"]),
        "reach_frame": regex.compile(cfg["reach_before"]),
        "reach_after": regex.compile(cfg["reach_after"]),
        "column_unit": regex.compile(cfg["column_unit"].replace("{units}", units)),
        "column_number": regex.compile(cfg["column_number"]),
        "unit_column": regex.compile(cfg["unit_column"]),
        "number_column": regex.compile(cfg["number_column"]),
        "unit_cell": regex.compile(rf"(?P<mult>万|亿)?(?P<unit>{units}|%)"),
        "column_year": regex.compile(cfg["column_year"]),
        "base_column": regex.compile(cfg["base_column"]),
        "target_column": regex.compile(cfg["target_column"]),
        "name_column": regex.compile(cfg["name_column"]),
        # the header's unit closes its cell ("(万元)" at the end): a cell ending on anything else is not searched
        "column_unit_end": ")" if cfg["column_unit"].endswith(r"\)$") else None,
        # each scanned alone, five times faster than as one alternation (whose digit branch stops the engine's
        # skipping ahead); no match of one can start inside another's and run past it, so they cover the same
        "not_counted": [regex.compile(pattern) for pattern in cfg["not_counted"]],
        # a plan's duration or a rate's base before the number: either makes it no count, so one search asks both
        "not_a_count": regex.compile(f"(?:{cfg['duration_before']})|(?:{cfg['rate_base_before']})"),
        "rate_base": regex.compile(cfg["rate_base_after"]),
        "weak_after": regex.compile(cfg["weak_unit_after"]),
        "unitless_end": regex.compile(cfg["unitless_end"]),
        "list_next": regex.compile(rf"\s*(?:和|、|及)\s*\d+(?:\.\d+)?\s*(?:{units})"),
        "scope": regex.compile(cfg["scope_after"]),
        "threshold": regex.compile(cfg["threshold_after"]),
        "framed_after": regex.compile(cfg["framed_after"]),
        "covered_before": regex.compile(cfg["covered_before"]), "not_covered": frozenset(cfg["not_covered_units"]),
        "covered_after": regex.compile(cfg["covered_after"]),
        "listed": regex.compile(cfg["listed_before"]),
        "steered": regex.compile(cfg["steered_before"]),
        "measured_between": regex.compile(cfg["measured_between"]),
        "whole": regex.compile(cfg["whole_after"]),
        "planned": regex.compile(cfg["planned_before"]),
        "base_after": regex.compile(cfg["base_after"]),
        "base_past": regex.compile(cfg["base_past"]),
        "required": regex.compile(cfg["required_in_news"]),
        "period_end": regex.compile(r"[。!?\n]"),
        "achievement": regex.compile(cfg["achievement_verbs"]),
        "clause_end": regex.compile(r"[,。;:!?\n]"),
        "statistic": regex.compile(cfg["statistic_before"]),
        "cumulative": regex.compile(cfg["cumulative_before"]),
        "described": regex.compile(cfg["described_before"]),
        "growth": regex.compile(cfg["growth_before"]),
        "will": regex.compile(cfg["will_before"]),
        "set": regex.compile(cfg["set_before"]),
        "past": regex.compile(cfg["statistic_sentence"]),
        "planned_after_past": regex.compile(cfg["planned_after_past"]),
        "year_end": regex.compile(cfg["year_end_past"]),
        "this_year": regex.compile(cfg["this_years_goals"]),
        "progress": regex.compile(cfg["progress_sentence"]),
        "opening_plan": regex.compile(cfg["opening_plan"]),
        "outline_marker": regex.compile(cfg["outline_marker"]),
        "opening_lead": regex.compile(cfg["opening_lead"]),
        "event": regex.compile(cfg["event_paragraph"]),
        "sentence_end": regex.compile(r"[。;!?\n]"),
        # a report carries over its sentence, not over a table's cell, nor past what a plan builds on (…基础上)
        "carry_stop": regex.compile(r"[。;!?\n|]|基础上"),
        # one match a word: a modal word (always stripped) or a verb (kept before a bare rate)
        "lead_word": regex.compile(rf"(?P<modal>{cfg['subject_modals']})|(?P<verb>{cfg['subject_verbs']})"),
        "bare_rate": regex.compile(cfg["bare_rate"]),
        "subject_lead": regex.compile(cfg["subject_lead"]),
        "clause_start": regex.compile(r"[,。;:!?、\n“”()|]"),  # | : a table's cell
        "name_end": regex.compile(r"[,。;:!?、\n()|]"),  # what follows a figure runs on through a quoted name
        "stretch_between": regex.compile(cfg["stretch_between"]),
        "floor_between": regex.compile(cfg["floor_between"]),
        "floor_stretch": regex.compile(cfg["floor_stretch"]),
        "floor_stretch_rate": regex.compile(cfg["floor_stretch_rate"]),
        # _Cued's searches: the windows of the patterns each joins end where its own search does, and fit in its own
        "cues_before": _any_of(*(cfg[k] for k in ("statistic_before", "cumulative_before", "steered_before", "per_period_before"))),
        "cues_number": _any_of(*(cfg[k] for k in ("covered_before", "listed_before", "growth_before"))),
        "cues_unit": _any_of(*(cfg[k] for k in ("threshold_after", "scope_after", "covered_after", "whole_after"))),
    }
    # the frequencies' patterns of short matches, tried near where one can end (_finditer)
    p["short"] = {name: _short_matches(p[name]) for name in ("freq", "interval", "per_one", "each")}
    # those whose ends or openings the rules name, tried only there
    frequency = cfg["frequency"]
    p["short"].update({name: ([re.compile(end) for end in ends], p["short"][name][1]) for name, ends in frequency["ends"].items()})
    p["opens"] = {name: [re.compile(opening) for opening in opens] for name, opens in frequency["opens"].items()}
    # the characters the patterns scanned over a whole notice need: most notices lack a rare one (篇, =, 台阶, 保)
    p["needs"] = {name: _needed_chars(p[name]) for name in ("freq", "interval", "per_one", "each", "paired", "floor_stretch")}
    p["not_counted_needs"] = [_needed_chars(pattern) for pattern in p["not_counted"]]
    return p


_NO_STOP = object()


def _last_stop(stop: regex.Pattern, folded: str, lo: int, hi: int, default=_NO_STOP) -> int | None:
    """Where the last of the one-character stops `stop` finds in folded[lo:hi] ends, else `default`
    (else `lo`): one search from the right instead of all of them from the left."""
    hit = _reversed(stop).search(folded, lo, hi)
    return hit.end() if hit else lo if default is _NO_STOP else default


@lru_cache(maxsize=None)
def _reversed(stop: regex.Pattern) -> regex.Pattern:
    return regex.compile(stop.pattern, stop.flags | regex.REVERSE)


def _float(text: str, mult: int = 1) -> float:
    """The number as written times 万/亿, multiplied in decimal so that 325.6亿 is 32560000000, not 32560000000.000004.
    Unmultiplied, float reads it as Decimal would: both round the exact decimal to the nearest float."""
    digits = text.replace(",", "")
    return float(digits) if mult == 1 else float(Decimal(digits) * mult)


def extract(text: str, folded: str, skip=(), news: bool = False, year: int | None = None,
            parts: list | None = None, context: "_Context | None" = None) -> list[Quantity]:
    """Every quantity of `text` outside the `skip` spans (titles) and the names that hold numbers;
    `year` (the notice's) dates the figures that no section heading dates. `parts` are the
    document's sections.parts where the structural pass has read them already; `context` is the
    document's context where the caller has made it (for the tasks too), else it is made here."""
    p = _p()
    taken = Cover(list(skip) + [m.span() for pattern, needs in zip(p["not_counted"], p["not_counted_needs"])
                                if _holds(folded, needs) for m in pattern.finditer(folded)])
    context = context or _Context(text, folded, year, parts)
    found = _frequencies(text, folded, taken) + _column_amounts(text, folded, taken, news) \
        + _bare_floor_stretch(text, folded, taken)
    for q in found:
        q.kind = ("target" if _planned_in_news(folded, q.char_start) else "statistic") if news \
            else "statistic" if context.reports(q.char_start) else "target"
    for match in p["quantity"].finditer(folded):
        if match.start() in taken:
            continue
        q = _quantity(text, folded, match, news, context)
        if q is not None:
            found.append(q)
    found.sort(key=lambda q: q.char_start)
    if news:
        _carry_plans(found, folded)
    else:
        _carry_reports(found, folded, context)
    _by_column(found, text, folded)
    _share_units(found, folded)
    _respectively(found, text, folded)
    _floor_and_stretch(found, text, folded)
    _carry_subjects(found, text, folded)
    for q in found:
        q.year = q.year or context.year_at(q.char_start)  # an indicator table's base column dates its own
    return found


def document_context(text: str, folded: str, year: int | None = None, parts: list | None = None) -> "_Context":
    """Where each position of a document stands (review or goals, the year set), read once for the
    tasks (reporting) and the quantities (extract)."""
    return _Context(text, folded, year, parts)


def reporting(ctx: "_Context"):
    """Whether a position stands in undated sections the kinds read as a review for standing between
    a dated review and the year planned (outside any sentence that sets goals): for the tasks, whose
    items there report the past year. (A part dated before a later one is left to the outline: a
    schedule's stages "(一)动员部署(2020年8月)" are so dated and are work.)"""
    return lambda pos: any(s <= pos < e for s, e in ctx.between) and not ctx.in_goals(pos)


class _Context:
    """Where each position of a document stands: the type of its innermost review or goals section,
    whether a sentence announcing goals holds it, and the year its innermost dated part is set for."""

    def __init__(self, text: str, folded: str, year: int | None, parts: list | None = None):
        found = sections.parts(text, folded) if parts is None else parts
        self._past: dict[int, regex.Match | None] = {}
        self._progress: dict[int, bool] = {}
        if sections.title_reports(folded):
            found = _as_report(found, folded)
        self.folded, self.first_heading = folded, min((start for start, _, _ in found), default=None)
        years = [sections.year_of(folded, part) for part in found]
        found = _before_title_as_review(found, years, sections.title_year(folded, single=True))
        titled = sections.title_year(folded)
        if year and titled == year + 1:  # a plan for next year, issued late in the year before
            year = titled
        self.default_year = year or _plan_year(found, years) or sections.opening_year(folded) or titled
        self.goals = sections.goal_sentences(folded)
        found = _closed_by_goals(found, self.goals, folded)
        # a goal sentence of no year ("今年…主要预期目标是") sets the notice's, even inside a review
        goal_set = set(self.goals)
        years = [y or (self.default_year if part in goal_set else None) for part, y in zip(found, years)]
        found = _earlier_as_review(found, years)
        order = sorted(range(len(found)), key=lambda i: found[i][0])
        marked = _between_as_review(found, years, order, folded)
        self.between = [(s, e) for (s, e, k), old in zip(marked, found) if k == "review" and old[2] != "review"]
        found = marked
        self.goal_starts = [s for s, _, _ in self.goals]
        self.starts, self.states, self.headed = [], [], []
        numbered = sections.numbered(folded)
        self.opening_end = _opening_end(folded, numbered)
        stack: list[int] = []
        order = sorted(range(len(found)), key=lambda i: (found[i][0], -found[i][1]))
        bounds = sorted({0} | {b for part in found for b in part[:2]})
        k = 0
        for b in bounds:
            while stack and found[stack[-1]][1] <= b:
                stack.pop()
            while k < len(order) and found[order[k]][0] <= b:
                stack.append(order[k])
                k += 1
            self.starts.append(b)
            self.states.append(_innermost(found, years, stack, b))
            self.headed.append(any(found[i][1] > b and (found[i][0] in numbered or found[i][2] == "goals") for i in stack))

    def _state(self, pos: int) -> tuple[str | None, int | None]:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.states[i] if i >= 0 else (None, None)

    def section(self, pos: int) -> str | None:
        return self._state(pos)[0]

    def plans(self, pos: int) -> bool:
        """Whether `pos` stands under a numbered heading of work or goals, in no review: a total there is
        to be reached. (A title line naming a year is no such heading: the opening below it reports.)"""
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and self.headed[i] and self.states[i][0] != "review"

    def in_goals(self, pos: int) -> bool:
        i = bisect.bisect_right(self.goal_starts, pos) - 1
        return i >= 0 and pos < self.goals[i][1]

    def reports(self, pos: int) -> bool:
        """A figure in a review of past work, outside any sentence that sets goals."""
        return self.section(pos) in _p()["cfg"]["statistic_sections"] and not self.in_goals(pos)

    def past_at(self, opening: int) -> regex.Match | None:
        """The sentence opening at `opening` read as one that opens on the past (rules/quantities.toml
        statistic_sentence): matched once for all the figures of the sentence."""
        if opening not in self._past:
            self._past[opening] = _p()["past"].match(self.folded, opening)
        return self._past[opening]

    def tells_progress(self, sentence: int) -> bool:
        """Whether the sentence opening at `sentence` holds a cue of progress (rules/quantities.toml
        progress_sentence): searched once for all its figures. It runs to the first full stop after
        its opening, which stands after any of its figures: none stands between them."""
        if sentence not in self._progress:
            p = _p()
            end = p["period_end"].search(self.folded, sentence)
            self._progress[sentence] = p["progress"].search(self.folded, sentence, end.start() if end else len(self.folded)) is not None
        return self._progress[sentence]

    def in_opening(self, pos: int) -> bool:
        """Whether `pos` stands in the opening of a document, before the sentence that introduces its
        items and before the first of them, outside goal sentences."""
        return self.opening_end is not None and pos < self.opening_end and not self.in_goals(pos)

    def told_event(self, pos: int) -> bool:
        """Whether `pos` stands in a paragraph of the opening, before the first heading, that opens on a
        dated event (rules/quantities.toml event_paragraph)."""
        if self.first_heading is None or pos >= self.first_heading:
            return False
        line = self.folded.rfind("\n", 0, pos) + 1
        return _p()["event"].match(self.folded, line) is not None

    def year_at(self, pos: int) -> int | None:
        return self._state(pos)[1] or self.default_year


def _as_report(found: list, folded: str) -> list:
    """A circular or a summary reports: its opening and its sections are reviews, but for a section whose
    heading names what comes next (下一步工作要求) and the parts inside it, which set goals, and the goal
    sentences. Its title, read as a heading, is the report's (…目标管理考核结果的通报 names goals assessed)."""
    ahead = [(start, end) for start, end, kind in found if kind != "goals" and sections.names_next(folded, start)]
    out = [(0, len(folded), "review")]
    for start, end, kind in found:
        if any(s <= start < e for s, e in ahead):
            out.append((start, end, "goals" if (start, end) in ahead else kind))
        else:
            line_end = folded.find("\n", start)
            goal = kind == "goals" and not sections.title_reports(folded[start:line_end if line_end >= 0 else len(folded)])
            out.append((start, end, "goals" if goal else "review"))
    return out


@lru_cache(maxsize=2)  # the tasks' context and the quantities' both ask
def _opening_end(folded: str, numbered: frozenset[int]) -> int | None:
    """Where a document's opening ends: at the sentence that introduces what follows ("现通知如下:",
    "制定本方案。"), if one stands before the first item (a numbered heading, or an outline marker
    anywhere: a page run into one line keeps its items' numbers mid-line); None where none does."""
    p = _p()
    marker = p["outline_marker"].search(folded)
    first = min([*numbered, *([marker.start()] if marker else [])], default=len(folded))
    lead = p["opening_lead"].search(folded, 0, first)
    return lead.start() if lead else None


def _innermost(found: list, years: list, stack: list[int], b: int) -> tuple[str | None, int | None]:
    """The type of the innermost review or goals part still open at `b`, and the year of the innermost
    dated one: one walk down the stack of parts, left as soon as both are known."""
    kind = dated = None
    for i in reversed(stack):
        if found[i][1] <= b:  # closed at b, not yet popped: parts need not nest
            continue
        if kind is None and found[i][2] in ("review", "goals"):
            kind = found[i][2]
        if dated is None and years[i]:
            dated = years[i]
        if kind is not None and dated is not None:
            break
    return kind, dated


def _closed_by_goals(found: list, goals: list, folded: str) -> list:
    """A review whose heading runs on over the plan (a report whose second heading was lost): the
    sentence that sets this year's goals inside it ("今年全市…主要预期目标是") ends it. A review that
    recalls the goals set a year ago ("年初确定的主要预期目标是") runs on."""
    this_year = _p()["this_year"]
    out = []
    for start, end, kind in found:
        if kind == "review":
            end = next((g for g, g_end, _ in goals if start < g < end and this_year.search(folded, g, g_end)), end)
        out.append((start, end, kind))
    return out


def _earlier_as_review(found: list, years: list) -> list:
    """A section dated before a later dated section that follows it ("奋力完成2023年…各项任务" before
    "全力实现2024年…奋斗目标"; "2023年是…" before "2024年是…") reports on the past: a review."""
    order = sorted(range(len(found)), key=lambda i: found[i][0])
    starts = [found[i][0] for i in order]
    later = [0] * (len(order) + 1)  # later[k]: the latest year among parts order[k:]
    for k in range(len(order) - 1, -1, -1):
        later[k] = max(later[k + 1], years[order[k]] or 0)
    out = list(found)
    for i, (start, end, kind) in enumerate(found):
        if years[i] and kind not in ("review", "goals") and later[bisect.bisect_left(starts, end)] > years[i]:
            out[i] = (start, end, "review")
    return out


def _between_as_review(found: list, years: list, order: list[int], folded: str) -> list:
    """An undated section between a dated review and a later dated part (the items (一)…(七) after
    "2023年,…" and before "2024年是…", with no heading of their own above them) reports too, up to
    that later part, which the last item's section runs on over. A heading alone right above that
    part, no sentence of its own ("二、在高质量发展中走在前" over "2024年是…"), heads the plan: no review."""
    out, last = list(found), None  # last: the year and type of the latest dated part seen, by start
    for k, i in enumerate(order):
        start, end, kind = found[i]
        if years[i]:
            last = (years[i], out[i][2])
            continue
        if last is None or last[1] != "review" or kind != "work":
            continue
        nxt = next((j for j in order[k + 1:] if years[j] and found[j][0] > start), None)
        if nxt is not None and years[nxt] > last[0] and "。" in folded[start:found[nxt][0]]:
            out[i] = (start, min(end, found[nxt][0]), "review")  # up to that part: the last item runs on over it
    return out


def _before_title_as_review(found: list, years: list, titled: int | None) -> list:
    """A part dated before the one year the title plans for ("2024年,全镇完成…" in "某镇2025年工作要点",
    "2024年主要工作" in "2025年政府工作报告") reports on the past: a review; goals stay goals."""
    if not titled:
        return found
    return [(start, end, "review") if y and y < titled and kind not in ("review", "goals") else (start, end, kind)
            for (start, end, kind), y in zip(found, years)]


def _plan_year(found: list, years: list) -> int | None:
    """An undated notice's year: the latest year a part that is no review names, else the year after
    the latest review (a work report reviews 2023 and plans 2024)."""
    planned = [y for part, y in zip(found, years) if y and part[2] != "review"]
    reviewed = [y for part, y in zip(found, years) if y and part[2] == "review"]
    return max(planned) if planned else max(reviewed) + 1 if reviewed else None


def _frequencies(text: str, folded: str, taken: Cover) -> list[Quantity]:
    """每季度至少1次, 每10天巡查一次, 两个月一次, 上下半年各开展一次, 一月一评比: counts set per period."""
    p = _p()
    cfg = p["cfg"]["frequency"]
    out = []
    for name in ("freq", "interval", "per_one", "each"):
        for match in _finditer(p[name], p["short"][name], folded, p["opens"].get(name)) if _holds(folded, p["needs"][name]) else ():
            if match.start() in taken:
                continue
            value = _numeral(match.group("n"))
            if value is None:  # a numeral that counts nothing (十十)
                continue
            period = _each_period(folded, match.start()) if name == "each" else _period(match)
            # what is done (每周开展一次入户走访), else whom it is done to (对小餐饮每年至少检查1次)
            subject = _subject_after(text, folded, match.end()) or _subject(text, folded, match.start(), match.end())
            out.append(Quantity(text[match.start():match.end()], value,
                                text[match.start("unit"):match.end("unit")], _at_least(match), match.start(), match.end(),
                                period=period, subject=subject))
            taken.add(*match.span())
    for match in _opened(p["paired"], p["opens"]["paired"], folded) if _holds(folded, p["needs"]["paired"]) else ():
        if match.start() in taken:
            continue
        end = match.end() + 2
        out.append(Quantity(text[match.start():end], 1.0, "次", "=", match.start(), end, period=cfg["periods"][match.group("period")]))
        taken.add(match.start(), end)
    return out


def _bare_floor_stretch(text: str, folded: str, taken: Cover) -> list[Quantity]:
    """增速“保8争9”: a growth rate's floor and stretch as bare numbers, two figures in percent
    (each written with its own digits), paired as _floor_and_stretch pairs them."""
    p = _p()
    out = []
    for match in p["floor_stretch"].finditer(folded) if _holds(folded, p["needs"]["floor_stretch"]) else ():
        if match.start() in taken or not p["floor_stretch_rate"].search(folded, max(0, match.start() - 10), match.start()):
            continue
        start, end = match.span()
        quoted = start - 1 if folded[start - 1:start] in ("“", '"') else start  # the subject stands before the quote
        subject = _subject(text, folded, quoted, end)
        floor, stretch = (Quantity(text[s:e], _float(match.group(g)), "%", "=", s, e, direction="up", subject=subject)
                          for g in ("num", "num2") for s, e in [match.span(g)])
        floor.stretch, stretch.stretch_of = stretch.value, floor.char_start
        out += [floor, stretch]
        taken.add(*match.span())
    return out


def _floor_and_stretch(found: list[Quantity], text: str, folded: str) -> None:
    """确保增长5%、力争5.5%: two figures of one unit, a floor and a stretch, stay two rows (each
    is a quantity as written) marked as a pair: the floor's `stretch` is the stretch's value, the
    stretch's `stretch_of` the floor's char_start (力争增长8%、确保6% the other way round), so that
    target_view shows one row per target."""
    p = _p()
    for prev, q in zip(found, found[1:]):
        pair = prev.kind == q.kind == "target" and prev.unit == q.unit and prev.char_end <= q.char_start \
            and prev.value_max is None and q.value_max is None \
            and None is prev.stretch is prev.stretch_of is q.stretch is q.stretch_of  # one pair per figure: no chains
        gap = folded[prev.char_end:q.char_start] if pair else ""
        if pair and (p["stretch_between"].match(gap) and q.value > prev.value
                     or p["floor_between"].match(gap) and q.value < prev.value):
            floor, stretch = (prev, q) if prev.value < q.value else (q, prev)
            floor.stretch, stretch.stretch_of = stretch.value, floor.char_start


def _numeral(n: str) -> float | None:
    if n.isdigit():
        return float(n)
    if n == "百":  # 百分之百: a hundred, which as a numeral alone counts nothing
        return 100.0
    found = numerals.cn_int(n.replace("两", "二"))
    return None if found is None else float(found)


def _at_least(match: regex.Match) -> str:
    groups = match.groupdict()
    return ">=" if groups.get("pre") or groups.get("post") or AT_LEAST.search(match.group("mid")) else "="


def _period(match: regex.Match) -> str:
    """The period of 每季度 (季度), 每10天 (旬), 每2周 (2周), 半年一次 (半年)."""
    cfg = _p()["cfg"]["frequency"]
    period = cfg["periods"][match.group("period")]
    every = match.group("every")
    if not every or every in ("一", "1"):
        return period
    counted = _numeral(every) if every != "半" else None
    if every != "半" and counted is None:  # a numeral that counts nothing: the period as named
        return period
    count = "半" if every == "半" else str(int(counted))
    length = f"{count}{'个' if period in ('月', '季度') and count != '半' else ''}{period}"
    return cfg["every"].get(length, length)


def _each_period(folded: str, start: int) -> str | None:
    """上下半年各开展一次: the periods named before 各, if any."""
    hit = _p()["each_period"].search(folded, max(0, start - 16), start)
    return _p()["cfg"]["frequency"]["each_period"][hit.group("word")] if hit else None


def _column_amounts(text: str, folded: str, taken: Cover, news: bool) -> list[Quantity]:
    """Bare numbers in a table column whose header states the unit: under 年度投资金额(万元), 300 is 3000000 元."""
    p = _p()
    out, columns, width = [], {}, 0
    if "|" not in folded:  # no line holds a cell
        return out
    units_at = None  # a header's column of units, and the columns read by it
    for row in _table_rows(folded):
        heads = {j: (s, m) for j, (s, e) in enumerate(row or [])
                 if p["column_unit_end"] in (None, folded[e - 1:e]) and (m := p["column_unit"].search(folded, s, e))}
        unit_header = _unit_header(folded, row) if row and not heads else None
        if row is None or heads or unit_header:
            columns, width, units_at = heads, len(row or []), unit_header
            continue
        if len(row) != width:  # a row that does not line up with the header cannot be read by column
            continue
        if units_at:
            out += _row_unit_amounts(text, folded, row, *units_at, taken, news)
        for j, (head_start, head) in columns.items():
            start, end = row[j]
            if p["column_number"].fullmatch(folded, start, end) and start not in taken:
                value = _float(folded[start:end], MULTIPLIERS.get(head.group("mult") or "", 1))
                out.append(Quantity(text[start:end], value, text[head.start("unit"):head.end("unit")], "=", start, end,
                                    subject=text[head_start:head.start()] or None, kind="statistic" if news else "target"))
    return out


def _unit_header(folded: str, row: list[tuple[int, int]]) -> tuple[int, list[int], int | None] | None:
    """A header row with a column of units (指标名称 | 单位 | 目标值): that column, the columns whose
    numbers it states the unit of (all but the row's number and name), and the name's column."""
    p = _p()
    texts = [folded[s:e].strip() for s, e in row]
    unit = next((j for j, t in enumerate(texts) if p["unit_column"].fullmatch(t)), None)
    if unit is None:
        return None
    name = next((j for j, t in enumerate(texts) if p["name_column"].fullmatch(t)), None)
    read = [j for j, t in enumerate(texts) if j not in (unit, name) and not p["number_column"].fullmatch(t)]
    return unit, read, name


def _row_unit_amounts(text: str, folded: str, row, unit_at: int, read: list[int], name_at: int | None,
                      taken: Cover, news: bool) -> list[Quantity]:
    """The bare numbers of a row in the unit its unit cell states."""
    p = _p()
    unit = p["unit_cell"].fullmatch(folded, *row[unit_at]) if unit_at < len(row) else None
    if unit is None:
        return []
    mult = MULTIPLIERS.get(unit.group("mult") or "", 1)
    subject = text[slice(*row[name_at])].strip() or None if name_at is not None else None
    out = []
    for start, end in (row[j] for j in read):
        if p["column_number"].fullmatch(folded, start, end) and start not in taken:
            out.append(Quantity(text[start:end], _float(folded[start:end], mult), text[unit.start("unit"):unit.end("unit")],
                                "=", start, end, subject=subject, kind="statistic" if news else "target"))
    return out


def _table_rows(folded: str) -> list[list[tuple[int, int]] | None]:
    """The rows of tables flattened into text, as cell spans, with None where a line of prose ends a table.

    A row is a line of cells ("1 | 道路改造 | 300 |"), or, where the page put each cell on a line of
    its own ending in "|", the lines between two lines that hold no cell ("|", "||||")."""
    rows, cells, offset = [], [], 0
    for line in folded.split("\n"):
        spans = _cells(line, offset)
        offset += len(line) + 1
        if len(spans) == 1:
            cells.append(spans[0])
            continue
        if cells:
            rows.append(cells)
            cells = []
        if "|" not in line:
            rows.append(None)
        elif any(e > s for s, e in spans):
            rows.append(spans)
    if cells:
        rows.append(cells)
    return rows


def _by_column(found: list[Quantity], text: str, folded: str) -> None:
    """In an indicator table, a figure under a base column (an earlier year than the table's
    latest, 基期, 现状) is a reported figure, set for that year, and one under a column of a year is
    set for that year; each figure's subject is its row's cell under the name column (指标名称)."""
    if "|" not in folded or not found:
        return
    starts = [q.char_start for q in found]
    columns = None
    for row in _table_rows(folded):
        if row is None:
            columns = None
        elif columns is None or len(row) != len(columns[0]):
            columns = _columns([folded[s:e] for s, e in row])  # a table's first row, or one that does not line up, heads what follows
        else:
            _read_row(found, starts, text, row, *columns)


def _columns(header: list[str]) -> tuple[list, list[int | None], list[bool], int | None]:
    """A header's cells, the year each names, whether each holds base values, and the name column."""
    p = _p()
    years = [int(m.group()) if (m := p["column_year"].search(h)) else None for h in header]
    latest = max((y for y in years if y), default=None)
    base = [bool((y and y < latest or p["base_column"].search(h)) and not p["target_column"].search(h))
            for h, y in zip(header, years)]
    name = next((j for j, h in enumerate(header) if p["name_column"].fullmatch(h)), None)
    return header, years, base, name


def _read_row(found: list[Quantity], starts: list[int], text: str, row: list, header: list, years: list, base: list,
              name: int | None) -> None:
    for j, (start, end) in enumerate(row):
        i = bisect.bisect_left(starts, start)
        while i < len(found) and found[i].char_start < end:
            q = found[i]
            q.kind, q.year = "statistic" if base[j] else q.kind, years[j] or q.year  # a column's year is its figures'
            if name is not None and name != j and row[name][1] > row[name][0]:
                q.subject = text[row[name][0]:row[name][1]]
            i += 1


def _cells(line: str, offset: int) -> list[tuple[int, int]]:
    """The cells of a line split at "|", as stripped spans (empty cells kept, the empty ends dropped)."""
    if "|" not in line:
        return []
    spans, pos = [], offset
    for part in line.split("|"):
        lead = len(part) - len(part.lstrip())
        spans.append((pos + lead, pos + lead + len(part.strip())))
        pos += len(part) + 1
    while spans and spans[-1][0] == spans[-1][1]:
        spans.pop()
    while spans and spans[0][0] == spans[0][1]:
        spans.pop(0)
    return spans


def _quoted(folded: str, start: int, end: int) -> bool:
    """“15条”, "1+8": a number that names a thing rather than counts it."""
    return folded[max(0, start - 1):start] in ("“", '"', "+") or folded[end:end + 1] in ("”", '"', "+")


def _quantity(text: str, folded: str, m: regex.Match, news: bool, context: _Context) -> Quantity | None:
    p, g = _p(), _p()["g"]
    start, end = m.span()
    unit_folded = m.group(g["unit"])
    if _quoted(folded, start, end) or not _counts(folded, m, unit_folded):
        return None
    value, value_max = _values(m)
    unit_start, unit_end = m.span(g["unit"])
    unit = text[unit_start:unit_end] or None
    comparator, start = _comparator_before(folded, start)
    if unit in p["ranking_units"] and p["ranking"].search(folded, max(0, start - 1), start):  # the set test is the cheaper
        comparator, start = "<=", start - 1
    after = p["after_re"].match(folded, end)
    if m.group(g["approx"]) or m.group(g["approx2"]):
        comparator = "~"
    # a bare 内 after a unit of time sets a limit (5个工作日内办结, 30分钟内到达)
    elif after and not (after.group("word") == "内" and comparator != "<=" and unit_folded not in p["time_units"]):
        comparator = p["after"][after.group("word")]
        end = after.end()
    direction = None
    change = p["change_re"].search(folded[max(0, start - 6):start])
    if change:
        direction = p["changes"][change.group("word")]
        start -= len(change.group())
    cued = _cued(folded, start, m.start(), m.end())
    kind = _kind(folded, start, m, unit_folded, end, news, context, comparator, cued)
    # the set a task covers is no amount set per period: 每月对16个镇开展… acts monthly on 16 towns
    period = None if kind == "scope" or not cued.before else _per_period(folded, start, unit_folded)
    return Quantity(text[start:end], value, unit, comparator, start, end, value_max=value_max, direction=direction,
                    period=period,
                    subject=_subject(text, folded, start, end), kind=kind)


def _per_period(folded: str, start: int, unit: str | None) -> str | None:
    """每年新培育400家 → 年: an amount set for each period; a share has none."""
    if unit in ("%", "‰", "个百分点"):
        return None
    hit = _p()["per_period"].search(folded, max(0, start - 16), start)
    return _p()["cfg"]["frequency"]["periods"][hit.group("period")] if hit else None


def _values(m: regex.Match) -> tuple[float, float | None]:
    """The number and a range's upper end; 万/亿 after the first end multiply it alone (1万至2万元)."""
    g = _p()["g"]
    num2 = m.group(g["num2"])
    mult = MULTIPLIERS.get(m.group(g["mult"]) or "", 1)
    value = _float(m.group(g["num"]), MULTIPLIERS.get(m.group(g["mult1"]) or "", mult))
    value_max = _float(num2, mult) if num2 else None
    return value, value_max


def _counts(folded: str, m: regex.Match, unit: str | None) -> bool:
    """Whether the number counts something: its unit (`unit`, as folded), or the words around it, say so."""
    p = _p()
    start, end = m.span()
    if unit is None and not _unitless(folded, m):  # most bare numbers (an outline's, a year's) stop here
        return False
    window = folded[max(0, start - 6):start]
    if p["not_a_count"].search(window):
        return False
    if unit not in ("%", "‰", "个百分点") and p["rate_base"].match(folded, end):
        return False
    if unit is None:
        return True
    if unit in p["weak_units"]:
        return bool(p["before_re"].search(window) or p["change_re"].search(window) or p["weak_after"].match(folded, end))
    # "8大" counts only before what it counts ("8大领域")
    return unit != "大" or HAN.match(folded, end) is not None


def _unitless(folded: str, m: regex.Match) -> bool:
    """总投资1.2亿, 控制在6以内, 覆盖率达100, 达到0.38以上: a number with no unit written, multiplied,
    or framed by a comparator or a rate and standing at its clause's end."""
    p = _p()
    if m.group(p["g"]["mult"]):
        return True
    window = folded[max(0, m.start() - 6):m.start()]
    if p["list_next"].match(folded, m.end()):  # 53和32微克/立方米: the list's unit stands after its last number
        return True
    if not p["unitless_end"].match(folded, m.end()):
        return False
    framed = p["before_re"].search(window)
    if framed:
        return p["before"][framed.group("word")] != "~"
    return bool(p["rate"].search(window) or p["reach_frame"].search(window) and p["reach_after"].match(folded, m.end()))


def _comparator_before(folded: str, start: int) -> tuple[str, int]:
    # _comparator_in's searches look in this window or in its last six characters, and none looks
    # behind its match: where all of them together find nothing here, each finds nothing
    if _p()["any_before"].search(folded[max(0, start - 20):start]) is None:
        return "=", start
    return _comparator_in(folded, start)


def _comparator_in(folded: str, start: int) -> tuple[str, int]:
    """The comparator before a figure starting at `start`, and where it starts (= and `start` if none)."""
    p = _p()
    window = folded[max(0, start - 6):start]
    hit = p["before_re"].search(window)
    if hit:
        return p["before"][hit.group("word")], start - len(hit.group())
    reach = p["reach"].search(window)
    if reach:
        return "=", start - len(reach.group())
    for comparator, pattern in p["distant"].items():
        distant = pattern.search(folded[max(0, start - 20):start])
        if distant:
            return comparator, start - len(distant.group())
    return "=", start


def _kind(folded: str, start: int, m: regex.Match, unit: str | None, end: int, news: bool, context: _Context,
          comparator: str = "=", cued: _Cued = _ALL_CUED) -> str:
    """scope for a threshold or the set a task covers; target in a sentence that sets goals;
    statistic for a figure reported as done or as it is, or in a review; else target."""
    p = _p()
    unit_end, share = m.end(), unit in ("%", "‰")
    counts = unit in p["count_units"]
    framed = comparator not in ("=", "~") and p["framed_after"].match(folded, end)
    if not share and (cued.unit and p["threshold"].match(folded, unit_end)
                      or (framed or not counts and cued.unit and p["scope"].match(folded, unit_end))
                      and (not _achieved(folded, start) or framed and _measured_between(folded, start))):
        return "scope"
    if unit not in p["not_covered"] and cued.number and p["covered_before"].search(folded, max(0, m.start() - 4), m.start()) \
            or cued.unit and p["covered_after"].match(folded, unit_end) \
            or cued.number and p["listed"].search(folded, max(0, m.start() - 1), m.start()) and not _achieved(folded, start, 40) \
            and context.section(start) not in p["cfg"]["statistic_sections"] and not _told_as_past(folded, start, context) \
            or not share and (cued.unit or cued.before) and _steered(folded, start, unit_end):
        return "scope"
    if _built_on(folded, start, end):
        return "statistic"
    if news:
        return "target" if _planned_in_news(folded, start) else "statistic"
    if context.in_goals(start):
        return "target"
    section = context.section(start)
    # a review's figure is a statistic whatever its words: the section is asked first, the cues of the
    # past (before it, then in its sentence) only of the others
    if section in p["cfg"]["statistic_sections"] \
            or cued.before and _reported_before(folded, start, context, m.start(), comparator) \
            and not _set_or_limited(folded, start, m.start()) \
            or section != "goals" and cued.number and _reported_growth(folded, m.start()) \
            or _told_as_past(folded, start, context) \
            or context.told_event(start) or context.in_opening(start) and not _plans_in_sentence(folded, start):
        return "statistic"
    return "target"


def _told_as_past(folded: str, start: int, context: _Context) -> bool:
    """_in_the_past or _tells_progress, of the sentence and its part that hold `start`, looked for once for both."""
    p = _p()
    window = max(0, start - 300)
    part = _last_stop(p["sentence_end"], folded, window, start)
    # the sentence opens where its part does but after a ";" (sentence_end is period_end and ";"): looked
    # for again only then
    sentence = _last_stop(p["period_end"], folded, window, part - 1) if part > window and folded[part - 1] == ";" else part
    return _in_the_past(folded, start, context, part, sentence) or _tells_progress(folded, start, context, sentence)


def _built_on(folded: str, start: int, end: int) -> bool:
    """在去年新增45家的基础上, 在现有120个网点基础上: the figure a plan builds on, told as past or as it
    stands, is what there is (在办好12件民生实事的基础上 is work still to do)."""
    p = _p()
    if p["base_after"].match(folded, end) is None:  # most figures: the clause before them is not looked for
        return False
    clause = _last_stop(p["clause_end"], folded, max(0, start - 30), start)
    at = folded.rfind("在", clause, start)
    return at >= 0 and p["base_past"].search(folded, at, start) is not None


def _planned_in_news(folded: str, start: int) -> bool:
    """A news story reports figures, but those it tells as planned or required are targets: 计划新建3座,
    and the figures of a sentence that states what a meeting or a notice requires (会议要求,…年内完成…,
    达标率达到90%以上), unless the figure itself is reported as done (已, 累计, 共)."""
    p = _p()
    if p["planned"].search(folded, max(0, start - 10), start):
        return True
    if p["statistic"].search(folded, max(0, start - 20), start) or p["cumulative"].search(folded, max(0, start - 20), start):
        return False
    sentence = _last_stop(p["period_end"], folded, max(0, start - 300), start)
    return p["required"].search(folded, sentence, start) is not None


def _reported_as_done(folded: str, start: int, context: _Context) -> bool:
    """A cue of work done or of a total before the figure (_reported_before), not a description (占地, 预计)."""
    cue = _p()["statistic"].search(folded, max(0, start - 20), start)
    return not _p()["described"].match(folded, cue.start()) if cue else _reported_before(folded, start, context)


def _reported_before(folded: str, start: int, context: _Context, number_start: int | None = None,
                     comparator: str = "=") -> bool:
    """已建成, 目前, 共有 shortly before the figure starting at `start` (its number at `number_start`);
    a total (累计, 共) too, but for one of making or reaching, or a bounded one, under a heading of work
    or goals (累计建成5G基站5200个, 累计达到2000个, 累计新就业5万人以上), which is to be reached."""
    p, window = _p(), max(0, start - 20)
    if p["statistic"].search(folded, window, start):
        return True
    # most figures have no total before them: whether one is to be reached is asked of a total only
    return p["cumulative"].search(folded, window, start) is not None and not (
        context.plans(start) and (comparator in (">=", ">", "~") or _achieved(folded, number_start or start)))


def _carry_plans(found: list[Quantity], folded: str) -> None:
    """规划的8所幼儿园、3.2万平方米校舍、2座体育馆: in a news story, the figures of a list that a planned
    one opens are planned too, but for one reported as done in its own words (、已完成改造的9个)."""
    p = _p()
    for prev, q in zip(found, found[1:]):
        gap = folded[prev.char_end:q.char_start]
        if prev.kind == "target" and q.kind == "statistic" and "、" in gap and not p["clause_end"].search(gap) \
                and not p["statistic"].search(folded, max(0, q.char_start - 20), q.char_start):
            q.kind = "target"


def _carry_reports(found: list[Quantity], folded: str, context: _Context) -> None:
    """全县已建成充电站45座、充电桩380个; 共抽查企业86家,发现隐患412处,整改率91.3%: outside the work
    and goals a notice numbers, the figures after one reported as done (已, 共, 累计: not a site or a
    project described, 占地, 预计) in its sentence are reported too, up to where the sentence goes on to
    plan (力争, 今年, 到2026年). Under a numbered item, what follows a figure done is as often the work
    to do on it (对已建成的30个站点进行改造,新建20个)."""
    carried = False  # whether the figure before took its report from the one before it
    for prev, q in zip([None] + found, found):
        # the cheap tests first: whether the figure before reports is asked only of a target it could carry to
        carried = q.kind == "target" and prev is not None and prev.kind == "statistic" \
            and not context.in_goals(q.char_start) and not context.plans(q.char_start) \
            and (carried or _reported_as_done(folded, prev.char_start, context)) \
            and not _stops_carrying(folded[prev.char_end:q.char_start])
        if carried:
            q.kind = "statistic"


def _stops_carrying(gap: str) -> bool:
    """Whether what stands between two figures ends the report (a sentence's end, 基础上) or goes on to plan."""
    p = _p()
    return bool(p["carry_stop"].search(gap) or p["planned_after_past"].search(gap) or p["set"].search(gap))


def _steered(folded: str, start: int, unit_end: int) -> bool:
    """推动16个区…, 以8大行业为主体, 开展3家企业全覆盖检查: the set a task acts on, not an amount to make."""
    p = _p()
    if p["whole"].match(folded, unit_end):
        return True
    verb = p["steered"].search(folded, max(0, start - 16), start)
    return bool(verb) and HAN.match(folded, unit_end) is not None \
        and not p["achievement"].search(folded, verb.end("verb"), start)


def _set_or_limited(folded: str, start: int, number_start: int) -> bool:
    """到2025年累计建成…, 累计补贴不超过100万元, 累计到账额的30%: a cue of the past that sets or caps a
    figure; a bound passed (已超过18万辆, 已突破, 累计约) is no cap."""
    p = _p()
    bound = p["before_re"].search(folded, start, number_start) if start < number_start else None
    if bound and p["before"][bound.group("word")] in ("<=", ">=") or folded[number_start - 1:number_start] == "的":
        return True
    sentence = _last_stop(p["sentence_end"], folded, max(0, start - 120), start)
    return p["set"].search(folded, sentence, start) is not None


def _reported_growth(folded: str, number_start: int) -> bool:
    """同比增长12%, 比上年增长6.3%: a change on a past year, unless the sentence sets it (力争…)."""
    p = _p()
    if not p["growth"].search(folded, max(0, number_start - 8), number_start):
        return False
    sentence = _last_stop(p["sentence_end"], folded, max(0, number_start - 120), number_start)
    return not p["will"].search(folded, sentence, number_start)


def _in_the_past(folded: str, start: int, context: _Context, part: int, sentence: int) -> bool:
    """A sentence, or its part after a ";", that opens on the past reports what was done, up to where
    it goes on to plan; a year's end not yet reached (截至2025年底 in a plan) is a deadline. `part` and
    `sentence`: where the part and the sentence that hold `start` open."""
    p = _p()
    # the part's start, then the sentence's: one match where they are the same
    for opening in (part,) if part == sentence else (part, sentence):
        past = context.past_at(opening)
        if past is not None:
            return p["planned_after_past"].search(folded, past.end(), start) is None and not _year_end_ahead(past, start, context)
    return False


def _year_end_ahead(past: regex.Match, start: int, context: _Context) -> bool:
    """截至2025年底 in a notice for 2025 or before, or in goals where no year is known: a deadline."""
    end = _p()["year_end"].search(past.group())
    if end is None:
        return False
    planned = context.year_at(start)
    return int(end.group(1)) >= planned if planned else context.section(start) == "goals"


def _sentence(folded: str, start: int) -> tuple[int, int]:
    """The span of the full sentence (to its full stop, over ";") that holds `start`."""
    stop = _p()["period_end"]
    end = stop.search(folded, start)
    return _last_stop(stop, folded, max(0, start - 300), start), end.start() if end else len(folded)


def _plans_in_sentence(folded: str, start: int) -> bool:
    """Whether the sentence of the figure at `start`, before it or after, sets out to do something
    (力争到2025年…, 各村须于6月底前…, 年内): the opening's figures otherwise tell how things stand."""
    return _p()["opening_plan"].search(folded, *_sentence(folded, start)) is not None


def _tells_progress(folded: str, start: int, context: _Context, sentence: int) -> bool:
    """上半年全县完成投资48亿元,完成年度目标的52%: a sentence (opening at `sentence`) that tells progress
    on the year's goal reports, up to where it goes on to plan."""
    return context.tells_progress(sentence) and _p()["planned_after_past"].search(folded, sentence, start) is None


def _measured_between(folded: str, start: int) -> bool:
    """新培育年销售收入首次突破100亿元的企业: what a threshold measures stands between the verb of making
    and it, so the verb makes what the threshold picks out, not the figure."""
    p = _p()
    clause = _last_stop(p["clause_end"], folded, max(0, start - 20), start)
    verbs = list(p["achievement"].finditer(folded, clause, start))
    return bool(verbs) and p["measured_between"].search(folded, verbs[-1].end(), start) is not None


def _achieved(folded: str, start: int, reach: int = 20) -> bool:
    """A verb of making or reaching in the quantity's clause, at most `reach` characters before it."""
    p = _p()
    clause = _last_stop(p["clause_end"], folded, max(0, start - reach), start)
    return p["achievement"].search(folded, clause, start) is not None


VERB_TAIL_WORDS = "稳定|保持|控制|维持|同比|比上年|较上年|比去年|较去年|增长|提高|下降|降低|达到了?|达|为|在|至|不少于|不低于|至少|完成|实现|突破|超过|预计|确保|力争|争取|分别"
VERB_TAIL = regex.compile(rf"(?:{VERB_TAIL_WORDS})+$")
# the characters VERB_TAIL's words end with (了 of 达到了): a phrase ending on none of them keeps its tail,
# which one test of its last character tells, where VERB_TAIL.sub tries every position of the phrase
VERB_TAIL_LAST = frozenset(w[-1] for w in VERB_TAIL_WORDS.replace("了?", "|了").split("|"))
# A subject ends where a comparison with another figure starts ("地区生产总值增速高于全省1个百分点").
COMPARISON = regex.compile(r"(?:高于|低于|快于|慢于|超过?|持平于?|好于|(?:较|比)(?:(?:19|20)\d\d年(?:底|末)?|上年|去年|同期)|是(?:上年|去年|(?:19|20)\d\d年)的)")
# A clause of a verb alone ("…跨越千亿台阶,增长7%以上") measures the subject of the clause before it,
# which ends at its own verb.
CLAUSE_VERB = regex.compile(r"(?:跨越|突破|达到|实现|完成|增长|保持|稳定|站上|迈上|超过|高于|确保|力争|预计|[\d])")  # a subject ends before its verb
COMPARATOR_HEAD = regex.compile(r"^(?:以上|以下|以内|左右|的)+")  # …and after its comparator


def _subject(text: str, folded: str, start: int, end: int) -> str | None:
    """The noun phrase measured: before the number in its clause, else right after it."""
    p = _p()
    cut = _last_stop(p["clause_start"], folded, max(0, start - 24), start)
    phrase = p["subject_lead"].sub("", folded[cut:start].strip())
    phrase = _without_verbs(phrase).strip()
    compared = COMPARISON.search(phrase)
    if compared and compared.start() >= 2:
        phrase = phrase[:compared.start()]
    if phrase[-1:] in VERB_TAIL_LAST or phrase.endswith("\n"):  # $ matches before a last newline too
        phrase = VERB_TAIL.sub("", phrase)
    if len(phrase) >= 2:
        at = folded.rfind(phrase, cut, start)
        return text[at:at + len(phrase)]
    return _subject_after(text, folded, end)


def _without_verbs(phrase: str) -> str:
    """A subject less the verbs that open it (新建污水处理设施 → 污水处理设施), but for one that names
    what a bare rate measures (培训覆盖率, 解读率: 覆盖率 and 率 alone measure nothing)."""
    p = _p()
    while word := p["lead_word"].match(phrase):
        rest = phrase[word.end():]
        if word.lastgroup == "verb" and p["bare_rate"].fullmatch(VERB_TAIL.sub("", rest)):
            break
        phrase = rest
    return phrase


def _subject_after(text: str, folded: str, end: int) -> str | None:
    """What follows the number in its clause, up to the next figure."""
    stop = _p()["name_end"].search(folded, end)
    phrase = text[end:stop.start() if stop else len(text)].strip()
    phrase = DIGIT.split(COMPARATOR_HEAD.sub("", phrase), maxsplit=1)[0]
    if phrase.count("“") > phrase.count("”"):  # cut inside a quoted name ("5G+工厂"): only what precedes it
        phrase = phrase[:phrase.rfind("“")]
    return phrase[:20] or None


def _carry_subjects(found: list[Quantity], text: str, folded: str) -> None:
    """增长5.5%、力争6%以上; 达到4.7万亿元,增长5%: a figure whose clause names no subject measures
    the subject of the figure just before it in the same sentence."""
    for prev, q in zip([None] + found, found):
        if q.subject is not None:
            continue
        gap = folded[prev.char_end:q.char_start] if prev else None
        times = _p()["cfg"]["times_units"]
        # a count of times counts no rate nor amount before it (培训合格率达到98%,每年2次)
        if prev and prev.subject and len(gap) <= 12 and not _p()["sentence_end"].search(gap) \
                and (q.unit not in times or prev.unit in times):
            q.subject = prev.subject
        else:
            q.subject = _done_before(text, folded, q.char_start) if q.unit in times \
                else _clause_before_subject(text, folded, q.char_start)


RESPECTIVELY = regex.compile(r"分别")
LIST_ITEM = regex.compile(r"[^、和及与]+")
LIST_CLAUSE = regex.compile(r"[,。;:!?\n()]")


def _share_units(found: list[Quantity], folded: str) -> None:
    """分别不高于53和32微克/立方米: the numbers of a list share the unit after the last and the comparator before the first."""
    for a, b in zip(found, found[1:]):
        if a.unit is None and b.unit and LIST_JOIN.fullmatch(folded, a.char_end, b.char_start):
            a.unit, b.subject = b.unit, a.subject
            if b.comparator == "=":
                b.comparator = a.comparator


def _respectively(found: list[Quantity], text: str, folded: str) -> None:
    """GDP、工业增加值、社零额分别增长4.6%、5%、9.5%: the n-th figure measures the n-th name of the list."""
    starts = [q.char_start for q in found]
    for word in RESPECTIVELY.finditer(folded):
        cut = _last_stop(LIST_CLAUSE, folded, max(0, word.start() - 80), word.start())
        names = [(m.start(), m.end()) for m in LIST_ITEM.finditer(folded, cut, word.start())]
        i = bisect.bisect_left(starts, word.start())
        figures = []
        while i < len(found) and len(figures) < len(names):
            gap = folded[(figures[-1].char_end if figures else word.end()):found[i].char_start]
            if not (NEXT_FIGURE if figures else FIRST_FIGURE).fullmatch(gap):
                break
            figures.append(found[i])
            i += 1
        if len(names) < 2 or len(figures) != len(names):
            continue
        for q, (s, e) in zip(figures, names):
            name = _without_verbs(_p()["subject_lead"].sub("", folded[s:e].strip()))
            if len(name) >= 2:
                at = folded.rfind(name, s, e)
                q.subject = text[at:at + len(name)]


def _done_before(text: str, folded: str, start: int) -> str | None:
    """开展政府开放日活动,每年不少于2次: a count of times whose own clause names nothing done counts
    what the clause before does, less its verb."""
    p = _p()
    cut = _last_stop(p["clause_start"], folded, max(0, start - 24), start, None)
    if cut is None or folded[cut - 1] not in ",,":
        return None
    before = _last_stop(p["clause_start"], folded, max(0, cut - 40), cut - 1)
    phrase = _without_verbs(p["subject_lead"].sub("", folded[before:cut - 1].strip()))
    if not 2 <= len(phrase) <= 20 or DIGIT.search(phrase):
        return None
    at = folded.rfind(phrase, before, cut)
    return text[at:at + len(phrase)]


def _clause_before_subject(text: str, folded: str, start: int) -> str | None:
    """地区生产总值跨越千亿台阶,增长7%以上: the noun phrase that opens the clause before, up to its verb."""
    p = _p()
    cut = _last_stop(p["clause_start"], folded, max(0, start - 24), start, None)
    if cut is None or folded[cut - 1] not in ",,":
        return None
    before = _last_stop(p["clause_start"], folded, max(0, cut - 40), cut - 1)
    phrase = _without_verbs(p["subject_lead"].sub("", folded[before:cut - 1].strip()))
    verb = CLAUSE_VERB.search(phrase)
    phrase = phrase[:verb.start()] if verb else ""
    if len(phrase) < 2:
        return None
    at = folded.rfind(phrase, before, cut)
    return text[at:at + len(phrase)]


@lru_cache(maxsize=1)
def _categories() -> list[tuple[str, regex.Pattern, set[str]]]:
    cfg = rules.load("subjects")
    units = cfg.get("units", {})
    return [(name, regex.compile("|".join(f"(?:{p})" for p in patterns)), set(units.get(name, [])))
            for name, patterns in cfg["categories"].items()]


@lru_cache(maxsize=1)
def _any_category() -> regex.Pattern:
    """Every category's patterns in one: it finds nothing where none of them finds anything."""
    return regex.compile("|".join(f"(?:{pattern.pattern})" for _, pattern, _ in _categories()))


def category(subject: str | None, raw: str | None, unit: str | None) -> str | None:
    """The subject category of a target (rules/subjects.toml): the first whose pattern its subject or
    raw text holds and whose units, where it lists some, include the target's unit. Computed once,
    when the tables are written, so that queries group by a column rather than match patterns."""
    text = " ".join(part for part in (subject, raw) if part)
    if _any_category().search(text) is None:  # most figures fall in no category: one search rules them all out
        return None
    return _category_in(text, unit)


def _category_in(text: str, unit: str | None) -> str | None:
    """The first category whose pattern `text` holds and whose units, if any, include `unit`."""
    for name, pattern, units in _categories():
        if pattern.search(text) and (not units or unit in units):
            return name
    return None
