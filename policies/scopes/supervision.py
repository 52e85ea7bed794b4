"""Supervision scopes (DESIGN §6): inspectors, inspections and 双随机 draws."""

from __future__ import annotations

from tortoise.expressions import Q

from models.draw import Draw
from models.inspection import Inspection, Inspector
from models.site import Site
from policies.scopes.base import Scope
from policies.scopes.jurisdiction import agencies_filed_with, filed_with, sites_in
from policies.viewer import Viewer


def _inspector_of_city(viewer: Viewer) -> Q:
    return Q(region_id=viewer.region_code)


async def _inspector_of_city_check(viewer: Viewer, i: Inspector) -> bool:
    return i.region_id == viewer.region_code


def _jurisdiction(viewer: Viewer) -> Q:
    """Art. 4, 20: agencies filed with the city, and any agency's sites located in it."""
    c = viewer.region_code
    return Q(agency_id__in=agencies_filed_with(c)) | Q(site_id__in=sites_in(c))


async def _jurisdiction_check(viewer: Viewer, i: Inspection) -> bool:
    c = viewer.region_code
    if i.site_id is not None and await Site.exists(id=i.site_id, region_id=c):
        return True
    return await filed_with(i.agency_id, c)


def _published(viewer: Viewer) -> Q:
    return Q(published=True)


async def _published_check(viewer: Viewer, obj: Inspection | Draw) -> bool:
    return bool(obj.published)


async def _own_or_published_check(viewer: Viewer, i: Inspection) -> bool:
    return bool(i.published) or (viewer.agency_id is not None and i.agency_id == viewer.agency_id)


def _city_or_published(viewer: Viewer) -> Q:
    return _published(viewer) | Q(authority_id=viewer.region_code) | _jurisdiction(viewer)


async def _city_or_published_check(viewer: Viewer, i: Inspection) -> bool:
    return (
        bool(i.published)
        or i.authority_id == viewer.region_code
        or await _jurisdiction_check(viewer, i)
    )


def _draw_published_or_city(viewer: Viewer) -> Q:
    return Q(published=True) | Q(authority_id=viewer.region_code)


async def _draw_published_or_city_check(viewer: Viewer, d: Draw) -> bool:
    return bool(d.published) or d.authority_id == viewer.region_code


SUPERVISION_SCOPES = (
    Scope("inspector_of_city", Inspector, _inspector_of_city, _inspector_of_city_check),
    Scope("inspection_city_jurisdiction", Inspection, _jurisdiction, _jurisdiction_check),
    Scope("inspection_published", Inspection, _published, _published_check),
    Scope(
        "inspection_own_or_published",
        Inspection,
        lambda v: Q(agency_id=v.agency_id) | _published(v),
        _own_or_published_check,
    ),
    Scope("inspection_city_or_published", Inspection, _city_or_published, _city_or_published_check),
    Scope("draw_published", Draw, _published, _published_check),
    Scope("draw_published_or_city", Draw, _draw_published_or_city, _draw_published_or_city_check),
)
