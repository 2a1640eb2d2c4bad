"""A real SMTP server (aiosmtpd) that records what it receives, and can refuse
deliveries to chosen recipients for a while."""

import asyncio
import email
import email.policy
from collections import defaultdict
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.processes import free_port

WAIT_SECONDS = 30


class MailSink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._refusals: dict[str, int | None] = {}
        self.refused: dict[str, int] = defaultdict(int)
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self._controller.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def refuse(self, recipient: str, times: int | None = None) -> None:
        """Answer 451 to deliveries for `recipient`: `times` times, or always (None)."""
        self._refusals[recipient] = times

    def to(self, recipient: str) -> list[EmailMessage]:
        return [m for m in self.messages if recipient in str(m["To"])]

    async def wait_for(self, recipient: str, count: int = 1) -> list[EmailMessage]:
        async with asyncio.timeout(WAIT_SECONDS), self._changed:
            await self._changed.wait_for(lambda: len(self.to(recipient)) >= count)
        return self.to(recipient)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # aiosmtpd runs this in its own thread and event loop.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        recipient = envelope.rcpt_tos[0]
        if recipient in self._refusals:
            remaining = self._refusals[recipient]
            if remaining is None or remaining > 0:
                if remaining is not None:
                    self._refusals[recipient] = remaining - 1
                self.refused[recipient] += 1
                return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        asyncio.run_coroutine_threadsafe(self._notify(), self._loop)
        return "250 OK"
