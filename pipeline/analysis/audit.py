"""The leftover report of a run (`policy-pipeline audit DIR`): every role word inside a task that
no responsibility row explains, so that misses of the clause grammar show on unlabelled notices.

A role word is a verb of rules/roles.toml's families (牵头, 配合, 负责, 督促…) or a label (牵头单位:)
standing where it assigns: closing a group in a bracket ("…,X配合)"), whatever the name before it;
or right after a body name (modifiers such as 按职责分工 in between), in a bracket, or in running
text as a subject's verb, after 由 or after a duty modifier.
负责人, 督查室 and the like are no role words (the grammar's `not_before`). A role word is explained when a row of the notice has its body in the
same clause: a body that reaches between the nearest clause marks (, ; 。 brackets, line ends)
around the word.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import regex

from pipeline.stages.assignments import grammar
from pipeline.stages.reading.normalize import fold

CLAUSE_MARKS = "。;!?,\n()〔〕"
LIST_SEPARATORS = regex.compile(r"[、,;/]|以及|和|及|与")
GROUP_END = regex.compile(r"\s*[,;)〕]")


@dataclass
class Leftover:
    source: str
    char_start: int
    word: str
    context: str


@dataclass
class Report:
    cues: int
    leftovers: list[Leftover]
    per_document: dict[str, tuple[int, int]]  # source → (role words, unexplained)

    @property
    def explained(self) -> float:
        return 1 - len(self.leftovers) / self.cues if self.cues else 1.0


def role_words(folded: str, start: int, end: int) -> list[regex.Match]:
    """The role words between `start` and `end` that stand where they assign."""
    c = grammar.config()
    out = [m for m in grammar.label_patterns()["label"].finditer(folded, start, end)]
    for verb in c["verb"].finditer(folded, start, end):
        if _assigns(folded, verb, start):
            out.append(verb)
    return sorted(out, key=lambda m: m.start())


def _assigns(folded: str, verb: regex.Match, start: int) -> bool:
    """A verb after something that ends like a body name (past its modifiers): any verb inside a
    bracket, where clauses stand; in running text the verbs a subject takes, or any after 由."""
    c = grammar.config()
    clause_start = max(max(folded.rfind(mark, start, verb.start()) for mark in CLAUSE_MARKS) + 1, start)
    head, kinds = grammar.strip_modifiers(folded[clause_start:verb.start()])
    last = LIST_SEPARATORS.split(head.rstrip())[-1]
    in_bracket = clause_start > start and folded[clause_start - 1] in "(〔" or _open_bracket(folded, start, verb.start())
    if in_bracket and last and GROUP_END.match(folded, verb.end()):
        return True  # "…,县自来水厂配合)": a verb closing a bracket's group assigns, whatever the name
    if not last or not grammar.is_body(last):
        return False
    return in_bracket or verb.group("verb") in c["subject_verbs"] or "duty" in kinds \
        or c["opener"].match(head) is not None


def _open_bracket(folded: str, start: int, pos: int) -> bool:
    """Whether `pos` stands inside a bracket opened after `start`."""
    opened = max(folded.rfind("(", start, pos), folded.rfind("〔", start, pos))
    return opened > max(folded.rfind(")", start, pos), folded.rfind("〕", start, pos))


def _clause(folded: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    """The span between the clause marks around `pos`, within lo..hi (a label's clause runs past its colon)."""
    before = max(folded.rfind(mark, lo, pos) for mark in CLAUSE_MARKS) + 1
    after = [i for i in (folded.find(mark, pos, hi) for mark in CLAUSE_MARKS) if i != -1]
    return max(lo, before), min(after, default=hi)


def audit(out_dir: Path) -> Report:
    documents = pq.read_table(out_dir / "documents.parquet", columns=["doc_id", "source", "text"]).to_pylist()
    tasks = pq.read_table(out_dir / "tasks.parquet", columns=["doc_id", "char_start", "char_end"]).to_pylist()
    rows = pq.read_table(out_dir / "responsibilities.parquet", columns=["doc_id", "char_start", "char_end"]).to_pylist()
    bodies: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        bodies.setdefault(row["doc_id"], []).append((row["char_start"], row["char_end"]))
    by_doc: dict[str, list[dict]] = {}
    for task in tasks:
        by_doc.setdefault(task["doc_id"], []).append(task)
    cues, leftovers, per_document = 0, [], {}
    for doc in documents:
        text = doc["text"] or ""
        folded = fold(text)
        source = Path(doc["source"]).name
        seen, found, missed = set(), 0, 0
        for task in by_doc.get(doc["doc_id"], []):
            for word in role_words(folded, task["char_start"], task["char_end"]):
                if word.start() in seen:  # tasks may overlap where a clause closes a group
                    continue
                seen.add(word.start())
                found += 1
                lo, hi = _clause(folded, word.start(), task["char_start"], task["char_end"])
                if not any(s < hi and e > lo for s, e in bodies.get(doc["doc_id"], [])):  # 县(市)X部门 spans a mark
                    missed += 1
                    context = text[max(task["char_start"], word.start() - 25):word.end() + 15].replace("\n", "⏎")
                    leftovers.append(Leftover(source, word.start(), word.group(), context))
        cues += found
        if found:
            per_document[source] = (found, missed)
    return Report(cues, leftovers, per_document)


def print_report(report: Report, verbose: bool = True) -> None:
    if verbose:
        for item in report.leftovers:
            print(f"{item.source}\t{item.char_start}\t{item.word}\t{item.context}")
        for source, (found, missed) in sorted(report.per_document.items()):
            if missed:
                print(f"{source}: {missed} of {found} role words unexplained")
    print(f"{report.cues} role words in tasks, {report.cues - len(report.leftovers)} explained by a row "
          f"({report.explained:.1%}), {len(report.leftovers)} unexplained ({1 - report.explained:.1%})")
