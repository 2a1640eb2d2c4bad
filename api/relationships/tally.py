"""What one sync did, counted, and the reading of one page of what Microsoft listed."""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from api.errors import UserInputError

# What a malformed item raises when read (AttributeError: an object that is not one):
# it is counted as failed, the page goes on.
UNREADABLE = (AttributeError, KeyError, TypeError, ValueError, UserInputError)

T = TypeVar("T")


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    flagged: int = 0

    def __iadd__(self, other: "Tally") -> "Tally":
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def read_page(
    items: list[dict[str, Any]], read: Callable[[dict[str, Any]], T], key: Callable[[T], Hashable]
) -> tuple[list[T], int]:
    """The page's items that read (the last of any listed twice), and how many did not."""
    read_items: dict[Hashable, T] = {}
    failed = 0
    for item in items:
        try:
            value = read(item)
        except UNREADABLE:
            failed += 1
            continue
        read_items[key(value)] = value
    return list(read_items.values()), failed
