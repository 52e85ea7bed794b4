"""Relay connections with keyset cursors on the primary key.

Rows are ordered by id and a page continues after the last id seen, so rows inserted between
two page requests never shift or repeat what the client already has.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
)
from tortoise.queryset import QuerySet

from schema.core.ids import decode_cursor, encode_cursor

MAX_PAGE = 100
DEFAULT_PAGE = 20

N = TypeVar("N")


@strawberry.type
class PageInfo:
    has_next_page: bool
    last_pk: strawberry.Private[int | None]

    @strawberry.field
    def end_cursor(self) -> str | None:
        return None if self.last_pk is None else encode_cursor(self.last_pk)


@strawberry.type
class Edge(Generic[N]):
    node: N
    pk: strawberry.Private[int]

    # Encoded only when asked for: most pages never read their edges' cursors.
    @strawberry.field
    def cursor(self) -> str:
        return encode_cursor(self.pk)


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo
    # A nested page knows its total already; a root page counts in SQL only when asked.
    total: strawberry.Private[int | None]
    count: strawberry.Private[Callable[[], Awaitable[int]] | None] = None

    @strawberry.field(
        graphql_type=int, description="All rows matching the filter that the viewer may see."
    )
    def total_count(self) -> int | Awaitable[int]:
        # A plain value when known, so the common nested case costs no task of its own.
        if self.total is not None:
            return self.total
        assert self.count is not None
        return self.count()


def _asks_for_rows(
    selection_set: SelectionSetNode | None, fragments: dict[str, FragmentDefinitionNode]
) -> bool:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            if selection.name.value not in ("totalCount", "__typename"):
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _asks_for_rows(selection.selection_set, fragments):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is None or _asks_for_rows(fragment.selection_set, fragments):
                return True
    return False


def only_total_count(info: GraphQLResolveInfo[Any]) -> bool:
    """Look-ahead: whether a connection field selects nothing but `totalCount`, so its rows need
    not be read, only counted. It walks the connection's own selection only, so it is cheap to ask
    once per parent."""
    return not any(_asks_for_rows(node.selection_set, info.fragments) for node in info.field_nodes)


def page_args(first: int | None, after: str | None) -> tuple[int, int | None]:
    size = DEFAULT_PAGE if first is None else first
    if size < 0 or size > MAX_PAGE:
        raise GraphQLError(
            f"`first` must be between 0 and {MAX_PAGE}", extensions={"code": "BAD_USER_INPUT"}
        )
    return size, (decode_cursor(after) if after else None)


def build(
    rows: Sequence[Any],
    size: int,
    wrap: Callable[[Any], N],
    *,
    total: int | None = None,
    count: Callable[[], Awaitable[int]] | None = None,
) -> Connection[N]:
    """`rows` holds up to size + 1 rows in id order; the extra one only signals a next page."""
    page = rows[:size]
    edges = [Edge(node=wrap(r), pk=r.id) for r in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > size, last_pk=page[-1].id if page else None),
        total=total,
        count=count,
    )


def counted(total: int) -> Connection[Any]:
    """A nested connection of which only `totalCount` was selected: no rows were read."""
    return Connection(
        edges=[], page_info=PageInfo(has_next_page=total > 0, last_pk=None), total=total
    )


async def paginate(
    qs: QuerySet[Any], first: int | None, after: str | None, wrap: Callable[[Any], N]
) -> Connection[N]:
    """A root connection: one statement for the page, one more only if totalCount is asked."""
    size, after_pk = page_args(first, after)
    page_qs = qs.filter(id__gt=after_pk) if after_pk is not None else qs
    rows = await page_qs.order_by("id").limit(size + 1) if size else []

    async def count() -> int:
        return await qs.count()

    return build(rows, size, wrap, count=count)


def slice_page(
    rows: Sequence[Any], first: int | None, after: str | None, wrap: Callable[[Any], N]
) -> Connection[N]:
    """A nested connection over rows a loader already fetched (in scope, id order) in one batch."""
    size, after_pk = page_args(first, after)
    remaining = rows if after_pk is None else [r for r in rows if r.id > after_pk]
    return build(remaining[: size + 1], size, wrap, total=len(rows))
