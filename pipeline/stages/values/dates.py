"""Dates and periods: deadline, period, point and issued, resolved to ISO start and end.

Patterns live in rules/dates.toml and run on the simplified view of the text;
raw strings and offsets come from the normalised text itself.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.stages import numerals, regions
from pipeline import rules
from pipeline.spans import Cover
from pipeline.records import DateExpr

CN_DIGITS = str.maketrans("〇零○OoО一二三四五六七八九", "00000012345678" + "9")


@dataclass
class Atom:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    explicit_year: bool


HAS_CN_NUMERAL = regex.compile(r"[一二两三四五六七八九十]")  # 两: 前两个月
DIGITS = frozenset("0123456789")
# Where an atom or a month range can start, read off their patterns and tried in the one scan for
# their first characters: a year in digits opens on 19 or 20; another number only as a month (6月), a
# month range (6-9月), a list of months (7、8月) or a day listed after a date (6月10日、20日), and not
# inside a number (after a digit or a point: both look behind for neither); a Chinese numeral as a
# year in numerals (二〇二四年) or a month (十一月), with 年 or 月 after its numerals; 今年, 明年, 次年,
# 去年 as they are.
NUMERALS = "〇零○OoО一二三四五六七八九十"
DATE_START = re.compile(
    rf"[0-9{NUMERALS}今明次去](?:(?<=[今明次去])"
    rf"|(?<=[{NUMERALS}])(?=[{NUMERALS} ]*[年月])"
    r"|(?<=1)(?=9)|(?<=2)(?=0)"
    r"|(?<![0-9.][0-9])(?<=[0-9])(?=[0-9]?\s*[月至到\-—–~～、日号]))")
LIST_JOIN = regex.compile(r"[、和及或与]?")  # 于6月15日、12月15日前
# Quarters are written in either numerals (第二季度, 第2季度): the rules name them in Chinese ones.
QUARTER_TO_CN = str.maketrans("1234", "一二三四")
QUARTER_TO_ARABIC = str.maketrans("一二三四", "1234")


def _shared_part(words) -> str:
    """The longest string each of `words` holds ("季度" of the quarters' words), or ""."""
    shortest = min(words, key=len, default="")
    for n in range(len(shortest), 0, -1):
        for i in range(len(shortest) - n + 1):
            if all(shortest[i:i + n] in word for word in words):
                return shortest[i:i + n]
    return ""


def _quarters_either_way(words) -> list[str]:
    """The words of a rules table with each quarter also in Arabic numerals (一季度末 → 1季度末)."""
    return [*words, *(w.translate(QUARTER_TO_ARABIC) for w in words if "季度" in w)]


@lru_cache(maxsize=1)
def _patterns() -> dict:
    cfg = rules.load("dates")
    y, m, d, wrap, fen = cfg["year"], cfg["month"], cfg["day"], cfg["wrapped_day"], cfg["month_suffix"]
    ry = rf"(?P<ry>{rules.alternation(cfg['relative_years'])})"
    arabic_m = m.replace("|十[一二]?|[一二三四五六七八九]", "")
    arabic_d = r"(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]"
    atoms = [
        r"(?P<y>(?:19|20)\d\d)[-/.](?P<m>1[0-2]|0?[1-9])[-/.](?P<d>3[01]|[12]\d|0?[1-9])(?!\d)",
        rf"(?:{y}|{ry})(?:度)?(?:{m}(?:{fen}|(?:{wrap})?{d})?)?",
        cfg["dotted_months"],
        rf"(?P<y>(?:19|20)\d{{2}})(?={cfg['year_range_rest']})",
        cfg["year_cell"],
        cfg["year_listed"],
        cfg["month_listed"],
        cfg["day_listed"],
        rf"(?<![\d.])(?:{arabic_m})(?:{fen}|(?:{wrap})?(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]?)?",
        cfg["month_alone_cn"],
    ]
    plan_words = rules.alternation(cfg["plan_words"])
    return {
        "atom": regex.compile("|".join(f"(?:{a})" for a in atoms), regex.V1),
        "year_opens": frozenset(cfg["year_opens"]),
        # one class of literal characters: the standard library's engine scans it three times faster
        "atom_start": re.compile(r"[0-9〇零○OoО一二三四五六七八九十今明次]"),
        "day_only": regex.compile(arabic_d),
        "month_range": regex.compile(rf"(?<![\d.])(?P<m1>1[0-2]|0?[1-9])\s*{cfg['month_range_sep']}\s*(?P<m2>1[0-2]|0?[1-9])\s*月"),
        "sep": regex.compile(cfg["range_sep"]),
        "sentence_stop": regex.compile(cfg["sentence_stop"]),
        "range_end": regex.compile(cfg["range_end"]),
        "close_month": regex.compile(cfg["range_close_month"]),
        "close_year": regex.compile(cfg["range_close_year"]),
        "dekad": regex.compile(rf"{rules.alternation(cfg['dekads'])}|(?:{rules.alternation(cfg['month_parts'])})(?!{cfg['month_part_not_before']})"),
        "range_part": regex.compile(rules.alternation({**cfg["dekads"], **cfg["range_parts"]})),
        "after": regex.compile(cfg["deadline_after"] + cfg["deadline_word_end"]),
        "before": regex.compile(cfg["deadline_before"]),
        "level": regex.compile(cfg["level_after"]),
        "finished": regex.compile(cfg["finished_after"]),
        "as_of": regex.compile(cfg["as_of_before"]),
        "deadline_column": regex.compile(cfg["deadline_column"]),
        "deadline_label": regex.compile(cfg["deadline_label"].replace("{deadline_column}", cfg["deadline_column"])),
        "cell_open": regex.compile(cfg["cell_open"], regex.M),
        "cell_close": regex.compile(cfg["cell_close"]),
        "recurring": regex.compile(cfg["recurring_before"]),
        "posted": regex.compile(cfg["posted_after"]),
        "posted_line": regex.compile(cfg["posted_line"]),
        # literal words only, read alike by both engines: the standard library's finds them twice as fast
        # two patterns, each searched on its own: joined, the standard library's loses its fast scan for
        # their first characters and took ten times as long
        "relative": re.compile(rf"(?:{rules.alternation(_quarters_either_way(cfg['relative']))}){cfg['deadline_word_end']}"),
        "part_before": re.compile(rf"(?:{rules.alternation(_quarters_either_way(cfg['year_parts']))})(?={cfg['part_deadline_after']})"),
        # what every match of part_before opens with holds: a notice without it is not scanned (most name no quarter)
        "part_before_holds": _shared_part(_quarters_either_way(cfg["year_parts"])),
        "part_deadline": regex.compile(cfg["part_deadline_after"]),
        "year_part": regex.compile(rf"(?:{rules.alternation(_quarters_either_way({**cfg['relative'], **cfg['year_parts']}))})"
                                   rf"{cfg['deadline_word_end']}"),
        "year_opening": regex.compile(cfg["year_opening"]),
        "quarter_to": regex.compile(cfg["quarter_to"]),
        "quarters_shared": regex.compile(cfg["quarters_shared"]),
        "relative_not_before": regex.compile(cfg["relative_not_before"]),
        "relative_not_after": regex.compile(cfg["relative_not_after"]),
        "year_range_rest": regex.compile(cfg["year_range_rest"]),
        "doc_number": regex.compile(cfg["doc_number_after"]),
        "named_before": regex.compile(cfg["named_before"]),
        "own_region": regex.compile(cfg["own_region_before"]),
        "named_by_verb": regex.compile(cfg["named_by_verb_before"]),
        "quoted_name": regex.compile(cfg["quoted_name_after"]),
        "quote_open": regex.compile(cfg["quoted_from_before"]),
        "quote_close": regex.compile(cfg["quoted_close_after"]),
        "plan_name": regex.compile(rf"(?:度)?(?P<name>(?!的)\p{{Han}}{{0,30}}?)(?:(?:{plan_words}|{cfg['table_words']}){cfg['plan_name_end']}"
                                   rf"|(?:{rules.alternation(cfg['project_words'])})[ ]*(?:\||\n|$))"),
        "plan_verbs": regex.compile(cfg["plan_name_verbs"]),
        "region_dated": regex.compile(rf"{cfg['region_clause_dated']}|[^,。;:!?\n|]{{0,40}}?{cfg['plan_name_verbs']}"),
        "drafted": regex.compile(cfg["plan_drafted_before"]),
        "attachment": regex.compile(cfg["attachment_line"]),
        "names": regex.compile(rf"《[^《》\n]*》|(?<=(?:{plan_words}))\([^()\n]*\)"),
        "from": regex.compile(r"(?:从|自)\s*$"),
        "since": regex.compile(cfg["since_before"]),
    }


def _number(text: str | None) -> int | None:
    """A numeral as written; None for a template's 20xx."""
    if not text:
        return None
    text = text.strip()
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(ch in "〇零○OoО一二三四五六七八九" for ch in text):
        return int(text.translate(CN_DIGITS))
    if not HAS_CN_NUMERAL.search(text):
        return None
    found = numerals.cn_int(text)
    return None if found is None else int(found)


def _atom(match: regex.Match, year: int | None) -> Atom:
    """The date `match` names; `year` stands where it names none: the notice's year, or in a range the
    year of the range's first date (so that 次年 in "2023年11月至次年3月" is 2024)."""
    groups = match.groupdict()
    month = _number(groups.get("m"))
    day = _number(groups.get("d"))
    if groups.get("y"):
        return Atom(match.start(), match.end(), _number(groups["y"]), month, day, True)
    if groups.get("ry"):
        offset = rules.load("dates")["relative_years"][groups["ry"]]
        return Atom(match.start(), match.end(), None if year is None else year + offset, month, day, True)
    return Atom(match.start(), match.end(), year, month, day, False)


def _first_day(atom: Atom) -> str | None:
    if atom.year is None:
        return None
    return dt.date(atom.year, atom.month or 1, atom.day or 1).isoformat()


def _last_day(atom: Atom) -> str | None:
    if atom.year is None:
        return None
    month = atom.month or 12
    day = atom.day or calendar.monthrange(atom.year, month)[1]
    return dt.date(atom.year, month, day).isoformat()


def _valid(atom: Atom) -> bool:
    try:
        _first_day(atom)
        return True
    except ValueError:
        return False


def _name_spans(folded: str, p) -> list[tuple[int, int]]:
    """《…》 and the bracket after a plan's name (三年行动计划(2021—2023年)): years there name the plan.
    Each opens on 《 or ( (the plan's name is looked behind at), where alone the pattern is tried."""
    return [m.span() for m in tried_at(p["names"], folded, "《(")]


def positions(text: str, chars: str) -> list[int]:
    """Where any of `chars` stands in `text`, in order: str.find skips to a rare character ten times
    as fast as a pattern's scan for the same few characters."""
    found = []
    for char in chars:
        at = text.find(char)
        while at >= 0:
            found.append(at)
            at = text.find(char, at + 1)
    return sorted(found)


def tried_at(pattern: regex.Pattern, text: str, chars: str) -> list[regex.Match]:
    """pattern.finditer(text), for a pattern whose every match is non-empty and opens on one of
    `chars`: tried only where they stand, in order from after the last match, so that the matches
    are the scan's (the first to match is the leftmost)."""
    return list(rules.matched_at(pattern, text, positions(text, chars)))


def _in_a_name(folded: str, start: int, end: int, p) -> bool:
    """A bare year that belongs to a name rather than dating anything (SPEC: plan and campaign names):
    a region's name after it in a clause that says nothing of it, a quoted name or 第N号 after it, a
    level of government or a verb of winning or hosting before it, or a plan's name it opens."""
    pos = end + (1 if folded[end:end + 1] == "度" else 0)
    if p["attachment"].match(folded, folded.rfind("\n", 0, start) + 1) or p["doc_number"].match(folded, end):
        return True
    if regions.starts_name(folded, pos) and not p["region_dated"].match(folded, pos):
        return True
    if _after_a_level(folded, start, pos, p) or p["named_by_verb"].search(folded, max(0, start - 2), start):
        return True
    if p["quoted_name"].match(folded, end):
        return True
    if p["quote_open"].search(folded, max(0, start - 1), start) and p["quote_close"].match(folded, end):
        return True
    plan = p["plan_name"].match(folded, end)
    return bool(plan) and not p["plan_verbs"].search(plan.group("name")) and not p["drafted"].search(folded, max(0, start - 2), start)


def _after_a_level(folded: str, start: int, pos: int, p) -> bool:
    """省2023年…: a level of government before a bare year opens a campaign's name; a whole or one's own
    region (全县2025年, 我市2024年) does only where the clause after the year says nothing of it."""
    if not p["named_before"].search(folded, max(0, start - 1), start):
        return False
    return not (p["own_region"].search(folded, max(0, start - 2), start) and p["region_dated"].match(folded, pos))


def _posted(folded: str, start: int, end: int, p) -> bool:
    """A posting time printed around the notice: a date with a clock time after it, or a numeric date alone on its line."""
    if p["posted"].match(folded, end):
        return True
    line_start = folded.rfind("\n", 0, start) + 1
    line_end = folded.find("\n", end)
    return p["posted_line"].fullmatch(folded, line_start, len(folded) if line_end < 0 else line_end) is not None


def extract(text: str, folded: str, doc_year: int | None, skip=(), issued=(), issue_date: str | None = None) -> list[DateExpr]:
    """Every date expression in `text`; `skip` spans (titles) hold none, `issued` spans are the notice's own dates."""
    p = _patterns()
    skip = Cover(list(skip) + _name_spans(folded, p))
    issued = Cover(issued)  # looked up for every date: a bisection, however many a long notice has
    found: list[DateExpr] = []
    pos = 0
    # _next's matches ahead, part_before's known to be none where the notice holds not what each needs
    ahead: dict = {} if p["part_before_holds"] in folded else {"part_before": []}
    named = (0, doc_year)  # where the sentence of the last date that named its year ends, and that year
    while True:
        hit = _next(folded, pos, p, ahead)
        if hit is None:
            break
        year = named[1] if hit.start() < named[0] else doc_year
        expr, pos = _read(text, folded, hit, doc_year, year, p, issued, issue_date)
        if expr is not None and expr.char_start not in skip:
            found.append(expr)
            if expr.end and _names_year(folded, hit, p):
                stop = p["sentence_stop"].search(folded, expr.char_end)
                named = (stop.start() if stop else len(folded), int(str(expr.end)[:4]))
    _deadline_lists(found, folded)
    return found


def _names_year(folded: str, hit: regex.Match, p) -> bool:
    """Whether the date found at `hit` names the year later months of its sentence take: one with a month
    (2026年3月, 明年6月), or a year alone opening its sentence (2024年,全县…); inside one a year alone is a
    reference (较2024年下降12%)."""
    groups = hit.groupdict()
    if not (groups.get("y") or groups.get("ry")):
        return False
    if groups.get("m"):
        return True
    before = hit.start()
    while before > 0 and folded[before - 1] == " ":
        before -= 1
    return before == 0 or p["sentence_stop"].match(folded, before - 1) is not None


def _next(folded: str, pos: int, p, ahead: dict) -> regex.Match | None:
    """The next atom, month range or relative word at or after `pos`, whichever comes first (the
    longest of those starting there). `ahead` keeps the next matches found, searched again only once
    `pos` passes them: searching from every position would make a long text quadratic."""
    for name in ("numeric", "relative", "part_before"):
        known = ahead.get(name)
        if known is None or known and known[0].start() < pos:
            ahead[name] = _search_numeric(folded, pos, p) if name == "numeric" else _found(p[name].search(folded, pos))
    hits = ahead["numeric"] + ahead["relative"] + ahead["part_before"]
    return min(hits, key=lambda m: (m.start(), -m.end())) if hits else None


def _found(match: regex.Match | None) -> list[regex.Match]:
    return [match] if match else []


def _search_numeric(folded: str, pos: int, p) -> list[regex.Match]:
    """The atom and month range patterns' matches at the first position from `pos` where either
    matches, tried only where one can start (DATE_START; a month range opens on a digit): a plain
    search tries their many branches and lookbehinds at every character, which made it a fifth of the
    whole pipeline's time, and trying them at every digit and numeral most of the dates stage's."""
    atom, month_range = p["atom"].match, p["month_range"].match
    for start in DATE_START.finditer(folded, pos):
        at = start.start()
        hits = atom(folded, at), month_range(folded, at) if start.group() in DIGITS else None
        if hits != (None, None):
            return [hit for hit in hits if hit]
    return []


def _read(text, folded, hit, doc_year, year, p, issued, issue_date):
    """One expression starting at `hit`; returns it (or None) and where to look next. `year` is the one a
    month with no year takes (the notice's, or one named before in the sentence); relative words (年底前,
    今年) go by the notice's."""
    start, end = hit.span()
    if p["recurring"].search(folded, max(0, start - 8), start):  # a short window: the cue is right before
        return None, end
    if hit.re is p["relative"] or hit.re is p["part_before"]:
        if p["relative_not_before"].search(folded, max(start - 1, 0), start):
            return None, end
        expr = _relative(text, folded, start, hit, doc_year, p, alone=True)
        if expr.kind == "deadline":  # 即日起至年底
            expr = _from_now(text, folded, start, expr.char_end, expr.end, p, issue_date) or expr
        return expr, expr.char_end
    if hit.re is p["month_range"]:
        a = Atom(start, end, year, int(hit.group("m1")), None, False)
        b = Atom(start, end, year, int(hit.group("m2")), None, False)
        return DateExpr(text[start:end], "period", _first_day(a), _last_day(b), start, end), end
    first = _atom(hit, doc_year)
    if not first.explicit_year:
        first.year = year
    bare_year = first.explicit_year and first.month is None
    if not _valid(first):
        return None, end
    if bare_year and (_vague(folded, hit, p) or _in_a_name(folded, start, end, p)):
        rest = p["year_range_rest"].match(folded, end)  # 获评2022—2023年度…: the range's end is in the name too
        return None, rest.end() if rest else end
    if start in issued:
        return DateExpr(text[start:end], "issued", _first_day(first), _last_day(first), start, end), end
    if _posted(folded, start, end, p):
        return None, end
    expr = (_year_part(text, folded, first, p) if bare_year else None) or _range(text, folded, first, p) \
        or _since(text, folded, first, p, issue_date) or _as_of(text, folded, first, p) or _single(text, folded, first, p)
    return expr, expr.char_end


def _vague(folded: str, hit: regex.Match, p) -> bool:
    """今年初: a relative year made vague by what follows it; 去年 or 次年 with no month after it."""
    relative = hit.groupdict().get("ry")
    if relative in rules.load("dates")["relative_with_month_only"]:
        return True
    return bool(relative) and p["relative_not_after"].match(folded, hit.end()) is not None


def _relative(text: str, folded: str, start: int, word: regex.Match, year: int | None, p, alone: bool = False) -> DateExpr:
    """A part of `year` (上半年, 年底前, 第二季度末, 第一季度), with a 前 after a deadline ("第二季度末前")
    or making one ("第二季度前", "下半年内");
    `alone`: named with no year before it, where a quarter is a point rather than a period."""
    cfg = rules.load("dates")
    table = {**cfg["year_parts"], **cfg["relative"]} if alone else {**cfg["relative"], **cfg["year_parts"]}
    kind, first, last = table[word.group().translate(QUARTER_TO_CN)]
    end = word.end()
    to = p["quarter_to"].match(folded, end) if kind != "deadline" else None
    if to:  # 第三季度至第四季度
        kind, last, end = "period", table[to.group("q").translate(QUARTER_TO_CN)][2], to.end()
    due = p["part_deadline"].match(folded, end) if kind != "deadline" else None
    if due:
        kind, first, end = "deadline", "", due.end()
    elif kind == "deadline":
        after = p["after"].match(folded, end)
        end = after.end() if after else end
    s = f"{year}-{first}" if first and year else None
    e = f"{year}-{last}" if year else None
    return DateExpr(text[start:end], kind, s, e, start, end)


QUARTERS_SHARED_MAX = 24  # characters of the longest 第一至第三季度 with spaces in it


def _year_part(text: str, folded: str, year: Atom, p) -> DateExpr | None:
    """2024年1-3月, 2023年上半年, 今年年底前, 今年前三季度, 2026年二至三季度: a part of the year just named."""
    months = p["month_range"].match(folded, year.end)
    if months:
        a = Atom(year.start, months.end(), year.year, int(months.group("m1")), None, True)
        b = Atom(year.start, months.end(), year.year, int(months.group("m2")), None, True)
        return DateExpr(text[year.start:months.end()], "period", _first_day(a), _last_day(b), year.start, months.end())
    opening = p["year_opening"].match(folded, year.end)
    if opening:
        return _year_opening(text, year, opening)
    # bounded: the engine looks for the pattern's 季度 first, to the end of the text where it is absent
    quarters = p["quarters_shared"].match(folded, year.end, year.end + QUARTERS_SHARED_MAX)
    if quarters:
        return _year_quarters(text, year, quarters)
    part = p["year_part"].match(folded, year.end)
    return _relative(text, folded, year.start, part, year.year, p) if part else None


def _year_opening(text: str, year: Atom, opening: regex.Match) -> DateExpr:
    """今年前三季度, 2024年前10个月: the year's first months, from its first day."""
    months = _number(opening.group("months")) or 3 * _number(opening.group("quarters"))
    last = Atom(year.start, opening.end(), year.year, months, None, True)
    return DateExpr(text[year.start:opening.end()], "period", _first_day(year), _last_day(last), year.start, opening.end())


def _year_quarters(text: str, year: Atom, quarters: regex.Match) -> DateExpr:
    """2026年二至三季度: from the first quarter's first day to the last one's last day."""
    first = Atom(year.start, quarters.end(), year.year, 3 * _number(quarters.group("q1")) - 2, None, True)
    last = Atom(year.start, quarters.end(), year.year, 3 * _number(quarters.group("q2")), None, True)
    return DateExpr(text[year.start:quarters.end()], "period", _first_day(first), _last_day(last), year.start, quarters.end())


def _range(text: str, folded: str, first: Atom, p) -> DateExpr | None:
    """从2021年3月至2023年6月, 2023年3月1日至5月31日, 9月1日—10月31日: a period between two dates;
    either end may be a part of its month (3月下旬至4月底, 4月上旬至下旬), the last the end of the first's
    month or year (10月20日至月底, 4月至年底)."""
    first_part = _range_part(folded, first, p)
    sep = p["sep"].match(folded, first_part.end() if first_part else first.end)
    if not sep:
        return None
    second = p["atom"].match(folded, sep.end()) or p["day_only"].match(folded, sep.end())
    if second:
        last = _atom(second, first.year)
    elif first_part and (bare := p["range_part"].match(folded, sep.end())):  # 4月上旬至下旬: the same month
        last = Atom(bare.start(), bare.start(), first.year, first.month, None, False)
    elif first.month and (close := p["close_month"].match(folded, sep.end())):  # 10月20日至月底
        last = Atom(close.start(), close.end(), first.year, first.month, None, False)
    elif close := p["close_year"].match(folded, sep.end()):  # 2025年4月至年底
        last = Atom(close.start(), close.end(), first.year, 12, None, False)
    else:
        return None
    if last.month is None and (second is None or "y" not in second.groupdict()):
        last.month = first.month
    if not _valid(last):
        return None
    last_part = _range_part(folded, last, p)
    origin = p["from"].search(folded, max(0, first.start - 2), first.start)
    s_pos = origin.start() if origin else first.start
    end = last_part.end() if last_part else last.end
    close = p["range_end"].match(folded, end)
    end = close.end() if close else end
    start_day = _part_days(first, first_part)[0] if first_part else _first_day(first)
    end_day = _part_days(last, last_part)[1] if last_part else _last_day(last)
    return DateExpr(text[s_pos:end], "period", start_day, end_day, s_pos, end)


def _range_part(folded: str, atom: Atom, p) -> regex.Match | None:
    """The part of its month right after a month with no day ("下旬", "底"), if any."""
    return p["range_part"].match(folded, atom.end) if atom.month and not atom.day else None


def _part_days(month: Atom, part: regex.Match) -> tuple[str | None, str | None]:
    """The first and last day of a part of a month (rules/dates.toml dekads, range_parts and month_parts)."""
    cfg = rules.load("dates")
    first, last = {**cfg["dekads"], **cfg["range_parts"], **cfg["month_parts"]}[part.group()]
    if month.year is None:
        return None, None
    last = min(last, calendar.monthrange(month.year, month.month)[1])
    return dt.date(month.year, month.month, first).isoformat(), dt.date(month.year, month.month, last).isoformat()


def _since(text: str, folded: str, first: Atom, p, issue_date: str | None) -> DateExpr | None:
    """即日起至2024年12月, 自本通知印发之日起至6月底: a period from the notice's date, whether or not
    the end names its year."""
    after = p["after"].match(folded, first.end)
    return _from_now(text, folded, first.start, after.end() if after else first.end, _last_day(first), p, issue_date)


def _from_now(text: str, folded: str, start: int, end: int, end_day: str | None, p, issue_date: str | None) -> DateExpr | None:
    """The period from the notice's own day to the date at start:end, where 即日起至 (自本通知发布之日起至)
    stands right before it; else None."""
    since = p["since"].search(folded, max(0, start - 14), start)
    if not since or since.end() != start:
        return None
    origin = p["from"].search(folded, 0, since.start())
    s_pos = origin.start() if origin else since.start()
    return DateExpr(text[s_pos:end], "period", issue_date, end_day, s_pos, end)


def _as_of(text: str, folded: str, first: Atom, p) -> DateExpr | None:
    """截至7月底: the moment a status is reported, the month's last day; 截至…前 stays a deadline."""
    as_of = p["as_of"].search(folded, max(0, first.start - 3), first.start)
    if not as_of:
        return None
    after = p["after"].match(folded, first.end)
    if after and after.group().endswith(("前", "内")):
        return None
    if after:
        day = _last_day(first)
        return DateExpr(text[as_of.start():after.end()], "point", day, day, as_of.start(), after.end())
    return DateExpr(text[as_of.start():first.end], "point", _first_day(first), _last_day(first), as_of.start(), first.end)


def _single(text: str, folded: str, first: Atom, p) -> DateExpr:
    """One date: a deadline with 前/底 after it, 到/截止 before it or a verb of finishing after a month; else a point."""
    start_day, end_day, end = _first_day(first), _last_day(first), first.end
    dekad = p["dekad"].match(folded, end) if first.month and not first.day else None
    if dekad:
        start_day, end_day, end = _dekad(first, dekad)
    after = p["after"].match(folded, end)
    before = p["before"].search(folded, max(0, first.start - 6), first.start)
    if before and not after and p["level"].match(folded, end):  # 恢复到2019年的95%: a level, not a time limit
        before = None
    finished = first.month is not None and p["finished"].match(folded, end)
    if after or before or finished:
        s_pos = before.start() if before else first.start
        end = after.end() if after else end
        return DateExpr(text[s_pos:end], "deadline", None, end_day, s_pos, end)
    kind = "deadline" if _in_deadline_column(folded, first.start, end, p) \
        or p["deadline_label"].search(folded, max(0, first.start - DEADLINE_LABEL_MAX), first.start) else "point"
    return DateExpr(text[first.start:end], kind, None if kind == "deadline" else start_day, end_day, first.start, end)


DEADLINE_LABEL_MAX = 12  # characters of a time-limit label and its colon before its date


def _in_deadline_column(folded: str, start: int, end: int, p) -> bool:
    """Whether the date at start:end fills a table cell under a time-limit header (完成时限, 时间节点):
    the header row is the nearest row above, in the same table, with such a header in any cell."""
    line_start = folded.rfind("\n", 0, start) + 1
    line_end = folded.find("\n", end)
    line_end = len(folded) if line_end < 0 else line_end
    if "|" not in folded[line_start:line_end] or not p["cell_open"].search(folded, line_start, start) \
            or not p["cell_close"].match(folded, end, line_end):
        return False
    column = folded.count("|", line_start, start)
    while line_start > 0:
        above = folded.rfind("\n", 0, line_start - 1) + 1
        cells = folded[above:line_start - 1].split("|")
        if len(cells) == 1:  # a line with no cells: the table began below it
            return False
        if any(p["deadline_column"].search(cell) for cell in cells):
            return column < len(cells) and p["deadline_column"].search(cells[column]) is not None
        line_start = above
    return False


def _dekad(month: Atom, word: regex.Match) -> tuple[str | None, str | None, int]:
    """5月中旬, 4月初: the first and last day of that part of the month, and where its text ends."""
    return (*_part_days(month, word), word.end())


def _deadline_lists(found: list[DateExpr], folded: str) -> None:
    """In "于2023年6月15日、12月15日前", every date of the list shares the last one's 前."""
    for a, b in zip(found, found[1:]):
        gap = folded[a.char_end:b.char_start]
        if a.kind == "point" and b.kind == "deadline" and LIST_JOIN.fullmatch(gap) and a.end and a.start == a.end:
            a.kind, a.start = "deadline", None
