"""What a partner attests when it removes a relationship, and the reminder shown
with it; the version is stored with every removal."""

ATTESTATION_VERSION = "2026-11-01"
ATTESTATION_TEXT = (
    "I represent that the decision to remove this reseller relationship was made in good "
    "faith for a legitimate business purpose, and that I am authorised to make it on behalf "
    "of my organisation."
)
LEGAL_NOTICE = (
    "No email or notice of any kind was sent to the customer or to any other partner. "
    "Your contract with the customer may require you to give notice of termination; "
    "Partner Connect does not generate one."
)
