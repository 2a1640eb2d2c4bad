"""Tokens as an identity provider issues them, good and bad, and a fake identity
provider: an RSA key whose JWKS document is served on 127.0.0.1."""

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from api.settings import Settings

JWKS_PATH = "/.well-known/jwks.json"


def claims(
    settings: Settings,
    tenant_id: uuid.UUID | str,
    *roles: str,
    sub: str = "user-1",
    **overrides: Any,
) -> dict[str, Any]:
    """Valid claims for `settings`; an override of None drops the claim."""
    now = int(time.time())
    values: dict[str, Any] = {
        "sub": sub,
        "tid": str(tenant_id),
        "roles": list(roles),
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + 600,
    }
    if settings.jwt_issuer:
        values["iss"] = settings.jwt_issuer
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def hs256(payload: dict[str, Any], secret: str) -> str:
    return jwt.encode(payload, secret, algorithm="HS256")


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class IdentityProvider:
    """Signs RS256 tokens with its key and publishes the public half as a JWKS."""

    key: rsa.RSAPrivateKey = field(default_factory=rsa_key)
    kid: str = field(default_factory=lambda: f"key-{uuid.uuid4().hex[:8]}")

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def sign(
        self,
        payload: dict[str, Any],
        *,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
    ) -> str:
        return jwt.encode(
            payload, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    @contextmanager
    def serving(self) -> Iterator[str]:
        """Serves the JWKS document; yields its URL."""
        body = json.dumps(self.jwks()).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != JWKS_PATH:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}{JWKS_PATH}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
