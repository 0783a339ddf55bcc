"""`policy-pipeline audit DIR`: the role words inside tasks that no responsibility row explains."""
from __future__ import annotations

import pytest

from pipeline.analysis.audit import role_words
from pipeline.cli import main

NOTICE = """青山县人民政府办公室关于印发青山县2024年重点工作方案的通知
各乡镇人民政府,县直各单位:
现将《青山县2024年重点工作方案》印发给你们,请认真贯彻落实。
一、重点任务
1.开展城区燃气管道隐患排查。(县住建局牵头,县市场监管局配合)
2.完善农村饮水工程管护机制。(县水利局牵头,县自来水厂配合)
3.加强组织领导,健全工作机制,主要负责人亲自部署。
青山县人民政府办公室
2024年3月1日
"""


@pytest.mark.parametrize("text, words", [
    ("(县住建局牵头,县市场监管局配合)", ["牵头", "配合"]),
    ("由县教体局负责,各学校按职责分工落实", ["负责", "落实"]),
    ("县应急局负责全县应急演练组织", ["负责"]),
    ("(牵头单位:县发改局;配合单位:县财政局)", ["牵头单位:", "配合单位:"]),
    # not where they assign: a person, a name holding a verb, prose verbs after no body
    ("主要负责人亲自部署,县政府督查室跟踪", []),
    ("加强政策支持,鼓励社会资本参与", []),
    ("各村要落实专人管护", []),
])
def test_role_words_stand_where_they_assign(text, words):
    assert [m.group() for m in role_words(text, 0, len(text))] == words


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notices")
    (folder / "plan.txt").write_text(NOTICE, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(folder), "--out", str(out), "--workers", "1"]) == 0
    return out


def test_audit_lists_the_role_word_no_row_explains(run_dir, capsys):
    assert main(["audit", str(run_dir)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    leftovers = [line.split("\t") for line in lines if line.count("\t") == 3]
    # 厂 ends no body the grammar knows, so the second clause's 配合 is the one left over
    assert [(source, word) for source, _, word, _ in leftovers] == [("plan.txt", "配合")]
    assert "县自来水厂配合" in leftovers[0][3]
    assert lines[-1] == "4 role words in tasks, 3 explained by a row (75.0%), 1 unexplained (25.0%)"


def test_audit_summary_prints_one_line(run_dir, capsys):
    assert main(["audit", str(run_dir), "--summary"]) == 0
    assert capsys.readouterr().out.strip().splitlines() == [
        "4 role words in tasks, 3 explained by a row (75.0%), 1 unexplained (25.0%)"]


def test_audit_of_a_folder_with_no_run_says_so(tmp_path, capsys):
    assert main(["audit", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "holds no complete run's tables" in err and len(err.strip().splitlines()) == 1
