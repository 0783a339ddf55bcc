"""tasks.py asks whether a text holds enough Han characters to name a task (min_task_han,
min_intro_han) with one pattern search: the answer is the count's, however the characters are spread."""
from __future__ import annotations

import pytest
import regex

from pipeline.stages.assignments import tasks

TEXTS = ["", "abc", "县", "开展排查", "开展 2024 年度排查", "A县B局C配D合E", "(一)加强领导。\n落实责任,做好宣传。",
         "123,456;789", "县應急局牽頭", "《条例》“十强”", "x" * 50 + "县局" + "y" * 50 + "牵头"]


@pytest.mark.parametrize("text", TEXTS)
def test_enough_han_is_counting_han(text):
    count = len(regex.findall(r"\p{Han}", text))
    for n in range(0, 12):
        assert tasks._holds_han(text, n) == (count >= n), (text, n)
