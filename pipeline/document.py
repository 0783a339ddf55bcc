"""Document fields: title, plan title, issuer, number, dates, region and type.

Read from the metadata block where a site prints one (发文机关:…), else from the
title, the signature (落款) and the date line under it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from . import dates, regions, responsibilities, rules
from .normalize import fold

DOC_NUMBER_LINE = regex.compile(r"^[\p{Han}a-zāáǎàēéěèīíǐìōóǒòūúǔùü()]{1,16}[〔\[(]\s*(?:19|20)\d\d\s*[〕\])]\s*第?\d+\s*号$")
TITLE_TAIL = regex.compile(r"[(\[][^()\[\]]*[)\]]$|[”\"》]$")  # (2024—2026年), a closing quote
SENTENCE_PUNCT = regex.compile(r"[。,;:!?、]")
ADDRESSEE = regex.compile(r"[:]$")
HAN = regex.compile(r"\p{Han}")
# A news page's dateline: a date with a clock time near the top ("2021年08月06日08:02 |来源:宁夏日报").
DATELINE = regex.compile(r"(?P<date>(?:19|20)\d\d(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日))\s*\d{1,2}:\d{2}")
# "益阳市大通湖区安全生产委员会 2020年4月2日印发": the print line's date is the notice's too.
PRINTED = regex.compile(r"(?P<date>(?:19|20)\d\d年\d{1,2}月\d{1,2}日)印发$")


@dataclass
class Line:
    start: int
    end: int
    text: str
    folded: str


@dataclass
class Fields:
    values: dict = field(default_factory=dict)
    issued: list = field(default_factory=list)  # spans of the notice's own dates
    skip: list = field(default_factory=list)  # spans of title lines: no dates or quantities there
    body_start: int = 0  # after the title and the metadata
    body_end: int = 0  # where the first signature starts, 0 if none
    stops: list = field(default_factory=list)  # starts of signature and print lines: no task runs over them


def split_lines(text: str, folded: str) -> list[Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        lines.append(Line(pos, pos + len(raw), raw, folded[pos:pos + len(raw)]))
        pos += len(raw) + 1
    return lines


@lru_cache(maxsize=1)
def _label_pattern() -> tuple[regex.Pattern, dict[str, str]]:
    labels = rules.load("fields")["labels"]
    owner = {word: name for name, words in labels.items() for word in words}
    return regex.compile(rf"(?P<label>{rules.alternation(owner)})\s*[:]\s*"), owner


def metadata(lines: list[Line], head: int) -> tuple[dict, list]:
    """Labelled values of the metadata block, and the spans of those values."""
    pattern, owner = _label_pattern()
    found, spans = {}, []
    for line in lines:
        if line.start > head:
            break
        hits = list(pattern.finditer(line.folded))
        for i, hit in enumerate(hits):
            value_end = hits[i + 1].start() if i + 1 < len(hits) else len(line.text)
            value = line.text[hit.end():value_end].strip(" |•·")
            if "|" in value:
                value = value.split("|")[0].strip()
            name = owner[hit.group("label")]
            if not value or name == "other":
                continue
            if name in ("issue_date", "publish_date"):
                date = dates._patterns()["atom"].match(line.folded, hit.end())
                if not date or date.group("y") is None:
                    continue
                value = dates._first_day(dates._atom(date, None))
                spans.append((line.start + date.start(), line.start + date.end()))
            found.setdefault(name, value)
    return found, spans


def _is_date_line(line: Line) -> regex.Match | None:
    match = dates._patterns()["atom"].fullmatch(line.folded.strip())
    return match if match and match.group("y") else None


def _signatures(lines: list[Line]) -> list[tuple[Line, Line]]:
    """Body names standing just above a date line: the notice's 落款, and the plan's if it has one."""
    return [(above, line) for above, line in zip(lines, lines[1:])
            if _is_date_line(line) and len(above.text) <= 40 and not SENTENCE_PUNCT.search(above.folded)
            and regex.search(r"\p{Han}{3}", above.text)]


def _title_like(folded: str) -> bool:
    cfg = rules.load("fields")
    return len(folded) <= 90 and bool(rules.pattern(cfg["title_ends"]).search(folded)) and not SENTENCE_PUNCT.search(folded.replace("、", ""))


def _title(lines: list[Line], head: int, stop: int) -> tuple[str, list] | None:
    """The first title-like line (or pair of lines) in the head, before `stop`."""
    pattern, _ = _label_pattern()
    for i, line in enumerate(lines):
        if line.start >= min(head, stop):
            break
        if ADDRESSEE.search(line.folded) or DOC_NUMBER_LINE.match(line.folded) or _is_date_line(line):
            continue
        label = pattern.search(line.folded)
        if label and label.start() == 0:
            continue
        if label:  # a news title runs on into 时间:… on the same line
            candidate = line.text[:label.start()]
            if regex.search(r"\p{Han}{6}", candidate):
                return candidate, [(line.start, line.start + label.start())]
            continue
        if _title_like(line.folded):
            cut = line.text.rfind("|") + 1  # 无障碍|标题: a widget's label glued to the title
            return line.text[cut:], [(line.start + cut, line.end)]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt and not SENTENCE_PUNCT.search(line.folded) and not responsibilities.is_body(line.folded) \
                and len(HAN.findall(line.folded)) >= 4 and "|" not in line.folded \
                and _title_like(line.folded + nxt.folded):
            return line.text + nxt.text, [(line.start, nxt.end)]
    return None


def _news_title(lines: list[Line], head: int, meta: dict, spans: list) -> tuple[str | None, list]:
    """A news item's headline: the line above its dateline, whose date is the publish date."""
    for i, line in enumerate(lines):
        if line.start > head:
            break
        match = DATELINE.search(line.folded)
        if not match:
            continue
        spans.append((line.start + match.start("date"), line.start + match.end("date")))
        meta.setdefault("publish_date", dates._first_day(dates._atom(dates._patterns()["atom"].match(match.group("date")), None)))
        for above in reversed(lines[max(0, i - 3):i]):
            if len(HAN.findall(above.folded)) >= 6 and not SENTENCE_PUNCT.search(above.folded):
                return above.text, [(above.start, above.end)]
        break
    return None, []


def _plan_title(title: str | None, lines: list[Line], after: int) -> tuple[str | None, list]:
    """The plan a notice issues: from "关于印发《X》的通知", or the title line under the signature."""
    if title:
        match = regex.search(rules.load("fields")["issues_plan"], fold(title))
        if match:
            plan = title[match.start("plan"):match.end("plan")].strip("《》“”\" ")
            spans = [(line.start, line.end) for line in lines if line.start >= after and line.text.strip("《》") == plan]
            return plan, spans[:1]
    for line in lines:
        if after and line.start >= after and line.text.strip():
            if _title_like(line.folded):
                return line.text, [(line.start, line.end)]
            break
    return None, []


def _issuer(title: str | None, signature) -> str | None:
    if signature:
        return signature[0].text
    if title:
        match = regex.match(r"^(?P<who>\p{Han}[^关]{1,30}?)(?:关于|關于|關於)", title)
        if match:
            return match.group("who")
    return None


def _doc_number(lines: list[Line], head: int) -> str | None:
    for line in lines:
        if line.start > head:
            break
        if DOC_NUMBER_LINE.match(line.folded):
            return line.text
    return None


def _doc_type(title: str | None, plan_title: str | None, text: str, has_signature: bool) -> str:
    cfg = rules.load("fields")
    for name in (plan_title, title):
        if not name:
            continue
        name = dates_free(fold(name))
        for pattern, kind in cfg["doc_types"]:
            if rules.pattern(pattern).search(name):
                return kind
    if not has_signature and rules.pattern(cfg["news_cues"]).search(text[:2000]):
        return "新闻"
    return "其他"


def dates_free(name: str) -> str:
    """A title's closing words, less a trailing (2024—2026年) or quote."""
    return TITLE_TAIL.sub("", name.strip())


def extract(text: str, folded: str) -> Fields:
    cfg = rules.load("fields")
    lines = split_lines(text, folded)
    head = cfg["head_chars"]
    meta, spans = metadata(lines, head)
    signatures = _signatures(lines)
    signature = signatures[0] if signatures else None
    sig_end = signature[1].end if signature else 0
    found = _title(lines, head, signature[0].start if signature else len(text))
    title, title_spans = (meta["title"], []) if "title" in meta else (found or (None, []))
    plan_title, plan_spans = _plan_title(title, lines, sig_end)
    if title is None:
        title, title_spans = _news_title(lines, head, meta, spans)
    issue_date = meta.get("issue_date")
    if issue_date is None and signature:
        issue_date = dates._first_day(dates._atom(_is_date_line(signature[1]), None))
    spans += [(date_line.start, date_line.end) for _, date_line in signatures]
    printed = [(line, m) for line in lines if (m := PRINTED.search(line.folded))]
    spans += [(line.start + m.start(), line.start + m.end("date")) for line, m in printed]
    stops = sorted([above.start for above, _ in signatures] + [line.start for line, _ in printed])
    issuer = _issuer(title, signature) or meta.get("issuer")
    region = regions.locate(*(fold(t) if t else None for t in (issuer, title, plan_title)))
    if region["province"] is None:
        region = regions.province_from_doc_number(folded)
    values = {
        "title": title,
        "plan_title": plan_title,
        "issuer": issuer,
        "doc_number": meta.get("doc_number") or _doc_number(lines, head),
        "issue_date": issue_date,
        "publish_date": meta.get("publish_date"),
        **region,
        "doc_type": _doc_type(title, plan_title, folded, signature is not None),
    }
    body_start = max([e for _, e in title_spans + spans if e <= (signature[0].start if signature else len(text))], default=0)
    return Fields(values, spans, title_spans + plan_spans, body_start, signature[0].start if signature else 0, stops)


def notice_year(values: dict) -> int | None:
    """The year relative dates resolve against: the notice's own date, else its title's year."""
    for key in ("issue_date", "publish_date"):
        if values.get(key):
            return int(values[key][:4])
    for key in ("plan_title", "title"):
        match = regex.search(r"((?:19|20)\d\d)年", values.get(key) or "")
        if match:
            return int(match.group(1))
    return None
