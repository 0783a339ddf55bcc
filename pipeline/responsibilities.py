"""Responsibility clauses: who leads, supports, is responsible for or supervises a task.

Finds the clauses (bracketed at a task's end or middle, labelled lines under it, assignments
at any clause's start in running text, body:duty paragraphs, a body as a section's heading) and
reads each as a small grammar whose words are in rules/roles.toml:

    [由|以] body list [modifiers] role verb [second list] [the duty]

The verb's family gives the role; a modifier may change it (统筹负责 leads) or stand for it
(根据各自职责做好… is responsible); after 配合/协助 a second list leads; in "A会同B负责" A leads.
A part of a bracket's list that is no body costs only itself.
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
QUOTED = regex.compile(r"“[^“”。:,]{1,12}”")  # …but a short quoted word may stand in one: 省“十强产业”推进机制牵头部门
HARD_SEPARATORS = regex.compile(r"[、,;/]")
BRACKETS = regex.compile(r"\((?:[^()\n]|\([^()\n]*\))*\)|〔[^〔〕\n]*〕")


@lru_cache(maxsize=1)
def _cfg() -> dict:
    cfg = rules.load("roles")
    verb_role = {w: role for role in ROLES for w in cfg["verbs"][role]}
    label_role = {w: role for role in (*ROLES, "ignore") for w in cfg["labels"][role]}
    mods = cfg["modifiers"]
    modifier_kind = {**{w: "plain" for w in mods["plain"]}, **{w: "lead" for w in mods["lead"]},
                     **{w: "duty" for w in mods["duty"]}}
    pat, sent = cfg["patterns"], cfg["sentences"]
    verb = rf"(?P<verb>{rules.alternation(verb_role)})(?!{cfg['verbs']['not_before']})"
    return {
        "verb_role": verb_role,
        "label_role": label_role,
        "modifier_kind": modifier_kind,
        "towards": frozenset(cfg["direction"]["towards"]),
        "subject_verbs": frozenset(sent["subject_verbs"]),
        "verb": regex.compile(verb),
        # a modifier at the end of what stands before a verb; longest first
        "modifier_end": regex.compile(rf"(?:{rules.alternation(modifier_kind)})$"),
        "duty": regex.compile(rules.alternation(mods["duty"])),
        "together": regex.compile(rf"(?:{rules.alternation(cfg['direction']['together'])})"),
        "label": regex.compile(rf"(?P<label>{rules.alternation(label_role)})\s*[:]\s*"),
        "label_word": regex.compile(rules.alternation(label_role)),
        "label_line": regex.compile(rf"^\s*(?:{rules.alternation(label_role)})\s*[:]"),
        "opener": regex.compile(pat["opener"]),
        "carry_over": regex.compile(pat["carry_over"]),
        "first_leads": regex.compile(pat["first_leads"]),
        "etc": regex.compile(pat["etc_tail"]),
        "etc_named": regex.compile(pat["etc_named"]),
        "short_name": regex.compile(pat["short_name"]),
        "soft": regex.compile(pat["soft_separators"]),
        "suffix": regex.compile(rf"(?:{rules.alternation(cfg['bodies']['suffixes'])})(?:\([^()\d]*\))?$"),  # 各镇(街道), not 平台(5分)
        "not_body": regex.compile(cfg["bodies"]["not_bodies"]),
        "person": regex.compile(cfg["bodies"]["persons"]),
        "prose_in_name": regex.compile(cfg["bodies"]["prose_in_name"]),
        "prose_at_start": regex.compile(cfg["bodies"]["prose_at_start"]),
        "joins": regex.compile(rules.alternation(cfg["direction"]["joins"])),
        "name_note": regex.compile(cfg["bodies"]["name_note"]),
        "collective": regex.compile(cfg["bodies"]["collectives"]),
        "collective_tail": regex.compile(cfg["bodies"]["collective_tail"]),
        "qualified_collective": regex.compile(cfg["bodies"]["qualified_collective"]),
        "clause_opener": regex.compile(rf"\s*(?:(?:{sent['clause_opener']})\s*)?"),
        "mainly": regex.compile(sent["mainly"]),
        "heading": regex.compile(sent["heading"]),
        "heading_not_bodies": regex.compile(sent["heading_not_bodies"]),
        "heading_name": regex.compile(sent["heading_name"]),
    }


def is_body(part: str) -> bool:
    c = _cfg()
    part = part.strip()
    if not part or len(part) > 40 or "\n" in part or c["not_body"].match(part) or c["person"].search(part) \
            or SENTENCE_MARKS.search(QUOTED.sub("", part)):
        return False
    if c["collective_tail"].search(part) and not c["qualified_collective"].match(part) \
            or c["prose_in_name"].search(part) or c["prose_at_start"].match(part):
        return False
    return bool(c["collective"].match(part) or c["suffix"].search(part) or regions.is_name(part)
                or part in gazetteer.offices())  # the entities' gazetteer: 县科协 ends like no body


def _top_level_split(text: str, sep: regex.Pattern) -> list[tuple[int, int]]:
    """Spans of `text` between separators that stand outside brackets."""
    if "(" not in text:  # most text: no bracket to step over
        cuts = [m.span() for m in sep.finditer(text) if m.end() > m.start()]
        return [(s, e) for s, e in zip([0] + [end for _, end in cuts], [start for start, _ in cuts] + [len(text)])]
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
    """Bodies of a list, as (body, start, end); 和/及 split only where both sides are bodies, or
    short names where an 等部门 tail says the list holds bodies."""
    c = _cfg()
    out = []
    vouched = bool(c["etc_named"].search(text))
    for s, e in _top_level_split(text, HARD_SEPARATORS):
        whole = is_body(c["etc"].sub("", text[s:e]))  # 市文化和广电旅游体育局: one name, not two short ones
        for body, bs, be in _split_soft(text[s:e], s, vouched and not whole):
            body_s = bs + len(body) - len(body.lstrip())
            body = body.strip()
            body = c["etc"].sub("", body) if not c["collective"].match(body) else body
            body = c["name_note"].sub("", body)
            if body:
                out.append((body, offset + body_s, offset + body_s + len(body)))
    return out


def _split_soft(part: str, offset: int, vouched: bool = False) -> list[tuple[str, int, int]]:
    c = _cfg()

    def named(name: str) -> bool:
        return is_body(name) or (vouched and is_short_name(name))

    for match in c["soft"].finditer(part):
        left, right = part[:match.start()], part[match.end():]
        if named(c["etc"].sub("", left)) and (named(right) or named(c["etc"].sub("", right))):  # A等部门及B
            rest = _split_soft(right, offset + match.end(), vouched)
            return [(left, offset, offset + len(left))] + rest
    return [(part, offset, offset + len(part))]


# The grammar of a group (a clause between commas):  [由|以] LIST [MOD…] VERB [LIST2] [the duty]

GROUP_SEPARATORS = regex.compile(r"[,;:。]")
GAP = regex.compile(r".*\s", regex.S)  # up to the last line break or space
TAIL_SEPARATORS = " 、,;:。"
STRICT_TAIL = 4  # a sentence that is nothing but an assignment may end in a verb ("组织实施"), no more


def _assign(text: str, role: str, offset: int, lenient: bool = False) -> list[Assignment]:
    """Assignments for a list of bodies after its opener (由/以). Strict: every part is a body, or
    nothing. Lenient (before a role verb in a clause): a part that is no body costs only itself."""
    c = _cfg()
    opener = c["opener"].match(text)
    if opener:  # "由市商务局牵头", "以卫生院为主": the bodies follow 由/以
        text, offset = text[opener.end():], offset + opener.end()
    parts = split_bodies(text, offset)
    if lenient:  # a person in a clause's list (各乡镇分管领导) is known to be no body: it costs only itself
        parts = [p for p in parts if not c["person"].search(p[0])]
    named = bool(c["etc_named"].search(text))
    kept = [p for p in parts if is_body(p[0]) or (named and is_short_name(p[0]))]
    if not kept or (len(kept) < len(parts) and not (lenient and is_body(parts[-1][0]) and len(kept) * 2 > len(parts))):
        return []
    return [Assignment(b, role, s, e) for b, s, e in kept]


def _modifiers(head: str) -> tuple[str, set[str]]:
    """`head` less the modifiers at its end, and their kinds: "A、B按职责分工" → ("A、B", {"duty"})."""
    c, kinds = _cfg(), set()
    while (match := c["modifier_end"].search(head)) and match.start() > 0:
        kinds.add(c["modifier_kind"][match.group()])
        head = head[:match.start()]
    return head, kinds


def _headed(head: str, offset: int, role: str, lenient: bool) -> list[Assignment]:
    """The list before a verb; "A会同B" before a lead or responsible verb: A leads, B supports."""
    c = _cfg()
    together = list(c["together"].finditer(head))
    if together and role in ("lead", "responsible"):
        t = together[-1]
        first = _assign(head[:t.start()], "lead", offset, lenient)
        second = _assign(head[t.end():], "support", offset + t.end(), lenient)
        if first and second:
            return first + second
    return _assign(head, role, offset, lenient)


def _second_list(group: str, pos: int, offset: int) -> list[Assignment]:
    """The list right after 配合/协助 ("A配合B做好…"): the longest start of the rest that is a
    list of bodies, which leads."""
    c = _cfg()
    tail = group[pos:pos + 60]
    if tail[:1] in TAIL_SEPARATORS:  # "协同、市区联动": the list must follow the verb at once
        return []
    for n in range(len(tail), 1, -1):
        piece = tail[:n]
        if c["suffix"].search(piece) or c["etc_named"].search(piece) or c["collective"].search(piece):
            found = _assign(piece, "lead", offset + pos)
            if found:
                return found
    return []


def _reading(group: str, offset: int, subject: bool, lenient: bool) -> tuple[list[Assignment], int] | None:
    """The first assignment of `group`: its rows and where it ends in `group`. In running text
    (`subject`) the list is the clause's subject and takes only the subject verbs, unless an opener
    (由…) or a duty modifier (根据各自职责) says it is assigned."""
    c = _cfg()
    for verb in c["verb"].finditer(group):
        word = verb.group("verb")
        head, kinds = _modifiers(group[:verb.start()])
        head_offset = offset
        gap = GAP.search(head) if subject else None
        if gap:  # a line break or a gap starts a clause: the heading before it is no subject
            cut = c["clause_opener"].match(head, gap.end()).end()
            head, head_offset = head[cut:], offset + cut
        opened = c["opener"].match(head) is not None
        second = _second_list(group, verb.end(), offset) if word in c["towards"] else []
        if not head.strip() or (subject and word not in c["subject_verbs"] and not (opened or second or "duty" in kinds)):
            continue
        role = "lead" if "lead" in kinds and c["verb_role"][word] == "responsible" else c["verb_role"][word]
        found = _headed(head, head_offset, role, lenient)
        if not found:
            continue
        if second:
            return found + second, second[-1].char_end - offset
        return found, verb.end()
    return _duty_reading(group, offset)


def _duty_reading(group: str, offset: int) -> tuple[list[Assignment], int] | None:
    """"A、B根据各自职责做好…": a list with a duty modifier and no role verb is responsible."""
    for match in _cfg()["duty"].finditer(group):
        head, _ = _modifiers(group[:match.start()])
        if head.strip() and (found := _assign(head, "responsible", offset)):
            return found, match.end()
    return None


def _mainly(group: str, offset: int) -> tuple[list[Assignment], int] | None:
    """"以乡综治办、派出所为主": the list leads."""
    match = _cfg()["mainly"].search(group)
    if match and (found := _assign(match.group("bodies"), "lead", offset + match.start("bodies"))):
        return found, match.end()
    return None


def _chain(group: str, offset: int) -> tuple[list[Assignment], str]:
    """Every assignment of a clause's group, one after another ("A牵头、B配合", "由A牵头B配合"),
    and the rest of the group that none of them reads."""
    out, pos = [], 0
    while pos < len(group):
        rest = group[pos:]
        skip = len(rest) - len(rest.lstrip(TAIL_SEPARATORS))
        reading = _mainly(rest[skip:], offset + pos + skip) or _reading(rest[skip:], offset + pos + skip, False, True)
        if reading is None:
            break
        out += reading[0]
        pos += skip + reading[1]
    return out, group[pos:].strip(TAIL_SEPARATORS)


def _groups(content: str) -> list[tuple[int, int]]:
    """The groups of a clause, split at commas and semicolons that stand outside brackets."""
    return [(s, e) for s, e in _top_level_split(content, GROUP_SEPARATORS) if content[s:e].strip()]


def _role_groups(content: str, offset: int, strict: bool = False) -> list[Assignment] | None:
    """Bodies and roles of an unlabelled clause: "A、B牵头,C配合", "A会同B负责", "A配合B做好",
    a bare list. A group that reads as neither costs only itself, where another has a role verb
    (unless `strict`: a sentence that must be nothing but an assignment)."""
    out, bare, unread = [], [], False
    for s, e in _groups(content):
        group = content[s:e]
        found, rest = _chain(group, offset + s)
        if found and (not strict or len(rest) <= STRICT_TAIL):
            out += found
            continue
        strip = len(group) - len(group.lstrip(TAIL_SEPARATORS))
        listed = _assign(group.strip(TAIL_SEPARATORS), "responsible", offset + s + strip)
        bare += listed
        unread = unread or not listed
    if unread and (strict or not out):
        return None
    return _unique(out + bare) or None


def _unique(assignments: list[Assignment]) -> list[Assignment]:
    seen, out = set(), []
    for a in assignments:
        if (a.char_start, a.role) not in seen:
            seen.add((a.char_start, a.role))
            out.append(a)
    return out


def names_a_role(text: str) -> bool:
    """Whether `text` holds a role verb (牵头, 配合, 负责…) or a label (牵头单位:)."""
    return bool(_cfg()["verb"].search(text) or _cfg()["label_word"].search(text))


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


def parse_clause(content: str, offset: int, strict: bool = False) -> list[Assignment] | None:
    """Assignments of a clause's content."""
    if _cfg()["label"].search(content):
        return _labelled(content, offset) or None
    return _role_groups(content.rstrip(), offset, strict)


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
    for match in BRACKETS.finditer(folded, start, end):
        content = folded[match.start() + 1:match.end() - 1]
        # 各镇(街道): a bracket inside a name; a clause with no role word or label must follow a sentence
        if not names_a_role(content) and match.start() > start \
                and not _CLAUSE_BEFORE.search(folded, max(start, match.start() - 1), match.start()):
            continue
        assignments = parse_clause(content, match.start() + 1)
        if assignments:
            found.append(Clause(match.start(), match.end(), surface(assignments, text)))
    found += _labelled_lines(text, folded, start, end)
    found += _closing_sentence(text, folded, start, end, found)
    found += _body_paragraphs(text, folded, start, end, found)
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
    parsed = parse_clause(content, cut + 1, strict=True) if names_a_role(content) else None
    return [Clause(cut + 1, tail_end, surface(parsed, text))] if parsed else []


# A line break inside a sentence (hard-wrapped text: "…张贴到每个村组\n及人员集中的场所。") does not end it.
SENTENCE = regex.compile(r"(?:[^。;!?\n]|(?<=[\p{Han}》”])\n(?=\p{Han}))+")


def _sentence_clauses(text, folded, start, end, found) -> list[Clause]:
    """Assignments in running text: "由乡综治办牵头,教办配合", "以卫生院为主", "…,县教育局负责…".
    A clause stands at its sentence's end, so that the sentence belongs to the task it covers;
    where a sentence holds two, the first ends at the comma before the second."""
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
            out.append(Clause(stop, min(stop + 1, end), surface(_unique(assignments), text)))
    if opening and len([c for c in out if c.assignments]) == 1 and not taken:
        # the item's subject ("1.各村负责把…。…") and its only clause: it covers the whole item
        out = [Clause(end, end, next(c for c in out if c.assignments).assignments)]
    return out


def _sentence_assignments(folded: str, start: int, end: int) -> list[tuple[list[Assignment], int]]:
    """Each assignment of a sentence, with where it starts: a group with 由X…, 以X为主, or a list
    as its subject (X负责…) opens one; the groups right after it that are nothing but a list and a
    role verb (",教办、中学密切配合"), or 会同X, join it."""
    c = _cfg()
    out, joined = [], False
    for gs, ge in _groups(folded[start:end]):
        gs, ge = start + gs, start + ge
        group = folded[gs:ge]
        opened = c["clause_opener"].match(group).end()
        if joined and (follow := _follow(group, gs)):
            out[-1][0].extend(follow)
            continue
        reading = _mainly(group, gs) or _reading(group[opened:], gs + opened, subject=True, lenient=False)
        joined = reading is not None
        if joined:
            out.append((reading[0] + _listed_after(group, opened + reading[1], gs), gs))
    return out


def _listed_after(group: str, pos: int, offset: int) -> list[Assignment]:
    """"A指挥协调、B负责牵头…": a second subject and its verb right after the first one's verb."""
    if not group.startswith("、", pos):
        return []
    reading = _reading(group[pos + 1:], offset + pos + 1, subject=True, lenient=False)
    return reading[0] if reading else []


def _follow(group: str, offset: int) -> list[Assignment]:
    """A group that is nothing but a list and its role verb, a list with a duty modifier, or
    会同/联合 and a list."""
    skip = len(group) - len(group.lstrip(TAIL_SEPARATORS))
    if _cfg()["opener"].match(group):  # "…,沿岸清运由县城管局负责": its own 由 opens a new assignment
        return []
    reading = _reading(group[skip:], offset + skip, subject=False, lenient=False)
    if reading and not group[skip + reading[1]:].strip(TAIL_SEPARATORS):
        return reading[0]
    if duty := _duty_reading(group[skip:], offset + skip):  # ",B、C根据各自职责做好…" shares the sentence's task
        return duty[0]
    together = _cfg()["joins"].match(group, skip)
    if together and (second := _second_list(group, together.end(), offset)):
        return [Assignment(a.body, "support", a.char_start, a.char_end) for a in second]
    return []


def _heading_body(text, folded, start, end) -> list[Clause]:
    """A body written as the heading of the range ("(一)区教体行政部门", "(二)道交办:…",
    "(七)卫生部门职责、任务") is responsible for all of it."""
    match = _cfg()["heading"].match(folded, start, end)
    assignments = _heading_bodies(match) if match else []
    return [Clause(end, end, surface(assignments, text))] if assignments else []


def _heading_bodies(match: regex.Match) -> list[Assignment]:
    """The bodies of a heading that is a whole body name, not a rank, a prize or a part of the notice."""
    c = _cfg()
    name = match.group("bodies")
    if c["heading_not_bodies"].match(name) or names_a_role(name) or c["label_line"].match(name) \
            or not all(c["heading_name"].match(b) or b in gazetteer.offices() or regions.is_name(b)
                       for b, _, _ in split_bodies(name, 0)):
        return []
    return _assign(name, "responsible", match.start("bodies"))


def _body_paragraphs(text, folded, start, end, found) -> list[Clause]:
    """Paragraphs "自治区商务厅:负责…" inside the range: the body is responsible for its paragraph,
    which runs to the next such paragraph. The text before the first one is not theirs: a clause
    with no bodies closes it."""
    taken = Spans([(clause.char_start, clause.char_end) for clause in found])
    heads = []
    for line in regex.finditer(r"(?m)^.*$", folded[start:end]):
        s = start + line.start()
        match = _cfg()["heading"].match(folded, s, start + line.end())
        if s > start and match and folded[match.end() - 1:match.end()] == ":" and not taken.overlaps(s, match.end()) \
                and (bodies := _heading_bodies(match)):
            heads.append((s, match.end(), bodies))
    out = []
    for (s, label_end, bodies), nxt in zip(heads, heads[1:] + [None]):
        stop = nxt[0] - 1 if nxt else end
        out += [Clause(s, label_end, []), Clause(stop, stop, surface(bodies, text))]
    return out


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
