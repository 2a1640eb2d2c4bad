"""Delivering a webhook to a partner's endpoint: the Standard Webhooks signature
(`standardwebhooks`, the spec's own package, which receivers can verify with), one
HTTP POST, and the check that an endpoint is somewhere we may send to.

A partner chooses the URL, so the service must not become a way to reach what only
it can reach (SSRF): an endpoint must be https on a public address unless an operator
allows plain http or private addresses (WEBHOOK_ALLOW_HTTP,
WEBHOOK_ALLOW_PRIVATE_TARGETS). The address is checked when the endpoint is set and
again as every delivery connects: the name is resolved once and only an address that
passed is connected to, so a DNS answer that changes between a check and a connection
(DNS rebinding) cannot lead inside. Redirects are never followed, and the answer's
body is never read.
"""

import asyncio
import base64
import ipaddress
import os
import secrets
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import httpcore
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


# Resolves a host and port to its addresses, as the system's resolver does (tests pass
# a stand-in for DNS).
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(sockaddr[0]) for *_, sockaddr in found]


async def allowed_addresses(
    host: str, port: int, settings: Settings, resolver: Resolver = system_resolver
) -> list[str]:
    """The addresses of `host`, all public (unless private ones are allowed)."""
    try:
        addresses = await resolver(host, port)
    except (OSError, UnicodeError) as error:
        raise TargetRefused(f"The host {host} could not be found.") from error
    if not addresses:
        raise TargetRefused(f"The host {host} could not be found.")
    if not settings.webhook_allow_private_targets and not all(map(_public, addresses)):
        raise TargetRefused(
            f"The host {host} is a private, loopback or link-local address, which "
            "webhooks may not be sent to."
        )
    return addresses


async def check_address(url: str, settings: Settings) -> None:
    """Every address the endpoint's host resolves to must be public (unless allowed)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    await allowed_addresses(parts.hostname or "", port, settings)


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to an address it has just checked, resolving the name itself.
    TLS still verifies, and names in SNI, the URL's host (httpcore takes it from the
    request, not from the address connected to)."""

    def __init__(self, settings: Settings, resolver: Resolver) -> None:
        self._settings = settings
        self._resolver = resolver
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        # One connect timeout for all of it, the name's lookup included (as httpx's).
        try:
            async with asyncio.timeout(timeout):
                addresses = await allowed_addresses(host, port, self._settings, self._resolver)
                for address in addresses[:-1]:
                    try:
                        return await self._backend.connect_tcp(
                            address, port, timeout, local_address, socket_options
                        )
                    except (httpcore.ConnectError, httpcore.ConnectTimeout):
                        continue  # the host's next address (IPv6 may be unreachable)
                return await self._backend.connect_tcp(
                    addresses[-1], port, timeout, local_address, socket_options
                )
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(f"no connection to {host} in time") from error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise TargetRefused("Webhooks are sent over the network only.")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


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


@cache
def _ssl_context(ca_file: str | None) -> ssl.SSLContext:
    """httpx's default context (certifi; the operator's SSL_CERT_FILE when set), built
    once rather than for every delivery."""
    if ca_file:
        return ssl.create_default_context(cafile=ca_file)
    return httpx.create_ssl_context(trust_env=False)


async def post(
    url: str,
    body: str,
    headers: dict[str, str],
    settings: Settings,
    *,
    resolver: Resolver = system_resolver,
) -> int:
    """POST `body`; the answer's status code, or NotDelivered (TargetRefused for an
    address we may not send to). Straight to the endpoint: no proxy from the
    environment (HTTPS_PROXY), which would resolve the name itself, past the check."""
    seconds = settings.webhook_timeout_seconds
    timeouts = {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}
    try:
        # As httpx would send it: the host IDNA-encoded, path and query percent-encoded.
        parts = httpx.URL(url)
        target = httpcore.URL(
            scheme=parts.raw_scheme, host=parts.raw_host, port=parts.port, target=parts.raw_path
        )
        async with (
            httpcore.AsyncConnectionPool(
                ssl_context=_ssl_context(os.environ.get("SSL_CERT_FILE")),
                network_backend=_CheckedBackend(settings, resolver),
                max_connections=1,
            ) as pool,
            pool.stream(
                "POST",
                target,
                headers=list(headers.items()),
                content=body.encode(),
                extensions={"timeout": timeouts},
            ) as response,
        ):
            return response.status
    except httpcore.TimeoutException as error:
        raise NotDelivered("The endpoint did not answer in time.") from error
    except httpx.InvalidURL as error:  # stored before today's checks, perhaps
        raise TargetRefused("This is not a web address.") from error
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as error:
        raise NotDelivered(
            f"The endpoint could not be reached ({type(error).__name__})."
        ) from error
