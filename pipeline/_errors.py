"""What a step raises when it cannot finish its partition; the message is for the person running it."""

from __future__ import annotations

__all__ = ["StepError"]


class StepError(RuntimeError):
    """A step stopped: nothing of what it would have written is half-written, and a rerun resumes."""
