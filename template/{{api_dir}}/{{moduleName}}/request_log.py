"""The request line: one INFO log line per request, written when its response ends.

It carries the same keys as any other line of `logger`, but `logger.info` would double the
cost of a warm request: it looks up the caller's frame, builds a log record (thread, process
and file names), and Powertools' formatter then sorts every attribute of that record into
keys and extras and tries to parse the message as JSON. Here a record is built once and
copied per request, and with Powertools' own formatter (the default) the line is assembled
from the logger's keys directly. Any other formatter, handler or filter gets the record
through the logger as usual.
"""

import logging
import os
import threading
import time
from typing import Any, TextIO, cast

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import RESERVED_LOG_ATTRS, LambdaPowertoolsFormatter


class RequestLog:
    def __init__(self, logger: Logger) -> None:
        self._powertools_logger = logger
        self._logger = logging.getLogger(logger.name)
        code = RequestLog.write.__code__
        template = self._logger.makeRecord(
            self._logger.name,
            logging.INFO,
            code.co_filename,
            code.co_firstlineno,
            "",
            (),
            None,
            func="request_line",
        )
        self._template = template.__dict__
        self._template_ns = time.time_ns()

    @property
    def enabled(self) -> bool:
        """Whether an INFO line would be written (POWERTOOLS_LOG_LEVEL=WARNING says no)."""
        return self._logger.isEnabledFor(logging.INFO)

    def write(self, message: str, **fields: Any) -> None:
        """Logs `message` at INFO with `fields` as extra keys; check `enabled` first."""
        if getattr(self._powertools_logger, "_buffer_config", None):
            self._powertools_logger.info(message, extra=fields)  # buffered INFO lines wait
            return
        record = self._record(message, fields)
        [handler, *others] = self._logger.handlers or [None]
        if (
            others
            or not isinstance(handler, logging.StreamHandler)
            or type(handler.formatter) is not LambdaPowertoolsFormatter
            or handler.filters
            or self._logger.filters
        ):
            self._logger.handle(record)
            return
        line = _format(handler.formatter, record, fields)
        handler.acquire()
        try:
            cast("logging.StreamHandler[TextIO]", handler).stream.write(line + handler.terminator)
            handler.flush()
        finally:
            handler.release()

    def _record(self, message: str, fields: dict[str, Any]) -> logging.LogRecord:
        now_ns = time.time_ns()
        record = logging.LogRecord.__new__(logging.LogRecord)
        record.__dict__.update(self._template, **fields)
        record.msg = message
        record.created = now_ns / 1e9
        record.msecs = (now_ns % 1_000_000_000) // 1_000_000 + 0.0
        record.relativeCreated += (now_ns - self._template_ns) / 1e6
        thread = threading.current_thread()
        record.thread, record.threadName = thread.ident, thread.name
        return record


def _format(
    formatter: LambdaPowertoolsFormatter, record: logging.LogRecord, fields: dict[str, Any]
) -> str:
    """`formatter.format(record)` for a record with a plain-text message and no exception:
    the logger's keys (`%(...)s` values filled from the record), the context keys, the
    fields, the X-Ray trace id, and no key whose value is None."""
    values = record.__dict__
    values["asctime"] = formatter.formatTime(record)
    document: dict[str, Any] = {}
    for keys in (formatter.log_format, formatter.thread_safe_get_current_keys()):
        for key, value in keys.items():
            if isinstance(value, str) and value and key in RESERVED_LOG_ATTRS:
                value = value % values
            document[key] = value
    document.update(fields)
    document["message"] = record.msg
    if formatter.log_format.get("xray_trace_id", "") is not None:
        trace_header = os.environ.get("_X_AMZN_TRACE_ID")
        document["xray_trace_id"] = (
            trace_header.split(";")[0].replace("Root=", "") if trace_header else None
        )
    return formatter.serialize(log={k: v for k, v in document.items() if v is not None})
