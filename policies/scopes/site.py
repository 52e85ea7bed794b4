"""Site scopes (DESIGN §6)."""

from __future__ import annotations

from tortoise.expressions import Q, Subquery

from models.filing import Filing, FilingItem
from models.site import Site
from policies.scopes.base import Scope
from policies.scopes.jurisdiction import agencies_filed_with, filed_with, public_site_q
from policies.viewer import Viewer


def _public(viewer: Viewer) -> Q:
    return public_site_q()


async def _public_check(viewer: Viewer, s: Site) -> bool:
    return await Site.filter(_public(viewer), id=s.id).exists()


def _own(viewer: Viewer) -> Q:
    """Registered by the agency, or on one of its filings (any status)."""
    own_filings = Subquery(Filing.filter(agency_id=viewer.agency_id).values("id"))
    on_own_filings = Subquery(FilingItem.filter(filing_id__in=own_filings).values("site_id"))
    return Q(agency_id=viewer.agency_id) | Q(id__in=on_own_filings)


async def _own_check(viewer: Viewer, s: Site) -> bool:
    if viewer.agency_id is None:
        return False
    if s.agency_id == viewer.agency_id:
        return True
    return await FilingItem.exists(site_id=s.id, filing__agency_id=viewer.agency_id)


def _city(viewer: Viewer) -> Q:
    c = viewer.region_code
    return Q(region_id=c) | Q(agency_id__in=agencies_filed_with(c))


async def _city_check(viewer: Viewer, s: Site) -> bool:
    return s.region_id == viewer.region_code or await filed_with(s.agency_id, viewer.region_code)


async def _own_or_public_check(viewer: Viewer, s: Site) -> bool:
    return await _own_check(viewer, s) or await _public_check(viewer, s)


async def _city_or_public_check(viewer: Viewer, s: Site) -> bool:
    return await _city_check(viewer, s) or await _public_check(viewer, s)


def _of_own_agency(viewer: Viewer) -> Q:
    return Q(agency_id=viewer.agency_id)


async def _of_own_agency_check(viewer: Viewer, s: Site) -> bool:
    return viewer.agency_id is not None and s.agency_id == viewer.agency_id


def _located_in_city(viewer: Viewer) -> Q:
    return Q(region_id=viewer.region_code)


async def _located_in_city_check(viewer: Viewer, s: Site) -> bool:
    return s.region_id == viewer.region_code


SITE_SCOPES = (
    Scope("site_located_in_city", Site, _located_in_city, _located_in_city_check),
    Scope("site_public", Site, _public, _public_check),
    Scope("site_own_or_public", Site, lambda v: _own(v) | _public(v), _own_or_public_check),
    Scope("site_city_or_public", Site, lambda v: _city(v) | _public(v), _city_or_public_check),
    Scope("site_of_own_agency", Site, _of_own_agency, _of_own_agency_check),
)
