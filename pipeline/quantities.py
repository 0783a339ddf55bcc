"""Quantities: numbers with units, comparators, ranges, changes and frequencies.

Only Arabic numbers count, except in frequency expressions (每年至少进行一次),
which take any numeral; quoted names ("15条"), document numbers and dates are
left alone (SPEC, Quantities).
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import cn2an
import regex

from . import rules
from .records import Quantity

MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}


@lru_cache(maxsize=1)
def _p() -> dict:
    cfg = rules.load("quantities")
    before = {w: c for c, words in cfg["comparators"]["before"].items() for w in words}
    after = {w: c for c, words in cfg["comparators"]["after"].items() for w in words}
    changes = {w: d for d, words in cfg["changes"].items() for w in words}
    units = rules.alternation(cfg["units"])
    num = cfg["number"]
    second = num.replace("?P<num>", "?P<num2>")
    return {
        "cfg": cfg,
        "before": before, "after": after, "changes": changes,
        "quantity": regex.compile(
            rf"{num}(?:(?P<pct1>%)?(?P<mult1>万|亿)?{cfg['range_sep']}{second})?"
            rf"(?P<approx>余|多)?(?P<mult>万|亿)?(?P<approx2>余|多)?(?P<unit>{units})?", regex.V1),
        "before_re": regex.compile(rf"(?P<word>{rules.alternation(before)})\s*$"),
        "distant": {c: regex.compile(pattern) for c, pattern in cfg["comparators"]["distant"].items()},
        "reach": regex.compile(r"(?:达到|达)\s*$"),
        "after_re": regex.compile(rf"\s*(?P<word>{rules.alternation(after)})"),
        "change_re": regex.compile(rf"(?P<word>{rules.alternation(changes)})\s*$"),
        "freq": regex.compile(cfg["frequency"]["pattern"]),
        "paired": regex.compile(cfg["frequency"]["paired"]),
        "column_unit": regex.compile(cfg["column_unit"].replace("{units}", units)),
        "column_number": regex.compile(cfg["column_number"]),
        "not_counted": regex.compile("|".join(f"(?:{pattern})" for pattern in cfg["not_counted"])),
        "duration": regex.compile(cfg["duration_before"]),
        "rate_base": regex.compile(cfg["rate_base_after"]),
        "per": regex.compile(cfg["rate_base_before"]),
        "weak_after": regex.compile(cfg["weak_unit_after"]),
        "unitless_end": regex.compile(cfg["unitless_end"]),
        "scope": regex.compile(cfg["scope_after"]),
        "threshold": regex.compile(cfg["threshold_after"]),
        "counted": regex.compile(cfg["counted_after"]),
        "achievement": regex.compile(cfg["achievement_verbs"]),
        "clause_end": regex.compile(r"[,。;:!?\n]"),
        "statistic": regex.compile(cfg["statistic_before"]),
        "past": regex.compile(cfg["statistic_sentence"]),
        "sentence_end": regex.compile(r"[。;!?\n]"),
        "verbs": regex.compile(cfg["subject_verbs"]),
        "clause_start": regex.compile(r"[,。;:!?、\n“”()]"),
    }


def _float(text: str, mult: int = 1) -> float:
    """The number as written times 万/亿, multiplied in decimal so that 325.6亿 is 32560000000, not 32560000000.000004."""
    return float(Decimal(text.replace(",", "")) * mult)


def extract(text: str, folded: str, skip=(), news: bool = False) -> list[Quantity]:
    """Every quantity of `text` outside the `skip` spans (titles) and the names that hold numbers."""
    p = _p()
    taken: list[tuple[int, int]] = list(skip) + [m.span() for m in p["not_counted"].finditer(folded)]
    found = _frequencies(text, folded, taken) + _column_amounts(text, folded, taken, news)
    for match in p["quantity"].finditer(folded):
        if _inside(match.start(), taken):
            continue
        q = _quantity(text, folded, match, news)
        if q is not None:
            found.append(q)
    return sorted(found, key=lambda q: q.char_start)


def _inside(pos: int, spans) -> bool:
    return any(s <= pos < e for s, e in spans)


def _frequencies(text: str, folded: str, taken: list) -> list[Quantity]:
    p = _p()
    periods = p["cfg"]["frequency"]["periods"]
    out = []
    for match in p["freq"].finditer(folded):
        if _inside(match.start(), taken):
            continue
        n = match.group("n")
        value = float(n) if n.isdigit() else float(cn2an.cn2an(n.replace("两", "二"), "smart"))
        at_least = match.group("pre") or match.group("post") or regex.search(r"至少|不少于|不低于", match.group("mid"))
        out.append(Quantity(text[match.start():match.end()], value, text[match.start("unit"):match.end("unit")],
                            ">=" if at_least else "=", match.start(), match.end(), period=periods[match.group("period")],
                            subject=_subject_after(text, folded, match.end())))
        taken.append(match.span())
    for match in p["paired"].finditer(folded):
        if _inside(match.start(), taken):
            continue
        end = match.end() + 2
        out.append(Quantity(text[match.start():end], 1.0, "次", "=", match.start(), end, period=periods[match.group("period")]))
        taken.append((match.start(), end))
    return out


def _column_amounts(text: str, folded: str, taken: list, news: bool) -> list[Quantity]:
    """Bare numbers in a table column whose header states the unit: under 年度投资金额(万元), 300 is 3000000 元."""
    p = _p()
    out, columns, width = [], {}, 0
    for row in _table_rows(folded):
        heads = {j: (s, m) for j, (s, e) in enumerate(row or []) if (m := p["column_unit"].search(folded, s, e))}
        if row is None or heads:
            columns, width = heads, len(row or [])
            continue
        if len(row) != width:  # a row that does not line up with the header cannot be read by column
            continue
        for j, (head_start, head) in columns.items():
            start, end = row[j]
            if p["column_number"].fullmatch(folded, start, end) and not _inside(start, taken):
                value = _float(folded[start:end], MULTIPLIERS.get(head.group("mult") or "", 1))
                out.append(Quantity(text[start:end], value, text[head.start("unit"):head.end("unit")], "=", start, end,
                                    subject=text[head_start:head.start()] or None, kind="statistic" if news else "target"))
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


def _quantity(text: str, folded: str, m: regex.Match, news: bool) -> Quantity | None:
    p = _p()
    start, end = m.span()
    if _quoted(folded, start, end) or not _counts(folded, m):
        return None
    value, value_max = _values(m)
    comparator, start = _comparator_before(folded, start)
    after = p["after_re"].match(folded, end)
    if m.group("approx") or m.group("approx2"):
        comparator = "~"
    elif after and not (after.group("word") == "内" and comparator != "<=" and not _time_limit(m)):
        comparator = p["after"][after.group("word")]
        end = after.end()
    direction = None
    change = p["change_re"].search(folded[max(0, start - 6):start])
    if change:
        direction = p["changes"][change.group("word")]
        start -= len(change.group())
    unit = text[m.start("unit"):m.end("unit")] or None
    kind = _kind(folded, start, m.end(), end, news, m.group("unit"))
    return Quantity(text[start:end], value, unit, comparator, start, end, value_max=value_max, direction=direction,
                    subject=_subject(text, folded, start, end), kind=kind)


def _values(m: regex.Match) -> tuple[float, float | None]:
    """The number and a range's upper end; 万/亿 after the first end multiply it alone (1万至2万元)."""
    mult = MULTIPLIERS.get(m.group("mult") or "", 1)
    value = _float(m.group("num"), MULTIPLIERS.get(m.group("mult1") or "", mult))
    value_max = _float(m.group("num2"), mult) if m.group("num2") else None
    return value, value_max


def _counts(folded: str, m: regex.Match) -> bool:
    """Whether the number counts something: its unit, or the words around it, say so."""
    p = _p()
    start, end = m.span()
    unit = m.group("unit")
    window = folded[max(0, start - 6):start]
    if p["duration"].search(window) or p["per"].search(window):
        return False
    if unit not in ("%", "‰", "个百分点") and p["rate_base"].match(folded, end):
        return False
    if unit is None:
        return _unitless(folded, m)
    if unit in p["cfg"]["weak_units"]:
        return bool(p["before_re"].search(window) or p["change_re"].search(window) or p["weak_after"].match(folded, end))
    # "8大" counts only before what it counts ("8大领域")
    return unit != "大" or regex.match(r"\p{Han}", folded[end:end + 1]) is not None


def _unitless(folded: str, m: regex.Match) -> bool:
    """总投资1.2亿, 控制在6以内: a number with no unit written, multiplied or framed by a comparator."""
    p = _p()
    if m.group("mult"):
        return True
    framed = p["before_re"].search(folded[max(0, m.start() - 6):m.start()])
    return bool(framed) and p["before"][framed.group("word")] != "~" and p["unitless_end"].match(folded, m.end()) is not None


def _time_limit(m: regex.Match) -> bool:
    """5个工作日内办结, 30分钟内到达: a bare 内 after a unit of time sets a limit."""
    return m.group("unit") in _p()["cfg"]["time_units"]


def _comparator_before(folded: str, start: int) -> tuple[str, int]:
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


def _kind(folded: str, start: int, unit_end: int, end: int, news: bool, unit: str) -> str:
    p = _p()
    if news:
        return "statistic"
    share = unit in ("%", "‰")
    if not share and p["threshold"].match(folded, unit_end):
        return "scope"
    # what follows a span of time is what is done for that long (24小时值班), not what it counts
    counted = not share and unit not in p["cfg"]["time_units"] and p["counted"].match(folded, end)
    if (p["scope"].match(folded, unit_end) or counted) and not _achieved(folded, start):
        return "scope"
    if p["statistic"].search(folded[max(0, start - 20):start]) or _in_the_past(folded, start):
        return "statistic"
    return "target"


def _in_the_past(folded: str, start: int) -> bool:
    """A sentence that opens on the past reports what was done."""
    window = max(0, start - 300)
    sentence = max((m.end() for m in _p()["sentence_end"].finditer(folded, window, start)), default=window)
    return _p()["past"].match(folded, sentence) is not None


def _achieved(folded: str, start: int) -> bool:
    """A verb of making or reaching in the quantity's clause, before it."""
    p = _p()
    clause = max((m.end() for m in p["clause_end"].finditer(folded, max(0, start - 20), start)), default=max(0, start - 20))
    return p["achievement"].search(folded, clause, start) is not None


VERB_TAIL = regex.compile(r"(?:增长|提高|下降|降低|达到|达|为|在|至|不少于|不低于|至少)$")  # a subject ends before its verb
COMPARATOR_HEAD = regex.compile(r"^(?:以上|以下|以内|左右|的)+")  # …and after its comparator


def _subject(text: str, folded: str, start: int, end: int) -> str | None:
    """The noun phrase measured: before the number in its clause, else right after it."""
    p = _p()
    cut = max((m.end() for m in p["clause_start"].finditer(folded, max(0, start - 24), start)), default=max(0, start - 24))
    phrase = p["verbs"].sub("", folded[cut:start]).strip()
    phrase = VERB_TAIL.sub("", phrase)
    if len(phrase) >= 2:
        at = folded.rfind(phrase, cut, start)
        return text[at:at + len(phrase)]
    return _subject_after(text, folded, end)


def _subject_after(text: str, folded: str, end: int) -> str | None:
    stop = _p()["clause_start"].search(folded, end)
    phrase = text[end:stop.start() if stop else len(text)].strip()
    phrase = COMPARATOR_HEAD.sub("", phrase)
    return phrase[:20] or None
