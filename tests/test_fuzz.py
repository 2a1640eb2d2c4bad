"""Fuzzing, bounded and deterministic (Hypothesis with a fixed seed):

- generated queries and mutations of the whole schema, sent by several principals
  to a live API in its own process: never a 5xx, never an unhandled exception in its
  log;
- every input check, fed arbitrary text (control and bidi characters, separators,
  surrogates, very long strings): it cleans or refuses (`UserInputError`), nothing
  else, and what it accepts is safe where it goes (say, into an email header).
"""

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema

from api import validation
from api.errors import UserInputError
from api.graphql.schema import schema
from api.http.auth import mint_token
from api.settings import Settings
from tests.support import factories
from tests.support.processes import ApiProcess
from tests.support.servers import ApiServer

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,  # the same examples every run: CI must not flake
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class LiveApi:
    url: str
    log: Path
    tokens: dict[str, str]


@pytest.fixture(scope="module")
async def live(
    api: ApiServer, migrated: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveApi]:
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)

    def token(tenant: uuid.UUID, *roles: str) -> str:
        return mint_token(migrated, tenant_id=tenant, roles=roles, subject="fuzzer")

    tokens = {
        "GLOBAL_ADMIN": token(partner.tenant_id, "GLOBAL_ADMIN"),
        "HELPDESK_AGENT": token(partner.tenant_id, "HELPDESK_AGENT"),
        "customer-side": token(customer.tenant_id, "CUSTOMER_ADMIN"),
        "no role": token(uuid.uuid4()),
    }
    log = tmp_path_factory.mktemp("fuzz") / "api.log"
    # Limits high enough for generated mutations, so the fuzz reaches the resolvers.
    fuzz_settings = migrated.model_copy(
        update={"mutations_per_minute": 100_000, "invitation_requests_per_minute": 100_000}
    )
    async with ApiProcess.running(fuzz_settings, log=log) as server:
        yield LiveApi(server.url, log, tokens)


def graphql_documents() -> st.SearchStrategy[Any]:
    return from_schema(schema.as_str(), allow_x00=False)


@pytest.mark.parametrize(
    "principal", ["GLOBAL_ADMIN", "HELPDESK_AGENT", "customer-side", "no role"]
)
def test_generated_operations_never_get_a_5xx(live: LiveApi, principal: str) -> None:
    answers: list[int] = []
    with httpx.Client(base_url=live.url, timeout=30) as client:

        @FUZZ
        @given(document=graphql_documents())
        def send(document: Any) -> None:
            response = client.post(
                "/graphql",
                json={"query": str(document)},
                headers={"Authorization": f"Bearer {live.tokens[principal]}"},
            )
            answers.append(response.status_code)
            assert response.status_code < 500, response.text
            body = response.json()
            codes = [error.get("extensions", {}).get("code") for error in body.get("errors") or []]
            assert "INTERNAL" not in codes, body

        send()
    assert len(answers) >= 50
    assert 200 in answers  # the fuzz reached execution, not only refusals


def test_the_fuzzed_api_logged_no_unhandled_exception(live: LiveApi) -> None:
    # Runs after the fuzz above (same module, file order).
    text = live.log.read_text() if live.log.exists() else ""
    assert "Traceback" not in text, text[-3000:]
    assert "unexpected error" not in text, text[-3000:]


HOSTILE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=[])  # surrogates included
    | st.sampled_from(list("\x00\x1b\r\n\t\u2028\u2029\u202e\u2066\u200d\ufeff ")),
    max_size=400,
)

CHECKS: dict[str, Callable[[str], object]] = {
    "text": lambda value: validation.text(value, ["name"], max_length=200),
    "multiline text": lambda value: validation.text(
        value, ["body"], max_length=20_000, multiline=True
    ),
    "email": lambda value: validation.email(value, ["email"]),
    "domain": lambda value: validation.domain(value, ["domain"]),
    "country": lambda value: validation.country(value, ["country"]),
    "language tag": lambda value: validation.language_tag(value, ["language"]),
}


@pytest.mark.parametrize("check", CHECKS.values(), ids=CHECKS.keys())
@FUZZ
@given(value=HOSTILE)
def test_an_input_check_cleans_or_refuses(check: Callable[[str], object], value: str) -> None:
    cleaned = _outcome(check, value)
    if isinstance(cleaned, UserInputError):
        assert cleaned.field is not None
        assert cleaned.message
    elif isinstance(cleaned, str):
        assert not validation.has_control_characters(cleaned, frozenset("\n\r\t"))
        assert cleaned == cleaned.strip()


def _outcome(check: Callable[[str], object], value: str) -> object:
    """What the check returns, or the refusal it raises (anything else propagates)."""
    try:
        return check(value)
    except UserInputError as error:
        return error


@FUZZ
@given(value=HOSTILE)
def test_any_accepted_subject_makes_an_email(value: str) -> None:
    subject = _outcome(lambda text: validation.text(text, ["subject"], max_length=300), value)
    if not isinstance(subject, str):
        return
    message = EmailMessage()
    message["Subject"] = subject
    message.set_content("body")
    assert message.as_bytes()
