"""Full names of bodies: the region prefix of 市应急管理局 resolved against the issuer, a prefix a
list shares (市行政审批局、住建局 → 市住建局), and canonical names for abbreviations (应急局 →
应急管理局) from rules/bodies.toml."""
from __future__ import annotations

from functools import lru_cache

import regex

from pipeline import rules

PREFIX = rules.fast(r"^(省|市|州|区|县|旗)(?!级)")


def full_name(body: str, region: dict, shared_prefix: str = "") -> str:
    """市应急管理局 in a Wenling notice → 温岭市应急管理局; 区应急局 in Datonghu → 益阳市大通湖区应急局."""
    body = shared_prefix + body
    match = PREFIX.match(body)
    if not match:
        return body[len(shared_prefix):]
    county, city, province = region.get("county"), region.get("city"), region.get("province")
    rest = body[1:]
    level = match.group(1)
    if level in ("区", "旗") and county and county.endswith(level):
        return (city if city and city != province else "") + county + rest
    if level == "县" and county and county.endswith("县"):
        return county + rest
    if level == "市":
        if county and county.endswith("市"):
            return county + rest
        if city and city.endswith("市"):
            return city + rest
    if level == "州" and city and city.endswith("州"):
        return city + rest
    if level == "省" and province and province.endswith("省"):
        return province + rest
    return body[len(shared_prefix):]


def shared_prefixes(bodies: list[str]) -> list[str]:
    """The prefix each body of a list takes from the first one with a region prefix:
    ["市行政审批局", "住建局", "各镇"] → ["", "市", ""]."""
    suffixes = _prefix_suffixes()
    out, prefix = [], ""
    for body in bodies:
        match = PREFIX.match(body)
        if match:
            prefix = match.group(1)
        out.append(prefix if not match and prefix and body.endswith(suffixes) and not body.startswith("各") else "")
    return out


@lru_cache(maxsize=1)
def _prefix_suffixes() -> tuple[str, ...]:
    return tuple(rules.load("bodies")["shared_prefix_suffixes"])


@lru_cache(maxsize=1)
def _canonical() -> tuple[regex.Pattern, dict[str, str]]:
    table = rules.load("bodies")["canonical"]
    return rules.fast(f"(?:{rules.alternation(table)})$"), table


def canonical(name: str) -> str:
    """区发改财政局 → 区发展改革财政局: the abbreviation at a name's end written out."""
    pattern, table = _canonical()
    match = pattern.search(name)
    return name[:match.start()] + table[match.group()] if match else name
