"""Stand-ins the suite runs in their own processes, each writing one JSON line per
thing received (with the time it arrived) to a file the suite reads:

    python -m bench.sinks smtp PORT FILE            # an SMTP server keeping nothing
    python -m bench.sinks partner-center PORT FILE  # the stand-in Partner Center

The Partner Center stand-in (api/devtools/partner_center.py, over HTTPS) takes its
credentials from the PARTNER_CENTER_* settings in the environment, the ones the
suite gives the API and the worker, and its certificates from the directory of
PARTNER_CENTER_CA_FILE; it writes one line per Partner Center call.
"""

import asyncio
import json
import signal
import sys
import time
from pathlib import Path
from typing import IO, Any

from aiosmtpd.smtp import SMTP

from api.devtools.partner_center import Certificates, PartnerCenterState, running
from api.settings import Settings


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


def partner_center_files(directory: Path) -> Certificates:
    return Certificates(directory)


def partner_center_state(settings: Settings) -> PartnerCenterState:
    """The stand-in's side of the credentials `settings` carry."""
    assert settings.partner_center_tenant_id is not None
    return PartnerCenterState(
        tenant_id=str(settings.partner_center_tenant_id),
        client_id=settings.partner_center_client_id or "",
        client_secret=settings.partner_center_client_secret or "",
        refresh_token=settings.partner_center_refresh_token or "",
    )


async def main(kind: str, port: int, out: IO[str]) -> None:
    recorder = _Recorder(out)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    if kind == "smtp":
        server = await _smtp(port, recorder)
        await stopping.wait()
        server.close()
        return
    settings = Settings()
    state = partner_center_state(settings)
    state.on_call = lambda call: recorder.write(
        method=call.method, path=call.path, status=call.status
    )
    assert settings.partner_center_ca_file
    files = partner_center_files(Path(settings.partner_center_ca_file).parent)
    async with running(state, port=port, files=files):
        await stopping.wait()


if __name__ == "__main__":
    kind, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind not in ("smtp", "partner-center"):
        raise SystemExit(__doc__)
    with open(path, "a") as out:
        asyncio.run(main(kind, port, out))
