"""Every log line of a whole test run, written as production writes it
(`api.logs.configure`), kept to check that none holds a secret."""

import logging
import re
from collections.abc import Iterable

from api import logs

LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")

# What must never be logged: bearer tokens (JWTs), invitation links with their
# token, and the test run's own signing secret.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.")
_LINK = re.compile(r"/invitations/(?!\[token\])[A-Za-z0-9_-]{20,}")


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s [%(request_id)s] %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def record_everything() -> Recorder:
    logs.configure("text", "INFO")
    recorder = Recorder()
    for name in LOGGERS:
        logging.getLogger(name).addHandler(recorder)
    return recorder


def secrets_in(lines: Iterable[str], secrets: Iterable[str]) -> list[str]:
    known = [secret for secret in secrets if secret]
    return [
        line
        for line in lines
        if _JWT.search(line) or _LINK.search(line) or any(s in line for s in known)
    ]
