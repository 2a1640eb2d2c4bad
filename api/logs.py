"""Logging: one JSON object a line (LOG_FORMAT=json) or plain text, each record
tagged with the request id it belongs to, and no invitation token in any line.

`uvicorn api.app:app` and `partner-connect worker` apply it; uvicorn's access log
is included, with invitation links cut short (the path holds the token) and the
values of every query string dropped (`GET /graphql?query=…` may hold one too).
"""

import logging
import logging.config
import re
import uuid
from contextvars import ContextVar
from typing import Any

# The id of the request being served: in the `X-Request-ID` response header, in
# masked errors and on every log line written while serving it.
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")


def new_request_id() -> str:
    return uuid.uuid4().hex


# An invitation's token in a path or url: /invitations/<token>.
_INVITATION_LINK = re.compile(r"(/invitations/)[A-Za-z0-9_-]{8,}")
# A url's query string, up to the space that ends the url in a log line. Its values
# are the caller's (a query's text and variables, a webhook endpoint's key): any may
# be a secret, so only the parameters' names are kept. The `?` must follow a path
# (SQL placeholders, `=?` or `(?,?)`, are no query strings).
_QUERY_STRING = re.compile(r"(?<=[A-Za-z0-9_.~%/-])\?(\S+)")


def _names_only(query: re.Match[str]) -> str:
    return "?" + "&".join(
        part.split("=", 1)[0] + "=[redacted]" if "=" in part else "[redacted]"
        for part in query[1].split("&")
    )


def redact(text: str) -> str:
    return _INVITATION_LINK.sub(r"\1[token]", _QUERY_STRING.sub(_names_only, text))


_plain_record = logging.getLogRecordFactory()


def _record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Every record, whoever logs it and whichever handler writes it: tagged with the
    request id ("-" outside a request), invitation tokens removed from its message
    and arguments."""
    record = _plain_record(*args, **kwargs)
    record.request_id = request_id_var.get()
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a malformed call is the logging module's to report
        return record
    redacted = redact(message)
    if redacted != message:
        record.msg, record.args = redacted, ()
    return record


def config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level},
        # uvicorn's loggers keep their names but write through the same handler.
        "loggers": {
            name: {"handlers": ["default"], "level": level, "propagate": False}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure(log_format: str, level: str = "INFO") -> None:
    logging.setLogRecordFactory(_record)
    logging.config.dictConfig(config(log_format, level))
