"""The demo's cast: 48 agencies in the 11 jurisdictions and what happens to them (DESIGN §3-6).

Everything here is plain data. `server/demo/story.py` turns it into dated events and
`server/demo/seeding.py` runs them through the domain operations.

Stable handles for tests and the README: `DEMO_CREDIT_CODES` (key -> 统一社会信用代码; the keys
are explained next to `AGENCIES`) and `SHARED_VENUE`.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from models.enums import (
    CertificateInvalidation,
    FilingKind,
    FilingStatus,
    SanctionGrade,
    SanctionStatus,
    SkillLevel,
)
from models.region import JURISDICTIONS, PROVINCE_CODE

PROVINCE = PROVINCE_CODE
FUZHOU, XIAMEN, PUTIAN, SANMING, QUANZHOU = "350100", "350200", "350300", "350400", "350500"
ZHANGZHOU, NANPING, LONGYAN, NINGDE, PINGTAN = "350600", "350700", "350800", "350900", "350128"

L5, L4, L3, L2 = SkillLevel.LEVEL_5, SkillLevel.LEVEL_4, SkillLevel.LEVEL_3, SkillLevel.LEVEL_2

# Occupation name -> (2022 classification code, levels usually evaluated, lowest first).
OCCUPATIONS: dict[str, tuple[str, tuple[SkillLevel, ...]]] = {
    "电工": ("6-31-01-03", (L4, L3, L2)),
    "焊工": ("6-18-02-04", (L4, L3, L2)),
    "车工": ("6-18-01-01", (L4, L3)),
    "铣工": ("6-18-01-02", (L4, L3)),
    "保育师": ("4-10-01-03", (L5, L4)),
    "养老护理员": ("4-10-01-05", (L5, L4, L3)),
    "家政服务员": ("4-10-01-06", (L5, L4)),
    "健康管理师": ("4-14-02-02", (L3, L2)),
    "营养师": ("4-14-02-01", (L4, L3)),
    "中式烹调师": ("4-03-02-01", (L5, L4, L3)),
    "中式面点师": ("4-03-02-02", (L5, L4)),
    "西式面点师": ("4-03-02-04", (L5, L4)),
    "茶艺师": ("4-03-02-07", (L5, L4, L3)),
    "美容师": ("4-10-03-01", (L5, L4)),
    "美发师": ("4-10-03-02", (L5, L4)),
    "电子商务师": ("4-01-06-01", (L4, L3)),
    "互联网营销师": ("4-01-06-02", (L5, L4)),
    "企业人力资源管理师": ("4-07-03-04", (L4, L3, L2)),
    "汽车维修工": ("4-12-01-01", (L4, L3)),
    "工业机器人系统运维员": ("6-31-07-01", (L4, L3)),
}

EMPLOYER, SOCIAL, COLLEGE = "employer", "social", "college"


class AgencySeed(NamedTuple):
    key: str
    name: str  # as registered (an approved INFO_CHANGE below may rename it)
    credit_code: str
    kind: str  # EMPLOYER, SOCIAL (社评组织) or COLLEGE (a social organisation, Art. 2)
    filing_region: str  # PROVINCE for provincial agencies, else the city it is filed with
    # new: registered, no filing | submitted: INITIAL awaiting decision | rejected: INITIAL
    # rejected | approved: INITIAL approved (EXPIRED once 3 years old) | renewed: INITIAL then
    # RENEWAL approved | renewing: INITIAL approved, RENEWAL submitted in the last 90 days
    story: str
    # Days before today of: the INITIAL approval (approved / renewed / renewing), the decision
    # (rejected), the submission (submitted) or the registration (new).
    age: int
    occupations: tuple[str, ...]
    sites: tuple[str, ...]  # region of each site, in registration order


# City-level agencies come first (the shared venue's owner before its user); keys name the city
# and the agency's role in the demo. Those the tests and README use:
#   fuzhou_active          ACTIVE CITY agency of 福州 (an employer; clean apart from an interview)
#   fuzhou_college         college owning the shared venue (SHARED_VENUE), ACTIVE
#   fuzhou_suspended       SUSPENDED by a rectification escalated from an interview (22.1),
#                          among the first five agencies, so the first page shows escalatedFrom
#   fuzhou_renewal_due     ACTIVE, valid_until within 90 days, SUBMITTED RENEWAL
#   xiamen_catering        ACTIVE 厦门 employer with the most private records (rejected scope
#                          change, a site on no approved filing, an unpublished interview)
#   xiamen_cross_city      厦门 agency operating a venue in 漳州 on its approved filing
#   xiamen_revoked         REVOKED CITY agency of 厦门 (3-year ban)
#   xiamen_pending         PENDING with a SUBMITTED INITIAL filing, one planned site in 漳州
#   quanzhou_rejected      PENDING with only a REJECTED INITIAL filing
#   pingtan_active         ACTIVE CITY agency of 平潭
#   pingtan_pending        PENDING with no filing at all
#   putian_rectified       ACTIVE again after an accepted rectification
#   longyan_employer       ACTIVE with a PROPOSED (system-raised) Art. 23.11 revocation
#   provincial_multi_city  PROVINCIAL employer with sites in five cities, renewed
#   provincial_pingtan     PROVINCIAL association with a site in 平潭
#   shared_venue_user      PROVINCIAL employer using the college's campus for another occupation
#   provincial_pending     PROVINCIAL, PENDING, SUBMITTED INITIAL with sites in 福州 and 厦门
AGENCIES: list[AgencySeed] = [
    # 福州 350100
    AgencySeed(
        "fuzhou_college",
        "福州职业技术学院",
        "1235012146765995XJ",
        COLLEGE,
        FUZHOU,
        "approved",
        900,
        ("电工", "工业机器人系统运维员", "电子商务师", "汽车维修工"),
        (FUZHOU,) * 5,
    ),
    AgencySeed(
        "fuzhou_active",
        "福州闽江电力设备有限公司",
        "91350102MA28YC84XW",
        EMPLOYER,
        FUZHOU,
        "approved",
        640,
        ("电工", "焊工"),
        (FUZHOU,) * 3,
    ),
    AgencySeed(
        "fuzhou_suspended",
        "福州市鼓楼区金榕职业培训学校",
        "52350102MJ114884X0",
        SOCIAL,
        FUZHOU,
        "approved",
        520,
        ("保育师", "家政服务员", "健康管理师", "养老护理员"),
        (FUZHOU,) * 4,
    ),
    AgencySeed(
        "fuzhou_renewal_due",
        "福州长乐鼎盛食品有限公司",
        "91350112858118771T",
        EMPLOYER,
        FUZHOU,
        "renewing",
        1050,
        ("中式面点师", "西式面点师"),
        (FUZHOU,) * 3,
    ),
    AgencySeed(
        "fuzhou_cuisine",
        "福州市闽菜烹饪职业培训学校",
        "52350103MJ0193913W",
        SOCIAL,
        FUZHOU,
        "renewed",
        1500,
        ("中式烹调师", "中式面点师", "茶艺师"),
        (FUZHOU,) * 4,
    ),
    # 厦门 350200
    AgencySeed(
        "xiamen_college",
        "厦门鹭江职业技术学院",
        "12350211491126731B",
        COLLEGE,
        XIAMEN,
        "renewed",
        1300,
        ("电子商务师", "互联网营销师", "茶艺师", "西式面点师"),
        (XIAMEN,) * 4,
    ),
    AgencySeed(
        "xiamen_revoked",
        "厦门鑫博职业技能培训学校",
        "52350206MJ92834486",
        SOCIAL,
        XIAMEN,
        "approved",
        700,
        ("电子商务师", "企业人力资源管理师"),
        (XIAMEN,) * 2,
    ),
    AgencySeed(
        "xiamen_cross_city",
        "厦门海湾智能制造集团有限公司",
        "91350205190572412C",
        EMPLOYER,
        XIAMEN,
        "approved",
        450,
        ("工业机器人系统运维员", "电工", "铣工", "车工"),
        (XIAMEN, XIAMEN, ZHANGZHOU, XIAMEN, XIAMEN),
    ),
    AgencySeed(
        "xiamen_ecommerce",
        "厦门市电子商务协会",
        "51350200MJ86954591",
        SOCIAL,
        XIAMEN,
        "approved",
        800,
        ("电子商务师", "互联网营销师"),
        (XIAMEN,) * 4,
    ),
    AgencySeed(
        "xiamen_beauty",
        "厦门美丽佳人美容美发职业培训学校",
        "52350203MJ42271564",
        SOCIAL,
        XIAMEN,
        "approved",
        380,
        ("美容师", "美发师"),
        (XIAMEN,) * 3,
    ),
    AgencySeed(
        "xiamen_catering",
        "厦门鹭翔航空食品有限公司",
        "91350206MA24GBHL1T",
        EMPLOYER,
        XIAMEN,
        "approved",
        600,
        ("中式烹调师", "西式面点师"),
        (XIAMEN,) * 3,
    ),
    AgencySeed(
        "xiamen_pending",
        "厦门集美数字技能评价中心",
        "52350211MJ85711223",
        SOCIAL,
        XIAMEN,
        "submitted",
        12,
        ("电子商务师", "互联网营销师"),
        (XIAMEN, ZHANGZHOU),
    ),
    # 泉州 350500
    AgencySeed(
        "quanzhou_college",
        "泉州海丝职业技术学院",
        "1235050341042042XJ",
        COLLEGE,
        QUANZHOU,
        "approved",
        700,
        ("电工", "工业机器人系统运维员", "茶艺师", "保育师", "电子商务师"),
        (QUANZHOU,) * 6,
    ),
    AgencySeed(
        "quanzhou_suspended",
        "泉州市刺桐烹饪职业培训学校",
        "52350502MJ3246814L",
        SOCIAL,
        QUANZHOU,
        "approved",
        560,
        ("中式烹调师", "中式面点师"),
        (QUANZHOU,) * 3,
    ),
    AgencySeed(
        "quanzhou_rejected",
        "晋江市鞋服产业职业技能培训中心",
        "52350582MJ6761555H",
        SOCIAL,
        QUANZHOU,
        "rejected",
        75,
        ("企业人力资源管理师", "电子商务师"),
        (QUANZHOU,),
    ),
    AgencySeed(
        "quanzhou_employer",
        "泉州闽南机械装备集团有限公司",
        "91350582MA2FWFF21L",
        EMPLOYER,
        QUANZHOU,
        "renewed",
        1800,
        ("焊工", "车工", "铣工", "电工"),
        (QUANZHOU,) * 5,
    ),
    AgencySeed(
        "quanzhou_tea",
        "安溪凤城茶业有限公司",
        "913505249630699320",
        EMPLOYER,
        QUANZHOU,
        "approved",
        240,
        ("茶艺师",),
        (QUANZHOU,) * 2,
    ),
    # 漳州 350600
    AgencySeed(
        "zhangzhou_college",
        "漳州芗江职业技术学院",
        "123506034503114203",
        COLLEGE,
        ZHANGZHOU,
        "approved",
        830,
        ("保育师", "养老护理员", "家政服务员", "中式烹调师"),
        (ZHANGZHOU,) * 4,
    ),
    AgencySeed(
        "zhangzhou_suspended",
        "漳州市龙江职业技能培训中心",
        "52350602MJ43904046",
        SOCIAL,
        ZHANGZHOU,
        "approved",
        400,
        ("美容师", "健康管理师"),
        (ZHANGZHOU,) * 2,
    ),
    AgencySeed(
        "zhangzhou_employer",
        "漳州九龙江机械制造有限公司",
        "91350604MA3C0NJA95",
        EMPLOYER,
        ZHANGZHOU,
        "approved",
        150,
        ("车工", "铣工", "焊工"),
        (ZHANGZHOU,) * 4,
    ),
    AgencySeed(
        "zhangzhou_homecare",
        "漳州市家庭服务业协会",
        "51350600MJ4159819G",
        SOCIAL,
        ZHANGZHOU,
        "approved",
        610,
        ("家政服务员", "保育师", "养老护理员"),
        (ZHANGZHOU,) * 3,
    ),
    # 莆田 350300
    AgencySeed(
        "putian_college",
        "莆田湄洲湾职业技术学院",
        "1235030444403835XA",
        COLLEGE,
        PUTIAN,
        "approved",
        760,
        ("电工", "汽车维修工", "中式面点师", "健康管理师"),
        (PUTIAN,) * 4,
    ),
    AgencySeed(
        "putian_terminated",
        "莆田市荔城区丽人职业培训学校",
        "52350304MJ4228116T",
        SOCIAL,
        PUTIAN,
        "approved",
        680,
        ("美发师", "茶艺师"),
        (PUTIAN,) * 2,
    ),
    AgencySeed(
        "putian_employer",
        "莆田东南电力工程有限公司",
        "91350303293184930N",
        EMPLOYER,
        PUTIAN,
        "approved",
        500,
        ("电工", "焊工"),
        (PUTIAN,) * 3,
    ),
    AgencySeed(
        "putian_rectified",
        "莆田市健康管理协会",
        "51350300MJ0992571M",
        SOCIAL,
        PUTIAN,
        "approved",
        720,
        ("健康管理师", "营养师"),
        (PUTIAN,) * 3,
    ),
    # 三明 350400
    AgencySeed(
        "sanming_college",
        "三明沙溪医学职业学院",
        "12350404464719304T",
        COLLEGE,
        SANMING,
        "approved",
        330,
        ("养老护理员", "健康管理师", "保育师", "营养师"),
        (SANMING,) * 4,
    ),
    AgencySeed(
        "sanming_revoked",
        "三明市列东职业技能培训学校",
        "52350404MJ8621070E",
        SOCIAL,
        SANMING,
        "approved",
        820,
        ("家政服务员", "养老护理员"),
        (SANMING,) * 2,
    ),
    AgencySeed(
        "sanming_expired",
        "三明闽中钢铁有限公司",
        "91350405MA3PPMBM1B",
        EMPLOYER,
        SANMING,
        "approved",
        1260,
        ("焊工", "电工", "车工"),
        (SANMING,) * 3,
    ),
    # 南平 350700
    AgencySeed(
        "nanping_college",
        "南平闽北职业技术学院",
        "12350702439310865G",
        COLLEGE,
        NANPING,
        "approved",
        690,
        ("茶艺师", "电子商务师", "中式烹调师", "电工"),
        (NANPING,) * 4,
    ),
    AgencySeed(
        "nanping_expired",
        "武夷山市茶文化职业培训学校",
        "52350782MJ1679237Y",
        SOCIAL,
        NANPING,
        "approved",
        1130,
        ("茶艺师",),
        (NANPING,),
    ),
    AgencySeed(
        "nanping_employer",
        "南平建阳林产化工有限公司",
        "913507031709055741",
        EMPLOYER,
        NANPING,
        "approved",
        200,
        ("电工", "焊工"),
        (NANPING,) * 3,
    ),
    # 龙岩 350800
    AgencySeed(
        "longyan_college",
        "龙岩汀江职业技术学院",
        "123508024680983659",
        COLLEGE,
        LONGYAN,
        "renewed",
        1650,
        ("电工", "焊工", "汽车维修工", "养老护理员"),
        (LONGYAN,) * 5,
    ),
    AgencySeed(
        "longyan_terminated",
        "龙岩市新罗区汽车维修职业培训学校",
        "52350802MJ6976943M",
        SOCIAL,
        LONGYAN,
        "approved",
        900,
        ("汽车维修工",),
        (LONGYAN,) * 2,
    ),
    AgencySeed(
        "longyan_employer",
        "龙岩闽西机械装备有限公司",
        "91350881MA2JX94M8L",
        EMPLOYER,
        LONGYAN,
        "approved",
        600,
        ("焊工", "车工", "铣工"),
        (LONGYAN,) * 4,
    ),
    # 宁德 350900
    AgencySeed(
        "ningde_college",
        "宁德闽东职业技术学院",
        "12350902483747597C",
        COLLEGE,
        NINGDE,
        "approved",
        420,
        ("电工", "工业机器人系统运维员", "茶艺师", "养老护理员"),
        (NINGDE,) * 4,
    ),
    AgencySeed(
        "ningde_employer",
        "宁德三都澳锂电科技有限公司",
        "91350902MA38R039XP",
        EMPLOYER,
        NINGDE,
        "approved",
        780,
        ("电工", "工业机器人系统运维员"),
        (NINGDE,) * 7,
    ),
    AgencySeed(
        "ningde_expired",
        "宁德市蕉城区烹饪职业培训学校",
        "52350902MJ0818397J",
        SOCIAL,
        NINGDE,
        "approved",
        1400,
        ("中式烹调师", "中式面点师"),
        (NINGDE,) * 2,
    ),
    AgencySeed(
        "ningde_homecare",
        "福安市福宁家政服务有限公司",
        "91350981MA28JRLA05",
        EMPLOYER,
        NINGDE,
        "approved",
        350,
        ("家政服务员", "养老护理员", "保育师"),
        (NINGDE,) * 3,
    ),
    # 平潭综合实验区 350128
    AgencySeed(
        "pingtan_active",
        "平潭综合实验区海峡旅游职业培训学校",
        "52350128MJ89628527",
        SOCIAL,
        PINGTAN,
        "approved",
        540,
        ("中式烹调师", "茶艺师", "西式面点师"),
        (PINGTAN,) * 3,
    ),
    AgencySeed(
        "pingtan_employer",
        "平潭海峡航运集团有限公司",
        "91350128MA3MP92Y4R",
        EMPLOYER,
        PINGTAN,
        "approved",
        260,
        ("电工", "焊工"),
        (PINGTAN,) * 2,
    ),
    AgencySeed(
        "pingtan_pending",
        "平潭综合实验区岚岛职业技能培训中心",
        "52350128MJ60807255",
        SOCIAL,
        PINGTAN,
        "new",
        15,
        ("家政服务员",),
        (PINGTAN,),
    ),
    # 省级 (filed with 350000)
    AgencySeed(
        "provincial_multi_city",
        "福建闽榕建设集团有限公司",
        "91350100MA3EQTLN82",
        EMPLOYER,
        PROVINCE,
        "renewed",
        1200,
        ("电工", "焊工", "企业人力资源管理师"),
        (FUZHOU, FUZHOU, XIAMEN, QUANZHOU, QUANZHOU, NANPING, NINGDE),
    ),
    AgencySeed(
        "provincial_pingtan",
        "福建省闽菜烹饪行业协会",
        "51350000MJ11171036",
        SOCIAL,
        PROVINCE,
        "approved",
        880,
        ("中式烹调师", "中式面点师", "西式面点师", "营养师"),
        (FUZHOU, PINGTAN, ZHANGZHOU),
    ),
    AgencySeed(
        "shared_venue_user",
        "福建康养服务集团有限公司",
        "91350100MA28CPKW0H",
        EMPLOYER,
        PROVINCE,
        "approved",
        480,
        ("养老护理员", "健康管理师", "保育师"),
        (FUZHOU, XIAMEN, ZHANGZHOU),
    ),
    AgencySeed(
        "provincial_suspended",
        "福建省家政服务行业协会",
        "51350000MJ74473577",
        SOCIAL,
        PROVINCE,
        "approved",
        660,
        ("家政服务员", "保育师"),
        (FUZHOU, QUANZHOU),
    ),
    AgencySeed(
        "provincial_pending",
        "福建数字经济职业技能评价中心",
        "52350000MJ4528338W",
        SOCIAL,
        PROVINCE,
        "submitted",
        20,
        ("互联网营销师", "电子商务师"),
        (FUZHOU, XIAMEN),
    ),
    AgencySeed(
        "provincial_hr",
        "福建省人力资源服务行业协会",
        "51350000MJ7449467C",
        SOCIAL,
        PROVINCE,
        "approved",
        720,
        ("企业人力资源管理师",),
        (FUZHOU, LONGYAN, SANMING),
    ),
    AgencySeed(
        "provincial_auto",
        "福建闽运汽车集团有限公司",
        "91350100MA2UNWB437",
        EMPLOYER,
        PROVINCE,
        "approved",
        950,
        ("汽车维修工", "电工"),
        (FUZHOU, QUANZHOU, NINGDE, PUTIAN),
    ),
]

DEMO_CREDIT_CODES: dict[str, str] = {a.key: a.credit_code for a in AGENCIES}

REJECTION_REASONS: dict[str, str] = {
    "quanzhou_rejected": "评价场所未配备视频监控设备，专职考务人员不足，"
    "不符合《管理办法》第五条第（二）、（三）项。",
}


class ExtraFiling(NamedTuple):
    """A filing after the INITIAL one. A SCOPE_CHANGE puts the agency's last site (registered
    a few days before it) on the filing with the agency's occupations (Art. 13)."""

    key: str
    kind: FilingKind
    status: FilingStatus
    days_ago: int  # submitted this many days before today; decided 7-20 days later
    reason: str | None = None
    new_name: str | None = None
    new_legal_representative: str | None = None


EXTRA_FILINGS: list[ExtraFiling] = [
    ExtraFiling("fuzhou_college", FilingKind.SCOPE_CHANGE, FilingStatus.APPROVED, 300),
    ExtraFiling(
        "xiamen_ecommerce",
        FilingKind.INFO_CHANGE,
        FilingStatus.APPROVED,
        200,
        new_name="厦门市数字商务协会",
    ),
    ExtraFiling("xiamen_ecommerce", FilingKind.SCOPE_CHANGE, FilingStatus.APPROVED, 120),
    ExtraFiling(
        "xiamen_catering",
        FilingKind.SCOPE_CHANGE,
        FilingStatus.REJECTED,
        90,
        reason="新增考点未配备视频监控设备，不符合《管理办法》第五条第（三）项。",
    ),
    ExtraFiling("ningde_employer", FilingKind.SCOPE_CHANGE, FilingStatus.SUBMITTED, 8),
    ExtraFiling("provincial_auto", FilingKind.SCOPE_CHANGE, FilingStatus.APPROVED, 250),
    ExtraFiling(
        "provincial_hr",
        FilingKind.INFO_CHANGE,
        FilingStatus.APPROVED,
        180,
        new_legal_representative="陈立新",
    ),
    ExtraFiling(
        "pingtan_employer",
        FilingKind.INFO_CHANGE,
        FilingStatus.SUBMITTED,
        6,
        new_legal_representative="林海平",
    ),
    ExtraFiling(
        "putian_terminated",
        FilingKind.TERMINATION,
        FilingStatus.APPROVED,
        120,
        reason="自愿终止：机构业务调整，不再开展职业技能等级评价工作（第十七条）。",
    ),
    ExtraFiling(
        "longyan_terminated",
        FilingKind.TERMINATION,
        FilingStatus.APPROVED,
        60,
        reason="自愿终止：学校停止办学，函告终止评价工作（第十七条）。",
    ),
]


class SanctionSeed(NamedTuple):
    """A sanction as it ends up. It is issued under its own article, except:

    - `escalates`: issued as a repeat of the agency's earlier Art. 21 violation (same clause),
      which the ladder turns into 22(一) with the link to the interview;
    - PROPOSED: never issued; the system raises an Art. 23(十一) proposal on the third
      UNQUALIFIED external result of a calendar year, so the demo records those three results
      (`facts` are their findings) and the proposal follows.
    """

    key: str
    article: int
    clause: int
    grade: SanctionGrade
    days_ago: int  # decided (EFFECTIVE) or raised (PROPOSED) this many days before today
    published: bool
    facts: str
    status: SanctionStatus = SanctionStatus.EFFECTIVE
    deadline_days: int | None = None  # rectification deadline, days after the decision
    rectified_days: int | None = None  # rectification accepted, days after the decision
    escalates: bool = False  # escalated from the agency's previous sanction
    certificates: CertificateInvalidation = CertificateInvalidation.NONE


INTERVIEW, RECTIFICATION, REVOCATION = (
    SanctionGrade.INTERVIEW,
    SanctionGrade.RECTIFICATION,
    SanctionGrade.REVOCATION,
)

SANCTIONS: list[SanctionSeed] = [
    SanctionSeed(
        "fuzhou_active",
        21,
        1,
        INTERVIEW,
        160,
        True,
        "未在机构网站公开年度评价计划，电工四级考核时间临时调整未公告。",
    ),
    SanctionSeed(
        "xiamen_beauty",
        21,
        9,
        INTERVIEW,
        70,
        False,
        "美容师四级考核第2考场监控视频缺失约40分钟，未能提供完整监控录像。",
        certificates=CertificateInvalidation.PARTIAL,
    ),
    SanctionSeed(
        "xiamen_catering",
        21,
        2,
        INTERVIEW,
        140,
        False,
        "西式面点师五级实操考核未按国家职业技能标准设置考核时长。",
    ),
    SanctionSeed(
        "putian_employer", 21, 5, INTERVIEW, 220, False, "焊工三级实操试题未按规定报备省中心。"
    ),
    SanctionSeed(
        "ningde_homecare",
        21,
        7,
        INTERVIEW,
        45,
        True,
        "养老护理员五级考核安排本机构培训教师担任监考人员。",
    ),
    SanctionSeed(
        "pingtan_employer",
        21,
        6,
        INTERVIEW,
        100,
        False,
        "考评人员未签署保密承诺书即参与电工四级理论考试阅卷。",
    ),
    SanctionSeed(
        "provincial_multi_city",
        21,
        3,
        INTERVIEW,
        100,
        True,
        "泉州考点同批次焊工考生分两个考场采用不同实操考核方式。",
    ),
    SanctionSeed(
        "fuzhou_suspended",
        21,
        8,
        INTERVIEW,
        150,
        True,
        "养老护理员四级考核3名考生参评资格审核不严（首次发现，占比4%）。",
    ),
    SanctionSeed(
        "fuzhou_suspended",
        22,
        1,
        RECTIFICATION,
        3,
        True,
        "约谈后再次发现参评资格审核不严：保育师五级考核12名考生工作年限证明不实。",
        deadline_days=45,
        escalates=True,
    ),
    SanctionSeed(
        "quanzhou_suspended",
        22,
        2,
        RECTIFICATION,
        25,
        True,
        "未按规定增设考点，擅自在莆田租用场所开展中式烹调师评价。",
        deadline_days=50,
    ),
    SanctionSeed(
        "zhangzhou_suspended",
        22,
        7,
        RECTIFICATION,
        20,
        True,
        "在短视频平台发布“包过”“不过退费”等虚假宣传。",
        deadline_days=60,
    ),
    SanctionSeed(
        "provincial_suspended",
        22,
        3,
        RECTIFICATION,
        40,
        True,
        "无正当理由两次拒绝接受省中心专项督查。",
        deadline_days=60,
    ),
    SanctionSeed(
        "putian_rectified",
        22,
        5,
        RECTIFICATION,
        220,
        True,
        "对健康管理师考核收费投诉未及时处理，造成不良影响。",
        deadline_days=45,
        rectified_days=38,
    ),
    SanctionSeed(
        "xiamen_revoked",
        23,
        4,
        REVOCATION,
        90,
        True,
        "经核查，该机构篡改电子商务师证书数据并违规出售证书。",
    ),
    SanctionSeed(
        "sanming_revoked",
        21,
        4,
        INTERVIEW,
        420,
        False,
        "养老护理员四级考核中对夹带资料的考生未按规定作违纪处理。",
    ),
    SanctionSeed(
        "sanming_revoked", 23, 2, REVOCATION, 300, True, "备案时提交的专职考务人员劳动合同系伪造。"
    ),
    SanctionSeed(
        "longyan_employer",
        23,
        11,
        REVOCATION,
        5,
        False,
        "外部督导：焊工四级实操考场视频监控存在盲区，考评人员未按规定核验考生身份。",
        status=SanctionStatus.PROPOSED,
    ),
]


class SharedVenue(NamedTuple):
    owner: str  # the college that registered the campus
    site_index: int
    user: str  # the agency that also evaluates there, for another occupation (Art. 12)
    occupation: str
    level: SkillLevel


SHARED_VENUE = SharedVenue("fuzhou_college", 0, "shared_venue_user", "养老护理员", L4)


class SiteOverride(NamedTuple):
    name: str
    address: str
    video: bool = True


SPECIAL_SITES: dict[tuple[str, int], SiteOverride] = {
    ("fuzhou_college", 0): SiteOverride(
        "福州职业技术学院（上街校区）", "福州市闽侯县上街镇联榕路8号"
    ),
    ("xiamen_cross_city", 2): SiteOverride(
        "厦门海湾智能制造集团有限公司（角美生产基地）", "漳州市龙海区角美镇建元路88号"
    ),
    ("provincial_pingtan", 1): SiteOverride(
        "福建省闽菜烹饪行业协会平潭海峡美食实训基地", "平潭综合实验区潭城镇西航路168号"
    ),
    ("xiamen_catering", 2): SiteOverride(
        "厦门鹭翔航空食品有限公司（翔安配餐中心）", "厦门市翔安区翔安南路1288号", video=False
    ),
    ("quanzhou_rejected", 0): SiteOverride(
        "晋江市鞋服产业职业技能培训中心实训楼", "泉州市晋江市世纪大道2号", video=False
    ),
}

# (district, road) pairs the generated addresses draw from, per city.
STREETS: dict[str, list[tuple[str, str]]] = {
    FUZHOU: [
        ("鼓楼区", "工业路"),
        ("鼓楼区", "杨桥中路"),
        ("台江区", "江滨中大道"),
        ("仓山区", "金山大道"),
        ("仓山区", "盖山路"),
        ("晋安区", "福飞北路"),
        ("闽侯县", "上街镇学府路"),
        ("马尾区", "儒江西路"),
        ("长乐区", "首占镇文武砂大道"),
    ],
    XIAMEN: [
        ("思明区", "湖滨南路"),
        ("思明区", "软件园观日路"),
        ("湖里区", "枋湖北二路"),
        ("集美区", "集美大道"),
        ("集美区", "杏林湾路"),
        ("海沧区", "海沧大道"),
        ("同安区", "同集南路"),
        ("翔安区", "翔安南路"),
    ],
    PUTIAN: [
        ("城厢区", "学园北街"),
        ("城厢区", "荔华东大道"),
        ("荔城区", "拱辰大道"),
        ("涵江区", "涵华西路"),
        ("秀屿区", "笏石镇工业路"),
        ("仙游县", "八二五大街"),
    ],
    SANMING: [
        ("三元区", "列东街"),
        ("三元区", "新市中路"),
        ("沙县区", "金沙大道"),
        ("永安市", "燕江中路"),
        ("尤溪县", "城关镇紫阳大道"),
    ],
    QUANZHOU: [
        ("丰泽区", "泉秀路"),
        ("丰泽区", "田安南路"),
        ("鲤城区", "江滨南路"),
        ("洛江区", "万虹路"),
        ("晋江市", "世纪大道"),
        ("石狮市", "灵秀镇环湖路"),
        ("南安市", "成功街"),
        ("安溪县", "凤城镇河滨北路"),
    ],
    ZHANGZHOU: [
        ("芗城区", "胜利西路"),
        ("芗城区", "新华北路"),
        ("龙文区", "水仙大街"),
        ("龙海区", "角美镇建元路"),
        ("长泰区", "武安镇长泰大道"),
        ("漳浦县", "绥安镇金浦路"),
    ],
    NANPING: [
        ("延平区", "滨江中路"),
        ("延平区", "八一路"),
        ("建阳区", "童游街道武夷大道"),
        ("武夷山市", "崇安街道五九中路"),
        ("邵武市", "八一路"),
    ],
    LONGYAN: [
        ("新罗区", "龙岩大道"),
        ("新罗区", "九一南路"),
        ("新罗区", "登高西路"),
        ("永定区", "凤城街道永新路"),
        ("漳平市", "菁城路"),
        ("上杭县", "临城镇振兴路"),
    ],
    NINGDE: [
        ("蕉城区", "蕉城南路"),
        ("蕉城区", "天湖东路"),
        ("蕉城区", "漳湾镇新港路"),
        ("福安市", "阳头街道富春路"),
        ("福鼎市", "太姥大道"),
        ("霞浦县", "松城街道福宁大道"),
    ],
    PINGTAN: [
        ("潭城镇", "西航路"),
        ("潭城镇", "城关路"),
        ("苏澳镇", "麒麟路"),
        ("流水镇", "环岛路"),
        ("敖东镇", "北厝路"),
        ("金井湾片区", "金井湾大道"),
    ],
}

AREA_CODES: dict[str, str] = {
    PROVINCE: "0591",
    FUZHOU: "0591",
    XIAMEN: "0592",
    PUTIAN: "0594",
    SANMING: "0598",
    QUANZHOU: "0595",
    ZHANGZHOU: "0596",
    NANPING: "0599",
    LONGYAN: "0597",
    NINGDE: "0593",
    PINGTAN: "0591",
}
SURNAMES = "陈林黄张李王吴刘蔡杨郑许谢郭洪曾邱叶苏庄"
GIVEN = "建国志明伟丽燕华秀英文斌榕辉海峰芳婷静强勇鹏晓雪清金水春荣玉"
SUFFIXES = ("二", "三", "四", "五", "六", "七", "八")

MAX_ITEMS = 8
MEASURES_IN_FORCE = dt.date(2023, 6, 15)  # 闽劳鉴〔2023〕10号: older approvals were imported
CITY_NAMES = {code: name for code, name, _ in JURISDICTIONS}

# Days before the proposal day of the first two of the three UNQUALIFIED external results that
# raise a PROPOSED Art. 23(十一) revocation (the third is on the proposal day).
UNQUALIFIED_RUN = (60, 30)

# Venues put on a filing by an agency that did not register them, where nothing about them is
# public: a 泉州 school's rejected INITIAL filing planned to use a 平潭 school's classroom (so it
# operates in 平潭 only through that item), and 厦门鹭翔航空食品's rejected scope change proposed
# the 集美 centre's still unfiled venue. (filing agency, filing kind, venue owner, occupation,
# level); the venue is the owner's first one that is not a college campus.
BORROWED_VENUES: list[tuple[str, FilingKind, str, str, SkillLevel]] = [
    ("quanzhou_rejected", FilingKind.INITIAL, "pingtan_active", "互联网营销师", L4),
    ("xiamen_catering", FilingKind.SCOPE_CHANGE, "xiamen_pending", "中式烹调师", L4),
]

INSPECTORS = [  # name, region; the first names conflicts with the agency they used to work for
    ("郑明华", PROVINCE_CODE),
    ("黄秀英", PROVINCE_CODE),
    ("吴建平", PROVINCE_CODE),
    ("林志强", PROVINCE_CODE),
    ("陈丽娟", "350200"),
    ("许文斌", "350200"),
    ("蔡雅琴", "350200"),
    ("王海燕", "350128"),
    ("翁国栋", "350128"),
    ("刘晓东", "350100"),
]
CONFLICTED_INSPECTOR = (0, "fuzhou_college")  # (index in INSPECTORS, agency key)

# Unpublished inspections whose visibility rests on one rule each: the province at a
# provincial agency's sites in the cities (Art. 4: the city sees them as its territory), the
# province at a 厦门 agency's venue in 漳州 (厦门 sees it as the filing city), and 平潭 at its own
# agency. (agency key, region of its sites inspected or None for any, inspecting authority)
CROSS_JURISDICTION_INSPECTIONS: list[tuple[str, str | None, str]] = [
    ("provincial_multi_city", None, PROVINCE_CODE),
    ("xiamen_cross_city", "350600", PROVINCE_CODE),
    ("pingtan_active", None, "350128"),
]

PROVINCE_DRAW_SEED = "demo-2026-q4"
XIAMEN_DRAW_SEED = "xiamen-internal"
