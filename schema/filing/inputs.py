from __future__ import annotations

import datetime

import strawberry

from models.errors import NotFound
from models.operations.items import NewItem
from schema.core.context import Info
from schema.core.enums import FilingKind, FilingStatus, SkillLevel
from schema.core.ids import pk_of
from schema.site.types import load_site


@strawberry.input
class FilingFilter:
    status: FilingStatus | None = None
    kind: FilingKind | None = None
    agency_id: strawberry.ID | None = None


@strawberry.input
class FilingItemInput:
    occupation_code: str = strawberry.field(description="2022 classification, e.g. 6-31-01-03")
    occupation_name: str
    level: SkillLevel
    site_id: strawberry.ID


@strawberry.input
class SubmitFilingInput:
    agency_id: strawberry.ID
    kind: FilingKind
    items: list[FilingItemInput] | None = strawberry.field(
        default=None,
        description="INITIAL and SCOPE_CHANGE: the whole scope; RENEWAL: omit to "
        "carry the scope in force over",
    )
    new_name: str | None = None
    new_legal_representative: str | None = None
    reason: str | None = None


@strawberry.input
class DecideFilingInput:
    filing_id: strawberry.ID
    approve: bool
    reason: str | None = None


@strawberry.input
class ImportFilingInput:
    agency_id: strawberry.ID
    valid_from: datetime.date
    items: list[FilingItemInput]


async def resolve_items(info: Info, items: list[FilingItemInput] | None) -> list[NewItem]:
    """Items whose sites the viewer may see; any other site reads as not found."""
    resolved = []
    for n, item in enumerate(items or []):
        site = await load_site(info, pk_of(item.site_id, "Site"))
        if site is None:
            raise NotFound(f"items[{n}].siteId: 未找到该评价场所")
        resolved.append(
            NewItem(item.occupation_code.strip(), item.occupation_name, item.level, site.row)
        )
    return resolved
