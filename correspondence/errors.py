"""Stable error codes of the correspondence services, shown the same way by every page."""

from django.core.exceptions import ValidationError
from django.db import models


class ErrorCode(models.TextChoices):
    FROZEN = "frozen", "A sent letter never changes: issue a correction instead."
    NOT_DRAFT = "not_draft", "Only a draft letter can be changed."
    NOT_READY = "not_ready", "The letter's PDF is not ready yet."
    WRONG_STATUS = "wrong_status", "This step is not possible from the letter's current status."
    ALREADY_CORRECTED = "already_corrected", "This letter already has a correction."
    NO_LETTER_FOR_OUTCOME = "no_letter_for_outcome", "The determination is not approved."
    NOT_RETRYABLE = "not_retryable", "Only a failed or stalled PDF job can be retried."


class LetterError(ValidationError):
    """A refused letter step; ``error_code`` is an :class:`ErrorCode`."""

    def __init__(self, code: ErrorCode, message: str | None = None):
        self.error_code = ErrorCode(code)
        super().__init__(message or self.error_code.label, code=self.error_code.value)
