"""Agency scopes (DESIGN §6, Art. 3, 4): the row and its private contact fields."""

from __future__ import annotations

from tortoise.expressions import Q

from models.agency import Agency
from models.enums import AgencyLevel, AgencyState
from policies.scopes.base import Scope
from policies.scopes.jurisdiction import operates_in, operates_in_q, public_agency_q
from policies.viewer import Viewer


def _public(viewer: Viewer) -> Q:
    return public_agency_q()


async def _public_check(viewer: Viewer, a: Agency) -> bool:
    return a.state != AgencyState.PENDING


def _own(viewer: Viewer) -> Q:
    return Q(id=viewer.agency_id)


async def _own_check(viewer: Viewer, a: Agency) -> bool:
    return viewer.agency_id is not None and a.id == viewer.agency_id


def _city(viewer: Viewer) -> Q:
    """Filed with the city, or operating in it (Art. 4: joint supervision on its territory)."""
    return Q(filing_region_id=viewer.region_code) | operates_in_q(viewer.region_code)


async def _city_check(viewer: Viewer, a: Agency) -> bool:
    return a.filing_region_id == viewer.region_code or await operates_in(a.id, viewer.region_code)


async def _own_or_public_check(viewer: Viewer, a: Agency) -> bool:
    return await _own_check(viewer, a) or await _public_check(viewer, a)


async def _city_or_public_check(viewer: Viewer, a: Agency) -> bool:
    return await _public_check(viewer, a) or await _city_check(viewer, a)


def _registrable(viewer: Viewer) -> Q:
    """A city registers only CITY-level agencies filed with itself (Art. 3)."""
    return Q(level=AgencyLevel.CITY, filing_region_id=viewer.region_code)


async def _registrable_check(viewer: Viewer, a: Agency) -> bool:
    return a.level == AgencyLevel.CITY and a.filing_region_id == viewer.region_code


def _filed_with_city(viewer: Viewer) -> Q:
    """The filing authority's own agencies (Art. 3, 4): the city decides and terminates them."""
    return Q(filing_region_id=viewer.region_code)


async def _filed_with_city_check(viewer: Viewer, a: Agency) -> bool:
    return a.filing_region_id == viewer.region_code


AGENCY_SCOPES = (
    Scope("agency_filed_with_city", Agency, _filed_with_city, _filed_with_city_check),
    Scope("agency_public", Agency, _public, _public_check),
    Scope("agency_own", Agency, _own, _own_check),
    Scope("agency_city", Agency, _city, _city_check),
    Scope("agency_own_or_public", Agency, lambda v: _own(v) | _public(v), _own_or_public_check),
    # Public first: PostgreSQL tests an OR's terms in the order written, so the cheap column
    # test spares the per-row subqueries of `_city` for all but the PENDING rows.
    Scope("agency_city_or_public", Agency, lambda v: _public(v) | _city(v), _city_or_public_check),
    Scope("agency_city_level_filed_with_city", Agency, _registrable, _registrable_check),
)
