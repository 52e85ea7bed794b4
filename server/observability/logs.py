"""Logs: one JSON object per line on stdout (`REGISTRY_LOG_FORMAT=json`, the default in
production) or readable text, from the `registry` logger hierarchy.

Fields of a JSON line: `time` (UTC, ISO 8601), `level`, `logger`, `message`, and when known
`request_id`, `operation`, `role`, `status`, `duration_ms`, `method`, `error_codes`;
`exception` holds the stack of a logged exception. Lines logged while a /graphql request is
being answered carry that request's id, operation and role.

What is never written: the Authorization header, query variables, contact data. Nothing logs
them on purpose; as a second line of defence the formatter replaces anything shaped like a JWT
or a bearer credential, and telephone numbers, in every message and stack.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from contextvars import ContextVar, Token
from typing import Any, TextIO

import orjson

from server.settings import Settings

HANDLER_NAME = "registry-stdout"
FIELDS = ("request_id", "method", "operation", "role", "status", "duration_ms", "error_codes")
CONTEXT_FIELDS = ("request_id", "operation", "role")

SECRETS = (
    (re.compile(r"(?i)\bbearer\s+\S+"), "Bearer [redacted]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[redacted token]"),
    (re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])"), "[redacted phone]"),
    (re.compile(r"(?<![0-9A-Za-z])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])"), "[redacted phone]"),
)

request_context: ContextVar[dict[str, str] | None] = ContextVar(
    "registry_request_context", default=None
)


def bind_request(**fields: str) -> Token[dict[str, str] | None]:
    """Lines logged from here on in this task describe this request."""
    return request_context.set(dict(fields))


def update_request(**fields: str) -> None:
    current = request_context.get()
    if current is not None:
        current.update(fields)


def unbind_request(token: Token[dict[str, str] | None]) -> None:
    request_context.reset(token)


def redact(text: str) -> str:
    for pattern, replacement in SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context.get()
        if context:
            for name in CONTEXT_FIELDS:
                if name in context and not hasattr(record, name):
                    setattr(record, name, context[name])
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = " ".join(
            f"{name}={getattr(record, name)}"
            for name in FIELDS
            if getattr(record, name, None) is not None
        )
        if extra:
            head, newline, stack = line.partition("\n")
            line = f"{head} [{extra}]{newline}{stack}"
        return redact(line)


class StdoutHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stdout is when the line is written (pytest swaps it per test)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def _our_handler(logger: logging.Logger) -> logging.Handler | None:
    return next((h for h in logger.handlers if h.get_name() == HANDLER_NAME), None)


def configure_logging(settings: Settings) -> None:
    """Idempotent: one handler on the `registry` logger (records still propagate, so pytest's
    caplog sees them). uvicorn's access log is turned off: it would write GET query strings,
    variables included, and /graphql writes its own access line. So is strawberry's error
    log."""
    level = settings.log_level.upper()
    formatter: logging.Formatter = JsonFormatter() if settings.logs_as_json else TextFormatter()
    registry = logging.getLogger("registry")
    handler = _our_handler(registry)
    if handler is None:
        handler = StdoutHandler()
        handler.set_name(HANDLER_NAME)
        handler.addFilter(RequestContextFilter())
        registry.addHandler(handler)
    handler.setFormatter(formatter)
    registry.setLevel(level)

    access = logging.getLogger("uvicorn.access")
    access.disabled = True
    access.propagate = False
    # strawberry logs every error of every answer, message and all: a variable's refused value
    # is quoted in it. Client errors are the client's business; faults are logged, masked and
    # with the request id, by schema/core/masking.py under `registry.errors`.
    logging.getLogger("strawberry.execution").disabled = True

    # JSON: uvicorn's own messages (start, stop, unhandled exceptions) as JSON lines too. Text:
    # uvicorn's own format (and its logging configuration, applied before or after this one).
    server = logging.getLogger("uvicorn.error")
    ours = _our_handler(server)
    if settings.logs_as_json:
        if ours is None:
            server.addHandler(handler)
        server.propagate = False  # not a second time through uvicorn's default handler
        server.setLevel(level)
    elif ours is not None:
        server.removeHandler(ours)
        server.propagate = True
