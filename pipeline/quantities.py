"""Quantities: numbers with units, comparators, ranges, changes and frequencies.

Only Arabic numbers count, except in frequency expressions (每年至少进行一次),
which take any numeral; quoted names ("15条"), document numbers and dates are
left alone (SPEC, Quantities).
"""
from __future__ import annotations

from functools import lru_cache

import cn2an
import regex

from . import rules
from .records import Quantity


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
            rf"{num}(?:(?P<pct1>%)?{cfg['range_sep']}{second})?"
            rf"(?P<approx>余|多)?(?P<mult>万|亿)?(?P<approx2>余|多)?(?P<unit>{units})?", regex.V1),
        "before_re": regex.compile(rf"(?P<word>{rules.alternation(before)})\s*$"),
        "reach": regex.compile(r"(?:达到|达)\s*$"),
        "after_re": regex.compile(rf"\s*(?P<word>{rules.alternation(after)})"),
        "change_re": regex.compile(rf"(?P<word>{rules.alternation(changes)})\s*$"),
        "freq": regex.compile(cfg["frequency"]["pattern"]),
        "paired": regex.compile(cfg["frequency"]["paired"]),
        "scope": regex.compile(cfg["scope_after"]),
        "counted": regex.compile(cfg["counted_after"]),
        "achievement": regex.compile(cfg["achievement_verbs"]),
        "clause_end": regex.compile(r"[,。;:!?\n]"),
        "statistic": regex.compile(cfg["statistic_before"]),
        "verbs": regex.compile(cfg["subject_verbs"]),
        "clause_start": regex.compile(r"[,。;:!?、\n“”()]"),
    }


def _float(text: str) -> float:
    return float(text.replace(",", ""))


def extract(text: str, folded: str, skip=(), news: bool = False) -> list[Quantity]:
    """Every quantity of `text` outside the `skip` spans (titles)."""
    p = _p()
    taken: list[tuple[int, int]] = list(skip)
    found = _frequencies(text, folded, taken)
    for match in p["quantity"].finditer(folded):
        if not match.group("unit") or any(s <= match.start() < e for s, e in taken):
            continue
        q = _quantity(text, folded, match, news)
        if q is not None:
            found.append(q)
    return sorted(found, key=lambda q: q.char_start)


def _frequencies(text: str, folded: str, taken: list) -> list[Quantity]:
    p = _p()
    periods = p["cfg"]["frequency"]["periods"]
    out = []
    for match in p["freq"].finditer(folded):
        n = match.group("n")
        value = float(n) if n.isdigit() else float(cn2an.cn2an(n.replace("两", "二"), "smart"))
        at_least = match.group("pre") or regex.search(r"至少|不少于|不低于", match.group("mid"))
        out.append(Quantity(text[match.start():match.end()], value, "次" if match.group("unit") == "次" else match.group("unit"),
                            ">=" if at_least else "=", match.start(), match.end(), period=periods[match.group("period")],
                            subject=_subject_after(text, folded, match.end())))
        taken.append(match.span())
    for match in p["paired"].finditer(folded):
        if any(s <= match.start() < e for s, e in taken):
            continue
        end = match.end() + 2
        out.append(Quantity(text[match.start():end], 1.0, "次", "=", match.start(), end, period=periods[match.group("period")]))
        taken.append((match.start(), end))
    return out


def _quoted(folded: str, start: int, end: int) -> bool:
    """“15条”, "1+8": a number that names a thing rather than counts it."""
    return folded[max(0, start - 1):start] in ("“", '"', "+") or folded[end:end + 1] in ("”", '"', "+")


def _quantity(text: str, folded: str, m: regex.Match, news: bool) -> Quantity | None:
    p = _p()
    start, end = m.span()
    unit = m.group("unit")
    if _quoted(folded, start, end) or unit in p["cfg"]["weak_units"] and not p["before_re"].search(folded[max(0, start - 6):start]):
        return None
    if unit in ("万",) or (unit == "大" and not regex.match(r"\p{Han}", folded[end:end + 1])):
        return None
    mult = {"万": 1e4, "亿": 1e8}.get(m.group("mult") or "", 1.0)
    value = _float(m.group("num")) * mult
    value_max = _float(m.group("num2")) * mult if m.group("num2") else None
    comparator, start = _comparator_before(folded, start)
    after = p["after_re"].match(folded, end)
    if m.group("approx") or m.group("approx2"):
        comparator = "~"
    elif after and not (after.group("word") == "内" and comparator != "<="):
        comparator = p["after"][after.group("word")]
        end = after.end()
    direction = None
    change = p["change_re"].search(folded[max(0, start - 6):start])
    if change:
        direction = p["changes"][change.group("word")]
        start -= len(change.group())
    kind = _kind(folded, start, m.end(), end, news, unit)
    return Quantity(text[start:end], value, unit, comparator, start, end, value_max=value_max, direction=direction,
                    subject=_subject(text, folded, start, end), kind=kind)


def _comparator_before(folded: str, start: int) -> tuple[str, int]:
    p = _p()
    window = folded[max(0, start - 6):start]
    hit = p["before_re"].search(window)
    if hit:
        return p["before"][hit.group("word")], start - len(hit.group())
    reach = p["reach"].search(window)
    if reach:
        return "=", start - len(reach.group())
    return "=", start


def _kind(folded: str, start: int, unit_end: int, end: int, news: bool, unit: str) -> str:
    p = _p()
    if news:
        return "statistic"
    counted = unit not in ("%", "‰") and p["counted"].match(folded, end)
    if (p["scope"].match(folded, unit_end) or counted) and not _achieved(folded, start):
        return "scope"
    if p["statistic"].search(folded[max(0, start - 20):start]):
        return "statistic"
    return "target"


def _achieved(folded: str, start: int) -> bool:
    """A verb of making or reaching in the quantity's clause, before it."""
    p = _p()
    clause = max((m.end() for m in p["clause_end"].finditer(folded, max(0, start - 20), start)), default=max(0, start - 20))
    return p["achievement"].search(folded, clause, start) is not None


def _subject(text: str, folded: str, start: int, end: int) -> str | None:
    """The noun phrase measured: before the number in its clause, else right after it."""
    p = _p()
    cut = max((m.end() for m in p["clause_start"].finditer(folded, max(0, start - 24), start)), default=max(0, start - 24))
    phrase = p["verbs"].sub("", folded[cut:start]).strip()
    phrase = regex.sub(r"(?:增长|提高|下降|降低|达到|达|为|在|至|不少于|不低于|至少)$", "", phrase)
    if len(phrase) >= 2:
        at = folded.rfind(phrase, cut, start)
        return text[at:at + len(phrase)]
    return _subject_after(text, folded, end)


def _subject_after(text: str, folded: str, end: int) -> str | None:
    stop = _p()["clause_start"].search(folded, end)
    phrase = text[end:stop.start() if stop else len(text)].strip()
    phrase = regex.sub(r"^(?:以上|以下|以内|左右|的)+", "", phrase)
    return phrase[:20] or None
