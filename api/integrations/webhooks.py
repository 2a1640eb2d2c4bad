"""Delivering a webhook to a partner's endpoint: the Standard Webhooks signature
(`standardwebhooks`, the spec's own package, which receivers can verify with), one
HTTP POST, and the check that an endpoint is somewhere we may send to.

A partner chooses the URL, so the service must not become a way to reach what only
it can reach (SSRF): an endpoint must be https on a public address unless an operator
allows plain http or private addresses (WEBHOOK_ALLOW_HTTP,
WEBHOOK_ALLOW_PRIVATE_TARGETS). The address is checked when the endpoint is set and
again before every delivery (a name may point elsewhere later); redirects are never
followed, and the answer's body is never read.
"""

import asyncio
import base64
import ipaddress
import secrets
import socket
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from standardwebhooks import Webhook

from api.settings import Settings

MAX_URL_LENGTH = 2000
SECRET_PREFIX = "whsec_"
USER_AGENT = "PartnerConnect-Webhooks/1"


class NotDelivered(Exception):
    """No answer from the endpoint; the message says why, for people."""


class TargetRefused(NotDelivered):
    """An endpoint we will not send to."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def check_url(url: str, settings: Settings) -> str:
    """The endpoint as it will be called, or TargetRefused."""
    cleaned = url.strip()
    if len(cleaned) > MAX_URL_LENGTH:
        raise TargetRefused(f"The address must be at most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        raise TargetRefused("This is not a web address.") from error
    schemes = ("https", "http") if settings.webhook_allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise TargetRefused(
            "The address must start with https:// and name a host."
            if len(schemes) == 1
            else "The address must start with https:// or http:// and name a host."
        )
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("The address must not contain a user name or password.")
    if parts.fragment:
        raise TargetRefused("The address must not contain a fragment (#…).")
    return cleaned


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_address(url: str, settings: Settings) -> None:
    """Every address the endpoint's host resolves to must be public (unless allowed)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise TargetRefused(f"The host {host} could not be found.") from error
    if settings.webhook_allow_private_targets:
        return
    if not all(_public(str(sockaddr[0])) for *_, sockaddr in found):
        raise TargetRefused(
            f"The host {host} is a private, loopback or link-local address, which "
            "webhooks may not be sent to."
        )


def signed_headers(
    webhook_id: str, timestamp: datetime, body: str, signing_secrets: Iterable[str]
) -> dict[str, str]:
    """The Standard Webhooks headers: one signature per secret (two while a rotated
    secret is still honoured), so a receiver with either verifies."""
    signatures = " ".join(
        Webhook(secret).sign(webhook_id, timestamp, body) for secret in signing_secrets
    )
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signatures,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


async def post(url: str, body: str, headers: dict[str, str], settings: Settings) -> int:
    """POST `body`; the answer's status code, or NotDelivered."""
    await check_address(url, settings)
    try:
        async with (
            httpx.AsyncClient(
                timeout=settings.webhook_timeout_seconds, follow_redirects=False
            ) as client,
            client.stream("POST", url, content=body.encode(), headers=headers) as response,
        ):
            return response.status_code
    except httpx.TimeoutException as error:
        raise NotDelivered("The endpoint did not answer in time.") from error
    except httpx.HTTPError as error:
        raise NotDelivered(
            f"The endpoint could not be reached ({type(error).__name__})."
        ) from error
