"""Stable error codes of the assessment workflow, shown the same way by the pages and the API."""

from django.core.exceptions import ValidationError
from django.db import models


class ErrorCode(models.TextChoices):
    NOT_ALLOWED_FROM_STATE = "not_allowed_from_state", "This step is not possible from the case's current state."
    ALREADY_IN_STATE = "already_in_state", "The case is already in that state."
    UNKNOWN_TRANSITION = "unknown_transition", "There is no such step."
    PRECONDITION_FAILED = "precondition_failed", "The case is not ready for this step."
    COMMENT_REQUIRED = "comment_required", "A comment is required for this step."
    ALREADY_DECIDED = "already_decided", "This determination has already been decided."
    FROZEN = "frozen", "This record can no longer change."
    DETERMINATION_FROM_STEP = "determination_from_step", "This step is taken by recommending or deciding."


# The HTTP status of each refusal, the same for the pages and the API. (A step the user may not take
# at all is refused by ips.permissions, with its own reason code.)
HTTP_STATUS = {
    ErrorCode.NOT_ALLOWED_FROM_STATE: 409,
    ErrorCode.ALREADY_IN_STATE: 409,
    ErrorCode.ALREADY_DECIDED: 409,
    ErrorCode.FROZEN: 409,
    ErrorCode.DETERMINATION_FROM_STEP: 409,
    ErrorCode.UNKNOWN_TRANSITION: 404,
    ErrorCode.PRECONDITION_FAILED: 400,
    ErrorCode.COMMENT_REQUIRED: 400,
}


class WorkflowError(ValidationError):
    """A refused workflow step; ``code`` is an :class:`ErrorCode`, ``problems`` the unmet conditions."""

    def __init__(self, code: ErrorCode, problems: list[str] | None = None, message: str | None = None):
        self.error_code = ErrorCode(code)
        self.problems = problems or []
        text = message or self.error_code.label
        if self.problems:
            text = f"{text} " + " ".join(self.problems)
        super().__init__(text, code=self.error_code.value)
