"""Jurisdictions (DESIGN §3). 平潭综合实验区 is a peer of the cities, not under 福州."""

from tortoise import fields
from tortoise.models import Model

from models.enums import RegionLevel

PROVINCE_CODE = "350000"

JURISDICTIONS: list[tuple[str, str, RegionLevel]] = [
    ("350000", "福建省", RegionLevel.PROVINCE),
    ("350100", "福州市", RegionLevel.CITY),
    ("350200", "厦门市", RegionLevel.CITY),
    ("350300", "莆田市", RegionLevel.CITY),
    ("350400", "三明市", RegionLevel.CITY),
    ("350500", "泉州市", RegionLevel.CITY),
    ("350600", "漳州市", RegionLevel.CITY),
    ("350700", "南平市", RegionLevel.CITY),
    ("350800", "龙岩市", RegionLevel.CITY),
    ("350900", "宁德市", RegionLevel.CITY),
    ("350128", "平潭综合实验区", RegionLevel.CITY),
]


class Region(Model):
    code = fields.CharField(pk=True, max_length=6)
    name = fields.CharField(max_length=32)
    level = fields.CharEnumField(RegionLevel, max_length=8)
    parent: fields.ForeignKeyNullableRelation["Region"] = fields.ForeignKeyField(
        "registry.Region", related_name=False, null=True, on_delete=fields.RESTRICT
    )

    parent_id: str | None

    class Meta:
        table = "region"


async def find_region(code: str) -> Region | None:
    """The region with this code, or None for any string that is not one (a code is six
    digits; tortoise refuses to compare a longer string with the column instead of finding
    nothing)."""
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    return await Region.get_or_none(code=code)


async def ensure_jurisdictions() -> None:
    """Insert the fixed jurisdiction table; idempotent."""
    for code, name, level in JURISDICTIONS:
        parent = None if level is RegionLevel.PROVINCE else PROVINCE_CODE
        await Region.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent_id": parent}
        )
