"""Logs: one JSON object a line, with what a log must never hold blanked out first.

``redact`` blanks saved-result links, e-mail addresses and credentials; ``RedactFilter`` applies
it to a record's message and ``JsonFormatter`` writes the record (both named in ``LOGGING``,
``wellness/settings/logging.py``).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

_REDACTIONS = [
    # A saved result's link is the only key to the answers kept behind it.
    (re.compile(r"(/results/saved/)[^/\s\"'?#]+"), r"\1[redacted]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b(Token|Bearer|Basic)\s+[\w.~+/=-]+", re.IGNORECASE), r"\1 [redacted]"),
    (
        re.compile(r"\b(password|passwd|otp_token|token|sessionid|csrftoken)=[^\s&;,]+", re.I),
        r"\1=[redacted]",
    ),
]


def redact(text: str) -> str:
    """Blank out what a log must never hold: saved-result links, e-mail addresses, credentials."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    """Rewrite a record's message with ``redact`` before any handler sees it.

    On the console handler it covers every record; on the ``django.request``, ``django.server``
    and ``django.security.csrf`` loggers (which log request paths) it also covers the records
    other handlers, such as pytest's, receive.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object a line: time, level, logger, message, status, error.

    Only these fields: never the request object or other extras a library attaches, which can
    carry cookies, headers and bodies.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
