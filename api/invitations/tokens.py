"""Invitation tokens.

A token is an HMAC-SHA256 of the invitation id and a random 128-bit salt under a
server secret. The database stores only the salt and the token's SHA-256, so a
database dump cannot open invitations, while the service can still show the
partner its link (and put it in the email) for as long as the invitation lives.
"""

import base64
import hashlib
import hmac
import secrets
from uuid import UUID

SALT_BYTES = 16


def new_salt() -> str:
    return secrets.token_hex(SALT_BYTES)


def derive(secret: str, invitation_id: UUID, salt: str) -> str:
    mac = hmac.new(secret.encode(), f"invitation:{invitation_id}:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
