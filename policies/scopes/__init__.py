"""Scope names -> (SQL filter, single-object check). Tests hold the two to each other."""

from policies.scopes.agency import AGENCY_SCOPES
from policies.scopes.announcement import ANNOUNCEMENT_SCOPES
from policies.scopes.audit import AUDIT_SCOPES
from policies.scopes.base import ALL, NONE, Scope
from policies.scopes.filing import FILING_SCOPES
from policies.scopes.sanction import SANCTION_SCOPES
from policies.scopes.site import SITE_SCOPES
from policies.scopes.supervision import SUPERVISION_SCOPES

SCOPES: dict[str, Scope] = {
    s.name: s
    for s in (
        ALL,
        NONE,
        *AGENCY_SCOPES,
        *SITE_SCOPES,
        *FILING_SCOPES,
        *SANCTION_SCOPES,
        *AUDIT_SCOPES,
        *ANNOUNCEMENT_SCOPES,
        *SUPERVISION_SCOPES,
    )
}

__all__ = ["SCOPES", "Scope", "ALL", "NONE"]
