"""What a partner attests when it removes a relationship — what Partner Center asks
a partner to state — and the reminder shown with it, in each language the dashboard
speaks: a partner is shown everything it agrees to in its own language, and the
removal records which text (language and version) it accepted.

Operators may replace the text, and must then give it a version of their own
(`REMOVAL_ATTESTATION_TEXT`, `REMOVAL_ATTESTATION_VERSION`); it is shown as written,
in every language, and recorded without a language of ours.
"""

from dataclasses import dataclass

from api.settings import Settings

# Both languages say the same clauses (tests/test_attestation.py compares them): a
# change to one is a new version of both.
ATTESTATION_VERSION = "2026-12-07"
DEFAULT_LANGUAGE = "en"

_TEXTS = {
    "en": (
        "I attest that the decision to remove this reseller relationship was made in good "
        "faith, for a legitimate business purpose, and in accordance with my organisation's "
        "agreements with this customer and with its other partners; that I am authorised to "
        "make it on behalf of my organisation; and that my organisation will defend Microsoft "
        "and hold it harmless against any claim by a third party arising from this removal."
    ),
    "ja": (
        "私は、このリセラー関係の削除が、誠実に、正当な事業目的のために、かつ当組織と"
        "この顧客および他のパートナーとの契約に従って決定されたものであること、私が"
        "当組織を代表してこの決定を行う権限を有していること、ならびに当組織が、この削除に"
        "起因する第三者からのあらゆる請求に対して Microsoft を防御し、免責することを"
        "表明します。"
    ),
}
_LEGAL_NOTICES = {
    "en": (
        "No email or notice of any kind is sent to the customer or to any other partner. "
        "Your contract with the customer may require you to give notice of termination; "
        "Partner Connect does not generate one."
    ),
    "ja": (
        "顧客にも他のパートナーにも、メールや通知は一切送信されません。顧客との契約により"
        "解約の通知が必要となる場合がありますが、Partner Connect はその通知を作成しません。"
    ),
}
# A removal's own reminder, read after the fact in no language in particular.
LEGAL_NOTICE = _LEGAL_NOTICES[DEFAULT_LANGUAGE]


@dataclass(frozen=True)
class Attestation:
    version: str
    # The language of `text` (a key of `BUILT_IN`); None for an operator's text.
    language: str | None
    text: str
    legal_notice: str


BUILT_IN = {
    language: Attestation(ATTESTATION_VERSION, language, text, _LEGAL_NOTICES[language])
    for language, text in _TEXTS.items()
}


def attestation(settings: Settings, language: str | None) -> Attestation:
    """The attestation to show a partner who reads `language` (a language tag such as
    ja-JP; English when we have no text in it)."""
    primary = (language or "").split("-")[0].lower()
    ours = BUILT_IN.get(primary, BUILT_IN[DEFAULT_LANGUAGE])
    if settings.removal_attestation_text is None:
        return ours
    assert settings.removal_attestation_version is not None, "settings require both"
    return Attestation(
        settings.removal_attestation_version,
        None,
        settings.removal_attestation_text,
        ours.legal_notice,
    )
