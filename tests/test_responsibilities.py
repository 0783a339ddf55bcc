"""Responsibilities of tasks (SPEC.md, "Tasks" and "Roles"), checked on mini-notices.

Each [[case]] of cases/responsibilities.toml is a short notice run through
process_bytes (those of cases/clauses.toml hold only a notice's items, framed the same way); each [[case.task]] picks one task by an anchor and gives the exact
set of (body, role) it must carry, optionally body_full and the inherited bodies.
Expectations come from SPEC.md, not from the code. Case ids the code gets wrong
today are listed in KNOWN_GAPS and run as strict xfails: once a fix makes such a
case pass, the strict xfail fails the run until its id comes off the list.
"""
from __future__ import annotations

import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest
import regex

from pipeline.stages.assignments.bodies import full_name
from pipeline.process import process_bytes


def _load(name: str) -> list[dict]:
    return tomllib.loads((Path(__file__).parent / "cases" / name).read_text(encoding="utf-8"))["case"]


def _notice(case: dict) -> dict:
    """A case of cases/clauses.toml holds only a notice's items: the title, addressees and
    signature around them are the same for all."""
    head, tail = CLAUSES_FRAME
    return {**case, "text": head + case["items"].strip("\n") + tail}


# The frame around the items of cases/clauses.toml: a county office's plan.
CLAUSES_FRAME = ("青山县人民政府办公室关于印发青山县2024年重点工作方案的通知\n各乡镇人民政府,县直各单位:\n"
                 "现将《青山县2024年重点工作方案》印发给你们,请认真贯彻落实。\n",
                 "\n青山县人民政府办公室\n2024年3月1日\n")
CASES = _load("responsibilities.toml") + [_notice(case) for case in _load("clauses.toml")]
ROLES = {"lead", "support", "responsible", "supervise"}
LAYOUTS = {
    "bracket clause at task end", "bracketless closing sentence", "mid-item clause", "clause closing 一是 group",
    "cue words", "labelled lines", "labels in brackets", "assignment sentence / prose", "flattened table",
    "section-level clause", "persons are not bodies", "carry-over note", "first body leads",
    "body as section heading", "lead-in over items", "等 tails and collectives", "names splitting must not break",
    "body_full", "traditional characters",
    # cases/clauses.toml: the clause grammar
    "modifier", "verb family", "direction", "mid-sentence assignment", "body-duty paragraph", "duty heading",
    "role column", "line table", "body list", "person or post", "prose, no assignment",
    "inline label", "lenticular label", "copula", "run-in sub-items", "closing line over items", "unnumbered paragraphs", "leading clause",
}

# Case ids the code currently gets wrong, by what it does wrong.
KNOWN_GAPS: set[str] = set()

PUNCT = regex.compile(r"[\p{P}\p{S}\s]+")


def squash(text: str) -> str:
    """Anchors and task texts are compared as the scorer does: NFKC, no punctuation or spaces."""
    return PUNCT.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=None)
def run(case_id: str):
    case = next(c for c in CASES if c["id"] == case_id)
    return process_bytes(case["text"].encode("utf-8"), "case.txt")


def body_full(assignment, fields: dict) -> str:
    """body_full as pipeline.batch.write computes it: the issuer's region, and a prefix the body's list shares."""
    return full_name(assignment.body, fields, getattr(assignment, "shared_prefix", ""))


def params():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason="known gap")] if case["id"] in KNOWN_GAPS else []
        yield pytest.param(case, id=case["id"], marks=marks)


def test_cases_well_formed():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert KNOWN_GAPS <= set(ids), KNOWN_GAPS - set(ids)
    for case in CASES:
        assert case["layout"] in LAYOUTS, case["id"]
        assert case["task"], f"{case['id']}: no task assertion"
        for task in case["task"]:
            assert squash(task["anchor"]), case["id"]
            for expected in task["bodies"]:
                assert len(expected) in (2, 3) and expected[1] in ROLES, (case["id"], expected)
            assert set(task.get("inherited", [])) <= {b[0] for b in task["bodies"]}, case["id"]


@pytest.mark.parametrize("case", list(params()))
def test_responsibilities(case):
    result = run(case["id"])
    assert result.error is None, result.error
    tasks = [(t, squash(t.text)) for t in result.tasks]
    for expected in case["task"]:
        anchor = squash(expected["anchor"])
        hits = [t for t, text in tasks if anchor in text]
        assert len(hits) == 1, (expected["anchor"], [t.text for t in hits] or [t.text for t, _ in tasks])
        task = hits[0]
        # SPEC's four roles; `actor` rows (a body acting in the prose, from the entities) are not responsibilities
        got = {(a.body, a.role) for a in task.assignments if a.role in ROLES}
        want = {(b[0], b[1]) for b in expected["bodies"]}
        assert got == want, expected["anchor"]
        full = {(a.body, a.role, body_full(a, result.document.fields)) for a in task.assignments}
        for b in expected["bodies"]:
            if len(b) == 3:
                assert tuple(b) in full, (expected["anchor"], b)
        if "inherited" in expected:
            assert {a.body for a in task.assignments if a.inherited} == set(expected["inherited"]), expected["anchor"]
    # each anchor names a task of its own, as the scorer counts a task holding two anchors as none
    holders = [next(id(t) for t, text in tasks if squash(e["anchor"]) in text) for e in case["task"]]
    assert len(set(holders)) == len(holders), [e["anchor"] for e in case["task"]]


def test_assignment_spans_hold_their_bodies():
    """Every assignment's char_start..char_end in documents.text is its body, as written."""
    wrong = []
    for case in CASES:
        result = run(case["id"])  # a case that fails to process fails in test_responsibilities
        for task in result.tasks:
            for a in task.assignments:
                if result.document.text[a.char_start:a.char_end] != a.body:
                    wrong.append((case["id"], a.body, result.document.text[a.char_start:a.char_end]))
    assert not wrong, wrong
