"""A notice's title and the title of the plan it issues, read from the lines above its body.

Lines are matched on their folded (simplified) form and returned as written, so 關於印發…的通知
gives the traditional title. Titles of sharing and mirror sites lose their page furniture first
("Page 13-", "(6篇)", ".docx").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import takewhile

import regex

from pipeline.stages.assignments import responsibilities
from pipeline import rules

SENTENCE_PUNCT = regex.compile(r"[。,;:!?、]")
HEADLINE_PUNCT = regex.compile(r"[。;!?]")
HAN = regex.compile(r"\p{Han}")
DATE_ONLY = regex.compile(r"^[•·]?\s*\(?\s*(?:(?:19|20)\d\d[-年./]\d{1,2}[-月./]\d{1,2}日?|[〇零○O一二三四五六七八九十]{4}年\p{Han}{1,3}月\p{Han}{1,3}日)\s*\)?$")
# A number alone on its line, perhaps in brackets ((皖政办秘〔2021〕82号) under the title), or with the
# signer a report to a higher body names beside it (签发人:王某).
DOC_NUMBER_LINE = regex.compile(r"^\(?(?P<number>[\p{Han}a-zāáǎàēéěèīíǐìōóǒòūúǔùü()]{1,16}[〔\[(]\s*(?:19|20)\d\d\s*[〕\])]\s*第?\d+\s*号)\)?"
                                r"(?:\s*\|?\s*签发人\s*:?[^:|]{0,24})?$")
SITE_OWNER = regex.compile(r"(?:政府|局|委员会|委|办公室|办公厅|网|网站|中心)$")
ATTACHMENT = regex.compile(r"^(?:\(此件[^()]*\)|附件\s*\d*\s*[::]?)$")  # lines between a letter and its plan
TITLE_TAIL = regex.compile(r"[(\[][^()\[\]]*[)\]]$|[”\"》]$")  # (2024—2026年), a closing quote
HAN6 = regex.compile(r"\p{Han}{6}")
SQUASH = regex.compile(r"[\s《》“”\"]")  # what a plan's title loses when it is compared with a line


@dataclass
class Found:
    text: str
    spans: list  # (start, end) in the document's text


@lru_cache(maxsize=1)
def patterns() -> dict[str, regex.Pattern]:
    cfg = rules.load("fields")
    words = cfg["title_words"]
    compiled = {key: regex.compile(cfg[key]) for key in (
        "issues_plan", "forwards_plan", "forwards_plan_lead", "lede_title", "addressee", "title_furniture_before",
        "title_furniture_after", "sharing_site", "addressee_lead", "dateline", "page_label", "outline_start", "masthead",
        "bracketed_date", "title_number", "site_name")}
    compiled["outline_line"] = regex.compile(cfg["outline_start"], regex.M)  # a line anywhere that opens the outline
    compiled["sharing_site_holds"] = re.compile("|".join(map(re.escape, cfg["sharing_site_holds"])))
    compiled["title_end"] = regex.compile(words + "$")
    compiled["addressee_words"] = regex.compile(cfg["addressee_words"])
    compiled["glued"] = regex.compile(
        rf"(?!为|根据|按照|现将|经)(?P<t>[^,。;:!?《》]{{4,60}}?{words})(?={cfg['glued_title_after']})")
    # "X关于…的通知" needs nothing after it to end: the frame closes the title wherever the page runs on
    compiled["glued_frame"] = regex.compile(r"(?P<t>[^,。;:!?《》]{2,40}?关于[^,。;:!?]{4,80}?的(?:通知|意见|通报|决定|报告|函|批复))")
    compiled["article"] = regex.compile(rf"^(?P<t>.{{4,60}}?{words})(?:范文)?(?:\((?:通用|精选)?\d+篇\))?\s*1$")
    return compiled


def is_addressee(folded: str) -> bool:
    """"各乡镇人民政府,县直各单位:" — not "天气预报:", which names no one."""
    p = patterns()
    return bool(p["addressee"].match(folded)) and bool(p["addressee_words"].search(folded))


def is_title_like(folded: str) -> bool:
    return len(folded) <= 90 and bool(patterns()["title_end"].search(dates_free(folded))) \
        and not SENTENCE_PUNCT.search(folded.replace("、", "")) and len(HAN.findall(folded)) >= 4


def dates_free(name: str) -> str:
    """A title's closing words, less a trailing (2024—2026年) or quote."""
    return TITLE_TAIL.sub("", name.strip())


def clean(folded: str) -> tuple[int, int]:
    """The span of a line left once a sharing site's furniture is stripped from both ends."""
    p = patterns()
    before = p["title_furniture_before"].match(folded)
    start = before.end() if before else 0
    # the site's name after the title first ("X的通知|某某县人民政府门户网站"), then a widget glued on before it (无障碍|X)
    after = p["title_furniture_after"].search(folded, start)
    end = after.start() if after and after.start() > start else len(folded)
    start = folded.rfind("|", start, end) + 1 if "|" in folded[start:end] else start
    if folded.endswith("号)", start, end):  # "X的意见(某政〔2025〕3号)": the number is no part of the title
        number = p["title_number"].search(folded, start, end)
        end = number.start() if number and number.start() > start else end
    while end > start and folded[end - 1] == " ":
        end -= 1
    return start, end


def sharing_site(head: str) -> bool:
    """Whether `head` (a notice's lines above its text) is a sharing site's: searched only where it
    holds what every match holds (rules/fields.toml sharing_site_holds), in a third of the pattern's time."""
    p = patterns()
    return p["sharing_site_holds"].search(head) is not None and p["sharing_site"].search(head) is not None


def is_furniture(folded: str, label: regex.Pattern) -> bool:
    """Lines that stand above a title without being it: labels, numbers, dates, mastheads."""
    p = patterns()
    text = folded.strip()
    return not text or bool(label.match(text) or p["page_label"].match(text) or DOC_NUMBER_LINE.match(text)
                            or DATE_ONLY.match(text) or p["masthead"].match(text) or p["dateline"].search(text)
                            or p["site_name"].match(text))


def title(lines, stop: int, label: regex.Pattern) -> Found | None:
    """The notice's own title: the first title-like line (or run of up to three) above its letter
    and body; else a compendium's first article, a headline above a dateline, a title glued to the
    first sentence, or the notice a news lede names. None where the page opens with its letter."""
    p = patterns()
    heads = list(takewhile(lambda line: line.start < stop, lines))
    article = _compendium_article(heads) if sharing_site("\n".join(l.folded for l in heads[:12])) else None
    if article:
        return article
    prose_seen = 0
    header = {id(body) for body in header_bodies(heads)}
    for i, line in enumerate(heads):
        folded = line.folded.strip()
        if not folded:
            continue
        if p["outline_start"].match(folded):
            return None
        inline = _title_before_label(line, label)
        if inline:
            return inline
        if is_furniture(folded, label):
            continue
        if is_addressee(folded) or p["addressee_lead"].match(folded):
            return None
        if _issuer_line(heads, i) or id(line) in header:
            continue
        run = _title_run(heads, i)
        if run:
            return run
        if _headline(folded) and (_above_label(heads, i, label) or _below_label_over_lede(heads, i, label)):
            return _whole(line)
        if SENTENCE_PUNCT.search(folded.replace("、", "")) and not _headline(folded):
            prose_seen += 1
            found = (_glued(line) if prose_seen == 1 else None) or (_lede(line) if prose_seen <= 2 else None)
            if found:
                return found
    return None


def _whole(line) -> Found:
    a, b = clean(line.folded)
    return Found(line.text[a:b], [(line.start + a, line.start + b)])


def _title_run(lines, i: int) -> Found | None:
    """Lines i… joined (at most three) when together they read as a title: "X关于印发…\n…的通知"."""
    # bodies stacked over the title's first line (a joint header set side by side) open it: each
    # name beyond the first leaves the title its three lines
    organ = rules.pattern(rules.load("fields")["organ_end"])
    names = sum(1 for _ in takewhile(lambda l: _is_body_line(l.folded.strip(), organ), lines[i:i + 4]))
    if names == 1 and i + 1 < len(lines):
        # a site's or owner's name over a whole title of its own that names its own body of the
        # same place ("某某县人民政府" over "某某县应急管理局2024年工作要点"); "X\n关于…" may be one title
        first, nxt = lines[i].folded.strip(), lines[i + 1].folded.strip()
        if nxt[:2] == first[:2] and not nxt.startswith("关于") and is_title_like(nxt):
            return None
    parts = []
    for line in lines[i:i + 3 + max(0, names - 1)]:
        a, b = clean(line.folded)
        folded = line.folded[a:b]
        if not folded or SENTENCE_PUNCT.search(folded.replace("、", "")) or is_addressee(line.folded):
            return None
        parts.append((line, a, b))
        if is_title_like("".join(l.folded[x:y] for l, x, y in parts)):
            return Found("".join(l.text[x:y] for l, x, y in parts), [(l.start + x, l.start + y) for l, x, y in parts])
    return None


def _issuer_line(lines, i: int) -> bool:
    """A red header's issuer on its own line, between the document number and "关于…"."""
    line = lines[i]
    above = [l for l in lines[:i] if l.folded.strip()]
    below = next((l for l in lines[i + 1:] if l.folded.strip()), None)
    return bool(above) and bool(DOC_NUMBER_LINE.match(above[-1].folded.strip())) and below is not None \
        and below.folded.lstrip().startswith("关于") and responsibilities.is_body(line.folded.strip())


def _is_body_line(folded: str, organ: regex.Pattern) -> bool:
    return bool(organ.search(folded)) and len(folded) <= 30 and responsibilities.is_body(folded)


def header_bodies(lines) -> list:
    """A joint red header: two bodies' names or more, each alone on its line, stacked straight above
    the "关于…" title line (side by side on the page, normalize set them on lines of their own). One
    name above 关于 may be the title's own first line ("X关于开展\n…的通知"), and is left to it."""
    organ = rules.pattern(rules.load("fields")["organ_end"])
    masthead = patterns()["masthead"]
    run = []
    for line in lines:
        folded = line.folded.strip()
        if not folded:
            continue
        if folded.startswith("关于") and len(run) >= 2:
            # "关于…的通知" whole on its line is the title under the header; a title begun on the
            # 关于 line and ended below is set as one block with the names over it, and they open it
            return run if is_title_like(folded) else []
        # the last name may carry the masthead's 文件, or 文件 stand alone under the names
        named = masthead.match(folded)
        if _is_body_line(named.group("who") if named else folded, organ) or folded == "文件" and run:
            run.append(line)
        elif run and DOC_NUMBER_LINE.match(folded):  # the number between the header and the title
            continue
        else:
            run = []
            if SENTENCE_PUNCT.search(folded.replace("、", "")):  # the letter has begun: no header below
                return []
    return []


def _headline(folded: str) -> bool:
    """A news headline: six Han characters or more, no full stop (a colon or comma may stand in it),
    not a body's name."""
    return len(HAN.findall(folded)) >= 6 and not HEADLINE_PUNCT.search(folded) and len(folded) <= 60 \
        and not SITE_OWNER.search(folded) \
        and "|" not in folded  # a site's owner above its 发布时间 line; a row of widgets or cells above a label row


def _above_label(lines, i: int, label: regex.Pattern) -> bool:
    """Whether the next line is the page's dateline or labelled source/time line."""
    p = patterns()
    nxt = next((l.folded.strip() for l in lines[i + 1:] if l.folded.strip()), "")
    return bool(p["dateline"].search(nxt) or p["page_label"].match(nxt) or label.match(nxt))


def _below_label_over_lede(lines, i: int, label: regex.Pattern) -> bool:
    """A headline under the page's label line ([来源:…][时间:…]) and over the story's first sentence."""
    p = patterns()
    above = next((l.folded.strip() for l in reversed(lines[:i]) if l.folded.strip()), "")
    below = next((l.folded.strip() for l in lines[i + 1:] if l.folded.strip()), "")
    return bool(above and (p["page_label"].match(above) or p["dateline"].search(above) or label.match(above))) \
        and bool(HEADLINE_PUNCT.search(below))


def _title_before_label(line, label: regex.Pattern) -> Found | None:
    """A news title running on into 时间:… on the same line."""
    hit = label.search(line.folded)
    if hit and hit.start() > 0 and HAN6.search(line.folded, 0, hit.start()):
        a, b = clean(line.folded[:hit.start()])
        return Found(line.text[a:b], [(line.start + a, line.start + b)])
    return None


def _compendium_article(lines) -> Found | None:
    """A sharing site's compendium ("…方案(6篇)"): the notice is its first article, "X1" or "X范文(通用7篇)1"."""
    for line in lines:
        match = patterns()["article"].match(line.folded.strip())
        if match:
            return Found(line.text[:match.end("t")], [(line.start, line.start + match.end("t"))])
    return None


def _glued(line) -> Found | None:
    """"X实施方案,为贯彻落实…": a title run into the first sentence of a flattened page."""
    a, _ = clean(line.folded)
    match = patterns()["glued"].match(line.folded, a) or patterns()["glued_frame"].match(line.folded, a)
    if match:
        return Found(line.text[a:match.end("t")], [(line.start + a, line.start + match.end("t"))])
    return None


def _lede(line) -> Found | None:
    """"…网站发布了《X关于印发…的通知》": the notice a news lede reports."""
    match = patterns()["lede_title"].search(line.folded)
    if match and is_title_like(match.group("title")):
        return Found(line.text[match.start("title"):match.end("title")],
                     [(line.start + match.start("title"), line.start + match.end("title"))])
    return None


def plan_title(title_text: str | None, title_folded: str | None, lines, letter_end: int, head: int) -> Found | None:
    """The plan a notice issues: "关于印发《X》的通知", else the letter's "现将《X》印发给你们",
    else the attached plan's own title line under the signature."""
    p = patterns()
    if title_folded:
        match = p["issues_plan"].search(title_folded)
        if match:
            plan = title_text[match.start("plan"):match.end("plan")].strip("《》“”\" ")
            return Found(plan, _plan_lines(plan, lines, letter_end))
    for line in lines:
        if line.start > head or letter_end and line.start >= letter_end:
            break
        match = p["forwards_plan_lead"].search(line.folded) or p["forwards_plan"].search(line.folded)
        if match:
            plan = line.text[match.start("plan"):match.end("plan")]
            return Found(plan, _plan_lines(plan, lines, letter_end))
    if letter_end:
        for i, line in enumerate(lines):
            if line.start >= letter_end and line.folded.strip() and not ATTACHMENT.match(line.folded.strip()):
                return _title_run(lines, i)
    return None


def _plan_lines(plan: str, lines, after: int) -> list:
    """The spans of the plan's own title where it stands under the letter (on one line or two)."""
    squashed = SQUASH.sub("", plan)
    for i, line in enumerate(lines):
        # a line that is the title, or opens it, holds its first character: that `in` spares the others their squashing
        if line.start < after or squashed and squashed[0] not in line.text:
            continue
        one = SQUASH.sub("", line.text)
        if one == squashed:
            return [(line.start, line.end)]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and one and squashed.startswith(one) and one + SQUASH.sub("", nxt.text) == squashed:
            return [(line.start, line.end), (nxt.start, nxt.end)]
    return []
