"""The tasks of a notice, read off its structure: the items of the outline, their `一是…`
clauses, the paragraphs under a heading, a preamble sentence that names who leads, and the rows of
task tables. An item splits at every responsibility clause, since a clause covers the text from
the previous clause of the same item up to itself (SPEC). Sections that set no work (guidance,
review, rosters; goals unless each item carries its own clause) hold no tasks.
"""
from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.stages.assignments import responsibilities
from pipeline.stages.structure import tables
from pipeline.stages.values import quantities
from pipeline import rules
from pipeline.stages.structure.heading import is_title_like
from pipeline.stages.structure.outline import heading, section_type, value
from pipeline.stages.structure.sections import closed_reviews
from pipeline.records import Clause, OutlineNode, Task

# Section types whose items are no tasks (SPEC: guiding ideas, review, rosters; goals apart).
NOT_TASKS = {"guidance", "review", "contacts", "roster", "application"}
UNLESS_ASKED = {"logistics"}  # sections whose items are tasks only where they ask for something
OUTSIDE_ITEMS = ("root", "body", "preamble")  # the styles of nodes that are no item nor section
SENTENCE_ENDS = ("。", ";", "!", "?")


@lru_cache(maxsize=1)
def _patterns() -> dict:
    cfg = rules.load("tasks")
    return {
        "clause": rules.fast(cfg["clause_marker"]), "clause_more": rules.fast(cfg["clause_marker_more"]),
        "excluded": rules.fast(cfg["excluded_sections"]),
        "lead_in": rules.fast("(?m)" + cfg["lead_in"]),  # each line of a range
        "not_task": rules.fast(cfg["not_tasks"]),
        "caption": rules.fast(cfg["caption_line"]),
        "title_line": rules.fast(cfg["title_line"]),
        "roster": rules.fast(cfg["roster_line"]),
        "attached": rules.fast(cfg["attached_line"]),
        "no_work": rules.fast(cfg["no_work"]),
        "list_sep": rules.fast(f"[{regex.escape(cfg['list_separators'])}]"),
        "sentence": rules.fast(r"[。;!?]|,.*,"),
        "sentence_end": rules.fast(r"[。;!?)”]$"),
        "cut_task": rules.fast(r"[\p{P}\p{Z}\p{S}\s]+"),
        "paragraph_heading_end": rules.fast(cfg["paragraph_heading_end"]),
        "closing": rules.fast(cfg["closing_line"].replace("{closing_words}", rules.alternation(cfg["closing_words"]))),
        "request": rules.fast(cfg["request"]), "cases": rules.fast(cfg["cases_lead_in"]),
        "address": rules.fast(cfg["address"]), "plan_lead": rules.fast(cfg["plan_lead"]),
    }


def _excluded(node: OutlineNode, folded: str, has_clause: bool, sections: dict[int, tuple[bool, bool, bool]]) -> bool:
    """A node under a section that sets no tasks: guidance, review of past work, contacts and
    rosters; a goal section too (its heading opens on its goals: 工作目标, 主要目标), unless the
    item carries its own responsibility clause, as in a target-division table. An item's own
    first sentence is a heading only when it stands alone on its line: otherwise it is the work.
    A logistics section (会议时间, 参会人员) holds tasks only where an item asks for something.
    `sections` keeps what each section's heading says, for the notice's other items."""
    if node.style in OUTSIDE_ITEMS:
        return False
    p, leaf = _patterns(), node
    goals = p["excluded"]
    kind = section_type(node) if _reads_as_heading(node, folded) else "work"
    if kind in NOT_TASKS or node.title and goals.match(node.title):
        return True
    unasked = kind in UNLESS_ASKED
    node = node.parent
    while node is not None and node.style not in OUTSIDE_ITEMS:
        if id(node) not in sections:
            kind = section_type(node)
            sections[id(node)] = kind in NOT_TASKS, bool(node.title and goals.match(node.title)), kind in UNLESS_ASKED
        no_tasks, goal, logistics = sections[id(node)]
        if no_tasks or goal and not has_clause:
            return True
        unasked = unasked or logistics
        node = node.parent
    return unasked and not p["request"].search(folded, leaf.content_start, leaf.char_end)


def work_units(root: OutlineNode, text: str, folded: str) -> list[OutlineNode]:
    """The nodes whose text holds tasks: every leaf, and the text between a heading and its first
    sub-item where that text assigns work of its own (a responsibility clause in a paragraph, not
    only in the heading, nor a lead-in whose clause covers the items below)."""
    out = []
    for child in root.children:
        # an item whose sub-items are the cases its lead-in announces (有下列情形之一的:) is one unit
        if not child.children or _patterns()["cases"].search(folded, child.content_start, child.children[0].char_start):
            out.append(child)
            continue
        intro = OutlineNode(child.number, child.style, child.depth, child.char_start, child.children[0].char_start,
                            child.title, child.content_start, parent=child.parent)
        if _assigns_work(intro, text, folded) and not _lead_in(child, text, folded):
            out.append(intro)
        out += work_units(child, text, folded)
    return out


def _lead_in(node: OutlineNode, text: str, folded: str) -> bool:
    """Whether the clause of a heading's intro assigns the sub-items below it (分别由各单位负责:
    then items with no clause of their own): then the intro is their lead-in, not a task."""
    return not any(responsibilities.find_clauses(text, folded, c.content_start, c.char_end) for c in node.children)


def _assigns_work(node: OutlineNode, text: str, folded: str) -> bool:
    cfg = rules.load("tasks")
    start = node.content_start + (len(node.title) if node.title else 0)
    rest = folded[start:node.char_end].strip(" 。\n")
    return _holds_han(rest, cfg["min_intro_han"]) and not _patterns()["lead_in"].search(rest) \
        and bool(responsibilities.find_clauses(text, folded, start, node.char_end))


def _holds_han(text: str, n: int) -> bool:
    """Whether `text` holds at least `n` Han characters."""
    return n <= 0 or bool(_han_run(n).search(text))


@lru_cache(maxsize=None)
def _han_run(n: int) -> regex.Pattern:
    """`n` Han characters and what stands between them: found in one scan, not counted one by one."""
    return rules.fast(rf"\p{{Han}}(?:[^\p{{Han}}]*\p{{Han}}){{{n - 1}}}")


@dataclass
class Piece:
    start: int
    end: int
    outline: list[str]
    heading: str | None
    body_start: int  # after the marker
    marked: bool = False  # opened by its own marker (an item, a 一是 clause), not a paragraph of one


def _clause_segments(leaf: OutlineNode, folded: str) -> list[Piece]:
    """An item's `一是…` clauses; a paragraph after the last one that opens no clause of its own
    belongs to the item itself."""
    p = _patterns()
    start, end = leaf.content_start, leaf.char_end
    marks, want = [], 1
    more = any(folded.find(word, start, end) != -1 for word in rules.load("tasks")["clause_more_words"])
    for match in p["clause_more" if more else "clause"].finditer(folded, start, end):
        if value(match.group("n")) == want:
            marks.append(match)
            want += 1
    if marks and not marks[0].group("marker").endswith("是") and not _opens_item(leaf, folded, marks[-1].start()):
        marks = []  # 第一,…/一要… further on, or opening paragraphs (a speech's, a report's part): no clauses
    if not marks:
        return _heading_paragraphs(leaf, folded)
    pieces = []
    for match, nxt in zip(marks, marks[1:] + [None]):
        stop = nxt.start("marker") if nxt else end
        if nxt is None:
            line_end = folded.find("\n", match.end(), end)
            stop = line_end if line_end != -1 else end
        title, _ = heading(folded, folded, match.end())
        pieces.append(Piece(match.start("marker"), stop, leaf.path() + [match.group("marker")], title, match.end(), True))
    if pieces[-1].end < end:
        pieces.append(Piece(pieces[-1].end + 1, end, leaf.path(), None, pieces[-1].end + 1))
    return pieces


def _opens_item(leaf: OutlineNode, folded: str, pos: int) -> bool:
    """Whether `pos` stands in the item's first paragraph (under its heading, where that stands on a line of its own)."""
    start = leaf.content_start
    if _heading_line(leaf, folded):
        start = folded.find("\n", start, leaf.char_end) + 1
    return "\n" not in folded[start:pos]


def _heading_paragraphs(leaf: OutlineNode, folded: str) -> list[Piece]:
    """An item whose heading stands on a line of its own above two or more paragraphs holds a
    task per paragraph: the heading only groups them. A labelled line (牵头单位:…, 完成时限:…)
    belongs to the paragraph above it; a roster (组长:…, and the names and posts under it) is no
    paragraph of work. Otherwise the item is one piece."""
    whole = [Piece(leaf.char_start, leaf.char_end, leaf.path(), leaf.title, leaf.content_start, True)]
    line_end = folded.find("\n", leaf.content_start, leaf.char_end)
    if not _heading_line(leaf, folded) or line_end == -1:
        return whole
    p = _patterns()
    pieces, pos, in_roster, lines = [], line_end + 1, False, 0
    for line in folded[pos:leaf.char_end].split("\n"):
        if line.strip():
            lines += 1
            in_roster = bool(p["roster"].match(line)) or in_roster and _is_name_line(line)
            if in_roster:
                pass
            elif p["attached"].match(line):  # right under the heading, the heading is the work
                if not pieces:
                    pieces.append(Piece(leaf.char_start, pos, leaf.path(), leaf.title, leaf.content_start))
                pieces[-1].end = pos + len(line)
            else:
                pieces.append(Piece(pos, pos + len(line), leaf.path(), None, pos))
        pos += len(line) + 1
    if not pieces and lines:  # a heading over a roster is none; a sentence over one is the work
        ends = _patterns()["sentence_end"].search(folded[leaf.content_start:line_end].rstrip())
        return [Piece(leaf.char_start, line_end, leaf.path(), leaf.title, leaf.content_start, True)] if ends else []
    pieces = _join_headings(pieces, folded)
    if len(pieces) < 2:
        return whole
    pieces[0] = Piece(leaf.char_start, pieces[0].end, leaf.path(), leaf.title, pieces[0].body_start)
    return pieces


def _heading_line(node: OutlineNode, folded: str) -> bool:
    """Whether the node's heading stands alone on its line."""
    line_end = folded.find("\n", node.content_start, node.char_end)
    line = folded[node.content_start:line_end if line_end != -1 else node.char_end]
    return node.title is not None and line.strip().rstrip("。:") == node.title.strip()


def _reads_as_heading(node: OutlineNode, folded: str) -> bool:
    """Whether an item's first sentence is a heading: short and run in ("工作思路。以…"), or alone
    on its line above more text. A one-sentence item is its own work, however it reads."""
    if node.title is None:
        return False
    if len(node.title.strip()) <= rules.load("tasks")["run_in_heading_max"]:
        return True
    line_end = folded.find("\n", node.content_start, node.char_end)
    return line_end != -1 and _holds_text(folded, line_end, node.char_end) and _heading_line(node, folded)


def _holds_text(folded: str, start: int, end: int) -> bool:
    """Whether folded[start:end] holds more than white space: its first characters are looked at
    first (they mostly do), not a copy of a long item."""
    return bool(folded[start:min(end, start + 64)].strip() or folded[start:end].strip())


def _is_name_line(line: str) -> bool:
    """A line of a roster: a name and a post, or a list of bodies, with no sentence in it."""
    return len(line) <= rules.load("tasks")["roster_line_max"] and not _patterns()["sentence"].search(line)


def _speech(work: str, piece: Piece) -> bool:
    """A piece that is one paragraph addressing the assembly, or under a part's heading leading in
    the year's plan: its setting, requirement or goals (rules/tasks.toml address, plan_lead). An
    item's title over such a paragraph keeps the item."""
    work = work.strip()
    if "\n" in work:
        return False
    p = _patterns()
    return bool(p["address"].match(work) or len(piece.outline) <= 1 and p["plan_lead"].match(work))


def _attachment_list(leaf: OutlineNode, folded: str) -> bool:
    """附件:1.X工作要点 / 2.Y任务分工: the documents a notice attaches, listed by name after 附件,
    are no tasks."""
    siblings = leaf.parent.children if leaf.parent is not None else [leaf]
    first = siblings[0]
    line_start = folded.rfind("\n", 0, first.char_start) + 1
    return folded[line_start:first.char_start].strip().startswith("附件") \
        and is_title_like(folded[leaf.content_start:leaf.char_end].strip())


def no_work(text: str) -> bool:
    """Text that assigns no work however it is numbered: a purpose or scope article (为…,制定本办法;
    本办法适用于…), or a list of names (a 通报's honour roll)."""
    p = _patterns()
    if p["no_work"].match(text):
        return True
    cfg = rules.load("tasks")
    text = text.strip().rstrip("。")
    # its parts' mean length is at least that of as many parts as separators allow: a paragraph of
    # prose is ruled out by counting them, not split
    seps = sum(map(text.count, cfg["list_separators"]))
    if len(text) - seps > cfg["name_list_mean_chars"] * (seps + 1):
        return False
    parts = [part for part in p["list_sep"].split(text) if part]
    if len(parts) < cfg["name_list_min"] or sum(map(len, parts)) / len(parts) > cfg["name_list_mean_chars"]:
        return False
    bodies = [responsibilities.is_body(part) for part in parts]
    return bodies[0] and bodies[-1] and sum(bodies) >= cfg["name_list_body_share"] * len(parts)


def _body_leaf(root: OutlineNode, folded: str, body_start: int, body_end: int) -> OutlineNode:
    """A notice with no numbered items: its body, from after the lead-in to the signature, is one item."""
    lead_ins = list(_patterns()["lead_in"].finditer(folded, body_start, body_end))
    start = lead_ins[-1].end() + 1 if lead_ins else body_start
    leaf = OutlineNode("", "body", 0, start, body_end, parent=None)
    leaf.content_start = start
    return leaf


def _preamble(root: OutlineNode, folded: str, body: tuple[int, int]) -> list[OutlineNode]:
    """The paragraphs between the lead-in and the first heading: tasks only where they assign work
    in a sentence of their own (在…统一领导下,由X牵头,Y配合,开展…)."""
    end = root.children[0].char_start
    if body[0] >= end:
        return []
    leaf = _body_leaf(root, folded, body[0], end)
    leaf.style = "preamble"
    return [leaf]


def _leads(clauses: list[Clause], piece: Piece) -> bool:
    """Whether a clause inside the piece names who leads or supports: a bare list of bodies at the
    head of a preamble is an addressee line, not an assignment."""
    return any(piece.start <= c.char_start <= piece.end + 1 and any(a.role in ("lead", "support") for a in c.assignments)
               for c in clauses)


def _paragraphs(leaf: OutlineNode, folded: str) -> list[Piece]:
    """The body of an unnumbered notice: its `一是…` clauses, else one task per paragraph."""
    pieces = _clause_segments(leaf, folded)
    if len(pieces) > 1:
        return pieces
    out, pos = [], leaf.content_start
    p = _patterns()
    for line in folded[leaf.content_start:leaf.char_end].split("\n"):
        if not p["not_task"].search(line) and not p["title_line"].fullmatch(line.strip()):
            out.append(Piece(pos, pos + len(line), [], None, pos))
        pos += len(line) + 1
    # a short line that closes no sentence heads the paragraph below it; one that heads none is a caption
    return [piece for piece in _join_headings(out, folded)
            if piece.heading is not None or not p["caption"].fullmatch(folded[piece.start:piece.end].strip())]


def _join_headings(pieces: list[Piece], folded: str) -> list[Piece]:
    """A short line that closes no sentence above a paragraph that does is that paragraph's heading
    (rules/tasks.toml paragraph_heading_max): one piece from the heading, which names it."""
    cfg = rules.load("tasks")
    out: list[Piece] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if prev is not None and not prev.marked and prev.heading is None and prev.end > prev.start \
                and _heads_paragraph(folded[prev.start:prev.end], cfg) and "。" in folded[piece.start:piece.end]:
            out[-1] = dataclasses.replace(piece, start=prev.start, body_start=prev.start,
                                          heading=folded[prev.start:prev.end].strip())
            continue
        out.append(piece)
    return out


def _heads_paragraph(line: str, cfg: dict) -> bool:
    line = line.strip()
    return 0 < len(line) <= cfg["paragraph_heading_max"] and "。" not in line \
        and _patterns()["paragraph_heading_end"].search(line) is None


def _clip(leaf: OutlineNode, stops: list[int]) -> OutlineNode:
    """An item ends before a signature, print line or table that follows it: those are no task's
    text. A copy: the tree is the notice's structure for every stage (a table's rows are placed
    in the item that holds them)."""
    i = bisect.bisect_right(stops, leaf.content_start)  # `stops` are sorted: the first after the item's start
    if i == len(stops) or stops[i] >= leaf.char_end:
        return leaf
    return dataclasses.replace(leaf, char_end=stops[i])


def extract(doc_id: str, text: str, folded: str, root: OutlineNode, body: tuple[int, int],
          stops: list[int] = (), found_tables: list[tables.Table] = (), *, context) -> list[Task]:
    """Tasks of a document with their assignments from the clauses that cover them: the items of
    its outline, and the rows of its task tables. `context` is the document's
    quantities.document_context, which the quantities read too."""
    min_han = rules.load("tasks")["min_task_han"]
    out: list[Task] = []
    unnumbered = not root.children
    sections: dict[int, Clause | None] = {}
    no_tasks: dict[int, tuple[bool, bool, bool]] = {}
    stops = sorted([*stops, *(t.start for t in found_tables)])
    view = responsibilities.without_notes(folded)
    units = [_body_leaf(root, folded, *body)] if unnumbered else _preamble(root, folded, body) + work_units(root, text, view)
    reviews = closed_reviews(folded)
    # the sections the kinds read as a review (dated before a later part, between a dated review and
    # the year planned): their items report the past year
    reports = quantities.reporting(context) if units else None
    for leaf in units:
        if any(t.start <= leaf.content_start < t.end for t in found_tables) \
                or any(s <= leaf.content_start < e for s, e in reviews) or reports(leaf.content_start):
            continue
        leaf = _clip(leaf, stops)
        if _attachment_list(leaf, folded):
            continue
        clauses = responsibilities.find_clauses(text, view, leaf.content_start, leaf.char_end)
        if _excluded(leaf, folded, bool(clauses), no_tasks):
            continue
        made = []
        for piece in (_paragraphs if leaf.style in ("body", "preamble") else _clause_segments)(leaf, folded):
            work = folded[piece.body_start:piece.end]
            if piece.heading and _heading_line(leaf, folded):  # the heading over paragraphs is not the work
                work = work.partition("\n")[2] or work
            if no_work(work) or leaf.style == "preamble" and not _leads(clauses, piece) \
                    or _speech(folded[piece.body_start:piece.end], piece):
                continue
            made += _split_at_clauses(doc_id, text, piece, clauses, min_han)
        _cover(made, clauses, _section_clause(leaf, text, view, sections), leaf.style in ("body", "preamble"))
        if made and (closing := _closing_clause(leaf, folded, clauses)):
            _close_group(out, made[0].outline, closing)
        out += made
    _share_run_in_clauses(out, folded)
    out += [_row_task(doc_id, text, root, row) for table in found_tables for row in table.rows]
    return _renumber(doc_id, _without_cut_tail(sorted(out, key=lambda task: task.char_start), folded))


def _closing_clause(leaf: OutlineNode, folded: str, clauses: list[Clause]) -> Clause | None:
    """The clause of a line after an item's own that refers back over its group (以上工作由X负责,
    (上述任务由X牵头)): the group's closing clause, as one closing a 一是 group is."""
    words = rules.load("tasks")["closing_words"]
    if not any(c.assignments for c in clauses) or all(folded.find(w, leaf.content_start, leaf.char_end) == -1 for w in words):
        return None
    closing, end = _patterns()["closing"], leaf.char_end
    pos = folded.find("\n", leaf.content_start, end)
    while pos != -1:  # tried at each line's start only: a search would read every item's whole text
        if match := closing.match(folded, pos + 1, end):
            line_end = folded.find("\n", match.end(), end)
            line_end = end if line_end == -1 else line_end
            return next((c for c in clauses if match.start() <= c.char_start <= line_end and c.assignments), None)
        pos = folded.find("\n", pos + 1, end)
    return None


def _close_group(found: list[Task], outline: list[str], closing: Clause) -> None:
    """The items before, in the group that `closing` closes (their sub-items too), with no clause of
    their own take its bodies."""
    group = outline[:-1]
    if not group:
        return
    for task in reversed(found):
        if task.outline[:len(group)] != group or len(task.outline) <= len(group):
            break
        if not task.assignments:
            task.assignments = [a.copy() for a in closing.assignments]


def _share_run_in_clauses(found: list[Task], folded: str) -> None:
    """Sub-items run in on one line (`(1)…;(2)…;(3)…。(X牵头)`) are one paragraph's clauses, as
    `一是…三是` are: the clause that closes the line covers each of them (SPEC's rule for 一是
    groups). Items on lines of their own keep to their own clauses."""
    waiting: list[Task] = []  # items with no clause of their own, run in on the line so far
    for task in found:
        if waiting and (task.outline[:-1] != waiting[0].outline[:-1] or "\n" in folded[waiting[0].char_start:task.char_start]):
            waiting = []
        if task.assignments:
            for earlier in waiting:
                earlier.assignments = [a.copy() for a in task.assignments]
            waiting = []
        elif len(task.outline) > 1:
            waiting.append(task)


def _without_cut_tail(found: list[Task], folded: str) -> list[Task]:
    """A page cut off mid-item (a page opening, a truncated copy) may leave a last item of a few
    words: it is a task only if enough of its words survive to name it."""
    text_end = len(folded.rstrip())
    # the text's closing mark is its last character: the pattern ends the text
    if not found or found[-1].char_end < text_end or _patterns()["sentence_end"].search(folded, max(0, text_end - 1), text_end):
        return found
    last = found[-1]  # its text and its clause, less the outline marker
    words = _patterns()["cut_task"].sub("", last.text + folded[last.text_end:last.char_end])
    return found if len(words) >= rules.load("tasks")["min_cut_task_chars"] else found[:-1]


def _row_task(doc_id: str, text: str, root: OutlineNode, row: tables.Row) -> Task:
    """A table row: its cells after the number are the task's text, its body columns its bodies;
    its outline, the items that hold it (not one its own number opens: `(1)|…`)."""
    start = row.cells[0][1].start if row.cells else row.start
    path = _enclosing(root, row.start).path() + [row.number]
    return Task("", doc_id, 0, path, None, text[start:row.end], row.start, row.end, row.end,
                tables.assignments(row, text))


def _enclosing(node: OutlineNode, pos: int) -> OutlineNode:
    """The innermost node that holds `pos` and opens before it."""
    inner = next((child for child in node.children if child.char_start < pos < child.char_end), None)
    return _enclosing(inner, pos) if inner else node


def _renumber(doc_id: str, found: list[Task]) -> list[Task]:
    for ordinal, task in enumerate(found, 1):
        task.ordinal, task.task_id = ordinal, f"{doc_id}-{ordinal:04d}"
    return found


def _section_clause(leaf: OutlineNode, text: str, folded: str, seen: dict[int, Clause | None]) -> Clause | None:
    """The clause a section sets over the items under it, from the nearest section that has one:
    in its heading or lead-in ("(一)优化审批服务(由县行政审批局牵头实施)", "分别由各监管单位负责:"),
    or a body as its heading ("(一)区教体行政部门"). Above the first heading only a lead-in line
    that ends in a colon and names a role counts: the rest is the preamble and the addressees."""
    node = leaf.parent
    while node is not None:
        if id(node) not in seen:
            start, end = node.content_start, node.children[0].char_start
            if node.style == "root":
                start = folded.rfind("\n", 0, end - 1) + 1
                lead_in = folded[start:end].rstrip()
                start = start if lead_in.endswith(":") and responsibilities.names_a_role(lead_in) else end
            clauses = responsibilities.find_clauses(text, folded, start, end)
            seen[id(node)] = clauses[-1] if clauses else None
        if seen[id(node)] is not None:
            return seen[id(node)]
        node = node.parent
    return None


def _cover(made: list[Task], clauses, section: Clause | None, paragraphs: bool = False) -> None:
    """Each task takes the bodies of the first clause of its item at or after its text, or else
    those of the clause that opens it, or else those of its section. In an unnumbered text (`paragraphs`), each paragraph is an item of its
    own: a clause written past the next one's start is not its (an empty clause at the range's
    end, a body's paragraphs' "自治区商务厅:负责…", covers all of them)."""
    starts = [c.char_start for c in clauses]  # sorted: find_clauses returns them in order
    nexts = [t.char_start for t in made[1:]] + [None]
    for task, nxt in zip(made, nexts):
        i = bisect.bisect_left(starts, task.text_end)
        later = paragraphs and nxt is not None and i < len(clauses) and nxt <= starts[i] < clauses[i].char_end
        # a task its leading clause covers (_split_at_clauses) keeps it over its section's
        clause = clauses[i] if i < len(clauses) and not later else None if task.assignments else section
        if clause is not None:
            task.assignments = [a.copy() for a in clause.assignments]


def _split_at_clauses(doc_id, text, piece: Piece, clauses, min_han) -> list[Task]:
    out, start = [], piece.start
    body_start = piece.body_start
    inside = [c for c in clauses if piece.start <= c.char_start < piece.end]
    bounds = [(c.char_start, c.char_end, c) for c in inside] + [(piece.end, piece.end, None)]
    leading = None  # a clause that opens the piece, before any text (1.【县住建局】开展…): the text after it is its
    for c_start, c_end, clause in bounds:
        body = text[body_start:c_start].strip()
        if clause is not None and not body and start == piece.start and clause.assignments:
            leading, start, body_start = clause, c_end, c_end
            continue
        # a sentence a marker opens (1., (1), 一是) is work however short (完善收运体系;); a heading
        # (安排表, over a table), a paragraph or text left after a clause must say enough to be work
        short = piece.marked and start == piece.start and body.endswith(SENTENCE_ENDS)
        if _holds_han(body, min(min_han, 2) if short else min_han) or (clause is not None and body):
            end = c_end if clause else piece.end
            task = Task("", doc_id, 0, piece.outline,
                        piece.heading if start == piece.start else None, body, start, end, c_start)
            if leading is not None:
                task.assignments, leading = [a.copy() for a in leading.assignments], None
            out.append(task)
        start = body_start = c_end
    return out
