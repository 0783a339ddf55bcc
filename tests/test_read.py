"""Bytes → text (pipeline/stages/reading/read.py): encodings, byte-order marks, HTML pages, and inputs that are refused."""
from __future__ import annotations

import codecs
import random

import pytest

from pipeline.stages.reading import read
from pipeline import rules
from pipeline.stages.reading.normalize import normalize
from pipeline.process import process_bytes
from pipeline.stages.reading.read import ReadError, read_text

# Seeds whose text GBK can encode (000 has "•", 001 a no-break space, which only GB18030 holds).
GBK_SEEDS = ["002_b8417ae412979ff8.txt", "003_e0fedd1fff0104c5.txt", "004_5db492723fbc6362.txt"]
ALL_SEEDS = ["000_0de75744798fb82f.txt", "001_ceaadc868233f089.txt"] + GBK_SEEDS


def seed_text(seeds_dir, name: str) -> str:
    return (seeds_dir / name).read_text(encoding="utf-8")


# --- plain-text encodings -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_SEEDS)
def test_utf8(seeds_dir, name):
    text = seed_text(seeds_dir, name)
    got, encoding = read_text(text.encode("utf-8"), name)
    assert got == text
    assert encoding == "utf-8"


@pytest.mark.parametrize("name", ALL_SEEDS)
def test_utf8_with_bom_drops_the_bom(seeds_dir, name):
    text = seed_text(seeds_dir, name)
    got, encoding = read_text(codecs.BOM_UTF8 + text.encode("utf-8"), name)
    assert got == text
    assert not got.startswith("\ufeff")
    assert encoding == "utf-8-sig"


@pytest.mark.parametrize("name", GBK_SEEDS)
def test_gbk(seeds_dir, name):
    text = seed_text(seeds_dir, name)
    data = text.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test is only worth something if these bytes are not UTF-8
    got, encoding = read_text(data, name)
    assert got == text
    assert encoding in ("gbk", "gb18030")


@pytest.mark.parametrize("name", ALL_SEEDS)
def test_gb18030(seeds_dir, name):
    text = seed_text(seeds_dir, name)
    got, encoding = read_text(text.encode("gb18030"), name)
    assert got == text
    assert encoding == "gb18030"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le-bom", "utf-16-be-bom"])
@pytest.mark.parametrize("name", ["001_ceaadc868233f089.txt", "003_e0fedd1fff0104c5.txt"])
def test_utf16_with_bom(seeds_dir, name, codec):
    text = seed_text(seeds_dir, name)
    data = {
        "utf-16": text.encode("utf-16"),
        "utf-16-le-bom": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        "utf-16-be-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    }[codec]
    assert b"\x00" in data  # UTF-16 is full of NUL bytes, yet it is text, not binary
    got, encoding = read_text(data, name)
    assert got == text
    assert encoding.startswith("utf-16")


def test_gbk_seed_gives_the_same_document_as_utf8(seeds_dir):
    name = "003_e0fedd1fff0104c5.txt"
    text = seed_text(seeds_dir, name)
    utf8 = process_bytes(text.encode("utf-8"), name)
    gbk = process_bytes(text.encode("gbk"), name)
    assert utf8.error is None and gbk.error is None
    assert gbk.document.text == utf8.document.text
    assert gbk.document.fields == utf8.document.fields
    assert len(gbk.tasks) == len(utf8.tasks) > 0


# --- HTML pages -----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>关于做好2021年安全生产月活动的通知_平江县人民政府</title>
<link rel="stylesheet" href="/css/main.css">
<style type="text/css">
body {{ font-family: "宋体"; }} .nav li {{ float: left; }} /* 样式表里的注释文字 */
</style>
<script type="text/javascript">var 统计代码 = "访问统计脚本"; document.write("脚本输出的文字");</script>
</head>
<body>
<nav class="topnav"><ul>
<li><a href="/">网站首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流服务</a></li>
</ul></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="/zwgk/tzgg/">通知公告栏目</a></div>
<div class="article">
<h1>关于做好2021年安全生产月活动的通知</h1>
<table class="xxgk">
<tr><td>索引号</td><td>11430626MB1234567X/2021-00123</td><td>发布机构</td><td>平江县应急管理局</td></tr>
<tr><td>成文日期</td><td>2021年5月28日</td><td>发文字号</td><td>平应急〔2021〕12号</td></tr>
</table>
<p>各乡镇人民政府，县直各有关单位：</p>
<p>　　今年6月是全国第二十个“安全生产月”。为切实做好活动各项工作，现将有关事项通知如下。</p>
<p>　　一、开展安全宣传咨询日活动。6月16日在县城广场集中开展宣传咨询活动。（县应急管理局牵头，县安委会各成员单位配合）</p>
<p>　　二、组织应急演练。各乡镇要在6月30日前至少组织1次综合应急演练。（各乡镇人民政府负责）</p>
<p>平江县应急管理局</p>
<p>2021年5月28日</p>
</div>
<script>console.log("页脚脚本内容");</script>
<div class="footer">主办单位：平江县人民政府办公室 版权所有 技术支持：某某网络公司</div>
</body>
</html>
"""

PAGE_JUNK = ["访问统计脚本", "脚本输出的文字", "统计代码", "页脚脚本内容", "font-family", "样式表里的注释文字",
             "网站首页", "互动交流服务", "通知公告栏目", "版权所有", "技术支持"]
PAGE_TEXT = ["各乡镇人民政府,县直各有关单位:", "今年6月是全国第二十个“安全生产月”",
             "一、开展安全宣传咨询日活动。6月16日在县城广场集中开展宣传咨询活动。(县应急管理局牵头,县安委会各成员单位配合)",
             "二、组织应急演练。", "关于做好2021年安全生产月活动的通知", "平江县应急管理局\n2021年5月28日"]


def page_bytes(charset: str, encoding: str) -> bytes:
    return PAGE.format(charset=charset).encode(encoding)


PAGE_CASES = [("utf-8", "utf-8"), ("gbk", "gbk"), ("gb2312", "gbk"), ("GB18030", "gb18030")]


@pytest.mark.parametrize("charset,encoding", PAGE_CASES)
@pytest.mark.parametrize("name", ["notice.html", "notice.htm", "notice.txt"])
def test_html_page_keeps_the_notice_and_drops_the_furniture(charset, encoding, name):
    raw, used = read_text(page_bytes(charset, encoding), name)
    if encoding != "utf-8":
        assert used in ("gbk", "gb18030")
    assert "<p>" not in raw and "<script" not in raw and "&gt;" not in raw
    text = normalize(raw)
    for junk in PAGE_JUNK:
        assert junk not in text, f"page furniture {junk!r} survived"
    assert "当前位置" not in text and "政府信息公开" not in text  # the breadcrumb
    for wanted in PAGE_TEXT:
        assert wanted in text, f"notice text {wanted!r} is missing"


def test_html_paragraphs_are_lines_and_table_cells_stay_on_their_row():
    raw, _ = read_text(page_bytes("utf-8", "utf-8"), "notice.html")
    lines = [line for line in normalize(raw).split("\n")]
    assert "各乡镇人民政府,县直各有关单位:" in lines
    assert "平江县应急管理局" in lines and "2021年5月28日" in lines
    row = next(line for line in lines if "发文字号" in line)
    assert "成文日期" in row and "2021年5月28日" in row and "平应急〔2021〕12号" in row
    assert row.index("成文日期") < row.index("2021年5月28日") < row.index("发文字号") < row.index("平应急〔2021〕12号")
    assert "|" in row  # cells stay apart


def test_html_in_gbk_reads_the_same_as_in_utf8():
    utf8, _ = read_text(page_bytes("utf-8", "utf-8"), "notice.html")
    gbk, _ = read_text(page_bytes("gbk", "gbk"), "notice.html")
    assert normalize(gbk) == normalize(utf8)


def test_html_page_through_the_pipeline():
    result = process_bytes(page_bytes("gbk", "gbk"), "notice.html")
    assert result.error is None, result.error
    fields = result.document.fields
    assert fields["issuer"] == "平江县应急管理局"
    assert fields["issue_date"] == "2021-05-28"
    assert fields["title"] == "关于做好2021年安全生产月活动的通知"
    assert (fields["province"], fields["city"], fields["county"]) == ("湖南省", "岳阳市", "平江县")
    assert "访问统计脚本" not in result.document.text


def test_html_metadata_table_gives_the_document_number():
    result = process_bytes(page_bytes("gbk", "gbk"), "notice.html")
    assert result.error is None, result.error
    assert result.document.fields["doc_number"] == "平应急〔2021〕12号"


# --- inputs that are refused ----------------------------------------------------------------------

ENGLISH = b"<p>Annual report of the safety committee. Nothing in this file is Chinese.</p>\n" * 40


@pytest.mark.parametrize("data,error", [
    pytest.param(b"", "empty", id="empty"),
    pytest.param(b" \n\t\r\n   \n", "empty", id="whitespace-only"),
    pytest.param(b"\r\n\r\n\t  \r\n", "empty", id="blank-crlf-lines"),
    pytest.param(b"\x00" * 512, "binary", id="nul-bytes"),
    pytest.param(random.Random(1).randbytes(4096), "binary", id="random-bytes"),
    pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00stream\x00", "binary", id="pdf-like"),
    pytest.param(b"\x01\x02\x03\x04\x05\x06\x07\x08" * 40 + "安全生产工作通知".encode() * 10, "binary", id="control-chars"),
    pytest.param(b"\x80\xff" * 200, "undecodable", id="undecodable"),
    pytest.param(b"Plain English text, no notice here.\n" * 30, "not_a_notice", id="english-text"),
    pytest.param(ENGLISH, "not_a_notice", id="english-html"),
    pytest.param("通知 2023 report".encode("utf-8") * 3, "not_a_notice", id="few-han"),
])
def test_bad_inputs_raise_read_error(data, error):
    with pytest.raises(ReadError) as info:
        read_text(data, "input.txt")
    assert info.value.error == error
    assert info.value.message and str(info.value) == info.value.message


def test_random_bytes_without_nul_are_refused():
    data = bytes(b for b in random.Random(2).randbytes(8192) if b)
    assert b"\x00" not in data
    with pytest.raises(ReadError) as info:
        read_text(data, "input.txt")
    assert info.value.error in ("binary", "undecodable")


def test_too_large_with_a_lowered_limit(seeds_dir, monkeypatch):
    data = (seeds_dir / "001_ceaadc868233f089.txt").read_bytes()
    assert read_text(data, "x.txt")[0]  # fine under the shipped limit
    monkeypatch.setitem(rules.load("reading"), "max_bytes", len(data) - 1)
    with pytest.raises(ReadError) as info:
        read_text(data, "x.txt")
    assert info.value.error == "too_large"
    assert f"{len(data):,}" in info.value.message


def test_too_large_at_the_shipped_limit():
    limit = rules.load("reading")["max_bytes"]
    data = "安全生产".encode("utf-8") * (limit // 12 + 1)
    assert len(data) > limit
    with pytest.raises(ReadError) as info:
        read.decode(data)
    assert info.value.error == "too_large"


@pytest.mark.parametrize("data,error", [
    (b"", "empty"),
    (b"\x00\x01binary\x00", "binary"),
    (b"no chinese at all in this text file\n" * 5, "not_a_notice"),
])
def test_process_bytes_turns_read_errors_into_error_records(data, error):
    result = process_bytes(data, "bad.txt")
    assert result.document is None
    assert result.error is not None
    assert (result.error.source, result.error.stage, result.error.error) == ("bad.txt", "read", error)
    assert result.error.message
