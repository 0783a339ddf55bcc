"""Chinese numerals as integers: 三 → 3, 十二 → 12, 一百零五 → 105, 二〇二四 → 2024.

The plain forms (digits alone, or digits with 十 百 千 in the written order) are read here, the
way cn2an's "smart" mode reads them; cn2an itself costs 0.2 s to import and 0.1 s to set up, so
it is loaded only for a form outside them, where it decides (or raises) as before.
"""
from __future__ import annotations

import re
from functools import lru_cache

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}

# The forms of 1-9999 written with units, as cn2an's own grammar of an integer states them
# (十五, 二十, 三百零六, 四千零一十, 五千六百七十八), and a run of digits read place by place (二〇二四).
_D = "[一二两三四五六七八九]"
_TENS = f"{_D}?十{_D}?"
_HUNDREDS = f"{_D}百(?:零{_D}|{_D}十{_D}?)?"
_THOUSANDS = f"{_D}千(?:零(?:{_TENS}|{_D})|{_HUNDREDS})?"
WITH_UNITS = re.compile(f"(?:{_THOUSANDS}|{_HUNDREDS}|{_TENS})")
PLACES = re.compile("[零〇一二两三四五六七八九]+")


@lru_cache(maxsize=1024)  # the same few numbers recur in every notice
def cn_int(text: str) -> int | float | None:
    """The number `text` writes in Chinese numerals; cn2an's reading for any other form, None where
    cn2an rejects it ("十十", "百"): a figure or a marker that counts nothing is text, and must not
    turn the whole notice into an error row."""
    if PLACES.fullmatch(text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    if WITH_UNITS.fullmatch(text):
        return _with_units(text)
    import cn2an  # only a form outside the plain ones needs it
    try:
        return cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, TypeError):  # cn2an's answers to a malformed numeral
        return None


def _with_units(text: str) -> int:
    """十 with no digit before it is one ten; a 零 holds a place and adds nothing."""
    total, digit = 0, None
    for ch in text:
        if ch in UNITS:
            total += (digit or 1) * UNITS[ch]
            digit = None
        else:
            digit = DIGITS[ch] or None
    return total + (digit or 0)
