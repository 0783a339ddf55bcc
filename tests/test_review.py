"""The review page without a browser (pipeline/analysis/review.py): the markup builder, escaping, and `show` on the command line."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.analysis import review
from pipeline.cli import main
from pipeline.analysis.review import Highlight, Notice


class Pieces(HTMLParser):
    """Reads marked-up text back: the text, each highlight's pieces and text, and whether the tags nest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text = ""
        self.texts: dict[str, str] = {}
        self.pieces: dict[str, list[dict]] = {}

    def handle_starttag(self, tag, attrs):
        assert tag == "span", tag
        attrs = dict(attrs)
        self.pieces.setdefault(attrs["data-hl"], []).append(attrs)
        self.texts.setdefault(attrs["data-hl"], "")
        self.stack.append(attrs["data-hl"])

    def handle_endtag(self, tag):
        assert tag == "span" and self.stack, "an end tag with nothing open"
        self.stack.pop()

    def handle_data(self, data):
        self.text += data
        for hid in self.stack:
            self.texts[hid] += data


def parse(marked: str) -> Pieces:
    parser = Pieces()
    parser.feed(marked)
    parser.close()
    assert parser.stack == [], "tags left open"
    return parser


def span(kind: str, hid: str, start: int, end: int, title: str = "t") -> Highlight:
    return Highlight(kind, hid, (f"row-{hid}",), start, end, kind, title)


# --- the markup builder ---------------------------------------------------------------------------------

def test_a_task_holds_its_body_and_quantity():
    text = "一、排查隐患100家。(县应急局牵头)"
    marked = review.markup(text, [span("quantity", "q", 6, 10), span("task", "t", 0, len(text)), span("body", "b", 12, 16)])
    assert marked.startswith('<span id="t"')
    assert marked.endswith("牵头)</span>")
    pieces = parse(marked)
    assert pieces.text == text
    assert pieces.texts == {"t": text, "q": "100家", "b": "县应急局"}
    assert all(len(p) == 1 for p in pieces.pieces.values()), "nothing crosses, so nothing is split"


def test_a_crossing_highlight_is_split_and_only_its_first_piece_has_the_id():
    text = "0123456789ABCDE"
    pieces = parse(review.markup(text, [span("date", "d", 0, 10), span("quantity", "q", 5, 15)]))
    assert pieces.texts == {"d": "0123456789", "q": "56789ABCDE"}
    assert [p.get("id") for p in pieces.pieces["q"]] == ["q", None]
    assert [p["data-start"] for p in pieces.pieces["q"]] == ["5", "5"], "each piece names the whole span"


def test_tasks_stay_whole_and_the_crossing_value_splits_at_their_boundary():
    text = "第一项任务。第二项任务。"
    pieces = parse(review.markup(text, [span("task", "t1", 0, 6), span("task", "t2", 6, 12), span("date", "d", 4, 8)]))
    assert len(pieces.pieces["t1"]) == len(pieces.pieces["t2"]) == 1
    assert len(pieces.pieces["d"]) == 2
    assert pieces.texts["d"] == text[4:8]


def test_empty_and_out_of_range_spans_are_left_out():
    pieces = parse(review.markup("abc", [span("date", "e", 1, 1), span("date", "o", 2, 9)]))
    assert pieces.text == "abc" and pieces.pieces == {}


def test_text_and_attributes_are_escaped():
    text = '<script>alert(1)</script> & <img src=x onerror=alert(1)>'
    marked = review.markup(text, [span("body", "b", 0, 8, title='"><script>alert(2)</script>')])
    assert "<script" not in marked and "<img" not in marked
    assert "&lt;script&gt;" in marked and "&quot;&gt;&lt;script&gt;" in marked
    pieces = parse(marked)
    assert pieces.text == text
    assert pieces.pieces["b"][0]["title"] == '"><script>alert(2)</script>'


@st.composite
def text_and_spans(draw):
    text = draw(st.text(alphabet="任务<>&\"'\n 1", min_size=1, max_size=30))
    kinds = st.sampled_from(["task", "body", "quantity", "date"])
    spans = []
    for i in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text) - 1))
        spans.append(span(draw(kinds), f"h{i}", start, draw(st.integers(start + 1, len(text)))))
    return text, spans


@given(text_and_spans())
def test_any_spans_nest_and_read_back_as_their_slices(case):
    text, spans = case
    pieces = parse(review.markup(text, spans))
    assert pieces.text == text
    assert pieces.texts == {h.hid: text[h.start:h.end] for h in spans}
    assert all(sum(p.get("id") == hid for p in found) == 1 for hid, found in pieces.pieces.items())


# --- the page -------------------------------------------------------------------------------------------

def hand_made() -> Notice:
    text = "1.排查<img src=x onerror=alert(1)>隐患。(县应急局牵头)"
    doc = {"doc_id": "abc123", "source": "x/<b>.txt", "title": "<script>alert(1)</script>", "plan_title": None,
           "issuer": None, "doc_number": None, "issue_date": None, "publish_date": None, "province": None,
           "city": None, "county": None, "doc_type": "通知", "text": text}
    task = {"id": "abc123-0001", "task_id": "abc123-0001", "ordinal": 1, "outline": ["1"], "heading": "排查<img src=x onerror=alert(1)>",
            "text": text, "char_start": 0, "char_end": len(text)}
    body = {"id": "resp-0", "task_id": "abc123-0001", "body": "县应急局", "body_full": "<i>县应急管理局</i>", "body_canonical": None,
            "role": "lead", "inherited": False, "char_start": text.index("县"), "char_end": text.index("牵头")}
    return Notice(doc, [task], [body], [], [])


def test_the_page_shows_the_notice_s_markup_as_text():
    page = review.render(hand_made())
    assert "<img" not in page and "<script" not in page and "<i>" not in page and "<b>" not in page
    assert page.count("&lt;img src=x onerror=alert(1)&gt;") == 3  # in the text, the task's tooltip and the task table
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page


def test_the_side_table_links_each_row_to_its_highlight():
    page = review.render(hand_made())
    assert 'href="#h-task-0"' in page and 'id="h-task-0"' in page
    assert 'href="#h-body-0" class="chip lead"' in page and 'id="h-body-0"' in page


def test_rows_sharing_a_span_share_one_highlight():
    notice = hand_made()
    notice.responsibilities.append({**notice.responsibilities[0], "id": "resp-1", "inherited": True})
    bodies = [h for h in review.highlights(notice) if h.kind == "body"]
    assert [h.rows for h in bodies] == [("resp-0", "resp-1")]
    assert "(inherited note)" in bodies[0].title


# --- finding the notice -----------------------------------------------------------------------------------

DOCS = [{"doc_id": "b3064877ad683bc0", "source": "corpora/seeds/004_x.txt"},
        {"doc_id": "b5df7fe2c905e144", "source": "corpora/seeds/003_y.txt"}]


@pytest.mark.parametrize("ref", ["b5df7fe2c905e144", "b5d", "003_y.txt", "003", "corpora/seeds/003_y.txt"])
def test_a_notice_is_found_by_id_prefix_or_file_name(ref, tmp_path):
    assert review.find_document(DOCS, ref, tmp_path)["doc_id"] == "b5df7fe2c905e144"


@pytest.mark.parametrize("ref, message", [("b", "matches 2 documents"), ("zz", "no document 'zz'")])
def test_an_unknown_or_ambiguous_notice_is_told_in_one_sentence(ref, message, tmp_path):
    with pytest.raises(review.NotFound, match=message):
        review.find_document(DOCS, ref, tmp_path)


def test_show_writes_a_page_for_a_seed_named_by_file(seed_output, tmp_path, capsys):
    page = tmp_path / "review.html"
    assert main(["show", str(seed_output), "001_ceaadc868233f089.txt", "--html", str(page)]) == 0
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert "→" in capsys.readouterr().out


@pytest.mark.parametrize("missing_folder", [False, True], ids=["unknown notice", "no such folder"])
def test_show_with_an_unknown_notice_or_folder_exits_2_with_one_sentence(missing_folder, seed_output, tmp_path, capsys):
    folder = str(tmp_path / "missing" if missing_folder else seed_output)
    assert main(["show", folder, "nope", "--html", str(tmp_path / "p.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("policy-pipeline: ") and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "p.html").exists()
