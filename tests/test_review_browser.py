"""The review page as headless Chromium renders it (pipeline/analysis/review.py): every highlight shows exactly its
row's text, every row has one, roles differ in colour, and a notice's own markup stays text.

One browser session serves every test. Without Chromium the tests skip, except in CI (CI set), where
.ci/run installs it and a missing browser is a failure.
"""
from __future__ import annotations

import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException

from pipeline.analysis import review
from pipeline.cli import main

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
# Without the networking flags Chromium keeps trying to reach Google's services, which a closed network refuses.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SEEDS = sorted(p.name for p in (Path(__file__).resolve().parent.parent / "corpora" / "seeds").glob("*.txt"))
# Each highlight's pieces, joined in document order, with what the checks need from the rendered DOM.
READ_HIGHLIGHTS = """
const found = {};
for (const el of document.querySelectorAll('.text [data-hl]')) {
  const h = found[el.dataset.hl] ??= {kind: el.dataset.kind, rows: el.dataset.rows.split(' '), start: +el.dataset.start,
    end: +el.dataset.end, text: '', css: el.className, background: getComputedStyle(el).backgroundColor};
  h.text += el.textContent;
}
return Object.values(found);
"""
DEAD_LINKS = """
return [...document.querySelectorAll('aside a[href^="#"]')].map(a => a.getAttribute('href'))
  .filter(href => !document.getElementById(href.slice(1)));
"""
LEGEND_COLOURS = """
return Object.fromEntries(arguments[0].map(role =>
  [role, getComputedStyle(document.querySelector('.legend .' + role)).backgroundColor]));
"""
# Each table's rows and the kind of highlight they get; rows without an id of their own are named by
# their position among the document's rows.
TABLES = {"tasks": ("task", None), "responsibilities": ("body", "resp"), "targets": ("quantity", "target"), "dates": ("date", "date")}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing in CI; .ci/run installs chromium and chromium-driver")
        pytest.skip("Chromium is not installed: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    # The driver's path is given, so Selenium Manager never tries to download one.
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)))
    yield driver
    driver.quit()


def expected_rows(out: Path, doc_id: str) -> dict[str, tuple[str, int, int]]:
    """Every row of the document, by the id the page gives it: (kind, char_start, char_end)."""
    rows = {}
    for table, (kind, prefix) in TABLES.items():
        found = pq.read_table(out / f"{table}.parquet", filters=[("doc_id", "==", doc_id)]).to_pylist()
        for i, row in enumerate(found):
            rows[f"{prefix}-{i}" if prefix else row["task_id"]] = (kind, row["char_start"], row["char_end"])
    return rows


@pytest.mark.parametrize("seed", SEEDS)
def test_every_row_is_highlighted_on_exactly_its_text(browser, seed, seed_output, tmp_path):
    page = tmp_path / "review.html"
    notice = review.write_page(seed_output, seed, page)
    browser.get(page.as_uri())
    found = browser.execute_script(READ_HIGHLIGHTS)
    text, rows = notice.doc["text"], expected_rows(seed_output, notice.doc["doc_id"])
    for h in found:
        assert h["text"] == text[h["start"]:h["end"]], h
        assert all(rows[row] == (h["kind"], h["start"], h["end"]) for row in h["rows"]), h
    shown = {row for h in found for row in h["rows"]}
    assert sorted(set(rows) - shown) == []
    assert browser.execute_script(DEAD_LINKS) == []


def test_each_role_has_its_own_colour_in_the_legend_and_the_text(browser, seed_output, tmp_path):
    page = tmp_path / "review.html"
    review.write_page(seed_output, "003_e0fedd1fff0104c5.txt", page)  # the seed with all four roles
    browser.get(page.as_uri())
    legend = browser.execute_script(LEGEND_COLOURS, list(review.ROLES))
    assert len(set(legend.values())) == len(review.ROLES), legend
    bodies = [h for h in browser.execute_script(READ_HIGHLIGHTS) if h["kind"] == "body"]
    assert {h["css"].split()[-1] for h in bodies} == set(review.ROLES)
    assert all(h["background"] == legend[h["css"].split()[-1]] for h in bodies)


NOTICE = """关于开展安全生产大检查的通知
各乡镇人民政府,县直各有关部门:
一、工作任务
1.全面排查<script>alert(1)</script>重点行业隐患,2023年底前完成100家企业检查。(县应急局牵头,县公安局配合)
2.加强宣传<img src=x onerror=alert(1)>教育,每季度至少开展1次集中宣传活动。(县委宣传部负责,县安委办督促)
县安全生产委员会
2023年3月1日
"""


def test_markup_in_a_notice_is_shown_as_text_and_never_runs(browser, tmp_path):
    source = tmp_path / "markup.txt"
    source.write_text(NOTICE, encoding="utf-8")
    page = tmp_path / "review.html"
    assert main(["run", str(source), "--out", str(tmp_path / "out")]) == 0
    assert main(["show", str(tmp_path / "out"), "markup.txt", "--html", str(page)]) == 0
    browser.get(page.as_uri())
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    assert browser.execute_script("return document.querySelectorAll('script, img').length") == 0
    shown = browser.execute_script("return document.querySelector('.text').innerText")
    assert "全面排查<script>alert(1)</script>重点行业隐患" in shown
    assert "加强宣传<img src=x onerror=alert(1)>教育" in shown
