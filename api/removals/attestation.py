"""What a partner attests when it removes a relationship — what Partner Center asks
a partner to state — and the reminder shown with it.

Operators may replace the text, and must then give it a version of their own
(`REMOVAL_ATTESTATION_TEXT`, `REMOVAL_ATTESTATION_VERSION`); the version and the text
attested to are stored with every removal.
"""

from dataclasses import dataclass

from api.settings import Settings

ATTESTATION_VERSION = "2026-12-02"
ATTESTATION_TEXT = (
    "I attest that the decision to remove this reseller relationship was made in good "
    "faith, for a legitimate business purpose, and in accordance with my organisation's "
    "agreements with this customer and with its other partners; that I am authorised to "
    "make it on behalf of my organisation; and that my organisation holds the operator "
    "of this platform harmless against any claim by a third party arising from it."
)
LEGAL_NOTICE = (
    "No email or notice of any kind was sent to the customer or to any other partner. "
    "Your contract with the customer may require you to give notice of termination; "
    "Partner Connect does not generate one."
)


@dataclass(frozen=True)
class Attestation:
    version: str
    text: str


def attestation(settings: Settings) -> Attestation:
    if settings.removal_attestation_text is None:
        return Attestation(ATTESTATION_VERSION, ATTESTATION_TEXT)
    assert settings.removal_attestation_version is not None, "settings require both"
    return Attestation(settings.removal_attestation_version, settings.removal_attestation_text)
