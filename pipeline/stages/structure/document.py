"""Document fields: title, plan title, issuer, number, dates, region and type.

Read from the metadata block where a site prints one (发文机关:…, | 成文日期 | …|), else from the
page's structure: the title above the letter, the signature (落款) and the date under it, a
bracketed date under the title, the letter's closing date, the print line (版记).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import takewhile

import regex

from pipeline.stages import regions
from pipeline.stages.assignments import responsibilities
from pipeline.stages.structure import genre, heading
from pipeline.stages.values import dates
from pipeline import rules
from pipeline.stages.structure.heading import DOC_NUMBER_LINE, SENTENCE_PUNCT
from pipeline.stages.reading.normalize import fold

# "益阳市大通湖区安全生产委员会 2020年4月2日印发": the print line's date is the notice's too.
PRINTED_TAIL = "印发"
PRINTED = regex.compile(rf"(?P<date>(?:19|20)\d\d年\d{{1,2}}月\d{{1,2}}日){PRINTED_TAIL}$")
ORGAN = regex.compile(r"(?:局|委|办|厅|政府|委员会|办公室|办事处|中心|指挥部|领导小组|党委|党组|部|处|院|公司|集团)$")
UNIT = regex.compile(r"自治区|自治州|省|市|州|盟|县|区|旗|镇|乡")
HAN3 = regex.compile(r"\p{Han}{3}")
YEAR = regex.compile(r"((?:19|20)\d\d)年")
NUMBER_VALUE = regex.compile(r"[^\s|:]{1,20}?[〔\[(]\s*(?:19|20)\d\d\s*[〕\])]\s*第?\d+\s*号")


@dataclass(slots=True)
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
    signatures: list = field(default_factory=list)  # (start, end) of each signature (its names and date) or closing date line
    print_lines: list = field(default_factory=list)  # (start, end) of each print line (版记)


@dataclass
class Signature:
    names: list  # the signing bodies' lines, top first (joint issuers sign on several)
    date: Line

    @property
    def start(self) -> int:
        return self.names[0].start if self.names else self.date.start


def split_lines(text: str, folded: str) -> list[Line]:
    # folding keeps every character where it stands, and no character folds to or from a line break:
    # the folded view splits into the same lines, with no slice per line
    lines, pos = [], 0
    for raw, folded_line in zip(text.split("\n"), folded.split("\n"), strict=True):
        end = pos + len(raw)
        lines.append(Line(pos, end, raw, folded_line))
        pos = end + 1
    return lines


# --- the metadata block ------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _label_pattern() -> tuple[regex.Pattern, dict[str, str]]:
    """A label followed by a colon; or filling a table cell (| 成文日期 | …); or, four characters
    or more, opening a line with its value straight after it (发文机关XX县人民政府). Not the end of
    a word naming a task's attribute (完成时间:, 资金来源:; fields.toml label_not_after)."""
    cfg = rules.load("fields")
    owner = {word: name for name, words in cfg["labels"].items() for word in words}
    words = rules.alternation(owner)
    long_words = rules.alternation(w for w in owner if len(w) >= 4)
    return regex.compile(
        rf"(?<!{cfg['label_not_after']})(?P<label>{words})\s*[:]\s*"
        rf"|(?:^|(?<=\|))\s*[•·]?\s*(?P<label>{words})\s*\|\s*"
        rf"|^[•·]?\s*(?P<label>{long_words})(?=[\p{{Han}}\d])"), owner


@lru_cache(maxsize=1)
def _label_words() -> re.Pattern:
    """Any label word, as literal text: every match of the label pattern holds one, so a line with
    none needs no scan by that pattern (a long first paragraph costs a tenth as much)."""
    return re.compile("|".join(re.escape(word) for word in _label_pattern()[1]))


def _date_value(folded: str, pos: int) -> tuple[str, tuple[int, int]] | None:
    match = dates._patterns()["atom"].match(folded, pos)
    if not match or match.group("y") is None:
        return None
    return dates._first_day(dates._atom(match, None)), match.span()


def _skip_blanks(folded: str, pos: int) -> int:
    while pos < len(folded) and folded[pos] in " |":
        pos += 1
    return pos


def metadata(lines: list[Line], head: int) -> tuple[dict, dict]:
    """Labelled values of the metadata block, and the spans of the date values by field (a site
    may print its block twice)."""
    pattern, owner = _label_pattern()
    found, spans = {}, {}
    above = None  # a label alone on the line above: a table's cells read down, the value under its label
    for line in lines:
        if line.start > head:
            break
        lone = _lone_label(line)
        if lone:
            above, hits = lone, []
        elif above is not None and line.folded.strip():
            above, hits = None, [_Under(above, line.folded)] if _fits(owner[above], line.folded.strip()) else []
        else:
            hits = list(pattern.finditer(line.folded)) if _label_words().search(line.folded) else []
        for i, hit in enumerate(hits):
            value_end = hits[i + 1].start() if i + 1 < len(hits) else len(line.text)
            value = line.text[hit.end():value_end].strip(" |•·")
            if "|" in value:
                value = value.split("|")[0].strip()
            name = owner[hit.group("label")]
            if not value or name == "other":
                continue
            if name == "doc_number" and (number := NUMBER_VALUE.match(value)):
                value = number.group()  # a run-on block goes on after the number's 号
            if name in ("issue_date", "publish_date"):
                date = _date_value(line.folded, _skip_blanks(line.folded, hit.end()))
                if not date:
                    continue
                value, (a, b) = date
                spans.setdefault(name, []).append((line.start + a, line.start + b))
            found.setdefault(name, value)
    return found, spans


def _fits(name: str, folded: str) -> bool:
    """Whether a line can be the value of a lone label above it: an empty cell (发布机构: with
    nothing after it) leaves its label over the title or the next label."""
    if name == "issuer":
        return bool(ORGAN.search(folded)) and responsibilities.is_body(folded) and not heading.is_title_like(folded)
    if name == "doc_number":
        return bool(DOC_NUMBER_LINE.match(folded))
    if name == "title":
        return heading.is_title_like(folded)
    return True  # a date must parse as one, and an other label's value is never kept


class _Under:
    """A value on the line under its lone label, read as a label hit at the line's start."""
    def __init__(self, label: str, folded: str):
        self.label, self.lead = label, len(folded) - len(folded.lstrip())

    def group(self, _name: str) -> str:
        return self.label

    def start(self) -> int:
        return self.lead

    def end(self) -> int:
        return self.lead


def _lone_label(line: Line) -> str | None:
    """The label word a line holds alone ("发文机关", "成文日期:", "文 号" folded to 文号), else None."""
    word = line.folded.strip(" :|•·")
    if len(word) > 8:  # no label is longer: most lines leave here
        return None
    word = word.replace(" ", "")
    return word if word in _label_pattern()[1] else None


def _unlabelled_publish_date(lines: list[Line], head: int, label: regex.Pattern) -> tuple[str, tuple] | None:
    """A bare date in the metadata block (•2023年09月15日 above •来源:…), or a site's dateline."""
    p = heading.patterns()
    content = [l for l in _head_lines(lines, head) if l.folded.strip()]
    for i, line in enumerate(content):
        folded = line.folded.strip(" •·")
        dateline = p["dateline"].search(line.folded)
        value = _date_value(line.folded, dateline.start("date")) if dateline else None
        if value:  # a dateline's date that is none (2024-06-00, a typo) is passed over
            return value[0], (line.start + value[1][0], line.start + value[1][1])
        if heading.DATE_ONLY.match(folded) and not folded.startswith("("):
            near = [l.folded.strip(" •·") for l in content[max(0, i - 1):i + 2] if l is not line]
            if any(label.match(n) or p["page_label"].match(n) for n in near):
                offset = line.folded.index(folded)
                value = _date_value(line.folded, offset)
                if value:
                    return value[0], (line.start + value[1][0], line.start + value[1][1])
        if p["outline_start"].match(folded) or heading.is_addressee(folded):
            break
    return None


# --- the signature and the notice's own dates ----------------------------------------------------

def _is_date_line(line: Line) -> regex.Match | None:
    """The date that is all of `line`, where it names its year. A line opening on no character a year
    opens on (rules/dates.toml year_opens), as most do, is not read: the patterns cost a line ten times the test."""
    folded = line.folded.strip()
    if folded[:1] not in dates._patterns()["year_opens"]:
        return None
    match = dates._patterns()["atom"].fullmatch(folded)
    return match if match and match.group("y") else None


def _is_name_line(line: Line) -> bool:
    return len(line.text) <= 40 and not SENTENCE_PUNCT.search(line.folded) and bool(HAN3.search(line.text))


def _signed_on_one_line(line: Line) -> Signature | None:
    """"泾县安全生产委员会 2023年5月26日": the body and its date on one line."""
    if len(line.text) > 60 or SENTENCE_PUNCT.search(line.folded):
        return None
    for start in dates._patterns()["atom_start"].finditer(line.folded):
        cut = start.start()
        date = Line(line.start + cut, line.end, line.text[cut:], line.folded[cut:])
        found = _is_date_line(date)
        if found and found.group("d"):
            name = Line(line.start, line.start + cut, line.text[:cut], line.folded[:cut])
            body = name.folded.strip()
            return Signature([name], date) if _is_name_line(name) and responsibilities.is_body(body) else None
    return None


def _signatures(lines: list[Line]) -> list[Signature]:
    """Body names standing just above a date line: the notice's 落款, and the plan's if it has one.
    A joint notice signs with a body on each line."""
    out = []
    for i, line in enumerate(lines):
        one_line = _signed_on_one_line(line)
        if one_line:
            out.append(one_line)
            continue
        if i == 0 or not _is_name_line(lines[i - 1]) or not _is_date_line(line):  # the cheaper test first
            continue
        if _lone_label(lines[i - 1]):  # 成文日期 over its date: a metadata table's cells read down
            continue
        names = [lines[i - 1]]
        for above in reversed(lines[max(0, i - 3):i - 1]):
            if not (_is_name_line(above) and responsibilities.is_body(above.folded.strip())
                    and responsibilities.is_body(names[0].folded.strip())):
                break
            names.insert(0, above)
        out.append(Signature(names, line))
    return out


def _own_dates(lines: list[Line], head: int, signatures: list[Signature]) -> list[tuple[str, Line, tuple]]:
    """Dates the notice gives itself beyond its signature's: (how, line, span) for a bracketed date
    under the title, the lone date line closing a cover letter, a date over a disclosure note
    closing the notice, and the print line's date."""
    p = heading.patterns()
    signed = {s.date.start for s in signatures}
    notes = _disclosure_notes(lines)
    out = []
    for i, line in enumerate(lines):
        if line.start <= head:
            folded = line.folded.strip()
            bracket = p["bracketed_date"].match(folded)
            if bracket:
                value = _date_value(line.folded, line.folded.index(bracket.group("date")))
                if value and value[1][1] - value[1][0] == len(bracket.group("date")):
                    out.append(("bracket", line, value))
            elif line.start not in signed and _is_date_line(line) and i and \
                    lines[i - 1].folded.rstrip().endswith(("。", ")")) and _is_date_line(line).group("d"):
                out.append(("letter", line, _date_value(line.folded, line.folded.index(folded))))
        elif line.start not in signed and i + 1 in notes and (date := _is_date_line(line)) and date.group("d"):
            out.append(("closing", line, _date_value(line.folded, line.folded.index(line.folded.strip()))))
        printed = PRINTED.search(line.folded) if line.folded.endswith(PRINTED_TAIL) else None
        if printed:
            out.append(("printed", line, _date_value(line.folded, printed.start("date"))))
    return out


def _disclosure_notes(lines: list[Line]) -> set[int]:
    """Which lines are disclosure notes ((此件主动公开)): the date above one closes the notice, signed
    or not. Read in one pass, not by a call for each line asking about the line below it."""
    note = rules.pattern(rules.load("fields")["disclosure_note"])
    return {i for i, line in enumerate(lines) if note.match(line.folded.strip())}


# --- the issuer ----------------------------------------------------------------------------------

def _joint(who: str, folded: str) -> str:
    """"中共海南省委海南省人民政府" → "中共海南省委、海南省人民政府": split where a second body
    opens with a place name and the part before it is a body of its own, not a bare place, nor a
    national organ whose local branch carries its name (国家税务总局温岭市税务局)."""
    for start, _, _ in regions.scan(folded, 1):
        before = folded[:start]
        if ORGAN.search(before) and responsibilities.is_body(before) and not regions.is_name(before) \
                and not before.startswith(("国家", "中国", "中华")) \
                and responsibilities.is_body(folded[start:]):
            return who[:start] + "、" + _joint(who[start:], folded[start:])
    return who


def _issuer(signature: Signature | None, title: heading.Found | None, meta: dict, lines: list[Line],
            head: int, text: str, folded: str) -> str | None:
    """In order: the signature, "X关于" in the title, the metadata block, a red header's "X文件",
    a title that opens with its issuer, a work report's "我代表X人民政府"."""
    cfg = rules.load("fields")
    if signature:
        return "、".join(_joint(l.text.strip(), l.folded.strip()) for l in signature.names)
    title_folded = fold(title.text) if title else ""
    match = rules.pattern(cfg["title_issuer"]).match(title_folded)
    if match:
        return _joint(title.text[:match.end("who")], match.group("who"))
    if meta.get("issuer"):  # joint bodies in one cell: "发布机构:X县应急管理局 X县教育局"
        return _joint(meta["issuer"], fold(meta["issuer"]))
    if undated := _undated_signature(lines, head):
        return undated
    if joint := heading.header_bodies(list(_head_lines(lines, head))):
        names = (line.text.strip().removesuffix("文件") for line in joint)
        return "、".join(name for name in names if name)
    for line in lines:
        if line.start > head:
            break
        masthead = heading.patterns()["masthead"].match(line.folded.strip())
        if masthead and responsibilities.is_body(masthead.group("who")):  # joint bodies glued: A、B
            return _joint(line.text.strip()[:len(masthead.group("who"))], masthead.group("who"))
    match = rules.pattern(cfg["title_opens_with"]).match(title_folded)
    if match and ORGAN.search(match.group("who")) and not regions.is_name(match.group("who")):
        return title.text[:match.end("who")]
    match = rules.pattern(cfg["speaks_for"]).search(folded, 0, head)
    return text[match.start("who"):match.end("who")] if match else None


def _undated_signature(lines: list[Line], head: int) -> str | None:
    """A cover letter signed with no date under it (the page dates it in brackets under the title):
    the body alone on the line after the letter's last sentence, "…请认真贯彻执行。" / "某某区防指办"."""
    content = [line for line in _head_lines(lines, head) if line.folded.strip()]
    for above, line in zip(content, content[1:]):
        name = line.folded.strip()
        if above.folded.rstrip().endswith("。") and _is_name_line(line) and ORGAN.search(name) \
                and responsibilities.is_body(name):
            return line.text.strip()
    return None


# --- the region ----------------------------------------------------------------------------------

def _region(issuer: str | None, title: str | None, plan: str | None, folded: str, number: str | None = None) -> dict:
    """From the issuer, else the title or plan title, else the division the text names as its own
    at the issuer's level (市人民政府 → a 市), else a provincial document number: one the text cites,
    or its own where the issuer is no lower than a province (a county's own 青政办〔2025〕9号 opens
    with the county's abbreviation, which may be a province's too)."""
    region = regions.locate(*(fold(t) if t else None for t in (issuer, title, plan)))
    if region["province"] is None and issuer and regex.search(rules.load("fields")["national_issuer"], fold(issuer)):
        return region
    unit = UNIT.search(fold(issuer)) if issuer and region["province"] is None else None
    if region["province"] is None:
        region = regions.from_text(folded, unit.group() if unit else regions.own_unit(folded))
    if region["province"] is None:
        if number and unit and unit.group() not in ("省", "自治区"):
            folded = folded.replace(fold(number), " " * len(number))
        region = regions.province_from_doc_number(folded)
    return region


# --- the whole -----------------------------------------------------------------------------------

def _head_lines(lines: list[Line], head: int):
    """The lines that start in the head, without looking at the rest."""
    return takewhile(lambda line: line.start <= head, lines)


def _doc_number(lines: list[Line], head: int) -> str | None:
    for line in lines:
        if line.start > head:
            break
        if match := DOC_NUMBER_LINE.match(line.folded):
            return line.text[match.start("number"):match.end("number")]
    return None


def _title_number(title: heading.Found | None, text: str, folded: str) -> str | None:
    """The number the page prints in brackets after the title, on the title's last line."""
    if not title or not title.spans:
        return None
    end = title.spans[-1][1]
    line_end = folded.find("\n", end)
    line_end = len(folded) if line_end == -1 else line_end
    match = heading.patterns()["title_number"].match(folded, end, line_end)
    return text[match.start("number"):match.end("number")] if match and match.end() == line_end else None


def extract(text: str, folded: str) -> Fields:
    cfg = rules.load("fields")
    lines = split_lines(text, folded)
    head = cfg["head_chars"]
    label, _ = _label_pattern()
    meta, meta_spans = metadata(lines, head)
    if heading.sharing_site(folded[:head]):  # a sharing site's posting time is not the notice's
        meta.pop("publish_date", None)
        meta_spans.pop("publish_date", None)
    elif "publish_date" not in meta:
        bare = _unlabelled_publish_date(lines, head, label)
        if bare:
            meta["publish_date"], meta_spans["publish_date"] = bare[0], [bare[1]]
    signatures = _signatures(lines)
    signature = signatures[0] if signatures else None
    own = _own_dates(lines, head, signatures)
    letter = [line for how, line, _ in own if how == "letter"]
    letter_end = signature.date.end if signature else (letter[0].end if letter else 0)

    title = heading.title(lines, min(head, signature.start if signature else len(text)), label) \
        if "title" not in meta else heading.Found(meta["title"], [])
    plan = heading.plan_title(title.text if title else None, fold(title.text) if title else None, lines, letter_end, head)
    issue_date = meta.get("issue_date") or (dates._first_day(dates._atom(_is_date_line(signature.date), None)) if signature else None)
    for how in ("bracket", "letter", "closing", "printed"):
        issue_date = issue_date or next((value for h, _, (value, _) in own if h == how), None)

    issuer = _issuer(signature, title, meta, lines, head, text, folded)
    title_text, plan_text = (title.text if title else None), (plan.text if plan else None)
    shape = genre.Shape(
        letter=bool(signature or letter or any(heading.is_addressee(l.folded.strip()) for l in _head_lines(lines, head))),
        dateline=bool(heading.patterns()["dateline"].search(folded[:head])),
        numbered=bool(heading.patterns()["outline_line"].search(folded)))
    values = {
        "title": title_text,
        "plan_title": plan_text,
        "issuer": issuer,
        "doc_number": (number := meta.get("doc_number") or _doc_number(lines, head) or _title_number(title, text, folded)),
        "issue_date": issue_date,
        "publish_date": meta.get("publish_date"),
        **_region(issuer, title_text, plan_text, folded, number),
        "doc_type": genre.doc_type(title_text, plan_text, folded, shape),
    }
    spans = [span for found in meta_spans.values() for span in found] + [(s.date.start, s.date.end) for s in signatures]
    spans += [(line.start + a, line.start + b) for _, line, (_, (a, b)) in own]
    title_spans = _copies(folded, fold(title_text), title.spans) if title else []
    copies = rules.pattern(cfg["copies_line"])
    # a closing date over its disclosure note ends no item: an attached duty list may follow it
    stops = sorted([s.start for s in signatures] + [line.start for how, line, _ in own if how not in ("bracket", "closing")]
                   + [line.start for line in lines if copies.match(line.folded)])
    sig_start = signature.start if signature else len(text)
    # a closing date stands after the body: it marks no end of the head
    closing = {line.start for how, line, _ in own if how == "closing"}
    head_spans = [(s, e) for s, e in title_spans + spans if e <= sig_start and folded.rfind("\n", 0, s) + 1 not in closing]
    body_start = max([e for _, e in head_spans], default=0)
    return Fields(values, spans, title_spans + (plan.spans if plan else []), body_start,
                  signature.start if signature else 0, stops,
                  sorted([(s.start, s.date.end) for s in signatures] + [(l.start, l.end) for how, l, _ in own if how in ("letter", "closing")]),
                  [(line.start, line.end) for how, line, _ in own if how == "printed"])


def _copies(folded: str, title: str, spans: list) -> list[tuple[int, int]]:
    """The title's spans, and those of its copies (a page prints it as a catalogue's 标题 and again
    over the text; a letter repeats it): a year in any of them is the title's, no date."""
    out = list(spans)
    if len(title) < rules.load("fields")["title_copy_min"]:
        return out
    at = folded.find(title)
    while at != -1:
        if not any(s <= at < e for s, e in spans):
            out.append((at, at + len(title)))
        at = folded.find(title, at + len(title))
    return sorted(out)


def notice_year(values: dict) -> int | None:
    """The year relative dates resolve against: the notice's own date, else its title's year."""
    for key in ("issue_date", "publish_date"):
        if values.get(key):
            return int(values[key][:4])
    for key in ("plan_title", "title"):
        match = YEAR.search(values.get(key) or "")
        if match:
            return int(match.group(1))
    return None
