"""Audit-trail scope: a city sees events about records in its jurisdiction (DESIGN §6)."""

from __future__ import annotations

from tortoise.expressions import Q, Subquery

from models.agency import Agency
from models.audit import AuditEvent
from policies.scopes.base import Scope
from policies.scopes.jurisdiction import filed_with, operates_in, operates_in_q
from policies.viewer import Viewer


def _city(viewer: Viewer) -> Q:
    c = viewer.region_code
    in_city = Agency.filter(Q(filing_region_id=c) | operates_in_q(c)).values("id")
    return Q(region_id=c) | Q(agency_id__in=Subquery(in_city))


async def _city_check(viewer: Viewer, e: AuditEvent) -> bool:
    c = viewer.region_code
    if e.region_id == c:
        return True
    if e.agency_id is None:
        return False
    return await filed_with(e.agency_id, c) or await operates_in(e.agency_id, c)


AUDIT_SCOPES = (Scope("audit_city", _city, _city_check),)
