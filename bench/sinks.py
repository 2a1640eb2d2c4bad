"""Stand-ins the suite runs in their own processes, each writing one JSON line per
thing received (with the time it arrived) to a file the suite reads:

    python -m bench.sinks smtp PORT FILE            # an SMTP server keeping nothing
    python -m bench.sinks partner-center PORT FILE  # answers every DAP revocation 204
"""

import asyncio
import json
import re
import signal
import sys
import time
from typing import IO, Any

from aiosmtpd.smtp import SMTP

_REQUEST_LINE = re.compile(rb"^(\w+) (\S+) HTTP/1\.[01]$")


class _Recorder:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, **record: Any) -> None:
        self.out.write(json.dumps({"t": time.time(), **record}) + "\n")
        self.out.flush()


class _MailHandler:
    def __init__(self, recorder: _Recorder) -> None:
        self.recorder = recorder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.recorder.write(to=list(envelope.rcpt_tos), size=len(envelope.content or b""))
        return "250 OK"


async def _smtp(port: int, recorder: _Recorder) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    handler = _MailHandler(recorder)
    return await loop.create_server(
        lambda: SMTP(handler, hostname="bench-sink"), host="127.0.0.1", port=port
    )


async def _partner_center(port: int, recorder: _Recorder) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                match = _REQUEST_LINE.match(head.split(b"\r\n", 1)[0])
                method, path = (match.group(1), match.group(2)) if match else (b"?", b"?")
                recorder.write(method=method.decode(), path=path.decode())
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        finally:
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", port)


async def main(kind: str, port: int, out: IO[str]) -> None:
    recorder = _Recorder(out)
    server = await (_smtp if kind == "smtp" else _partner_center)(port, recorder)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await stopping.wait()
    server.close()


if __name__ == "__main__":
    kind, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind not in ("smtp", "partner-center"):
        raise SystemExit(__doc__)
    with open(path, "a") as out:
        asyncio.run(main(kind, port, out))
