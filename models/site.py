"""评价场所/考点: a physical venue, registered once per region + normalized address."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.expressions import Q, Subquery
from tortoise.models import Model

from models.agency import Agency, closed_q, is_closed
from models.enums import AgencyLevel, SiteTenure
from models.filing import FilingItem
from models.id_sets import among

if TYPE_CHECKING:
    from models.region import Region


class Site(Model):
    id = fields.IntField(pk=True)
    agency: fields.ForeignKeyRelation[Agency] = fields.ForeignKeyField(
        "registry.Agency", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    name = fields.CharField(max_length=200)
    address = fields.CharField(max_length=300)
    address_key = fields.CharField(max_length=300)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "registry.Region", related_name=False, on_delete=fields.RESTRICT, db_index=True
    )
    tenure = fields.CharEnumField(SiteTenure, max_length=24)
    has_video_surveillance = fields.BooleanField()
    # Art. 4: a provincial agency's site is registered (报备) with the city it lies in.
    acknowledged_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    agency_id: int
    region_id: str

    class Meta:
        table = "site"
        unique_together = (("region", "address_key"),)


# Which venues an agency uses (DESIGN §4): those it registered, and those on any of its filings
# whatever their status, since a venue one agency registered may be put on another's filing
# (a college campus used by another organisation, Art. 12).


def used_by_q(agency_id: int) -> Q:
    """Venues the agency registered or put on one of its filings."""
    on_filings = FilingItem.filter(filing__agency_id=agency_id).values("site_id")
    return Q(agency_id=agency_id) | Q(id__in=Subquery(on_filings))


async def uses_site(agency_id: int, site: Site) -> bool:
    """The object side of `used_by_q`."""
    if site.agency_id == agency_id:
        return True
    return await FilingItem.exists(site_id=site.id, filing__agency_id=agency_id)


async def site_users(agency_ids: Collection[int]) -> dict[int, set[int]]:
    """The object side of `used_by_q` for many agencies at once: venue id -> which of these
    agencies use it. Ids only, in two statements whatever the number of agencies."""
    registered = Site.filter(among("agency_id", agency_ids)).values_list("agency_id", "id")
    on_filings = FilingItem.filter(among("filing__agency_id", agency_ids)).values_list(
        "filing__agency_id", "site_id"
    )
    users: dict[int, set[int]] = {}
    for pairs in (await registered, await on_filings):
        for agency_id, site_id in pairs:
            users.setdefault(site_id, set()).add(agency_id)
    return users


def acknowledged_q(acknowledged: bool = True) -> Q:
    """Venues the city they lie in has (or, with False, has not) acknowledged (报备, Art. 4)."""
    return Q(acknowledged_at__isnull=not acknowledged)


def is_acknowledged(site: Site) -> bool:
    """The object side of `acknowledged_q()`."""
    return site.acknowledged_at is not None


def awaiting_acknowledgement_q() -> Q:
    """Art. 4: a provincial agency's venue is registered (报备) with the city it lies in; it
    awaits that until acknowledged. A closed agency's venues need no acknowledgement any more.
    (Which city acknowledges is the viewer's scope, not part of the fact.)"""
    provincial = Agency.filter(level=AgencyLevel.PROVINCIAL).exclude(closed_q()).values("id")
    return acknowledged_q(False) & Q(agency_id__in=Subquery(provincial))


def awaits_acknowledgement(site: Site, *, agency: Agency) -> bool:
    """The object side of `awaiting_acknowledgement_q`; `agency` registered the venue."""
    assert agency.id == site.agency_id, "the agency that registered the venue"
    return (
        not is_acknowledged(site)
        and agency.level is AgencyLevel.PROVINCIAL
        and not is_closed(agency)
    )
