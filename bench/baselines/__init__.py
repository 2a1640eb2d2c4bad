def page_queries(template: str) -> dict[tuple[bool, bool], str]:
    """A page query for each (after a cursor?, searching?): `template` has `{after}` and
    `{search}` where their conditions go; $1 and $2 are the partner and the limit."""

    def query(after: bool, search: bool) -> str:
        return template.format(
            after="AND (c.company_name, c.id) > ($3, $4::uuid)" if after else "",
            search=f"AND c.search_text LIKE ${5 if after else 3} ESCAPE '\\'" if search else "",
        )

    return {(a, s): query(a, s) for a in (False, True) for s in (False, True)}
