"""The email baseline: a plain sequential aiosmtplib loop, one connection per message
as the worker does, to the same SMTP sink.

    python -m bench.baselines.smtp_loop HOST PORT COUNT TAG
"""

import asyncio
import sys
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

BODY = (
    "Hello,\n\nBench Partner invites you to a reseller relationship. Open the link below "
    "to review and accept it:\n\nhttp://127.0.0.1:8000/invitations/" + "x" * 43 + "\n\n"
) * 3


async def main(host: str, port: int, count: int, tag: str) -> None:
    for index in range(count):
        email = EmailMessage()
        email["From"] = "Partner Connect <no-reply@partner-connect.localhost>"
        email["To"] = f"{tag}-{index}@bench.example"
        email["Subject"] = "Bench Partner invites you to a reseller relationship"
        email["Date"] = format_datetime(datetime.now(UTC))
        email["Message-ID"] = f"<{tag}-{index}@partner-connect.localhost>"
        email.set_content(BODY)
        await aiosmtplib.send(email, hostname=host, port=port, timeout=30)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
