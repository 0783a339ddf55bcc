"""The heading hierarchy of a notice, and the tasks it holds.

Headings (`一、` `(一)` `1.` `(1)` `⑴`) make a tree whose depths follow the order in
which styles first appear. Items with no children hold the work; each splits
into its `一是…` clauses and, further, at every responsibility clause, since a
clause covers the text from the previous clause of the same item up to itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cn2an
import regex

from . import responsibilities, rules
from .records import Assignment, Clause, OutlineNode, Task


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
    }


def _number(marker: str) -> str:
    """The number a marker shows: "(一)" → "一", "1." → "1", "⑵" → "2"."""
    marker = marker.strip()
    if marker[0] in "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇":
        return str(ord(marker[0]) - ord("⑴") + 1)
    if marker[0] in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return str(ord(marker[0]) - ord("①") + 1)
    return regex.sub(r"[()、.\s]", "", marker)


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
        out.append(Piece(pos, pos + len(line), [], None, pos))
        pos += len(line) + 1
    return out


def _clip(leaf: OutlineNode, stops: list[int]) -> OutlineNode:
    """An item ends before a signature or print line that follows it: those are no task's text."""
    leaf.char_end = min([s for s in stops if leaf.content_start < s < leaf.char_end], default=leaf.char_end)
    return leaf


def tasks(doc_id: str, text: str, folded: str, root: OutlineNode, body: tuple[int, int],
          stops: list[int] = ()) -> tuple[list[Task], list]:
    """Tasks of a document with their assignments from the clauses that cover them."""
    min_han = rules.load("outline")["min_task_han"]
    han = _patterns()["han"]
    out: list[Task] = []
    all_clauses = []
    unnumbered = not root.children
    for leaf in [_body_leaf(root, folded, *body)] if unnumbered else leaves(root):
        if _excluded(leaf):
            continue
        _clip(leaf, stops)
        clauses = responsibilities.find_clauses(text, folded, leaf.content_start, leaf.char_end)
        all_clauses += clauses
        made = []
        for piece in (_paragraphs if unnumbered else _clause_segments)(leaf, folded):
            made += _split_at_clauses(doc_id, text, piece, clauses, min_han, han, len(out) + len(made))
        _cover(made, clauses)
        out += made
    return out, all_clauses


def _cover(made: list[Task], clauses) -> None:
    """Each task takes the bodies of the first clause of its item at or after its text."""
    for task in made:
        clause = next((c for c, _ in clauses if c.char_start >= task.text_end), None)
        if clause is not None:
            task.assignments = [Assignment(a.body, a.role, a.char_start, a.char_end) for a in clause.assignments]


def _split_at_clauses(doc_id, text, piece: Piece, clauses, min_han, han, ordinal0) -> list[Task]:
    out, start = [], piece.start
    body_start = piece.body_start
    inside = [(c, carried) for c, carried in clauses if piece.start <= c.char_start < piece.end]
    bounds = [(c.char_start, c.char_end, c) for c, _ in inside] + [(piece.end, piece.end, None)]
    for c_start, c_end, clause in bounds:
        body = text[body_start:c_start].strip()
        if len(han.findall(body)) >= min_han or (clause is not None and body):
            end = c_end if clause else piece.end
            task = Task(f"{doc_id}-{ordinal0 + len(out) + 1:04d}", doc_id, ordinal0 + len(out) + 1, piece.outline,
                        piece.heading if start == piece.start else None, body, start, end, c_start)
            out.append(task)
        start = body_start = c_end
    return out
