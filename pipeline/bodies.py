"""Full names of bodies: the region prefix of 市应急管理局 resolved against the issuer."""
from __future__ import annotations

import regex

PREFIX = regex.compile(r"^(省|市|州|区|县|旗)(?!级)")


def full_name(body: str, region: dict) -> str:
    """市应急管理局 in a Wenling notice → 温岭市应急管理局; 区应急局 in Datonghu → 益阳市大通湖区应急局."""
    match = PREFIX.match(body)
    if not match:
        return body
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
    return body
