"""Sanction scopes (DESIGN §6): published sanctions are public (Art. 22, 23)."""

from __future__ import annotations

from tortoise.expressions import Q

from models.sanction import Sanction
from policies.scopes.base import Scope
from policies.scopes.jurisdiction import agencies_filed_with, filed_with
from policies.viewer import Viewer


def _published(viewer: Viewer) -> Q:
    return Q(published=True)


async def _published_check(viewer: Viewer, s: Sanction) -> bool:
    return bool(s.published)


def _own(viewer: Viewer) -> Q:
    return Q(agency_id=viewer.agency_id)


async def _own_or_published_check(viewer: Viewer, s: Sanction) -> bool:
    return s.published or (viewer.agency_id is not None and s.agency_id == viewer.agency_id)


def _city(viewer: Viewer) -> Q:
    c = viewer.region_code
    return Q(authority_id=c) | Q(agency_id__in=agencies_filed_with(c))


async def _city_or_published_check(viewer: Viewer, s: Sanction) -> bool:
    c = viewer.region_code
    return s.published or s.authority_id == c or await filed_with(s.agency_id, c)


def _of_agency_filed_with_city(viewer: Viewer) -> Q:
    """The filing authority decides on its agencies' sanctions (Art. 21-23)."""
    return Q(agency_id__in=agencies_filed_with(viewer.region_code))


async def _of_agency_filed_with_city_check(viewer: Viewer, s: Sanction) -> bool:
    return await filed_with(s.agency_id, viewer.region_code)


SANCTION_SCOPES = (
    Scope(
        "sanction_of_agency_filed_with_city",
        Sanction,
        _of_agency_filed_with_city,
        _of_agency_filed_with_city_check,
    ),
    Scope("sanction_published", Sanction, _published, _published_check),
    Scope(
        "sanction_own_or_published",
        Sanction,
        lambda v: _own(v) | _published(v),
        _own_or_published_check,
    ),
    Scope(
        "sanction_city_or_published",
        Sanction,
        lambda v: _city(v) | _published(v),
        _city_or_published_check,
    ),
)
