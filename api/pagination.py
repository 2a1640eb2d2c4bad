"""Relay connections with keyset (seek) pagination.

A cursor is the sort key of its row, so a page starts right after the previous
page's last row whatever was inserted meanwhile, and the database seeks with an
index instead of counting past an OFFSET.
"""

import base64
import binascii
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from api.errors import ErrorCode, api_error
from api.validation import has_control_characters

MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 1024

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


@dataclass(frozen=True)
class SortKey:
    """One column of a keyset: its ORM path, its direction, and how it reads back."""

    path: str
    descending: bool = False
    parse: Callable[[Any], Any] = lambda value: parse_text(value)


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


@dataclass(frozen=True)
class Ordering(Generic[RowT]):
    keys: tuple[SortKey, ...]
    values: Callable[[RowT], tuple[Any, ...]]

    @property
    def order_by(self) -> list[str]:
        return [f"-{key.path}" if key.descending else key.path for key in self.keys]

    def cursor(self, row: RowT) -> str:
        raw = json.dumps([_to_json(value) for value in self.values(row)], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, ...]:
        try:
            if len(cursor) > MAX_CURSOR_LENGTH:
                raise ValueError("too long")
            padded = cursor + "=" * (-len(cursor) % 4)
            raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if not isinstance(raw, list) or len(raw) != len(self.keys):
                raise ValueError("wrong shape")
            return tuple(key.parse(value) for key, value in zip(self.keys, raw, strict=True))
        except (ValueError, TypeError, RecursionError, binascii.Error) as error:
            raise api_error(
                "`after` is not a cursor of this list.", ErrorCode.INVALID, field="after"
            ) from error

    def after(self, values: tuple[Any, ...]) -> Q:
        """Rows strictly after `values` in this ordering."""
        alternatives = []
        for index, key in enumerate(self.keys):
            equal = {k.path: v for k, v in zip(self.keys[:index], values, strict=False)}
            beyond = {f"{key.path}__{'lt' if key.descending else 'gt'}": values[index]}
            alternatives.append(Q(**equal, **beyond))
        return Q(*alternatives, join_type="OR")

    def is_after(self, row: RowT, values: tuple[Any, ...]) -> bool:
        for key, mine, theirs in zip(self.keys, self.values(row), values, strict=True):
            if mine != theirs:
                return bool(mine < theirs) if key.descending else bool(mine > theirs)
        return False


def newest_first(timestamp: str) -> Ordering[Any]:
    """Newest first by a timestamp column, the id breaking ties."""
    return Ordering(
        keys=(
            SortKey(timestamp, descending=True, parse=parse_datetime),
            SortKey("id", descending=True, parse=parse_uuid),
        ),
        values=lambda row: (getattr(row, timestamp), row.id),
    )


def check_first(first: int) -> None:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise api_error(
            f"`first` must be between 0 and {MAX_PAGE_SIZE}.", ErrorCode.INVALID, field="first"
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
        page_query = page_query.filter(ordering.after(ordering.decode(after)))
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
        values = ordering.decode(after)
        remaining = [row for row in rows if ordering.is_after(row, values)]

    async def count() -> int:
        return len(rows)

    return _connection(remaining[: first + 1], first, after, ordering, to_node, count)


def parse_text(value: Any) -> str:
    if not isinstance(value, str) or has_control_characters(value):
        raise ValueError("not text")
    return value


def parse_datetime(value: Any) -> datetime:
    parsed = datetime.fromisoformat(parse_text(value))
    if parsed.tzinfo is None:  # every stored time is aware; a naive one cannot compare
        raise ValueError("no time zone")
    return parsed


def parse_uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(parse_text(value))
