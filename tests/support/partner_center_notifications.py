"""Partner Center's side of its webhook notifications (outside our world, so faked in
its documented shape): a certificate authority of the test's own, a signing
certificate for Partner Center's notification host served at an address like Microsoft's
(`/cert/<name>.cer`), and deliveries signed as Partner Center signs them
(`Authorization: Signature <base64 rsa-sha256 of the body>`, `X-MS-Certificate-Url`,
`X-MS-Signature-Algorithm`)."""

import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.servers import serving

SIGNER = "pcnotifications-dispatch.microsoft.com"
CERTIFICATE_PATH = "/cert/pcnotifications-dispatch.microsoft.com.cer"


@dataclass(frozen=True)
class Signer:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    def sign(self, body: bytes) -> str:
        return base64.b64encode(self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Partner Center"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def authority(name: str = "Test Partner Center Root") -> Signer:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Signer(key, certificate)


def issued(issuer: Signer, host: str = SIGNER) -> Signer:
    """A signing certificate for `host`, issued by `issuer`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        .sign(issuer.key, hashes.SHA256())
    )
    return Signer(key, certificate)


@dataclass
class PartnerCenterNotifier:
    """Serves signing certificates (at `/cert/…`, and wherever a test puts one) and
    sends signed notifications."""

    ca_file: Path
    root: Signer
    signer: Signer
    url: str = ""
    # Certificates served, by path (DER, as Microsoft serves its .cer).
    served: dict[str, x509.Certificate] = field(default_factory=dict)
    fetches: list[str] = field(default_factory=list)

    @property
    def certificate_url(self) -> str:
        return self.url + CERTIFICATE_PATH

    def serve(self, path: str, certificate: x509.Certificate) -> str:
        self.served[path] = certificate
        return self.url + path

    async def _certificate(self, request: Request) -> Response:
        self.fetches.append(request.url.path)
        certificate = self.served.get(request.url.path)
        if certificate is None:
            return Response(status_code=404)
        return Response(certificate.public_bytes(serialization.Encoding.DER))

    def body(self, event: str, resource_uri: str, **extra: Any) -> bytes:
        """A notification as Partner Center writes one."""
        return json.dumps(
            {
                "EventName": event,
                "ResourceUri": resource_uri,
                "ResourceName": extra.pop("resource_name", "Customer"),
                "AuditUri": None,
                "ResourceChangeUtcDate": extra.pop("changed_at", datetime.now(UTC)).isoformat(),
                **extra,
            },
            indent=4,
        ).encode()

    def headers(
        self, body: bytes, *, signer: Signer | None = None, certificate_url: str | None = None
    ) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "Authorization": f"Signature {(signer or self.signer).sign(body)}",
            "X-MS-Certificate-Url": certificate_url or self.certificate_url,
            "X-MS-Signature-Algorithm": "rsa-sha256",
        }

    async def send(
        self, endpoint: str, body: bytes, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        async with httpx.AsyncClient(timeout=30) as client:
            return await client.post(
                endpoint, content=body, headers=self.headers(body) if headers is None else headers
            )


@asynccontextmanager
async def notifying(directory: Path) -> AsyncIterator[PartnerCenterNotifier]:
    root = authority()
    ca_file = directory / "partner-center-ca.pem"
    ca_file.write_bytes(root.certificate.public_bytes(serialization.Encoding.PEM))
    notifier = PartnerCenterNotifier(ca_file=ca_file, root=root, signer=issued(root))
    notifier.served[CERTIFICATE_PATH] = notifier.signer.certificate
    app = Starlette(routes=[Route("/{path:path}", notifier._certificate)])
    async with serving(app) as url:
        notifier.url = url
        yield notifier
