"""The structural pass: a normalised notice read once as a typed tree with offsets.

`read(text, folded)` gives a `Structure`: the head (metadata block, red-header issuer line,
document number, title, addressees), the preamble, the outline of sections and items with the
type of each section, the task tables, the signature with its date, the print line (版记) and the
attachments. Tasks, responsibilities, quantities, dates and the document fields all take their
structure from it; `policy-pipeline structure FILE` prints it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex

from pipeline.stages.structure import document, outline, sections, tables
from pipeline.records import OutlineNode

ATTACHMENT = regex.compile(r"^附件\s*\d*\s*[::]?", regex.M)


@dataclass
class Part:
    """A typed span of the document: head, title, preamble, section, item, table, signature,
    print_line, attachment."""

    kind: str
    start: int
    end: int
    label: str = ""  # a section's type, an item's outline numbers


@dataclass
class Structure:
    fields: document.Fields
    root: OutlineNode
    tables: list[tables.Table]
    sections: list[tuple[int, int, str]]  # (start, end, type) of sections and goal sentences
    parts: list[Part] = field(default_factory=list)

    @property
    def body(self) -> tuple[int, int]:
        """From after the head to the first signature (or the end)."""
        return self.fields.body_start, self.fields.body_end or self.root.char_end

    @property
    def genre(self) -> str:
        return self.fields.values["doc_type"]


def read(text: str, folded: str) -> Structure:
    fields = document.extract(text, folded)
    root = outline.build(text, folded)
    found_tables = tables.find(folded)
    if fields.values["doc_type"] == "新闻" and (root.children or found_tables):
        fields.values["doc_type"] = "其他"  # numbered items or a task table make it a plan or a report, not a story
    found = Structure(fields, root, found_tables, sections.parts(text, folded))
    found.parts = _parts(found, folded)
    return found


def _parts(found: Structure, folded: str) -> list[Part]:
    fields, root = found.fields, found.root
    start, end = found.body
    parts = [Part("head", 0, start)] if start else []
    parts += [Part("title", s, e) for s, e in fields.skip]
    first = root.children[0].char_start if root.children else end
    if start < first:
        parts.append(Part("preamble", start, first))
    parts += _outline_parts(root)
    parts += [Part("table", t.start, t.end) for t in found.tables]
    parts += [Part("signature", s, e) for s, e in fields.signatures]
    parts += [Part("print_line", s, e) for s, e in fields.print_lines]
    parts += [Part("attachment", m.start(), _line_end(folded, m.start())) for m in ATTACHMENT.finditer(folded)]
    return sorted(parts, key=lambda p: (p.start, -p.end))


def _outline_parts(node: OutlineNode) -> list[Part]:
    out = []
    for child in node.children:
        kind = "section" if child.children else "item"
        label = outline.section_type(child) if child.children else "/".join(child.path())
        out.append(Part(kind, child.char_start, child.char_end, label))
        out += _outline_parts(child)
    return out


def _line_end(folded: str, pos: int) -> int:
    end = folded.find("\n", pos)
    return end if end != -1 else len(folded)


def describe(found: Structure, text: str, width: int = 40) -> list[str]:
    """One line per part, indented by nesting: what `policy-pipeline structure` prints."""
    lines, open_ends = [], []
    for part in found.parts:
        while open_ends and open_ends[-1] <= part.start:
            open_ends.pop()
        snippet = text[part.start:part.end].split("\n", 1)[0][:width]
        label = f" [{part.label}]" if part.label else ""
        lines.append(f"{'  ' * len(open_ends)}{part.kind}{label} {part.start}-{part.end} {snippet}")
        open_ends.append(part.end)
    return lines
