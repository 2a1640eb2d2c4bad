"""schema.graphql is generated from the code and keeps the public contract."""

from pathlib import Path

from graphql import build_schema, find_breaking_changes

from api.graphql.schema import schema

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT.parent / "shared" / "contract.graphql"
REGENERATE = "Regenerate it: strawberry export-schema api.graphql.schema:schema > schema.graphql"


def test_schema_graphql_is_what_the_code_exports() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed.strip() == schema.as_str().strip(), REGENERATE


def test_the_schema_contains_the_contract_without_breaking_changes() -> None:
    # The contract is vendored beside the code when the shared folder is absent.
    contract_path = CONTRACT if CONTRACT.exists() else ROOT / "tests" / "contract.graphql"
    contract = build_schema(contract_path.read_text())
    changes = find_breaking_changes(contract, build_schema(schema.as_str()))
    assert [f"{c.type.name}: {c.description}" for c in changes] == []


def test_the_vendored_contract_is_the_shared_one() -> None:
    if CONTRACT.exists():  # beside a checkout that has the shared folder
        assert (ROOT / "tests" / "contract.graphql").read_text() == CONTRACT.read_text()
