"""Webhook notifications from Partner Center, verified as Partner Center signs them.

Partner Center POSTs a small JSON body (`EventName`, `ResourceUri`, …) with
`Authorization: Signature <base64>`, `X-MS-Signature-Algorithm: rsa-sha256` and
`X-MS-Certificate-Url`, the certificate whose key signed the body. We accept a
notification only when the certificate's address is one of the allowed ones
(PARTNER_CENTER_NOTIFICATION_CERTIFICATE_URLS: no fetching from where a caller
points), the certificate chains to a trusted issuer (PARTNER_CENTER_NOTIFICATION_CA_FILE, or the
system's store) and names Partner Center's notification host, and the signature
over the body verifies with its key. An issuing CA the trusted file lacks is fetched
from the address the certificate names for it (Authority Information Access), as
Microsoft's own verification does, when that address is an allowed one
(PARTNER_CENTER_NOTIFICATION_ISSUER_URLS). Anyone may name an allowed address, so what
that costs is bounded (`Certificates`): a certificate is fetched once and remembered
for an hour, an address that gave none is not asked again for ten minutes, and at
most PARTNER_CENTER_NOTIFICATION_CERTIFICATE_FETCHES_PER_MINUTE fetches are made a
minute, whatever the number of requests.
"""

import base64
import binascii
import hashlib
import hmac
import posixpath
import ssl
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from urllib.parse import unquote, urlsplit
from uuid import UUID

import httpx
from cachetools import TTLCache
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from api.settings import Settings

ALGORITHM = "rsa-sha256"
MAX_CERTIFICATE_BYTES = 16 * 1024
FETCH_TIMEOUT_SECONDS = 10
KEPT_SECONDS = 3600
# Issuing CAs fetched for one certificate, at most (Microsoft's chains have one).
MAX_FETCHED_ISSUERS = 2
FAILED_KEPT_SECONDS = 600


class Unverified(Exception):
    """Not a notification Partner Center signed; the message says why (for the log)."""


class Notification(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    event_name: str = Field(alias="EventName", min_length=1, max_length=100)
    resource_uri: str = Field(alias="ResourceUri", max_length=2000)
    resource_name: str | None = Field(default=None, alias="ResourceName", max_length=200)
    audit_uri: str | None = Field(default=None, alias="AuditUri", max_length=2000)
    changed_at: datetime = Field(alias="ResourceChangeUtcDate")

    @field_validator("changed_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # "UtcDate": a time written without its offset is UTC.
        return value if value.tzinfo else value.replace(tzinfo=UTC)


def address_key(settings: Settings, partner_tenant_id: UUID) -> str:
    """The secret last part of a partner's notification address (HMAC-SHA256 of its
    tenant): a notification names only a customer, so the address is what says which
    partner Partner Center meant, and only that partner may know it."""
    secret = settings.notification_secret
    assert secret is not None, "create_app refuses to start without a token secret"
    message = f"partner-center-notifications:{partner_tenant_id}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def address(settings: Settings, partner_tenant_id: UUID) -> str:
    """Where the partner registers Partner Center's webhook."""
    return (
        f"{settings.public_base_url}/webhooks/partner-center/{partner_tenant_id}/"
        f"{address_key(settings, partner_tenant_id)}"
    )


def addressed(settings: Settings, partner: str, key: str) -> UUID | None:
    """The partner tenant an address names, when its key is that tenant's."""
    try:
        tenant_id = UUID(partner)
    except ValueError:
        return None
    if not hmac.compare_digest(key.encode(), address_key(settings, tenant_id).encode()):
        return None
    return tenant_id


def _allowed(url: str, prefixes: list[str]) -> bool:
    """Whether `url` lies under one of the allowed addresses `prefixes` (scheme, host
    and port equal, the path under the allowed one's as a server resolves it: decoded,
    and without dot segments, which could climb out of it)."""
    try:
        wanted = urlsplit(url)
        wanted.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return False
    if wanted.username or wanted.password or wanted.query or wanted.fragment:
        return False
    path = unquote(wanted.path)
    if "\\" in path or posixpath.normpath(path) != path:
        return False
    for allowed in prefixes:
        base = urlsplit(allowed)
        if (wanted.scheme, wanted.hostname, wanted.port) == (
            base.scheme,
            base.hostname,
            base.port,
        ) and path.startswith(unquote(base.path)):
            return True
    return False


@cache
def _fetching(ca_file: str | None) -> ssl.SSLContext:
    """The system's authorities, and the configured ones beside them (a stand-in
    Partner Center serves its certificate over HTTPS of its own CA)."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


class Certificates:
    """The certificates fetched for one API process, and what fetching costs it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._known: TTLCache[str, x509.Certificate] = TTLCache(maxsize=64, ttl=KEPT_SECONDS)
        self._failed: TTLCache[str, str] = TTLCache(maxsize=4096, ttl=FAILED_KEPT_SECONDS)
        self._fetched_at: deque[float] = deque()

    async def get(self, url: str) -> x509.Certificate:
        if (known := self._known.get(url)) is not None:
            return known
        if (failed := self._failed.get(url)) is not None:
            raise Unverified(f"{failed} (lately: not asked again)")
        self._spend()
        try:
            certificate = await _fetch(url, self._settings)
        except Unverified as error:
            self._failed[url] = str(error)
            raise
        self._known[url] = certificate
        return certificate

    async def issuers(self, certificate: x509.Certificate) -> list[x509.Certificate]:
        """The issuing CAs above `certificate` the trusted ones lack, fetched from the
        allowed address each names for its issuer; as far as that leads."""
        trusted = _trusted(self._settings.partner_center_notification_ca_file)
        fetched: list[x509.Certificate] = []
        current = certificate
        while current.issuer not in trusted.subjects and len(fetched) < MAX_FETCHED_ISSUERS:
            url = _issuer_url(current, self._settings)
            if url is None:
                break
            current = await self.get(url)
            fetched.append(current)
        return fetched

    def _spend(self) -> None:
        now = time.monotonic()
        while self._fetched_at and self._fetched_at[0] <= now - 60:
            self._fetched_at.popleft()
        if len(self._fetched_at) >= (
            self._settings.partner_center_notification_certificate_fetches_per_minute
        ):
            raise Unverified("too many certificate fetches this minute")
        self._fetched_at.append(now)


async def _fetch(url: str, settings: Settings) -> x509.Certificate:
    verify = _fetching(settings.partner_center_notification_ca_file)
    try:
        async with (
            httpx.AsyncClient(
                timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False, verify=verify
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise Unverified(f"the certificate address answered {response.status_code}")
            data = b""
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > MAX_CERTIFICATE_BYTES:
                    raise Unverified("the certificate is too large")
    except httpx.HTTPError as error:
        raise Unverified(
            f"the certificate could not be fetched ({type(error).__name__})"
        ) from error
    try:
        certificate = (
            x509.load_pem_x509_certificate(data)
            if data.lstrip().startswith(b"-----BEGIN")
            else x509.load_der_x509_certificate(data)
        )
    except ValueError as error:
        raise Unverified("the certificate could not be read") from error
    return certificate


def _issuer_url(certificate: x509.Certificate, settings: Settings) -> str | None:
    """The allowed address `certificate` names for its issuer's certificate, if any."""
    try:
        access = certificate.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    except x509.ExtensionNotFound:
        return None
    for description in access.value:
        location = description.access_location
        if (
            description.access_method == AuthorityInformationAccessOID.CA_ISSUERS
            and isinstance(location, x509.UniformResourceIdentifier)
            and _allowed(location.value, settings.partner_center_notification_issuer_urls)
        ):
            return location.value
    return None


@dataclass(frozen=True)
class _Trusted:
    """The trusted issuers (self-signed roots), the intermediates a chain may pass,
    and the names of both."""

    store: Store
    intermediates: tuple[x509.Certificate, ...]
    subjects: frozenset[x509.Name]


@cache
def _trusted(ca_file: str | None) -> _Trusted:
    path = ca_file or ssl.get_default_verify_paths().cafile
    if path is None:
        raise Unverified(
            "no trusted certificate authorities (set PARTNER_CENTER_NOTIFICATION_CA_FILE)"
        )
    with open(path, "rb") as pem:
        certificates = x509.load_pem_x509_certificates(pem.read())
    roots = [c for c in certificates if c.subject == c.issuer]
    intermediates = tuple(c for c in certificates if c.subject != c.issuer)
    return _Trusted(Store(roots), intermediates, frozenset(c.subject for c in certificates))


def _check_chain(
    certificate: x509.Certificate, fetched: list[x509.Certificate], settings: Settings
) -> None:
    trusted = _trusted(settings.partner_center_notification_ca_file)
    verifier = (
        PolicyBuilder()
        .store(trusted.store)
        .time(datetime.now(UTC))
        .build_server_verifier(x509.DNSName(settings.partner_center_notification_signer))
    )
    try:
        verifier.verify(certificate, [*trusted.intermediates, *fetched])
    except VerificationError as error:
        raise Unverified(f"the certificate is not trusted: {error}") from error


def _signature(headers: dict[str, str]) -> bytes:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme != "Signature" or not value:
        raise Unverified("no Signature authorization")
    if headers.get("x-ms-signature-algorithm", "").lower() != ALGORITHM:
        raise Unverified("not signed with rsa-sha256")
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise Unverified("the signature is not base64") from error


async def verify(
    body: bytes, headers: dict[str, str], settings: Settings, certificates: Certificates
) -> Notification:
    """The notification in `body`, or Unverified. `headers`: lower-case names."""
    signature = _signature(headers)
    url = headers.get("x-ms-certificate-url", "")
    if not _allowed(url, settings.partner_center_notification_certificate_urls):
        raise Unverified("the certificate address is not an allowed one")
    certificate = await certificates.get(url)
    _check_chain(certificate, await certificates.issuers(certificate), settings)
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise Unverified("the certificate's key is not RSA")
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise Unverified("the signature does not match the body") from error
    try:
        return Notification.model_validate_json(body)
    except ValidationError as error:
        raise Unverified("the body is not a Partner Center notification") from error
