"""Sending email over SMTP (`SMTP_URL`: smtp://[user:password@]host:port, or smtps://)."""

import socket
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from urllib.parse import unquote, urlsplit

import aiosmtplib

from api.settings import Settings

SMTP_TIMEOUT_SECONDS = 30


def message(
    settings: Settings, *, to: str, subject: str, body: str, message_id: str
) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = message_id
    email.set_content(body)
    return email


def message_id(settings: Settings, key: str) -> str:
    """A Message-ID that is the same for every retry of one delivery."""
    domain = urlsplit(settings.public_base_url).hostname or "partner-connect.localhost"
    return f"<{key}@{domain}>"


@cache
def _local_hostname() -> str:
    """The name this host greets SMTP servers with (EHLO). aiosmtplib looks it up
    (`socket.getfqdn`, a DNS query in a thread) for every connection: once is enough."""
    return socket.getfqdn()


async def send(settings: Settings, email: EmailMessage) -> None:
    url = urlsplit(settings.smtp_url)
    if url.scheme not in ("smtp", "smtps") or not url.hostname:
        raise ValueError(
            f"SMTP_URL must be smtp://host:port or smtps://host:port, not {url.scheme}://"
        )
    await aiosmtplib.send(
        email,
        hostname=url.hostname,
        port=url.port or (465 if url.scheme == "smtps" else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=url.scheme == "smtps",
        local_hostname=_local_hostname(),
        timeout=SMTP_TIMEOUT_SECONDS,
    )
