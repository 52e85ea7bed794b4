"""Relay connections with keyset cursors on the primary key.

Rows are ordered by id and a page continues after the last id seen, so rows inserted between
two page requests never shift or repeat what the client already has.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from tortoise.queryset import QuerySet

from schema.ids import decode_cursor, encode_cursor

MAX_PAGE = 100
DEFAULT_PAGE = 20

N = TypeVar("N")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="All rows matching the filter that the viewer may see.")
    async def total_count(self) -> int:
        return await self.count()


def page_args(first: int | None, after: str | None) -> tuple[int, int | None]:
    size = DEFAULT_PAGE if first is None else first
    if size < 0 or size > MAX_PAGE:
        raise GraphQLError(
            f"`first` must be between 0 and {MAX_PAGE}", extensions={"code": "BAD_USER_INPUT"}
        )
    return size, (decode_cursor(after) if after else None)


def build(rows: Sequence[Any], size: int, wrap: Callable[[Any], N],
          count: Callable[[], Awaitable[int]]) -> Connection[N]:
    """`rows` holds up to size + 1 rows in id order; the extra one only signals a next page."""
    page = list(rows[:size])
    edges = [Edge(cursor=encode_cursor(r.id), node=wrap(r)) for r in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > size,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=count,
    )


async def paginate(qs: QuerySet[Any], first: int | None, after: str | None,
                   wrap: Callable[[Any], N]) -> Connection[N]:
    """A root connection: one statement for the page, one more only if totalCount is asked."""
    size, after_pk = page_args(first, after)
    page_qs = qs.filter(id__gt=after_pk) if after_pk is not None else qs
    rows = await page_qs.order_by("id").limit(size + 1) if size else []

    async def count() -> int:
        return await qs.count()

    return build(rows, size, wrap, count)


def slice_page(rows: Sequence[Any], first: int | None, after: str | None,
               wrap: Callable[[Any], N]) -> Connection[N]:
    """A nested connection over rows a loader already fetched (in scope, id order) in one batch."""
    size, after_pk = page_args(first, after)
    remaining = [r for r in rows if after_pk is None or r.id > after_pk]
    total = len(rows)

    async def count() -> int:
        return total

    return build(remaining[: size + 1], size, wrap, count)
