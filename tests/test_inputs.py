"""Every input a county publishes (pipeline/batch/inputs.py, pipeline/stages/reading/read.py): Word files, PDFs, crawl
dumps (.jsonl) and folders of them, and the hostile versions of each."""
from __future__ import annotations

import io
import json
import os
import struct
import time
import zipfile
from pathlib import Path

import docx
import pytest
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from pipeline import rules
from pipeline.batch.inputs import MissingInput, Source, sources
from pipeline.process import process_bytes
from pipeline.stages.reading.read import ReadError, read_text
from pipeline.records import ErrorRecord

TITLE = "温岭市安全生产委员会关于印发2023年安全生产工作要点的通知"
NOTICE = [
    TITLE,
    "各镇(街道):",
    "一、开展燃气管道排查整治。(市住建局牵头,市市场监管局配合)",
    "二、推进危化品安全治理。(市应急管理局负责)",
    "温岭市安全生产委员会",
    "2023年3月1日",
]
NOTICE_TEXT = "\n".join(NOTICE) + "\n"


def read_error(data: bytes, name: str) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_text(data, name)
    assert info.value.message
    return info.value


# --- Word (.docx) ---------------------------------------------------------------------------------

def word_file(paragraphs_before: list[str], rows: list[list[str]], paragraphs_after: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs_before:
        document.add_paragraph(text)
    if rows:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    for text in paragraphs_after:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


TASK_TABLE = [["序号", "工作任务", "牵头单位", "配合单位"],
              ["1", "开展燃气管道排查整治", "市住建局", "市市场监管局"],
              ["2", "推进危化品安全治理", "市应急管理局", "市公安局"]]


def test_docx_paragraphs_and_table_rows_in_document_order():
    data = word_file([TITLE, "各镇(街道):"], TASK_TABLE, ["温岭市安全生产委员会", "2023年3月1日"])
    text, encoding = read_text(data, "notice.docx")
    assert encoding == "docx"
    assert text.split("\n") == [
        TITLE, "各镇(街道):",
        "序号 | 工作任务 | 牵头单位 | 配合单位",
        "1 | 开展燃气管道排查整治 | 市住建局 | 市市场监管局",
        "2 | 推进危化品安全治理 | 市应急管理局 | 市公安局",
        "温岭市安全生产委员会", "2023年3月1日",
    ]


def test_docx_cell_spanning_columns_is_written_once():
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "序号", "工作任务", "牵头单位"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "说明:各项任务均由县安委办统筹"
    table.cell(1, 2).text = "县应急管理局"
    buf = io.BytesIO()
    document.save(buf)
    text, _ = read_text(buf.getvalue(), "notice.docx")
    assert text.split("\n")[2] == "说明:各项任务均由县安委办统筹 | 县应急管理局"


def test_docx_cell_with_several_paragraphs_stays_on_its_row():
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "1"
    table.cell(0, 1).text = "推进危化品安全治理。"
    table.cell(0, 1).add_paragraph("落实企业主体责任")
    table.cell(0, 2).text = "市公安局"
    table.cell(0, 2).add_paragraph("市交通运输局")
    buf = io.BytesIO()
    document.save(buf)
    text, _ = read_text(buf.getvalue(), "notice.docx")
    # bodies one per paragraph stay apart; a paragraph that ends in punctuation needs no separator
    assert text.split("\n")[1] == "1 | 推进危化品安全治理。落实企业主体责任 | 市公安局;市交通运输局"


def test_docx_through_the_pipeline():
    data = word_file([TITLE, "各镇(街道):"], [], NOTICE[2:])
    result = process_bytes(data, "notice.docx")
    assert result.error is None, result.error
    assert result.document.encoding == "docx"
    assert result.document.fields["issuer"] == "温岭市安全生产委员会"
    assert result.document.fields["issue_date"] == "2023-03-01"
    roles = [[(a.body, a.role) for a in task.assignments] for task in result.tasks]
    assert roles == [[("市住建局", "lead"), ("市市场监管局", "support")], [("市应急管理局", "responsible")]]


def with_document_xml(doctype: str, first_paragraph: str) -> bytes:
    """A Word file whose word/document.xml carries `doctype` and `first_paragraph` written raw."""
    base = word_file(["PLACEHOLDER", *NOTICE], [], [])
    with zipfile.ZipFile(io.BytesIO(base)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
        declaration, body = xml.split("?>", 1)
        crafted = declaration + "?>" + doctype + body.replace("PLACEHOLDER", first_paragraph)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as crafted_package:
            for info in package.infolist():
                part = crafted if info.filename == "word/document.xml" else package.read(info.filename)
                crafted_package.writestr(info.filename, part)
    return out.getvalue()


LAUGHS = "".join(f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(9))


@pytest.mark.parametrize("doctype,paragraph", [
    pytest.param(f'<!DOCTYPE w:document [<!ENTITY l0 "哈哈哈哈哈哈哈哈哈哈">{LAUGHS}]>', "&l9;", id="billion-laughs"),
    pytest.param('<!DOCTYPE w:document [<!ENTITY q "' + "啊" * 100_000 + '">]>', "&q;" * 1000, id="quadratic-blowup"),
])
def test_docx_entity_expansion_is_refused_at_once(doctype, paragraph):
    started = time.perf_counter()
    error = read_error(with_document_xml(doctype, paragraph), "notice.docx")
    assert time.perf_counter() - started < 2
    assert error.error == "bad_docx"
    assert "could not be read" in error.message and "save it again as .docx" in error.message


@pytest.mark.parametrize("doctype,paragraph", [
    pytest.param('<!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{secret}">]>', "读取&x;结束", id="external-entity"),
    pytest.param('<!DOCTYPE w:document [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>', "参数实体", id="parameter-entity"),
    pytest.param('<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">', "外部DTD", id="external-dtd"),
])
def test_docx_external_entities_are_never_fetched(tmp_path, doctype, paragraph):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容SECRET", encoding="utf-8")
    started = time.perf_counter()
    try:
        text = read_text(with_document_xml(doctype.format(secret=secret), paragraph), "notice.docx")[0]
    except ReadError as exc:
        text = exc.message
    assert time.perf_counter() - started < 2
    assert "SECRET" not in text and "机密" not in text
    assert "root:" not in text


@pytest.mark.parametrize("data", [
    pytest.param(b"", id="empty"),
    pytest.param("关于开展安全生产大检查的通知".encode() * 10, id="text"),
    pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, id="old-doc"),
    pytest.param(word_file(NOTICE, [], [])[:2000], id="truncated"),
])
def test_docx_that_is_not_a_zip(data):
    error = read_error(data, "notice.docx")
    assert error.error in ("bad_docx", "empty")
    if data:
        assert error.error == "bad_docx"
        assert "not a Word .docx" in error.message and ".doc must first be saved as .docx" in error.message


def test_docx_zip_bomb_that_understates_its_size():
    base = word_file(NOTICE, [], [])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as package, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in package.infolist():
            part = b" " * 50_000_000 if info.filename == "word/document.xml" else package.read(info.filename)
            bomb.writestr(info.filename, part)
    data = bytearray(out.getvalue())
    name = b"word/document.xml"
    # the uncompressed size sits at byte 22 of a local header (name at 30), 24 of a central one (name at 46)
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = data.find(signature)
        while data[start + name_at:start + name_at + len(name)] != name:
            start = data.find(signature, start + 4)
        data[start + size_at:start + size_at + 4] = struct.pack("<I", 100)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml").file_size == 100
    started = time.perf_counter()
    error = read_error(bytes(data), "notice.docx")
    assert error.error == "bad_docx"  # zipfile stops at the declared 100 bytes and finds the checksum wrong
    assert time.perf_counter() - started < 2


def test_docx_with_a_made_up_zip_version():
    data = bytearray(word_file(NOTICE, [], []))
    data[data.index(b"PK\x01\x02") + 6] = 110  # "version needed to extract" of the first entry: 11.0
    error = read_error(bytes(data), "notice.docx")
    assert error.error == "bad_docx"


def test_docx_zip_without_a_document():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as package:
        package.writestr("notes.txt", "关于开展安全生产大检查的通知")
    error = read_error(buf.getvalue(), "notice.docx")
    assert error.error == "bad_docx"


def test_docx_unpacking_past_the_limit_is_refused(monkeypatch):
    data = word_file(NOTICE, [], [])
    monkeypatch.setitem(rules.load("reading"), "max_unzipped_bytes", len(data))
    error = read_error(data, "notice.docx")
    assert error.error == "too_large"
    assert "unpacks to" in error.message


# --- PDF ------------------------------------------------------------------------------------------

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # Adobe's CID font: Chinese without a font file


def pdf_file(pages: list[list[str]]) -> bytes:
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    for lines in pages:
        page.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            page.drawString(40, 800 - 20 * i, line)
        page.showPage()
    page.save()
    return buf.getvalue()


def scanned_pdf() -> bytes:
    """A page that is only an image, as a scanner makes it."""
    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawImage(ImageReader(Image.new("L", (200, 280), 255)), 0, 0, width=595, height=842)
    page.showPage()
    page.save()
    return buf.getvalue()


def test_pdf_text_layer_pages_joined_by_newlines():
    text, encoding = read_text(pdf_file([NOTICE[:3], NOTICE[3:]]), "notice.pdf")
    assert encoding == "pdf"
    assert [line for line in text.split("\n") if line] == NOTICE


def test_pdf_through_the_pipeline():
    result = process_bytes(pdf_file([NOTICE]), "notice.pdf")
    assert result.error is None, result.error
    assert result.document.fields["title"] == TITLE
    assert [task.text for task in result.tasks] == ["开展燃气管道排查整治。", "推进危化品安全治理。"]


def test_pdf_without_text_layer_asks_for_ocr():
    result = process_bytes(scanned_pdf(), "scan.pdf")
    assert result.document is None
    assert (result.error.error, result.error.message) == (
        "no_text_layer", "PDF has no text layer (a scanned image?); run OCR first")


@pytest.mark.parametrize("data", [
    pytest.param(b"%PDF-1.4\nnot really a pdf", id="header-only"),
    pytest.param(pdf_file([NOTICE])[:1200], id="truncated"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, id="png"),
])
def test_broken_pdf(data):
    error = read_error(data, "notice.pdf")
    assert error.error == "bad_pdf"
    assert "PDF could not be read" in error.message


def test_pdf_with_a_password():
    buf = io.BytesIO()
    page = canvas.Canvas(buf, encrypt="secret")
    page.setFont("STSong-Light", 12)
    page.drawString(40, 800, TITLE)
    page.showPage()
    page.save()
    error = read_error(buf.getvalue(), "notice.pdf")
    assert error.error == "encrypted_pdf"


# --- kind and published in process_bytes ----------------------------------------------------------

def test_kind_overrides_the_source_name():
    url = "https://www.wl.gov.cn/art/2023/3/1/art_1.html?id=7"
    result = process_bytes(word_file(NOTICE, [], []), url, kind=".docx")
    assert result.error is None, result.error
    assert result.document.source == url and result.document.encoding == "docx"


def test_published_fills_publish_date_only_where_the_notice_gives_none():
    result = process_bytes(NOTICE_TEXT.encode(), "notice.txt", published="2023-03-05T09:30:00+08:00")
    assert result.document.fields["publish_date"] == "2023-03-05"
    printed = "发布日期:2023-03-02\n" + NOTICE_TEXT
    result = process_bytes(printed.encode(), "notice.txt", published="2023-03-05")
    assert result.document.fields["publish_date"] == "2023-03-02"


def test_published_gives_the_year_of_an_undated_notice():
    text = "关于开展安全生产大检查的通知\n各乡镇:\n一、开展隐患排查。年底前完成整改。(县应急管理局牵头)\n"
    result = process_bytes(text.encode(), "notice.txt", published="2022-05-01")
    assert result.error is None, result.error
    assert any(d.end == "2022-12-31" for d in result.dates)


def test_bad_published_is_an_error_row():
    result = process_bytes(NOTICE_TEXT.encode(), "notice.txt", published="2023年3月5日")
    assert result.document is None
    assert (result.error.stage, result.error.error) == ("read", "bad_published")
    assert "2023年3月5日" in result.error.message and "2023-06-13" in result.error.message


# --- crawl dumps (.jsonl) -------------------------------------------------------------------------

def jsonl(path: Path, lines: list) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                            for line in lines), encoding="utf-8")
    return path


def test_jsonl_one_source_per_line(tmp_path):
    dump = jsonl(tmp_path / "crawl.jsonl", [
        {"url": "https://a.gov.cn/1.html", "html": f"<p>{TITLE}</p>", "published": "2023-03-05"},
        {"url": "https://a.gov.cn/2.html", "text": NOTICE_TEXT},
        {"html": "<p>通知</p>"},
    ])
    got = list(sources([dump]))
    assert got == [
        Source("https://a.gov.cn/1.html", f"<p>{TITLE}</p>".encode(), ".html", "2023-03-05"),
        Source("https://a.gov.cn/2.html", NOTICE_TEXT.encode(), ".txt", None),
        Source(f"{dump}:3", "<p>通知</p>".encode(), ".html", None),
    ]


def test_jsonl_bad_lines_are_error_rows_and_the_rest_still_read(tmp_path):
    dump = jsonl(tmp_path / "crawl.jsonl", [
        "{not json",
        {"url": "https://a.gov.cn/2.html", "title": "no body"},
        "",
        ["a", "list"],
        "[" * 100_000 + "]" * 100_000,
        {"url": "https://a.gov.cn/5.html", "text": NOTICE_TEXT, "published": "5 March"},
        {"url": "https://a.gov.cn/6.html", "text": NOTICE_TEXT, "published": 20230305},
        {"url": "https://a.gov.cn/7.html", "text": NOTICE_TEXT, "published": ""},
    ])
    with dump.open("ab") as fh:
        fh.write(b'{"url": "https://a.gov.cn/8.html", "text": "\xb9\xd8\xd3\xda"}\n')  # GBK inside JSON
    got = list(sources([dump]))
    errors = [(g.source, g.error) for g in got if isinstance(g, ErrorRecord)]
    assert errors == [
        (f"{dump}:1", "bad_json"),
        ("https://a.gov.cn/2.html", "no_content"),
        (f"{dump}:4", "bad_json"),
        (f"{dump}:5", "bad_json"),
        ("https://a.gov.cn/5.html", "bad_published"),
        ("https://a.gov.cn/6.html", "bad_published"),
        (f"{dump}:9", "bad_json"),
    ]
    assert [g.source for g in got if isinstance(g, Source)] == ["https://a.gov.cn/7.html"]
    assert all(g.stage == "read" and g.message for g in got if isinstance(g, ErrorRecord))


def test_jsonl_line_over_the_limit_is_passed_over(tmp_path, monkeypatch):
    monkeypatch.setitem(rules.load("reading"), "max_line_bytes", 1000)
    dump = jsonl(tmp_path / "crawl.jsonl", [
        {"url": "https://a.gov.cn/1.html", "text": "长" * 5000},
        {"url": "https://a.gov.cn/2.html", "text": NOTICE_TEXT},
    ])
    got = list(sources([dump]))
    assert isinstance(got[0], ErrorRecord) and (got[0].source, got[0].error) == (f"{dump}:1", "line_too_large")
    assert "one JSON object per line" in got[0].message
    assert isinstance(got[1], Source) and got[1].source == "https://a.gov.cn/2.html"


def test_jsonl_line_of_exactly_the_limit_is_read(tmp_path, monkeypatch):
    line = json.dumps({"url": "u", "text": NOTICE_TEXT}, ensure_ascii=False).encode() + b"\n"
    monkeypatch.setitem(rules.load("reading"), "max_line_bytes", len(line))
    (tmp_path / "crawl.jsonl").write_bytes(line + line.replace(b'"u"', b'"v"'))
    assert [g.source for g in sources([tmp_path / "crawl.jsonl"])] == ["u", "v"]


def test_jsonl_streams_a_large_dump(tmp_path, monkeypatch):
    dump = tmp_path / "crawl.jsonl"
    line = json.dumps({"url": "u", "text": NOTICE_TEXT}) + "\n"
    with dump.open("w", encoding="utf-8") as fh:
        for i in range(20_000):
            fh.write(line.replace('"u"', f'"https://a.gov.cn/{i}.html"'))
    opened = []
    real_fdopen = os.fdopen

    def spy_fdopen(*args, **kwargs):
        handle = real_fdopen(*args, **kwargs)
        opened.append(handle)
        return handle

    monkeypatch.setattr(os, "fdopen", spy_fdopen)
    items = sources([dump])
    first = next(items)
    assert first.source == "https://a.gov.cn/0.html"
    size = dump.stat().st_size
    assert size > 5_000_000
    assert opened[0].tell() < 100_000, "the dump was read ahead instead of line by line"
    assert sum(1 for _ in items) == 19_999


def test_jsonl_source_through_the_pipeline(tmp_path):
    dump = jsonl(tmp_path / "crawl.jsonl", [{"url": "https://a.gov.cn/1.html", "html": "<p>" + "</p><p>".join(NOTICE) + "</p>",
                                             "published": "2023-03-05"}])
    (source,) = sources([dump])
    result = process_bytes(source.data, source.source, kind=source.kind, published=source.published)
    assert result.error is None, result.error
    assert result.document.fields["publish_date"] == "2023-03-05"
    assert len(result.tasks) == 2


# --- files and folders ----------------------------------------------------------------------------

def test_folders_are_walked_recursively_in_order(tmp_path):
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / "a.txt").write_text(NOTICE_TEXT, encoding="utf-8")
    (tmp_path / "b" / "page.HTM").write_text(f"<p>{TITLE}</p>", encoding="utf-8")
    (tmp_path / "b" / "deep" / "notice.docx").write_bytes(word_file(NOTICE, [], []))
    (tmp_path / "b" / "deep" / "notice.pdf").write_bytes(pdf_file([NOTICE]))
    jsonl(tmp_path / "b" / "crawl.jsonl", [{"url": "https://a.gov.cn/1.html", "text": NOTICE_TEXT}])
    (tmp_path / "b" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "b" / "sheet.xlsx").write_bytes(b"PK")
    got = list(sources([str(tmp_path)]))
    assert [(g.source, g.kind) for g in got] == [
        (str(tmp_path / "a.txt"), ".txt"),
        ("https://a.gov.cn/1.html", ".txt"),  # b/crawl.jsonl
        (str(tmp_path / "b" / "deep" / "notice.docx"), ".docx"),
        (str(tmp_path / "b" / "deep" / "notice.pdf"), ".pdf"),
        (str(tmp_path / "b" / "page.HTM"), ".html"),
    ]
    for item in got:
        assert process_bytes(item.data, item.source, kind=item.kind).error is None


def test_a_file_named_with_an_unsupported_suffix_is_an_error_row(tmp_path):
    sheet = tmp_path / "tasks.xlsx"
    sheet.write_bytes(b"PK")
    (got,) = sources([sheet])
    assert (got.source, got.stage, got.error) == (str(sheet), "read", "unsupported")
    assert ".xlsx files are not read" in got.message and ".docx" in got.message


def test_a_missing_path_stops_before_anything_is_read(tmp_path):
    (tmp_path / "a.txt").write_text(NOTICE_TEXT, encoding="utf-8")
    with pytest.raises(MissingInput) as info:
        sources([tmp_path / "a.txt", tmp_path / "typo"])
    assert str(info.value) == f"{tmp_path / 'typo'} does not exist."
    assert isinstance(info.value, ValueError)


def test_an_oversized_file_is_refused_without_being_read(tmp_path, monkeypatch):
    (tmp_path / "big.txt").write_text(NOTICE_TEXT * 10, encoding="utf-8")
    monkeypatch.setitem(rules.load("reading"), "max_bytes", 100)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("an oversized file was read"))
    (got,) = sources([tmp_path])
    assert (got.error, got.source) == ("too_large", str(tmp_path / "big.txt"))

