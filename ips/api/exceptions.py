"""Every API error has one shape: ``{"detail": str, "code": str, "errors": {field: [str, ...]}}``.

``errors`` is empty unless there is something field by field to say; the problems of a workflow step
that cannot be taken yet are listed under ``errors["non_field_errors"]``.

Status codes: 400 bad input (including a step whose conditions are unmet or that needs a comment),
401 no credentials, 403 refused, 404 not found or outside the user's scope, 409 a step that is not
possible from the record's current state, 412 an edit based on a version (If-Match) that is no longer
the record's (``concurrent_edit``, with the current ETag), 428 an edit without If-Match, 429 throttled.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework.exceptions import APIException, ErrorDetail, NotFound
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from assessments.errors import HTTP_STATUS, WorkflowError
from ips import permissions
from ips.concurrency import ConcurrentEditError, etag, is_versioned

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY



def error_body(detail: str, code: str, errors: dict | None = None) -> dict:
    return {"detail": str(detail), "code": str(code), "errors": errors or {}}


def _as_lists(data) -> dict[str, list[str]]:
    """DRF's nested error details, flattened to ``{field: [message, ...]}``."""
    if isinstance(data, list):
        return {NON_FIELD: [str(item) for item in data]}
    out: dict[str, list[str]] = {}
    for name, value in data.items():
        if isinstance(value, dict):
            for inner, texts in _as_lists(value).items():
                out[f"{name}.{inner}"] = texts
        elif isinstance(value, list):
            out[name] = [str(item) for item in value]
        else:
            out[name] = [str(value)]
    return out


def _first_code(data, default: str) -> str:
    if isinstance(data, ErrorDetail):
        return data.code or default
    if isinstance(data, list) and data:
        return _first_code(data[0], default)
    if isinstance(data, dict) and data:
        return _first_code(next(iter(data.values())), default)
    return default


def _workflow_response(exc: WorkflowError) -> Response:
    code = exc.error_code
    errors = {NON_FIELD: list(exc.problems)} if exc.problems else {}
    return Response(error_body(code.label, code.value, errors), status=HTTP_STATUS.get(code, 400))


def _validation_response(exc: DjangoValidationError) -> Response:
    if hasattr(exc, "error_dict"):
        errors = {(NON_FIELD if name == "__all__" else name): texts for name, texts in exc.message_dict.items()}
    else:
        errors = {NON_FIELD: exc.messages}
    return Response(error_body("The request was not valid.", "invalid", errors), status=400)


def api_exception_handler(exc, context):
    """DRF's exception handler, answering in the one error shape."""
    if isinstance(exc, WorkflowError):
        set_rollback()
        return _workflow_response(exc)
    if isinstance(exc, ConcurrentEditError):  # before ValidationError, which it is
        set_rollback()
        headers = {"ETag": etag(exc.instance)} if is_versioned(exc.instance) else {}
        return Response(error_body(exc.message, exc.code), status=412, headers=headers)
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return _validation_response(exc)
    if isinstance(exc, Http404):
        exc = NotFound()
    elif isinstance(exc, permissions.Refused):
        exc = DRFPermissionDenied(exc.message, code=exc.code)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = DRFPermissionDenied()
    if not isinstance(exc, APIException):
        return None  # a real fault: let it surface as a 500 and be logged
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    set_rollback()
    data = exc.detail
    if isinstance(data, dict | list):
        errors = _as_lists(data)
        detail = "The request was not valid." if exc.status_code == 400 else next(iter(errors.values()))[0]
        code = _first_code(data, exc.default_code)
        if code in {"required", "invalid", "null", "blank", "does_not_exist", "invalid_choice"}:
            code = "invalid"
        return Response(error_body(detail, code, errors), status=exc.status_code, headers=headers)
    return Response(error_body(data, getattr(data, "code", None) or exc.default_code), status=exc.status_code,
                    headers=headers)
