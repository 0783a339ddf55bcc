"""Access to the data files in `rules/`: patterns, cue words, gazetteers.

The top-level `rules/` of a checkout is their source; a built wheel carries a copy
as `pipeline/_rules/` (pyproject.toml maps the folder in), and the trained models
of `models/` likewise as `pipeline/_models/`. POLICY_PIPELINE_RULES points
elsewhere (e.g. an analyst's edited copy).
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import tomllib
import warnings
from functools import lru_cache
from pathlib import Path

import regex


def data_dir(name: str) -> Path:
    """`rules` or `models`: the installed package's copy if there is one, else the checkout's folder.
    The copy is looked for first so that an installed package never reads a `rules/` that
    happens to stand beside it in site-packages."""
    package = Path(__file__).resolve().parent
    packaged = package / f"_{name}"
    return packaged if packaged.is_dir() else package.parent / name


RULES_DIR = Path(os.environ.get("POLICY_PIPELINE_RULES") or data_dir("rules"))


class RulesMissing(FileNotFoundError):
    """A rules file is not where the pipeline looks; the message says which and where, in one sentence."""


def _missing(name: str) -> RulesMissing:
    fix = ("copy it into the folder POLICY_PIPELINE_RULES names" if os.environ.get("POLICY_PIPELINE_RULES")
           else "reinstall policy-pipeline or restore it from the repository's rules/")
    return RulesMissing(f"the rules file {name}.toml is missing from {RULES_DIR}: {fix}")


def check() -> None:
    """Stop before any input is read if a rules file is missing, rather than fail on every input:
    the folder in use must hold every rules file the package has."""
    if not RULES_DIR.is_dir() or not any(RULES_DIR.glob("*.toml")):
        raise RulesMissing(f"no rules files in {RULES_DIR}: "
                           + ("point POLICY_PIPELINE_RULES at a copy of rules/" if os.environ.get("POLICY_PIPELINE_RULES")
                              else "reinstall policy-pipeline"))
    for name in sorted(_expected()):
        if not (RULES_DIR / name).is_file():
            raise _missing(Path(name).stem)


def _expected() -> set[str]:
    """The rules files the package was installed with (its wheel's RECORD), else, in a checkout,
    those of the repository's rules/."""
    if not (Path(__file__).resolve().parent / "_rules").is_dir():
        return {path.name for path in data_dir("rules").glob("*.toml")}
    import importlib.metadata  # 40 ms of imports (email's parser): only an installed wheel asks
    try:
        files = importlib.metadata.files("policy-pipeline") or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    shipped = {f.name for f in files if f.parts[:2] == ("pipeline", "_rules") and f.suffix == ".toml"}
    return shipped or {path.name for path in data_dir("rules").glob("*.toml")}


def package_file(package: str, relative: str) -> Path:
    """A data file shipped inside an installed package (cpca's division table), found without
    importing the package or importlib.metadata (40 ms of a one-file run's start)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package {package} is not installed; reinstall policy-pipeline")
    return Path(next(iter(spec.submodule_search_locations))) / relative


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """A TOML file of rules/, parsed once per process."""
    try:
        with open(RULES_DIR / f"{name}.toml", "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise _missing(name) from None


def alternation(words) -> str:
    """A regex alternation of literal words, longest first so that 牵头负责 wins over 牵头."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=None)
def pattern(text: str) -> regex.Pattern:
    """A pattern from a rules file, compiled once: regex's own cache costs microseconds a call,
    which a hot loop notices."""
    return regex.compile(text)


# What the two engines may read apart: a shorthand class (\s, \d, \w, \b and their negations: their
# Unicode tables differ, \x1c-\x1f are space to one and not to the other) or a property (\p{Han}),
# which the standard library's engine does not know.
SHORTHAND = regex.compile(r"\\[sSdDwWbBpPX]")


def fast(pattern: str) -> re.Pattern | regex.Pattern:
    """`pattern` compiled by the standard library's engine where it reads it as regex does, else by
    regex. Most rules are alternations of literal words, on which the standard engine is two to
    four times faster a call; a pattern it refuses (variable lookbehind, repeated group names) or
    warns about (a possible nested set), or that holds a class SHORTHAND names, goes to regex.
    Callers use what both engines' patterns and matches have (search, match, finditer, group, span)."""
    if SHORTHAND.search(pattern):
        return regex.compile(pattern)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return re.compile(pattern)
        except (re.error, Warning):
            return regex.compile(pattern)


def matched_at(pattern, text: str, starts):
    """What pattern.finditer(text) finds, for a pattern whose every match is non-empty and opens at
    one of `starts` (ascending): tried there alone, each after the last match, so that the matches are
    the scan's (the first to match is the leftmost). The stages find the few places a match may open
    (a rare character, a stop, a literal-first pattern) faster than the pattern's own scan tries every
    character."""
    end = 0
    for at in starts:
        if at >= end and (match := pattern.match(text, at)):
            end = match.end()
            yield match


@lru_cache(maxsize=None)
def compiled(name: str, key: str) -> regex.Pattern:
    """One pattern of a rules file: a string, or a list of strings joined as alternatives."""
    value = load(name)[key]
    if isinstance(value, list):
        value = "|".join(f"(?:{v})" for v in value)
    return regex.compile(value, regex.V1)


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash of every rules file: the rows a run writes depend on them as much as on the code."""
    digest = hashlib.sha256()
    for path in sorted(RULES_DIR.glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
