"""Document fields (pipeline/stages/structure/document.py, pipeline/stages/regions.py): title, plan title, issuer, number, dates,
region and type, on the five seeds and on hand-written notices in other layouts."""
from __future__ import annotations

import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.stages import regions
from pipeline.process import process_bytes

FIELDS = ["title", "plan_title", "issuer", "doc_number", "issue_date", "publish_date",
          "province", "city", "county", "region_code", "doc_type"]
LOOSE = {"title", "plan_title", "issuer"}  # compared as the scorer does: punctuation and spaces ignored


def squash(text: str | None) -> str | None:
    """NFKC, then drop unicode categories P, Z, S and C (the scorer's comparison)."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def same(field: str, got, want) -> bool:
    if hasattr(got, "isoformat"):
        got = got.isoformat()
    if field in LOOSE:
        return squash(got) == squash(want)
    return got == want


# The gold `meta` of each seed (hand-made annotations), plus region_code from the adcode table.
SEED_META = {
    "000_0de75744798fb82f.txt": {
        "title": "威海市环翠区竹岛街道办事处安全生产委员会关于印发《安全生产专项整治三年行动计划实施方案》的通知",
        "plan_title": "安全生产专项整治三年行动计划实施方案",
        "issuer": "威海市环翠区竹岛街道办事处安全生产委员会",
        "doc_number": "威环安发〔2020〕22号", "issue_date": "2020-08-20", "publish_date": "2020-08-20",
        "province": "山东省", "city": "威海市", "county": "环翠区", "region_code": "371002", "doc_type": "实施方案",
    },
    "001_ceaadc868233f089.txt": {
        "title": "关于印发2023年温岭市安全生产工作要点的通知",
        "plan_title": "2023年温岭市安全生产工作要点",
        "issuer": "温岭市安全生产委员会",
        "doc_number": None, "issue_date": "2023-04-28", "publish_date": "2023-06-13",
        "province": "浙江省", "city": "台州市", "county": "温岭市", "region_code": "331081", "doc_type": "工作要点",
    },
    "002_b8417ae412979ff8.txt": {
        "title": "金城镇集中开展除隐患防事故保安全专项行动工作实施方案",
        "plan_title": None,
        "issuer": None,
        "doc_number": None, "issue_date": None, "publish_date": None,
        "province": "江苏省", "city": None, "county": None, "region_code": "320000", "doc_type": "实施方案",
    },
    "003_e0fedd1fff0104c5.txt": {
        "title": "关于印发《2020年全区安全生产工作要点》的通知",
        "plan_title": "2020年全区安全生产工作要点",
        "issuer": "益阳市大通湖区安全生产委员会",
        "doc_number": "大安委发〔2020〕2号", "issue_date": "2020-04-02", "publish_date": None,
        "province": "湖南省", "city": "益阳市", "county": "大通湖区", "region_code": "430971", "doc_type": "工作要点",
    },
    "004_5db492723fbc6362.txt": {
        "title": "因地制宜出实招 压实责任抓落实 各地迅速部署推进安全生产治本攻坚三年行动",
        "plan_title": None,
        "issuer": None,
        "doc_number": None, "issue_date": None, "publish_date": "2024-03-28",
        "province": None, "city": None, "county": None, "region_code": None, "doc_type": "新闻",
    },
}

# (document, field) → what the code gets wrong there.
SEED_XFAIL: dict[tuple[str, str], str] = {}


def field_cases(table: dict, xfail: dict):
    for doc, meta in table.items():
        for field in FIELDS:
            marks = [pytest.mark.xfail(reason=xfail[doc, field], strict=True)] if (doc, field) in xfail else []
            yield pytest.param(doc, field, id=f"{doc.split('_')[0] if doc[0].isdigit() else doc}-{field}", marks=marks)


@pytest.fixture(scope="module")
def seed_documents(seed_output: Path) -> dict[str, dict]:
    rows = pq.read_table(seed_output / "documents.parquet").to_pylist()
    return {Path(row["source"]).name: row for row in rows}


@pytest.mark.parametrize("doc,field", list(field_cases(SEED_META, SEED_XFAIL)))
def test_seed_fields_match_gold(seed_documents, doc, field):
    assert doc in seed_documents, f"{doc} has no documents row"
    got, want = seed_documents[doc][field], SEED_META[doc][field]
    assert same(field, got, want), f"{field}: want {want!r}, got {got!r}"


# --- hand-written notices in other layouts ------------------------------------------------------

VARIANTS = {
    # A site's metadata block with labels above the notice, breadcrumb debris on top.
    "metadata-block": ("""首页 > 政府信息公开 > 部门文件
发文机关:黄山市应急管理局
成文日期:2021年03月15日
发文字号:黄应急〔2021〕8号
发布日期:2021-03-18
黄山市应急管理局关于开展2021年春季安全生产大检查的通知
各区县应急管理局,市直有关单位:
为切实做好春季安全生产工作,经研究,决定在全市开展安全生产大检查。
一、检查时间
2021年3月20日至4月30日。
二、检查内容
(一)重点行业领域。各区县要对危险化学品、非煤矿山等行业开展检查。(各区县应急管理局负责)
黄山市应急管理局
2021年3月15日
""", {
        "title": "黄山市应急管理局关于开展2021年春季安全生产大检查的通知", "plan_title": None,
        "issuer": "黄山市应急管理局", "doc_number": "黄应急〔2021〕8号",
        "issue_date": "2021-03-15", "publish_date": "2021-03-18",
        "province": "安徽省", "city": "黄山市", "county": None, "region_code": "341000", "doc_type": "通知",
    }),
    # Metadata as a flattened table: labels and values on shared lines, a 标题 label, no signature.
    "metadata-table": ("""索引号:113311000025856789/2021-00456 | 主题分类:安全生产监管
发文机关:丽水市莲都区人民政府办公室 | 成文日期:2021年06月01日
标题:丽水市莲都区人民政府办公室关于印发莲都区安全生产大排查大整治行动方案的通知
发文字号:莲政办发〔2021〕23号 | 发布日期:2021年06月03日
各乡镇人民政府、街道办事处,区政府直属各单位:
《莲都区安全生产大排查大整治行动方案》已经区政府同意,现印发给你们,请认真贯彻执行。
一、排查整治重点。各乡镇(街道)要全面排查辖区内各类生产经营单位。(区应急管理局牵头,各乡镇(街道)负责)
""", {
        "title": "丽水市莲都区人民政府办公室关于印发莲都区安全生产大排查大整治行动方案的通知",
        "plan_title": "莲都区安全生产大排查大整治行动方案",
        "issuer": "丽水市莲都区人民政府办公室", "doc_number": "莲政办发〔2021〕23号",
        "issue_date": "2021-06-01", "publish_date": "2021-06-03",
        "province": "浙江省", "city": "丽水市", "county": "莲都区", "region_code": "331102", "doc_type": "实施方案",
    }),
    # Signature dated in Chinese numerals with 〇.
    "chinese-numeral-date": ("""青岛市黄岛区安全生产委员会关于做好汛期安全防范工作的通知
各街道办事处,区安委会各成员单位:
当前已进入主汛期,为切实做好汛期安全防范工作,现将有关事项通知如下。
一、加强隐患排查。各单位要在6月底前完成一轮隐患排查。(区应急局牵头,各街道办事处负责)
二、做好应急值守。严格执行24小时值班制度。
青岛市黄岛区安全生产委员会
二〇二〇年四月二日
""", {
        "title": "青岛市黄岛区安全生产委员会关于做好汛期安全防范工作的通知", "plan_title": None,
        "issuer": "青岛市黄岛区安全生产委员会", "doc_number": None,
        "issue_date": "2020-04-02", "publish_date": None,
        "province": "山东省", "city": "青岛市", "county": "黄岛区", "region_code": "370211", "doc_type": "通知",
    }),
    # Chinese numerals written with ○ (U+25CB) and a two-digit day; a masthead and number above the title.
    "masthead-and-circle-zero-date": ("""宁海县人民政府办公室文件
宁政办发〔2023〕12号
关于印发宁海县城镇燃气安全专项整治工作方案的通知
各乡镇人民政府、街道办事处,县政府直属各单位:
《宁海县城镇燃气安全专项整治工作方案》已经县政府同意,现印发给你们,请认真贯彻执行。
宁海县人民政府办公室
二○二三年十二月三十一日
""", {
        "title": "关于印发宁海县城镇燃气安全专项整治工作方案的通知",
        "plan_title": "宁海县城镇燃气安全专项整治工作方案",
        "issuer": "宁海县人民政府办公室", "doc_number": "宁政办发〔2023〕12号",
        "issue_date": "2023-12-31", "publish_date": None,
        "province": "浙江省", "city": "宁波市", "county": "宁海县", "region_code": "330226", "doc_type": "实施方案",
    }),
    # The date under the signature lacks its 日.
    "date-missing-ri": ("""关于印发2023年宁海县安全生产工作要点的通知
各乡镇人民政府、街道办事处,县安委会各成员单位:
现将《2023年宁海县安全生产工作要点》印发给你们,请结合实际认真贯彻落实。
宁海县安全生产委员会
2023年4月28
2023年宁海县安全生产工作要点
一、强化责任落实
1.压实安全生产责任。每季度至少召开1次安委会会议。(县安委办牵头,各成员单位配合)
""", {
        "title": "关于印发2023年宁海县安全生产工作要点的通知", "plan_title": "2023年宁海县安全生产工作要点",
        "issuer": "宁海县安全生产委员会", "doc_number": None,
        "issue_date": "2023-04-28", "publish_date": None,
        "province": "浙江省", "city": "宁波市", "county": "宁海县", "region_code": "330226", "doc_type": "工作要点",
    }),
    # A title broken over two lines after 关于印发.
    "two-line-title": ("""平江县人民政府办公室关于印发平江县安全生产
专项整治三年行动实施方案的通知
各乡镇人民政府,县直有关单位:
现将《平江县安全生产专项整治三年行动实施方案》印发给你们,请认真组织实施。
平江县人民政府办公室
2020年6月12日
平江县安全生产专项整治三年行动实施方案
一、工作目标
到2022年底,全县安全生产整体水平明显提高。
二、主要任务
(一)加强危险化学品安全整治。全面摸排危化品企业风险底数。(县应急管理局牵头,县工信局配合)
""", {
        "title": "平江县人民政府办公室关于印发平江县安全生产专项整治三年行动实施方案的通知",
        "plan_title": "平江县安全生产专项整治三年行动实施方案",
        "issuer": "平江县人民政府办公室", "doc_number": None,
        "issue_date": "2020-06-12", "publish_date": None,
        "province": "湖南省", "city": "岳阳市", "county": "平江县", "region_code": "430626", "doc_type": "实施方案",
    }),
    # A title broken after 关于开展, the year on the second line.
    "two-line-title-year": ("""黄山市应急管理局关于开展
2021年春季安全生产大检查的通知
各区县应急管理局,市直有关单位:
为切实做好春季安全生产工作,经研究,决定在全市开展安全生产大检查。
黄山市应急管理局
2021年3月15日
""", {
        "title": "黄山市应急管理局关于开展2021年春季安全生产大检查的通知", "plan_title": None,
        "issuer": "黄山市应急管理局", "doc_number": None,
        "issue_date": "2021-03-15", "publish_date": None,
        "province": "安徽省", "city": "黄山市", "county": None, "region_code": "341000", "doc_type": "通知",
    }),
    # The title names no place: the county (in Hunan, not Zhejiang or Shandong) comes from the issuer.
    "county-from-issuer": ("""关于进一步加强道路交通安全管理工作的通知
各乡镇人民政府,县直各单位:
为进一步加强全县道路交通安全管理,有效预防和减少道路交通事故,现就有关事项通知如下。
一、严格落实属地管理责任。各乡镇要建立健全道路交通安全工作机制。(各乡镇人民政府负责)
二、加强重点车辆监管。(县交通运输局牵头,县公安局交警大队配合)
平江县安全生产委员会办公室
2022年3月9日
""", {
        "title": "关于进一步加强道路交通安全管理工作的通知", "plan_title": None,
        "issuer": "平江县安全生产委员会办公室", "doc_number": None,
        "issue_date": "2022-03-09", "publish_date": None,
        "province": "湖南省", "city": "岳阳市", "county": "平江县", "region_code": "430626", "doc_type": "通知",
    }),
    # A district name shared by several cities (鹿城区 is only in 温州市), with its city written before it.
    "district-with-city": ("""温州市鹿城区应急管理局关于做好高温天气安全生产工作的通知
各街道办事处,区级有关单位:
近期我区持续高温,为切实做好高温天气安全生产工作,现将有关事项通知如下。
一、加强高温作业管理。各单位要在8月底前完成排查。(各街道办事处负责)
温州市鹿城区应急管理局
二○二三年七月二十八日
""", {
        "title": "温州市鹿城区应急管理局关于做好高温天气安全生产工作的通知", "plan_title": None,
        "issuer": "温州市鹿城区应急管理局", "doc_number": None,
        "issue_date": "2023-07-28", "publish_date": None,
        "province": "浙江省", "city": "温州市", "county": "鹿城区", "region_code": "330302", "doc_type": "通知",
    }),
    # No issuer, no place name: only the cited provincial document number (苏安电〔2017〕5号) places it.
    "province-from-doc-number": ("""关于开展除隐患防事故保安全专项行动的通知
各村(居)委会,镇各有关单位:
根据省安委会《关于集中开展除隐患防事故保安全专项行动的通知》(苏安电〔2017〕5号)精神,镇政府决定在全镇范围内开展专项行动,现将有关要求通知如下。
一、全面排查隐患。各村要对辖区内企业开展一次全面排查。(镇安监办牵头,各村负责)
二、严格执法检查。
""", {
        "title": "关于开展除隐患防事故保安全专项行动的通知", "plan_title": None,
        "issuer": None, "doc_number": None,  # the cited number is another document's
        "issue_date": None, "publish_date": None,
        "province": "江苏省", "city": None, "county": None, "region_code": "320000", "doc_type": "通知",
    }),
    # A news item whose dateline carries a clock time.
    "news-dateline": ("""新闻中心
全市召开安全生产工作推进会
2023-05-06 10:24 来源:市应急管理局 浏览次数:321
5月5日下午,全市安全生产工作推进会召开。会议通报了一季度全市安全生产形势,部署了下一阶段重点工作。会议要求,各地各部门要深入开展重大事故隐患专项排查整治行动,检查企业1200余家,确保全市安全生产形势持续稳定。(记者 王明)
""", {
        "title": "全市召开安全生产工作推进会", "plan_title": None,
        "issuer": None, "doc_number": None,
        "issue_date": None, "publish_date": "2023-05-06",
        "province": None, "city": None, "county": None, "region_code": None, "doc_type": "新闻",
    }),
    # A county the gazetteer does not know, whose own document number opens with the county's
    # abbreviation, which is also a province's (晋, 青, 鲁…): no province is taken from it.
    "county-own-doc-number": ("""晋源镇人民政府关于做好2025年秸秆禁烧工作的通知
晋源政发〔2025〕3号
各村民委员会,镇直各单位:
为做好秸秆禁烧工作,现将有关事项通知如下。
一、加强巡查。各村要落实网格巡查,发现火点及时处置。(镇农业服务中心负责)
晋源镇人民政府
2025年5月20日
""", {
        "title": "晋源镇人民政府关于做好2025年秸秆禁烧工作的通知", "plan_title": None,
        "issuer": "晋源镇人民政府", "doc_number": "晋源政发〔2025〕3号",
        "issue_date": "2025-05-20", "publish_date": None,
        "province": None, "city": None, "county": None, "region_code": None, "doc_type": "通知",
    }),
    # A dateline whose date is no date (a typo: day 00): passed over, not a failed notice.
    "news-dateline-typo": ("""新闻中心
全县召开森林防火工作会议
2024-06-00 09:15 来源:县林业局
6月3日上午,全县森林防火工作会议召开。会议要求,各乡镇要加强巡山护林,落实防火责任,确保不发生重大森林火灾。
""", {
        "title": "全县召开森林防火工作会议", "plan_title": None,
        "issuer": None, "doc_number": None,
        "issue_date": None, "publish_date": None,
        "province": None, "city": None, "county": None, "region_code": None, "doc_type": "新闻",
    }),
    # A news item with labelled source and publication time and no clock time.
    "news-labelled": ("""全市召开安全生产工作推进会
来源:市应急管理局 发布时间:2023-05-06
5月5日下午,全市安全生产工作推进会召开。会议通报了一季度全市安全生产形势,部署了下一阶段重点工作。会议要求,各地各部门要深入开展重大事故隐患专项排查整治行动,检查企业1200余家,确保全市安全生产形势持续稳定。记者 王明
""", {
        "title": "全市召开安全生产工作推进会", "plan_title": None,
        "issuer": None, "doc_number": None,
        "issue_date": None, "publish_date": "2023-05-06",
        "province": None, "city": None, "county": None, "region_code": None, "doc_type": "新闻",
    }),
}

VARIANT_XFAIL: dict[tuple[str, str], str] = {}


@lru_cache(maxsize=None)
def variant_result(name: str):
    text, _ = VARIANTS[name]
    result = process_bytes(text.encode("utf-8"), f"{name}.txt")
    assert result.error is None, f"{name}: {result.error}"
    return result


@pytest.mark.parametrize("doc,field", list(field_cases({k: v[1] for k, v in VARIANTS.items()}, VARIANT_XFAIL)))
def test_variant_fields(doc, field):
    got, want = variant_result(doc).document.fields.get(field), VARIANTS[doc][1][field]
    assert same(field, got, want), f"{field}: want {want!r}, got {got!r}"


def test_variants_in_gbk_give_the_same_fields():
    for name, (text, _) in VARIANTS.items():
        result = process_bytes(text.encode("gbk"), f"{name}.txt")
        assert result.error is None
        assert result.document.fields == variant_result(name).document.fields, name


# --- consistency of the region fields with the adcode table ----------------------------------------

def region_cases():
    for name, (_, want) in VARIANTS.items():
        yield pytest.param(want, id=name)
    for name, want in SEED_META.items():
        yield pytest.param(want, id=name.split("_")[0])


@pytest.mark.parametrize("want", list(region_cases()))
def test_expected_regions_agree_with_the_adcode_table(want):
    """The expectations themselves: region_code names the most specific unit, and its chain gives the rest."""
    code = want["region_code"]
    if code is None:
        assert want["province"] is None and want["city"] is None and want["county"] is None
        return
    division = regions.divisions()[code]
    most_specific = want["county"] or want["city"] or want["province"]
    assert division.name == most_specific
    chain = regions.chain(division)
    assert (chain["province"], chain["city"], chain["county"]) == (want["province"], want["city"], want["county"])


def test_region_code_agrees_with_region_names_on_every_seed(seed_documents):
    for name, row in seed_documents.items():
        if row["region_code"] is None:
            assert row["province"] is None, name
            continue
        assert len(row["region_code"]) == 6 and row["region_code"].isdigit(), name
        division = regions.divisions()[row["region_code"]]
        assert division.name == (row["county"] or row["city"] or row["province"]), name


# --- the notice's own dates and signature -------------------------------------------------------

# Variants whose signature and date close the notice, after its numbered items:
# (signature block as it stands in the text, the date as written, its ISO date).
TRAILING_SIGNATURE = {
    "metadata-block": ("黄山市应急管理局\n2021年3月15日", "2021年3月15日", "2021-03-15"),
    "chinese-numeral-date": ("青岛市黄岛区安全生产委员会\n二〇二〇年四月二日", "二〇二〇年四月二日", "2020-04-02"),
    "county-from-issuer": ("平江县安全生产委员会办公室\n2022年3月9日", "2022年3月9日", "2022-03-09"),
    "district-with-city": ("温州市鹿城区应急管理局\n二○二三年七月二十八日", "二○二三年七月二十八日", "2023-07-28"),
}
@pytest.mark.parametrize("name", list(TRAILING_SIGNATURE))
def test_trailing_signature_date_is_issued(name):
    result = variant_result(name)
    _, raw, iso = TRAILING_SIGNATURE[name]
    rows = [(d.kind, d.start, d.end) for d in result.dates if d.raw == raw]
    assert rows == [("issued", iso, iso)]


@pytest.mark.parametrize("name", list(TRAILING_SIGNATURE))
def test_trailing_signature_stands_outside_every_task(name):
    """SPEC: signatures and dates are not tasks; the signature's date is among what stands outside every task."""
    result = variant_result(name)
    text = result.document.text
    block, raw, _ = TRAILING_SIGNATURE[name]
    sig_start = text.index(block)
    assert [d.task_id for d in result.dates if d.raw == raw] == [None]
    for task in result.tasks:
        assert task.char_end <= sig_start, f"task {task.outline} runs into the signature: {text[task.char_start:task.char_end]!r}"


@pytest.mark.parametrize("doc", [pytest.param(d, id=d.split("_")[0]) for d in SEED_META])
def test_seed_issued_dates_stand_outside_every_task(seed_output, seed_documents, doc):
    row = seed_documents[doc]
    dates = pq.read_table(seed_output / "dates.parquet").to_pylist()
    issued = [d for d in dates if d["doc_id"] == row["doc_id"] and d["kind"] == "issued"]
    want = {k: SEED_META[doc][k] for k in ("issue_date", "publish_date") if SEED_META[doc][k]}
    assert {d["start"].isoformat() for d in issued} == set(want.values())
    assert [d["raw"] for d in issued if d["task_id"] is not None] == []


def test_issued_dates_of_a_metadata_block():
    result = variant_result("metadata-block")
    issued = sorted((d.start, d.end) for d in result.dates if d.kind == "issued")
    assert ("2021-03-18", "2021-03-18") in issued  # 发布日期
    assert ("2021-03-15", "2021-03-15") in issued  # 成文日期 and the signature
    period = [d for d in result.dates if d.kind == "period"]
    assert [(d.raw, d.start, d.end) for d in period] == [("2021年3月20日至4月30日", "2021-03-20", "2021-04-30")]


@pytest.mark.parametrize("text", [
    # a catalogue's 标题 over the title printed again
    "索引号:0001/2026-00012\n标题:青山县人民政府办公室关于做好2026年森林防火工作的通知\n成文日期:2026年3月2日\n"
    "青山县人民政府办公室关于做好2026年森林防火工作的通知\n各乡镇:\n一、开展隐患排查。3月31日前完成排查。\n",
    # a title in the page's heading line, then its breadcrumb copy under it
    "关于印发白水镇2027年人居环境整治方案的通知\n当前位置:首页>关于印发白水镇2027年人居环境整治方案的通知\n"
    "各村:\n一、清理垃圾。4月30日前完成。\n",
], ids=["catalogue-title-then-title", "title-then-breadcrumb-copy"])
def test_a_year_in_any_copy_of_the_title_is_no_date(text):
    result = process_bytes(text.encode("utf-8"), "copies.txt")
    assert [d.raw for d in result.dates if d.kind in ("point", "period")] == []
    assert [d.kind for d in result.dates if d.kind == "deadline"] == ["deadline"]


def test_a_year_the_body_names_on_its_own_stays_a_point():
    text = ("关于做好2026年防汛工作的通知\n各乡镇:\n为做好2026年防汛工作,现通知如下:\n"
            "一、落实责任。5月1日前报送名单。\n")
    result = process_bytes(text.encode("utf-8"), "body-year.txt")
    assert [(d.raw, d.kind) for d in result.dates] == [("2026年", "point"), ("5月1日前", "deadline")]


# --- layouts in tests/cases/fields.toml -------------------------------------------------------------

FIELD_CASES = tomllib.loads((Path(__file__).parent / "cases" / "fields.toml").read_text(encoding="utf-8"))["case"]


def _case_result(case: dict):
    result = process_bytes(case["text"].strip().encode("utf-8"), f"{case['id']}.txt")
    assert result.error is None, f"{case['id']}: {result.error}"
    return result


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in FIELD_CASES])
def test_layout_fields(case):
    fields = _case_result(case).document.fields
    for name, want in case["want"].items():
        want = None if want == "__none__" else want
        assert same(name, fields.get(name), want), f"{name}: want {want!r}, got {fields.get(name)!r}"


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in FIELD_CASES if "issued" in c or "not_issued" in c])
def test_layout_issued_dates(case):
    """The notice's own dates are `issued` rows (SPEC, Dates); a sharing site's posting time is not."""
    kinds = {d.raw: d.kind for d in _case_result(case).dates}
    for raw in case.get("issued", []):
        assert kinds.get(raw) == "issued", f"{raw}: {kinds.get(raw)!r}"
    for raw in case.get("not_issued", []):
        assert kinds.get(raw) != "issued", raw


@pytest.mark.parametrize("plan", ["《关于加强安全生产的实施方案》", "“十四五”节能减排工作方案", "《》", ""])
def test_plan_lines_found_as_by_squashing_every_line(plan):
    """_plan_lines skips a line that lacks the title's first character: it finds what squashing every line finds."""
    from pipeline.stages.structure import heading
    from pipeline.stages.structure.document import split_lines
    text = "各单位:\n现将方案印发给你们。\n某某县人民政府\n2024年1月2日\n关于加强安全生产的\n实施方案\n“十四五” 节能减排工作方案\n《》\n一、总体要求"
    lines = split_lines(text, text)

    def plain(after):
        squashed = heading.SQUASH.sub("", plan)
        for i, line in enumerate(lines):
            if line.start < after:
                continue
            one = heading.SQUASH.sub("", line.text)
            if one == squashed:
                return [(line.start, line.end)]
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and one and squashed.startswith(one) and one + heading.SQUASH.sub("", nxt.text) == squashed:
                return [(line.start, line.end), (nxt.start, nxt.end)]
        return []
    for after in (0, 30):
        assert heading._plan_lines(plan, lines, after) == plain(after)


def test_a_cover_letter_signed_with_no_date_under_it_names_its_issuer():
    text = """关于印发《某某区2025年防汛抗旱工作方案》的通知
(2025年4月2日)
区防指各成员单位:
现将方案印发给你们,请认真执行。
某某区防汛抗旱指挥部办公室
某某区2025年防汛抗旱工作方案
一、防汛准备。4月底前完成汛前检查。(区水利局负责)
"""
    fields = process_bytes(text.encode(), "letter.txt").document.fields
    assert fields["issuer"] == "某某区防汛抗旱指挥部办公室" and fields["issue_date"] == "2025-04-02"
    prose = text.replace("某某区防汛抗旱指挥部办公室\n", "各成员单位要按照方案要求抓好落实。\n")
    assert process_bytes(prose.encode(), "letter.txt").document.fields["issuer"] is None
