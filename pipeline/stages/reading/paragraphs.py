"""Paragraphs from hard-wrapped text: a PDF copy or a fixed-width page breaks every line at one
width, mid-sentence. Such breaks are joined, so that every later stage sees one line per paragraph."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

import regex

from pipeline import rules


@lru_cache(maxsize=1)
def _config() -> tuple[dict, regex.Pattern, regex.Pattern, regex.Pattern]:
    cfg = rules.load("paragraphs")
    # a line of the page's metadata block (成文日期:…, 发布时间:…) stands alone, however long the
    # lines around it: a label of three characters or more, or any label with its colon or cell bar
    labels = [w for words in rules.load("fields")["labels"].values() for w in words]
    label = regex.compile(rf"[•·]?\s*(?:{rules.alternation(w for w in labels if len(w) >= 3)}|(?:{rules.alternation(labels)})\s*[:|])")
    # a number glued to words opens a heading only where decimal items follow (outline._markers): a
    # wrapped line opens with a figure as often ("15万亩,…")
    styles = {k: v for k, v in rules.load("outline")["styles"].items() if k != "num_glued"}
    starts = [*styles.values(), cfg["paragraph_start"], label.pattern]
    return cfg, regex.compile(cfg["paragraph_end"]), regex.compile("|".join(f"(?:{p})" for p in starts)), label


def page_width(lines: list[str]) -> int | None:
    """The width the page breaks its lines at, if most long lines share one; else None."""
    cfg = _config()[0]
    lengths = Counter(n for n in map(len, lines) if n >= cfg["min_width"])
    if not lengths:
        return None
    # lines one or two characters short of the width (a Latin letter, a wide bracket) count too
    width = max(lengths, key=lambda n: lengths[n - 2] + lengths[n - 1] + lengths[n])
    near = sum(lengths[k] for k in range(width - cfg["slack"], width + 2))
    return width if near >= max(cfg["min_lines"], cfg["min_share"] * len(lines)) else None


def unwrap(lines: list[str]) -> list[str]:
    """`lines` with each page-made break joined to the line after it."""
    width = page_width(lines)
    if width is None:
        return lines
    cfg, end, start, label = _config()
    out: list[str] = []
    joining = False
    for line in lines:
        if joining and not start.match(line):
            out[-1] += line
        else:
            out.append(line)
        joining = len(line) >= width - cfg["slack"] and not end.search(line) and not label.match(line)
    return out
