"""Dates and periods: deadline, period, point and issued, resolved to ISO start and end.

Patterns live in rules/dates.toml and run on the simplified view of the text;
raw strings and offsets come from the normalised text itself.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import cn2an
import regex

from . import regions, rules
from .records import DateExpr

CN_DIGITS = str.maketrans("〇零○OoО一二三四五六七八九", "00000012345678" + "9")


@dataclass
class Atom:
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    explicit_year: bool


@lru_cache(maxsize=1)
def _patterns() -> dict[str, regex.Pattern]:
    cfg = rules.load("dates")
    y, m, d = cfg["year"], cfg["month"], cfg["day"]
    arabic_m = m.replace("|十[一二]?|[一二三四五六七八九]", "")
    arabic_d = r"(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]"
    atoms = [
        r"(?P<y>(?:19|20)\d\d)[-/.](?P<m>1[0-2]|0?[1-9])[-/.](?P<d>3[01]|[12]\d|0?[1-9])(?!\d)",
        rf"{y}(?:度)?(?:{m}(?:{d})?)?",
        cfg["year_bare"],
        rf"(?<![\d.])(?:{arabic_m})(?:(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]?)?",
    ]
    return {
        "atom": regex.compile("|".join(f"(?:{a})" for a in atoms), regex.V1),
        "day_only": regex.compile(arabic_d),
        "month_range": regex.compile(r"(?<![\d.])(?P<m1>1[0-2]|0?[1-9])\s*(?:至|到|-|—)\s*(?P<m2>1[0-2]|0?[1-9])\s*月"),
        "sep": regex.compile(cfg["range_sep"]),
        "after": regex.compile(cfg["deadline_after"]),
        "before": regex.compile(cfg["deadline_before"]),
        "recurring": regex.compile(cfg["recurring_before"]),
        "relative": regex.compile(rules.alternation(cfg["relative"])),
        "relative_not_before": regex.compile(cfg["relative_not_before"]),
        "relative_not_after": regex.compile(cfg["relative_not_after"]),
        "named_before": regex.compile(cfg["named_before"]),
        "from": regex.compile(r"(?:从|自)\s*$"),
        "since": regex.compile(r"(?:即日|现在|今日|本通知印发之日|印发之日)起\s*(?:至|到)\s*"),
    }


def _number(text: str | None) -> int | None:
    if not text:
        return None
    text = text.strip()
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(ch in "〇零○OoО一二三四五六七八九" for ch in text):
        return int(text.translate(CN_DIGITS))
    return int(cn2an.cn2an(text, "smart"))


def _atom(match: regex.Match, doc_year: int | None) -> Atom:
    year = _number(match.group("y")) if "y" in match.groupdict() else None
    month = _number(match.groupdict().get("m"))
    day = _number(match.groupdict().get("d"))
    return Atom(match.start(), match.end(), year or doc_year, month, day, year is not None)


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


def _in_spans(pos: int, spans) -> bool:
    return any(s <= pos < e for s, e in spans)


def _title_spans(folded: str) -> list[tuple[int, int]]:
    """《…》: years inside a plan's or a campaign's name are not dates."""
    return [m.span() for m in regex.finditer(r"《[^《》\n]*》", folded)]


def _names_a_plan(folded: str, end: int) -> bool:
    """2023年度温岭市安全生产…: a year that opens a region's named plan or campaign."""
    pattern = regions._names()[1]
    pos = end + (1 if folded[end:end + 1] == "度" else 0)
    return pattern.match(folded, pos) is not None


def extract(text: str, folded: str, doc_year: int | None, skip=(), issued=(), issue_date: str | None = None) -> list[DateExpr]:
    """Every date expression in `text`; `skip` spans (titles) hold none, `issued` spans are the notice's own dates."""
    p = _patterns()
    skip = list(skip) + _title_spans(folded)
    found: list[DateExpr] = []
    pos = 0
    while True:
        hit = _next(folded, pos, p)
        if hit is None:
            break
        expr, pos = _read(text, folded, hit, doc_year, p, issued, issue_date)
        if expr is not None and not _in_spans(expr.char_start, skip):
            found.append(expr)
    _deadline_lists(found, folded)
    return found


def _next(folded: str, pos: int, p) -> regex.Match | None:
    """The next atom, month range or relative word at or after `pos`, whichever comes first."""
    hits = [m for m in (p["atom"].search(folded, pos), p["month_range"].search(folded, pos), p["relative"].search(folded, pos)) if m]
    return min(hits, key=lambda m: (m.start(), -m.end())) if hits else None


def _read(text, folded, hit, doc_year, p, issued, issue_date):
    """One expression starting at `hit`; returns it (or None) and where to look next."""
    start, end = hit.span()
    if p["recurring"].search(folded, 0, start):
        return None, end
    if hit.re is p["relative"]:
        kind, first, last, offset = rules.load("dates")["relative"][hit.group()]
        if p["relative_not_before"].search(folded[max(start - 1, 0):start]) or p["relative_not_after"].match(folded, end):
            return None, end
        year = None if doc_year is None else doc_year + offset
        s = f"{year}-{first}" if first and year else None
        e = f"{year}-{last}" if year else None
        return DateExpr(text[start:end], kind, s, e, start, end), end
    if hit.re is p["month_range"]:
        a = Atom(start, end, doc_year, int(hit.group("m1")), None, False)
        b = Atom(start, end, doc_year, int(hit.group("m2")), None, False)
        return DateExpr(text[start:end], "period", _first_day(a), _last_day(b), start, end), end
    first = _atom(hit, doc_year)
    bare_year = first.explicit_year and first.month is None
    if not _valid(first) or bare_year and (_names_a_plan(folded, end) or p["named_before"].search(folded[max(0, start - 1):start])):
        return None, end
    if _in_spans(start, issued):
        return DateExpr(text[start:end], "issued", _first_day(first), _last_day(first), start, end), end
    kind, s_pos, last = "point", start, first
    since = p["since"].search(folded, max(0, start - 12), start)
    sep = p["sep"].match(folded, end)
    if sep:
        second = p["atom"].match(folded, sep.end()) or p["day_only"].match(folded, sep.end())
        if second:
            last = _atom(second, first.year if not ("y" in second.groupdict() and second.group("y")) else doc_year)
            if last.month is None and "y" not in second.groupdict():
                last.month = first.month
            if _valid(last):
                kind, end = "period", second.end()
                if p["from"].search(folded, max(0, start - 2), start):
                    s_pos = start - len(p["from"].search(folded, max(0, start - 2), start).group())
            else:
                last = first
    if kind == "point" and since and since.end() == start:
        since_start = since.start()
        origin = regex.search(r"(?:从|自)\s*$", folded[:since_start])
        s_pos = origin.start() if origin else since_start
        after = p["after"].match(folded, end)
        end = after.end() if after else end
        return DateExpr(text[s_pos:end], "period", issue_date if first.explicit_year else None, _last_day(first), s_pos, end), end
    after = p["after"].match(folded, end)
    before = p["before"].search(folded, max(0, s_pos - 6), s_pos)
    if kind == "point" and (after or before):
        kind = "deadline"
        end = after.end() if after else end
        s_pos = before.start() if before and folded[before.start():s_pos].startswith(("到", "截至", "截止")) else s_pos
        if before and "至" in before.group():
            s_pos = before.start()
    if kind == "period":
        return DateExpr(text[s_pos:end], kind, _first_day(first), _last_day(last), s_pos, end), end
    if kind == "deadline":
        return DateExpr(text[s_pos:end], kind, None, _last_day(first), s_pos, end), end
    return DateExpr(text[s_pos:end], kind, _first_day(first), _last_day(first), s_pos, end), end


def _deadline_lists(found: list[DateExpr], folded: str) -> None:
    """In "于2023年6月15日、12月15日前", every date of the list shares the last one's 前."""
    for a, b in zip(found, found[1:]):
        gap = folded[a.char_end:b.char_start]
        if a.kind == "point" and b.kind == "deadline" and regex.fullmatch(r"[、和及或与]?", gap) and a.end and a.start == a.end:
            a.kind, a.start = "deadline", None
