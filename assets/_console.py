"""What a one-shot run prints: the steps' own messages; Dagster's engine events and tracebacks when asked.

The event log keeps everything either way, for the UI and for `--verbose`.
"""

from __future__ import annotations

import logging
import sys

import dagster as dg

__all__ = ["console_logger"]


class _StepMessages(logging.Filter):
    """Records a step logged itself (context.log), not the engine's events, printed as `step: message`."""

    def filter(self, record: logging.LogRecord) -> bool:
        meta = getattr(record, "dagster_meta", None) or {}
        # The engine's own errors (a failed step's dependants "Not executing") repeat the failure.
        if meta.get("dagster_event") is not None or record.levelno >= logging.ERROR:
            return False
        message = str(meta.get("orig_message", record.getMessage()))
        step = meta.get("step_key")
        record.msg, record.args = (f"{step}: {message}" if step else message), None
        return True


@dg.logger(None, description="The steps' own messages on stderr, without Dagster's engine events.")
def _step_messages(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("cfdi_etl.run", level=logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_StepMessages())
    logger.addHandler(handler)
    return logger


def console_logger(verbose: bool) -> dg.LoggerDefinition:
    """Dagster's own console logger (engine events, tracebacks) when verbose, else the steps' messages."""
    return dg.colored_console_logger if verbose else _step_messages
