"""The grammar of a responsibility clause: which words are bodies, and which role each takes.

    [由|以] body list [modifiers] role verb [second list] [the duty]

The verb's family gives the role (rules/roles.toml); a modifier may change it (统筹负责 leads) or
stand for it (根据各自职责做好… is responsible); after 配合/协助 a second list leads; in "A会同B负责"
A leads and B supports. A part of a bracket's list that is no body costs only itself. Where the
clauses stand in a notice is pipeline/stages/assignments/responsibilities.py's job.
"""
from __future__ import annotations

import re
from functools import lru_cache

import regex

from pipeline.ner import gazetteer
from pipeline.stages import regions
from pipeline import rules
from pipeline.records import Assignment

ROLES = ("lead", "support", "responsible", "supervise")
SENTENCE_MARKS = rules.fast(r"[。:“”\"\[\]]")  # a part holding these is prose or a label ([责任单位] as 【】 fold), not a name
QUOTED = rules.fast(r"“[^“”。:,]{1,12}”")  # …but a short quoted word may stand in one: 省“十强产业”推进机制牵头部门
HARD_SEPARATORS = rules.fast(r"[、,;/]")
LABEL_VALUE_END = rules.fast(r"[;\n|]")  # | : a cell of a row the page set apart with wide gaps


# What ends every label of a labelled unit (label_line, label_unit below): a colon ("责任单位:"), or
# a closing lenticular bracket ("[责任单位]", as 【】 fold). A range with neither holds no unit.
LABEL_ENDS = (":", "]")


@lru_cache(maxsize=1)
def config() -> dict:
    """rules/roles.toml compiled: verbs, modifiers, labels, body shapes and the sentence patterns."""
    cfg = rules.load("roles")
    verb_role = {w: role for role in ROLES for w in cfg["verbs"][role]}
    label_role = label_words(cfg)
    mods = cfg["modifiers"]
    modifier_kind = {**{w: "plain" for w in mods["plain"]}, **{w: "lead" for w in mods["lead"]},
                     **{w: "duty" for w in mods["duty"]}}
    pat, sent = cfg["patterns"], cfg["sentences"]
    verb = rf"(?P<verb>{rules.alternation(verb_role)})(?!{cfg['verbs']['not_before']})"
    labels = rules.alternation(label_role)
    return {
        "verb_role": verb_role,
        "cues": _cues(cfg),
        "label_role": label_role,
        "modifier_kind": modifier_kind,
        "towards": frozenset(cfg["direction"]["towards"]),
        "subject_verbs": frozenset(sent["subject_verbs"]),
        "verb": rules.fast(verb),
        # a modifier at the end of what stands before a verb; longest first
        "modifier_end": rules.fast(rf"(?:{rules.alternation(modifier_kind)})$"),
        "modifier_words": tuple(modifier_kind),
        "together_words": tuple(cfg["direction"]["together"]),
        "duty": rules.fast(rules.alternation(mods["duty"])),
        "together": rules.fast(rf"(?:{rules.alternation(cfg['direction']['together'])})"),
        "role_word_role": {w: role for role in ROLES for w in cfg["labels"]["role_words"][role]},
        # a role written after a body in brackets: "县民政局(牵头)、县大数据中心", with its
        # modifiers too: "县林业局(按职责分工负责)", "县财政局(积极配合)"
        "role_mark": rules.fast(rf"\((?P<mod>{rules.alternation(modifier_kind)})?(?P<verb>{rules.alternation(verb_role)})\)$"),
        "label_word": rules.fast(labels),
        # a label opening a line or a range (1.责任单位:X。…), matched where it must stand
        "label_line": rules.fast(rf"\s*{_labelled(cfg, labels)}"),
        "label_bracket": rules.fast(rf"\[(?:{labels})\]"),  # a label, not a clause in brackets
        "copula": _copula(unit_labels(cfg), sent["copulas"]),
        "copula_words": tuple(sent["copulas"]),
        "opener": rules.fast(_opener(pat["opener"])),
        "opener_words": tuple(o["word"] for o in pat["opener"]),
        "carry_over": rules.fast(pat["carry_over"]),
        "first_leads": rules.fast(pat["first_leads"]),
        "etc": rules.fast(pat["etc_tail"]),
        "etc_named": rules.fast(pat["etc_named"]),
        "short_name": rules.fast(pat["short_name"]),
        "soft": rules.fast(pat["soft_separators"]),
        "suffix": rules.fast(rf"(?:{rules.alternation(cfg['bodies']['suffixes'])})(?:\([^()\d]*\))?$"),  # 各镇(街道), not 平台(5分)
        "not_body": rules.fast(cfg["bodies"]["not_bodies"]),
        "person": rules.fast(cfg["bodies"]["persons"]),
        "prose_in_name": rules.fast(cfg["bodies"]["prose_in_name"]),
        "prose_at_start": rules.fast(cfg["bodies"]["prose_at_start"]),
        "joins": rules.fast(rules.alternation(cfg["direction"]["joins"])),
        "name_note": rules.fast(cfg["bodies"]["name_note"]),
        "collective": rules.fast(cfg["bodies"]["collectives"]),
        "collective_tail": rules.fast(cfg["bodies"]["collective_tail"]),
        "qualified_collective": rules.fast(cfg["bodies"]["qualified_collective"]),
        "clause_opener": rules.fast(rf"\s*(?:(?:{sent['clause_opener']})\s*)?"),
        "mainly": regex.compile(sent["mainly"]),
        "mainly_word": sent["mainly_word"],
        "heading": rules.fast(sent["heading"]),
        "heading_stop": re.compile(f"[{re.escape(sent['heading_breaks'])}:\n]"),  # one C-level scan
        "heading_not_bodies": rules.fast(sent["heading_not_bodies"]),
        "heading_name": rules.fast(sent["heading_name"]),
    }


def _opener(openers: list[dict]) -> str:
    """^(?:.*(?<![自理经缘])由|…): up to the last opener word of the first kind a text holds."""
    def branch(o: dict) -> str:
        after = rf"(?![{regex.escape(o['not_before'])}])" if o.get("not_before") else ""
        return rf".*(?<![{regex.escape(o['not_after'])}]){regex.escape(o['word'])}{after}"
    return rf"^(?:{'|'.join(map(branch, openers))})"


# What a cue word may do in a reading of running text (responsibilities.py reads no sentence or
# group that holds none that can): OPENS, alone, an assignment whose list is the subject (a subject
# verb, a verb after which a list leads: 配合B, a duty modifier); VERB opens one after an opener
# word (由/以); JOINS lets a group join the assignment before it (any role verb, a duty modifier, 会同/联合).
OPENS, VERB, JOINS = 1, 2, 4


def _cues(cfg: dict) -> dict[str, int]:
    """Every word a reading of running text needs, with what it may do (bar the opener words, and
    以…为主, a pattern)."""
    verbs = {w for role in ROLES for w in cfg["verbs"][role]}
    duty, sent, direction = cfg["modifiers"]["duty"], cfg["sentences"], cfg["direction"]
    kinds: dict[str, int] = {}
    for words, kind in ((verbs, VERB | JOINS), (sent["subject_verbs"], OPENS), (direction["towards"], OPENS), (unit_labels(cfg), OPENS),
                        (duty, OPENS | JOINS), (direction["joins"], JOINS)):
        for word in words:
            kinds[word] = kinds.get(word, 0) | kind
    return kinds


@lru_cache(maxsize=1 << 16)
def is_body(part: str) -> bool:
    """Whether `part` is the name of a body. Cached: a list is split and its parts tested again for
    every verb of its clause and every reading (split_marked, _split_soft, assign_list)."""
    c = config()
    part = part.strip()
    if not part or len(part) > 40 or "\n" in part or c["not_body"].match(part) or c["person"].search(part) \
            or SENTENCE_MARKS.search(QUOTED.sub("", part)):
        return False
    if c["collective_tail"].search(part) and not c["qualified_collective"].match(part) \
            or c["prose_in_name"].search(part) or c["prose_at_start"].match(part):
        return False
    return bool(c["collective"].match(part) or c["suffix"].search(part) or regions.is_name(part)
                or part in gazetteer.offices())  # the entities' gazetteer: 县科协 ends like no body


def _top_level_split(text: str, sep: regex.Pattern, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of text[start:end] (as positions in `text`) between separators that stand outside
    brackets (`sep` looks neither behind nor ahead)."""
    end = len(text) if end is None else end
    if text.find("(", start, end) == -1:  # most text: no bracket to step over
        cuts = [m.span() for m in sep.finditer(text, start, end) if m.end() > m.start()]
        return list(zip([start] + [e for _, e in cuts], [s for s, _ in cuts] + [end]))
    spans, depth = [], 0
    for match in _bracket_or(sep).finditer(text, start, end):  # one scan for brackets and separators, not a step per character
        mark = match.group()
        if mark == "(":
            depth += 1
        elif mark == ")":
            depth -= depth > 0
        elif depth == 0:
            spans.append((start, match.start()))
            start = match.end()
    spans.append((start, end))
    return spans


@lru_cache(maxsize=None)
def _bracket_or(sep: regex.Pattern) -> regex.Pattern:
    """A bracket or a separator (`sep` matches single characters other than brackets)."""
    return rules.fast(rf"[()]|{sep.pattern}")


def split_bodies(text: str, offset: int) -> list[tuple[str, int, int]]:
    """Bodies of a list, as (body, start, end); 和/及 split only where both sides are bodies, or
    short names where an 等部门 tail says the list holds bodies."""
    return [(body, s, e) for body, s, e, _ in split_marked(text, offset)]


def split_marked(text: str, offset: int) -> list[tuple[str, int, int, str | None]]:
    """split_bodies, with the role a mark after a body gives it ("县民政局(牵头)" leads), else None."""
    return [(body, offset + s, offset + e, mark) for body, s, e, mark in _marked(text)]


@lru_cache(maxsize=1 << 14)
def _marked(text: str) -> tuple[tuple[str, int, int, str | None], ...]:
    """split_marked at offset 0. Cached: the same list is read again for every verb after it, by
    the sentence and the clause readings, and in every notice that names the same bodies."""
    c = config()
    out = []
    vouched = bool(c["etc_named"].search(text))
    for s, e in _top_level_split(text, HARD_SEPARATORS):
        # 市文化和广电旅游体育局: one name, not two short ones (asked only where short names may be bodies)
        whole = vouched and is_body(c["etc"].sub("", text[s:e]))
        for body, bs, be in _split_soft(text[s:e], s, vouched and not whole):
            body_s = bs + len(body) - len(body.lstrip())
            body = body.strip()
            body = c["etc"].sub("", body) if not c["collective"].match(body) else body
            body = c["name_note"].sub("", body)
            mark = c["role_mark"].search(body)
            body = body[:mark.start()] if mark else body
            if body:
                out.append((body, body_s, body_s + len(body), _mark_role(mark) if mark else None))
    return tuple(out)


def _mark_role(mark: regex.Match) -> str:
    """The role a bracketed mark gives: its verb's, or lead where a modifier makes it so (统筹负责)."""
    c = config()
    return "lead" if c["modifier_kind"].get(mark.group("mod")) == "lead" else c["verb_role"][mark.group("verb")]


def _split_soft(part: str, offset: int, vouched: bool = False) -> list[tuple[str, int, int]]:
    c = config()

    def named(name: str) -> bool:
        return is_body(name) or (vouched and is_short_name(name))

    for match in c["soft"].finditer(part):
        left, right = part[:match.start()], part[match.end():]
        if named(c["etc"].sub("", left)) and (named(right) or named(c["etc"].sub("", right))):  # A等部门及B
            rest = _split_soft(right, offset + match.end(), vouched)
            return [(left, offset, offset + len(left))] + rest
    return [(part, offset, offset + len(part))]


# The grammar of a group (a clause between commas):  [由|以] LIST [MOD…] VERB [LIST2] [the duty]

GROUP_SEPARATORS = rules.fast(r"[,;:。]")
GAP = regex.compile(r".*\s", regex.S)  # up to the last line break or space
TAIL_SEPARATORS = " 、,;:。"
STRICT_TAIL = 4  # a sentence that is nothing but an assignment may end in a verb ("组织实施"), no more


def assign_list(text: str, role: str, offset: int, lenient: bool = False) -> list[Assignment]:
    """Assignments for a list of bodies after its opener (由/以). Strict: every part is a body, or
    nothing. Lenient (before a role verb in a clause): a part that is no body costs only itself."""
    c = config()
    opened = opener_end(text)
    if opened:  # "由市商务局牵头", "以卫生院为主": the bodies follow 由/以
        text, offset = text[opened:], offset + opened
    parts = _marked(text)  # at offset 0: most lists read here are none, and need no offsets
    if lenient:  # a person in a clause's list (各乡镇分管领导) is known to be no body: it costs only itself
        parts = [p for p in parts if not c["person"].search(p[0])]
    named = bool(c["etc_named"].search(text))
    kept = [p for p in parts if is_body(p[0]) or (named and is_short_name(p[0]))]
    if not kept or (len(kept) < len(parts) and not (lenient and is_body(parts[-1][0]) and len(kept) * 2 > len(parts))):
        return []
    return [Assignment(b, mark or role, offset + s, offset + e) for b, s, e, mark in kept]


def opener_end(text: str) -> int:
    """Where the list after the opener of `text` (由/以, see rules/roles.toml) starts, or 0."""
    c = config()
    if not any(map(text.__contains__, c["opener_words"])):  # as most text: the pattern needs one
        return 0
    match = c["opener"].match(text)
    return match.end() if match else 0


def strip_modifiers(head: str) -> tuple[str, set[str]]:
    """`head` less the modifiers at its end, and their kinds: "A、B按职责分工" → ("A、B", {"duty"})."""
    c, kinds = config(), set()
    if not head.endswith(c["modifier_words"]) and not head.endswith("\n"):  # as most heads: no match ends at $
        return head, kinds
    while (match := c["modifier_end"].search(head)) and match.start() > 0:
        kinds.add(c["modifier_kind"][match.group()])
        head = head[:match.start()]
    return head, kinds


def _headed(head: str, offset: int, role: str, lenient: bool) -> list[Assignment]:
    """The list before a verb; "A会同B" before a lead or responsible verb: A leads, B supports."""
    c = config()
    together = role in ("lead", "responsible") and any(map(head.__contains__, c["together_words"])) \
        and list(c["together"].finditer(head))
    if together:
        t = together[-1]
        first = assign_list(head[:t.start()], "lead", offset, lenient)
        second = assign_list(head[t.end():], "support", offset + t.end(), lenient)
        if first and second:
            return first + second
    return assign_list(head, role, offset, lenient)


def read_second_list(group: str, pos: int, offset: int) -> list[Assignment]:
    """The list right after 配合/协助 ("A配合B做好…"): the longest start of the rest that is a
    list of bodies, which leads."""
    c = config()
    if not _may_list_after(group, pos):
        return []
    tail = group[pos:pos + 60]
    for n in range(len(tail), 1, -1):
        piece = tail[:n]
        if c["suffix"].search(piece) or c["etc_named"].search(piece) or c["collective"].search(piece):
            found = assign_list(piece, "lead", offset + pos)
            if found:
                return found
    return []


def _may_list_after(group: str, pos: int) -> bool:
    """Whether a list may stand right after group[:pos] (read_second_list): two characters or
    more, and no separator first ("协同、市区联动": the list must follow the verb at once)."""
    return len(group) - pos >= 2 and group[pos] not in TAIL_SEPARATORS


def read_group(group: str, offset: int, subject: bool, lenient: bool) -> tuple[list[Assignment], int] | None:
    """The first assignment of `group`: its rows and where it ends in `group`. In running text
    (`subject`) the list is the clause's subject and takes only the subject verbs, unless an opener
    (由…) or a duty modifier (根据各自职责) says it is assigned."""
    c = config()
    for verb in c["verb"].finditer(group):
        word = verb.group("verb")
        head, kinds = strip_modifiers(group[:verb.start()])
        head_offset = offset
        gap = GAP.search(head) if subject else None
        if gap:  # a line break or a gap starts a clause: the heading before it is no subject
            cut = c["clause_opener"].match(head, gap.end()).end()
            head, head_offset = head[cut:], offset + cut
        if not head.strip():
            continue
        # a subject takes this verb only if a list after it leads (配合B), which is read last: it costs most
        unassigned = subject and word not in c["subject_verbs"] and "duty" not in kinds and not opener_end(head)
        if unassigned and not (word in c["towards"] and _may_list_after(group, verb.end())):  # a list after it must lead
            continue
        role = "lead" if "lead" in kinds and c["verb_role"][word] == "responsible" else c["verb_role"][word]
        found = _headed(head, head_offset, role, lenient)
        if not found:
            continue
        second = read_second_list(group, verb.end(), offset) if word in c["towards"] else []
        if unassigned and not second:
            continue
        if second:
            return found + second, second[-1].char_end - offset
        return found, verb.end()
    return read_duty(group, offset)


def read_duty(group: str, offset: int) -> tuple[list[Assignment], int] | None:
    """"A、B根据各自职责做好…": a list with a duty modifier and no role verb is responsible."""
    for match in config()["duty"].finditer(group):
        head, _ = strip_modifiers(group[:match.start()])
        if head.strip() and (found := assign_list(head, "responsible", offset)):
            return found, match.end()
    return None


@lru_cache(maxsize=1)
def label_patterns() -> dict:
    """The patterns that read labels, compiled at the first range that holds a colon or a closing
    bracket (LABEL_ENDS), where they are looked for: 10 ms of a start that a notice without labels
    never needs."""
    cfg, label_role = rules.load("roles"), config()["label_role"]
    return {
        # a bare role word is a label only where it opens its list: "单位负责:" ends a sentence
        # a label ends with its colon or, in lenticular brackets ("[责任单位]" as 【责任单位】 folds), with the bracket
        "label": rules.fast(rf"\[?(?P<label>{rules.alternation([w for w in label_role if len(w) > 2])}"
                               rf"|{_qualified(cfg['labels'], 'qualified')}"
                               rf"|(?<!\p{{Han}})(?:{rules.alternation([w for w in label_role if len(w) <= 2])}))(?:\]\s*:?|\s*:)\s*"),
        # where a labelled unit may open: a line's start, a sentence's end ("…整改到位。责任单位:…") or
        # a cell's border (an item's line with its labels set apart by wide gaps)
        "label_unit": rules.fast(rf"(?<=[。\n|])[ \t]*{_labelled(cfg, rules.alternation(label_role))}"),
    }


def _labelled(cfg: dict, labels: str) -> str:
    """"责任单位:", "[责任单位]" (as 【】 fold), and a label qualified between its role word and its
    unit (牵头考核单位:)."""
    qualified = _qualified(cfg["labels"])
    return rf"(?:\[(?:{labels}|{qualified})\]|(?:{labels}|{qualified})\s*:)"


def _qualified(labels: dict, group: str | None = None) -> str:
    """A label with a word between its role word and its unit (牵头考核单位, 配合实施部门: [labels]
    qualifiers), each of the words it combines, where listing them all would triple the labels;
    `group` names the role word's group, where the role is read off it."""
    role_word = rules.alternation(w for role in ROLES for w in labels["role_words"][role])
    head = f"(?P<{group}>{role_word})" if group else f"(?:{role_word})"
    return rf"{head}(?:{rules.alternation(labels['qualifiers'])})(?:{rules.alternation(labels['units'])})"


def label_words(cfg: dict) -> dict[str, str]:
    """Each label and its role (rules/roles.toml [labels]): a role's words alone, each of its role
    words with each word for a unit after it (牵头 + 科室), and the labels of what is no body."""
    labels = cfg["labels"]
    words = {w: role for role in (*ROLES, "ignore") for w in labels[role]}
    return {**{w + unit: role for role in ROLES for w in labels["role_words"][role] for unit in labels["units"]}, **words}


def unit_labels(cfg: dict) -> list[str]:
    """The labels that name a unit, of a role (longer than a bare 牵头 or 负责, which read as verbs):
    the copula's ("X为责任单位"), and so cue words of running text."""
    return [w for w, role in label_words(cfg).items() if role in ROLES and len(w) > 2]


def _copula(labels: list[str], copulas: list[str]) -> regex.Pattern:
    """"县林业局为牵头单位", "牵头单位为县农业农村局": a list and a unit label joined by 为 or 是."""
    units, cop = rules.alternation(labels), rules.alternation(copulas)
    return rules.fast(rf"^\s*(?:(?P<label>{units})(?:{cop})(?P<bodies>[^,;。]+?)|(?P<bodies>[^,;。]+?)(?:{cop})(?P<label>{units}))\s*$")


def read_copula(group: str, offset: int) -> tuple[list[Assignment], int] | None:
    """A group that states a role with 为/是, each part of its list a body."""
    if not any(map(group.__contains__, config()["copula_words"])):  # as most groups: the pattern needs one
        return None
    match = config()["copula"].match(group)
    if match and (found := assign_list(match.group("bodies"), config()["label_role"][match.group("label")],
                                       offset + match.start("bodies"))):
        return found, match.end()
    return None


def read_mainly(group: str, offset: int) -> tuple[list[Assignment], int] | None:
    """"以乡综治办、派出所为主": the list leads."""
    if config()["mainly_word"] not in group:  # as most groups: the pattern needs it
        return None
    match = config()["mainly"].search(group)
    if match and (found := assign_list(match.group("bodies"), "lead", offset + match.start("bodies"))):
        return found, match.end()
    return None


def _chain(group: str, offset: int) -> tuple[list[Assignment], str]:
    """Every assignment of a clause's group, one after another ("A牵头、B配合", "由A牵头B配合"),
    and the rest of the group that none of them reads."""
    out, pos = [], 0
    while pos < len(group):
        rest = group[pos:]
        skip = len(rest) - len(rest.lstrip(TAIL_SEPARATORS))
        at = offset + pos + skip
        reading = read_copula(rest[skip:], at) or read_mainly(rest[skip:], at) or read_group(rest[skip:], at, False, True)
        if reading is None:
            break
        out += reading[0]
        pos += skip + reading[1]
    return out, group[pos:].strip(TAIL_SEPARATORS)


def split_groups(content: str) -> list[tuple[int, int]]:
    """The groups of a clause, split at commas and semicolons that stand outside brackets."""
    return [(s, e) for s, e in group_spans(content, 0, len(content)) if content[s:e].strip()]


def group_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """split_groups of text[start:end], as positions in `text`, with the blank groups too."""
    return _top_level_split(text, GROUP_SEPARATORS, start, end)


def _role_groups(content: str, offset: int, strict: bool = False) -> list[Assignment] | None:
    """Bodies and roles of an unlabelled clause: "A、B牵头,C配合", "A会同B负责", "A配合B做好",
    a bare list. A group that reads as neither costs only itself, where another has a role verb
    (unless `strict`: a sentence that must be nothing but an assignment)."""
    out, bare, unread = [], [], False
    for s, e in split_groups(content):
        group = content[s:e]
        found, rest = _chain(group, offset + s)
        if found and (not strict or len(rest) <= STRICT_TAIL):
            out += found
            continue
        strip = len(group) - len(group.lstrip(TAIL_SEPARATORS))
        # a bare list has no verb: "县政府督查室跟踪督办" is a reading that failed, not a name
        listed = [] if config()["verb"].search(group) else \
            assign_list(group.strip(TAIL_SEPARATORS), "responsible", offset + s + strip)
        if strict and not listed:  # the rest cannot make it an assignment
            return None
        bare += listed
        unread = unread or not listed
    if unread and not out:
        return None
    return unique(out + bare) or None


def unique(assignments: list[Assignment]) -> list[Assignment]:
    seen, out = set(), []
    for a in assignments:
        if (a.char_start, a.role) not in seen:
            seen.add((a.char_start, a.role))
            out.append(a)
    return out


def names_a_role(text: str) -> bool:
    """Whether `text` holds a role verb (牵头, 配合, 负责…) or a label (牵头单位:)."""
    return bool(config()["verb"].search(text) or config()["label_word"].search(text))


def is_short_name(part: str) -> bool:
    """A bare short name (工信, 区应急) is a body where the text says the list holds bodies:
    a labelled unit line, or an `A、B等部门` tail."""
    return bool(config()["short_name"].match(part))


def read_labelled(content: str, offset: int) -> list[Assignment] | None:
    """"牵头单位:A;责任单位:B、C" in a bracket or on labelled lines."""
    c = config()
    hits = list(label_patterns()["label"].finditer(content))
    if not hits:
        return None
    out = []
    for i, hit in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(content)
        role = c["label_role"].get(hit.group("label")) or c["role_word_role"][hit.group("qualified")]
        value = content[hit.end():end]
        if role == "ignore":
            continue
        value = LABEL_VALUE_END.split(value)[0]
        bodies = split_marked(value.rstrip(" ,;。"), offset + hit.end())
        out += [Assignment(b, mark or role, s, e) for b, s, e, mark in bodies if is_body(b) or is_short_name(b)]
    return out


def parse_clause(content: str, offset: int, strict: bool = False) -> list[Assignment] | None:
    """Assignments of a clause's content."""
    # a label ends in one of LABEL_ENDS: most clauses hold neither, and `in` is cheaper than the search
    if any(map(content.__contains__, LABEL_ENDS)) and label_patterns()["label"].search(content):
        return read_labelled(content, offset) or None
    return _role_groups(content.rstrip(), offset, strict)
