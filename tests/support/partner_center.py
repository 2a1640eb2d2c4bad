"""A stand-in for Microsoft's side of DAP revocation (outside our world, so faked):
records each revocation call, and can fail or hold its answer."""

import asyncio
import re
from dataclasses import dataclass, field

_REQUEST_LINE = re.compile(rb"^(\w+) (\S+) HTTP/1\.[01]$")


@dataclass
class PartnerCenter:
    calls: list[tuple[str, str]] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)
    failures_left: int = 0
    always_fail: bool = False
    hold: bool = False
    called: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    async def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            match = _REQUEST_LINE.match(head.split(b"\r\n", 1)[0])
            path = match.group(2).decode() if match else ""
            parts = path.strip("/").split("/")  # v1/customers/<c>/delegatedAdmin/<p>
            self.calls.append((parts[2], parts[4]) if len(parts) == 5 else ("?", path))
            headers = dict(line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line)
            authorization = headers.get(b"Authorization") or headers.get(b"authorization")
            self.authorizations.append(authorization.decode().strip() if authorization else None)
            self.called.set()
            if self.hold:
                await self._stopping.wait()  # never answers: the caller dies waiting
                return
            status = b"204 No Content"
            if self.always_fail or self.failures_left > 0:
                self.failures_left = max(0, self.failures_left - 1)
                status = b"503 Service Unavailable"
            writer.write(
                b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            await writer.drain()
        finally:
            writer.close()
