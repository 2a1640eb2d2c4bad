"""What a query asks for below the field being resolved, read before resolving it, so a
list can load at once what each of its items will show."""

from collections.abc import Iterable, Iterator

from strawberry.types.nodes import SelectedField, Selection

from api.graphql.context import Info


def selected(info: Info, *path: str) -> set[str]:
    """The names of the fields selected at `path` below the current field, through its
    fragments: `selected(info, "edges", "node")` on a connection field."""
    level: list[SelectedField] = list(_fields(info.selected_fields))
    for name in path:
        level = [
            child for field in level for child in _fields(field.selections) if child.name == name
        ]
    return {child.name for field in level for child in _fields(field.selections)}


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:  # a fragment, spread or inline
            yield from _fields(selection.selections)
