"""The review index (pipeline/analysis/review_index.py, `policy-pipeline review DIR OUT_DIR`): one row per document
with its counts, the error rows, every link leading to a page that exists, and filters that work in a
browser without any script."""
from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main

from test_review_browser import browser  # noqa: F401  (the shared headless Chromium)

VISIBLE_ROWS = "return [...document.querySelectorAll('table.documents tbody tr')].filter(tr => tr.offsetParent).length"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith("#"):
            self.hrefs.append(href)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The seeds' run plus a file that cannot be read, so the index has an error row to show."""
    corpus = tmp_path_factory.mktemp("index-corpus")
    for seed in sorted((Path(__file__).resolve().parent.parent / "corpora" / "seeds").glob("*.txt")):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    (corpus / "broken.docx").write_bytes(b"not a zip at all")
    out, pages = tmp_path_factory.mktemp("index-run"), tmp_path_factory.mktemp("index-pages")
    assert main(["run", str(corpus), "--out", str(out), "--workers", "1"]) == 0
    assert main(["review", str(out), str(pages)]) == 0
    return out, pages


def test_every_document_has_a_row_and_a_page_and_every_link_resolves(site):
    out, pages = site
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    parser = Links()
    parser.feed((pages / "index.html").read_text(encoding="utf-8"))
    assert parser.scripts == 0
    assert sorted(parser.hrefs) == sorted(f"{d['doc_id']}.html" for d in docs)
    assert all((pages / href).is_file() for href in parser.hrefs)


def test_counts_and_errors_are_the_tables(site, browser):  # noqa: F811
    out, pages = site
    browser.get((pages / "index.html").as_uri())
    shown = browser.execute_script("""return [...document.querySelectorAll('table.documents tbody tr')].map(tr =>
        [tr.querySelector('a').getAttribute('href'), [...tr.querySelectorAll('td.n')].map(td => +td.textContent)])""")
    tables = {name: Counter(pq.read_table(out / f"{name}.parquet", columns=["doc_id"]).column("doc_id").to_pylist())
              for name in ("tasks", "responsibilities", "targets", "dates")}
    for href, counts in shown:
        doc_id = href.removesuffix(".html")
        assert counts == [tables[name][doc_id] for name in tables], href
    errors = browser.execute_script("return [...document.querySelectorAll('table.errors tbody tr')].map(tr => tr.innerText)")
    assert len(errors) == 1 and "broken.docx" in errors[0]


def test_filters_show_only_their_rows_without_a_script(site, browser):  # noqa: F811
    out, pages = site
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    index = (pages / "index.html").as_uri()
    browser.get(index)
    assert browser.execute_script(VISIBLE_ROWS) == len(docs)
    links = browser.execute_script("""return [...document.querySelectorAll('nav a[href^="#f-"]')]
        .map(a => [a.getAttribute('href'), a.textContent])""")
    types = Counter(d["doc_type"] for d in docs)
    checked = 0
    for href, label in links:
        browser.get(index + href)
        if href.startswith("#f-type-"):
            name, count = label.rsplit(" (", 1)
            assert browser.execute_script(VISIBLE_ROWS) == types[name] == int(count.rstrip(")"))
            checked += 1
        elif href == "#f-none":
            assert browser.execute_script(VISIBLE_ROWS) == sum(d["n_tasks"] == 0 for d in docs)
    assert checked == len(types)
