"""Why an operation refused: the errors domain operations raise.

A `UserInputError` is a refusal the caller can act on (bad input, a state that does
not allow it); the GraphQL layer turns it into a mutation's `userErrors` or a query's
GraphQL error. `Forbidden` means the actor may not do this at all.

Field paths use the operations' own (Python) names; the GraphQL layer spells them
as the API does.
"""

from collections.abc import Mapping
from enum import StrEnum


class UserErrorCode(StrEnum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    URL_MISSING = "URL_MISSING"
    ATTESTATION_REQUIRED = "ATTESTATION_REQUIRED"
    NO_RESELLER_RELATIONSHIP = "NO_RESELLER_RELATIONSHIP"
    PROVIDER_NOT_LINKED = "PROVIDER_NOT_LINKED"
    INVITATION_EXPIRED = "INVITATION_EXPIRED"
    INVITATION_CLOSED = "INVITATION_CLOSED"
    WRONG_TENANT = "WRONG_TENANT"
    ORGANISATION_KNOWN = "ORGANISATION_KNOWN"
    ALREADY_RESELLER = "ALREADY_RESELLER"
    RATE_LIMITED = "RATE_LIMITED"
    LIMIT_REACHED = "LIMIT_REACHED"
    NOT_CONNECTED = "NOT_CONNECTED"


CODE_DESCRIPTIONS: Mapping[UserErrorCode, str] = {
    UserErrorCode.URL_MISSING: "The edited email body no longer contains the invitation url.",
    UserErrorCode.ATTESTATION_REQUIRED: "Removal needs the legal attestation to be accepted.",
    UserErrorCode.NO_RESELLER_RELATIONSHIP: (
        "No active reseller relationship exists for this operation."
    ),
    UserErrorCode.PROVIDER_NOT_LINKED: (
        "The indirect provider is not linked to the indirect reseller."
    ),
    UserErrorCode.INVITATION_CLOSED: (
        "The invitation was already accepted, cancelled or otherwise closed."
    ),
    UserErrorCode.WRONG_TENANT: "The accepting tenant is not the invited customer.",
    UserErrorCode.ORGANISATION_KNOWN: (
        "The accepting organisation already has a customer record: accept without "
        "company details, and the record is used as it is."
    ),
    UserErrorCode.ALREADY_RESELLER: (
        "The inviting partner already holds a reseller relationship with this customer."
    ),
    UserErrorCode.LIMIT_REACHED: "The partner already has as many of these as it may have.",
    UserErrorCode.NOT_CONNECTED: "Partner Center is not connected for the partner.",
}


class UserInputError(Exception):
    """The operation was understood and refused; nothing was changed."""

    def __init__(self, code: UserErrorCode, message: str, field: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class UserInputErrors(Exception):
    """Several refusals at once (every bad field of a form), so a person can mend
    them all in one go."""

    def __init__(self, errors: list[UserInputError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


def invalid(field: list[str], message: str) -> UserInputError:
    return UserInputError(UserErrorCode.INVALID, message, field)


def not_found(field: list[str], message: str) -> UserInputError:
    return UserInputError(UserErrorCode.NOT_FOUND, message, field)


class Forbidden(Exception):
    """The actor may not do this (say, a customer-side principal where a partner's
    user is needed)."""
