"""Partner Center's side of its webhook notifications (outside our world, so faked in
its documented shape): a certificate authority of the test's own, a signing
certificate for Partner Center's notification host served at an address like Microsoft's
(`/cert/<name>.cer`), and deliveries signed as Partner Center signs them
(`Authorization: Signature <base64 rsa-sha256 of the body>`, `X-MS-Certificate-Url`,
`X-MS-Signature-Algorithm`)."""

import posixpath
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.devtools.certificates import Signer, authority, issued
from api.devtools.partner_center import (
    CERTIFICATE_PATH,
    NOTIFICATION_SIGNER,
    notification_body,
    signed_headers,
)
from tests.support.servers import serving

SIGNER = NOTIFICATION_SIGNER


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
        # As a web server resolves a path: its dot segments removed.
        path = posixpath.normpath(request.url.path)
        self.fetches.append(path)
        certificate = self.served.get(path)
        if certificate is None:
            return Response(status_code=404)
        return Response(certificate.public_bytes(serialization.Encoding.DER))

    def body(self, event: str, resource_uri: str, **extra: Any) -> bytes:
        return notification_body(event, resource_uri, **extra)

    def headers(
        self, body: bytes, *, signer: Signer | None = None, certificate_url: str | None = None
    ) -> dict[str, str]:
        return signed_headers(body, signer or self.signer, certificate_url or self.certificate_url)

    async def send(
        self, endpoint: str, body: bytes, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        async with httpx.AsyncClient(timeout=30) as client:
            return await client.post(
                endpoint, content=body, headers=self.headers(body) if headers is None else headers
            )


@asynccontextmanager
async def notifying(directory: Path) -> AsyncIterator[PartnerCenterNotifier]:
    root = authority("Test Partner Center Root")
    ca_file = directory / "partner-center-ca.pem"
    ca_file.write_bytes(root.certificate.public_bytes(serialization.Encoding.PEM))
    notifier = PartnerCenterNotifier(ca_file=ca_file, root=root, signer=issued(root, SIGNER))
    notifier.served[CERTIFICATE_PATH] = notifier.signer.certificate
    app = Starlette(routes=[Route("/{path:path}", notifier._certificate)])
    async with serving(app) as url:
        notifier.url = url
        yield notifier
