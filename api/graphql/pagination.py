"""Relay connections over keyset-ordered lists (`api.db.keyset`): one SELECT per page,
a COUNT only when `totalCount` is asked for."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from tortoise.models import Model
from tortoise.queryset import QuerySet

from api.db.keyset import InvalidCursor, Ordering
from api.graphql.errors import ErrorCode, api_error

MAX_PAGE_SIZE = 100

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")
ModelT = TypeVar("ModelT", bound=Model)


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    _count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field
    async def total_count(self) -> int:
        # Only counted when asked for.
        return await self._count()


def decode(ordering: Ordering[RowT], after: str) -> tuple[object, ...]:
    try:
        return ordering.decode(after)
    except InvalidCursor as error:
        raise api_error(
            "This is not a cursor of this list: start again from the first page.",
            ErrorCode.INVALID,
            field=["after"],
        ) from error


def check_first(first: int) -> None:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise api_error(
            f"The page size must be between 0 and {MAX_PAGE_SIZE}.",
            ErrorCode.INVALID,
            field=["first"],
        )


def _connection(
    rows: Sequence[RowT],
    first: int,
    after: str | None,
    ordering: Ordering[RowT],
    to_node: Callable[[RowT], NodeT],
    count: Callable[[], Awaitable[int]],
) -> Connection[NodeT]:
    page = rows[:first]
    edges = [Edge(cursor=ordering.cursor(row), node=to_node(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        _count=count,
    )


async def paginate(
    query: QuerySet[ModelT],
    ordering: Ordering[ModelT],
    *,
    first: int,
    after: str | None,
    to_node: Callable[[ModelT], NodeT],
) -> Connection[NodeT]:
    """One page of `query` (one SELECT; a COUNT only if `totalCount` is asked for)."""
    check_first(first)
    page_query = query
    if after is not None:
        page_query = page_query.filter(ordering.after(decode(ordering, after)))
    rows = await page_query.order_by(*ordering.order_by).limit(first + 1)

    async def count() -> int:
        return await query.count()

    return _connection(rows, first, after, ordering, to_node, count)


def paginate_loaded(
    rows: Sequence[RowT],
    ordering: Ordering[RowT],
    *,
    first: int,
    after: str | None,
    to_node: Callable[[RowT], NodeT],
) -> Connection[NodeT]:
    """The same page over rows already loaded in `ordering` (a nested list fetched
    for many parents by one DataLoader query)."""
    check_first(first)
    remaining: Sequence[RowT] = rows
    if after is not None:
        values = decode(ordering, after)
        remaining = [row for row in rows if ordering.is_after(row, values)]

    async def count() -> int:
        return len(rows)

    return _connection(remaining[: first + 1], first, after, ordering, to_node, count)
