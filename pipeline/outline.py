"""The heading hierarchy of a notice, and the tasks it holds.

Headings (`一、` `(一)` `1.` `(1)` `⑴`) make a tree whose depths follow the order in
which styles first appear. Items with no children hold the work; each splits
into its `一是…` clauses and, further, at every responsibility clause, since a
clause covers the text from the previous clause of the same item up to itself.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import cn2an
import regex

from . import responsibilities, rules, tables
from .records import Clause, OutlineNode, Task


MARKER_PUNCT = regex.compile(r"[()、.\s]")


@lru_cache(maxsize=1)
def _patterns() -> dict:
    cfg = rules.load("outline")
    styles = {name: regex.compile(rf"\s*(?P<marker>{p})") for name, p in cfg["styles"].items()}
    return {
        "styles": styles,
        "inline": regex.compile(rf"(?<={cfg['inline_before']})(?P<marker>{'|'.join(cfg['styles'].values())})"),
        "clause": regex.compile(cfg["clause_marker"]),
        "excluded": regex.compile(cfg["excluded_sections"]),
        "heading_end": regex.compile(r"[。:;!?\n]"),
        "han": regex.compile(r"\p{Han}"),
        "lead_in": regex.compile(cfg["lead_in"], regex.M),
        "not_task": regex.compile(cfg["not_tasks"]),
    }


def _number(marker: str) -> str:
    """The number a marker shows: "(一)" → "一", "1." → "1", "⑵" → "2"."""
    marker = marker.strip()
    if marker[0] in "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇":
        return str(ord(marker[0]) - ord("⑴") + 1)
    if marker[0] in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return str(ord(marker[0]) - ord("①") + 1)
    return MARKER_PUNCT.sub("", marker)


@lru_cache(maxsize=256)  # cn2an is slow and the same few numbers recur in every notice
def _value(number: str) -> int:
    return int(number) if number.isdigit() else int(cn2an.cn2an(number, "smart"))


def _markers(folded: str) -> list[tuple[int, int, str, str]]:
    """(start, end, style, number) of every heading marker: at a line's start, or mid-line
    after a sentence where it continues the numbering of its style."""
    p = _patterns()
    found, last = [], {}
    pos = 0
    for line in folded.split("\n"):
        for name, pattern in p["styles"].items():
            match = pattern.match(line)
            if match:
                number = _number(match.group("marker"))
                found.append((pos + match.start("marker"), pos + match.end(), name, number))
                last[name] = _value(number)
                break
        inline = list(p["inline"].finditer(line))
        for match in inline:
            for name, pattern in p["styles"].items():
                hit = pattern.fullmatch(match.group("marker"))
                value = _value(_number(match.group())) if hit else None
                # a list run into one paragraph ("…。⑴…。⑵…") opens mid-line when its 2 follows in the line
                opens = last.get(name) is None and value == 1 and any(
                    pattern.fullmatch(m.group("marker")) and _value(_number(m.group())) == 2 for m in inline)
                if hit and (opens or last.get(name) is not None and value == last[name] + 1):
                    last.setdefault(name, 0)
                    found.append((pos + match.start(), pos + match.end(), name, _number(match.group())))
                    last[name] += 1
                    break
        pos += len(line) + 1
    return sorted(found)


def build(text: str, folded: str) -> OutlineNode:
    """The heading tree of `text`; the root spans the whole document."""
    root = OutlineNode("", "root", 0, 0, len(text))
    stack = [root]
    for start, end, style, number in _markers(folded):
        styles = [node.style for node in stack]
        if style in styles:
            del stack[styles.index(style):]
        parent = stack[-1]
        node = OutlineNode(number, style, len(stack), start, len(text), parent=parent)
        node.title, _ = _heading(text, folded, end)
        node.content_start = end
        parent.children.append(node)
        stack.append(node)
    _close(root)
    return root


def _close(node: OutlineNode) -> None:
    """Each node ends where its next sibling starts, or where its parent ends."""
    for child, nxt in zip(node.children, node.children[1:] + [None]):
        child.char_end = nxt.char_start if nxt else node.char_end
        _close(child)


def _heading(text: str, folded: str, pos: int) -> tuple[str | None, int | None]:
    stop = _patterns()["heading_end"].search(folded, pos)
    end = stop.start() if stop else len(text)
    title = text[pos:end].strip()
    if not title or len(title) > rules.load("outline")["heading_max"]:
        return None, None
    return title, end


def _excluded(node: OutlineNode) -> bool:
    while node is not None and node.style not in ("root", "body"):
        if node.title and _patterns()["excluded"].match(node.title):
            return True
        node = node.parent
    return False


def leaves(root: OutlineNode) -> list[OutlineNode]:
    out = []
    for child in root.children:
        out += leaves(child) if child.children else [child]
    return out


@dataclass
class Piece:
    start: int
    end: int
    outline: list[str]
    heading: str | None
    body_start: int  # after the marker


def _clause_segments(leaf: OutlineNode, folded: str) -> list[Piece]:
    """An item's `一是…` clauses; a paragraph after the last one that opens no clause of its own
    belongs to the item itself."""
    p = _patterns()
    start, end = leaf.content_start, leaf.char_end
    marks, want = [], 1
    for match in p["clause"].finditer(folded, start, end):
        if _value(match.group("n")) == want:
            marks.append(match)
            want += 1
    if not marks:
        return [Piece(leaf.char_start, end, leaf.path(), leaf.title, start)]
    pieces = []
    for match, nxt in zip(marks, marks[1:] + [None]):
        stop = nxt.start("n") if nxt else end
        if nxt is None:
            line_end = folded.find("\n", match.end(), end)
            stop = line_end if line_end != -1 else end
        title, _ = _heading(folded, folded, match.end())
        pieces.append(Piece(match.start("n"), stop, leaf.path() + [match.group("n") + "是"], title, match.end()))
    if pieces[-1].end < end:
        pieces.append(Piece(pieces[-1].end + 1, end, leaf.path(), None, pieces[-1].end + 1))
    return pieces


def _body_leaf(root: OutlineNode, folded: str, body_start: int, body_end: int) -> OutlineNode:
    """A notice with no numbered items: its body, from after the lead-in to the signature, is one item."""
    lead_ins = list(_patterns()["lead_in"].finditer(folded, body_start, body_end))
    start = lead_ins[-1].end() + 1 if lead_ins else body_start
    leaf = OutlineNode("", "body", 0, start, body_end, parent=None)
    leaf.content_start = start
    return leaf


def _paragraphs(leaf: OutlineNode, folded: str) -> list[Piece]:
    """The body of an unnumbered notice: its `一是…` clauses, else one task per paragraph."""
    pieces = _clause_segments(leaf, folded)
    if len(pieces) > 1:
        return pieces
    out, pos = [], leaf.content_start
    for line in folded[leaf.content_start:leaf.char_end].split("\n"):
        if not _patterns()["not_task"].search(line):
            out.append(Piece(pos, pos + len(line), [], None, pos))
        pos += len(line) + 1
    return out


def _clip(leaf: OutlineNode, stops: list[int]) -> OutlineNode:
    """An item ends before a signature or print line that follows it: those are no task's text."""
    leaf.char_end = min([s for s in stops if leaf.content_start < s < leaf.char_end], default=leaf.char_end)
    return leaf


def tasks(doc_id: str, text: str, folded: str, root: OutlineNode, body: tuple[int, int],
          stops: list[int] = (), found_tables: list[tables.Table] = ()) -> list[Task]:
    """Tasks of a document with their assignments from the clauses that cover them: the items of
    its outline, and the rows of its task tables."""
    min_han = rules.load("outline")["min_task_han"]
    han = _patterns()["han"]
    out: list[Task] = []
    unnumbered = not root.children
    sections: dict[int, Clause | None] = {}
    stops = sorted([*stops, *(t.start for t in found_tables)])
    view = responsibilities.without_notes(folded)
    for leaf in [_body_leaf(root, folded, *body)] if unnumbered else leaves(root):
        if _excluded(leaf) or any(t.start <= leaf.content_start < t.end for t in found_tables):
            continue
        _clip(leaf, stops)
        clauses = responsibilities.find_clauses(text, view, leaf.content_start, leaf.char_end)
        made = []
        for piece in (_paragraphs if unnumbered else _clause_segments)(leaf, folded):
            made += _split_at_clauses(doc_id, text, piece, clauses, min_han, han)
        _cover(made, clauses, _section_clause(leaf, text, view, sections))
        out += made
    out += [_row_task(doc_id, text, root, row) for table in found_tables for row in table.rows]
    return _renumber(doc_id, sorted(out, key=lambda task: task.char_start))


def _row_task(doc_id: str, text: str, root: OutlineNode, row: tables.Row) -> Task:
    """A table row: its cells after the number are the task's text, its body columns its bodies."""
    start = row.cells[0][1].start if row.cells else row.start
    path = _enclosing(root, row.start).path() + [row.number]
    return Task("", doc_id, 0, path, None, text[start:row.end], row.start, row.end, row.end,
                tables.assignments(row, text))


def _enclosing(node: OutlineNode, pos: int) -> OutlineNode:
    inner = next((child for child in node.children if child.char_start <= pos < child.char_end), None)
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


def _cover(made: list[Task], clauses, section: Clause | None) -> None:
    """Each task takes the bodies of the first clause of its item at or after its text, or else
    those of its section."""
    starts = [c.char_start for c in clauses]  # sorted: find_clauses returns them in order
    for task in made:
        i = bisect.bisect_left(starts, task.text_end)
        clause = clauses[i] if i < len(clauses) else section
        if clause is not None:
            task.assignments = [a.copy() for a in clause.assignments]


def _split_at_clauses(doc_id, text, piece: Piece, clauses, min_han, han) -> list[Task]:
    out, start = [], piece.start
    body_start = piece.body_start
    inside = [c for c in clauses if piece.start <= c.char_start < piece.end]
    bounds = [(c.char_start, c.char_end, c) for c in inside] + [(piece.end, piece.end, None)]
    for c_start, c_end, clause in bounds:
        body = text[body_start:c_start].strip()
        if sum(1 for _ in islice(han.finditer(body), min_han)) >= min_han or (clause is not None and body):
            end = c_end if clause else piece.end
            task = Task("", doc_id, 0, piece.outline,
                        piece.heading if start == piece.start else None, body, start, end, c_start)
            out.append(task)
        start = body_start = c_end
    return out
