"""Audit-trail scope: a city sees events about records in its jurisdiction (DESIGN §6)."""

from __future__ import annotations

from tortoise.expressions import Q

from models.audit import AuditEvent
from policies.scopes.base import Scope
from policies.scopes.jurisdiction import agencies_filed_with, filed_with
from policies.viewer import Viewer


def _city(viewer: Viewer) -> Q:
    """Events placed in the city (its sites, inspections, notices, inspectors) and events about
    the agencies filed with it. A provincial agency that operates in the city is seen there
    through its events in the city, not through those about its records elsewhere."""
    c = viewer.region_code
    return Q(region_id=c) | Q(agency_id__in=agencies_filed_with(c))


async def _city_check(viewer: Viewer, e: AuditEvent) -> bool:
    c = viewer.region_code
    if e.region_id == c:
        return True
    return e.agency_id is not None and await filed_with(e.agency_id, c)


AUDIT_SCOPES = (Scope("audit_city", AuditEvent, _city, _city_check),)
