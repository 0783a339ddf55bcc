"""pipeline.stages.numerals reads the plain forms itself and must read each exactly as cn2an's
smart mode does (which it replaces there, to spare cn2an's import): checked on every form its
grammar accepts with units, and every run of digits up to four long."""
from __future__ import annotations

import itertools
import subprocess
import sys

import cn2an
import pytest

from pipeline.stages import numerals

DIGIT = "一二两三四五六七八九"


def _tens():
    return [a + "十" + b for a in [""] + list(DIGIT) for b in [""] + list(DIGIT)]


def _hundreds():
    tails = [""] + ["零" + d for d in DIGIT] + [d + "十" + b for d in DIGIT for b in [""] + list(DIGIT)]
    return [d + "百" + t for d in DIGIT for t in tails]


def _thousands():
    tails = [""] + ["零" + t for t in _tens() + list(DIGIT)] + _hundreds()
    return [d + "千" + t for d in DIGIT for t in tails]


def test_forms_with_units_read_as_cn2an_reads_them():
    forms = _tens() + _hundreds() + _thousands()
    assert len(forms) > 10_000
    for form in forms:
        assert numerals.WITH_UNITS.fullmatch(form), form
        assert numerals._with_units(form) == cn2an.cn2an(form, "smart"), form


def test_runs_of_digits_read_place_by_place_as_cn2an_reads_them():
    for n in range(1, 5):
        for chars in itertools.product("零〇" + DIGIT, repeat=n):
            form = "".join(chars)
            numerals.cn_int.cache_clear()
            assert numerals.cn_int(form) == cn2an.cn2an(form, "smart"), form


def test_no_other_short_string_is_read_here():
    """Over every string of up to four numerals and units, whatever the module reads itself is
    what cn2an reads, and cn2an accepts it."""
    alphabet = "零〇" + DIGIT + "十百千"
    for n in range(1, 5):
        for chars in itertools.product(alphabet, repeat=n):
            form = "".join(chars)
            if numerals.PLACES.fullmatch(form) or numerals.WITH_UNITS.fullmatch(form):
                plain = int("".join(str(numerals.DIGITS[c]) for c in form)) if numerals.PLACES.fullmatch(form) \
                    else numerals._with_units(form)
                assert plain == cn2an.cn2an(form, "smart"), form


def test_other_forms_go_to_cn2an():
    assert numerals.cn_int("一万二") == 12000
    assert numerals.cn_int("十三万六") == cn2an.cn2an("十三万六", "smart")


def test_plain_forms_leave_cn2an_unloaded():
    code = ("import sys; from pipeline.stages import numerals; "
            "assert numerals.cn_int('二十三') == 23 and numerals.cn_int('二〇二四') == 2024; "
            "print('cn2an' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("form", ["十十", "百", "一二十三", "千千万"])
def test_a_numeral_that_counts_nothing_is_none(form):
    assert numerals.cn_int(form) is None


def test_a_notice_with_numerals_that_count_nothing_still_gives_its_rows():
    """Typos in figures, dates and markers cost those values, not the notice (an error row)."""
    from pipeline.process import process_bytes
    page = ("某县人民政府办公室关于做好河湖巡查工作的通知\n一、加强巡查\n(十十)每年十十次开展巡查,每十十天检查一次,"
            "县水利局负责。\n二、按时完成\n(一)二〇二五年十十月底前完成整改,每季度开展1次督导,各乡镇负责。\n")
    result = process_bytes(page.encode(), "typos.txt")
    assert result.error is None
    assert [a.body for task in result.tasks for a in task.assignments if a.role == "responsible"] == ["县水利局", "各乡镇"]
    assert "每季度开展1次" in [q.raw for q in result.quantities]
