"""docs/behaviour.md's table of who may do what is generated from the permission table
(`api/permissions.py`) and the guards of the schema, and kept in step with them."""

from api.devtools import permission_table
from api.permissions import CUSTOMER_PERMISSIONS, PARTNER_PERMISSIONS, Capability, Role

REGENERATE = "Regenerate it: .venv/bin/python -m api.devtools.permission_table"


def test_the_table_in_the_docs_is_what_the_permission_table_generates() -> None:
    committed = permission_table.DOCUMENT.read_text()
    assert permission_table.with_table(committed) == committed, REGENERATE


def rows() -> dict[str, list[str]]:
    """The generated table's rows by their first cell, the cells stripped."""
    lines = permission_table.table().splitlines()
    return {
        cells[0]: cells
        for cells in ([cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:])
    }


def test_every_capability_has_a_row_marking_exactly_the_roles_holding_it() -> None:
    header = permission_table.table().splitlines()[0]
    assert [role.value for role in Role] == [
        cell.strip(" `") for cell in header.strip("|").split("|")[2:]
    ]
    table = rows()
    assert len(table) == len(Capability)
    for capability in Capability:
        holders = PARTNER_PERMISSIONS.get(capability) or CUSTOMER_PERMISSIONS[capability]
        [row] = [cells for first, cells in table.items() if first.startswith(capability.value)]
        assert [cell == "yes" for cell in row[2:]] == [role in holders for role in Role]


def test_each_row_names_the_fields_its_capability_guards() -> None:
    table = rows()
    assert "`placeOrder`" in table["place orders"][1]
    assert "`Customer.orders`" in table["place orders"][1]
    assert table["accept invitations"][1] == "`acceptInvitation`"


def test_a_table_out_of_step_is_replaced_and_the_text_around_it_kept() -> None:
    start, end = permission_table.START, permission_table.END
    stale = f"before\n{start}\n| an old table |\n{end}\nafter\n"
    assert permission_table.with_table(stale) == (
        f"before\n{start}\n{permission_table.table()}{end}\nafter\n"
    )
