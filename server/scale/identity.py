"""Who and where: agency names, 统一社会信用代码, people, phone numbers and venue addresses.

Everything is drawn from one `random.Random`, so a scale and a seed always give the same data;
credit codes and addresses are unique by construction (they encode a serial number), names by
drawing again.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping

from models.address import address_key
from models.credit_code import ALPHABET, with_check_character
from models.enums import AgencyKind, RegionLevel, SiteTenure
from models.region import JURISDICTIONS, PROVINCE_CODE
from server.demo.tables import AREA_CODES, GIVEN, STREETS, SURNAMES

CITIES = [code for code, _, level in JURISDICTIONS if level is RegionLevel.CITY]
CITY_NAMES = {code: name for code, name, _ in JURISDICTIONS}
# Share of the agencies filed with each city: the large economies (福州, 泉州, 厦门) hold most.
CITY_WEIGHTS = {
    "350100": 20,
    "350200": 15,
    "350300": 7,
    "350400": 5,
    "350500": 18,
    "350600": 9,
    "350700": 5,
    "350800": 7,
    "350900": 9,
    "350128": 5,
}

# Two-character brand names: first character x second character gives 900 of them.
BRAND_FIRST = "闽榕鹭泉漳莆武汀清海金华恒鑫瑞嘉鸿兴盛天凯博智启明育同长新东"
BRAND_SECOND = "江城海源达泰信丰运成创联德才心青安禾航峰山湾林港阳光远通润和"
INDUSTRIES = (
    "电力设备",
    "机械制造",
    "食品",
    "汽车服务",
    "建设工程",
    "电子科技",
    "纺织服装",
    "化工",
    "物流",
    "智能制造",
    "酒店管理",
    "医疗器械",
    "鞋业",
    "茶业",
    "家政服务",
    "锂电科技",
    "石材",
    "船舶工程",
    "餐饮管理",
    "养老服务",
)
TRADES = (
    "家政服务行业",
    "烹饪",
    "电子商务",
    "美容美发",
    "养老服务",
    "人力资源服务",
    "汽车维修",
    "健康管理",
    "茶文化",
    "物流",
)
COMPANY = ("有限公司", "股份有限公司", "集团有限公司")
SCHOOL = ("职业培训学校", "职业技能培训中心", "职业技能培训学校")
COLLEGE_NAMES = ("职业技术学院", "技师学院", "职业中专学校")

# GB 11714 organisation code: weights of its 8 characters, then a check character.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
SERIALS = len(ALPHABET) ** 6
SERIAL_STEP = 7919  # prime to 31, so index -> serial never repeats below 31^6


def quota(n: int, shares: Mapping[str, float], rng: random.Random) -> list[str]:
    """n labels in these shares (largest remainder; each at least once while n allows),
    in random order."""
    total = sum(shares.values())
    exact = {k: n * v / total for k, v in shares.items()}
    counts = {k: int(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: counts[k] - exact[k])[: n - sum(counts.values())]:
        counts[k] += 1
    for k in counts:
        if counts[k] == 0 and n >= len(shares):
            counts[max(counts, key=lambda j: counts[j])] -= 1
            counts[k] = 1
    labels = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(labels)
    return labels


def short_city(code: str) -> str:
    name = CITY_NAMES[code]
    return "平潭" if code == "350128" else "福建" if code == PROVINCE_CODE else name[:-1]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2, 2))))


def phone(rng: random.Random, region: str) -> str:
    if rng.random() < 0.5:
        return "1" + rng.choice("3589") + "".join(rng.choices("0123456789", k=9))
    return f"{AREA_CODES[region]}-{rng.randint(2, 8)}{''.join(rng.choices('0123456789', k=7))}"


def _org_check(body: str) -> str:
    total = sum(
        ORG_WEIGHTS[i] * (int(c) if c.isdigit() else ord(c) - 55) for i, c in enumerate(body)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _base31(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def credit_code(index: int, kind: str, region: str, rng: random.Random) -> str:
    """A GB 32100 code: registration authority and type (91 enterprise, 51 association,
    52 private non-enterprise unit, 12 public institution), a county code in the region, an
    organisation code numbered by `index` with its GB 11714 check, and the check character."""
    prefix = {"employer": "91", "association": "51", "school": "52", "college": "12"}[kind]
    county = (
        region
        if region == PROVINCE_CODE and kind == "association"
        else (
            (region if region != PROVINCE_CODE else rng.choice(CITIES))[:4]
            + f"{rng.randint(1, 12):02d}"
        )
    )
    serial = (index * SERIAL_STEP + 104_729) % SERIALS
    if kind == "college":
        body = f"4{(index * SERIAL_STEP + 104_729) % 10**7:07d}"  # 7919 is prime to 10
    else:
        body = ("MA" if kind == "employer" else "MJ") + _base31(serial, 6)
    return with_check_character(prefix + county + body + _org_check(body))


class Names:
    """Agency names, unique across the dataset."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def _brand(self) -> str:
        return self.rng.choice(BRAND_FIRST) + self.rng.choice(BRAND_SECOND)

    def _draw(self, kind: str, region: str) -> str:
        place, brand = short_city(region), self._brand()
        if kind == "employer":
            return place + brand + self.rng.choice(INDUSTRIES) + self.rng.choice(COMPANY)
        if kind == "association":
            return (
                place
                + ("省" if region == PROVINCE_CODE else "市")
                + self.rng.choice(TRADES)
                + "协会"
            )
        if kind == "school":
            return place + brand + self.rng.choice(SCHOOL)
        return place + brand + self.rng.choice(COLLEGE_NAMES)

    def new(self, kind: str, region: str) -> tuple[str, str]:
        """(name, kind): an association whose trade already has one in the region becomes
        a school, so names stay unique without numbering."""
        for attempt in itertools.count():
            if kind == "association" and attempt == 20:
                kind = "school"
            name = self._draw(kind, region) + (self._brand() if attempt >= 60 else "")
            if name not in self.taken:
                self.taken.add(name)
                return name, kind
        raise AssertionError("unreachable")


class Addresses:
    """Venue addresses, unique per region: the k-th venue of a region gets road k mod R and a
    house number after the ones used on that road, then a building number."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: dict[str, int] = {}

    def new(self, region: str) -> tuple[str, str, str]:
        """(district, address, address key)."""
        streets = STREETS[region]
        k = self.used.get(region, 0)
        self.used[region] = k + 1
        district, road = streets[k % len(streets)]
        block, house = divmod(k // len(streets), 800)
        address = f"{CITY_NAMES[region]}{district}{road}{house + 1}号"
        if block:
            address += f"{block + 1}号楼"
        return district, address, address_key(address)


def tenure(rng: random.Random, kind: str, index: int) -> SiteTenure:
    if kind == "college" and index < 2:
        return SiteTenure.COLLEGE_CAMPUS
    owned = 0.75 if kind == "employer" else 0.35
    return SiteTenure.OWNED if rng.random() < owned else SiteTenure.LONG_TERM_LEASE


def site_name(
    agency_name: str, agency_kind: AgencyKind, site_tenure: SiteTenure, index: int, district: str
) -> str:
    place = district[:-1] if len(district) > 2 and district[-1] in "区县市镇" else district
    if site_tenure is SiteTenure.COLLEGE_CAMPUS:
        return f"{agency_name}（{'主校区' if index == 0 else place + '校区'}）"
    kind = "实训基地" if agency_kind is AgencyKind.EMPLOYER else "教学点"
    return f"{agency_name}{place}{kind}" + ("" if index < 2 else f"（{index}）")
