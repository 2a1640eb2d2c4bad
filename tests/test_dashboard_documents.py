"""Every GraphQL document the dashboard sends (all in `documents.js`) is valid against
`schema.graphql`, and asks each role only for what that role may read.

For each principal (a role on the partner's or the customer's side), the @include
variables are set as the dashboard sets them (`GUARDS`: each from the capability it
stands for). A document whose root fields the principal may not use is one its views
never send (they are gated by the same capabilities); in every other document, each
field and type the principal would be sent must be one its capabilities allow.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    build_schema,
    get_named_type,
    parse,
    validate,
)

from api.graphql.schema import schema
from api.permissions import Capability, Role
from tests.test_schema_permissions import (
    EVERYONE,
    EXCEPTIONS,
    Principal,
    guard_of,
    holders,
    required,
)

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "api/http/dashboard/static"
SOURCE = (STATIC / "documents.js").read_text(encoding="utf-8")

_CONSTANT = re.compile(r"^export const (\w+) = (?:`([^`]*)`|'([^']*)');$", re.M)
_GUARDS = re.compile(r"^export const GUARDS = \{(.*?)\};$", re.M | re.S)
_INTERPOLATION = re.compile(r"\$\{(\w+)\}")


def constants() -> dict[str, str]:
    """documents.js's string constants, interpolations resolved."""
    values: dict[str, str] = {}
    for name, template, plain in _CONSTANT.findall(SOURCE):
        used = _INTERPOLATION.findall(template or plain)
        assert set(used) <= values.keys(), f"{name} uses a constant before it is defined"
        values[name] = _INTERPOLATION.sub(lambda match: values[match.group(1)], template or plain)
    return values


def guards() -> dict[str, Capability]:
    match = _GUARDS.search(SOURCE)
    assert match, "documents.js declares GUARDS"
    pairs = re.findall(r"(\w+): '(\w+)'", match.group(1))
    return {variable: Capability[capability] for variable, capability in pairs}


DOCUMENTS = {
    name: text
    for name, text in constants().items()
    if re.match(r"\s*(query|mutation|subscription)\b", text)
}
PUBLISHED = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))


def test_documents_js_holds_only_what_this_test_can_read() -> None:
    """Every `export` of documents.js is a plain string constant or GUARDS, so that the
    checks below see every document."""
    exports = re.findall(r"^export .*$", SOURCE, re.M)
    assert len(exports) == len(constants()) + 1, exports
    assert len(DOCUMENTS) >= 20


def test_no_view_writes_a_document_of_its_own() -> None:
    """Documents live in documents.js only: a view that wrote one here would escape the
    checks."""
    written = re.compile(r"`\s*(query|mutation|subscription)\b")
    elsewhere = [
        str(path.relative_to(STATIC))
        for path in STATIC.rglob("*.js")
        if path.name != "documents.js"
        and not {"vendor", "graphiql"} & set(path.relative_to(STATIC).parts)
        and written.search(path.read_text(encoding="utf-8"))
    ]
    assert elsewhere == []


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_is_valid_against_the_published_schema(name: str) -> None:
    errors = validate(PUBLISHED, parse(DOCUMENTS[name]))
    assert [error.message for error in errors] == []


def _included(node: FieldNode | InlineFragmentNode, variables: dict[str, bool]) -> bool:
    for directive in node.directives or ():
        if directive.name.value not in ("include", "skip"):
            continue
        argument = directive.arguments[0].value
        value = (
            variables[argument.name.value]
            if isinstance(argument, VariableNode)
            else getattr(argument, "value", True)
        )
        if (directive.name.value == "include") != bool(value):
            return False
    return True


Need = tuple[str, Capability, bool]  # (where, capability, whether it gates the document)
Parent = GraphQLObjectType | GraphQLInterfaceType


def _needs(
    selections: SelectionSetNode, parent: Parent, variables: dict[str, bool], path: str, gate: bool
) -> Iterator[Need]:
    """What reading `selections` needs. The root fields gate the document, and so do
    the types a root field returning an interface is asked about (`node(id:) { ... on
    Invitation }`)."""
    for selection in selections.selections:
        if not isinstance(selection, FieldNode | InlineFragmentNode):
            raise AssertionError(f"{path}: the dashboard writes no fragment spreads")
        if not _included(selection, variables):
            continue
        if isinstance(selection, InlineFragmentNode):
            assert selection.type_condition is not None
            target = schema._schema.get_type(selection.type_condition.name.value)
            assert isinstance(target, GraphQLObjectType)
            where = f"{path} on {target.name}"
            if (capability := required(target)) is not None:
                yield where, capability, gate
            yield from _needs(selection.selection_set, target, variables, where, False)
            continue
        name = selection.name.value
        if name == "__typename" or f"{parent.name}.{name}" in EXCEPTIONS:
            continue
        field = parent.fields[name]
        where = f"{path}.{name}" if path else name
        if (guard := guard_of(field)) is not None:
            yield where, guard, gate
        target = get_named_type(field.type)
        if isinstance(target, GraphQLObjectType) and (capability := required(target)) is not None:
            yield where, capability, gate
        if selection.selection_set is not None:
            assert isinstance(target, GraphQLObjectType | GraphQLInterfaceType)
            below_gates = gate and isinstance(target, GraphQLInterfaceType)
            yield from _needs(selection.selection_set, target, variables, where, below_gates)


def needs(document: DocumentNode, principal: Principal) -> list[Need]:
    variables = {
        variable: principal in holders(capability) for variable, capability in guards().items()
    }
    found: list[Need] = []
    for operation in document.definitions:
        assert isinstance(operation, OperationDefinitionNode)
        for variable in operation.variable_definitions or ():
            # Booleans that are no capability's (the partner's kind): the most asked.
            variables.setdefault(variable.variable.name.value, True)
        root = schema._schema.get_root_type(operation.operation)
        assert root is not None
        found += _needs(operation.selection_set, root, variables, "", True)
    return found


def refused(name: str, principal: Principal) -> list[str] | None:
    """What `principal` would be sent and may not read; None where the document is not
    one its views send (a root field or root type it may not use)."""
    wanted = needs(parse(DOCUMENTS[name]), principal)
    if any(gate and principal not in holders(capability) for _, capability, gate in wanted):
        return None
    return sorted(
        {
            f"{where} needs {capability.name}"
            for where, capability, _ in wanted
            if principal not in holders(capability)
        }
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_asks_each_role_only_for_what_it_may_read(name: str) -> None:
    sent_by = {principal: refused(name, principal) for principal in sorted(EVERYONE)}
    assert any(problems is not None for problems in sent_by.values()), f"no role sends {name}"
    assert {
        f"{side} {role.value}": problems for (side, role), problems in sent_by.items() if problems
    } == {}


def test_the_check_finds_a_field_asked_for_without_its_guard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check can fail: billing profiles asked for without @include(if: $billing)."""
    unguarded = (
        "query { customers(first: 1) { edges { node { billingProfile { contactEmail } } } } }"
    )
    monkeypatch.setitem(DOCUMENTS, "UNGUARDED", unguarded)
    assert refused("UNGUARDED", ("partner", Role.HELPDESK_AGENT)) == [
        "customers.edges.node.billingProfile needs VIEW_BILLING_PROFILE"
    ]
    assert refused("UNGUARDED", ("partner", Role.BILLING_ADMIN)) == []
