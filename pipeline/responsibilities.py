"""Responsibility clauses: who leads, supports, is responsible for or supervises a task.

Finds the clauses (bracketed at a task's end or middle, labelled lines under it),
splits their body lists, and gives each body its role from the cue words in
rules/roles.toml.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from . import bodies, gazetteer, regions, rules
from .records import Assignment, Clause
from .spans import Spans

ROLES = ("lead", "support", "responsible", "supervise")
_CLAUSE_BEFORE = regex.compile(r"[。;!?)〕\n]$")
SENTENCE_MARKS = regex.compile(r"[。:“”\"]")  # a part holding these is prose, not a name
HARD_SEPARATORS = regex.compile(r"[、,;/]")
BRACKETS = regex.compile(r"\((?:[^()\n]|\([^()\n]*\))*\)|〔[^〔〕\n]*〕")


@lru_cache(maxsize=1)
def _cfg() -> dict:
    cfg = rules.load("roles")
    cue_role = {w: role for role in ROLES for w in cfg["cues"][role]}
    label_role = {w: role for role in (*ROLES, "ignore") for w in cfg["labels"][role]}
    pat = cfg["patterns"]
    return {
        "cue_role": cue_role,
        "label_role": label_role,
        "cue": regex.compile(rf"(?P<cue>{rules.alternation(cue_role)})(?=$|[,;。、:]|\s)"),
        "cue_word": regex.compile(rules.alternation(cue_role)),
        "label": regex.compile(rf"(?P<label>{rules.alternation(label_role)})\s*[:]\s*"),
        "label_line": regex.compile(rf"^\s*(?:{rules.alternation(label_role)})\s*[:]"),
        "together": regex.compile(pat["together"]),
        "opener": regex.compile(pat["opener"]),
        "carry_over": regex.compile(pat["carry_over"]),
        "first_leads": regex.compile(pat["first_leads"]),
        "etc": regex.compile(pat["etc_tail"]),
        "etc_named": regex.compile(pat["etc_named"]),
        "short_name": regex.compile(pat["short_name"]),
        "soft": regex.compile(pat["soft_separators"]),
        "suffix": regex.compile(rf"(?:{rules.alternation(cfg['bodies']['suffixes'])})(?:\([^()]*\))?$"),
        "not_body": regex.compile(cfg["bodies"]["not_bodies"]),
        "collective": regex.compile(cfg["bodies"]["collectives"]),
        "sentences": _sentence_patterns(cfg["sentences"], rules.alternation(cue_role)),
    }


def _sentence_patterns(cfg: dict, cues: str) -> dict:
    out = {name: regex.compile(cfg[name].replace("{cues}", cues))
           for name in ("by", "mainly", "subject", "follow", "together", "heading")}
    out["heading_not_bodies"] = regex.compile(cfg["heading_not_bodies"])
    return out


def is_body(part: str) -> bool:
    c = _cfg()
    part = part.strip()
    if not part or len(part) > 40 or c["not_body"].match(part) or SENTENCE_MARKS.search(part):
        return False
    return bool(c["collective"].match(part) or c["suffix"].search(part) or regions.is_name(part)
                or part in gazetteer.offices())  # the entities' gazetteer: 县科协 ends like no body


def _top_level_split(text: str, sep: regex.Pattern) -> list[tuple[int, int]]:
    """Spans of `text` between separators that stand outside brackets."""
    spans, depth, start, pos = [], 0, 0, 0
    while pos < len(text):
        ch = text[pos]
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        match = sep.match(text, pos) if depth == 0 else None
        if match and match.end() > pos:
            spans.append((start, pos))
            start = pos = match.end()
            continue
        pos += 1
    spans.append((start, len(text)))
    return spans


def split_bodies(text: str, offset: int) -> list[tuple[str, int, int]]:
    """Bodies of a list, as (body, start, end); 和/及 split only where both sides are bodies."""
    c = _cfg()
    out = []
    for s, e in _top_level_split(text, HARD_SEPARATORS):
        for body, bs, be in _split_soft(text[s:e], s):
            body_s = bs + len(body) - len(body.lstrip())
            body = body.strip()
            body = c["etc"].sub("", body) if not c["collective"].match(body) else body
            if body:
                out.append((body, offset + body_s, offset + body_s + len(body)))
    return out


def _split_soft(part: str, offset: int) -> list[tuple[str, int, int]]:
    c = _cfg()
    for match in c["soft"].finditer(part):
        left, right = part[:match.start()], part[match.end():]
        if is_body(left) and (is_body(right) or is_body(c["etc"].sub("", right))):
            rest = _split_soft(right, offset + match.end())
            return [(left, offset, offset + len(left))] + rest
    return [(part, offset, offset + len(part))]


def _role_groups(content: str, offset: int) -> list[Assignment] | None:
    """Bodies and roles of an unlabelled clause: "A、B牵头,C配合", "A会同B负责", a bare list."""
    c = _cfg()
    out: list[Assignment] = []
    pos = 0
    for cue in c["cue"].finditer(content):
        segment = content[pos:cue.start()]
        seg_offset = offset + pos
        pos = cue.end()
        role = c["cue_role"][cue.group("cue")]
        together = c["together"].match(segment + cue.group("cue"))
        if together and role == "responsible":
            out += _assign(together.group("lead"), "lead", seg_offset)
            out += _assign(together.group("support"), "support", seg_offset + together.start("support"))
            continue
        if not _assign(segment.strip(" ,;"), role, seg_offset) and segment.strip(" ,;"):
            return None
        out += _assign(segment.strip(" ,;"), role, seg_offset + (len(segment) - len(segment.lstrip(" ,;"))))
    rest = content[pos:].strip(" ,;。:")
    if rest:
        bare = _assign(rest, "responsible", offset + pos + content[pos:].find(rest))
        if not bare:
            return out or None
        out += bare
    return out or None


def _assign(text: str, role: str, offset: int) -> list[Assignment]:
    """Assignments for a list of bodies, or [] if any part is not a body."""
    c = _cfg()
    opener = c["opener"].match(text)
    if opener:  # "由市商务局牵头", "以卫生院为主": the bodies follow 由/以
        text, offset = text[opener.end():], offset + opener.end()
    bodies = split_bodies(text, offset)
    named = bool(c["etc_named"].search(text))
    if not bodies or not all(is_body(b) or (named and is_short_name(b)) for b, _, _ in bodies):
        return []
    return [Assignment(b, role, s, e) for b, s, e in bodies]


def names_a_role(text: str) -> bool:
    """Whether `text` holds a cue word (牵头, 配合, 负责…)."""
    return bool(_cfg()["cue_word"].search(text))


def is_short_name(part: str) -> bool:
    """A bare short name (工信, 区应急) is a body where the text says the list holds bodies:
    a labelled unit line, or an `A、B等部门` tail."""
    return bool(_cfg()["short_name"].match(part))


def _labelled(content: str, offset: int) -> list[Assignment] | None:
    """"牵头单位:A;责任单位:B、C" in a bracket or on labelled lines."""
    c = _cfg()
    hits = list(c["label"].finditer(content))
    if not hits:
        return None
    out = []
    for i, hit in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(content)
        role = c["label_role"][hit.group("label")]
        value = content[hit.end():end]
        if role == "ignore":
            continue
        value = regex.split(r"[;\n]", value)[0]
        bodies = split_bodies(value.rstrip(" ,;。"), offset + hit.end())
        out += [Assignment(b, role, s, e) for b, s, e in bodies if is_body(b) or is_short_name(b)]
    return out


def parse_clause(content: str, offset: int) -> list[Assignment] | None:
    """Assignments of a clause's content."""
    if _cfg()["label"].search(content):
        return _labelled(content, offset) or None
    return _role_groups(content.rstrip(), offset)


def without_notes(folded: str) -> str:
    """`folded` with its notes on roles (以下均需要…负责,不再列出; 首位单位为牵头单位,下同) spaced out,
    brackets included where they hold nothing else, so that no clause reads a note's words as bodies."""
    c = _cfg()
    for pattern in (c["carry_over"], c["first_leads"]):
        for match in pattern.finditer(folded):
            s, e = match.span()
            if folded[s - 1:s] == "(" and folded[e:e + 1] == ")":
                s, e = s - 1, e + 1
            folded = folded[:s] + " " * (e - s) + folded[e:]
    return folded


def find_clauses(text: str, folded: str, start: int, end: int) -> list[Clause]:
    """Every clause between `start` and `end` of `folded` (a view without notes, see without_notes)."""
    found = []
    c = _cfg()
    for match in BRACKETS.finditer(folded, start, end):
        content = folded[match.start() + 1:match.end() - 1]
        # 各镇(街道): a bracket inside a name; a clause with no cue word or label must follow a sentence
        if not (c["cue"].search(content) or c["label"].search(content)) and match.start() > start \
                and not _CLAUSE_BEFORE.search(folded, max(start, match.start() - 1), match.start()):
            continue
        assignments = parse_clause(content, match.start() + 1)
        if assignments:
            found.append(Clause(match.start(), match.end(), surface(assignments, text)))
    found += _labelled_lines(text, folded, start, end)
    found += _closing_sentence(text, folded, start, end, found)
    found += _sentence_clauses(text, folded, start, end, found)
    found += _heading_body(text, folded, start, end)
    return sorted(found, key=lambda clause: clause.char_start)


def _closing_sentence(text, folded, start, end, found) -> list[Clause]:
    """An item's last sentence that is nothing but an assignment, with no brackets:
    "…五步法。市应急管理局牵头,各有关部门分工负责"."""
    tail_end = len(folded[start:end].rstrip(" \n。")) + start
    cut = max(folded.rfind("。", start, tail_end), folded.rfind("\n", start, tail_end))
    if cut < start or any(c.char_end > cut for c in found):
        return []
    content = folded[cut + 1:tail_end]
    parsed = parse_clause(content, cut + 1) if _cfg()["cue"].search(content) else None
    return [Clause(cut + 1, tail_end, surface(parsed, text))] if parsed else []


# A line break inside a sentence (hard-wrapped text: "…张贴到每个村组\n及人员集中的场所。") does not end it.
SENTENCE = regex.compile(r"(?:[^。;!?\n]|(?<=[\p{Han}》”])\n(?=\p{Han}))+")
CLAUSE_OPENER = regex.compile(r"\s*(?:[一二三四五六七八九十]{1,3}是)?\s*")


def _sentence_clauses(text, folded, start, end, found) -> list[Clause]:
    """Assignments written as sentences: "由乡综治办牵头,教办配合", "以卫生院为主",
    "县教育局负责…". A clause stands at its sentence's end, so that the sentence belongs to
    the task it covers; where a sentence holds two, the first ends at the comma before the second."""
    taken = Spans([(clause.char_start, clause.char_end) for clause in found])
    out, opening = [], False
    for i, match in enumerate(SENTENCE.finditer(folded, start, end)):
        s, e = match.span()
        if taken.overlaps(s, e):
            continue
        heads = _sentence_assignments(folded, s, e)
        opening = opening or (i == 0 and bool(heads))
        for (assignments, _), nxt in zip(heads, heads[1:] + [None]):
            stop = folded.rfind(",", s, nxt[1]) if nxt else e
            stop = e if stop < s else stop
            out.append(Clause(stop, min(stop + 1, end), surface(assignments, text)))
    if opening and len(out) == 1 and not taken:
        # the item's subject ("1.各村负责把…。…") and its only clause: it covers the whole item
        out = [Clause(end, end, out[0].assignments)]
    return out


def _sentence_assignments(folded: str, start: int, end: int) -> list[tuple[list[Assignment], int]]:
    """Each assignment of a sentence (由X…, 以X为主, X负责 at its start, with the groups that follow
    it after commas), with where it starts."""
    out, pos = [], start
    while (head := _sentence_head(folded, pos, end, at_start=pos == start)) is not None:
        found, head_start, pos = head
        while (group := _follow_group(folded, pos, end)) is not None:
            found, pos = found + group[0], group[1]
        out.append((found, head_start))
    return out


def _follow_group(folded: str, pos: int, end: int) -> tuple[list[Assignment], int] | None:
    """",教办、中学密切配合" or ",会同县财政局…" after an assignment."""
    p = _cfg()["sentences"]
    follow = p["follow"].match(folded, pos, end)
    if follow and (found := _assign(follow.group("bodies"), _cfg()["cue_role"][follow.group("cue")], follow.start("bodies"))):
        return found, follow.end()
    together = p["together"].match(folded, pos, end)
    if together and (found := _assign(together.group("bodies"), "support", together.start("bodies"))):
        return found, together.end()
    return None


def _sentence_head(folded: str, start: int, end: int, at_start: bool) -> tuple[list[Assignment], int, int] | None:
    """The first assignment from `start`: (assignments, where it starts, where it ends)."""
    p, cue_role = _cfg()["sentences"], _cfg()["cue_role"]
    for pattern, fixed in ((p["by"], None), (p["mainly"], "lead")):
        for match in pattern.finditer(folded, start, end):
            role = fixed or cue_role[match.group("cue")]
            if found := _assign(match.group("bodies"), role, match.start("bodies")):
                return found, match.start(), match.end()
    opened = CLAUSE_OPENER.match(folded, start, end).end()
    subject = p["subject"].match(folded, opened, end) if at_start else None
    if subject and (found := _assign(subject.group("bodies"), cue_role[subject.group("cue")], subject.start("bodies"))):
        return found, subject.start(), subject.end()
    return None


def _heading_body(text, folded, start, end) -> list[Clause]:
    """A body written as the heading of the range ("(一)区教体行政部门", "(二)道交办:…") is
    responsible for all of it."""
    p = _cfg()["sentences"]
    match = p["heading"].match(folded, start, end)
    if not match or p["heading_not_bodies"].match(match.group("bodies")) or names_a_role(match.group("bodies")):
        return []
    assignments = _assign(match.group("bodies"), "responsible", match.start("bodies"))
    return [Clause(end, end, surface(assignments, text))] if assignments else []


def _labelled_lines(text, folded, start, end) -> list[Clause]:
    c = _cfg()
    found, run_start, pos = [], None, start
    for line in folded[start:end].split("\n") + [""]:
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if line and c["label_line"].match(line):
            run_start = line_start if run_start is None else run_start
            run_end = line_end
            continue
        if run_start is not None:
            assignments = _labelled(folded[run_start:run_end], run_start) or []
            if assignments:
                found.append(Clause(run_start, run_end, surface(assignments, text)))
            run_start = None
    return found


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
    note = _cfg()["first_leads"].search(folded)
    if note is None:
        return
    for task in tasks:
        plain = task.assignments and all(a.role == "responsible" for a in task.assignments)
        if task.char_end > note.start() and plain:
            task.assignments[0].role = "lead"


def _carry_over(tasks, text: str, folded: str) -> None:
    """A carry-over note (以下均需要…负责,不再列出) makes its bodies responsible for every later
    task with a clause of its own."""
    note = _cfg()["carry_over"].search(folded)
    if note is None:
        return
    carried = surface([Assignment(b, "responsible", s, e, inherited=True)
                       for b, s, e in split_bodies(note.group("bodies"), note.start("bodies"))], text)
    for task in tasks:
        if task.char_start >= note.end() and task.assignments:
            have = {a.body for a in task.assignments}
            task.assignments += [a.copy() for a in carried if a.body not in have]
