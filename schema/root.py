"""The assembled schema: root types merged from the nouns, errors masked, SDL exported."""

from __future__ import annotations

from pathlib import Path

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from schema.agency.mutations import AgencyMutations, UpgradeMutations
from schema.agency.queries import AgencyQueries
from schema.announcement.queries import AnnouncementQueries
from schema.audit.queries import AuditQueries
from schema.calendar.mutations import CalendarMutations
from schema.core.errors import InvalidInput, NotFound, RuleViolation
from schema.core.limits import MAX_BATCH_CEILING, EnforceLimits
from schema.core.masking import MaskUnexpectedErrors
from schema.draw.mutations import DrawMutations
from schema.draw.queries import DrawQueries
from schema.filing.mutations import FilingMutations
from schema.filing.queries import FilingQueries
from schema.inspection.mutations import InspectionMutations
from schema.inspection.queries import InspectionQueries
from schema.inspector.mutations import InspectorMutations
from schema.inspector.queries import InspectorQueries
from schema.node.queries import NodeQueries
from schema.region.queries import RegionQueries
from schema.sanction.mutations import SanctionMutations
from schema.sanction.queries import SanctionQueries
from schema.site.mutations import SiteMutations
from schema.site.queries import SiteQueries
from schema.viewer.queries import ViewerQueries

SDL_PATH = Path(__file__).with_name("schema.graphql")

Query = merge_types(
    "Query",
    (
        ViewerQueries,
        RegionQueries,
        NodeQueries,
        AgencyQueries,
        SiteQueries,
        FilingQueries,
        SanctionQueries,
        InspectionQueries,
        InspectorQueries,
        DrawQueries,
        AnnouncementQueries,
        AuditQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AgencyMutations,
        SiteMutations,
        FilingMutations,
        SanctionMutations,
        InspectorMutations,
        InspectionMutations,
        DrawMutations,
        UpgradeMutations,
        CalendarMutations,
    ),
)


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[RuleViolation, InvalidInput, NotFound],
        extensions=[EnforceLimits, MaskUnexpectedErrors],
        config=StrawberryConfig(batching_config={"max_operations": MAX_BATCH_CEILING}),
    )


schema = build_schema()


def sdl() -> str:
    return schema.as_str() + "\n"
