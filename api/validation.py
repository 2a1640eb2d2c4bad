"""Checks for every string that comes in. Each raises `UserInputError(INVALID)` naming
the field, so a mutation answers with a user error and a query with a GraphQL error."""

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from api.errors import invalid

_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


# Fields whose name alone would not read well in a sentence.
_NAMES = {
    "contact_name": "the contact's name",
    "contact_email": "the contact's email address",
    "recipient_email": "the recipient's email address",
    "phone": "the phone number",
    "body": "the email body",
    "offer_id": "the offer",
    "search": "the search text",
}


def label(field: list[str]) -> str:
    """The field in words, to begin a sentence: ["company", "default_domain"] →
    "The default domain", ["recipient_email"] → "The recipient's email address"."""
    name = field[-1]
    words = _NAMES.get(name) or "the " + name.replace("_", " ")
    return words[0].upper() + words[1:]


# Bidi embeddings, overrides and isolates: they let text show in another order than
# it is stored (a name that reads as another), so no input of ours carries them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters, line and paragraph separators (U+2028 and U+2029 break an email
# header as a newline would), and lone surrogates (valid JSON, but not Unicode text).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def has_control_characters(value: str, allowed: frozenset[str] = frozenset()) -> bool:
    return any(
        ch not in allowed
        and (unicodedata.category(ch) in _REFUSED_CATEGORIES or ch in _BIDI_CONTROLS)
        for ch in value
    )


_LINE_BREAKS = frozenset({"\n", "\r", "\t"})


def text(
    value: str, field: list[str], *, max_length: int, multiline: bool = False, required: bool = True
) -> str:
    """Trimmed text without control characters (newlines and tabs only where multiline)."""
    cleaned = value.strip()
    if required and not cleaned:
        raise invalid(field, f"{label(field)} must not be empty.")
    if len(cleaned) > max_length:
        raise invalid(field, f"{label(field)} must be at most {max_length} characters.")
    if has_control_characters(cleaned, _LINE_BREAKS if multiline else frozenset()):
        raise invalid(field, f"{label(field)} must not contain control characters.")
    return cleaned


def optional_text(value: str | None, field: list[str], *, max_length: int) -> str | None:
    if value is None:
        return None
    return text(value, field, max_length=max_length, required=False) or None


def email(value: str, field: list[str]) -> str:
    candidate = text(value, field, max_length=254)
    try:
        return validate_email(candidate, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise invalid(
            field, f"{label(field)} is not valid: an email address looks like name@example.com."
        ) from error


def domain(value: str, field: list[str]) -> str:
    candidate = text(value, field, max_length=253).lower().rstrip(".")
    labels = candidate.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        raise invalid(field, f"{label(field)} is not a valid domain name.")
    return candidate


def country(value: str, field: list[str]) -> str:
    candidate = text(value, field, max_length=2).upper()
    if not _COUNTRY.match(candidate):
        raise invalid(field, f"{label(field)} must be a two-letter ISO 3166 country code.")
    return candidate


def language_tag(value: str | None, field: list[str]) -> str | None:
    candidate = optional_text(value, field, max_length=20)
    if candidate is not None and not _LANGUAGE_TAG.match(candidate):
        raise invalid(field, f"{label(field)} must be a language tag, such as ja or ja-JP.")
    return candidate
