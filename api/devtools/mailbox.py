"""The mail sink of `partner-connect dev`: each message it receives is printed as one
block that stands out from the log lines, with its links, and kept for the mailbox
page at `/dev/mailbox` (mounted only by `dev`)."""

import email
import email.policy
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

from api.http.dashboard import security_headers

# The newest messages kept for the page; older ones are only in the terminal.
KEPT = 200
_LINK = re.compile(r"https?://[^\s<>\"']+")
_RULE = "─" * 72

_pages = Environment(
    loader=PackageLoader("api.devtools", "templates"), autoescape=select_autoescape(["html"])
)


@dataclass(frozen=True)
class Mail:
    received_at: datetime
    sender: str
    recipients: list[str]
    subject: str
    body: str

    @property
    def links(self) -> list[str]:
        return _LINK.findall(self.body)


class Mailbox:
    """An aiosmtpd handler (it runs in the sink's thread; the page reads a copy)."""

    def __init__(self, page_url: str) -> None:
        self.page_url = page_url
        self.messages: deque[Mail] = deque(maxlen=KEPT)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(("plain",))
        mail = Mail(
            received_at=datetime.now(UTC),
            sender=str(message["From"] or envelope.mail_from),
            recipients=list(envelope.rcpt_tos),
            subject=str(message["Subject"] or ""),
            body=body.get_content() if body is not None else "",
        )
        self.messages.append(mail)
        print(self._block(mail), flush=True)
        return "250 Message accepted for delivery"

    def _block(self, mail: Mail) -> str:
        head = [
            f"Mail to {', '.join(mail.recipients)}",
            f"From:    {mail.sender}",
            f"Subject: {mail.subject}",
            *(f"Link:    {link}" for link in mail.links),
            f"(every message sent: {self.page_url})",
            "",
            *mail.body.rstrip().splitlines(),
        ]
        return "\n".join(["", f"┌{_RULE}", *(f"│ {line}".rstrip() for line in head), f"└{_RULE}"])

    async def page(self, request: Request) -> HTMLResponse:
        html = _pages.get_template("mailbox.html").render(
            messages=list(reversed(self.messages)),
            styles_css=request.url_for("static", path="styles.css").path,
        )
        # The links carry invitation tokens: keep them out of caches and referrers.
        headers = {
            **security_headers(request),
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        }
        return HTMLResponse(html, headers=headers)

    def routes(self) -> list[BaseRoute]:
        return [Route("/dev/mailbox", self.page)]
