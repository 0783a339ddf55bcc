"""The records passed between stages.

Every extracted value carries `char_start`/`char_end` into `Document.text`, the
normalised text that is also written to the `documents` table.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Document:
    doc_id: str
    source: str
    text: str
    # `text` with traditional characters folded to simplified, same length, for matching only
    folded: str
    content_hash: str = ""
    encoding: str = ""
    fields: dict = field(default_factory=dict)


@dataclass
class OutlineNode:
    """A numbered heading or item: `一、`, `(一)`, `1.`, `(1)`, `一是`."""

    number: str
    style: str
    depth: int
    char_start: int
    char_end: int  # end of the item's whole text, children included
    title: str | None = None  # the short heading, if the item opens with one
    content_start: int = 0  # after the marker
    children: list["OutlineNode"] = field(default_factory=list)
    parent: "OutlineNode | None" = field(default=None, repr=False)

    def path(self) -> list[str]:
        node, numbers = self, []
        while node is not None and node.style not in ("root", "body", "preamble"):
            numbers.append(node.number)
            node = node.parent
        return numbers[::-1]


@dataclass
class Clause:
    """A responsibility clause: a bracketed or labelled assignment of bodies to roles."""

    char_start: int
    char_end: int
    assignments: list["Assignment"]


@dataclass
class Assignment:
    body: str
    role: str
    char_start: int
    char_end: int
    inherited: bool = False
    shared_prefix: str = ""  # the region prefix a list shares: 住建局 in "市行政审批局、住建局" takes 市

    def copy(self, inherited: bool | None = None) -> "Assignment":
        """A task's own row of a clause's assignment (dataclasses.replace is slow in the hot loop)."""
        return Assignment(self.body, self.role, self.char_start, self.char_end,
                          self.inherited if inherited is None else inherited, self.shared_prefix)


@dataclass
class Task:
    task_id: str
    doc_id: str
    ordinal: int
    outline: list[str]
    heading: str | None
    text: str
    char_start: int
    char_end: int
    text_end: int  # where the task's own text ends (before its clause)
    assignments: list[Assignment] = field(default_factory=list)


@dataclass
class Quantity:
    raw: str
    value: float
    unit: str | None
    comparator: str
    char_start: int
    char_end: int
    value_max: float | None = None
    period: str | None = None
    direction: str | None = None
    subject: str | None = None
    kind: str = "target"
    year: int | None = None  # the year the figure is set for or reported on (pipeline/stages/values/quantities.py)
    deadline: str | None = None
    task_id: str | None = None
    region: str | None = None  # the region the figure is reported for (pipeline/ner/entities.py)
    # a target stated as a floor and a stretch (确保5%、力争6%) is two quantities: the floor's
    # stretch is the stretch's value, the stretch's stretch_of the floor's char_start
    stretch: float | None = None
    stretch_of: int | None = None


@dataclass
class DateExpr:
    raw: str
    kind: str
    start: str | None
    end: str | None
    char_start: int
    char_end: int
    task_id: str | None = None


@dataclass
class ErrorRecord:
    source: str
    stage: str
    error: str
    message: str


@dataclass
class Result:
    """Everything extracted from one input: either a document with its rows, or an error."""

    document: Document | None = None
    tasks: list[Task] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    dates: list[DateExpr] = field(default_factory=list)
    entities: list = field(default_factory=list)  # pipeline.ner.entities.Entity
    error: ErrorRecord | None = None
