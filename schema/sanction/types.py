"""Sanction (违规处理, Art. 21-23) as the API shows it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from models.sanction import Sanction as SanctionRow
from schema.core.context import Info
from schema.core.enums import CertificateInvalidation, SanctionGrade, SanctionStatus
from schema.core.ids import to_global_id
from schema.core.loaders import scoped_by_id
from schema.node.types import Node
from schema.region.types import Region, region_of

if TYPE_CHECKING:
    from schema.agency.types import Agency

AgencyT = Annotated["Agency", strawberry.lazy("schema.agency.types")]


@strawberry.type
class Sanction(Node):
    article: int
    clause: int
    grade: SanctionGrade
    status: SanctionStatus
    facts: str
    serious: bool
    certificates_invalidated: CertificateInvalidation
    decided_at: date | None
    published: bool
    rectification_deadline: date | None
    rectified_at: date | None
    row: strawberry.Private[SanctionRow]

    @classmethod
    def from_row(cls, row: SanctionRow) -> Sanction:
        return cls(
            id=strawberry.ID(to_global_id("Sanction", row.id)),
            article=row.article,
            clause=row.clause,
            grade=row.grade,
            status=row.status,
            facts=row.facts,
            serious=row.serious,
            certificates_invalidated=row.certificates_invalidated,
            decided_at=row.decided_at,
            published=row.published,
            rectification_deadline=row.rectification_deadline,
            rectified_at=row.rectified_at,
            row=row,
        )

    @strawberry.field
    async def agency(self, info: Info) -> AgencyT | None:
        from schema.agency.types import load_agency

        return await load_agency(info, self.row.agency_id)

    @strawberry.field
    def authority(self) -> Region:
        return region_of(self.row.authority_id)

    @strawberry.field(description="The earlier sanction this one escalates (Art. 22.1, 23.1).")
    async def escalated_from(self, info: Info) -> Sanction | None:
        return await load_sanction(info, self.row.escalated_from_id)


async def load_sanction(info: Info, pk: int | None) -> Sanction | None:
    if pk is None:
        return None
    row = await scoped_by_id(info.context, SanctionRow).load(pk)
    return Sanction.from_row(row) if row else None
