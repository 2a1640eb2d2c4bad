"""The removal attestation: what Partner Center asks a partner to state, replaceable
by an operator with a version of its own, and stored with every removal."""

from collections.abc import AsyncIterator

import httpx
import pydantic
import pytest

from api.audit.models import AuditAction, AuditEvent
from api.removals.attestation import BUILT_IN, attestation
from api.removals.models import RelationshipRemoval
from api.settings import Settings
from tests.support import factories
from tests.support.documents import REMOVE_WITHOUT_GDAP, customer_id
from tests.support.graphql import GraphQLClient
from tests.support.processes import ApiProcess
from tests.support.servers import ApiServer

OURS = "We, the partner, confirm this removal follows our reseller agreement, clause 12."
ATTESTATION = "{ removalAttestation { version text legalNotice } }"
IN_LANGUAGE = """query($language: String) {
  removalAttestation(language: $language) { version language text legalNotice }
}"""
REMOVE_IN = """mutation($input: RemoveResellerRelationshipInput!) {
  removeResellerRelationship(input: $input) {
    removal { attestationVersion attestationLanguage }
    userErrors { code field }
  }
}"""


# Every clause a partner agrees to, as each language words it: a language that left
# one out (or a clause added to one language only) fails here.
CLAUSES = {
    "good faith": {"en": "in good faith", "ja": "誠実に"},
    "legitimate business purpose": {
        "en": "for a legitimate business purpose",
        "ja": "正当な事業目的のために",
    },
    "the agreements with its customers or partners": {
        "en": "in accordance with my organisation's agreements with this customer and with "
        "its other partners",
        "ja": "この顧客および他のパートナーとの契約に従って",
    },
    "authority to decide": {
        "en": "I am authorised to make it on behalf of my organisation",
        "ja": "当組織を代表してこの決定を行う権限を有している",
    },
    "defence and hold harmless": {
        "en": "will defend Microsoft and hold it harmless against any claim by a third party",
        "ja": "第三者からのあらゆる請求に対して Microsoft を防御し、免責する",
    },
}
NOTICE_CLAUSES = {
    "nothing is sent": {
        "en": "No email or notice of any kind is sent to the customer or to any other partner",
        "ja": "顧客にも他のパートナーにも、メールや通知は一切送信されません",
    },
    "a legal notice may be required": {
        "en": "may require you to give notice of termination",
        "ja": "解約の通知が必要となる場合があります",
    },
    "none is generated": {
        "en": "Partner Connect does not generate one",
        "ja": "Partner Connect はその通知を作成しません",
    },
}


def test_every_language_states_every_clause_partner_center_asks() -> None:
    assert set(BUILT_IN) == {"en", "ja"}
    for language, shown in BUILT_IN.items():
        assert shown.language == language
        assert shown.version == BUILT_IN["en"].version
        for clause, wordings in CLAUSES.items():
            assert set(wordings) == set(BUILT_IN), clause
            assert wordings[language] in shown.text, (language, clause)
        for clause, wordings in NOTICE_CLAUSES.items():
            assert wordings[language] in shown.legal_notice, (language, clause)
    # The Japanese is a text of its own, not the English with a summary.
    assert not any(
        c.isascii() and c.isalpha() for c in BUILT_IN["ja"].text.replace("Microsoft", "")
    )


def test_the_language_shown_is_the_callers_or_english() -> None:
    settings = Settings(jwt_secret="x" * 40)
    assert attestation(settings, "ja-JP") == BUILT_IN["ja"]
    assert attestation(settings, "JA") == BUILT_IN["ja"]
    assert attestation(settings, "fr") == BUILT_IN["en"]
    assert attestation(settings, None) == BUILT_IN["en"]


def test_a_replaced_text_needs_a_version_of_its_own() -> None:
    with pytest.raises(pydantic.ValidationError, match="together"):
        Settings(jwt_secret="x" * 40, removal_attestation_text=OURS)


@pytest.fixture(scope="module")
async def operator_text(api: ApiServer, migrated: Settings) -> AsyncIterator[GraphQLClient]:
    settings = migrated.model_copy(
        update={"removal_attestation_text": OURS, "removal_attestation_version": "acme-7"}
    )
    async with (
        ApiProcess.running(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=30) as http,
    ):
        yield GraphQLClient(http, settings)


async def test_an_operator_replaces_the_text_and_each_removal_keeps_its_version(
    operator_text: GraphQLClient,
) -> None:
    gql = operator_text
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    token = gql.token(partner.tenant_id, "GLOBAL_ADMIN")

    shown = (await gql(ATTESTATION, token=token)).ok()["removalAttestation"]
    assert (shown["version"], shown["text"]) == ("acme-7", OURS)
    removed = await gql(
        REMOVE_WITHOUT_GDAP,
        {"input": {"customerId": customer_id(customer), "attestationAccepted": True}},
        token=token,
    )
    assert removed.ok()["removeResellerRelationship"]["userErrors"] == []

    removal = await RelationshipRemoval.get(partner_id=partner.id)
    assert removal.attestation_version == "acme-7"
    audit = await AuditEvent.get(partner_id=partner.id, action=AuditAction.RELATIONSHIP_REMOVED)
    assert audit.details["attestation"] == {
        "accepted": True,
        "version": "acme-7",
        "language": None,  # an operator's text is in the language the operator wrote
        "text": OURS,
    }
    listed = await gql(
        "{ relationshipRemovals { edges { node { attestationVersion } } } }", token=token
    )
    assert listed.ok()["relationshipRemovals"]["edges"] == [
        {"node": {"attestationVersion": "acme-7"}}
    ]


async def test_a_removal_records_the_language_and_version_accepted(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    customer = await factories.customer()
    await factories.relate(partner, customer, dap=True)
    token = gql.token(partner.tenant_id, "SALES_AGENT")
    japanese = BUILT_IN["ja"]

    shown = (await gql(IN_LANGUAGE, {"language": "ja"}, token=token)).ok()["removalAttestation"]
    assert shown == {
        "version": japanese.version,
        "language": "ja",
        "text": japanese.text,
        "legalNotice": japanese.legal_notice,
    }
    removed = await gql(
        REMOVE_IN,
        {
            "input": {
                "customerId": customer_id(customer),
                "attestationAccepted": True,
                "attestationLanguage": "ja",
            }
        },
        token=token,
    )
    assert removed.ok()["removeResellerRelationship"] == {
        "removal": {"attestationVersion": japanese.version, "attestationLanguage": "ja"},
        "userErrors": [],
    }
    audit = await AuditEvent.get(partner_id=partner.id, action=AuditAction.RELATIONSHIP_REMOVED)
    assert audit.details["attestation"] == {
        "accepted": True,
        "version": japanese.version,
        "language": "ja",
        "text": japanese.text,
    }


async def test_a_language_that_is_no_language_tag_is_refused(gql: GraphQLClient) -> None:
    partner = await factories.partner()
    token = gql.token(partner.tenant_id, "GLOBAL_ADMIN")
    result = await gql(IN_LANGUAGE, {"language": "<ja>"}, token=token)
    assert result.codes == ["INVALID"]
    assert result.errors[0]["extensions"]["field"] == ["language"]
