"""Character spans, sorted once so that "does this overlap any of them" is a bisection: notices of
thousands of items must not compare every span with every other."""
from __future__ import annotations

import bisect
from itertools import accumulate


class Spans:
    def __init__(self, spans):
        """`spans`: (start, end, …) tuples; anything after the end is ignored."""
        ordered = sorted((span[0], span[1]) for span in spans)
        self.starts = [s for s, _ in ordered]
        self.reach = list(accumulate((e for _, e in ordered), max))  # the furthest end so far

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.reach[i - 1] > start

    def __bool__(self) -> bool:
        return bool(self.starts)
