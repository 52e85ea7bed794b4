"""Filing scopes (DESIGN §6)."""

from __future__ import annotations

from tortoise.expressions import Q

from models.enums import FilingStatus
from models.filing import Filing, FilingItem
from policies.scopes.base import Scope
from policies.scopes.jurisdiction import (
    agencies_filed_with,
    filed_with,
    filings_with_item_in,
    is_public_agency,
    public_agency_ids,
)
from policies.viewer import Viewer


def _public(viewer: Viewer) -> Q:
    return Q(status=FilingStatus.APPROVED, agency_id__in=public_agency_ids())


async def _public_check(viewer: Viewer, f: Filing) -> bool:
    return f.status == FilingStatus.APPROVED and await is_public_agency(f.agency_id)


def _own(viewer: Viewer) -> Q:
    return Q(agency_id=viewer.agency_id)


async def _own_or_public_check(viewer: Viewer, f: Filing) -> bool:
    own = viewer.agency_id is not None and f.agency_id == viewer.agency_id
    return own or await _public_check(viewer, f)


def _city(viewer: Viewer) -> Q:
    c = viewer.region_code
    return (
        Q(authority_id=c)
        | Q(agency_id__in=agencies_filed_with(c))
        | Q(id__in=filings_with_item_in(c))
    )


async def _city_or_public_check(viewer: Viewer, f: Filing) -> bool:
    c = viewer.region_code
    if f.authority_id == c or await filed_with(f.agency_id, c):
        return True
    if await FilingItem.exists(filing_id=f.id, site__region_id=c):
        return True
    return await _public_check(viewer, f)


def _of_agency_filed_with_city(viewer: Viewer) -> Q:
    return Q(agency_id__in=agencies_filed_with(viewer.region_code))


async def _of_agency_filed_with_city_check(viewer: Viewer, f: Filing) -> bool:
    return await filed_with(f.agency_id, viewer.region_code)


FILING_SCOPES = (
    Scope(
        "filing_of_agency_filed_with_city",
        Filing,
        _of_agency_filed_with_city,
        _of_agency_filed_with_city_check,
    ),
    Scope("filing_public", Filing, _public, _public_check),
    Scope("filing_own_or_public", Filing, lambda v: _own(v) | _public(v), _own_or_public_check),
    Scope("filing_city_or_public", Filing, lambda v: _city(v) | _public(v), _city_or_public_check),
)
