"""Hostile and malformed inputs: whatever the bytes, process_bytes returns a document or an error
row, never both or neither, and no exception escapes it; sources() never raises on a dump's lines."""
from __future__ import annotations

import io
import json
import time
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipeline.batch.inputs import Source, sources
from pipeline.process import process_bytes
from pipeline.records import ErrorRecord, Result

SEEDS = sorted((Path(__file__).resolve().parent.parent / "corpora" / "seeds").glob("*.txt"))
HEAD = "关于印发2023年安全生产工作要点的通知\n各乡镇人民政府,县直各有关单位:\n"
PARAGRAPH = "各乡镇要全面排查燃气管道隐患,年底前完成整改。(县应急管理局牵头,县住建局配合)"
KINDS = [None, ".txt", ".html", ".docx", ".pdf"]
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(result: Result) -> Result:
    assert isinstance(result, Result)
    assert (result.document is None) != (result.error is None), "a result must be a document or an error"
    if result.error:
        assert result.error.stage and result.error.error and result.error.message
    return result


def timed(data: bytes, source: str, kind: str | None = None) -> tuple[Result, float]:
    started = time.perf_counter()
    result = check(process_bytes(data, source, kind=kind))
    return result, time.perf_counter() - started


# --- random and damaged bytes ---------------------------------------------------------------------

@FUZZ
@given(data=st.binary(max_size=4096), kind=st.sampled_from(KINDS))
def test_random_bytes(data, kind):
    check(process_bytes(data, "fuzz.bin", kind=kind))


@FUZZ
@given(seed=st.sampled_from(SEEDS), cut=st.floats(0, 1))
def test_truncated_gb18030_seed(seed, cut):
    data = seed.read_text(encoding="utf-8").encode("gb18030")
    check(process_bytes(data[:int(len(data) * cut)], seed.name))  # may cut a character in half


def word_notice() -> bytes:
    document = docx.Document()
    for line in (HEAD + PARAGRAPH).split("\n"):
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def pdf_notice() -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.setFont("STSong-Light", 12)
    for i, line in enumerate((HEAD + PARAGRAPH).split("\n")):
        page.drawString(40, 800 - 20 * i, line)
    page.showPage()
    page.save()
    return buf.getvalue()


GOOD = {".docx": word_notice(), ".pdf": pdf_notice()}
READ_ERRORS = {"empty", "too_large", "bad_docx", "bad_pdf", "encrypted_pdf", "no_text_layer", "not_a_notice"}


@FUZZ
@given(kind=st.sampled_from(sorted(GOOD)), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_damaged_word_and_pdf_files(kind, flips):
    data = bytearray(GOOD[kind])
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    result = check(process_bytes(bytes(data), f"damaged{kind}", kind=kind))
    if result.error and result.error.stage == "read":  # not an exception that slipped through the reader
        assert result.error.error in READ_ERRORS, result.error


# --- sizes and shapes -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def one_line_50mb() -> bytes:
    line = PARAGRAPH.encode("utf-8")
    return line * (50_000_000 // len(line) + 1)


def test_a_50_mb_single_line_is_refused_quickly(one_line_50mb):
    assert b"\n" not in one_line_50mb and len(one_line_50mb) > 50_000_000
    result, seconds = timed(one_line_50mb, "one-line.txt")
    assert result.error.error == "too_large"
    assert seconds < 2


def test_a_50_mb_single_line_in_a_crawl_dump(tmp_path, one_line_50mb):
    dump = tmp_path / "crawl.jsonl"
    with dump.open("w", encoding="utf-8") as fh:
        json.dump({"url": "u", "text": one_line_50mb.decode("utf-8")}, fh, ensure_ascii=False)
        fh.write("\n" + json.dumps({"url": "v", "text": HEAD + PARAGRAPH}) + "\n")
    items = list(sources([dump]))
    assert [item.source for item in items] == ["u", "v"]
    assert check(process_bytes(items[0].data, "u", kind=items[0].kind)).error.error == "too_large"


def test_a_1_mb_single_line_under_the_limit():
    # Time grows faster than the length (1 MB ≈ 1 s, 3 MB ≈ 7 s, 5 MB ≈ 35 s): responsibilities.py's
    # _sentence_clauses compares every sentence with every clause found. 1 MB keeps the test fast.
    data = (PARAGRAPH * (1_000_000 // len(PARAGRAPH.encode()))).encode()
    result, _ = timed(HEAD.encode() + data, "one-line.txt")
    assert result.document is not None


def test_an_outline_nested_50_deep():
    numerals = "一二三四五六七八九"
    markers = [lambda i: f"{numerals[i % 9]}、", lambda i: f"({numerals[i % 9]})", lambda i: f"{i % 9 + 1}.",
               lambda i: f"({i % 9 + 1})", lambda i: "①②③④⑤⑥⑦⑧⑨"[i % 9]]
    lines = [f"{markers[depth % 5](depth)}第{depth + 1}层:{PARAGRAPH}" for depth in range(50)]
    result, _ = timed((HEAD + "\n".join(lines)).encode(), "deep.txt")
    assert result.document is not None and result.tasks


def test_ten_thousand_tasks_in_one_notice():
    # ≈ 6 s, the slowest input found, for the same reason as the long line above
    tasks = "".join(f"{i}.开展第{i}项隐患排查整治,年底前完成。(县应急管理局牵头,县公安局配合)\n" for i in range(1, 10_001))
    result, _ = timed((HEAD + tasks).encode(), "many.txt")
    assert result.document is not None
    assert len(result.tasks) == 10_000


# --- HTML -----------------------------------------------------------------------------------------

FRAGMENTS = [
    f"<p>{PARAGRAPH}</p>", "<script>document.write('<p>脚本里的文字</p>');</script>", "<style>p{color:red}</style>",
    "&nbsp;", "&#x4e00;", "&#99999999;", "&#0;", "&#xD800;", "&bogus;", "&lt;script&gt;", "&amp;amp;",
    "<!-- 注释 -->", "<![CDATA[ 数据 ]]>", "<?php echo 1; ?>", "<p>", "</div>", "<table><tr><td>", "</td></tr></table>",
    "<font size=3>", "<br/>", "<!DOCTYPE html>", "<meta charset=gbk>", "<svg><script>alert(1)</script></svg>",
    "<div class=\"breadcrumb\">首页 > 通知公告</div>", "\x00", "\ufeff", "<a href='javascript:void(0)'>链接</a>",
]


# Free text holds no "<": a "<?" or "<!" before the script fragment turns its <script> into a
# bogus comment, as a browser does too, and the script's words become the page's visible text.
# The tag tricks are in FRAGMENTS.
@FUZZ
@given(parts=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(blacklist_characters="<"), max_size=40)),
                      max_size=60))
def test_html_with_scripts_entities_and_broken_tags(parts):
    markup = "<html><body>" + "".join(parts) + f"<p>{HEAD}{PARAGRAPH}</p></body></html>"
    result = check(process_bytes(markup.encode("utf-8", errors="replace"), "page.html"))
    if result.document:
        assert "脚本里的文字" not in result.document.text and "alert(1)" not in result.document.text


def test_html_with_an_unclosed_tag_in_every_paragraph_keeps_every_paragraph():
    page = "<html><body><p>" + HEAD + "</p>" + "".join(f"<p><font size=3>第{i}条:{PARAGRAPH}" for i in range(600))
    result, _ = timed(page.encode(), "page.html")
    assert result.document is not None
    assert "第599条" in result.document.text


def test_html_nested_past_the_parser_limit_is_an_error_not_a_silent_cut():
    page = "<html><body>" + "".join(f"<span>第{i}条:{PARAGRAPH}" for i in range(3000))
    result, seconds = timed(page.encode(), "page.html")
    assert (result.error.error, result.error.stage) == ("bad_html", "read")
    assert "2,048" in result.error.message
    assert seconds < 5


# --- crawl dumps ----------------------------------------------------------------------------------

LINES = st.one_of(
    st.binary(max_size=200).map(lambda b: b.replace(b"\n", b"")),
    st.text(max_size=200).map(lambda t: t.replace("\n", "").encode("utf-8", errors="replace")),
    st.fixed_dictionaries({}, optional={"url": st.one_of(st.text(max_size=20), st.integers(), st.none()),
                                        "html": st.one_of(st.text(max_size=60), st.integers()),
                                        "text": st.one_of(st.text(max_size=60), st.lists(st.integers())),
                                        "published": st.one_of(st.text(max_size=30), st.integers(), st.none(),
                                                               st.dates().map(str))})
    .map(lambda record: json.dumps(record).encode()),
)


@FUZZ
@given(lines=st.lists(LINES, max_size=20))
def test_crawl_dump_lines_never_stop_the_dump(tmp_path_factory, lines):
    dump = tmp_path_factory.mktemp("dump") / "crawl.jsonl"
    data = b"\n".join(lines)
    dump.write_bytes(data)
    items = list(sources([dump]))
    assert len(items) == sum(1 for line in data.split(b"\n") if line.strip())
    for item in items:
        assert isinstance(item, (Source, ErrorRecord))
        if isinstance(item, Source):
            check(process_bytes(item.data, item.source, kind=item.kind, published=item.published))
