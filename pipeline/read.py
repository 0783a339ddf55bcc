"""Bytes → text: encodings, HTML. Raises ReadError with a message a user can act on."""
from __future__ import annotations

import codecs

import regex
from lxml import etree, html

from . import rules

HAN = regex.compile(r"\p{Han}")
CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f]")
META_CHARSET = regex.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", regex.I)
HTML_SNIFF = regex.compile(r"^\s*(<!doctype html|<html|<head|<body|<meta|<div|<p[ >])", regex.I)
BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


class ReadError(Exception):
    """An input that cannot become a document; `error` is a short code, the message says why."""

    def __init__(self, error: str, message: str):
        super().__init__(message)
        self.error = error
        self.message = message


def decode(data: bytes) -> tuple[str, str]:
    """The text of `data` and the encoding it was read with."""
    cfg = rules.load("reading")
    if len(data) > cfg["max_bytes"]:
        raise ReadError("too_large", f"file is {len(data):,} bytes, over the limit of {cfg['max_bytes']:,}")
    if not data.strip():
        raise ReadError("empty", "file is empty")
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
    cfg = rules.load("reading")
    try:
        root = html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError("bad_html", f"HTML could not be parsed: {exc}") from exc
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


def read_text(data: bytes, name: str = "") -> tuple[str, str]:
    """Bytes of a .txt or .html file → (plain text, encoding)."""
    text, encoding = decode(data)
    if CONTROL.search(text[:2000]) and len(CONTROL.findall(text[:2000])) > 20:
        raise ReadError("binary", "file is binary (it is full of control characters), not text or HTML")
    if name.lower().endswith((".html", ".htm")) or HTML_SNIFF.match(text[:200]):
        text = html_to_text(text)
    if len(HAN.findall(text)) < rules.load("reading")["min_han_chars"]:
        raise ReadError("not_a_notice", "file has almost no Chinese text, so it is not a notice")
    return text, encoding
