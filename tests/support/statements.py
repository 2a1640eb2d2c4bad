"""Counting the SQL statements the ORM sends (DEBUG records of `tortoise.db_client`)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

LOGGER = "tortoise.db_client"
NOT_STATEMENTS = ("Created connection", "Closed connection")


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not any(marker in message for marker in NOT_STATEMENTS):
            self.statements.append(message)


@contextmanager
def recording_statements() -> Iterator[list[str]]:
    """Yields the list the statements sent meanwhile (in this process) are added to."""
    logger = logging.getLogger(LOGGER)
    recorder = _Recorder()
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(recorder)
    try:
        yield recorder.statements
    finally:
        logger.removeHandler(recorder)
        logger.setLevel(level)
