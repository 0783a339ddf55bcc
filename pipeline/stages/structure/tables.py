"""Task tables flattened to text: a header row (序号 | 任务 | 牵头单位 | 配合单位 | 完成时限) and
numbered rows, with cells on one line between `|`, or one cell per line.

Each row is a task; the columns named like the labels of rules/roles.toml give its bodies.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

import regex

from pipeline.stages.assignments import grammar, responsibilities
from pipeline.stages.structure.outline import value
from pipeline import rules
from pipeline.records import Assignment

UNIT_IN_HEADER = regex.compile(r"\((?P<unit>[^()]{1,6})\)$")
SPACES = regex.compile(r"\s+")
# A row's number as tables write it: 1, 01, 1., (1), 一, (一); not 一、, which heads a group of rows
ROW_NUMBER = regex.compile(r"[(]?(?P<n>\d{1,3}|[一二三四五六七八九十]{1,3})[)]?\.?")


@dataclass
class Cell:
    text: str
    start: int
    end: int
    line: int


@dataclass
class Column:
    name: str
    kind: str  # number, task, time, a role, or other
    unit: str | None = None  # "(万元)" in the header: the unit of bare numbers below it
    known: bool = False  # named by a known label (责任单位), which vouches for short names below it


@dataclass
class Row:
    number: str
    start: int
    end: int
    cells: list[tuple[Column, Cell]] = field(default_factory=list)


@dataclass
class Table:
    start: int
    end: int
    columns: list[Column]
    rows: list[Row]


@lru_cache(maxsize=1)
def _cfg() -> dict:
    cfg = rules.load("tables")
    kinds = {name: "number" for name in cfg["number"]}
    kinds.update({name: "task" for name in cfg["task"]})
    kinds.update({name: "time" for name in cfg["time"]})
    kinds.update(grammar.label_words(rules.load("roles")))
    # a cell that is nothing but a number column's name (序号, 序 号): a text with none has no table
    spaced = "|".join(r"\s*".join(map(regex.escape, name)) for name in cfg["number"])
    opener = regex.compile(rf"(?:^|\|)[ ]*(?:{spaced})[ ]*(?:\||$)", regex.M)
    # where such a cell may open: after a line's break, or at a bar, then spaces and a name's first
    # character (each with a literal first: the standard library's engine scans a class of two far slower)
    firsts = "".join(sorted({re.escape(name[0]) for name in cfg["number"]}))
    opener_at = re.compile(rf"\n[ ]*[{firsts}]"), re.compile(rf"\|[ ]*[{firsts}]")
    columns = cfg["role_columns"]
    bodies = columns["bodies"].removesuffix("$")
    return {"kinds": kinds, "header_max": cfg["header_max"], "sep": regex.compile(cfg["cell_separator"]), "opener": opener,
            "opener_at": opener_at,
            "role_words": [(role, regex.compile(columns[role])) for role in ("lead", "support", "supervise", "responsible")],
            "bodies": regex.compile(columns["bodies"]),
            # a line of cells with a column of bodies in it: a table with no number column may start there
            "line_opener": regex.compile(rf"^[^\n|]*\|[^\n]*{bodies}[ ]*(?:\||$)", regex.M),
            "line_header_min": cfg["line_header_min"]}


def _column(name: str) -> Column:
    unit = UNIT_IN_HEADER.search(name)
    bare = SPACES.sub("", UNIT_IN_HEADER.sub("", name))
    return Column(name, _kind(bare), unit.group("unit") if unit else None, bare in _cfg()["kinds"])


def _kind(name: str) -> str:
    """A column's kind: by its known name, else a column of bodies by the role words in its header."""
    c = _cfg()
    if name in c["kinds"]:
        return c["kinds"][name]
    if not c["bodies"].search(name):
        return "other"
    return next((role for role, words in c["role_words"] if words.search(name)), "responsible")


def _cells(folded: str) -> list[Cell]:
    """Every cell of the text: a line's parts between `|`, or the whole line. An empty cell between
    two separators is kept, so that the values after it stay in their columns."""
    out, pos = [], 0
    sep = _cfg()["sep"]
    for i, line in enumerate(folded.split("\n")):
        s, first = 0, True
        for match in [*sep.finditer(line), None]:
            e = match.start() if match else len(line)
            raw = line[s:e]
            text = raw.strip()
            if text or not first and match is not None:
                lead = len(raw) - len(raw.lstrip())
                out.append(Cell(text, pos + s + lead, pos + s + lead + len(text), i))
            s, first = (match.end(), False) if match else (s, first)
        pos += len(line) + 1
    return out


def _numbered(folded: str) -> bool:
    """Whether a cell or a line of `folded` is a number column's name (the opener matches): tried at the
    text's start, after each line break and at each bar that a name's first character follows
    (opener_at), few in a notice, not at every character."""
    opener, (after_break, bar) = _cfg()["opener"], _cfg()["opener_at"]
    places = chain((0,), (m.start() + 1 for m in after_break.finditer(folded)), (m.start() for m in bar.finditer(folded)))
    return any(opener.match(folded, at) for at in places)


def find(folded: str) -> list[Table]:
    """The task tables of a text, found on its simplified view."""
    numbered, lined = _numbered(folded), _cfg()["line_opener"].search(folded)
    if not numbered and not lined:
        return []
    cells = _cells(folded)
    tables, i = [], 0
    while i < len(cells):
        header = _header(cells, i) if numbered else None
        if header is not None:  # the table spans its header too: no line of it is a paragraph of work
            columns, first = header
            start = cells[i].start
            rows, i = _rows(cells, first, columns)
            if rows:
                tables.append(Table(start, rows[-1].end, columns, rows))
            continue
        found = _line_table(folded, cells, i) if lined else None
        if found is None:
            i += 1
            continue
        table, i = found
        tables.append(table)
    return tables


def _line_table(folded: str, cells: list[Cell], i: int) -> tuple[Table, int] | None:
    """A table with no number column from cells[i]: a header line of cells with a column of
    bodies ("整治内容 | 时间 | 责任单位"), and a row on each line of cells below it."""
    if i and cells[i - 1].line == cells[i].line:  # not a line's first cell: told before its columns are read
        return None
    line = [cell for cell in cells[i:i + 30] if cell.line == cells[i].line]
    columns = [_column(cell.text) for cell in line]
    if len(line) < _cfg()["line_header_min"] \
            or not any(col.kind in responsibilities.ROLES for col in columns) \
            or any(len(cell.text) > _cfg()["header_max"] for cell in line) or "|" not in _line_of(folded, line[0]):
        return None
    rows, j = [], i + len(line)
    while j < len(cells) and "|" in _line_of(folded, cells[j]):
        row = [cell for cell in cells[j:j + 30] if cell.line == cells[j].line]
        pairs = list(zip(columns, row)) if len(row) == len(columns) else _row([row[0], *row], columns).cells
        rows.append(Row(str(len(rows) + 1), row[0].start, row[-1].end, pairs))
        j += len(row)
    return (Table(line[0].start, rows[-1].end, columns, rows), j) if rows else None


def _line_of(folded: str, cell: Cell) -> str:
    start = folded.rfind("\n", 0, cell.start) + 1
    end = folded.find("\n", cell.end)
    return folded[start:end if end != -1 else len(folded)]


def _number(text: str) -> int | None:
    """The row number a cell holds, however written (ROW_NUMBER), else None."""
    match = ROW_NUMBER.fullmatch(text)
    return value(match.group("n")) if match else None


def _header(cells: list[Cell], i: int) -> tuple[list[Column], int] | None:
    """A header starting at cells[i] (序号…) and the index of its first row's number cell."""
    if _column(cells[i].text).kind != "number":
        return None
    columns, j = [_column(cells[i].text)], i + 1
    while j < len(cells) and _number(cells[j].text) != 1 and len(cells[j].text) <= _cfg()["header_max"]:
        columns.append(_column(cells[j].text))
        j += 1
    known = [c for c in columns[1:] if c.kind != "other"]
    if j >= len(cells) or _number(cells[j].text) != 1 or len(columns) < 3 or not known:
        return None
    return columns, j


def _rows(cells: list[Cell], i: int, columns: list[Column]) -> tuple[list[Row], int]:
    """Rows numbered 1, 2, … (一, 二, …; (1), (2), …) from cells[i]; a row runs to the next number,
    or, the last one, to as many cells as there are columns."""
    rows, k, width = [], 1, len(columns)
    while i < len(cells) and _number(cells[i].text) == k:
        nxt = next((j for j in range(i + 2, min(len(cells), i + 2 * width)) if _number(cells[j].text) == k + 1
                    and j - i >= max(2, width // 2)), None)
        stop = nxt if nxt is not None else min(len(cells), i + width)
        rows.append(_row(cells[i:stop], columns))
        i, k = stop, k + 1
    return rows, i


def _row(cells: list[Cell], columns: list[Column]) -> Row:
    """Cells to columns: in order when none is missing; else the first ones from the left and the
    rest from the right, since bodies and times close a row."""
    rest, named = cells[1:], columns[1:]
    n = min(len(rest), len(named))
    left, right = n // 2, n - n // 2
    pairs = list(zip(named[:left], rest[:left])) + list(zip(named[len(named) - right:], rest[len(rest) - right:]))
    number = ROW_NUMBER.fullmatch(cells[0].text)
    return Row(number.group("n") if number else cells[0].text, cells[0].start, cells[-1].end,
               sorted(pairs, key=lambda p: p[1].start))


def assignments(row: Row, text: str) -> list[Assignment]:
    """Bodies in the row's columns named for a role (牵头单位, 配合单位, 责任单位)."""
    out = []
    for column, cell in row.cells:
        if column.kind not in responsibilities.ROLES:
            continue
        for body, s, e, mark in grammar.split_marked(cell.text, cell.start):
            if responsibilities.is_body(body) or (column.known and responsibilities.is_short_name(body)):
                out.append(Assignment(text[s:e], mark or column.kind, s, e))
    return responsibilities.surface(out, text)
