"""Logs for operators: one JSON object a line with the request id, and never an
invitation token (the whole run's log is checked for secrets in conftest)."""

import io
import json
import logging

import httpx
from pythonjsonlogger.json import JsonFormatter

from api import logs
from api.logs import request_id_var
from tests.conftest import LOG


def test_a_json_line_carries_the_request_id() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    options = logs.config("json")["formatters"]["default"]
    handler.setFormatter(JsonFormatter(options["fmt"], rename_fields=options["rename_fields"]))
    logger = logging.getLogger("api.test-logs")
    logger.addHandler(handler)
    token = request_id_var.set("0123abcd")
    try:
        logger.warning("link %s", "https://x.example/invitations/AbCdEfGhIjKlMnOpQrStUv")
    finally:
        request_id_var.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "0123abcd"
    assert line["level"] == "WARNING"
    assert line["message"] == "link https://x.example/invitations/[token]"


async def test_the_access_log_shows_invitation_pages_without_their_token(
    http: httpx.AsyncClient,
) -> None:
    token = "Zz" * 20
    before = len(LOG.lines)
    await http.get(f"/invitations/{token}")
    written = LOG.lines[before:]
    assert any("GET /invitations/[token]" in line for line in written), written
    assert not any(token in line for line in written)


async def test_a_request_id_tags_the_lines_written_while_serving_it(
    http: httpx.AsyncClient,
) -> None:
    before = len(LOG.lines)
    response = await http.post(
        "/graphql", content=b"null", headers={"Content-Type": "application/json"}
    )
    request_id = response.headers["x-request-id"]
    assert any(f"[{request_id}]" in line for line in LOG.lines[before:])
