"""The draft email of an invitation, rendered from Jinja2 templates per language.

The body is stored with the url replaced by `URL_PLACEHOLDER` (the url holds the
token, which is never stored) and completed whenever it is shown or sent.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined

LANGUAGES = ("en", "ja")
URL_PLACEHOLDER = "[[invitation-url]]"
# The words for things, per language: the dashboard's catalogues import the same file,
# so that an email and the pages the customer then sees speak alike.
GLOSSARY: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parents[1] / "http/dashboard/static/locales/glossary.json").read_text("utf-8")
)

_templates = Environment(
    loader=PackageLoader("api.invitations", "templates"),
    autoescape=False,  # plain-text email
    undefined=StrictUndefined,
    trim_blocks=False,
)


@dataclass(frozen=True)
class Draft:
    subject: str
    body_template: str


def language_for(tag: str | None) -> str:
    primary = (tag or "").split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


def render(
    language: str,
    *,
    partner_name: str,
    partner_id: str,
    provider_name: str | None,
    customer_name: str | None,
    contact_name: str | None,
    include_delegated_admin: bool,
    expires_at: datetime,
) -> Draft:
    values = {
        "partner_name": partner_name,
        "partner_id": partner_id,
        "provider_name": provider_name,
        "customer_name": customer_name,
        "contact_name": contact_name,
        "include_delegated_admin": include_delegated_admin,
        "expires_on": expires_at.date().isoformat(),
        "url": URL_PLACEHOLDER,
        "terms": {concept: entry[language] for concept, entry in GLOSSARY.items()},
    }
    subject = _templates.get_template(f"subject.{language}.j2").render(values)
    body = _templates.get_template(f"body.{language}.j2").render(values)
    return Draft(subject=" ".join(subject.split()), body_template=body.strip() + "\n")


def complete(body_template: str, url: str) -> str:
    return body_template.replace(URL_PLACEHOLDER, url)


def to_template(body: str, url: str) -> str:
    return body.replace(url, URL_PLACEHOLDER)


def mailto(recipient: str | None, subject: str, body: str) -> str:
    # RFC 6068: percent-encoded, line breaks as CRLF.
    crlf_body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    query = f"subject={quote(subject, safe='')}&body={quote(crlf_body, safe='')}"
    return f"mailto:{quote(recipient or '', safe='@')}?{query}"
