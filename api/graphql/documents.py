"""Checks of a GraphQL document before it is validated: what it may ask for, and
which of its operations to run.

graphql-core's validation, and strawberry's own depth and alias limiters, walk a
fragment again for every spread of it: a document of 650 bytes whose fragments each
spread the next one ten times over expands to ten million fields and keeps the
process busy for minutes. Here each fragment is measured once and remembered, so
measuring costs time linear in the document's size; a document over a limit gets a
clear error and never reaches validation or execution.

Clients send the same few documents over and over (the dashboard's, an integration's),
so each distinct document is parsed, checked and validated once: the verdict is kept,
keyed by the text as sent, in a bounded LRU of documents up to a bounded length.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

MAX_DEPTH = 10
MAX_ALIASES = 15
# Fields once every fragment spread is replaced by its fragment: what validation and
# execution walk. The dashboard's largest document selects about 80; GraphiQL's
# introspection query about 300.
MAX_FIELDS = 2000
# Fields of one selection set under the same name (an alias or the field's name),
# through its fragments too: validation compares each pair of them, so their cost
# grows with the square of their number.
MAX_REPEATS = 20
# What is remembered: at most this many documents of at most this many characters
# (about 16 MiB of text and its trees, whatever is sent).
CACHED_DOCUMENTS = 512
CACHEABLE_LENGTH = 32_768


@dataclass(frozen=True)
class Size:
    """A selection set's size with its fragments expanded."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    repeats: int = 0

    def __add__(self, other: "Size") -> "Size":
        return Size(
            depth=max(self.depth, other.depth),
            aliases=self.aliases + other.aliases,
            fields=self.fields + other.fields,
            repeats=max(self.repeats, other.repeats),
        )


@dataclass
class _Level:
    """A selection set measured: its size, and how often each response name occurs
    at its own level (fields of inline fragments and spread fragments included)."""

    size: Size = field(default_factory=Size)
    names: Counter[str] = field(default_factory=Counter)


class _Meter:
    def __init__(self, document: DocumentNode) -> None:
        self._fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self._levels: dict[str, _Level] = {}
        self._measuring: set[str] = set()

    def fragment(self, name: str) -> _Level:
        known = self._levels.get(name)
        if known is not None:
            return known
        definition = self._fragments.get(name)
        if definition is None or name in self._measuring:
            # Unknown fragments and cycles are validation errors of their own.
            return _Level()
        self._measuring.add(name)
        level = self._levels[name] = self._level(definition.selection_set)
        self._measuring.discard(name)
        return level

    def selection_set(self, selection_set: SelectionSetNode | None) -> Size:
        """The size of a selection set that is not itself part of a larger level."""
        level = self._level(selection_set)
        repeats = max(level.names.values(), default=0)
        return level.size + Size(repeats=repeats)

    def _level(self, selection_set: SelectionSetNode | None) -> _Level:
        level = _Level()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                level.size += self._field(selection)
                level.names[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, (InlineFragmentNode, FragmentSpreadNode)):
                inner = (
                    self._level(selection.selection_set)
                    if isinstance(selection, InlineFragmentNode)
                    else self.fragment(selection.name.value)
                )
                level.size += inner.size
                level.names.update(inner.names)
        return level

    def _field(self, field: FieldNode) -> Size:
        inner = self.selection_set(field.selection_set)
        # Like strawberry's limiter: a leaf adds no depth, nor does introspection
        # (GraphiQL's schema query is deeper than any of ours).
        nests = field.selection_set is not None and not field.name.value.startswith("__")
        return Size(
            depth=inner.depth + 1 if nests else 0,
            aliases=inner.aliases + (1 if field.alias else 0),
            fields=inner.fields + 1,
            repeats=inner.repeats,
        )


def measure(document: DocumentNode) -> Size:
    """The whole document: its operations, and its fragments as validation sees them
    (each on its own, used or not)."""
    meter = _Meter(document)
    total = Size()
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            total += meter.selection_set(definition.selection_set)
        elif isinstance(definition, FragmentDefinitionNode):
            level = meter.fragment(definition.name.value)
            # A fragment's aliases and depth count where it is spread.
            repeats = max(level.names.values(), default=0)
            total += Size(fields=level.size.fields, repeats=repeats)
    return total


def problems(size: Size) -> list[str]:
    found = []
    if size.fields > MAX_FIELDS:
        found.append(
            f"The query is too large: it selects {size.fields} fields once its fragments "
            f"are expanded, and at most {MAX_FIELDS} are allowed."
        )
    if size.depth > MAX_DEPTH:
        found.append(
            f"The query's depth is {size.depth} levels of nested fields; at most "
            f"{MAX_DEPTH} are allowed."
        )
    if size.repeats > MAX_REPEATS:
        found.append(
            f"The query selects one field {size.repeats} times in the same place; at most "
            f"{MAX_REPEATS} are allowed."
        )
    if size.aliases > MAX_ALIASES:
        found.append(f"The query uses {size.aliases} aliases; at most {MAX_ALIASES} are allowed.")
    return found


def ambiguity(document: DocumentNode, operation_name: str | None) -> str | None:
    """The GraphQL spec requires a name to pick one of several operations."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None and len(operations) > 1:
        return (
            f"The query holds {len(operations)} operations: give the operation name of the "
            "one to run."
        )
    return None


def verdict(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    rules: tuple[type[ASTValidationRule], ...],
) -> list[GraphQLError]:
    """Why the document may not run: the first limit it breaks (a fan-out breaks several
    at once), else graphql-core's validation errors; empty when it may."""
    found = [*problems(measure(document)), ambiguity(document, operation_name)]
    message = next((problem for problem in found if problem), None)
    if message is not None:
        return [GraphQLError(message, extensions={"code": "INVALID"})]
    return validate_document(schema, document, rules)


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _parsed(query: str, parse_options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    return parse(query, **dict(parse_options))


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _remembered_verdict(
    schema: GraphQLSchema,
    query: str,
    parse_options: tuple[tuple[str, Any], ...],
    operation_name: str | None,
    rules: tuple[type[ASTValidationRule], ...],
) -> tuple[GraphQLError, ...]:
    return tuple(verdict(schema, _parsed(query, parse_options), operation_name, rules))


class DocumentChecks(SchemaExtension):
    """Parses, checks and validates a document, remembering the outcome for the next
    time the same text comes. Strawberry parses and validates only what an extension
    has not: a document is set here, and the errors (none, for a valid one)."""

    _cached: tuple[str, tuple[tuple[str, Any], ...]] | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if context.graphql_document is None and query and len(query) <= CACHEABLE_LENGTH:
            key = query, tuple(sorted(context.parse_options.items()))
            try:
                context.graphql_document = _parsed(*key)
                self._cached = key
            except GraphQLError:
                pass  # strawberry parses it again and answers with the syntax error
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            # `operation_name` falls back to the first operation's: ask what was sent.
            named = context._provided_operation_name
            rules = tuple(context.validation_rules)
            if self._cached is not None:
                # A copy: extensions after this one may edit the list in place.
                cached = _remembered_verdict(context.schema._schema, *self._cached, named, rules)
                context.pre_execution_errors = list(cached)
            else:
                context.pre_execution_errors = verdict(
                    context.schema._schema, document, named, rules
                )
        yield
