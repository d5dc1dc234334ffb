"""Stable error codes of the advisories services, shown the same way by every page."""

from django.core.exceptions import ValidationError
from django.db import models


class ErrorCode(models.TextChoices):
    NOT_DRAFT = "not_draft", "Only a draft revision can be changed."
    ALREADY_PUBLISHED = "already_published", "This revision has already been published."
    STALE_DRAFT = "stale_draft", (
        "Another revision was published after this draft was started; start a new draft from the advisory in force."
    )
    DRAFT_EXISTS = "draft_exists", "A draft revision is already being prepared; continue with it."
    INCOMPLETE = "incomplete", "The revision is not ready to publish."
    NOT_IN_FORCE = "not_in_force", "Only the advisory in force can be re-released with a correction."
    NO_CHANGE = "no_change", "The corrected text is the same as the current text."
    ALREADY_DECIDED = "already_decided", "This has already been decided."
    WRONG_STATE = "wrong_state", "This step is not possible from the request's current state."
    LETTER_EXISTS = "letter_exists", "The answer letter has already been drafted."


class AdvisoryError(ValidationError):
    """A refused step; ``error_code`` is an :class:`ErrorCode`."""

    def __init__(self, code: ErrorCode, message: str | None = None):
        self.error_code = ErrorCode(code)
        super().__init__(message or self.error_code.label, code=self.error_code.value)
