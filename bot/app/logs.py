"""Structured, safe logs: one JSON object a line, a request id on each, secrets and bodies redacted."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from datetime import UTC, datetime

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_SECRET = re.compile(r"xox[abposer]-[A-Za-z0-9-]+|v0=[0-9a-f]{64}")
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}


def redact(text: str) -> str:
    """Remove tokens and signatures; cut any request body (Bolt logs whole bodies on failed verification)."""
    text = _SECRET.sub("[redacted]", text)
    cut = text.find("body:")
    if cut != -1:
        text = text[:cut] + "body: [redacted])"
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": request_id.get(),
            "msg": redact(record.getMessage()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | None) else redact(str(value))
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class RedactingFilter(logging.Filter):
    """For handlers that format text themselves (pytest's capture): redact before anything sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


class StillRunningFilter(logging.Filter):
    """A tick still busy when the next is due is how the scheduler is meant to work (the running tick drains
    what is due): APScheduler's "skipped: maximum number of running instances" is not worth a warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # These log request bodies or SQL parameters (journalists' details) at DEBUG: never below INFO.
    for chatty in ("slack_sdk", "slack_bolt", "aiosqlite", "asyncpg"):
        logging.getLogger(chatty).setLevel(max(logging.INFO, root.level))
    # SQLAlchemy echoes every statement with its parameters once its logger allows INFO.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    for noisy in ("aiohttp.access", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("apscheduler.scheduler").addFilter(StillRunningFilter())
