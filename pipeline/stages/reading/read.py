"""Bytes → text: encodings, HTML, Word (.docx) and PDF. Raises ReadError with a message a user can act on."""
from __future__ import annotations

import codecs
import io
import logging
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import PurePosixPath

import regex

from pipeline import rules

HAN = regex.compile(r"\p{Han}")
CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f]")
SURROGATE = regex.compile("[\ud800-\udfff]")
META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", regex.I)
HTML_SNIFF = regex.compile(r"^\s*(<!doctype html|<html|<head|<body|<meta|<div|<p[ >])", regex.I)
BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]

# pypdf logs each repair it makes to a damaged file, some at ERROR level, and would flood a batch
# run's terminal; what matters reaches the errors table instead
logging.getLogger("pypdf").setLevel(logging.CRITICAL)


class ReadError(Exception):
    """An input that cannot become a document; `error` is a short code, the message says why."""

    def __init__(self, error: str, message: str):
        super().__init__(message)
        self.error = error
        self.message = message


def check_size(size: int) -> None:
    """Refuses an input over the size limit (called before reading a file, where its size is known)."""
    limit = rules.load("reading")["max_bytes"]
    if size > limit:
        raise ReadError("too_large", f"file is {size:,} bytes, over the limit of {limit:,}")


def decode(data: bytes) -> tuple[str, str]:
    """The text of `data` and the encoding it was read with."""
    cfg = rules.load("reading")
    check_size(len(data))
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    if b"\x00" in data:
        raise ReadError("binary", "file is binary (it contains NUL bytes), not text or HTML")
    candidates = list(cfg["encodings"])
    declared = META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        name = "gb18030" if name in ("gbk", "gb2312", "gb18030") else name
        candidates = [name] + [c for c in candidates if c != name]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise ReadError("undecodable", f"file is neither {' nor '.join(cfg['encodings'])}; it may be binary or in another encoding")


def html_to_text(markup: str) -> str:
    """The visible text of a page, one block per line, table cells separated by ' | '."""
    from lxml import etree, html  # imported by the inputs that need it, as docx and pypdf are (5 ms of a start)
    cfg = rules.load("reading")
    # huge_tree lifts libxml2's depth limit from 256 to 2,048: old CMS pages leave a <font> or <span>
    # open in every paragraph, and past the limit the parser drops the rest of the page silently
    parser = html.HTMLParser(huge_tree=True)
    try:
        root = html.document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError("bad_html", f"HTML could not be parsed: {exc}") from exc
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise ReadError("bad_html", "page nests its tags over 2,048 deep (unclosed <font> or <span> tags?), so part "
                                    "of its text would be lost; close the tags or give the notice's text instead")
    drop_class = regex.compile(cfg["drop_class"])
    for element in list(root.iter()):
        if not isinstance(element.tag, str):  # comments and processing instructions
            element.drop_tree()
        elif element.tag in cfg["drop_tags"] or drop_class.search(f"{element.get('class', '')} {element.get('id', '')}"):
            element.drop_tree()
    for element in root.iter(*cfg["cell_tags"]):
        element.tail = " | " + (element.tail or "")
    for element in root.iter(*cfg["block_tags"]):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    return root.text_content()


# --- Word (.docx) ---------------------------------------------------------------------------------

# A cell's paragraphs are joined with ";" unless the previous one ends in punctuation, so that
# bodies listed one per paragraph (县住建局 / 县市场监管局) stay apart once spaces are normalised away.
ENDS_IN_PUNCT = regex.compile(r"\p{P}$")


def docx_to_text(data: bytes) -> str:
    """The text of a Word file: paragraphs in order, each table row on one line with cells between ' | '."""
    import docx  # python-docx and pypdf are imported by the inputs that need them: start-up stays quick
    _check_unzipped_size(data)
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_docx_blocks(document.iter_inner_content()))
    # python-docx reports a broken package as a zip, key, value, XML or recursion error alike
    except Exception as exc:
        raise ReadError("bad_docx", f"Word file could not be read ({type(exc).__name__}: {exc}); "
                                    "open it in Word and save it again as .docx") from exc


def _check_unzipped_size(data: bytes) -> None:
    """A .docx is a zip: refuse one that is not, or that unpacks past the limit (a zip bomb). The
    parts are unpacked and counted, a piece at a time, rather than their declared sizes trusted."""
    import zipfile  # only a Word file needs it (3 ms of a start)
    limit = rules.load("reading")["max_unzipped_bytes"]
    size = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                with package.open(info) as part:
                    while piece := part.read(1 << 20):
                        size += len(piece)
                        if size > limit:
                            raise ReadError("too_large", f"Word file unpacks to over {limit:,} bytes, the limit")
    except ReadError:
        raise
    # a damaged header raises BadZipFile, but also NotImplementedError (a made-up zip version),
    # ValueError, EOFError, or zlib.error on a damaged part
    except Exception as exc:
        raise ReadError("bad_docx", f"file is not a Word .docx (it is not a zip package: {exc}); "
                                    "an old .doc must first be saved as .docx") from exc


def _docx_blocks(blocks) -> Iterator[str]:
    from docx.table import Table
    for block in blocks:
        if isinstance(block, Table):
            yield from _table_rows(block)
        else:
            yield block.text


def _table_rows(table) -> Iterator[str]:
    for row in table.rows:
        cells = list(dict.fromkeys(row.cells))  # a cell spanning columns is listed once per column
        yield " | ".join(_cell_text(cell) for cell in cells)


def _cell_text(cell) -> str:
    """A cell on one line: its paragraphs, and those of tables nested in it, joined."""
    lines = []
    for paragraph in _cell_paragraphs(cell):
        # a tab would become a cell separator when normalised, a line break would end the row
        lines += [line.strip() for line in paragraph.text.replace("\t", " ").split("\n")]
    return _join(line for line in lines if line)


def _cell_paragraphs(cell) -> Iterator:
    from docx.table import Table
    for block in cell.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for inner in dict.fromkeys(row.cells):
                    yield from _cell_paragraphs(inner)
        else:
            yield block


def _join(lines: Iterable[str]) -> str:
    text = ""
    for line in lines:
        text += line if not text or ENDS_IN_PUNCT.search(text) else ";" + line
    return text


# --- PDF ------------------------------------------------------------------------------------------

def pdf_to_text(data: bytes) -> str:
    """The text layer of a PDF, pages joined by newlines."""
    import pypdf
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        # most encrypted notices only forbid editing: the password to open them is empty
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError("encrypted_pdf", "PDF is encrypted with a password to open it; save a copy without one")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except pypdf.errors.DependencyError as exc:  # AES needs the cryptography package
        raise ReadError("encrypted_pdf", "PDF is encrypted with AES, which needs the cryptography package: "
                                         "pip install 'pypdf[crypto]'") from exc
    # pypdf raises its own errors, but also key, value, type and recursion errors on damaged files
    except Exception as exc:
        raise ReadError("bad_pdf", f"PDF could not be read ({type(exc).__name__}: {exc}); "
                                   "it may be damaged or not a PDF") from exc
    # damaged ToUnicode maps yield control characters; they are no part of the text
    text = CONTROL.sub("", "\n".join(pages))
    if not text.strip():
        raise ReadError("no_text_layer", "PDF has no text layer (a scanned image?); run OCR first")
    return text


# --- dispatch -------------------------------------------------------------------------------------

def read_text(data: bytes, name: str = "", kind: str | None = None) -> tuple[str, str]:
    """Bytes of a notice → (plain text, encoding). `kind` (".txt", ".html", ".docx", ".pdf") says how to
    read them, else `name`'s suffix; the encoding of a Word or PDF file is given as "docx" or "pdf"."""
    check_size(len(data))
    if not data.strip():
        raise ReadError("empty", "file is empty")
    kind = (kind or PurePosixPath(name).suffix).lower()
    if kind == ".docx":
        text, encoding = docx_to_text(data), "docx"
    elif kind == ".pdf":
        text, encoding = pdf_to_text(data), "pdf"
    else:
        text, encoding = _plain_or_html(data, kind)
    # a PDF's ToUnicode map can point glyphs at lone surrogates (U+D800), which no table can
    # hold: each becomes U+FFFD here, before any stage sees the text, and documents.replaced_chars
    # counts them
    text = SURROGATE.sub("\ufffd", text)
    need = rules.load("reading")["min_han_chars"]
    if sum(1 for _ in islice(HAN.finditer(text), need)) < need:  # count only as far as needed
        raise ReadError("not_a_notice", "file has almost no Chinese text, so it is not a notice")
    return text, encoding


def _plain_or_html(data: bytes, kind: str) -> tuple[str, str]:
    text, encoding = decode(data)
    if CONTROL.search(text[:2000]) and len(CONTROL.findall(text[:2000])) > 20:
        raise ReadError("binary", "file is binary (it is full of control characters), not text or HTML")
    if kind in (".html", ".htm") or HTML_SNIFF.match(text[:200]):
        text = html_to_text(text)
    return text, encoding


def published_date(value: str) -> str:
    """A crawl's publication time ("2023-06-13", "2023-06-13T09:30:00+08:00") as the day it names."""
    try:
        return datetime.fromisoformat(value.strip()).date().isoformat()
    except (ValueError, AttributeError) as exc:
        raise ReadError("bad_published", f"published {value!r} is not an ISO date such as 2023-06-13") from exc
