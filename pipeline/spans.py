"""Character spans, sorted once so that "does this overlap any of them" is a bisection: notices of
thousands of items must not compare every span with every other."""
from __future__ import annotations

import bisect
from itertools import accumulate
from operator import itemgetter

_START, _END, _START_END = itemgetter(0), itemgetter(1), itemgetter(0, 1)


class Spans:
    def __init__(self, spans):
        """`spans`: (start, end, …) tuples; anything after the end is ignored. Sorted by a C-level
        key and read out by C-level getters, not through a generator of pairs made in Python."""
        ordered = sorted(spans, key=_START_END)
        self.starts = list(map(_START, ordered))
        self.reach = list(accumulate(map(_END, ordered), max))  # the furthest end so far

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.reach[i - 1] > start

    def __bool__(self) -> bool:
        return bool(self.starts)


class Cover:
    """The union of spans added one by one, kept as sorted disjoint spans, so that "is this position
    inside any of them" is a bisection however many spans a long notice adds."""

    def __init__(self, spans=()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for span in spans:
            self.add(span[0], span[1])

    def add(self, start: int, end: int) -> None:
        if start >= end:  # an empty span holds no position
            return
        lo = bisect.bisect_left(self.ends, start)  # the first kept span that ends at or after `start`
        hi = bisect.bisect_right(self.starts, end)  # past the last kept span that starts at or before `end`
        if lo < hi:  # touching or overlapping spans merge into one
            start, end = min(start, self.starts[lo]), max(end, self.ends[hi - 1])
        self.starts[lo:hi], self.ends[lo:hi] = [start], [end]

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]
