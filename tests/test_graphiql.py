"""GraphiQL at GET /graphql needs no internet: every asset comes from the package,
each the very file its integrity attribute names."""

import base64
import hashlib
import re

import httpx


async def test_the_page_loads_nothing_from_elsewhere(http: httpx.AsyncClient) -> None:
    page = (await http.get("/graphql", headers={"Accept": "text/html"})).text
    assert not re.search(r"""(src|href)=["']https?://""", page), "an asset from another host"
    assets = re.findall(r"""(?:src|href)="(/static/graphiql/[^"]+)"\s+integrity="([^"]+)\"""", page)
    assert len(assets) == 7
    for path, integrity in assets:
        response = await http.get(path)
        assert response.status_code == 200, path
        digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
        assert integrity == f"sha384-{digest}", path
