"""Access to the data files in `rules/`: patterns, cue words, gazetteers.

The folder sits beside the package in a checkout; POLICY_PIPELINE_RULES points
elsewhere (e.g. an analyst's edited copy).
"""
from __future__ import annotations

import hashlib
import os
import tomllib
from functools import lru_cache
from pathlib import Path

import regex

RULES_DIR = Path(os.environ.get("POLICY_PIPELINE_RULES", Path(__file__).resolve().parent.parent / "rules"))


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """A TOML file of rules/, parsed once per process."""
    with open(RULES_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def alternation(words) -> str:
    """A regex alternation of literal words, longest first so that 牵头负责 wins over 牵头."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=None)
def pattern(text: str) -> regex.Pattern:
    """A pattern from a rules file, compiled once: regex's own cache costs microseconds a call,
    which a hot loop notices."""
    return regex.compile(text)


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
