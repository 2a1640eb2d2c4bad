"""Keyset (seek) order of a list: the sort key of a row is its cursor, so a page
starts right after the previous page's last row whatever was inserted meanwhile, and
the database seeks with an index instead of counting past an OFFSET.

A cursor also names its list: a cursor of another list (even one sorted alike) is
refused rather than read as a position in this one.
"""

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q

from api.validation import has_control_characters

MAX_CURSOR_LENGTH = 1024

RowT = TypeVar("RowT")


class InvalidCursor(ValueError):
    """A cursor this ordering did not issue."""


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
    # Which list its cursors belong to.
    name: str
    keys: tuple[SortKey, ...]
    values: Callable[[RowT], tuple[Any, ...]]

    def named(self, name: str) -> "Ordering[RowT]":
        """The same order for another list (say, one nested in each customer)."""
        return replace(self, name=name)

    @property
    def order_by(self) -> list[str]:
        return [f"-{key.path}" if key.descending else key.path for key in self.keys]

    def cursor(self, row: RowT) -> str:
        values = [self.name, *(_to_json(value) for value in self.values(row))]
        raw = json.dumps(values, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, ...]:
        try:
            if len(cursor) > MAX_CURSOR_LENGTH:
                raise ValueError("too long")
            padded = cursor + "=" * (-len(cursor) % 4)
            raw = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if not isinstance(raw, list) or len(raw) != len(self.keys) + 1:
                raise ValueError("wrong shape")
            if raw[0] != self.name:
                raise ValueError("a cursor of another list")
            return tuple(key.parse(value) for key, value in zip(self.keys, raw[1:], strict=True))
        except (ValueError, TypeError, RecursionError, binascii.Error) as error:
            raise InvalidCursor(cursor) from error

    def after(self, values: tuple[Any, ...]) -> Q:
        """Rows strictly after `values` in this ordering."""
        alternatives = []
        for index, key in enumerate(self.keys):
            equal = {k.path: v for k, v in zip(self.keys[:index], values, strict=False)}
            beyond = {f"{key.path}__{'lt' if key.descending else 'gt'}": values[index]}
            alternatives.append(Q(**equal, **beyond))
        # Implied by the alternatives, but only this bound can start an index scan: the
        # OR alone makes PostgreSQL read every row before the cursor (19 ms, not 0.4,
        # halfway through 100,000 customers).
        first = self.keys[0]
        bound = Q(**{f"{first.path}__{'lte' if first.descending else 'gte'}": values[0]})
        return bound & Q(*alternatives, join_type="OR")

    def is_after(self, row: RowT, values: tuple[Any, ...]) -> bool:
        for key, mine, theirs in zip(self.keys, self.values(row), values, strict=True):
            if mine != theirs:
                return bool(mine < theirs) if key.descending else bool(mine > theirs)
        return False


def newest_first(name: str, timestamp: str) -> Ordering[Any]:
    """Newest first by a timestamp column, the id breaking ties."""
    return Ordering(
        name=name,
        keys=(
            SortKey(timestamp, descending=True, parse=parse_datetime),
            SortKey("id", descending=True, parse=parse_uuid),
        ),
        values=lambda row: (getattr(row, timestamp), row.id),
    )


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
